import { DeviceHub } from '../../src/hub';
import { SimulatedSource } from '../../src/sources/simulated';
import type { IReading } from '../../src/sources/types';

const T0 = Date.UTC(2026, 10, 20, 9, 0, 0);

describe('DeviceHub', () => {
  let hub: DeviceHub;
  let clock: number;

  /** A simulated source on a clock the spec moves. */
  function source(id: string, seed = 1): SimulatedSource {
    return new SimulatedSource(id, { seed, now: () => clock });
  }

  beforeEach(() => {
    jest.useFakeTimers();
    clock = T0;
    hub = new DeviceHub();
  });

  afterEach(() => {
    hub.dispose();
    jest.useRealTimers();
  });

  describe('simulated', () => {
    test('creates the simulated sensor once and then returns the same one', () => {
      const changed = jest.fn();
      hub.sourcesChanged.connect(changed);

      const first = hub.simulated();
      expect(first).toBeInstanceOf(SimulatedSource);
      expect(first.transport).toBe('simulated');
      expect(first.state).toBe('stopped');
      expect(hub.sources).toEqual([first]);
      expect(hub.devices.map(device => device.id)).toEqual(['simulated']);
      expect(changed).toHaveBeenCalledTimes(1);

      expect(hub.simulated()).toBe(first);
      expect(hub.sources).toHaveLength(1);
      expect(changed).toHaveBeenCalledTimes(1);
    });

    test('returns a simulated sensor that was added before', () => {
      const added = hub.add(source('simulated'));
      expect(hub.simulated()).toBe(added);
      expect(hub.sources).toEqual([added]);
    });
  });

  describe('readings', () => {
    test('a reading updates latest(id) and is re-emitted by readingReceived', () => {
      const a = hub.add(source('a', 1)) as SimulatedSource;
      const b = hub.add(source('b', 2)) as SimulatedSource;
      const seen: IReading[] = [];
      hub.readingReceived.connect((sender, reading) => {
        expect(sender).toBe(hub);
        seen.push(reading);
      });
      expect(hub.latest('a')).toBeUndefined();

      clock += 1000;
      const a1 = a.step();
      expect(hub.latest('a')).toBe(a1);
      expect(hub.latest('b')).toBeUndefined();

      clock += 1000;
      const b1 = b.step();
      clock += 1000;
      const a2 = a.step();
      expect(hub.latest('a')).toBe(a2);
      expect(hub.latest('b')).toBe(b1);
      expect(seen).toEqual([a1, b1, a2]);
      expect(seen.map(r => r.source)).toEqual(['a', 'b', 'a']);
    });

    test('readings of a started source flow through the hub', async () => {
      const sim = hub.simulated();
      const received = jest.fn();
      hub.readingReceived.connect(received);
      await sim.start();
      jest.advanceTimersByTime(3000);
      expect(received).toHaveBeenCalledTimes(3);
      const last = received.mock.calls[2][1] as IReading;
      expect(hub.latest('simulated')).toBe(last);
      expect(last.source).toBe('simulated');
    });

    test('unknown ids have no latest reading', () => {
      expect(hub.latest('nothing')).toBeUndefined();
    });
  });

  describe('sourcesChanged', () => {
    test('fires on add and on every state change of a source', async () => {
      const changed = jest.fn();
      hub.sourcesChanged.connect(changed);

      const sim = hub.add(source('a'));
      expect(changed).toHaveBeenCalledTimes(1);
      expect(changed.mock.calls[0][0]).toBe(hub);

      await sim.start();
      expect(changed).toHaveBeenCalledTimes(2);
      await sim.start(); // already started: no change, no signal
      expect(changed).toHaveBeenCalledTimes(2);
      await sim.stop();
      expect(changed).toHaveBeenCalledTimes(3);
    });

    test('readings alone do not fire it', () => {
      const sim = hub.add(source('a')) as SimulatedSource;
      const changed = jest.fn();
      hub.sourcesChanged.connect(changed);
      clock += 1000;
      sim.step();
      expect(changed).not.toHaveBeenCalled();
    });
  });

  test('dispose() disposes the sources: their timers stop', async () => {
    const sim = hub.simulated();
    await sim.start();
    expect(jest.getTimerCount()).toBe(1);
    hub.dispose();
    expect(jest.getTimerCount()).toBe(0);
    expect(hub.sources).toEqual([]);
  });
});
