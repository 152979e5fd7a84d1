/**
 * The classroom notebooks run as a student runs them, with the simulated sensor: the
 * cells up to the widget, Start, a few readings, then the rest (lessons.ts); their outputs are checked.
 * (04 needs no page: test/python/test_examples.py runs it.) 06 runs the simulated class of 30 micro:bits.
 * Lessons 01 and 06 in French, German and Spanish: lessons-translated.spec.ts.
 */
import { expect, test } from '@playwright/test';
import { collectErrors, expectNoSensorlabErrors, kernelJson, notebookJson, runCells } from './jupyter';
import { all, expectFirstReadings, expectWholeClass, finish, pictures, runLesson, startLesson } from './lessons';

test('01 first readings: live values, the data table and the first rows in the sheet', async ({ page }) => {
  const errors = collectErrors(page);
  expectFirstReadings(await runLesson(page, '01-first-readings.ipynb'));
  await expectNoSensorlabErrors(errors);
});

test('02 micro:bit: temperature and light in a table, a chart and the sheet', async ({ page }) => {
  const errors = collectErrors(page);
  const outputs = await runLesson(page, '02-microbit-serial.ipynb');
  const text = all(outputs);
  expect(Number(/(\d+) readings so far/.exec(text)?.[1])).toBeGreaterThanOrEqual(5);
  expect(text).toMatch(/min\s+[\d.]+\s+[\d.]+\s+mean\s+[\d.]+\s+[\d.]+\s+max/);
  expect(pictures(outputs)).toBe(1);
  expect(outputs[outputs.length - 1].text).toMatch(/lux/);
  await expectNoSensorlabErrors(errors);
});

test('03 Bluetooth environment: every channel drawn, and temperature against humidity', async ({ page }) => {
  const errors = collectErrors(page);
  const outputs = await runLesson(page, '03-bluetooth-environment.ipynb');
  const text = all(outputs);
  expect(text).toMatch(/\d+ readings of temperature, humidity, lux/);
  expect(text).toMatch(/correlation of temperature and humidity: -?\d\.\d\d/);
  expect(pictures(outputs)).toBe(2);
  await expectNoSensorlabErrors(errors);
});

test('05 thermostat: the target set from the notebook is logged beside the temperature', async ({ page }) => {
  const errors = collectErrors(page);
  const widget = await startLesson(page, '05-thermostat.ipynb');
  const { cells } = await notebookJson(page);
  const send = cells.findIndex(c => c.cell_type === 'code' && [c.source].flat().join('').includes('logger.send('));
  await runCells(page, widget + 1, send);
  // The simulated heater now reports the new target with each reading.
  await expect
    .poll(() => kernelJson<number>(page, 'print(int((logger.data["target"] == 23).sum()))'), { timeout: 30_000 })
    .toBeGreaterThanOrEqual(3);
  const outputs = await finish(page, send + 1);
  const text = all(outputs);
  expect(text).toMatch(/the device reports a target of 23(\.0)? °C/);
  expect(text).toMatch(/The heater was on \d+% of the time\./);
  expect(pictures(outputs)).toBe(1);
  // The row posted after the change carries the target next to the temperature.
  expect(outputs[outputs.length - 1].text).toMatch(
    /time\s+temperature\s+target\s+heater[\s\S]*\s\d+\.\d+\s+23(\.0)?\s+[01](\.0)?\s*$/
  );
  await expectNoSensorlabErrors(errors);
});

test('06 our whole class: thirty micro:bits through one gateway, one chart, a row per group', async ({ page }) => {
  const errors = collectErrors(page);
  await expectWholeClass(page, await runLesson(page, '06-our-whole-class.ipynb'), {
    heard: /^30 micro:bits heard, \d+ readings so far/m,
    firstGroup: 'group 1',
    extremes: /Coldest: .+ \(-?\d+\.\d °C\)\. Warmest: .+ \(-?\d+\.\d °C\)\./,
    sheetRows: /The sheet has \d+ rows/,
    gatewayProgram: '# ----- firmware/microbit-radio-gateway.py'
  });
  await expectNoSensorlabErrors(errors);
});
