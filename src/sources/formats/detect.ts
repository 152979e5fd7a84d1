/** The formats by name, and how 'auto' tells from one line which format a device prints. */
import { DelimitedFormat } from './delimited';
import { isRadioPacketLine, JsonFormat, RadioFormat } from './json';
import { ChannelNames } from './names';
import { PairsFormat } from './pairs';
import { PlotterFormat } from './plotter';
import { TupleFormat } from './tuple';
import { ILineFormat } from './values';

/** The formats a device's lines can be read in; 'auto' finds out from its lines. The Python `Logger(format=)` takes the same names. */
export const LINE_FORMATS = [
  'auto',
  'plotter',
  'labels',
  'tuple',
  'radio',
  'semicolon',
  'keyvalue',
  'csv',
  'json'
] as const;

export type LineFormat = (typeof LINE_FORMATS)[number];

/** A reader for `format`, naming positional values with `names`. */
export function createFormat(format: Exclude<LineFormat, 'auto'>, names: ChannelNames): ILineFormat {
  switch (format) {
    case 'labels':
      return new PairsFormat(':');
    case 'keyvalue':
      return new PairsFormat('=');
    case 'tuple':
      return new TupleFormat(names);
    case 'radio':
      return new RadioFormat(names);
    case 'semicolon':
      return new DelimitedFormat(names, ';');
    case 'csv':
      return new DelimitedFormat(names, ',');
    case 'json':
      return new JsonFormat();
    default:
      return new PlotterFormat(names);
  }
}

/** A name, maybe spaces, then '=' and a number (`temp=21.5`, `x = 5`). */
const KEY_VALUE = /[^\s=]\s*=\s*[-+.\d]/;
/** A ':', a space or tab, then a number (`temperature: 21.5`, `Temperature: -3`). */
const LABEL_SPACE_VALUE = /:[ \t]+[-+.\d]/;

/** True for commas and, outside double quotes, no space, tab or ':' (a plotter `label:value`). */
function looksLikeCsv(text: string): boolean {
  let quoted = false;
  let comma = false;
  for (const char of text) {
    if (char === '"') {
      quoted = !quoted;
    } else if (!quoted) {
      if (char === ',') {
        comma = true;
      } else if (char === ' ' || char === '\t' || char === ':') {
        return false;
      }
    }
  }
  return comma;
}

/**
 * What 'auto' makes of a line, the first rule that fits:
 * - '{' at the start → 'radio' for a MakeCode radio packet, else 'json';
 * - in brackets, `(21.5, 40)` or `[21.5, 40]` → 'tuple';
 * - `name=number` → 'keyvalue';
 * - ': ' then a number (`temperature: 21.5`) → 'labels';
 * - a ';' → 'semicolon';
 * - commas and, outside quotes, no space, tab or ':' → 'csv';
 * - anything else → 'plotter', the format most classroom sketches print.
 * A line the chosen format cannot read decides nothing (see `LineParser`).
 */
export function detectFormat(line: string): Exclude<LineFormat, 'auto'> {
  const text = line.trim();
  const first = text[0];
  const last = text[text.length - 1];
  if (first === '{') {
    return isRadioPacketLine(text) ? 'radio' : 'json';
  }
  if ((first === '(' && last === ')') || (first === '[' && last === ']')) {
    return 'tuple';
  }
  if (KEY_VALUE.test(text)) {
    return 'keyvalue';
  }
  if (LABEL_SPACE_VALUE.test(text)) {
    return 'labels';
  }
  if (text.includes(';')) {
    return 'semicolon';
  }
  return looksLikeCsv(text) ? 'csv' : 'plotter';
}
