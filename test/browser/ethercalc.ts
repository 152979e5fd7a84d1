/** Read a sheet back from the real EtherCalc the tests run (2020 or 2026), through its CSV API. */
import { csvRows, EVERY, ROW_ID, sheetContent, TIME_ZONE, unneutralised } from '../../src/sheet';

const defaultServer = process.env.SENSORLAB_ETHERCALC as string;

export function sheetName(url: string): string {
  return url.split('/').pop() as string;
}

/** The cells of the columns a Logger writes into every row besides what was measured. */
const LOGGER_COLUMNS: Record<string, RegExp> = {
  group: /^\S.*$/,
  [EVERY]: /^\d+(\.\d+)?$/,
  [TIME_ZONE]: /^UTC[+-]\d\d:\d\d$/
};

/**
 * The header and rows as people see them (no row id, no minutes to a logger's next row, no time zone; the 2026
 * server's ' marks removed) and without the group, after checking the cells of those columns: what is left is what
 * the tests posted.
 */
export async function sheetCsv(name: string, server = defaultServer): Promise<string[][]> {
  const text = await sheetText(name, server);
  const [raw = [], ...rawRows] = csvRows(text);
  for (const [heading, form] of Object.entries(LOGGER_COLUMNS)) {
    const i = raw.indexOf(heading);
    const wrong = i < 0 ? undefined : rawRows.find(row => row[i] && !form.test(unneutralised(row[i])));
    if (wrong) {
      throw new Error(`sheet ${name}: "${heading}" holds "${wrong[i]}"`);
    }
  }
  const { header, rows } = sheetContent(text);
  const kept = header.map((_, i) => i).filter(i => header[i] !== 'group');
  const pick = (row: string[]) => kept.map(i => row[i] ?? '');
  return header.length ? [pick(header), ...rows.map(pick)] : [];
}

/** Every row id in the sheet, each copy: a row posted twice shows its id twice here. */
export async function sheetRowIds(name: string, server = defaultServer): Promise<string[]> {
  const [header = [], ...rows] = csvRows(await sheetText(name, server));
  const idColumn = header.indexOf(ROW_ID);
  return idColumn < 0 ? [] : rows.map(row => row[idColumn]);
}

/** The sheet as the server's CSV, or '' for a sheet that does not exist yet. */
async function sheetText(name: string, server: string): Promise<string> {
  const response = await fetch(`${server}/_/${name}/csv`);
  return response.status === 404 ? '' : response.text();
}
