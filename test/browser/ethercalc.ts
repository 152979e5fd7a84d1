/** Read a sheet back from the real EtherCalc the tests run (2020 or 2026), through its CSV API. */
import Papa from 'papaparse';
import { ROW_ID, sheetContent } from '../../src/sheet';

const defaultServer = process.env.SENSORLAB_ETHERCALC as string;

export function sheetName(url: string): string {
  return url.split('/').pop() as string;
}

/** The header and rows as people see them: the row id left out, the 2026 server's ' marks removed. */
export async function sheetCsv(name: string, server = defaultServer): Promise<string[][]> {
  const { header, rows } = sheetContent(await sheetText(name, server));
  return header.length ? [header, ...rows] : [];
}

/** Every row id in the sheet, each copy: a row posted twice shows its id twice here. */
export async function sheetRowIds(name: string, server = defaultServer): Promise<string[]> {
  const [header = [], ...rows] = Papa.parse<string[]>(await sheetText(name, server), { skipEmptyLines: true }).data;
  const idColumn = header.indexOf(ROW_ID);
  return idColumn < 0 ? [] : rows.map(row => row[idColumn]);
}

/** The sheet as the server's CSV, or '' for a sheet that does not exist yet. */
async function sheetText(name: string, server: string): Promise<string> {
  const response = await fetch(`${server}/_/${name}/csv`);
  return response.status === 404 ? '' : response.text();
}
