/** Running a Logger's cell again (a typo fixed) replaces that Logger: the old one stops and the page stops feeding it. */
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

const cell = (name: string) => `import sensorlab
logger = sensorlab.Logger(name="${name}", forward_every=1)
logger`;

test('running the cell again with the name fixed leaves one Logger, fed by the page', async ({ page, request }) => {
  const errors = collectErrors(page);
  await writeNotebook(request, 'replaced.ipynb', [cell('clas-7b')]);
  await openNotebook(page, 'lab', 'replaced.ipynb');
  await runAllCells(page);
  await loggerView(page).start.click();
  await expect.poll(() => kernelJson<number>(page, 'print(len(logger.data))')).toBeGreaterThan(2);
  await kernelRun(page, 'first = logger');

  // The student fixes the name in the same cell and runs it again.
  await page.evaluate(source => {
    const panel = (window as any).jupyterapp.shell.currentWidget;
    panel.content.widgets[0].model.sharedModel.setSource(source);
  }, cell('class-7b'));
  await runAllCells(page);
  await expect.poll(() => kernelJson<boolean>(page, 'print(str(first._closed).lower())')).toBe(true);
  // The simulated sensor keeps running in the page and now feeds only the new Logger.
  const before = await kernelJson<number>(page, 'print(len(first.data))');
  const newer = await kernelJson<number>(page, 'print(len(logger.data))');
  await expect.poll(() => kernelJson<number>(page, 'print(len(logger.data))')).toBeGreaterThan(newer + 2);
  expect(await kernelJson<number>(page, 'print(len(first.data))')).toBe(before);
  expect(await kernelJson<string>(page, 'import json; print(json.dumps(logger.name))')).toBe('class-7b');
  await expect(loggerView(page).view).toHaveCount(1);
  await expectNoSensorlabErrors(errors);
});
