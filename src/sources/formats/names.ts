/** The names of a device's values that are printed without labels: the user's first, then the last header's. */
import { cut, IParseResult, isWord, MAX_NAME, Reading } from './values';

/**
 * One per device, shared by the formats: a header line in any of them names the
 * positional values after it, and the user's `channels` win over the header.
 */
export class ChannelNames {
  constructor(channels: string[] = []) {
    this._channels = channels.map(name => cut(String(name).trim(), MAX_NAME));
    this._update();
  }

  /** Current names for positional values (user's channels first, else the last header seen). */
  get all(): ReadonlyArray<string> {
    return this._all;
  }

  /** The name of the positional value at `index` (0-based). */
  name(index: number): string {
    // `value 1` is a channel name, a column of the sheet: the same in every language.
    return this._channels[index] || this._header[index] || `value ${index + 1}`;
  }

  setHeader(names: string[]): void {
    this._header = names.map(name => cut(name, MAX_NAME));
    this._update();
  }

  private _update(): void {
    const length = Math.max(this._channels.length, this._header.length);
    const all: string[] = [];
    for (let index = 0; index < length; index++) {
      all.push(this.name(index));
    }
    this._all = Object.freeze(all);
  }

  private _channels: string[];
  private _header: string[] = [];
  private _all: ReadonlyArray<string> = [];
}

/**
 * A row of values named by position (CSV fields, tuple elements): an empty field is a
 * missing value, a field `number` cannot read is a bad part.
 */
export function readRow(
  line: string,
  row: string[],
  names: ChannelNames,
  number: (text: string) => number | null
): IParseResult {
  const reading = new Reading(line);
  row.forEach((field, index) => {
    if (field === '' || !reading.take()) {
      return;
    }
    const value = number(field);
    if (value === null) {
      reading.notANumber(field, isWord(field));
    } else {
      reading.set(names.name(index), value);
    }
  });
  return reading.result();
}
