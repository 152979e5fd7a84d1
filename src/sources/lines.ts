/**
 * From the bytes a USB serial device prints to named numbers.
 *
 * Two steps, so each can be tested alone: `LineFramer` cuts the byte stream into
 * text lines (whatever the chunk boundaries were), `LineParser` reads each line in
 * one of the formats classroom boards print. Problems are reported, never thrown:
 * a pupil's sketch prints all sorts of things and the log must keep going.
 */

export type LineFormat = 'auto' | 'plotter' | 'csv' | 'json';

/** A line, or part of one, that could not be read: why, and its text (cut to 200 characters). */
export interface IBadLine {
  reason: string;
  text: string;
}

/** Longest text kept in an `IBadLine`, in characters: enough to recognise the line. */
const MAX_TEXT = 200;
/** Longest channel name, in characters: a name is a column heading, not a message. */
const MAX_NAME = 64;
/** Most values read from one line: more is a runaway print loop, not a sensor. */
const MAX_VALUES = 64;
/** Deepest JSON nesting flattened; deeper objects are reported, not walked. */
const MAX_DEPTH = 32;
/** Longest value quoted inside a reason, so the reason stays short. */
const MAX_QUOTED = 20;

const LF = 0x0a;
const CR = 0x0d;

/** Cut `text` to `max` characters (code points, so no half emoji is left behind). */
function cut(text: string, max: number): string {
  if (text.length <= max) {
    return text;
  }
  return Array.from(text).slice(0, max).join('');
}

/**
 * Decode bytes for showing them in a report: bad bytes become U+FFFD. Only the
 * bytes that can make the first `MAX_TEXT` characters are decoded (each character
 * takes at most 4 bytes), so a long line costs no more than a short one.
 * `cutShort`: the bytes were cut from a longer line, so a character cut in half at
 * their end is left out rather than shown as U+FFFD.
 */
function lenientText(bytes: Uint8Array, cutShort = false): string {
  const limit = 4 * MAX_TEXT;
  const stream = cutShort || bytes.length > limit;
  return cut(
    new TextDecoder('utf-8').decode(bytes.subarray(0, limit), { stream }),
    MAX_TEXT
  );
}

/** How a too-long line is described: '4 KiB' reads better than '4096 bytes'. */
function sizeText(bytes: number): string {
  return bytes % 1024 === 0 ? `${bytes / 1024} KiB` : `${bytes} bytes`;
}

/**
 * Splits a byte stream into lines.
 *
 * A line may hold at most maxLineBytes - 1 bytes before its `\n` (the `\r` of `\r\n`
 * counts): the moment a line reaches maxLineBytes it is reported and skipped, so the
 * result is the same whatever the chunk boundaries, and memory stays bounded.
 */
export class LineFramer {
  constructor(options: { maxLineBytes?: number; dropFirstLine?: boolean } = {}) {
    const max = options.maxLineBytes ?? 4096;
    this._max = Number.isFinite(max) ? Math.max(1, Math.floor(max)) : 4096;
    this._dropFirstLine = options.dropFirstLine ?? true;
    this._skipping = this._dropFirstLine;
    this._tooLong = `longer than ${sizeText(this._max)} without a line end`;
    // Grown on demand up to maxLineBytes: most lines are short.
    this._buffer = new Uint8Array(Math.min(this._max, 256));
  }

  /** Bytes of the unfinished line held between chunks; always below maxLineBytes. */
  get bufferedBytes(): number {
    return this._length;
  }

