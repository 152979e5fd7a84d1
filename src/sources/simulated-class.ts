// A simulated class of micro:bits sending by radio to a gateway, read as a real gateway's USB lines are.
import { LineParser } from './lines';
import { trans } from '../i18n';
import { daylight, randomGenerator, SimulationSource } from './simulated';

export interface ISimulatedClassOptions {
  /** Milliseconds between two sends of every micro:bit (default 1000). */
  periodMs?: number;
  /** How many groups, each with its micro:bit (default 30). */
  groups?: number;
  /** Seed of the noise, so a run can be repeated exactly. */
  seed?: number;
  /** The clock, in epoch milliseconds (replaced in tests). */
  now?: () => number;
}

/** A micro:bit sends its name with every this many sends, so a gateway plugged in later learns it soon. */
export const NAME_EVERY = 10;

/** Serial numbers are drawn from this seed alone: the same for every page and every run, so a group's device stays the same. */
const SERIAL_SEED = 0x5e5a1;

/** The serial numbers of groups 1..count: signed 32-bit numbers, as MakeCode sends them, all different. */
export function classSerialNumbers(count: number): number[] {
  const random = randomGenerator(SERIAL_SEED);
  const serials = new Set<number>();
  while (serials.size < count) {
    serials.add(Math.floor(random() * 2 ** 32) - 2 ** 31);
  }
  return [...serials];
}

/** One group's micro:bit: where it sits makes it warmer or cooler, and brighter or darker, than the others. */
interface IGroupMicrobit {
  serial: number;
  name: string;
  /** °C above (or below) the room's temperature at its place: a radiator, a window. */
  offset: number;
  /** How much of the daylight reaches it, 0.3 to 1.2. */
  window: number;
  /** Its temperature now, in °C (it reports whole degrees, as a micro:bit does). */
  temperature: number;
  sends: number;
}

/**
 * A class of micro:bits (groups 1..30), each sending its temperature, light level and
 * name by radio, and the teacher's micro:bit writing what it receives to USB as
 * MakeCode's "write received packet to serial" does. Those lines are read by the same
 * line parser as a real gateway's, so each group becomes a device `microbit-<serial>`
 * named "group N". For lessons without a class set of micro:bits, and for tests.
 */
export class SimulatedClassSource extends SimulationSource {
  readonly transport = 'simulated-class' as const;
  readonly units = { temp: '°C', light: '' };

  constructor(id: string, options: ISimulatedClassOptions = {}) {
    const groups = options.groups ?? 30;
    super(id, trans._n('Simulated class (%1 micro:bit)', 'Simulated class (%1 micro:bits)', groups), options);
    this._random = randomGenerator(options.seed ?? 11);
    this._started = this.now();
    const room = roomTemperature(this._started);
    this._microbits = classSerialNumbers(groups).map((serial, index) => {
      const offset = (this._random() - 0.5) * 4;
      return {
        serial,
        name: `group ${index + 1}`,
        offset,
        window: 0.3 + this._random() * 0.9,
        temperature: room + offset,
        sends: 0
      };
    });
  }

  /** Nothing can be sent to the class's micro:bits from here. */
  async send(line: string): Promise<void> {
    // TRANSLATORS: %1 is the line a notebook sent.
    throw new Error(trans.__('The simulated class of micro:bits only sends readings; it cannot take "%1".', line));
  }

  /** Every micro:bit sends once, in a random order as radio packets arrive; returns the gateway's lines. */
  step(): string[] {
    const now = this.now();
    const seconds = this.secondsSinceLastStep(now);
    const room = roomTemperature(now);
    const sky = daylight(now);
    const lines: string[] = [];
    for (const microbit of this._shuffled()) {
      // Towards the temperature at its place, over about ten minutes, with a little noise.
      const settle = Math.min(1, seconds / 600);
      microbit.temperature += (room + microbit.offset - microbit.temperature) * settle + this._noise() * 0.1;
      const light = 255 * Math.min(1, 0.04 + sky * microbit.window) + this._noise() * 6;
      const t = now - this._started;
      const s = microbit.serial;
      if (microbit.sends++ % NAME_EVERY === 0) {
        lines.push(JSON.stringify({ t, s, n: microbit.name }));
      }
      lines.push(JSON.stringify({ t, s, n: 'temp', v: Math.round(microbit.temperature) }));
      lines.push(JSON.stringify({ t, s, n: 'light', v: Math.round(Math.min(255, Math.max(0, light))) }));
    }
    for (const line of lines) {
      this.readLine(this._gateway, line, now);
    }
    return lines;
  }

  private _noise(): number {
    return this._random() - 0.5;
  }

  private _shuffled(): IGroupMicrobit[] {
    const order = [...this._microbits];
    for (let i = order.length - 1; i > 0; i--) {
      const j = Math.floor(this._random() * (i + 1));
      [order[i], order[j]] = [order[j], order[i]];
    }
    return order;
  }

  private _random: () => number;
  private _started: number;
  private _microbits: IGroupMicrobit[];
  /** The gateway's lines are MakeCode radio packets: read as a serial gateway's are with format 'radio'. */
  private _gateway = new LineParser({ format: 'radio' });
}

/** The classroom's air: 19 °C at night, up to 22 °C in the afternoon sun. */
function roomTemperature(now: number): number {
  return 19 + 3 * daylight(now);
}
