/** Readings made in Python (`logger.record`) reach the page: the widget lists and charts their device. */
import { expect, test } from '@playwright/test';
import {
  collectErrors,
  expectNoSensorlabErrors,
  kernelJson,
  kernelRun,
  loggerView,
  openNotebook,
  runAllCells,
  writeNotebook
} from './jupyter';

test('logger.record() readings show in the widget as a device of their own', async ({ page, request }) => {
  const errors = collectErrors(page);
  await writeNotebook(request, 'record.ipynb', [
    `import sensorlab
logger = sensorlab.Logger(name="record")
logger`
  ]);
  await openNotebook(page, 'lab', 'record.ipynb');
  await runAllCells(page);
  const logger = loggerView(page);
  await kernelRun(page, 'logger.record(temperature=21.5, humidity=40, device="raspberry pi")');
  await expect(logger.view).toContainText('raspberry pi');
  await expect(logger.view.locator('[data-channel="humidity"]').first()).toContainText('40');
  expect(await kernelJson<string[]>(page, 'import json; print(json.dumps(list(logger.data["device"])))')).toEqual([
    'raspberry pi'
  ]);
  await expectNoSensorlabErrors(errors);
});
