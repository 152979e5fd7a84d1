/**
 * Nothing lost, nothing twice: a cell that runs for minutes, comms without subshells,
 * and a kernel restarted again and again while the sensor reads.
 */
import { APIRequestContext, expect, Page, test } from '@playwright/test';
import { sheetCsv, sheetName } from './ethercalc';
import {
  collectErrors,
  expectNoSensorlabErrors,
  kernelJson,
  loggerView,
  openNotebook,
  restartKernel,
  runAllCells,
  runCommand,
  writeNotebook
} from './jupyter';

const KERNELS_SETTINGS = '/lab/api/settings/@jupyterlab/apputils-extension:kernels-settings';

async function notebook(request: APIRequestContext, path: string, name: string, every: string, sheet: string) {
  await writeNotebook(request, path, [
    `import sensorlab
schedule = sensorlab.DaylightSchedule(day_every="${every}", night_every="${every}")
logger = sensorlab.Logger(sheet="${sheet}", schedule=schedule, name="${name}", forward_every=1)
logger`
  ]);
}

const since = (t: number) =>
  `import pandas as pd; print(int((logger.data["time"] >= pd.Timestamp(${t}, unit="ms", tz="UTC")).sum()))`;

/** How many readings the page's simulated sensor has produced, from the sidebar. */
async function readByPage(page: Page): Promise<number> {
  await runCommand(page, 'sensorlab:open-monitor');
  const text = await page.locator('.jp-sensorlab-Monitor-device[data-source="simulated"]').textContent();
  return Number(/(\d+) lines? read/.exec(text ?? '')?.[1]);
}

test('a cell that runs for two minutes stops neither readings nor posting', async ({ page, request }) => {
  test.setTimeout(300_000);
  const errors = collectErrors(page);
  const sheet = `${process.env.SENSORLAB_ETHERCALC}/long-cell-${Date.now()}`;
  await notebook(request, 'long-cell.ipynb', 'long-cell', '20s', sheet);
  await openNotebook(page, 'lab', 'long-cell.ipynb');
  await runAllCells(page);
  const startAt = await page.evaluate(() => Date.now());
  await loggerView(page).start.click();
  await expect.poll(() => kernelJson<number>(page, since(startAt)), { timeout: 30_000 }).toBeGreaterThan(0);

  const cell = await kernelJson<{ start: number; end: number; posted: number; arrived: number }>(
    page,
    `import time, json
start = time.time(); posted = logger.status["posted"]
time.sleep(120)
end = time.time()
arrived = sum(1 for t in logger.data["received"] if start <= t.timestamp() <= end)
print(json.dumps({"start": start, "end": end, "posted": logger.status["posted"] - posted, "arrived": arrived}))`
  );
  console.log(`long cell: ${cell.arrived} readings arrived and ${cell.posted} rows were posted during 120 s`);
  expect(cell.arrived).toBeGreaterThanOrEqual(100); // one a second, sent every second
  expect(cell.posted).toBeGreaterThanOrEqual(4); // a row every 20 s
  await loggerView(page).stop.click();
  await expectNoSensorlabErrors(errors);
});

test.describe('with comms over subshells switched off', () => {
  test.beforeEach(async ({ request }) => {
    const off = await request.put(KERNELS_SETTINGS, { data: { raw: '{"commsOverSubshells": "disabled"}' } });
    expect(off.ok(), await off.text()).toBe(true);
  });
  test.afterEach(async ({ request }) => {
    await request.put(KERNELS_SETTINGS, { data: { raw: '{}' } });
  });

  test('readings wait for a long cell, then all arrive in order', async ({ page, request }) => {
    const errors = collectErrors(page);
    const sheet = `${process.env.SENSORLAB_ETHERCALC}/no-subshells-${Date.now()}`;
    await notebook(request, 'no-subshells.ipynb', 'no-subshells', '1h', sheet);
    await openNotebook(page, 'lab', 'no-subshells.ipynb');
    await runAllCells(page);
    const startAt = await page.evaluate(() => Date.now());
    await loggerView(page).start.click();
    await expect.poll(() => kernelJson<number>(page, since(startAt)), { timeout: 30_000 }).toBeGreaterThan(0);

    const cell = await kernelJson<{ start: number; end: number; during: number }>(
      page,
      `import time, json
start = time.time()
time.sleep(12)
end = time.time()
print(json.dumps({"start": start, "end": end,
                  "during": sum(1 for t in logger.data["received"] if start <= t.timestamp() <= end)}))`
    );
    expect(cell.during).toBe(0); // nothing could arrive while the cell ran
    await loggerView(page).stop.click();
    await page.waitForTimeout(2500);
    const read = await readByPage(page);
    await expect.poll(() => kernelJson<number>(page, since(startAt))).toBe(read);
    const times = await kernelJson<number[]>(
      page,
      `import json; print(json.dumps([t.timestamp() for t in logger.data["time"] if t.timestamp() * 1000 >= ${startAt}]))`
    );
    expect(times.length).toBe(read);
    expect(times).toEqual([...times].sort((a, b) => a - b)); // in order
    expect(new Set(times).size).toBe(times.length); // none twice
    // Readings taken during the cell are there too.
    expect(times.filter(t => t >= cell.start && t <= cell.end).length).toBeGreaterThanOrEqual(10);
    await expectNoSensorlabErrors(errors);
  });
});

test('the kernel restarted three times mid-stream: no reading lost or twice, no row twice', async ({
  page,
  request
}) => {
  test.setTimeout(240_000);
  const errors = collectErrors(page);
  const sheet = `${process.env.SENSORLAB_ETHERCALC}/restarts-${Date.now()}`;
  await notebook(request, 'restarts.ipynb', 'restarts', '3s', sheet);
  await openNotebook(page, 'lab', 'restarts.ipynb');
  await runAllCells(page);
  const startAt = await page.evaluate(() => Date.now());
  await loggerView(page).start.click();
  for (let i = 0; i < 3; i++) {
    await page.waitForTimeout(4000);
    await restartKernel(page);
    await page.waitForTimeout(3000); // the sensor reads on while the kernel has no Logger
    await runAllCells(page);
  }
  await page.waitForTimeout(4000);
  await loggerView(page).stop.click();
  await page.waitForTimeout(2500);
  const read = await readByPage(page);
  await expect.poll(() => kernelJson<number>(page, since(startAt)), { timeout: 30_000 }).toBe(read);
  const times = await kernelJson<number[]>(
    page,
    `import json; print(json.dumps([t.timestamp() for t in logger.data["time"]]))`
  );
  expect(new Set(times).size).toBe(times.length);

  expect(await kernelJson<boolean>(page, 'import json; print(json.dumps(logger.flush(timeout=60)))')).toBe(true);
  const rows = (await sheetCsv(sheetName(sheet))).slice(1);
  expect(rows.length).toBeGreaterThanOrEqual(3); // a row every 3 s while a Logger ran
  expect(new Set(rows.map(r => r[0])).size).toBe(rows.length); // no row twice
  await expectNoSensorlabErrors(errors);
});
