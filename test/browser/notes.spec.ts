/** The note box writes a note into the next row; the download holds every reading with its note. */
import { expect, test } from '@playwright/test';
import fs from 'fs';
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

test("a student's note reaches the sheet and the CSV download", async ({ page, request }) => {
  const errors = collectErrors(page);
  const sheet = `${process.env.SENSORLAB_ETHERCALC}/notes-${Date.now()}`;
  await writeNotebook(request, 'notes.ipynb', [
    `import sensorlab
logger = sensorlab.Logger(sheet="${sheet}", name="notes", forward_every=1)
logger`
  ]);
  await openNotebook(page, 'lab', 'notes.ipynb');
  await runAllCells(page);
  const logger = loggerView(page);
  await logger.start.click();
  await expect.poll(() => kernelJson<number>(page, 'print(len(logger.data))')).toBeGreaterThan(2);

  const note = logger.view.getByRole('textbox', { name: 'Note for the next row' });
  await note.fill('window opened <b>wide</b>');
  await note.press('Enter');
  await expect(logger.status).toContainText('note for the next row: "window opened <b>wide</b>"');
  await runCommand(page, 'sensorlab:post-now');
  await expect
    .poll(async () => (await sheetCsv(sheetName(sheet))).map(row => row[row.length - 1]))
    .toContain('window opened <b>wide</b>');

  // Stop, and let the last batch arrive, so the download and the kernel hold the same readings.
  await logger.stop.click();
  await page.waitForTimeout(2500);
  const [download] = await Promise.all([
    page.waitForEvent('download'),
    logger.view.getByRole('button', { name: /^Download CSV/ }).click()
  ]);
  expect(download.suggestedFilename()).toBe('notes.csv');
  const text = fs
    .readFileSync(await download.path(), 'utf-8')
    .trim()
    .split('\r\n');
  expect(text[0]).toBe('time,source,device,temperature,target,heater,humidity,light_ratio,lux,note');
  expect(text.filter(line => line.endsWith(',window opened <b>wide</b>')).length).toBe(1);
  expect(text.length - 1).toBe(await kernelJson<number>(page, 'print(len(logger.data))'));
  await expectNoSensorlabErrors(errors);
});
