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
  runCommand,
  writeNotebook
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
  await expect(loggerView(page).status).not.toContainText(/on (its|their) way/, { timeout: 45_000 });

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

test('readings that reached the page before a reload reach the kernel, each once', async ({ page, request }) => {
  page.on('dialog', dialog => dialog.accept());
  const errors = collectErrors(page);
  // Batches 20 s apart: readings taken just after one stay in the page well past the checks below.
  const notebook = 'reload-held.ipynb';
  await writeNotebook(request, notebook, [
    'import tempfile, sensorlab\n' +
      'logger = sensorlab.Logger(name="held", source="simulated", forward_every="20s", data_dir=tempfile.mkdtemp())\n' +
      'logger'
  ]);
  await openNotebook(page, 'lab', notebook);
  await runAllCells(page);
  const startAt = await page.evaluate(() => Date.now());
  await loggerView(page).start.click();
  // Readings flow; stop just after a batch: the readings since are only in the page.
  const inKernel = `import pandas as pd; print(int((logger.data["time"] >= pd.Timestamp(${startAt}, unit="ms", tz="UTC")).sum()))`;
  await expect.poll(() => kernelJson<number>(page, inKernel), { timeout: 60_000 }).toBeGreaterThan(0);
  await page.waitForTimeout(2500);
  await loggerView(page).stop.click();
  await page.waitForTimeout(1500); // the page writes what it holds every second
  await runCommand(page, 'sensorlab:open-monitor');
  const read = Number(
    /(\d+) lines? read/.exec(
      (await page.locator('.jp-sensorlab-Monitor-device[data-source="simulated"]').textContent()) ?? ''
    )?.[1]
  );
  expect(read).toBeGreaterThan(3);
  expect(await kernelJson<number>(page, inKernel)).toBeLessThan(read); // some are still only in the page

  await runCommand(page, 'docmanager:save');
  await page.reload();
  await openNotebook(page, 'lab', notebook);
  await expect(loggerView(page).view).toContainText('Simulated classroom: stopped');
  // The new page finds what the old one held and sends it (at its next batch): every reading, once.
  await expect.poll(() => kernelJson<number>(page, inKernel), { timeout: 60_000 }).toBe(read);
  await page.waitForTimeout(2000);
  expect(await kernelJson<number>(page, inKernel)).toBe(read);
  await expectNoSensorlabErrors(errors);
});
