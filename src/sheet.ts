// Reads a sheet back in the browser (EtherCalc's CSV API), and says why when it cannot.
import axios from 'axios';
import Papa from 'papaparse';

/** The column sensorlab uses to post each row once: kept out of what people are shown. */
export const ROW_ID = 'row id';

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

/** The CSV API address of a sheet, from its address for people (`http://host/id`). */
export function csvUrl(sheetUrl: string): string {
  const url = new URL(sheetUrl);
  const name = url.pathname.replace(/^\/(_\/)?/, '').replace(/\/$/, '');
  return `${url.origin}/_/${encodeURIComponent(name)}/csv`;
}

/**
 * Why a sheet could not be read back: no answer the page may read, a server error, no answer
 * in time, or an address the page does not read (not http or https).
 */
export type SheetReadCause = 'unreachable' | 'server-error' | 'timeout' | 'not-web-address';

/** What the views keep of a failed read: the student's words, and the cause for a tooltip and the log. */
export interface ISheetReadProblem {
  error: string;
  cause: SheetReadCause;
  detail: string;
}

/** The words a student reads, whatever the cause: the notebook goes on posting either way. */
export const SHEET_UNREADABLE =
  'The browser cannot read the sheet (the server is unreachable or does not allow it). ' +
  'The notebook still posts rows; open the sheet’s link to see them.';

/** A failed read of a sheet: the message is for the student, `cause` and `detail` for the teacher. */
export class SheetReadError extends Error {
  constructor(
    readonly cause: SheetReadCause,
    readonly detail: string
  ) {
    super(SHEET_UNREADABLE);
    this.name = 'SheetReadError';
  }

  get problem(): ISheetReadProblem {
    return { error: this.message, cause: this.cause, detail: this.detail };
  }
}

/** Tells axios's failures apart: a timeout, an answer with an error status, or nothing readable. */
function readError(error: unknown, url: string, timeoutMs: number): SheetReadError {
  const failure = error as { code?: string; response?: { status: number; statusText?: string } };
  if (failure.code === 'ECONNABORTED' || failure.code === 'ETIMEDOUT') {
    return new SheetReadError('timeout', `The sheet server did not answer within ${timeoutMs / 1000} s.`);
  }
  if (failure.response) {
    const { status, statusText } = failure.response;
    return new SheetReadError(
      'server-error',
      `The sheet server answered ${status}${statusText ? ` ${statusText}` : ''}.`
    );
  }
  // The browser hides why (a refused cross-origin read looks like a server that is down).
  return new SheetReadError(
    'unreachable',
    `No answer the page may read from ${new URL(url).origin}: the server is down or out of reach, ` +
      'or it does not let other pages read its sheets (start EtherCalc with --cors).'
  );
}

/**
 * A cell as it was written. The 2026 EtherCalc puts `'` before text that starts with
 * `= + - @` or a tab, so spreadsheet programs never run it as a formula.
 */
function unneutralised(cell: string): string {
  return /^'[=+\-@\t]/.test(cell) ? cell.slice(1) : cell;
}

/**
 * Read a sheet through EtherCalc's CSV API, from the 2020 server or the 2026 one. The server must allow cross-origin reads
 * (EtherCalc's `--cors`); a failure throws a SheetReadError: a sentence a student can act
 * on, with its cause.
 */
export async function readSheet(sheetUrl: string, timeoutMs = 10000): Promise<ISheetContent> {
  if (!isWebAddress(sheetUrl)) {
    throw new SheetReadError('not-web-address', 'The sheet address is not an http(s) address, so it is never read.');
  }
  const url = csvUrl(sheetUrl);
  let text: string;
  try {
    const response = await axios.get<string>(url, {
      responseType: 'text',
      timeout: timeoutMs,
      validateStatus: status => status === 200 || status === 404
    });
    if (response.status === 404) {
      return { header: [], rows: [] };
    }
    text = response.data;
  } catch (error) {
    throw readError(error, url, timeoutMs);
  }
  return sheetContent(text);
}

/**
 * A sheet's CSV export as people see the sheet: header and rows, without the row id.
 * A sheet nobody wrote yet is empty (the 2026 server answers an empty 200 for it).
 * A write that landed late can leave a second copy of a row: each row id is shown once,
 * its first copy, as every sensorlab reader shows it.
 */
export function sheetContent(text: string): ISheetContent {
  const parsed = Papa.parse<string[]>(text, { skipEmptyLines: true });
  const [header = [], ...rows] = parsed.data;
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
  const shown = header.map((_, i) => i).filter(i => i !== idColumn);
  return {
    header: shown.map(i => header[i]),
    rows: firstCopies.map(row => shown.map(i => unneutralised(row[i] ?? '')))
  };
}