  /** Feed a chunk; returns the complete lines it finished (decoded, without \n or \r\n) and the bad ones. */
  push(chunk: Uint8Array): { lines: string[]; bad: IBadLine[] } {
    const lines: string[] = [];
    const bad: IBadLine[] = [];
    // Whole lines of this chunk in a row, [runStart, runEnd): one decoder call for all of
    // them, not one per line (this runs for every line a board prints).
    let runStart = -1;
    let runEnd = -1;
    const decodeRun = () => {
      if (runStart >= 0) {
        this._decodeLines(chunk.subarray(runStart, runEnd), lines, bad);
        runStart = -1;
      }
    };
    let start = 0;
    while (start < chunk.length) {
      const newline = chunk.indexOf(LF, start);
      const end = newline < 0 ? chunk.length : newline;
      if (this._skipping) {
        // The first (maybe partial) line, or the rest of a too-long one.
        if (newline < 0) {
          break;
        }
        this._skipping = false;
        start = newline + 1;
        continue;
      }
      const room = this._max - this._length;
      if (end - start >= room) {
        decodeRun();
        // The line reaches maxLineBytes without a line end: report it once, then
        // skip to the next line end without keeping the bytes.
        this._append(chunk.subarray(start, start + room));
        bad.push({
          reason: this._tooLong,
          text: lenientText(this._buffer.subarray(0, this._length), true)
        });
        this._length = 0;
        if (newline < 0) {
          this._skipping = true;
          break;
        }
        start = newline + 1;
        continue;
      }
      if (newline < 0) {
        this._append(chunk.subarray(start));
        break;
      }
      if (this._length === 0) {
        if (runStart < 0) {
          runStart = start;
        }
        runEnd = newline;
      } else {
        // The end of a line begun in an earlier chunk.
        this._append(chunk.subarray(start, end));
        this._decodeLine(this._buffer.subarray(0, this._length), lines, bad);
        this._length = 0;
      }
      start = newline + 1;
    }
    decodeRun();
    return { lines, bad };
  }

  /** Forget any partial line, and drop the next line again if dropFirstLine (after a reconnect). */
  reset(): void {
    this._length = 0;
    this._skipping = this._dropFirstLine;
  }

  /** Lines separated by \n, decoded in one call; line by line only if one is not UTF-8. */
  private _decodeLines(bytes: Uint8Array, lines: string[], bad: IBadLine[]): void {
    let text: string;
    try {
      text = this._decoder.decode(bytes);
    } catch {
      // Only the lines that are not UTF-8 are reported; a \n is never inside a character.
      let from = 0;
      for (;;) {
        const newline = bytes.indexOf(LF, from);
        this._decodeLine(bytes.subarray(from, newline < 0 ? bytes.length : newline), lines, bad);
        if (newline < 0) {
          return;
        }
        from = newline + 1;
      }
    }
    for (const line of text.split('\n')) {
      lines.push(line.endsWith('\r') ? line.slice(0, -1) : line);
    }
  }

  /** One line's bytes, without its \n: its text, or a report when it is not UTF-8. */
  private _decodeLine(bytes: Uint8Array, lines: string[], bad: IBadLine[]): void {
    if (bytes.length > 0 && bytes[bytes.length - 1] === CR) {
      bytes = bytes.subarray(0, bytes.length - 1);
    }
    try {
      lines.push(this._decoder.decode(bytes));
    } catch {
      bad.push({ reason: 'not UTF-8 text', text: lenientText(bytes) });
    }
  }

  /** Add bytes to the unfinished line; callers keep the total within maxLineBytes. */
  private _append(bytes: Uint8Array): void {
    const needed = this._length + bytes.length;
    if (needed > this._buffer.length) {
      let size = this._buffer.length * 2;
      while (size < needed) {
        size *= 2;
      }
      const grown = new Uint8Array(Math.min(size, this._max));
      grown.set(this._buffer.subarray(0, this._length));
      this._buffer = grown;
    }
    this._buffer.set(bytes, this._length);
    this._length = needed;
  }

  private _max: number;
  private _dropFirstLine: boolean;
  private _tooLong: string;
  private _buffer: Uint8Array;
  private _length = 0;
  /** Discarding bytes up to the next line end. */
  private _skipping: boolean;
  private _decoder = new TextDecoder('utf-8', { fatal: true });
}

