/** One JSON object per line, and the packets MakeCode's radio gateway writes (`{"t":3021,"s":1923449,"n":"temp","v":21}`). */
import { ChannelNames } from './names';
import { trans } from '../../i18n';
import { cut, deviceName, ILineFormat, IParseResult, lineProblem, MAX_NAME, Reading } from './values';

/** Deepest JSON nesting flattened; deeper objects are reported, not walked. */
const MAX_DEPTH = 32;

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** The object a line holds, or null when it is not a JSON object. */
function jsonObject(line: string): Record<string, unknown> | null {
  try {
    const data: unknown = JSON.parse(line);
    return isObject(data) ? data : null;
  } catch {
    return null;
  }
}

/** Keys of a MakeCode radio packet: time (ms), sender's serial number, name, value, buffer. */
const PACKET_KEYS = new Set(['t', 's', 'n', 'v', 'b']);

/** True for an object shaped like a MakeCode radio packet: numbers `t` and `s`, nothing but packet keys. */
export function isRadioPacket(data: Record<string, unknown>): boolean {
  if (typeof data.t !== 'number' || typeof data.s !== 'number') {
    return false;
  }
  for (const key in data) {
    if (!PACKET_KEYS.has(key)) {
      return false;
    }
  }
  return true;
}

/** True when `line` is a MakeCode radio packet. */
export function isRadioPacketLine(line: string): boolean {
  const data = jsonObject(line);
  return data !== null && isRadioPacket(data);
}

/** Why the values under `names` were not read: "not numbers: a, b, c, d, e and 2 more". */
function notNumbersReason(names: string[]): string {
  const shown = names.slice(0, 5).join(', ');
  if (names.length > 5) {
    // TRANSLATORS: %2 is a list of names, %1 how many more names there are.
    return trans._n('not numbers: %2 and %1 more', 'not numbers: %2 and %1 more', names.length - 5, shown);
  }
  // TRANSLATORS: %2 is a name, or a list of names.
  return trans._n('not a number: %2', 'not numbers: %2', names.length, shown);
}

/** Any JSON object: number values under their keys, nested objects as `outer.inner`. */
export class JsonFormat implements ILineFormat {
  isHeader(): boolean {
    return false;
  }

  parse(line: string): IParseResult {
    const data = jsonObject(line);
    if (data === null) {
      return { values: null, bad: [lineProblem(trans.__('not valid JSON'), line)] };
    }
    const reading = new Reading(line);
    const notNumbers: string[] = [];
    const visit = (object: Record<string, unknown>, prefix: string, depth: number) => {
      for (const [key, value] of Object.entries(object)) {
        const name = prefix + key;
        if (isObject(value) && depth < MAX_DEPTH) {
          visit(value, `${name}.`, depth + 1);
          continue;
        }
        if (name === '' || !reading.take()) {
          continue; // {"": 5} has no name to give the value, like ':5'
        }
        if (typeof value === 'number' && Number.isFinite(value)) {
          reading.set(name, value);
        } else {
          notNumbers.push(cut(name, MAX_NAME));
        }
      }
    };
    visit(data, '', 0);
    if (notNumbers.length > 0) {
      reading.problem(notNumbersReason(notNumbers));
    }
    return reading.result();
  }
}

/**
 * MakeCode "write received packet to serial": `n` names the value `v` (a packet
 * without `n` gets the first positional name, `value 1` unless the user named it),
 * `t` is the receiver's clock and is left out, `s` is the sending micro:bit and is
 * given as the result's `sender`, not as a channel. A text packet (`n` without `v`,
 * MakeCode's `radio send string "group 1"`) is the sender's name: the result's `device`.
 */
export class RadioFormat implements ILineFormat {
  constructor(names: ChannelNames) {
    this._names = names;
  }

  isHeader(): boolean {
    return false;
  }

  parse(line: string): IParseResult {
    const data = jsonObject(line);
    if (data === null || !isRadioPacket(data)) {
      const reason = data === null ? trans.__('not valid JSON') : trans.__('not a MakeCode radio packet');
      return { values: null, bad: [lineProblem(reason, line)] };
    }
    const sender = data.s as number;
    const { n: name, v: value } = data;
    const device = deviceName(name);
    if (value === undefined && device !== null && data.b === undefined) {
      return { values: null, bad: [], sender, device };
    }
    if (typeof value !== 'number' || !Number.isFinite(value)) {
      const reason = trans.__('a packet from a micro:bit, not a number');
      return { values: null, bad: [lineProblem(reason, line)], sender };
    }
    const reading = new Reading(line);
    reading.take();
    reading.set(typeof name === 'string' && name !== '' ? name : this._names.name(0), value);
    const result = reading.result();
    result.sender = sender;
    return result;
  }

  private _names: ChannelNames;
}
