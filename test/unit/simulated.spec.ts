import { SimulatedSource } from '../../src/sources/simulated';
import type { IReading, SourceState } from '../../src/sources/types';
import { HOUR, MINUTE, SECOND, simulationTestbed, T0 } from './simulation-testbed';

describe('SimulatedSource', () => {
  const { keep, run } = simulationTestbed();

  /** A source on jest's fake clock (`now` is injected). */
  function make(options: { seed?: number; periodMs?: number; target?: number } = {}) {
    return keep(new SimulatedSource('sim', { ...options, now: () => Date.now() }));
  }

  describe('determinism', () => {
    test('the same seed gives the same readings', async () => {
      const a = make({ seed: 42 });
      const first = await run(a, 10 * MINUTE);
      await a.stop();
      jest.setSystemTime(T0);
      const second = await run(make({ seed: 42 }), 10 * MINUTE);
      expect(first).toHaveLength(600);
      expect(second).toEqual(first);
    });

    test('another seed gives other readings', async () => {
      const a = make({ seed: 42 });
      const first = await run(a, 10 * MINUTE);
      await a.stop();
      jest.setSystemTime(T0);
      const other = await run(make({ seed: 43 }), 10 * MINUTE);
      expect(other.map(r => r.time)).toEqual(first.map(r => r.time));
      expect(other.map(r => r.values)).not.toEqual(first.map(r => r.values));
    });
  });

  describe('values', () => {
    test('every reading has the six channels, plausible and consistent', async () => {
      const source = make({ seed: 3, periodMs: MINUTE });
      // A whole day, so the light goes through night and day in any time zone.
      const readings = await run(source, 24 * HOUR);
      expect(readings).toHaveLength(24 * 60);

      for (const { values, source: id } of readings) {
        expect(id).toBe('sim');
        expect(Object.keys(values).sort()).toEqual(Object.keys(source.units).sort());
        expect(Object.keys(values).sort()).toEqual([
          'heater',
          'humidity',
          'light_ratio',
          'lux',
          'target',
          'temperature'
        ]);
        expect(values.target).toBe(21);
        expect([0, 1]).toContain(values.heater);
        for (const value of Object.values(values)) {
          expect(Number.isFinite(value)).toBe(true);
        }
        expect(values.humidity).toBeGreaterThanOrEqual(0);
        expect(values.humidity).toBeLessThanOrEqual(100);
        expect(values.light_ratio).toBeGreaterThanOrEqual(0);
        expect(values.light_ratio).toBeLessThanOrEqual(1);
        // lux is light_ratio × 1200, each rounded on its own (3 and 1 decimals).
        expect(Math.abs(values.lux - values.light_ratio * 1200)).toBeLessThanOrEqual(0.0005 * 1200 + 0.05 + 1e-9);
      }

      const light = readings.map(r => r.values.light_ratio);
      expect(Math.min(...light)).toBeLessThan(0.1); // night
      expect(Math.max(...light)).toBeGreaterThan(0.6); // midday
    });

    test('readings carry the injected clock', async () => {
      const readings = await run(make({ periodMs: 250 }), SECOND);
      expect(readings.map(r => r.time)).toEqual([T0 + 250, T0 + 500, T0 + 750, T0 + 1000]);
    });
  });

  describe('thermostat', () => {
    // The heater switches at target ± 0.3 °C and changes the room by at most
    // ~0.03 °C a second (heating, loss and noise), so after the warm-up the room
    // stays within ±0.35 °C of the target; ±0.5 leaves a margin for the rounding.
    const BAND = 0.5;
    const WARM_UP = 10 * MINUTE;

    test.each([1, 7, 42])('keeps the room near the target for 6 hours (seed %i)', async seed => {
      const source = make({ seed });
      const readings = await run(source, 6 * HOUR);
      expect(readings).toHaveLength(6 * 3600);
      const settled = readings.filter(r => r.time > T0 + WARM_UP).map(r => r.values.temperature);

      expect(Math.min(...settled)).toBeGreaterThanOrEqual(21 - BAND);
      expect(Math.max(...settled)).toBeLessThanOrEqual(21 + BAND);
      // The heater really cycles: the room reaches both ends of the hysteresis.
      expect(Math.min(...settled)).toBeLessThan(21 - 0.2);
      expect(Math.max(...settled)).toBeGreaterThan(21 + 0.2);
      const mean = settled.reduce((a, b) => a + b, 0) / settled.length;
      expect(Math.abs(mean - 21)).toBeLessThan(0.15);
    });

    test('send("target 25") changes the target and the room follows', async () => {
      const source = make({ seed: 5 });
      await run(source, 30 * MINUTE);
      await source.send('target 25');
      expect(source.target).toBe(25);

      const readings = await run(source, 30 * MINUTE);
      expect(readings[0].values.temperature).toBeLessThan(22);
      // The new target is logged beside the temperature, and the heater comes on for it.
      expect(readings[0].values.target).toBe(25);
      expect(readings[0].values.heater).toBe(1);
      const settled = readings.slice(-15 * 60).map(r => r.values.temperature);
      expect(Math.min(...settled)).toBeGreaterThanOrEqual(25 - BAND);
      expect(Math.max(...settled)).toBeLessThanOrEqual(25 + BAND);
    });

    test('the target option sets the starting target', async () => {
      const source = make({ target: 18 });
      expect(source.target).toBe(18);
      const readings = await run(source, HOUR);
      const settled = readings.slice(-30 * 60).map(r => r.values.temperature);
      expect(Math.min(...settled)).toBeGreaterThanOrEqual(18 - BAND);
      expect(Math.max(...settled)).toBeLessThanOrEqual(18 + BAND);
    });

    test('a stopped room does not jump when started again', async () => {
      const source = make({ seed: 9 });
      const before = await run(source, 20 * MINUTE);
      await source.stop();
      jest.advanceTimersByTime(3 * HOUR);
      const after = await run(source, 5 * SECOND);
      const last = before[before.length - 1].values.temperature;
      expect(Math.abs(after[0].values.temperature - last)).toBeLessThan(0.1);
    });
  });

  describe('send', () => {
    test.each([
      ['target 22.5', 22.5],
      ['  TARGET   -3 ', -3],
      ['target 0.25', 0.25]
    ])('understands %j', async (line, target) => {
      const source = make();
      await source.send(line);
      expect(source.target).toBe(target);
    });

    test.each(['garbage', 'target', 'target abc', 'target 22.5 now', ''])(
      'rejects %j with an example of a line it understands',
      async line => {
        const source = make();
        await expect(source.send(line)).rejects.toThrow('target 21.5');
        expect(source.target).toBe(21);
      }
    );
  });

  describe('start and stop', () => {
    test('change the state and emit stateChanged once per change', async () => {
      const source = make();
      const states: SourceState[] = [];
      source.stateChanged.connect((sender, state) => {
        expect(sender).toBe(source);
        states.push(state);
      });
      expect(source.state).toBe('stopped');

      await source.start();
      expect(source.state).toBe('connected');
      await source.start();
      expect(jest.getTimerCount()).toBe(1);

      await source.stop();
      expect(source.state).toBe('stopped');
      await source.stop();
      expect(jest.getTimerCount()).toBe(0);

      expect(states).toEqual(['connected', 'stopped']);
    });

    test('start() emits a reading every periodMs until stop()', async () => {
      const source = make({ periodMs: 500 });
      const received = jest.fn();
      source.readingReceived.connect(received);

      await source.start();
      jest.advanceTimersByTime(499);
      expect(received).not.toHaveBeenCalled();
      jest.advanceTimersByTime(1);
      expect(received).toHaveBeenCalledTimes(1);
      jest.advanceTimersByTime(2000);
      expect(received).toHaveBeenCalledTimes(5);
      expect(received.mock.calls.map(([, r]) => (r as IReading).time)).toEqual([
        T0 + 500,
        T0 + 1000,
        T0 + 1500,
        T0 + 2000,
        T0 + 2500
      ]);

      await source.stop();
      jest.advanceTimersByTime(5000);
      expect(received).toHaveBeenCalledTimes(5);
    });

    test('dispose() stops the timer and the signals', async () => {
      const source = make();
      const received = jest.fn();
      source.readingReceived.connect(received);
      await source.start();
      source.dispose();
      expect(jest.getTimerCount()).toBe(0);
      jest.advanceTimersByTime(5000);
      expect(received).not.toHaveBeenCalled();
    });
  });
});
