// The status line's words and the countdown to the next post, shared by the notebook widget and the sidebar.
import type { IForwarderStats, IForwarderTrouble } from '../forwarder';
import { formatClock, formatNumber, trans } from '../i18n';

/** The status the kernel's Logger shares (see `Logger.status` in Python). */
export interface IKernelStatus {
  connected?: boolean;
  readings?: number;
  last_post?: string | null;
  next_post?: string | null;
  pending?: number;
  posted?: number;
  errors?: number;
  last_error?: string;
  next_retry?: string | null;
  note?: string;
  /** Where rows go now, and why it changed (a full sheet continues in a new one). */
  sheet?: string | null;
  sheet_notice?: string;
  /** Why the last "post now" posted nothing (no readings since the previous row), until a row goes. */
  post_notice?: string;
}

/** The time of day of an ISO time, as the page's language writes it; the text itself when it is not a time. */
function clock(iso: string): string {
  const date = new Date(iso);
  return isNaN(date.getTime()) ? iso : formatClock(date);
}

/** "3 rows waiting": the rows the kernel holds for the sheet. */
export function rowsWaiting(kernel: IKernelStatus): string {
  const rows = kernel.pending ?? 0;
  // TRANSLATORS: %2 is the number of rows the notebook has not posted to the sheet yet, written the language's way.
  return trans._n('%2 row waiting', '%2 rows waiting', rows, formatNumber(rows));
}

/** "no errors", or how many there were and the last one. */
export function errorsText(errors: number, last: string): string {
  if (errors === 0) {
    return trans.__('no errors');
  }
  if (last) {
    // TRANSLATORS: %2 is the number of errors, %3 the last one in words.
    return trans._n('%2 error, last: %3', '%2 errors, last: %3', errors, formatNumber(errors), last);
  }
  // TRANSLATORS: %2 is the number of errors.
  return trans._n('%2 error', '%2 errors', errors, formatNumber(errors));
}

/** "last post 10:15:00", or "nothing posted yet". */
export function lastPost(kernel: IKernelStatus): string {
  // TRANSLATORS: %1 is a time of day (10:15:00).
  return kernel.last_post ? trans.__('last post %1', clock(kernel.last_post)) : trans.__('nothing posted yet');
}

/** The parts of the status line, each a short sentence a student can read. */
export function statusParts(
  kernel: IKernelStatus,
  forwarder: IForwarderStats,
  channelProblem: string,
  notices: string[] = []
): string[] {
  const parts: string[] = [];
  if (channelProblem) {
    parts.push(channelProblem);
  }
  parts.push(...notices);
  if (kernel.sheet_notice) {
    parts.push(kernel.sheet_notice);
  }
  if (kernel.post_notice) {
    parts.push(kernel.post_notice);
  }
  const readings = kernel.readings ?? 0;
  parts.push(
    // TRANSLATORS: %2 is the number of readings, written the language's way (12 345).
    trans._n('%2 reading in the notebook', '%2 readings in the notebook', readings, formatNumber(readings))
  );
  if (forwarder.pending > 0) {
    parts.push(
      // TRANSLATORS: readings the browser sent that the notebook has not taken yet; %2 is their number.
      trans._n('%2 on its way', '%2 on their way', forwarder.pending, formatNumber(forwarder.pending))
    );
  }
  parts.push(lastPost(kernel));
  if (kernel.next_post) {
    // TRANSLATORS: %1 is a time of day (10:30:00), or how long until then (in 3 min 5 s, due now).
    parts.push(trans.__('next post %1', clock(kernel.next_post)));
  }
  parts.push(rowsWaiting(kernel));
  if (kernel.note) {
    // TRANSLATORS: %1 is the note a student typed, for the next row of the sheet.
    parts.push(trans.__('note for the next row: "%1"', kernel.note));
  }
  if (kernel.next_retry && (kernel.pending ?? 0) > 0) {
    // TRANSLATORS: %1 is a time of day (10:31:04): when the notebook tries again to post the rows waiting.
    parts.push(trans.__('next try %1', clock(kernel.next_retry)));
  }
  parts.push(errorsText((kernel.errors ?? 0) + forwarder.refused, kernel.last_error || forwarder.lastRefusal));
  return parts;
}

/** What keeps the browser's readings from the notebook now, in words. */
export function troubleNotices(trouble: IForwarderTrouble, now: number): string[] {
  const notices: string[] = [];
  if (trouble.resendAt !== null && secondsUntil(trouble.resendAt, now) <= 0) {
    // TRANSLATORS: %1 is why the notebook could not store them, in its words.
    notices.push(trans.__('The notebook could not store the last readings (%1); trying again now', trouble.notStored));
  } else if (trouble.resendAt !== null) {
    const when = countdown(new Date(trouble.resendAt).toISOString(), now);
    // TRANSLATORS: %1 is why the notebook could not store them, in its words; %2 when it tries again: "in 4 s".
    const notice = trans.__(
      'The notebook could not store the last readings (%1); trying again %2',
      trouble.notStored,
      when
    );
    notices.push(notice);
  }
  if (trouble.dropped > 0) {
    const dropped = formatNumber(trouble.dropped);
    const maxHeld = formatNumber(trouble.maxHeld);
    // TRANSLATORS: %2 is the number of readings dropped, %3 the most readings the browser keeps.
    const notice = trans._n(
      'The browser dropped the oldest reading on its way: no Logger in the notebook took it, and it keeps at most %3. Run the cell that creates the Logger.',
      'The browser dropped the %2 oldest readings on their way: no Logger in the notebook took them, and it keeps at most %3. Run the cell that creates the Logger.',
      trouble.dropped,
      dropped,
      maxHeld
    );
    notices.push(notice);
  }
  if (trouble.storeProblem) {
    notices.push(trouble.storeProblem);
  }
  return notices;
}

/** Whole seconds from `now` to `at` (epoch ms); 0 or less when it is due. */
function secondsUntil(at: number, now: number): number {
  return Math.round((at - now) / 1000);
}

/** "in 3 min 5 s", "in 1 h 2 min", or "due now", from an ISO time. */
export function countdown(iso: string | null | undefined, now: number): string {
  const at = iso ? new Date(iso).getTime() : NaN;
  if (isNaN(at)) {
    return '';
  }
  const seconds = secondsUntil(at, now);
  if (seconds <= 0) {
    return trans.__('due now');
  }
  const h = Math.floor(seconds / 3600);
  const m = Math.floor((seconds % 3600) / 60);
  const sec = seconds % 60;
  if (h) {
    // TRANSLATORS: a time from now, in hours and minutes.
    return trans.__('in %1 h %2 min', h, m);
  }
  // TRANSLATORS: a time from now, in minutes and seconds, or in seconds.
  return m ? trans.__('in %1 min %2 s', m, sec) : trans.__('in %1 s', sec);
}