export interface IParseResult {
  /** The values read, or null when the line held none (a header, a labels-only line, an empty line, or a bad line). */
  values: Record<string, number> | null;
  /** Problems with the line or some of its parts; a line can give values AND bad parts. */
  bad: IBadLine[];
}

/**
 * True when `text` is made only of the characters of a decimal number: digits, signs,
 * '.', 'e' and 'E'. `Number()` alone would also take '', ' 1', '0x1F', '0b1' and
 * 'Infinity'; limited to these characters it takes exactly JavaScript's decimal number
 * syntax and gives NaN for the rest ('1.2.3', '1e', '+-1'). A loop, not a regular
 * expression: this runs for every value of every line.
 */
function numberCharacters(text: string): boolean {
  if (text.length === 0) {
    return false;
  }
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    // 0-9, '+', '-', '.', 'e', 'E'
    if (!((code >= 48 && code <= 57) || code === 43 || code === 45 || code === 46 || code === 101 || code === 69)) {
      return false;
    }
  }
  return true;
}

/** The number `text` spells, or null; -0 becomes 0 so a sheet never shows "-0". */
function toNumber(text: string): number | null {
  if (!numberCharacters(text)) {
    return null;
  }
  const value = Number(text);
  if (!Number.isFinite(value)) {
    return null;
  }
  return value === 0 ? 0 : value;
}

/** Store a value; '__proto__' from a device is a channel name like any other. */
function setValue(values: Record<string, number>, name: string, value: number): void {
  if (name === '__proto__') {
    Object.defineProperty(values, name, {
      value,
      enumerable: true,
      writable: true,
      configurable: true
    });
  } else {
    values[name] = value;
  }
}

function notANumber(text: string, line: string): IBadLine {
  const shown = text.length > MAX_QUOTED ? `${cut(text, MAX_QUOTED)}…` : text;
  return { reason: `"${shown}" is not a number`, text: cut(line, MAX_TEXT) };
}

function lineProblem(reason: string, line: string): IBadLine {
  return { reason, text: cut(line, MAX_TEXT) };
}

const NO_NUMBERS = 'no numbers in this line';
const TOO_MANY = `more than ${MAX_VALUES} values in one line`;

/** Split a CSV line into fields: double quotes group, "" is a quote, spaces around are trimmed. */
function csvFields(line: string): string[] {
  const fields: string[] = [];
  let i = 0;
  for (;;) {
    let field = '';
    while (i < line.length && line[i] !== ',') {
      if (line[i] === '"') {
        i++;
        while (i < line.length) {
          if (line[i] === '"') {
            if (line[i + 1] === '"') {
              field += '"';
              i += 2;
              continue;
            }
            i++;
            break;
          }
          field += line[i++];
        }
      } else {
        field += line[i++];
      }
    }
    fields.push(field.trim());
    if (i >= line.length) {
      return fields;
    }
    i++;
  }
}

/** True for '' and lines of white space only; without making a trimmed copy of every line. */
function isBlank(line: string): boolean {
  for (let i = 0; i < line.length; i++) {
    const code = line.charCodeAt(i);
    if (code > 127) {
      return line.trim() === ''; // Unicode spaces: trim() knows them all
    }
    // space, \t, \n, \v, \f, \r
    if (code !== 32 && (code < 9 || code > 13)) {
      return false;
    }
  }
  return true;
}

/** The parts of a Serial Plotter line: runs of text between spaces, tabs and commas. */
function plotterParts(line: string): string[] {
  const parts: string[] = [];
  let start = -1;
  for (let i = 0; i <= line.length; i++) {
    const code = i < line.length ? line.charCodeAt(i) : 32;
    // ' ', '\t', ','
    if (code === 32 || code === 9 || code === 44) {
      if (start >= 0) {
        parts.push(line.slice(start, i));
        start = -1;
      }
    } else if (start < 0) {
      start = i;
    }
  }
  return parts;
}

