// The hub's recent readings per source and channel, in bounded memory, for the charts.
import type { IReading } from './sources/types';

/** Points a channel keeps before its oldest half is thinned (min and max of each pair stay). */
export const MAX_POINTS = 20000;

interface ISeries {
  times: number[];
  values: number[];
}

/** A chart's line: times in epoch milliseconds and values, oldest first. */
export interface ILine {
  times: number[];
  values: number[];
}

/**
 * The recent readings of one source, per channel, over a window of time (10 minutes
 * to 24 hours). Memory stays bounded at any length: when a channel holds MAX_POINTS,
 * its older half is thinned, keeping each pair's lowest and highest value so spikes
 * stay visible. Lines for the screen are cut to a number of buckets the same way.
 */
export class ChannelHistory {
  constructor(public windowMs: number) {}

  get channels(): string[] {
    return [...this._series.keys()];
  }

  /** How many points a channel holds now (for tests and memory checks). */
  size(channel: string): number {
    return this._series.get(channel)?.times.length ?? 0;
  }

  add(reading: IReading): void {
    for (const [channel, value] of Object.entries(reading.values)) {
      let series = this._series.get(channel);
      if (!series) {
        series = { times: [], values: [] };
        this._series.set(channel, series);
      }
      series.times.push(reading.time);
      series.values.push(value);
      this._forgetOld(series, reading.time - this.windowMs);
      if (series.times.length > MAX_POINTS) {
        thinOlderHalf(series);
      }
    }
  }

  /**
   * The channel's line from `now - windowMs` to `now`, in at most `buckets` buckets:
   * each bucket gives its lowest and its highest value, in the order they happened.
   */
  line(channel: string, buckets: number, now: number): ILine {
    const series = this._series.get(channel);
    const from = now - this.windowMs;
    if (!series || series.times.length === 0) {
      return { times: [], values: [] };
    }
    const start = firstAtOrAfter(series.times, from);
    const width = this.windowMs / buckets;
    const times: number[] = [];
    const values: number[] = [];
    let i = start;
    while (i < series.times.length) {
      const bucket = Math.floor((series.times[i] - from) / width);
      let low = i;
      let high = i;
      let j = i + 1;
      while (j < series.times.length && Math.floor((series.times[j] - from) / width) === bucket) {
        if (series.values[j] < series.values[low]) {
          low = j;
        }
        if (series.values[j] > series.values[high]) {
          high = j;
        }
        j++;
      }
      for (const k of low === high ? [low] : low < high ? [low, high] : [high, low]) {
        times.push(series.times[k]);
        values.push(series.values[k]);
      }
      i = j;
    }
    return { times, values };
  }

  private _forgetOld(series: ISeries, before: number): void {
    const keep = firstAtOrAfter(series.times, before);
    // Cut in chunks, not one point at a time: splicing arrays is the costly part.
    if (keep > 256 || (keep > 0 && keep === series.times.length)) {
      series.times.splice(0, keep);
      series.values.splice(0, keep);
    }
  }

  private _series = new Map<string, ISeries>();
}

/** The first index whose time is at or after `time` (times are in order); the length when none is. */
export function firstAtOrAfter(times: readonly number[], time: number): number {
  let low = 0;
  let high = times.length;
  while (low < high) {
    const mid = (low + high) >> 1;
    if (times[mid] < time) {
      low = mid + 1;
    } else {
      high = mid;
    }
  }
  return low;
}

/** Thin the older half: of each four points keep the lowest and the highest, in time order. */
function thinOlderHalf(series: ISeries): void {
  const half = series.times.length >> 1;
  const times: number[] = [];
  const values: number[] = [];
  for (let i = 0; i < half; i += 4) {
    let low = i;
    let high = i;
    for (let k = i + 1; k < Math.min(i + 4, half); k++) {
      if (series.values[k] < series.values[low]) {
        low = k;
      }
      if (series.values[k] > series.values[high]) {
        high = k;
      }
    }
    for (const k of low === high ? [low] : low < high ? [low, high] : [high, low]) {
      times.push(series.times[k]);
      values.push(series.values[k]);
    }
  }
  series.times = times.concat(series.times.slice(half));
  series.values = values.concat(series.values.slice(half));
}
