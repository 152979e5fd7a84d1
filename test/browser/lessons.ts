/**
 * Run a classroom notebook as a student runs it, with the simulated sensor: the cells up to the
 * widget, Start, a few readings, then the rest; and what lessons 01 and 06 must show, in any language.
 */
import { expect, Page } from '@playwright/test';
import { kernelJson, loggerView, notebookJson, openNotebook, runCells } from './jupyter';

export interface IShown {
  text: string;
  images: number;
}

/** What a cell showed: its text outputs, and how many pictures. */
function shown(cell: any): IShown {
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
export async function startLesson(page: Page, notebook: string): Promise<number> {
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

/** Run the open lesson from cell `from` to its end; returns what each code cell showed. */
export async function finish(page: Page, from: number): Promise<IShown[]> {
  const { cells } = await notebookJson(page);
  await runCells(page, from, cells.length - 1);
  return (await notebookJson(page)).cells.filter(c => c.cell_type === 'code').map(shown);
}

/** A lesson from the top to the end, with Start pressed once the widget is shown. */
export async function runLesson(page: Page, notebook: string): Promise<IShown[]> {
  return finish(page, (await startLesson(page, notebook)) + 1);
}

export const all = (outputs: IShown[]) => outputs.map(o => o.text).join('\n');
export const pictures = (outputs: IShown[]) => outputs.reduce((n, o) => n + o.images, 0);

/** Lesson 01 printed no words of its own: the logger's status, and the sheet read back after post_now. */
export function expectFirstReadings(outputs: IShown[]): void {
  expect(all(outputs)).toMatch(/'connected': True/);
  // A row with the simulated classroom's channels: the sheet's headings are data, the same in every language.
  const sheet = outputs[outputs.length - 1].text;
  for (const column of ['time', 'heater', 'humidity', 'light_ratio', 'lux', 'target', 'temperature']) {
    expect(sheet).toContain(column);
  }
  expect(sheet).toMatch(/\d{4}-\d\d-\d\d \d\d:\d\d:\d\d/);
}

/** What lesson 06 prints, in its language's words. */
export interface IWholeClassWords {
  /** How many micro:bits were heard and how many readings arrived. */
  heard: RegExp;
  /** The name the lesson gives the first micro:bit heard (the simulated ones send names of their own too). */
  firstGroup: string;
  /** The coldest and the warmest group, with their temperatures. */
  extremes: RegExp;
  /** How many rows the class sheet has. */
  sheetRows: RegExp;
  /** The heading printed above the gateway's program, the lesson's last output. */
  gatewayProgram: string;
}

/** Lesson 06: thirty micro:bits heard, named, on one chart, a row each in the class sheet, then the programs. */
export async function expectWholeClass(page: Page, outputs: IShown[], words: IWholeClassWords): Promise<void> {
  const text = all(outputs);
  expect(text).toMatch(words.heard);
  // Its last readings may come from other micro:bits than those the lesson named: ask the logger.
  const devices = 'import json; print(json.dumps(logger.data["device"].unique().tolist()))';
  expect(await kernelJson<string[]>(page, devices)).toContain(words.firstGroup);
  expect(pictures(outputs)).toBe(1);
  expect(text).toMatch(words.extremes);
  // The last post: a row for each of the 30 groups, with its device; then both MicroPython programs.
  const sheet = outputs.find(output => words.sheetRows.test(output.text));
  expect(sheet?.text).toContain('device');
  expect(outputs[outputs.length - 1].text).toContain(words.gatewayProgram);
}
