import axios from 'axios';
import Papa from 'papaparse';

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
 * Read a sheet through EtherCalc's CSV API. The server must allow cross-origin reads
 * (EtherCalc's `--cors`); errors are thrown with a sentence a student can act on.
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
  const parsed = Papa.parse<string[]>(text, { skipEmptyLines: true });
  const [header = [], ...rows] = parsed.data;
  return { header, rows };
}
