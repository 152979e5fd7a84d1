/** LineFramer and LineParser on generated output of each line format: read the same whatever the chunks and line ends. */
import { LineFormat } from '../../src/sources/lines';
import { randomGenerator } from '../../src/sources/simulated';
import { bytes, concat, evenSplit, int, pick, Random, randomSplit, run } from './lines-fuzz-testbed';

/** One generated line: its text and what the parser must make of it. */
interface IGenerated {
  text: string;
  values: Record<string, number> | null;
  badCount: number;
  sender?: number;
}

const LABELS = ['temp', 'humidity', 'température', 'влажность', '温度', '🌡', 'light_%', 't', 'millis', 'CO₂'];

function numberText(random: Random): string {
  const mode = random();
  if (mode < 0.1) {
    return `${int(random, 1, 9)}e${pick(random, ['-3', '2', '+1', '0'])}`;
  }
  if (mode < 0.15) {
    return `+${int(random, 0, 99)}`;
  }
  if (mode < 0.2) {
    return `.${int(random, 0, 99)}`;
  }
  return ((random() - 0.5) * 2000).toFixed(int(random, 0, 3));
}

const numberOf = (text: string): number => {
  const value = Number(text);
  return value === 0 ? 0 : value;
};

function shuffled<T>(random: Random, items: readonly T[]): T[] {
  const copy = [...items];
  for (let i = copy.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [copy[i], copy[j]] = [copy[j], copy[i]];
  }
  return copy;
}

/** Arduino Serial Plotter lines, tracking the names its headers give. */
function plotterLines(random: Random, count: number): IGenerated[] {
  let names: string[] = [];
  const separator = () => pick(random, [' ', '\t', ',', ', ', ' \t ', '  ']);
  const join = (parts: string[]) => {
    const ends = random() < 0.2 ? [separator(), separator()] : ['', ''];
    return ends[0] + parts.join(separator()) + ends[1];
  };
  const labelled = (): IGenerated => {
    const labels = shuffled(random, LABELS).slice(0, int(random, 1, 4));
    const numbers = labels.map(() => numberText(random));
    const values: Record<string, number> = {};
    labels.forEach((label, i) => (values[label] = numberOf(numbers[i])));
    return { text: join(labels.map((label, i) => `${label}:${numbers[i]}`)), values, badCount: 0 };
  };
  // The first line is labelled and tab-separated, so 'auto' picks the plotter too.
  const first = shuffled(random, LABELS).slice(0, 2);
  const out: IGenerated[] = [
    { text: `${first[0]}:1\t${first[1]}:2`, values: { [first[0]]: 1, [first[1]]: 2 }, badCount: 0 }
  ];
  while (out.length < count) {
    const kind = random();
    if (kind < 0.35) {
      out.push(labelled());
    } else if (kind < 0.6) {
      const numbers = Array.from({ length: int(random, 1, 5) }, () => numberText(random));
      const values: Record<string, number> = {};
      numbers.forEach((text, i) => (values[names[i] ?? `value ${i + 1}`] = numberOf(text)));
      out.push({ text: join(numbers), values, badCount: 0 });
    } else if (kind < 0.7) {
      names = shuffled(random, LABELS).slice(0, int(random, 1, 4));
      out.push({ text: join(names), values: null, badCount: 0 });
    } else if (kind < 0.8) {
      names = shuffled(random, LABELS).slice(0, int(random, 1, 4));
      // Now and then some labels without a colon (Arduino IDE 1.x); then tabs or commas between them.
      const mixed = random() < 0.3;
      const labels = names.map(name => (mixed && random() < 0.5 ? name : `${name}:`));
      const text = mixed ? labels.join(pick(random, ['\t', ',', ', ', ' \t '])) : join(labels);
      out.push({ text, values: null, badCount: 0 });
    } else if (kind < 0.9) {
      const line = labelled();
      out.push({ text: `x:abc${separator()}${line.text}`, values: line.values, badCount: 1 });
    } else {
      out.push({ text: '', values: null, badCount: 0 });
    }
  }
  return out;
}

/** A CSV header, then rows (and now and then a new header). */
function csvLines(random: Random, count: number): IGenerated[] {
  let names = shuffled(random, LABELS).slice(0, int(random, 2, 4));
  const out: IGenerated[] = [{ text: names.join(','), values: null, badCount: 0 }];
  while (out.length < count) {
    const kind = random();
    if (kind < 0.75) {
      const width = int(random, 1, names.length + 1);
      const values: Record<string, number> = {};
      const fields: string[] = [];
      for (let i = 0; i < width; i++) {
        if (random() < 0.15) {
          fields.push(pick(random, ['', ' ', '-', ' - ']));
          continue;
        }
        const text = numberText(random);
        values[names[i] ?? `value ${i + 1}`] = numberOf(text);
        fields.push(random() < 0.1 ? `"${text}"` : random() < 0.1 ? ` ${text} ` : text);
      }
      if (Object.keys(values).length === 0) {
        continue; // all missing: covered by the specs in lines-csv-json-auto.spec.ts
      }
      out.push({ text: fields.join(','), values, badCount: 0 });
    } else if (kind < 0.85) {
      names = shuffled(random, LABELS).slice(0, int(random, 1, 4));
      const text = names.map(name => (random() < 0.3 ? ` "${name}" ` : name)).join(',');
      out.push({ text, values: null, badCount: 0 });
    } else {
      const text = numberText(random);
      out.push({
        text: `${text},abc`,
        values: { [names[0]]: numberOf(text) },
        badCount: 1
      });
    }
  }
  return out;
}

