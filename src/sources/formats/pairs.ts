/** Lines of named values as people print them: `Temperature: 21.5` (Python's print, Arduino strings) and `temp=21.5 hum=40`. */
import { ILineFormat, IParseResult, isWord, lineProblem, quoted, Reading, toNumber, toNumberDecimalComma } from './values';

/** Longest text after the last value that is taken for a unit (`°C`, `%`, `lux`) and left out. */
const MAX_UNIT = 8;

/** True for ' ', '\t', ',' and ';', the characters between pairs. */
function isPairSeparator(char: string): boolean {
  return char === ' ' || char === '\t' || char === ',' || char === ';';
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

/** True for text after the last value that is a unit: one short word without digits. */
function isUnit(text: string): boolean {
  return text.length <= MAX_UNIT && !/[\s\d]/.test(text);
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
    this._example = mark === ':' ? 'name: value' : 'name=value';
  }

  isHeader(): boolean {
    return false; // these lines name each value themselves
  }

  parse(line: string): IParseResult {
    let mark = line.indexOf(this._mark);
    if (mark < 0) {
      return { values: null, bad: [lineProblem(`no ${this._example} in this line`, line)] };
    }
    const decimalComma = line.includes(';');
    const reading = new Reading(line);
    let name = nameBefore(line.slice(0, mark));
    while (mark >= 0) {
      let start = mark + 1;
      while (start < line.length && (line[start] === ' ' || line[start] === '\t')) {
        start++;
      }
      let end = start;
      while (end < line.length && !(isPairSeparator(line[end]) && !(decimalComma && line[end] === ','))) {
        end++;
      }
      const text = line.slice(start, end);
      mark = line.indexOf(this._mark, end);
      const rest = line.slice(end, mark < 0 ? line.length : mark);
      if (name !== '' && text !== '' && reading.take()) {
        const value = decimalComma ? toNumberDecimalComma(text) : toNumber(text);
        if (value === null) {
          reading.notANumber(text, isWord(text));
        } else {
          reading.set(name, value);
        }
      }
      if (mark < 0) {
        const tail = rest.replace(/^[\s,;]+/, '').trimEnd();
        if (tail !== '' && !isUnit(tail)) {
          reading.problem(`${quoted(tail)} is not a ${this._example} pair`);
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