/**
 * What 'auto' makes of the first non-empty line:
 * - it starts with '{' → 'json';
 * - it has a ',' and, outside double quotes, no space, tab or ':' → 'csv'
 *   (a ':' would be a plotter `label:value` part);
 * - anything else → 'plotter', the format most classroom sketches print.
 */
function detectFormat(line: string): LineFormat {
  const text = line.trim();
  if (text.startsWith('{')) {
    return 'json';
  }
  let quoted = false;
  let comma = false;
  for (const char of text) {
    if (char === '"') {
      quoted = !quoted;
    } else if (!quoted) {
      if (char === ',') {
        comma = true;
      } else if (char === ' ' || char === '\t' || char === ':') {
        return 'plotter';
      }
    }
  }
  return comma ? 'csv' : 'plotter';
}

/**
 * Reads lines in one of the common formats; remembers header names per device.
 *
 * - 'plotter': the Arduino Serial Plotter protocol: parts separated by spaces, tabs or
 *   commas; `label:value` parts, values named by position, lines of labels only
 *   (`temp:\thumidity:`) and headers of plain words (`temp humidity`) that name the
 *   positional values after them.
 * - 'csv': a header of names, then rows; empty fields are missing values.
 * - 'json': one object per line; nested objects become `outer.inner` names.
 * - 'auto': the first non-empty line decides, and the decision stays (see
 *   `detectFormat`): '{' at the start → json; commas and no spaces, tabs or `:` → csv;
 *   else plotter. A header printed once at start-up is remembered either way.
 *
 * One parser per device: its names come from that device's header lines.
 */
export class LineParser {
  constructor(options: { format?: LineFormat; channels?: string[] } = {}) {
    this._format = options.format ?? 'auto';
    this._channels = (options.channels ?? []).map(name =>
      cut(String(name).trim(), MAX_NAME)
    );
    this._updateNames();
  }

  /** The format in use: the chosen one, or what 'auto' detected ('auto' until a line decides it). */
  get format(): LineFormat {
    return this._format;
  }

  /** Current names for positional values (user's channels first, else the last header/labels line seen). */
  get names(): ReadonlyArray<string> {
    return this._names;
  }

  parse(line: string): IParseResult {
    if (isBlank(line)) {
      return { values: null, bad: [] };
    }
    if (this._format === 'auto') {
      this._format = detectFormat(line);
    }
    switch (this._format) {
      case 'json':
        return this._parseJson(line);
      case 'csv':
        return this._parseCsv(line);
      default:
        return this._parsePlotter(line);
    }
  }

  private _parsePlotter(line: string): IParseResult {
    const parts = plotterParts(line);
    if (parts.length === 0) {
      return { values: null, bad: [] }; // only separators
    }
    const labelsOnly: string[] = [];
    const items: { label: string | null; text: string; value: number | null }[] = [];
    let allPlainWords = true;
    for (const part of parts) {
      const colon = part.indexOf(':');
      if (colon < 0) {
        const value = toNumber(part);
        items.push({ label: null, text: part, value });
        if (value !== null) {
          allPlainWords = false;
        }
        continue;
      }
      allPlainWords = false;
      const label = part.slice(0, colon);
      const text = part.slice(colon + 1);
      if (label === '') {
        continue; // ':5' has no name to give the value: dropped, as the plotter does
      }
      if (text === '') {
        labelsOnly.push(label);
        continue;
      }
      items.push({ label, text, value: toNumber(text) });
    }

    if (items.length === 0 && labelsOnly.length > 0) {
      // `temp:\thumidity:` names the positional values that follow.
      this._setHeader(labelsOnly);
      return { values: null, bad: [] };
    }
    if (allPlainWords && items.length > 0) {
      // `temp\thumidity`: a header of plain labels.
      this._setHeader(items.map(item => item.text));
      return { values: null, bad: [] };
    }

    const values: Record<string, number> = {};
    const bad: IBadLine[] = [];
    let position = 0;
    let count = 0;
    let tooMany = false;
    for (const item of items) {
      const name =
        item.label === null ? this._name(position++) : cut(item.label, MAX_NAME);
      if (++count > MAX_VALUES) {
        tooMany = true;
        continue;
      }
      if (item.value === null) {
        bad.push(notANumber(item.text, line));
      } else {
        setValue(values, name, item.value);
      }
    }
    return this._result(values, bad, tooMany, line);
  }

