/**
 * What every line format shares: the result of reading a line, the checks on numbers
 * and names, and `Reading`, which gathers one line's values and problems.
 */
import { trans } from '../../i18n';

/** A line, or part of one, that could not be read: why, and its text (cut to 200 characters). */
export interface IBadLine {
  reason: string;
  text: string;
}

export interface IParseResult {
  /** The values read, or null when the line held none (a header, a labels-only line, an empty line, or a bad line). */
  values: Record<string, number> | null;
  /** Problems with the line or some of its parts; a line can give values AND bad parts. */
  bad: IBadLine[];
  /** The serial number of the micro:bit that sent a MakeCode radio packet (kept for a class gateway). */
  sender?: number;
  /** The name of the device that sent the line, when it says: the text a micro:bit sent by radio (at most MAX_NAME characters). */
  device?: string;
}

/** One way of printing readings, e.g. Arduino Serial Plotter lines or CSV. */
export interface ILineFormat {
  /** Read one line that is not blank. A header line names the values after it and gives no values. */
  parse(line: string): IParseResult;
  /** True when `line` is a complete header in this format (names only); nothing is changed. */
  isHeader(line: string): boolean;
}

/** Longest text kept in an `IBadLine`, in characters: enough to recognise the line. */
export const MAX_TEXT = 200;
/** Longest channel name, in characters: a name is a column heading, not a message. */
export const MAX_NAME = 64;
/** Most values read from one line: more is a runaway print loop, not a sensor. */
export const MAX_VALUES = 64;
/** The longest device name, in characters as Python counts them (code points). */
export const MAX_DEVICE_NAME_LENGTH = 64;

/**
 * A device's name from what someone typed or a program sent: without spaces around it, cut to
 * MAX_DEVICE_NAME_LENGTH characters (never in the middle of an emoji); null when nothing is left.
 */
export function deviceName(typed: unknown): string | null {
  if (typeof typed !== 'string') {
    return null;
  }
  const name = Array.from(typed.trim()).slice(0, MAX_DEVICE_NAME_LENGTH).join('').trimEnd();
  return name === '' ? null : name;
}

/** Longest value quoted inside a reason, so the reason stays short. */
const MAX_QUOTED = 20;

