/** Three students' pages log into one class sheet at once: every row exactly once, each logger's rows in order. */
import { expect, Page, test } from '@playwright/test';
import {
  collectErrors,
  expectNoSensorlabErrors,
  kernelJson,
  loggerView,
  openNotebook,
  runAllCells,
  writeNotebook
} from './jupyter';

const PAGES = 3;

interface ISheetRow {
  time: string;
  id: string;
}

test('three pages post to one sheet at the same time: every row once, none overwritten, in order per logger', async ({
  browser,
  request
}) => {
  const sheet = `${process.env.SENSORLAB_ETHERCALC}/class-pages-${Date.now()}`;
  const pages: Page[] = [];
  const errors: string[][] = [];
  for (let n = 0; n < PAGES; n++) {
    await writeNotebook(request, `class-page-${n}.ipynb`, [
      `import sensorlab
schedule = sensorlab.DaylightSchedule(day_every="2s", night_every="2s")
logger = sensorlab.Logger(sheet="${sheet}", name="class-page-${n}", schedule=schedule, forward_every=1)
logger`
    ]);
    const context = await browser.newContext();
    const page = await context.newPage();
    errors.push(collectErrors(page));
    await openNotebook(page, 'lab', `class-page-${n}.ipynb`);
    await runAllCells(page);
    pages.push(page);
  }
  // All three start together and post every 2 s for 20 s.
  await Promise.all(pages.map(page => loggerView(page).start.click()));
  await pages[0].waitForTimeout(20_000);
  await Promise.all(pages.map(page => loggerView(page).stop.click()));
  // The last batches arrive within a forward interval, and may queue one more row each.
  await pages[0].waitForTimeout(3000);

  const posted: number[] = [];
  for (const page of pages) {
    expect(await kernelJson<boolean>(page, 'import json; print(json.dumps(logger.flush(60)))')).toBe(true);
    posted.push(await kernelJson<number>(page, 'print(logger.status["posted"])'));
  }
  expect(Math.min(...posted)).toBeGreaterThanOrEqual(5);

  // Read the sheet with its row ids (the kernel's reader keeps them on request).
  const rows = await kernelJson<ISheetRow[]>(
    pages[0],
    `import json
print(json.dumps([{"time": r["time"], "id": r["row id"]} for r in sensorlab.Sheet("${sheet}").rows(with_ids=True)]))`
  );
  const ids = rows.map(row => row.id);
  expect(new Set(ids).size).toBe(ids.length); // nothing twice
  // Each logger's id starts with its own key: one group per page, holding every row it posted.
  const byLogger = new Map<string, string[]>();
  for (const row of rows) {
    const key = row.id.split('-')[0];
    byLogger.set(key, [...(byLogger.get(key) ?? []), row.time]);
  }
  expect([...byLogger.values()].map(times => times.length).sort()).toEqual([...posted].sort());
  for (const times of byLogger.values()) {
    expect(times).toEqual([...times].sort());
  }
  for (const pageErrors of errors) {
    await expectNoSensorlabErrors(pageErrors);
  }
  await Promise.all(pages.map(page => page.context().close()));
});