  private _parseCsv(line: string): IParseResult {
    const fields = csvFields(line);
    const filled = fields.filter(field => field !== '');
    if (filled.length === 0) {
      return { values: null, bad: [] }; // ',,': every value missing
    }
    if (filled.every(field => toNumber(field) === null)) {
      this._setHeader(fields);
      return { values: null, bad: [] };
    }
    const values: Record<string, number> = {};
    const bad: IBadLine[] = [];
    let count = 0;
    let tooMany = false;
    fields.forEach((field, index) => {
      if (field === '') {
        return;
      }
      if (++count > MAX_VALUES) {
        tooMany = true;
        return;
      }
      const value = toNumber(field);
      if (value === null) {
        bad.push(notANumber(field, line));
      } else {
        setValue(values, this._name(index), value);
      }
    });
    return this._result(values, bad, tooMany, line);
  }

  private _parseJson(line: string): IParseResult {
    let data: unknown;
    try {
      data = JSON.parse(line);
    } catch {
      data = undefined;
    }
    if (!isObject(data)) {
      return { values: null, bad: [lineProblem('not valid JSON', line)] };
    }
    const values: Record<string, number> = {};
    const notNumbers: string[] = [];
    let count = 0;
    let tooMany = false;
    const visit = (object: Record<string, unknown>, prefix: string, depth: number) => {
      for (const [key, value] of Object.entries(object)) {
        const name = prefix + key;
        if (isObject(value) && depth < MAX_DEPTH) {
          visit(value, `${name}.`, depth + 1);
          continue;
        }
        if (name === '') {
          continue; // {"": 5} has no name to give the value, like ':5'
        }
        if (++count > MAX_VALUES) {
          tooMany = true;
          continue;
        }
        if (typeof value === 'number' && Number.isFinite(value)) {
          setValue(values, cut(name, MAX_NAME), value === 0 ? 0 : value);
        } else {
          notNumbers.push(cut(name, MAX_NAME));
        }
      }
    };
    visit(data, '', 0);
    const bad: IBadLine[] = [];
    if (notNumbers.length > 0) {
      const shown = notNumbers.slice(0, 5).join(', ');
      const more = notNumbers.length > 5 ? ` and ${notNumbers.length - 5} more` : '';
      const what = notNumbers.length === 1 ? 'not a number' : 'not numbers';
      bad.push(lineProblem(`${what}: ${shown}${more}`, line));
    }
    return this._result(values, bad, tooMany, line);
  }

  /** The common ending: values or null, and the line-level problems after the part ones. */
  private _result(
    values: Record<string, number>,
    bad: IBadLine[],
    tooMany: boolean,
    line: string
  ): IParseResult {
    if (tooMany) {
      bad.push(lineProblem(TOO_MANY, line));
    }
    if (Object.keys(values).length === 0) {
      bad.push(lineProblem(NO_NUMBERS, line));
      return { values: null, bad };
    }
    return { values, bad };
  }

  /** The name of the positional value at `index` (0-based). */
  private _name(index: number): string {
    return this._channels[index] || this._header[index] || `value ${index + 1}`;
  }

  private _setHeader(names: string[]): void {
    this._header = names.map(name => cut(name, MAX_NAME));
    this._updateNames();
  }

  private _updateNames(): void {
    const length = Math.max(this._channels.length, this._header.length);
    const names: string[] = [];
    for (let index = 0; index < length; index++) {
      names.push(this._name(index));
    }
    this._names = Object.freeze(names);
  }

  private _format: LineFormat;
  private _channels: string[];
  private _header: string[] = [];
  private _names: ReadonlyArray<string> = [];
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
