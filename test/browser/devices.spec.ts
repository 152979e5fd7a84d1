/**
 * Many devices in one tab: two USB boards (fake Web Serial, the device boundary) and a
 * Bluetooth sensor emulated by Chromium, each replugged in turn while the other two keep
 * logging into the real kernel.
 */
import { expect, Page, test } from '@playwright/test';
import { EmulatedSensor, hundredths, TEMPERATURE } from './bluetooth-emulation';
import {
  collectErrors,
  expectNoSensorlabErrors,
  kernelJson,
  openNotebook,
  runAllCells,
  writeNotebook
} from './jupyter';

const NOTEBOOK = 'many-devices.ipynb';

/** Readings in the kernel by device, from both Loggers: {"serial-1": 12, ...}. */
const BY_DEVICE = `import json
counts = {}
for each in (usb, ble):
    counts.update(each.data.groupby("source").size().to_dict())
print(json.dumps(counts))`;

const byDevice = (page: Page) => kernelJson<Record<string, number>>(page, BY_DEVICE);

/** Both boards print a numbered temperature every 100 ms, as long as the page lives. */
async function boardsPrint(page: Page): Promise<void> {
  await page.evaluate(() => {
    const serial = (window as any).fakeSerial;
    let n = 0;
    setInterval(() => {
      n++;
      for (const board of [0, 1]) {
        serial.board(board).print(`temperature:${20 + board} n:${n}\n`);
      }
    }, 100);
  });
}

test('two USB boards and a Bluetooth sensor log at once; each replugged in turn, the others keep logging', async ({
  page,
  browser,
  request
}) => {
  test.setTimeout(300_000);
  const errors = collectErrors(page);
  const run = Date.now();
  await writeNotebook(request, NOTEBOOK, [
    `import sensorlab
usb = sensorlab.Logger(source="serial", name="usb-${run}", forward_every=1)
usb`,
    `ble = sensorlab.Logger(source="bluetooth", name="ble-${run}", poll_every=0.5, forward_every=1)
ble`
  ]);
  await page.addInitScript({ path: `${__dirname}/fake-serial.js` });
  await page.addInitScript(() => (window as any).fakeSerial.addBoard()); // a second micro:bit, alike
  const sensor = await EmulatedSensor.create(browser, page, 'Class sensor');
  sensor.values.set(TEMPERATURE, hundredths(18.5));

  await openNotebook(page, 'lab', NOTEBOOK);
  await runAllCells(page);
  const usb = page.getByRole('region', { name: `sensorlab logger usb-${run}` });
  const ble = page.getByRole('region', { name: `sensorlab logger ble-${run}` });
  await expect(usb).toContainText('No USB device yet: press Connect');

  // Each Connect adds one more device; the second board is picked in the chooser.
  await usb.getByRole('button', { name: 'Connect a USB device' }).click();
  await expect(usb).toContainText('micro:bit (USB): reading');
  await page.evaluate(() => (window as any).fakeSerial.choose(1));
  await usb.getByRole('button', { name: 'Connect another USB device' }).click();
  await expect(usb).toContainText('micro:bit (USB) 2: reading');
  await expect(usb).toContainText('2 devices, 2 reading');
  // Choosing a board already read adds nothing.
  await usb.getByRole('button', { name: 'Connect another USB device' }).click();
  await expect(usb.getByRole('listitem')).toHaveCount(2);
  await ble.getByRole('button', { name: 'Connect a Bluetooth sensor' }).click();
  await expect(ble).toContainText('Class sensor: reading');
  await boardsPrint(page);

  const ids = ['serial-1', 'serial-2', 'bluetooth-1'];
  await expect.poll(async () => Object.keys(await byDevice(page)).sort()).toEqual([...ids].sort());
  const sidebar = page.locator('.jp-sensorlab-Monitor');
  await page.evaluate(() => (window as any).jupyterapp.commands.execute('sensorlab:open-monitor'));
  for (const id of ids) {
    await expect(sidebar.locator(`.jp-sensorlab-Monitor-device[data-source="${id}"]`)).toContainText('reading');
  }

  const unplug: Record<string, () => Promise<void>> = {
    'serial-1': () => page.evaluate(() => (window as any).fakeSerial.board(0).unplug()),
    'serial-2': () => page.evaluate(() => (window as any).fakeSerial.board(1).unplug()),
    'bluetooth-1': () => sensor.disconnect()
  };
  const replug: Record<string, () => Promise<void>> = {
    'serial-1': () => page.evaluate(() => (window as any).fakeSerial.board(0).replug()),
    'serial-2': () => page.evaluate(() => (window as any).fakeSerial.board(1).replug()),
    'bluetooth-1': () => sensor.comeBack()
  };
  for (const away of ids) {
    const card = sidebar.locator(`.jp-sensorlab-Monitor-device[data-source="${away}"]`);
    await unplug[away]();
    await expect(card).toContainText('waiting for the device');
    const before = await byDevice(page);
    await page.waitForTimeout(3000);
    const during = await byDevice(page);
    // While one is away, the other two keep reaching the kernel, and both keep reading.
    for (const other of ids.filter(id => id !== away)) {
      expect(during[other], `${other} while ${away} was away`).toBeGreaterThan(before[other]);
      await expect(sidebar.locator(`.jp-sensorlab-Monitor-device[data-source="${other}"]`)).toContainText('reading');
    }
    await replug[away]();
    await expect(card).toContainText('reading', { timeout: 30_000 });
    await expect.poll(async () => (await byDevice(page))[away], { timeout: 30_000 }).toBeGreaterThan(during[away]);
  }

  // Each board's lines reached the kernel once each: no reading twice.
  const repeats = await kernelJson<number>(page, 'print(int(usb.data.duplicated(subset=["source", "n"]).sum()))');
  expect(repeats).toBe(0);
  // Two boards of one kind were told apart all along: board 2's readings all say 21.
  const temperatures = await kernelJson<Record<string, number[]>>(
    page,
    'import json; print(json.dumps({s: sorted(set(g["temperature"])) for s, g in usb.data.groupby("source")}))'
  );
  expect(temperatures).toEqual({ 'serial-1': [20], 'serial-2': [21] });
  await expectNoSensorlabErrors(errors);
});
