// What a chart shows, for students who cannot see it: in words (its summary and each point) and in sound (a pitch).
import { firstAtOrAfter, type ILine } from '../history';
import { formatClock, formatDayAndTime, trans } from '../i18n';
import { valueText } from './dom';

export type Trend = 'rising' | 'falling' | 'steady';

/**
 * How much of the chart's range the straight line through its points must climb (or fall)
 * from the first point to the last for the chart to be rising (or falling): noise around
 * a level, or one spike, stays steady.
 */
export const TREND_SHARE = 1 / 3;

/** The audio trace's pitches: the lowest value of a chart sounds at 220 Hz, its highest two octaves up. */
export const LOWEST_PITCH = 220;
export const HIGHEST_PITCH = 880;

/** The lowest and the highest of the values. */
export function extremes(values: readonly number[]): { low: number; high: number } {
  let low = Infinity;
  let high = -Infinity;
  for (const value of values) {
    low = Math.min(low, value);
    high = Math.max(high, value);
  }
  return { low, high };
}

/** Rising, falling or steady: the slope of the least-squares line over the whole period, against the range. */
export function trend(line: ILine): Trend {
  const { times, values } = line;
  const n = times.length;
  if (n < 2) {
    return 'steady';
  }
  // Times from the first point, so epoch milliseconds squared do not lose the digits that matter.
  const start = times[0];
  let meanTime = 0;
  let meanValue = 0;
  for (let i = 0; i < n; i++) {
    meanTime += (times[i] - start) / n;
    meanValue += values[i] / n;
  }
  let covariance = 0;
  let spread = 0;
  for (let i = 0; i < n; i++) {
    const dt = times[i] - start - meanTime;
    covariance += dt * (values[i] - meanValue);
    spread += dt * dt;
  }
  const { low, high } = extremes(values);
  if (spread === 0 || high === low) {
    return 'steady';
  }
  const change = (covariance / spread) * (times[n - 1] - start);
  if (Math.abs(change) < TREND_SHARE * (high - low)) {
    return 'steady';
  }
  return change > 0 ? 'rising' : 'falling';
}

/** The chart's text alternative: the latest value, the trend and the range over the period shown. */
export function chartSummary(line: ILine, unit: string): string {
  const { times, values } = line;
  const n = times.length;
  if (n === 0) {
    return trans.__('No readings yet.');
  }
  const latest = valueText(values[n - 1], unit);
  if (n === 1) {
    return trans.__('One reading so far: %1 at %2.', latest, formatClock(times[0]));
  }
  // Over more than a day (a 24-hour chart), the times say which day too.
  const sameDay = new Date(times[0]).toDateString() === new Date(times[n - 1]).toDateString();
  const when = (time: number) => (sameDay ? formatClock(time) : formatDayAndTime(time));
  const from = when(times[0]);
  const to = when(times[n - 1]);
  const { low, high } = extremes(values);
  const direction = {
    rising: () => trans.__('Rising between %1 and %2.', from, to),
    falling: () => trans.__('Falling between %1 and %2.', from, to),
    steady: () => trans.__('Steady between %1 and %2.', from, to)
  }[trend(line)]();
  return [
    trans.__('Latest: %1 at %2.', latest, when(times[n - 1])),
    direction,
    trans.__('Lowest %1, highest %2.', valueText(low, unit), valueText(high, unit))
  ].join(' ');
}

/** What a student hears on one point of the chart while exploring it with the arrow keys. */
export function pointWords(line: ILine, index: number, unit: string): string {
  const value = valueText(line.values[index], unit);
  const time = formatClock(line.times[index]);
  if (index === line.times.length - 1) {
    return trans.__('Latest: %1 at %2.', value, time);
  }
  if (index === 0) {
    return trans.__('First: %1 at %2.', value, time);
  }
  return trans.__('%1 at %2.', value, time);
}

/**
 * The pitch of a value in the audio trace, in Hz: the chart's lowest value at LOWEST_PITCH and its
 * highest at HIGHEST_PITCH, evenly in octaves between (as the ear hears pitch), the middle for a flat line.
 */
export function pitch(value: number, low: number, high: number): number {
  const share = high > low ? Math.min(1, Math.max(0, (value - low) / (high - low))) : 0.5;
  return LOWEST_PITCH * (HIGHEST_PITCH / LOWEST_PITCH) ** share;
}

/** The index of the point nearest in time to `time` (times in order), or -1 for no points. */
export function nearestPoint(times: readonly number[], time: number): number {
  if (times.length === 0) {
    return -1;
  }
  const after = Math.min(firstAtOrAfter(times, time), times.length - 1);
  return after > 0 && time - times[after - 1] <= times[after] - time ? after - 1 : after;
}
