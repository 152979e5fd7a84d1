/** Read a sheet back from the real EtherCalc the tests run (2020 or 2026), through its CSV API. */
import Papa from 'papaparse';
import { ROW_ID, sheetContent } from '../../src/sheet';

const defaultServer = process.env.SENSORLAB_ETHERCALC as string;

export function sheetName(url: string): string {
  return url.split('/').pop() as string;
}

/** The columns a Logger writes into every row besides what was measured, with the form of their cells. */
const LOGGER_COLUMNS: Record<string, RegExp> = {
  group: /^\S.*$/,
  'every (min)': /^\d+(\.\d+)?$/,
  'time zone': /^UTC[+-]\d\d:\d\d$/
};

/**
 * The header and rows as people see them (the row id left out, the 2026 server's ' marks removed), and without
 * the columns every Logger's row has (its group, the minutes to its next row, its time's zone), after checking the
 * cells they hold: what is left is what the tests posted.
 */
export async function sheetCsv(name: string, server = defaultServer): Promise<string[][]> {
  const { header, rows } = sheetContent(await sheetText(name, server));
  const kept = header.map((_, i) => i).filter(i => !(header[i] in LOGGER_COLUMNS));
  for (const i of header.map((_, i) => i).filter(i => header[i] in LOGGER_COLUMNS)) {
    for (const row of rows) {
      if (row[i] && !LOGGER_COLUMNS[header[i]].test(row[i])) {
        throw new Error(`sheet ${name}: "${header[i]}" holds "${row[i]}"`);
      }
    }
  }
  const pick = (row: string[]) => kept.map(i => row[i] ?? '');
  return header.length ? [pick(header), ...rows.map(pick)] : [];
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
