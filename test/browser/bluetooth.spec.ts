/**
 * A Bluetooth Environmental Sensing sensor emulated by Chromium itself: chosen in the
 * browser's chooser (from the sidebar), connected and read by the real Web Bluetooth
 * code; its values reach the kernel and a row reaches the real EtherCalc; a dropped
 * connection is remade; the widget disconnects it.
 */
import { expect, test } from '@playwright/test';
import { EmulatedSensor, HUMIDITY, hundredths, TEMPERATURE } from './bluetooth-emulation';
import { sheetCsv, sheetName } from './ethercalc';
import {
  collectErrors,
  expectNoSensorlabErrors,
  kernelJson,
  loggerView,
  openNotebook,
  runAllCells,
  runCommand,
  writeNotebook
} from './jupyter';

const NOTEBOOK = 'bluetooth-sensor.ipynb';
const SHEET = `${process.env.SENSORLAB_ETHERCALC}/ble-${Date.now()}`;

test('an emulated Environmental Sensing sensor is read, posted, and reconnected', async ({
  page,
  browser,
  request
}) => {
  const errors = collectErrors(page);
  await writeNotebook(request, NOTEBOOK, [
    `import sensorlab
logger = sensorlab.Logger(sheet="${SHEET}", source="bluetooth", name="ble", poll_every=1, forward_every=1)
logger`
  ]);
  const sensor = await EmulatedSensor.create(browser, page, 'Class sensor');
  sensor.values.set(TEMPERATURE, [0x66, 0x08]); // 21.5 °C, the example of the facts file
  sensor.values.set(HUMIDITY, hundredths(40.25));

  await openNotebook(page, 'lab', NOTEBOOK);
  await runAllCells(page);
  const logger = loggerView(page);
  await expect(logger.view).toContainText('No Bluetooth sensor yet: press Connect');
  // Connect from the sidebar: the notebook's logger reads the same sensor.
  await runCommand(page, 'sensorlab:open-monitor');
  const monitor = page.locator('.jp-sensorlab-Monitor');
  await monitor.getByRole('button', { name: 'Connect Bluetooth sensor' }).click();
  await expect(monitor.locator('.jp-sensorlab-Monitor-device[data-source="bluetooth-1"]')).toContainText(
    'Class sensor reading'
  );
  await expect(logger.view).toContainText('Class sensor: reading');
  await expect(logger.value('temperature')).toHaveText('21.5 °C');
  await expect(logger.value('humidity')).toHaveText('40.3 %');

  await expect.poll(() => kernelJson<number>(page, 'print(len(logger.data))')).toBeGreaterThanOrEqual(2);
  const first = await kernelJson<{ temperature: number; humidity: number }>(
    page,
    'import json; print(json.dumps(logger.data[["temperature", "humidity"]].iloc[0].to_dict()))'
  );
  expect(first).toEqual({ temperature: 21.5, humidity: 40.25 });

  // The first row is due at once: it reaches the real EtherCalc.
  await expect.poll(async () => (await sheetCsv(sheetName(SHEET))).slice(1).length).toBeGreaterThanOrEqual(1);
  const rows = await sheetCsv(sheetName(SHEET));
  expect(rows[0]).toEqual(['time', 'humidity', 'temperature']);
  expect(rows[1].slice(1)).toEqual(['40.25', '21.5']);

  // The sensor drops the connection: the source waits, calls again and reads on.
  const connects = sensor.connects;
  await sensor.disconnect();
  await expect(logger.view).toContainText('Class sensor: waiting for the device');
  sensor.values.set(TEMPERATURE, hundredths(22.75));
  await page.waitForTimeout(2500); // a few tries go unanswered: the backoff grows
  await sensor.comeBack();
  await expect(logger.view).toContainText('Class sensor: reading', { timeout: 15_000 });
  expect(sensor.connects).toBeGreaterThan(connects);
  await expect
    .poll(() => kernelJson<number>(page, 'print(logger.data["temperature"].iloc[-1])'), { timeout: 15_000 })
    .toBe(22.75);

  await logger.disconnect.click();
  await expect(logger.view).toContainText('Class sensor: stopped');
  await expectNoSensorlabErrors(errors);
});
