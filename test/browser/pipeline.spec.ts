/**
 * The whole path, in real Chromium against a real Jupyter server and a real EtherCalc:
 * simulated sensor → hub → forwarder → readings comm → Logger → schedule → sheet.
 */
import { expect, test } from '@playwright/test';
import { sheetCsv, sheetName } from './ethercalc';
import {
  collectErrors,
  expectNoSensorlabErrors,
  Frontend,
  kernelJson,
  loggerView,
  openNotebook,
  runAllCells,
  runCommand
} from './jupyter';

const SHEET = process.env.SENSORLAB_SHEET as string;
const NOTEBOOK = '01-first-readings.ipynb';

for (const frontend of ['lab', 'notebook'] as Frontend[]) {
  test(`${frontend}: the first example shows a Logger and readings reach the kernel`, async ({ page }) => {
    const errors = collectErrors(page);
    await openNotebook(page, frontend, NOTEBOOK);
    await runAllCells(page);

    const logger = loggerView(page);
    await expect(logger.view).toBeVisible();
    await expect(logger.view).toContainText('Simulated classroom: stopped');
    // The Logger keeps readings on disk: count from what an earlier run left.
    const before = await kernelJson<number>(page, 'print(len(logger.data))');
    await logger.start.click();
    await expect(logger.view).toContainText('Simulated classroom: reading');
    await expect(logger.value('temperature')).toHaveText(/^-?\d+\.\d+ °C$/);
    // A small chart of the first channel is drawn under the values.
    await expect(logger.view.locator('.jp-sensorlab-Chart[data-channel="temperature"] canvas')).toHaveCount(1);

    // Batches leave the browser every 5 s; wait for two of them in logger.data.
    await expect
      .poll(async () => kernelJson<number>(page, 'print(len(logger.data))'), { timeout: 30_000 })
      .toBeGreaterThanOrEqual(before + 6);
    await expect(logger.status).toContainText('readings in the notebook');

    // The sidebar opens in both frontends and shows the running sensor.
    await runCommand(page, 'sensorlab:open-monitor');
    const card = page.locator('.jp-sensorlab-Monitor-device[data-source="simulated"]');
    await expect(card).toBeVisible();
    await expect(card).toContainText('Simulated classroom reading');
    await expect(card.locator('.jp-sensorlab-Chart canvas')).toHaveCount(6);
    await expect(card).toContainText(/([3-9]|\d\d+) lines read/); // counts keep up with the readings
    // Each Logger of the page: its sheet, a countdown to the next post, the sheet's last rows.
    const loggerCard = page.locator('.jp-sensorlab-Monitor-logger').filter({ visible: true }).first();
    await expect(loggerCard).toContainText(/next post (in \d|due now)/);
    await expect(loggerCard).toContainText('rows waiting');
    await expect(loggerCard.locator('.jp-sensorlab-Monitor-rows th').first()).toHaveText('time');

    // "Post a row now" from the command palette's command reaches the kernel's Logger.
    const posted = 'import json; print(json.dumps(logger.status["posted"] + logger.status["pending"]))';
    const postedBefore = await kernelJson<number>(page, posted);
    await runCommand(page, 'sensorlab:post-now');
    await expect.poll(() => kernelJson<number>(page, posted), { timeout: 10_000 }).toBeGreaterThan(postedBefore);
    await logger.stop.click();
    await expectNoSensorlabErrors(errors);
  });
}

test('readings reach the kernel while a cell sleeps, and rows reach the sheet', async ({ page }) => {
  const errors = collectErrors(page);
  const rowsBefore = (await sheetCsv(sheetName(SHEET))).length;
  await openNotebook(page, 'lab', NOTEBOOK);
  await runAllCells(page);
  const logger = loggerView(page);
  const before = await kernelJson<number>(page, 'print(len(logger.data))');
  await logger.start.click();
  // Readings flow (the readings comm is open) before the long cell starts.
  await expect
    .poll(async () => kernelJson<number>(page, 'print(len(logger.data))'), { timeout: 30_000 })
    .toBeGreaterThan(before);

  // A 20 s cell: with the readings comm served on a kernel subshell, batches keep landing.
  const sleep = await kernelJson<{ start: number; end: number; arrivals: number[] }>(
    page,
    `import time, json
start = time.time()
time.sleep(20)
end = time.time()
received = logger.data["received"]
print(json.dumps({"start": start, "end": end,
                  "arrivals": sorted({t.timestamp() for t in received if start <= t.timestamp() <= end})}))`
  );
  // forward_every is 5 s, so at least three batches arrive inside 20 s.
  expect(sleep.arrivals.length).toBeGreaterThanOrEqual(3);
  for (const t of sleep.arrivals) {
    expect(t).toBeGreaterThanOrEqual(sleep.start);
    expect(t).toBeLessThanOrEqual(sleep.end);
  }

  // The demo schedule posts every 20 s; the first row is due at once.
  await expect
    .poll(async () => (await sheetCsv(sheetName(SHEET))).length, { timeout: 60_000 })
    .toBeGreaterThanOrEqual(Math.max(rowsBefore, 1) + 2);
  const rows = await sheetCsv(sheetName(SHEET));
  expect(rows[0]).toEqual(['time', 'heater', 'humidity', 'light_ratio', 'lux', 'target', 'temperature']);
  const last = rows[rows.length - 1];
  expect(last[0]).toMatch(/^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}$/);
  for (const value of last.slice(1)) {
    expect(Number.isFinite(Number(value))).toBe(true);
  }

  // The widget reads the sheet back through EtherCalc's CSV API and says what it found.
  await expect
    .poll(
      async () => {
        const text = (await logger.view.locator('.jp-sensorlab-Logger-sheetRows').textContent()) ?? '';
        const csvRows = (await sheetCsv(sheetName(SHEET))).length - 1;
        return text.includes(
          `${csvRows} rows in the sheet, newest from ${(await sheetCsv(sheetName(SHEET))).pop()?.[0]}`
        );
      },
      { timeout: 30_000 }
    )
    .toBe(true);

  // The kernel's table holds the readings and its status counts the posts.
  const status = await kernelJson<{ posted: number; errors: number; readings: number }>(
    page,
    'import json; print(json.dumps(logger.status))'
  );
  expect(status.posted).toBeGreaterThanOrEqual(1); // this Logger's own posts (rows are counted in the sheet above)
  expect(status.errors).toBe(0);
  expect(status.readings).toBeGreaterThanOrEqual(20);
  await logger.stop.click();
  await expectNoSensorlabErrors(errors);
});
