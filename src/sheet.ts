import axios from 'axios';
import Papa from 'papaparse';

/** The column sensorlab uses to post each row once: kept out of what people are shown. */
export const ROW_ID = 'row id';

/** What the browser reads back from a sheet: its header and its rows, as text. */
export interface ISheetContent {
  header: string[];
  rows: string[][];
}

/** The CSV API address of a sheet, from its address for people (`http://host/id`). */
export function csvUrl(sheetUrl: string): string {
  const url = new URL(sheetUrl);
  const name = url.pathname.replace(/^\/(_\/)?/, '').replace(/\/$/, '');
  return `${url.origin}/_/${encodeURIComponent(name)}/csv`;
}

/**
 * A cell as it was written. The 2026 EtherCalc puts `'` before text that starts with
 * `= + - @` or a tab, so spreadsheet programs never run it as a formula.
 */
function unneutralised(cell: string): string {
  return /^'[=+\-@\t]/.test(cell) ? cell.slice(1) : cell;
}

/**
 * Read a sheet through EtherCalc's CSV API, from the 2020 server or the 2026 one. The
 * server must allow cross-origin reads (EtherCalc's `--cors`); errors are thrown with a
 * sentence a student can act on.
 */
export async function readSheet(sheetUrl: string, timeoutMs = 10000): Promise<ISheetContent> {
  let text: string;
  try {
    const response = await axios.get<string>(csvUrl(sheetUrl), {
      responseType: 'text',
      timeout: timeoutMs,
      validateStatus: status => status === 200 || status === 404
    });
    if (response.status === 404) {
      return { header: [], rows: [] };
    }
    text = response.data;
  } catch (error) {
    throw new Error(
      'The browser cannot read the sheet (the server is unreachable or does not allow it). ' +
        'The notebook still posts rows; open the sheet’s link to see them.'
    );
  }
  return sheetContent(text);
}

/**
 * A sheet's CSV export as people see the sheet: header and rows, without the row id.
 * A sheet nobody wrote yet is empty (the 2026 server answers an empty 200 for it).
 */
export function sheetContent(text: string): ISheetContent {
  const parsed = Papa.parse<string[]>(text, { skipEmptyLines: true });
  const [header = [], ...rows] = parsed.data;
  const shown = header.map((_, i) => i).filter(i => header[i] !== ROW_ID);
  return {
    header: shown.map(i => header[i]),
    rows: rows.map(row => shown.map(i => unneutralised(row[i] ?? '')))
  };
}
