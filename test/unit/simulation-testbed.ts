// What the simulation specs share: jest's fake clock from T0, sources disposed after each spec, and running one a while.
import type { SimulationSource } from '../../src/sources/simulated';
import type { IReading } from '../../src/sources/types';

/** 20 November 2026, 06:00 UTC: the clock of every simulation spec. */
export const T0 = Date.UTC(2026, 10, 20, 6, 0, 0);
export const SECOND = 1000;
export const MINUTE = 60 * SECOND;
export const HOUR = 60 * MINUTE;

/** Call inside a `describe`: sets jest's fake clock to T0 before each spec and disposes the sources kept after it. */
export function simulationTestbed() {
  const sources: SimulationSource[] = [];

  beforeEach(() => {
    jest.useFakeTimers();
    jest.setSystemTime(T0);
  });

  afterEach(() => {
    for (const source of sources.splice(0)) {
      source.dispose();
    }
    jest.useRealTimers();
  });

  /** `source`, disposed after the spec. */
  function keep<S extends SimulationSource>(source: S): S {
    sources.push(source);
    return source;
  }

  /** Start `source` and collect its readings for `ms` of simulated time. */
  async function run(source: SimulationSource, ms: number): Promise<IReading[]> {
    const readings: IReading[] = [];
    const collect = (_: unknown, reading: IReading) => readings.push(reading);
    source.readingReceived.connect(collect);
    await source.start();
    jest.advanceTimersByTime(ms);
    source.readingReceived.disconnect(collect);
    return readings;
  }

  return { keep, run };
}
