import { ChannelHistory, MAX_POINTS } from '../../src/history';

const MINUTE = 60_000;
const reading = (time: number, values: Record<string, number>) => ({ time, values, source: 'simulated' });

describe('ChannelHistory', () => {
  test('keeps each channel for the window and forgets what is older', () => {
    const history = new ChannelHistory(10 * MINUTE);
    for (let i = 0; i <= 20 * 60; i++) {
      history.add(reading(i * 1000, { temperature: i, ...(i % 2 ? {} : { lux: 2 * i }) }));
    }
    expect(history.channels).toEqual(['temperature', 'lux']);
    const line = history.line('temperature', 1000, 20 * MINUTE);
    expect(line.times[0]).toBeGreaterThanOrEqual(10 * MINUTE);
    expect(line.values[line.values.length - 1]).toBe(1200);
    // Old points are dropped in chunks, so at most a few hundred beyond the window remain.
    expect(history.size('temperature')).toBeLessThan(601 + 300);
  });

  test('a day of 10 Hz readings stays bounded and keeps its extremes', () => {
    const history = new ChannelHistory(24 * 60 * MINUTE);
    const spikeAt = 3 * 60 * MINUTE;
    for (let t = 0; t < 24 * 60 * MINUTE; t += 100) {
      history.add(reading(t, { temperature: t === spikeAt ? 99 : t === spikeAt + 100 ? -40 : 20 + Math.sin(t / 1e6) }));
    }
    expect(history.size('temperature')).toBeLessThanOrEqual(MAX_POINTS);
    const line = history.line('temperature', 600, 24 * 60 * MINUTE);
    expect(line.times.length).toBeLessThanOrEqual(1200);
    expect(Math.max(...line.values)).toBe(99);
    expect(Math.min(...line.values)).toBe(-40);
    // In time order.
    expect(line.times).toEqual([...line.times].sort((a, b) => a - b));
  });

  test('a line has at most two points a bucket: the lowest and the highest, in time order', () => {
    const history = new ChannelHistory(MINUTE);
    [5, 1, 9, 3].forEach((v, i) => history.add(reading(i * 10, { v })));
    const line = history.line('v', 1, MINUTE - 1);
    expect(line).toEqual({ times: [10, 20], values: [1, 9] });
  });

  test('an unknown channel or an empty window gives an empty line', () => {
    const history = new ChannelHistory(MINUTE);
    expect(history.line('nothing', 10, 0)).toEqual({ times: [], values: [] });
    history.add(reading(0, { v: 1 }));
    expect(history.line('v', 10, 10 * MINUTE)).toEqual({ times: [], values: [] });
  });
});
