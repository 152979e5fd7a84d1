/** Spreadsheet-style lines: CSV (`21.5,40`) and `;`-separated with decimal commas (`21,5;40,2`), each after an optional header. */
import { ChannelNames, readRow } from './names';
import { ILineFormat, IParseResult, isName, toNumber, toNumberDecimalComma } from './values';

/** What OBD loggers and spreadsheet exports print where a row has no value (`0;803;-;-;-`). */
const NO_VALUE = '-';

/**
 * Split a line into fields at `delimiter`: double quotes group, "" is a quote, spaces
 * around are trimmed, and a NO_VALUE field is empty, like the missing value it stands for.
 */
function fields(line: string, delimiter: string): string[] {
  const out: string[] = [];
  let i = 0;
  for (;;) {
    let field = '';
    while (i < line.length && line[i] !== delimiter) {
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
    const trimmed = field.trim();
    out.push(trimmed === NO_VALUE ? '' : trimmed);
    if (i >= line.length) {
      return out;
    }
    i++;
  }
}

/**
 * A header of names, then rows; empty and `-` fields are missing values. A later
 * line of names only is a new header. `delimiter` ',' is CSV; ';' is how spreadsheets
 * in much of Europe write it, and then a value may have a decimal comma.
 */
export class DelimitedFormat implements ILineFormat {
  constructor(names: ChannelNames, delimiter: ',' | ';') {
    this._names = names;
    this._delimiter = delimiter;
    this._number = delimiter === ';' ? toNumberDecimalComma : toNumber;
  }

  isHeader(line: string): boolean {
    return this._isHeader(fields(line, this._delimiter));
  }

  parse(line: string): IParseResult {
    const row = fields(line, this._delimiter);
    if (row.every(field => field === '')) {
      return { values: null, bad: [] }; // ',,': every value missing
    }
    if (this._isHeader(row)) {
      this._names.setHeader(row);
      return { values: null, bad: [] };
    }
    return readRow(line, row, this._names, this._number);
  }

  /** Names only: every filled field a name (see `isName`; '21,5' is a number here), at least one filled. */
  private _isHeader(row: string[]): boolean {
    let filled = 0;
    for (const field of row) {
      if (field === '') {
        continue;
      }
      if (this._number(field) !== null || !isName(field)) {
        return false;
      }
      filled++;
    }
    return filled > 0;
  }

  private _names: ChannelNames;
  private _delimiter: string;
  private _number: (text: string) => number | null;
}
