/**
 * The classroom notebooks run as a student runs them, with the simulated sensor: the
 * cells up to the widget, Start, a few readings, then the rest; their outputs are checked.
 * (04 needs no page: test/python/test_examples.py runs it.) 06 runs the simulated class of 30 micro:bits.
 */
import { expect, Page, test } from '@playwright/test';
import {
  collectErrors,
  expectNoSensorlabErrors,
  kernelJson,
  loggerView,
  notebookJson,
  openNotebook,
  runCells
} from './jupyter';

/** What each cell showed: its text outputs, and how many pictures. */
function shown(cell: any): { text: string; images: number } {
  let text = '';
  let images = 0;
  for (const output of cell.outputs ?? []) {
    if (output.output_type === 'error') {
      throw new Error(`a cell failed: ${output.ename}: ${output.evalue}\n${cell.source}`);
    }
    if (output.output_type === 'stream') {
      text += [output.text].flat().join('');
    }
    const data = output.data ?? {};
    text += [data['text/plain'] ?? ''].flat().join('');
    images += data['image/png'] ? 1 : 0;
  }
  return { text, images };
}

/** Open a lesson, run it to the widget, press Start, wait for readings; returns the widget cell's index. */
async function startLesson(page: Page, notebook: string): Promise<number> {
  await openNotebook(page, 'lab', notebook);
  const { cells } = await notebookJson(page);
  const widget = cells.findIndex(c => [c.source].flat().join('').trim().endsWith('\nlogger'));
  expect(widget).toBeGreaterThan(0);
  await runCells(page, 0, widget);
  await loggerView(page).start.click();
  await expect
    .poll(() => kernelJson<number>(page, 'print(len(logger.data))'), { timeout: 30_000 })
    .toBeGreaterThanOrEqual(5);
  return widget;
}

async function finish(page: Page, from: number): Promise<{ text: string; images: number }[]> {
  const { cells } = await notebookJson(page);
  await runCells(page, from, cells.length - 1);
  return (await notebookJson(page)).cells.filter(c => c.cell_type === 'code').map(shown);
}

/** A lesson from the top to the end, with Start pressed once the widget is shown. */
async function runLesson(page: Page, notebook: string) {
  return finish(page, (await startLesson(page, notebook)) + 1);
}

const all = (outputs: { text: string }[]) => outputs.map(o => o.text).join('\n');
const pictures = (outputs: { images: number }[]) => outputs.reduce((n, o) => n + o.images, 0);

test('01 first readings: live values, the data table and the first rows in the sheet', async ({ page }) => {
  const errors = collectErrors(page);
  const outputs = await runLesson(page, '01-first-readings.ipynb');
  const text = all(outputs);
  expect(text).toMatch(/'connected': True/);
  // The sheet read back after post_now: a row with the simulated classroom's channels.
  const sheet = outputs[outputs.length - 1].text;
  for (const column of ['time', 'heater', 'humidity', 'light_ratio', 'lux', 'target', 'temperature']) {
    expect(sheet).toContain(column);
  }
  expect(sheet).toMatch(/\d{4}-\d\d-\d\d \d\d:\d\d:\d\d/);
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
  const outputs = await runLesson(page, '06-our-whole-class.ipynb');
  const text = all(outputs);
  expect(text).toMatch(/^30 micro:bits heard, \d+ readings so far/m);
  expect(text).toContain('group 1');
  expect(pictures(outputs)).toBe(1);
  expect(text).toMatch(/Coldest: .+ \(-?\d+\.\d °C\)\. Warmest: .+ \(-?\d+\.\d °C\)\./);
  // The last post: a row for each of the 30 groups, with its device; then both MicroPython programs.
  const sheet = outputs.find(output => /The sheet has \d+ rows/.test(output.text));
  expect(sheet?.text).toContain('device');
  expect(outputs[outputs.length - 1].text).toContain('# ----- firmware/microbit-radio-gateway.py');
  await expectNoSensorlabErrors(errors);
});
