import type { ILine } from '../../src/history';
import { formatClock, formatDayAndTime } from '../../src/i18n';
import {
  chartSummary,
  HIGHEST_PITCH,
  LOWEST_PITCH,
  nearestPoint,
  pitch,
  pointWords,
  trend,
  TREND_SHARE
} from '../../src/ui/describe';

const T0 = new Date(2026, 2, 10, 9, 50, 0).getTime();

/** A line of one reading every 10 s from T0. */
function line(values: number[]): ILine {
  return { times: values.map((_, i) => T0 + i * 10_000), values };
}

/** Noise that repeats: the same numbers on every run. */
function wobble(i: number): number {
  return Math.sin(i * 12.9898) * 0.5;
}

describe('trend', () => {
  test('a climb is rising, a fall is falling, a level is steady', () => {
    expect(trend(line([20, 20.5, 21, 21.5, 22]))).toBe('rising');
    expect(trend(line([22, 21.5, 21, 20.5, 20]))).toBe('falling');
    expect(trend(line([21, 21, 21, 21]))).toBe('steady');
  });

  test('noise around a level stays steady; the same noise on a climb is rising', () => {
    const level = Array.from({ length: 60 }, (_, i) => 21 + wobble(i));
    expect(trend(line(level))).toBe('steady');
    const climb = level.map((value, i) => value + i * 0.05);
    expect(trend(line(climb))).toBe('rising');
  });

  test('one spike on a level is not a trend', () => {
    const values = Array.from({ length: 30 }, (_, i) => (i === 20 ? 35 : 21));
    expect(trend(line(values))).toBe('steady');
  });

  test('whole degrees that step up once are rising', () => {
    expect(trend(line([21, 21, 21, 21, 22, 22, 22, 22]))).toBe('rising');
  });

  test('up and back down again is steady: the straight line through it must climb a third of the range', () => {
    expect(TREND_SHARE).toBeCloseTo(1 / 3);
    const bump = Array.from({ length: 121 }, (_, i) => 21 + 3 * Math.sin((i / 120) * Math.PI));
    expect(trend(line(bump))).toBe('steady');
    const later = bump.map((value, i) => value + i * 0.02); // ends 2.4 higher: over half of its range
    expect(trend(line(later))).toBe('rising');
  });

  test('no points or one point: steady', () => {
    expect(trend(line([]))).toBe('steady');
    expect(trend(line([21]))).toBe('steady');
  });
});

describe('the summary', () => {
  test('the latest value, the trend over the period shown, and the range, with units and times', () => {
    const summary = chartSummary(line([19.8, 20.25, 21.1, 22.04, 21.5]), '°C');
    expect(summary).toBe(
      `Latest: 21.5 °C at ${formatClock(T0 + 40_000)}. ` +
        `Rising between ${formatClock(T0)} and ${formatClock(T0 + 40_000)}. ` +
        'Lowest 19.8 °C, highest 22.0 °C.'
    );
  });

  test('falling and steady lines say so; a value without a unit is a number alone', () => {
    expect(chartSummary(line([900, 700, 500, 300]), 'lx')).toContain('Falling between');
    const steady = chartSummary(line([0.5, 0.52, 0.5, 0.51]), '');
    expect(steady).toContain(`Steady between ${formatClock(T0)} and ${formatClock(T0 + 30_000)}.`);
    expect(steady).toContain('Lowest 0.500, highest 0.520.');
  });

  test('no reading, and a single reading', () => {
    expect(chartSummary(line([]), '°C')).toBe('No readings yet.');
    expect(chartSummary(line([21]), '°C')).toBe(`One reading so far: 21 °C at ${formatClock(T0)}.`);
  });

  test('a period over two days says the day with each time', () => {
    const day = 24 * 3600_000;
    const twoDays = { times: [T0, T0 + day / 2, T0 + day], values: [20, 21, 22] };
    const summary = chartSummary(twoDays, '°C');
    expect(summary).toContain(`Rising between ${formatDayAndTime(T0)} and ${formatDayAndTime(T0 + day)}.`);
    expect(summary).toContain(`Latest: 22 °C at ${formatDayAndTime(T0 + day)}.`);
  });
});

describe('the points, one by one', () => {
  const points = line([19.8, 20.25, 21.5]);

  test('each point says its value and time; the first and the latest say so', () => {
    expect(pointWords(points, 0, '°C')).toBe(`First: 19.8 °C at ${formatClock(T0)}.`);
    expect(pointWords(points, 1, '°C')).toBe(`20.3 °C at ${formatClock(T0 + 10_000)}.`);
    expect(pointWords(points, 2, '°C')).toBe(`Latest: 21.5 °C at ${formatClock(T0 + 20_000)}.`);
  });

  test('the point nearest a time: the earlier one on a tie, the ends beyond the line', () => {
    const times = [0, 10, 20, 30];
    expect(nearestPoint(times, 14)).toBe(1);
    expect(nearestPoint(times, 16)).toBe(2);
    expect(nearestPoint(times, 15)).toBe(1);
    expect(nearestPoint(times, 20)).toBe(2);
    expect(nearestPoint(times, -5)).toBe(0);
    expect(nearestPoint(times, 99)).toBe(3);
    expect(nearestPoint([], 5)).toBe(-1);
  });
});

describe('the pitch of a value', () => {
  test('the lowest value sounds lowest and the highest highest, in the range 220-880 Hz', () => {
    expect(LOWEST_PITCH).toBe(220);
    expect(HIGHEST_PITCH).toBe(880);
    expect(pitch(18, 18, 24)).toBeCloseTo(220);
    expect(pitch(24, 18, 24)).toBeCloseTo(880);
  });

  test('the middle of the range is one octave up: equal steps of value are equal steps of pitch', () => {
    expect(pitch(21, 18, 24)).toBeCloseTo(440);
    expect(pitch(19.5, 18, 24) / pitch(18, 18, 24)).toBeCloseTo(pitch(24, 18, 24) / pitch(22.5, 18, 24));
  });

  test('a higher value always sounds higher', () => {
    const values = [18, 18.1, 19, 20.5, 23.9, 24];
    const pitches = values.map(value => pitch(value, 18, 24));
    expect(pitches).toEqual([...pitches].sort((a, b) => a - b));
    expect(new Set(pitches).size).toBe(values.length);
  });

  test('a flat line sounds in the middle; values outside the range stay inside the pitches', () => {
    expect(pitch(21, 21, 21)).toBeCloseTo(440);
    expect(pitch(10, 18, 24)).toBeCloseTo(220);
    expect(pitch(30, 18, 24)).toBeCloseTo(880);
  });
});
