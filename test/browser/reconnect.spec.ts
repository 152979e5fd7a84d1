/**
 * The readings comm comes back by itself after a kernel restart and after a page
 * reload, and the readings the browser held meanwhile still reach the kernel.
 */
import { expect, test } from '@playwright/test';
import {
  collectErrors,
  expectNoSensorlabErrors,
  kernelJson,
  loggerView,
  openNotebook,
  restartKernel,
  runAllCells,
  runCommand
} from './jupyter';

const NOTEBOOK = '01-first-readings.ipynb';
const count = 'print(len(logger.data))';

test('after a kernel restart the comm reopens and held readings arrive', async ({ page }) => {
  const errors = collectErrors(page);
  await openNotebook(page, 'lab', NOTEBOOK);
  await runAllCells(page);
  const before = await kernelJson<number>(page, count);
  await loggerView(page).start.click();
  await expect.poll(() => kernelJson<number>(page, count), { timeout: 30_000 }).toBeGreaterThan(before);

  const restartAt = await page.evaluate(() => Date.now());
  await restartKernel(page);
  // The sensor keeps reading while the kernel has no Logger; the browser holds the readings.
  await page.waitForTimeout(6_000);
  const rerunAt = Date.now();
  await runAllCells(page);
  await expect(loggerView(page).status).not.toContainText('on their way', { timeout: 45_000 });

  const times = await kernelJson<number[]>(
    page,
    'import json; print(json.dumps([t.timestamp() * 1000 for t in logger.data["time"]]))'
  );
  // Readings taken while the kernel had no Logger (between the restart and the re-run) reached the new one.
  expect(times.filter(t => t > restartAt && t < rerunAt).length).toBeGreaterThanOrEqual(4);
  // And the Logger found those of the kernel before the restart on disk.
  expect(times.filter(t => t < restartAt).length).toBeGreaterThan(0);
  // Nothing twice: every reading's time is distinct (one simulated sensor, one reading a second).
  expect(new Set(times).size).toBe(times.length);
  await loggerView(page).stop.click();
  await expectNoSensorlabErrors(errors);
});

test('after a page reload the widget comes back and readings flow again', async ({ page }) => {
  page.on('dialog', dialog => dialog.accept());
  await openNotebook(page, 'lab', NOTEBOOK);
  await runAllCells(page);
  const first = await kernelJson<number>(page, count);
  await loggerView(page).start.click();
  await expect.poll(() => kernelJson<number>(page, count), { timeout: 30_000 }).toBeGreaterThan(first);
  await runCommand(page, 'docmanager:save');

  const errors = collectErrors(page);
  await page.reload();
  await openNotebook(page, 'lab', NOTEBOOK);
  const before = await kernelJson<number>(page, count);
  // The view is restored from the kernel's Logger, without running any cell.
  const logger = loggerView(page);
  await expect(logger.view).toContainText('Simulated classroom: stopped');
  await logger.start.click();
  await expect.poll(() => kernelJson<number>(page, count), { timeout: 30_000 }).toBeGreaterThan(before + 3);
  await logger.stop.click();
  await expectNoSensorlabErrors(errors);
});