/** One JSON object per line, some nested, some with non-number values. */
function jsonLines(random: Random, count: number): IGenerated[] {
  const out: IGenerated[] = [];
  while (out.length < count) {
    const kind = random();
    if (kind < 0.8) {
      const object: Record<string, unknown> = {};
      const values: Record<string, number> = {};
      let badCount = 0;
      for (const label of shuffled(random, LABELS).slice(0, int(random, 1, 4))) {
        const value = numberOf(numberText(random));
        const where = random();
        if (where < 0.6) {
          object[label] = value;
          values[label] = value;
        } else if (where < 0.9) {
          object[label] = { inner: value, deeper: { x: value } };
          values[`${label}.inner`] = value;
          values[`${label}.deeper.x`] = value;
        } else {
          object[label] = pick(random, ['text', true, null, [1, 2]]);
          badCount = 1;
        }
      }
      const hasValues = Object.keys(values).length > 0;
      out.push({
        text: JSON.stringify(object, null, random() < 0.2 ? 1 : undefined).replace(/\n/g, ' '),
        values: hasValues ? values : null,
        badCount: badCount + (hasValues ? 0 : 1)
      });
    } else {
      out.push({ text: '{"temp":', values: null, badCount: 1 });
    }
  }
  return out;
}

/** `name: value` (mark ':') or `name=value` pairs, names with spaces now and then, units after the last. */
function pairLines(mark: ':' | '=') {
  return (random: Random, count: number): IGenerated[] => {
    const out: IGenerated[] = [];
    while (out.length < count) {
      const names = shuffled(random, [...LABELS, 'room temp', 'Outside temperature']).slice(0, int(random, 1, 4));
      // With a ';' between pairs, values may have decimal commas.
      const decimalComma = names.length > 1 && random() < 0.3;
      const values: Record<string, number> = {};
      const pairs = names.map(name => {
        const text = numberText(random);
        values[name] = numberOf(text);
        const shown = decimalComma ? text.replace('.', ',') : text;
        return `${name}${mark}${pick(random, mark === ':' ? [' ', '\t', '  '] : ['', ' '])}${shown}`;
      });
      const separator = decimalComma ? pick(random, [';', '; ']) : pick(random, [', ', '\t', ',', '; ']);
      const unit = random() < 0.2 ? pick(random, [' °C', ' %', ' lux', ' degrees Celsius']) : '';
      if (out.length > 0 && random() < 0.1) {
        out.push({ text: `${pairs.join(separator)} #${int(random, 1, 99)}`, values, badCount: 1 });
      } else if (out.length > 0 && random() < 0.05) {
        out.push({ text: 'Traceback (most recent call last):', values: null, badCount: 1 });
      } else {
        out.push({ text: pairs.join(separator) + unit, values, badCount: 0 });
      }
    }
    return out;
  };
}

/** Python tuples and lists of numbers, now and then a tuple of names as a header. */
function tupleLines(random: Random, count: number): IGenerated[] {
  let names: string[] = [];
  const out: IGenerated[] = [];
  while (out.length < count) {
    const [open, close] = pick(random, [
      ['(', ')'],
      ['[', ']']
    ]);
    if (out.length > 0 && random() < 0.1) {
      names = shuffled(random, LABELS).slice(0, int(random, 1, 4));
      out.push({ text: `(${names.map(name => `'${name}'`).join(', ')})`, values: null, badCount: 0 });
      continue;
    }
    const numbers = Array.from({ length: int(random, 1, 5) }, () => numberText(random));
    const values: Record<string, number> = {};
    numbers.forEach((text, i) => (values[names[i] ?? `value ${i + 1}`] = numberOf(text)));
    const trailing = numbers.length === 1 && open === '(' ? ',' : '';
    out.push({ text: `${open}${numbers.join(', ')}${trailing}${close}`, values, badCount: 0 });
  }
  return out;
}

