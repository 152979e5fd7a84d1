/** Python tuples and lists, `(21.5, 40)` and `[21.5, 40]`: what Mu's plotter reads and CircuitPython guides print. */
import { trans } from '../../i18n';
import { ChannelNames, readRow } from './names';
import { ILineFormat, IParseResult, lineProblem, toNumber } from './values';

/** The quoted text of a Python string element (`'temp'` or `"temp"`), or null. */
function stringElement(text: string): string | null {
  const quote = text[0];
  if (text.length >= 2 && (quote === "'" || quote === '"') && text[text.length - 1] === quote) {
    return text.slice(1, -1);
  }
  return null;
}

/** The elements between the brackets, trimmed; null when the line is not one tuple or list. */
function elements(line: string): string[] | null {
  const text = line.trim();
  const open = text[0];
  const close = text[text.length - 1];
  if (!((open === '(' && close === ')') || (open === '[' && close === ']'))) {
    return null;
  }
  const inner = text
    .slice(1, -1)
    .split(',')
    .map(element => element.trim());
  if (inner.length > 1 && inner[inner.length - 1] === '') {
    inner.pop(); // Python writes a one-element tuple as (21.5,)
  }
  return inner;
}

/**
 * Values named by position (the user's channels, else a header, else `value 1`, ...).
 * A tuple of strings only, `('temp', 'humidity')`, is a header.
 */
export class TupleFormat implements ILineFormat {
  constructor(names: ChannelNames) {
    this._names = names;
  }

  isHeader(line: string): boolean {
    return this._header(elements(line)) !== null;
  }

  parse(line: string): IParseResult {
    const items = elements(line);
    if (items === null) {
      return { values: null, bad: [lineProblem(trans.__('not a tuple like (21.5, 40)'), line)] };
    }
    const header = this._header(items);
    if (header !== null) {
      this._names.setHeader(header);
      return { values: null, bad: [] };
    }
    return readRow(line, items, this._names, toNumber);
  }

  private _header(items: string[] | null): string[] | null {
    const names = items?.map(stringElement);
    return names && names.length > 0 && names.every(name => name) ? (names as string[]) : null;
  }

  private _names: ChannelNames;
}
