/**
 * A class's radio gateway: a micro:bit on USB (fake Web Serial, the device boundary) writing
 * the MakeCode radio packets of 30 senders at 10 Hz each, through the real page, kernel and
 * EtherCalc into one sheet. Each sender is a device of its own (`microbit-<serial>`).
 */
import { expect, test } from '@playwright/test';
import {
  collectErrors,
  expectNoSensorlabErrors,
  kernelJson,
  openNotebook,
  runAllCells,
  writeNotebook
} from './jupyter';

const SENDERS = 30;
const HZ = 10;
const SECONDS = 10;
const FIRST_SERIAL = 1923449;
const SERIALS = Array.from({ length: SENDERS }, (_, k) => FIRST_SERIAL + k * 7919);

interface ISheetRow {
  id: string;
  device: string;
}

test('30 senders at 10 Hz through one gateway: every reading once with its sender, every row once', async ({
  page,
  request
}) => {
  test.setTimeout(300_000);
  const errors = collectErrors(page);
  const run = Date.now();
  const sheet = `${process.env.SENSORLAB_ETHERCALC}/class-gateway-${run}`;
  await page.addInitScript({ path: `${__dirname}/fake-serial.js` });
  await writeNotebook(request, 'class-gateway.ipynb', [
    `import sensorlab
schedule = sensorlab.DaylightSchedule(day_every="2s", night_every="2s")
logger = sensorlab.Logger(sheet="${sheet}", source="serial", name="gateway-${run}", schedule=schedule, forward_every=1)
logger`
  ]);
  await openNotebook(page, 'lab', 'class-gateway.ipynb');
  await runAllCells(page);
  const view = page.getByRole('region', { name: `sensorlab logger gateway-${run}` });
  await view.getByRole('button', { name: 'Connect a USB device' }).click();
  await expect(view).toContainText('micro:bit (USB): reading');

  const printed = await page.evaluate(options => (window as any).fakeSerial.gateway(0, options), {
    senders: SENDERS,
    hz: HZ,
    seconds: SECONDS,
    firstSerial: FIRST_SERIAL
  });
  expect(printed.printed).toBe(SENDERS * HZ * SECONDS);
  // Each sender has its place in the widget, with its latest value.
  await expect(view.getByRole('listitem')).toHaveCount(1 + SENDERS);
  await expect(view.locator(`[data-source="microbit-${SERIALS[29]}"]`)).toContainText(`${HZ * SECONDS}`);

  await expect
    .poll(() => kernelJson<number>(page, 'print(len(logger.data))'), { timeout: 60_000 })
    .toBe(SENDERS * HZ * SECONDS);
  // Every reading once, with its sender: each sender's rounds 1..100, none twice, none missing.
  const rounds = await kernelJson<Record<string, number[]>>(
    page,
    'import json; print(json.dumps({s: sorted(g["temp"]) for s, g in logger.data.groupby("source")}))'
  );
  const everyRound = Array.from({ length: HZ * SECONDS }, (_, i) => i + 1);
  expect(rounds).toEqual(Object.fromEntries(SERIALS.map(serial => [`microbit-${serial}`, everyRound])));

  // Every row in the sheet once: as many as the kernel posted, each row id once, every sender there.
  expect(await kernelJson<boolean>(page, 'import json; print(json.dumps(logger.flush(60)))')).toBe(true);
  const posted = await kernelJson<number>(page, 'print(logger.status["posted"])');
  const rows = await kernelJson<ISheetRow[]>(
    page,
    `import json
print(json.dumps([{"id": r["row id"], "device": r.get("device", "")} for r in sensorlab.Sheet("${sheet}").rows(with_ids=True)]))`
  );
  expect(rows.length).toBe(posted);
  expect(new Set(rows.map(row => row.id)).size).toBe(rows.length);
  expect(new Set(rows.map(row => row.device))).toEqual(new Set(SERIALS.map(serial => `microbit-${serial}`)));
  await expectNoSensorlabErrors(errors);
});
