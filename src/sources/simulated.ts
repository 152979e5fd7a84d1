// The simulated classroom: a thermostat-heated room, for lessons without hardware and for tests.
import { SourceBase } from './base';
import { trans } from '../i18n';
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

export const round = (value: number, digits: number): number => Math.round(value * 10 ** digits) / 10 ** digits;

/** How bright the sky is at `now`, 0 (night) to 1 (noon): a sine from 07:00 to 19:00 local time. */
export function daylight(now: number): number {
  const hour = new Date(now).getHours() + new Date(now).getMinutes() / 60;
  return Math.max(0, Math.sin(((hour - 7) / 12) * Math.PI));
}

/** What the simulations share: a model stepped on a timer, from start to stop, and the time between steps. */
export abstract class SimulationSource extends SourceBase {
  constructor(id: string, label: string, options: { periodMs?: number; now?: () => number }) {
    super(id, label);
    this._periodMs = options.periodMs ?? 1000;
    this.now = options.now ?? Date.now;
    this._lastStep = this.now();
  }

  async start(): Promise<void> {
    if (this._timer !== null) {
      return;
    }
    this._lastStep = this.now();
    this._timer = setInterval(() => this.step(), this._periodMs);
    this.setState('connected');
  }

  async stop(): Promise<void> {
    this._stopTimer();
    this.setState('stopped');
  }

  /** Advance the model to now and emit what it gives. */
  abstract step(): unknown;

  dispose(): void {
    this._stopTimer();
    super.dispose();
  }

  /** Seconds since the last step (at most 10 minutes, so a sleeping laptop does not jump the model), and now a step. */
  protected secondsSinceLastStep(now: number): number {
    const seconds = Math.max(0, Math.min(600, (now - this._lastStep) / 1000));
    this._lastStep = now;
    return seconds;
  }

  /** The clock, in epoch milliseconds (replaced in tests). */
  protected readonly now: () => number;

  private _stopTimer(): void {
    if (this._timer !== null) {
      clearInterval(this._timer);
      this._timer = null;
    }
  }

  private _periodMs: number;
  private _timer: ReturnType<typeof setInterval> | null = null;
  private _lastStep: number;
}

/**
 * A classroom with a thermostat: a heater switches on below the target and off above
 * it (both reported as channels, as the thermostat firmware prints them), the room
 * loses heat to the outside, humidity falls as the air warms, and light follows the
 * time of day. For classes without hardware, the demo and the tests.
 */
export class SimulatedSource extends SimulationSource {
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
    super(id, trans.__('Simulated classroom'), options);
    this._random = randomGenerator(options.seed ?? 7);
    this.target = options.target ?? 21;
  }

  /** The heater's target temperature in °C. */
  target: number;

  /**
   * Understands the lines a thermostat board understands: `target 22.5`.
   * Throws with a message for anything else.
   */
  async send(line: string): Promise<void> {
    const match = /^\s*target\s+(-?\d+(?:\.\d+)?)\s*$/i.exec(line);
    if (!match) {
      // TRANSLATORS: %1 is the line a notebook sent; "target 21.5" is a command, not words to translate.
      throw new Error(trans.__('The simulated classroom understands "target 21.5", not "%1".', line));
    }
    this.target = Number(match[1]);
  }

  /** Advance the model to now and emit one reading. */
  step(): IReading {
    const now = this.now();
    const seconds = this.secondsSinceLastStep(now);
    const noise = () => this._random() - 0.5;

    if (this._temperature < this.target - 0.3) {
      this._heaterOn = true;
    } else if (this._temperature > this.target + 0.3) {
      this._heaterOn = false;
    }
    const heating = this._heaterOn ? 0.02 : 0;
    const loss = 0.0004 * (this._temperature - OUTSIDE_TEMPERATURE);
    this._temperature += (heating - loss) * seconds + noise() * 0.02;

    const lightRatio = Math.min(1, Math.max(0, 0.05 + 0.8 * daylight(now) + noise() * 0.04));

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

  private _random: () => number;
  private _temperature = 19;
  private _heaterOn = false;
}

const OUTSIDE_TEMPERATURE = 8;
