// The simulated class of micro:bits: MakeCode gateway lines, read into one device per group.
import { classSerialNumbers, NAME_EVERY, SimulatedClassSource } from '../../src/sources/simulated-class';
import type { IReading } from '../../src/sources/types';
import { HOUR, MINUTE, SECOND, simulationTestbed, T0 } from './simulation-testbed';

const PACKET = /^\{"t":\d+,"s":-?\d+,"n":"(temp|light|group \d+)"(,"v":-?\d+)?\}$/;

describe('SimulatedClassSource', () => {
  const { keep, run } = simulationTestbed();

  function make(options: { seed?: number; periodMs?: number; groups?: number } = {}) {
    return keep(new SimulatedClassSource('class', { ...options, now: () => Date.now() }));
  }

  function bySource(readings: IReading[]): Map<string, IReading[]> {
    const devices = new Map<string, IReading[]>();
    for (const reading of readings) {
      devices.set(reading.source, [...(devices.get(reading.source) ?? []), reading]);
    }
    return devices;
  }

  test('30 groups, each a device microbit-<serial> named "group N", whose serial numbers never change', async () => {
    const source = make();
    expect(source.transport).toBe('simulated-class');
    expect(source.label).toBe('Simulated class (30 micro:bits)');
    const readings = await run(source, 3 * SECOND);
    const serials = classSerialNumbers(30);
    expect(new Set(serials).size).toBe(30);
    expect(serials.some(serial => serial < 0)).toBe(true);
    // Another page, another seed: the same devices.
    expect(classSerialNumbers(30)).toEqual(serials);
    const devices = bySource(readings);
    expect([...devices.keys()].sort()).toEqual(serials.map(serial => `microbit-${serial}`).sort());
    serials.forEach((serial, index) => {
      const own = devices.get(`microbit-${serial}`)!;
      // One reading per packet: temp and light of each of the 3 sends.
      expect(own.map(reading => Object.keys(reading.values).join())).toEqual([
        'temp',
        'light',
        'temp',
        'light',
        'temp',
        'light'
      ]);
      // Its name comes before its first values, so every reading is named.
      expect(own.map(reading => reading.device)).toEqual(Array(6).fill(`group ${index + 1}`));
    });
    expect(source.health).toMatchObject({ readings: 180, badLines: 0, badValues: 0, lines: 180 + 30 });
  });

  test('writes what a MakeCode gateway writes: one JSON packet a line, its name every few sends', () => {
    const source = make({ groups: 3 });
    const lines = [1, 2, 3].flatMap(() => source.step());
    expect(lines.every(line => PACKET.test(line))).toBe(true);
    const names = lines.filter(line => !line.includes('"v"'));
    expect(names).toHaveLength(3); // the first send of each; then after NAME_EVERY sends
    const later = Array.from({ length: NAME_EVERY }, () => source.step()).flat();
    expect(later.filter(line => !line.includes('"v"'))).toHaveLength(3);
  });

  test('temperatures and light are whole numbers a micro:bit gives, differ between groups and change slowly', async () => {
    jest.setSystemTime(T0 + 7 * HOUR); // 13:00 UTC; whatever the time zone, the numbers stay in range
    const readings = await run(make(), 10 * MINUTE);
    const temps = new Map<string, number[]>();
    const lights: number[] = [];
    for (const { source, values } of readings) {
      if ('temp' in values) {
        temps.set(source, [...(temps.get(source) ?? []), values.temp]);
      } else {
        lights.push(values.light);
      }
    }
    const all = [...temps.values()].flat();
    expect(all.concat(lights).filter(value => !Number.isInteger(value))).toEqual([]);
    expect([Math.min(...all), Math.max(...all)].map(t => t >= 15 && t <= 26)).toEqual([true, true]);
    expect([Math.min(...lights), Math.max(...lights)].map(l => l >= 0 && l <= 255)).toEqual([true, true]);
    const means = [...temps.values()].map(series => series.reduce((a, b) => a + b, 0) / series.length);
    expect(Math.max(...means) - Math.min(...means)).toBeGreaterThan(1.5);
    for (const series of temps.values()) {
      expect(series).toHaveLength(10 * 60);
      const jumps = series.slice(1).map((t, i) => Math.abs(t - series[i]));
      expect(Math.max(...jumps)).toBeLessThanOrEqual(1);
    }
  });

  test('the same seed gives the same readings; another seed other ones', async () => {
    const first = await run(make({ seed: 3 }), MINUTE);
    jest.setSystemTime(T0);
    const again = await run(make({ seed: 3 }), MINUTE);
    jest.setSystemTime(T0);
    const other = await run(make({ seed: 4 }), MINUTE);
    expect(again).toEqual(first);
    expect(other).not.toEqual(first);
  });

  test('sends every periodMs while started, nothing once stopped', async () => {
    const source = make({ periodMs: 100, groups: 30 });
    const readings = await run(source, SECOND);
    expect(readings).toHaveLength(10 * 30 * 2);
    expect(source.state).toBe('connected');
    await source.stop();
    expect(source.state).toBe('stopped');
    const after: IReading[] = [];
    source.readingReceived.connect((_, reading) => after.push(reading));
    jest.advanceTimersByTime(SECOND);
    expect(after).toHaveLength(0);
  });

  test('refuses lines sent to it, in words', async () => {
    await expect(make().send('target 22')).rejects.toThrow('only sends readings');
  });
});
