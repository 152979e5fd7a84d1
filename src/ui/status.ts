// The status line's words and the countdown to the next post, shared by the notebook widget and the sidebar.
import type { IForwarderStats, IForwarderTrouble } from '../forwarder';

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

function clock(iso: string | null | undefined): string {
  if (!iso) {
    return '';
  }
  const date = new Date(iso);
  return isNaN(date.getTime())
    ? iso
    : date.toLocaleTimeString([], { hour: '2-digit', minute: '2-digit', second: '2-digit' });
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
  parts.push(`${kernel.readings ?? 0} readings in the notebook`);
  if (forwarder.pending > 0) {
    parts.push(`${forwarder.pending} on their way`);
  }
  parts.push(kernel.last_post ? `last post ${clock(kernel.last_post)}` : 'nothing posted yet');
  if (kernel.next_post) {
    parts.push(`next post ${clock(kernel.next_post)}`);
  }
  parts.push(`${kernel.pending ?? 0} rows waiting`);
  if (kernel.note) {
    parts.push(`note for the next row: "${kernel.note}"`);
  }
  if (kernel.next_retry && (kernel.pending ?? 0) > 0) {
    parts.push(`next try ${clock(kernel.next_retry)}`);
  }
  const errors = (kernel.errors ?? 0) + forwarder.refused;
  if (errors === 0) {
    parts.push('no errors');
  } else {
    const last = kernel.last_error || forwarder.lastRefusal;
    parts.push(`${errors} ${errors === 1 ? 'error' : 'errors'}${last ? `, last: ${last}` : ''}`);
  }
  return parts;
}

/** What keeps the browser's readings from the notebook now, in words. */
export function troubleNotices(trouble: IForwarderTrouble, now: number): string[] {
  const notices: string[] = [];
  if (trouble.resendAt !== null) {
    const when = countdown(new Date(trouble.resendAt).toISOString(), now);
    notices.push(
      `The notebook could not store the last readings (${trouble.notStored}); trying again ${when === 'due now' ? 'now' : when}`
    );
  }
  if (trouble.dropped > 0) {
    notices.push(
      `The browser dropped the ${trouble.dropped} oldest readings on their way: no Logger in the notebook ` +
        `took them, and it keeps at most ${trouble.maxHeld}. Run the cell that creates the Logger.`
    );
  }
  if (trouble.storeProblem) {
    notices.push(trouble.storeProblem);
  }
  return notices;
}

/** "in 3 min 5 s", "in 1 h 2 min", or "due now", from an ISO time. */
export function countdown(iso: string | null | undefined, now: number): string {
  const at = iso ? new Date(iso).getTime() : NaN;
  if (isNaN(at)) {
    return '';
  }
  const seconds = Math.round((at - now) / 1000);
  if (seconds <= 0) {
    return 'due now';
  }
  const h = Math.floor(seconds / 3600);
  const m = Math.floor((seconds % 3600) / 60);
  const sec = seconds % 60;
  return `in ${h ? `${h} h ${m} min` : m ? `${m} min ${sec} s` : `${sec} s`}`;
}
