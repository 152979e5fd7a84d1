/** Lines of named values as people print them: `Temperature: 21.5` (Python's print, Arduino strings) and `temp=21.5 hum=40`. */
import { trans } from '../../i18n';
import {
  ILineFormat,
  IParseResult,
  isWord,
  lineProblem,
  quoted,
  Reading,
  toNumber,
  toNumberDecimalComma
} from './values';

/** Longest text after the last value that is taken for a unit (`°C`, `%`, `degrees Celsius`) and left out. */
const MAX_UNIT = 20;

/**
 * Where the value starting at `start` ends: at a space, tab, ';' or ','. With decimal
 * commas a ',' before a digit is part of the value (`21,5`), one before a name is not
 * (`2,c=3`).
 */
function valueEnd(text: string, start: number, decimalComma: boolean): number {
  let end = start;
  for (; end < text.length; end++) {
    const char = text[end];
    if (char === ' ' || char === '\t' || char === ';') {
      break;
    }
    if (char === ',') {
      const next = text.charCodeAt(end + 1);
      if (!(decimalComma && next >= 48 && next <= 57)) {
        break;
      }
    }
  }
  return end;
}

/**
 * The name in the text before a `:` or `=`: the text after its last ',', ';' or tab
 * (`21.5 °C, Humidity` → `Humidity`, so a unit after a value is not taken into the next
 * name), trimmed. A name may have spaces: `Room temperature: 21.5`.
 */
function nameBefore(text: string): string {
  let start = 0;
  for (let i = text.length - 1; i >= 0; i--) {
    const char = text[i];
    if (char === ',' || char === ';' || char === '\t') {
      start = i + 1;
      break;
    }
  }
  return text.slice(start).trim();
}

/** True for text after the last value that is a unit: at most two short words, no digits. */
function isUnit(text: string): boolean {
  return text.length <= MAX_UNIT && !/\d/.test(text) && text.split(/\s+/).length <= 2;
}

/**
 * `name<mark>value` pairs, `mark` ':' or '='. Spaces may follow the mark; a name runs
 * from the previous value (or the line's start) to the mark. Pairs are separated by
 * spaces, tabs, commas or semicolons; in a line with a ';' a comma in a value is a
 * decimal comma (`temp=21,5; hum=40,2`). A short unit after the last value is left out.
 */
export class PairsFormat implements ILineFormat {
  constructor(mark: ':' | '=') {
    this._mark = mark;
    // TRANSLATORS: how a board writes a named value; translate the words, keep the ':' or '='.
    this._example = mark === ':' ? trans.__('name: value') : trans.__('name=value');
  }

  isHeader(): boolean {
    return false; // these lines name each value themselves
  }

  parse(line: string): IParseResult {
    const segments = line.split(this._mark);
    if (segments.length === 1) {
      // TRANSLATORS: %1 is how a board writes a named value: "name: value" or "name=value".
      return { values: null, bad: [lineProblem(trans.__('no %1 in this line', this._example), line)] };
    }
    const decimalComma = line.includes(';');
    const reading = new Reading(line);
    let name = nameBefore(segments[0]);
    for (let k = 1; k < segments.length; k++) {
      const segment = segments[k];
      const last = k === segments.length - 1;
      let start = 0;
      while (start < segment.length && (segment[start] === ' ' || segment[start] === '\t')) {
        start++;
      }
      const end = valueEnd(segment, start, decimalComma);
      // `temp: hum: 40`: a single word right before the next mark is the next name, and
      // `temp` has no value.
      const valueText = !last && end === segment.length ? '' : segment.slice(start, end);
      const rest = valueText === '' ? segment : segment.slice(end);
      if (name !== '' && valueText !== '' && reading.take()) {
        const value = decimalComma ? toNumberDecimalComma(valueText) : toNumber(valueText);
        if (value === null) {
          reading.notANumber(valueText, isWord(valueText));
        } else {
          reading.set(name, value);
        }
      }
      if (last) {
        const tail = rest.replace(/^[\s,;]+/, '').trimEnd();
        if (tail !== '' && !isUnit(tail)) {
          // TRANSLATORS: %1 is what the board printed, %2 how a board writes a named value: "name: value".
          reading.problem(trans.__('%1 is not a %2 pair', quoted(tail), this._example));
          reading.countWords(tail);
        }
      }
      name = nameBefore(rest);
    }
    return reading.result();
  }

  private _mark: ':' | '=';
  /** How a pair is written, for the reasons. */
  private _example: string;
}
