// The simulated classroom: a thermostat-heated room, for lessons without hardware and for tests.
import { SourceBase } from './base';
import type { IReading } from './types';

export interface ISimulatedOptions {
  /** Milliseconds between two readings (default 1000). */
  periodMs?: number;
  /** Seed of the noise, so a run can be repeated exactly. */
  seed?: number;
  /** The heater's target temperature in °C (default 21). */
  target?: number;
  /** The clock, in epoch milliseconds (replaced in tests). */
  now?: () => number;
}

/** A small deterministic random generator (mulberry32). */
export function randomGenerator(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const round = (value: number, digits: number): number => Math.round(value * 10 ** digits) / 10 ** digits;

/**
 * A classroom with a thermostat: a heater switches on below the target and off above
 * it (both reported as channels, as the thermostat firmware prints them), the room
 * loses heat to the outside, humidity falls as the air warms, and light follows the
 * time of day. For classes without hardware, the demo and the tests.
 */
export class SimulatedSource extends SourceBase {
  readonly transport = 'simulated' as const;
  readonly units = {
    temperature: '°C',
    target: '°C',
    heater: '',
    humidity: '%',
    light_ratio: '',
    lux: 'lx'
  };

  constructor(id: string, options: ISimulatedOptions = {}) {
    super(id, 'Simulated classroom');
    this._periodMs = options.periodMs ?? 1000;
    this._random = randomGenerator(options.seed ?? 7);
    this.target = options.target ?? 21;
    this._now = options.now ?? Date.now;
    this._lastStep = this._now();
  }

  /** The heater's target temperature in °C. */
  target: number;

  async start(): Promise<void> {
    if (this._timer !== null) {
      return;
    }
    this._lastStep = this._now();
    this._timer = setInterval(() => this.step(), this._periodMs);
    this.setState('connected');
  }

  async stop(): Promise<void> {
    if (this._timer !== null) {
      clearInterval(this._timer);
      this._timer = null;
    }
    this.setState('stopped');
  }

  /**
   * Understands the lines a thermostat board understands: `target 22.5`.
   * Throws with a message for anything else.
   */
  async send(line: string): Promise<void> {
    const match = /^\s*target\s+(-?\d+(?:\.\d+)?)\s*$/i.exec(line);
    if (!match) {
      throw new Error(`The simulated classroom understands "target 21.5", not "${line}".`);
    }
    this.target = Number(match[1]);
  }

  /** Advance the model to now and emit one reading. */
  step(): IReading {
    const now = this._now();
    const seconds = Math.max(0, Math.min(600, (now - this._lastStep) / 1000));
    this._lastStep = now;
    const noise = () => this._random() - 0.5;

    if (this._temperature < this.target - 0.3) {
      this._heaterOn = true;
    } else if (this._temperature > this.target + 0.3) {
      this._heaterOn = false;
    }
    const heating = this._heaterOn ? 0.02 : 0;
    const loss = 0.0004 * (this._temperature - OUTSIDE_TEMPERATURE);
    this._temperature += (heating - loss) * seconds + noise() * 0.02;

    const hour = new Date(now).getHours() + new Date(now).getMinutes() / 60;
    const daylight = Math.max(0, Math.sin(((hour - 7) / 12) * Math.PI));
    const lightRatio = Math.min(1, Math.max(0, 0.05 + 0.8 * daylight + noise() * 0.04));

    this.countLine([], false);
    return this.emitReading(
      {
        temperature: round(this._temperature, 2),
        // Like the thermostat firmware: the target and the heater (1 on, 0 off) beside the
        // temperature, so a notebook can log and plot what it asked for.
        target: this.target,
        heater: this._heaterOn ? 1 : 0,
        humidity: round(Math.min(100, Math.max(0, 65 - 1.2 * this._temperature + noise())), 1),
        light_ratio: round(lightRatio, 3),
        lux: round(lightRatio * 1200, 1)
      },
      now
    );
  }

  dispose(): void {
    if (this._timer !== null) {
      clearInterval(this._timer);
      this._timer = null;
    }
    super.dispose();
  }

  private _periodMs: number;
  private _random: () => number;
  private _now: () => number;
  private _timer: ReturnType<typeof setInterval> | null = null;
  private _lastStep = 0;
  private _temperature = 19;
  private _heaterOn = false;
}

const OUTSIDE_TEMPERATURE = 8;