/** MakeCode radio packets from a few micro:bits: named and unnamed numbers, text (a micro:bit's name). */
function radioLines(random: Random, count: number): IGenerated[] {
  const senders = [1923449, -73121, 2147483647, 5];
  const out: IGenerated[] = [];
  while (out.length < count) {
    const t = int(random, 0, 1e6);
    const s = pick(random, senders);
    const kind = out.length === 0 ? 0 : random();
    const value = numberOf(numberText(random));
    if (kind < 0.6) {
      const name = pick(random, LABELS);
      out.push({
        text: JSON.stringify({ t, s, n: name, v: value }),
        values: { [name]: value },
        badCount: 0,
        sender: s
      });
    } else if (kind < 0.8) {
      out.push({ text: JSON.stringify({ t, s, v: value }), values: { 'value 1': value }, badCount: 0, sender: s });
    } else {
      out.push({ text: JSON.stringify({ t, s, n: 'group 7' }), values: null, badCount: 0, sender: s });
    }
  }
  return out;
}

/** A ';' header (names quoted now and then), then rows with decimal commas and missing values (empty or '-'). */
function semicolonLines(random: Random, count: number): IGenerated[] {
  const names = shuffled(random, LABELS).slice(0, int(random, 2, 4));
  const out: IGenerated[] = [
    { text: names.map(name => (random() < 0.3 ? `"${name}"` : name)).join(';'), values: null, badCount: 0 }
  ];
  while (out.length < count) {
    const values: Record<string, number> = {};
    const fields = names.map(name => {
      if (random() < 0.15) {
        return random() < 0.5 ? '' : '-';
      }
      const text = numberText(random);
      values[name] = numberOf(text);
      return random() < 0.7 ? text.replace('.', ',') : text;
    });
    if (Object.keys(values).length > 0) {
      out.push({ text: fields.join(';'), values, badCount: 0 });
    }
  }
  return out;
}

describe('LineFramer and LineParser on generated device output', () => {
  const MAX_LINE_BYTES = 256;
  const generators: Record<Exclude<LineFormat, 'auto'>, typeof plotterLines> = {
    plotter: plotterLines,
    labels: pairLines(':'),
    tuple: tupleLines,
    radio: radioLines,
    semicolon: semicolonLines,
    keyvalue: pairLines('='),
    csv: csvLines,
    json: jsonLines
  };

  for (const format of Object.keys(generators) as (keyof typeof generators)[]) {
    for (let seed = 1; seed <= 15; seed++) {
      it(`reads ${format} the same whatever the chunks and line ends (seed ${seed})`, () => {
        const random = randomGenerator(1000 * seed + format.length);
        const generated = generators[format](random, 60);
        // Each board ends its lines one way; some mix them.
        const ends = pick(random, [['\n'], ['\r\n'], ['\r'], ['\n', '\r\n', '\r']]);
        let previousEnd = '';
        const lineEnd = (text: string): string => {
          const end = pick(random, ends);
          // A CR, then an empty line ended by LF, would be one CR LF: that empty line ends with CR LF.
          previousEnd = text === '' && previousEnd === '\r' && end === '\n' ? '\r\n' : end;
          return previousEnd;
        };
        const parts: Uint8Array[] = [];
        // The board was printing before the port opened: a partial first line. Or the port
        // opened first and the board's header is the first line: kept.
        const headerFirst = generated[0].values === null && generated[0].badCount === 0;
        const fragment = !headerFirst || random() < 0.5;
        if (fragment) {
          const partial = 'rtial:12.5\t40.00';
          parts.push(bytes(partial), bytes(lineEnd(partial)));
        }
        let framerBad = 0;
        for (const [index, line] of generated.entries()) {
          if (index === 0 && !fragment) {
            parts.push(bytes(line.text), bytes(lineEnd(line.text)));
            continue;
          }
          if (random() < 0.05) {
            parts.push(new Uint8Array([0x74, 0xff, 0x3a, 0x31]), bytes('\n'));
            framerBad++;
          }
          if (random() < 0.05) {
            parts.push(bytes('x'.repeat(int(random, MAX_LINE_BYTES, 3 * MAX_LINE_BYTES))), bytes('\r\n'));
            framerBad++;
          }
          parts.push(bytes(line.text), bytes(lineEnd(line.text)));
        }
        const stream = concat(parts);
        const framerOptions = { maxLineBytes: MAX_LINE_BYTES, keepHeader: true };

        const whole = run(stream, [], framerOptions, { format });
        expect(whole.lines).toEqual(generated.map(line => line.text));
        expect(whole.bad).toHaveLength(framerBad);
        expect(whole.parsed.map(result => result.values)).toEqual(generated.map(line => line.values));
        expect(whole.parsed.map(result => result.bad.length)).toEqual(generated.map(line => line.badCount));
        expect(whole.parsed.map(result => result.sender)).toEqual(generated.map(line => line.sender));
        // 'auto' comes to the same decision on the first line.
        expect(run(stream, [], framerOptions, { format: 'auto' })).toEqual(whole);

        const splits = [evenSplit(stream.length, 1), evenSplit(stream.length, 2), evenSplit(stream.length, 7)];
        for (let i = 0; i < 25; i++) {
          splits.push(randomSplit(random, stream.length));
        }
        for (const cuts of splits) {
          expect(run(stream, cuts, framerOptions, { format })).toEqual(whole);
        }
      });
    }
  }
});
