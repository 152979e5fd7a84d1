// The class view's words, shared by its table, its summary and its chart's description.
import { trans } from '../i18n';
import type { IClassLine, LineState } from './model';

/** A state in words. */
export function lineStateWord(state: LineState): string {
  switch (state) {
    case 'on time':
      return trans._p('logger state', 'on time');
    case 'late':
      return trans._p('logger state', 'late');
    case 'silent':
      return trans._p('logger state', 'silent');
    case 'no readings':
      return trans._p('logger state', 'no readings');
  }
}

/** "group 3 (micro:bit)", or "group 3" for a logger of one device. */
export function lineName(line: { label: string; device: string }): string {
  // TRANSLATORS: %1 is a group's label (group 3), %2 its device (micro:bit).
  return line.device ? trans.__('%1 (%2)', line.label, line.device) : line.label;
}

/** "27 on time, 2 late, 1 silent": the states there are, the calm ones first. */
export function summary(lines: ReadonlyArray<IClassLine>): string {
  const counts: Array<[LineState, (n: number) => string]> = [
    // TRANSLATORS: %1 is a number of loggers.
    ['on time', n => trans._n('%1 on time', '%1 on time', n)],
    // TRANSLATORS: %1 is a number of loggers that post rows without readings (their board sends nothing).
    ['no readings', n => trans._n('%1 with no readings', '%1 with no readings', n)],
    // TRANSLATORS: %1 is a number of loggers.
    ['late', n => trans._n('%1 late', '%1 late', n)],
    // TRANSLATORS: %1 is a number of loggers that have stopped posting.
    ['silent', n => trans._n('%1 silent', '%1 silent', n)]
  ];
  return counts
    .map(([state, words]) => [lines.filter(line => line.state === state).length, words] as const)
    .filter(([n]) => n > 0)
    .map(([n, words]) => words(n))
    .join(', ');
}

/** "just now", "5 minutes ago", "3 hours ago", "2 days ago". */
export function ago(ms: number): string {
  const minutes = Math.floor(ms / 60_000);
  if (minutes < 1) {
    return trans.__('just now');
  }
  if (minutes < 60) {
    return trans._n('%1 minute ago', '%1 minutes ago', minutes);
  }
  const hours = Math.floor(minutes / 60);
  if (hours < 48) {
    return trans._n('%1 hour ago', '%1 hours ago', hours);
  }
  const days = Math.floor(hours / 24);
  return trans._n('%1 day ago', '%1 days ago', days);
}