/** Cut `text` to `max` characters (code points, so no half emoji is left behind). */
export function cut(text: string, max: number): string {
  if (text.length <= max) {
    return text;
  }
  return Array.from(text).slice(0, max).join('');
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
export function toNumber(text: string): number | null {
  if (!numberCharacters(text)) {
    return null;
  }
  const value = Number(text);
  if (!Number.isFinite(value)) {
    return null;
  }
  return value === 0 ? 0 : value;
}

/** The number in `text` written with a decimal comma (`21,5`) or point, or null. */
export function toNumberDecimalComma(text: string): number | null {
  const comma = text.indexOf(',');
  if (comma < 0) {
    return toNumber(text);
  }
  // One comma and no point: '1,234.5' and '1,2,3' are not numbers.
  if (text.indexOf(',', comma + 1) >= 0 || text.includes('.')) {
    return null;
  }
  return toNumber(`${text.slice(0, comma)}.${text.slice(comma + 1)}`);
}

/** What boards print when a sensor fails (Arduino: nan, inf, ovf): a missing value, not a word. */
const SENSOR_FAILURES = new Set(['nan', '-nan', 'inf', '-inf', '+inf', 'ovf', 'infinity', '-infinity']);

/** True for a part that is a word of a message, not a number and not a sensor failure. */
export function isWord(text: string): boolean {
  return toNumber(text) === null && !SENSOR_FAILURES.has(text.toLowerCase());
}

/** Most words in a column name: more is a sentence (`Traceback (most recent call last):`). */
const MAX_NAME_WORDS = 3;

/**
 * True when `text` can be a column name in a header: not a number or a sensor failure,
 * at most three words, none of `= < > { } [ ]` (code, markup or key=value pairs), no
 * ':' before a number (a `label:value` part), and no sentence end (`Starting...`,
 * `Ready!`, `Done?`, `call last):`): a message is never taken for names.
 */
export function isName(text: string): boolean {
  if (text === '' || !isWord(text)) {
    return false;
  }
  const last = text[text.length - 1];
  if (last === '.' || last === '!' || last === '?' || last === ':') {
    return false;
  }
  let words = 1;
  for (let i = 0; i < text.length; i++) {
    const char = text[i];
    if (char === '=' || char === '<' || char === '>' || char === '{' || char === '}' || char === '[' || char === ']') {
      return false;
    }
    if (char === ' ' && text[i + 1] !== ' ' && ++words > MAX_NAME_WORDS) {
      return false;
    }
    if (char === ':' && /[-+.\d]/.test(text[i + 1] ?? '')) {
      return false;
    }
  }
  return true;
}

/** True for '' and lines of white space only; without making a trimmed copy of every line. */
export function isBlank(line: string): boolean {
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

/** `text` in quotes for a reason, cut short so the reason stays short. */
export function quoted(text: string): string {
  return `"${text.length > MAX_QUOTED ? `${cut(text, MAX_QUOTED)}…` : text}"`;
}

/** A problem with the whole line. */
export function lineProblem(reason: string, line: string): IBadLine {
  return { reason, text: cut(line, MAX_TEXT) };
}

/** A line that is a message in words, such as a traceback: reported, never read as numbers. */
export function wordsLine(line: string): IParseResult {
  return { values: null, bad: [lineProblem(trans.__('a message in words, not numbers'), line)] };
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

/**
 * One line's values and problems, gathered part by part.
 *
 * A line with two words or more and more words than numbers is a message
 * (`  File "main.py", line 36, in <module>`): `result()` reports it as a whole and
 * gives no values, so a line number in a traceback never becomes a reading. A single
 * stray word among numbers (`21.5 oops 40`) is a bad part and the numbers are kept.
 */
export class Reading {
  constructor(line: string) {
    this._line = line;
  }

  /** Count one more value of the line; false once there are more than MAX_VALUES. */
  take(): boolean {
    if (++this._count > MAX_VALUES) {
      this._tooMany = true;
      return false;
    }
    return true;
  }

  /** Store a value under `name` (cut to MAX_NAME); -0 becomes 0. */
  set(name: string, value: number): void {
    setValue(this._values, cut(name, MAX_NAME), value === 0 ? 0 : value);
    this._numbers++;
  }

  /** A part that should have been a number: reported; `word` when it is a word of a message. */
  notANumber(text: string, word = false): void {
    // TRANSLATORS: %1 is what the board printed where a number was expected.
    this.problem(trans.__('%1 is not a number', quoted(text)));
    if (word) {
      this.countWords(text);
    }
  }

  /** Count the words of `text` (not its numbers) as words of a message (see the class comment). */
  countWords(text: string): void {
    for (const word of text.split(' ')) {
      if (word !== '' && isWord(word)) {
        this._words++;
      }
    }
  }

  problem(reason: string): void {
    this._bad.push(lineProblem(reason, this._line));
  }

  /** The values or null, and the line-level problems after the part ones. */
  result(): IParseResult {
    if (this._words >= 2 && this._words > this._numbers) {
      return wordsLine(this._line);
    }
    const bad = this._bad;
    if (this._tooMany) {
      const reason = trans._n('more than %1 value in one line', 'more than %1 values in one line', MAX_VALUES);
      bad.push(lineProblem(reason, this._line));
    }
    if (this._numbers === 0) {
      bad.push(lineProblem(trans.__('no numbers in this line'), this._line));
      return { values: null, bad };
    }
    return { values: this._values, bad };
  }

  private _line: string;
  private _values: Record<string, number> = {};
  private _bad: IBadLine[] = [];
  private _count = 0;
  private _numbers = 0;
  private _words = 0;
  private _tooMany = false;
}
