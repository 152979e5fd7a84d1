// Reads a sheet back in the browser (EtherCalc's CSV API), and says why in words when it cannot.
import axios from 'axios';
import { formatNumber, trans } from './i18n';
import { csvUrl, ISheetContent, isWebAddress, sheetContent } from './sheet';

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
export function sheetUnreadable(): string {
  return trans.__(
    'The browser cannot read the sheet (the server is unreachable or does not allow it). The notebook still posts rows; open the sheet’s link to see them.'
  );
}

/** A failed read of a sheet: the message is for the student, `cause` and `detail` for the teacher. */
export class SheetReadError extends Error {
  constructor(
    readonly cause: SheetReadCause,
    readonly detail: string
  ) {
    super(sheetUnreadable());
    this.name = 'SheetReadError';
  }

  get problem(): ISheetReadProblem {
    return { error: this.message, cause: this.cause, detail: this.detail };
  }
}

/**
 * The server asks the page to read less often (HTTP 429): wait `retryAfterS` seconds when its
 * Retry-After says how long (null when it does not).
 */
export class TooManyReadsError extends SheetReadError {
  constructor(
    detail: string,
    readonly retryAfterS: number | null
  ) {
    super('server-error', detail);
    this.name = 'TooManyReadsError';
  }
}

/** Retry-After in seconds from now: a number of seconds or an HTTP date; null when it is neither. */
export function retryAfterSeconds(header: unknown, now = Date.now()): number | null {
  if (typeof header !== 'string' || header.trim() === '') {
    return null;
  }
  if (/^\s*\d+\s*$/.test(header)) {
    return Number(header);
  }
  const at = Date.parse(header);
  return isNaN(at) ? null : Math.max(0, Math.ceil((at - now) / 1000));
}

/** Tells axios's failures apart: a timeout, an answer with an error status, or nothing readable. */
function readError(error: unknown, url: string, timeoutMs: number): SheetReadError {
  const failure = error as {
    code?: string;
    response?: { status: number; statusText?: string; headers?: Record<string, unknown> };
  };
  if (failure.code === 'ECONNABORTED' || failure.code === 'ETIMEDOUT') {
    const seconds = timeoutMs / 1000;
    const waited = formatNumber(seconds, Number.isInteger(seconds) ? 0 : 1);
    // TRANSLATORS: %1 is a number of seconds (2.5).
    const detail = trans.__('The sheet server did not answer within %1 s.', waited);
    return new SheetReadError('timeout', detail);
  }
  if (failure.response) {
    const { status, statusText } = failure.response;
    const answer = statusText ? `${status} ${statusText}` : String(status);
    // TRANSLATORS: %1 is the HTTP status the server answered, with its English words: "500 Internal Server Error".
    const detail = trans.__('The sheet server answered %1.', answer);
    if (status === 429) {
      return new TooManyReadsError(detail, retryAfterSeconds(failure.response.headers?.['retry-after']));
    }
    return new SheetReadError('server-error', detail);
  }
  // The browser hides why (a refused cross-origin read looks like a server that is down).
  const server = new URL(url).origin;
  // TRANSLATORS: %1 is the sheet server's address (http://127.0.0.1:8000).
  const detail = trans.__(
    'No answer the page may read from %1: the server is down or out of reach, or it does not let other pages read its sheets (start EtherCalc with --cors).',
    server
  );
  return new SheetReadError('unreachable', detail);
}

/**
 * Read a sheet through EtherCalc's CSV API, from the 2020 server or the 2026 one. The server must allow cross-origin reads
 * (EtherCalc's `--cors`); a failure throws a SheetReadError: a sentence a student can act
 * on, with its cause.
 */
export async function readSheet(sheetUrl: string, timeoutMs = 10000): Promise<ISheetContent> {
  mustBeWebAddress(sheetUrl);
  const text = await readCsv(csvUrl(sheetUrl), timeoutMs);
  return text === null ? { header: [], rows: [] } : sheetContent(text);
}

/** Only http(s) addresses are read: any other throws a SheetReadError that says so. */
function mustBeWebAddress(sheetUrl: string): void {
  if (!isWebAddress(sheetUrl)) {
    throw new SheetReadError(
      'not-web-address',
      trans.__('The sheet address is not an http(s) address, so it is never read.')
    );
  }
}

/**
 * The text of a CSV API address, or null for a sheet nobody wrote (a 404, or the 2026 server's empty 200).
 * A failure throws a SheetReadError (a TooManyReadsError for a 429).
 */
async function readCsv(url: string, timeoutMs: number): Promise<string | null> {
  try {
    const response = await axios.get<string>(url, {
      responseType: 'text',
      timeout: timeoutMs,
      validateStatus: status => status === 200 || status === 404
    });
    return response.status === 404 || !response.data ? null : response.data;
  } catch (error) {
    throw readError(error, url, timeoutMs);
  }
}

/**
 * Reads sheets by name from the server of `sheetUrl` (a class sheet, its continuations, its device sheets):
 * their CSV text, or null for a sheet nobody wrote.
 */
export function sheetReader(sheetUrl: string, timeoutMs = 10000): (name: string) => Promise<string | null> {
  return async name => {
    mustBeWebAddress(sheetUrl);
    return readCsv(csvUrl(sheetUrl, name), timeoutMs);
  };
}
