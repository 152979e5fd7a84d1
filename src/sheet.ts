// A sheet's address and its content as people see it: what the page and the browser tests read of a sheet.
// No words here: the browser tests load this module in Node, where JupyterLab's translator cannot be loaded.
import Papa from 'papaparse';

/** The column sensorlab uses to post each row once: kept out of what people are shown. */
export const ROW_ID = 'row id';

/**
 * The headings a Logger writes besides what was measured (as python_shim/sensorlab/columns.py names them): which
 * logger (`group`), the minutes until its next row, its time's zone, and in a pointer row the device sheet it names.
 */
export const EVERY = 'every (min)';
export const TIME_ZONE = 'time zone';
export const RESERVED = ['time', 'group', 'device', 'note', EVERY, TIME_ZONE, 'sheet', ROW_ID];

/** Columns kept for the readers, not for people: the previews of a sheet leave them out. */
const BOOKKEEPING = [ROW_ID, EVERY, TIME_ZONE];

/** What the browser reads back from a sheet: its header and its rows, as text. */
export interface ISheetContent {
  header: string[];
  rows: string[][];
}

/**
 * True for an absolute http(s) address: the only kind the page shows as a link or reads.
 * The kernel's address is not trusted: a `javascript:` one would run code when clicked.
 * The browser's own URL parser decides, as it does for a link's href.
 */
export function isWebAddress(address: string): boolean {
  try {
    return ['http:', 'https:'].includes(new URL(address).protocol);
  } catch {
    return false; // not an absolute address at all
  }
}

/** A sheet's name, from its address for people (`http://host/id`). */
export function sheetName(sheetUrl: string): string {
  return new URL(sheetUrl).pathname.replace(/^\/(_\/)?/, '').replace(/\/$/, '');
}

/** The CSV API address of a sheet, from its address for people; of sheet `name` on the same server when given. */
export function csvUrl(sheetUrl: string, name = sheetName(sheetUrl)): string {
  return `${new URL(sheetUrl).origin}/_/${encodeURIComponent(name)}/csv`;
}

/**
 * A cell as it was written. The 2026 EtherCalc puts `'` before text that starts with
 * `= + - @` or a tab, so spreadsheet programs never run it as a formula.
 */
export function unneutralised(cell: string): string {
  return /^'[=+\-@\t]/.test(cell) ? cell.slice(1) : cell;
}

/** A CSV export's lines as cells, header first, without empty lines. */
export function csvRows(text: string): string[][] {
  return Papa.parse<string[]>(text, { skipEmptyLines: true }).data;
}

/**
 * A sheet's CSV export as people see the sheet: header and rows, without the readers' bookkeeping (row id, the
 * minutes to a logger's next row, the time's zone).
 * A sheet nobody wrote yet is empty (the 2026 server answers an empty 200 for it).
 * A write that landed late can leave a second copy of a row: each row id is shown once,
 * its first copy, as every sensorlab reader shows it.
 */
export function sheetContent(text: string): ISheetContent {
  const [header = [], ...rows] = csvRows(text);
  const idColumn = header.indexOf(ROW_ID);
  const seen = new Set<string>();
  const firstCopies = rows.filter(row => {
    const id = idColumn < 0 ? '' : (row[idColumn] ?? '');
    if (id === '') {
      return true; // a row typed by a person
    }
    if (seen.has(id)) {
      return false;
    }
    seen.add(id);
    return true;
  });
  const shown = header.map((_, i) => i).filter(i => !BOOKKEEPING.includes(header[i]));
  return {
    header: shown.map(i => header[i]),
    rows: firstCopies.map(row => shown.map(i => unneutralised(row[i] ?? '')))
  };
}
