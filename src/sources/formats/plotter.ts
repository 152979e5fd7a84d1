/** Arduino Serial Plotter lines (`temp:21.5\thumidity:40`, `21.5 40`), as MakeCode's `serial.writeValue` prints them too. */
import { ChannelNames } from './names';
import { ILineFormat, IParseResult, isName, isWord, Reading, toNumber, wordsLine } from './values';

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

interface IItem {
  label: string | null;
  text: string;
  value: number | null;
}

/** A line cut into parts: `label:value` and positional items, and the names given without values. */
interface ISplitLine {
  items: IItem[];
  /** The names its parts give without a value, in order: the labels of `label:` parts and the plain words. */
  names: string[];
  /** How many `label:` parts it has. */
  labelsOnly: number;
  /** Every item is a positional part that is not a number. */
  allPlainWords: boolean;
  /** How many parts the line has, counting those dropped (':5'). */
  parts: number;
}

function splitLine(line: string): ISplitLine {
  const names: string[] = [];
  let labelsOnly = 0;
  const items: IItem[] = [];
  let allPlainWords = true;
  const parts = plotterParts(line);
  for (const part of parts) {
    const colon = part.indexOf(':');
    if (colon < 0) {
      const value = toNumber(part);
      items.push({ label: null, text: part, value });
      if (value === null) {
        names.push(part);
      } else {
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
      names.push(label);
      labelsOnly++;
      continue;
    }
    items.push({ label, text, value: toNumber(text) });
  }
  return { items, names, labelsOnly, allPlainWords, parts: parts.length };
}

/** Two parts with only spaces between them, as the words of a sentence are. */
const SPACE_BETWEEN_PARTS = /[^ \t,] +[^ \t,]/;

/**
 * The names a header line gives, or null when the line is not one: a line of labels
 * only (`temp:\thumidity:`), of plain names (`temp humidity`), or of both
 * (`Label_1:\tLabel_2\tLabel_3:`: the Arduino IDE 1.x plotter takes every part that
 * is not a number for a label), naming the positional values after it. Both kinds
 * need tabs or commas between the parts: `Error: sensor not found` is a message.
 */
function headerNames(split: ISplitLine, line: string): string[] | null {
  const { items, names, labelsOnly, allPlainWords } = split;
  if (items.length === 0) {
    return labelsOnly > 0 ? names : null;
  }
  if (!items.every(item => item.label === null && isName(item.text))) {
    return null;
  }
  return allPlainWords || (labelsOnly > 0 && !SPACE_BETWEEN_PARTS.test(line)) ? names : null;
}

/**
 * The Arduino Serial Plotter protocol: parts separated by spaces, tabs or commas;
 * `label:value` parts, values named by position, lines of labels only and headers of
 * plain names. A line with more words than numbers is a message, not readings.
 */
export class PlotterFormat implements ILineFormat {
  constructor(names: ChannelNames) {
    this._names = names;
  }

  isHeader(line: string): boolean {
    return headerNames(splitLine(line), line) !== null;
  }

  parse(line: string): IParseResult {
    const split = splitLine(line);
    const { items } = split;
    if (split.parts === 0) {
      return { values: null, bad: [] }; // only separators
    }
    const header = headerNames(split, line);
    if (header !== null) {
      this._names.setHeader(header);
      return { values: null, bad: [] };
    }
    if (split.allPlainWords && items.some(item => isWord(item.text))) {
      return wordsLine(line); // words that are not names: `Starting...`
    }
    const reading = new Reading(line);
    let position = 0;
    for (const item of items) {
      const name = item.label === null ? this._names.name(position++) : item.label;
      if (!reading.take()) {
        continue;
      }
      if (item.value === null) {
        reading.notANumber(item.text, item.label === null && isWord(item.text));
      } else {
        reading.set(name, item.value);
      }
    }
    return reading.result();
  }

  private _names: ChannelNames;
}
