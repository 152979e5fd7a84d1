/** The new line formats one by one: their rules, edge cases and the reasons they give. */
import { readdirSync, readFileSync } from 'fs';
import { join } from 'path';
import { LINE_FORMATS, LineParser } from '../../src/sources/lines';

const parse = (format: ConstructorParameters<typeof LineParser>[0], ...lines: string[]) => {
  const parser = new LineParser(format);
  return lines.map(line => parser.parse(line));
};

describe("format 'labels' (name: value)", () => {
  const labels = (...lines: string[]) => parse({ format: 'labels' }, ...lines);

  it('reads names with spaces, and pairs after a comma, semicolon, tab or space', () => {
    expect(labels('Room temp: 21.5, Outside temp: 3; Wind: 4\tRain: 0 Sun: 1')[0]).toEqual({
      values: { 'Room temp': 21.5, 'Outside temp': 3, Wind: 4, Rain: 0, Sun: 1 },
      bad: []
    });
  });

  it('reads a decimal comma only in a line with a ;', () => {
    expect(labels('temp: 21,5; hum: 40,2')[0].values).toEqual({ temp: 21.5, hum: 40.2 });
    expect(labels('temp: 21,5')[0]).toEqual({
      values: { temp: 21 },
      bad: [{ reason: '"5" is not a name: value pair', text: 'temp: 21,5' }]
    });
  });

  it('leaves out a unit after the last value, and reports other text there', () => {
    expect(labels('temp: 21.5 °C')[0]).toEqual({ values: { temp: 21.5 }, bad: [] });
    expect(labels('temp: 21.5 hum 40')[0]).toEqual({
      values: { temp: 21.5 },
      bad: [{ reason: '"hum 40" is not a name: value pair', text: 'temp: 21.5 hum 40' }]
    });
  });

  it('reports a line without a pair, a value that is not a number, and a name without a value', () => {
    expect(labels('hello world')[0]).toEqual({
      values: null,
      bad: [{ reason: 'no name: value in this line', text: 'hello world' }]
    });
    expect(labels('temp: warm')[0]).toEqual({
      values: null,
      bad: [
        { reason: '"warm" is not a number', text: 'temp: warm' },
        { reason: 'no numbers in this line', text: 'temp: warm' }
      ]
    });
    expect(labels('temp: hum: 40')[0]).toEqual({ values: { hum: 40 }, bad: [] });
  });

  it('has no header lines', () => {
    const parser = new LineParser({ format: 'labels' });
    expect(parser.isHeader('temp: hum:')).toBe(false);
  });
});

describe("format 'keyvalue' (name=value)", () => {
  it('reads pairs with or without spaces around =', () => {
    expect(parse({ format: 'keyvalue' }, 'a=1 b = 2,c=3;d=4')[0]).toEqual({
      values: { a: 1, b: 2, c: 3, d: 4 },
      bad: []
    });
  });

  it('reports a line without =', () => {
    expect(parse({ format: 'keyvalue' }, 'temp:21')[0]).toEqual({
      values: null,
      bad: [{ reason: 'no name=value in this line', text: 'temp:21' }]
    });
  });
});

describe("format 'tuple'", () => {
  it('names elements by position, with the user channels first', () => {
    expect(parse({ format: 'tuple', channels: ['t'] }, '(1, 2, , 4)')[0]).toEqual({
      values: { t: 1, 'value 2': 2, 'value 4': 4 },
      bad: []
    });
  });

  it('reports a line that is not in brackets, and strings among numbers', () => {
    expect(parse({ format: 'tuple' }, '21.5, 40')[0]).toEqual({
      values: null,
      bad: [{ reason: 'not a tuple like (21.5, 40)', text: '21.5, 40' }]
    });
    expect(parse({ format: 'tuple' }, "(21.5, 'warm')")[0]).toEqual({
      values: { 'value 1': 21.5 },
      bad: [{ reason: `"'warm'" is not a number`, text: "(21.5, 'warm')" }]
    });
  });
});

describe("format 'radio' (MakeCode radio packets)", () => {
  it('names an unnamed value with the first channel name', () => {
    expect(parse({ format: 'radio', channels: ['light'] }, '{"t":1,"s":7,"v":134}')[0]).toEqual({
      values: { light: 134 },
      bad: [],
      sender: 7
    });
  });

  it('reports JSON that is not a packet, and a packet without a number', () => {
    expect(parse({ format: 'radio' }, '{"temp":21}', '{"t":1,"s":7,"b":"AAE="}', 'x')).toEqual([
      { values: null, bad: [{ reason: 'not a MakeCode radio packet', text: '{"temp":21}' }] },
      {
        values: null,
        bad: [{ reason: 'a packet from a micro:bit, not a number', text: '{"t":1,"s":7,"b":"AAE="}' }],
        sender: 7
      },
      { values: null, bad: [{ reason: 'not valid JSON', text: 'x' }] }
    ]);
  });

  it("is found by 'auto' only for packet-shaped objects", () => {
    const json = new LineParser();
    json.parse('{"t":1,"v":2}');
    expect(json.format).toBe('json');
    const radio = new LineParser();
    radio.parse('{"s":7,"t":1,"n":"x","v":2}');
    expect(radio.format).toBe('radio');
  });
});

describe("format 'semicolon'", () => {
  it('takes a value with one decimal comma or point; other commas make it not a number', () => {
    expect(parse({ format: 'semicolon' }, '21,5;21.5;1,2,3;1.234,5')[0]).toEqual({
      values: { 'value 1': 21.5, 'value 2': 21.5 },
      bad: [
        { reason: '"1,2,3" is not a number', text: '21,5;21.5;1,2,3;1.234,5' },
        { reason: '"1.234,5" is not a number', text: '21,5;21.5;1,2,3;1.234,5' }
      ]
    });
  });

  it('reads - as a missing value, so a row with some values is a reading', () => {
    expect(parse({}, '0;803;-;-;-', '1;-;12,5;-;-', '-;-;-')).toEqual([
      { values: { 'value 1': 0, 'value 2': 803 }, bad: [] },
      { values: { 'value 1': 1, 'value 3': 12.5 }, bad: [] },
      { values: null, bad: [] }
    ]);
  });

  it('still reports a line with more words than numbers as a message', () => {
    expect(parse({ format: 'semicolon' }, '0;no;data;-;-')[0]).toEqual({
      values: null,
      bad: [{ reason: 'a message in words, not numbers', text: '0;no;data;-;-' }]
    });
  });
});

describe("'auto': which format a line shows", () => {
  it.each([
    ['temp=21.5', 'keyvalue'],
    ['x = 5', 'keyvalue'],
    ['temperature: 21.5', 'labels'],
    ['Temperature: -3.5', 'labels'],
    ['temp:21.5', 'plotter'],
    ['(1, 2)', 'tuple'],
    ['[1, 2]', 'tuple'],
    ['1;2', 'semicolon'],
    ['time;temp', 'semicolon'],
    ['1,2', 'csv'],
    ['{"a":1}', 'json']
  ])('%s → %s', (line, format) => {
    const parser = new LineParser();
    parser.parse(line);
    expect(parser.format).toBe(format);
  });
});

describe('the format names', () => {
  it('are the ones the Python Logger(format=...) accepts', () => {
    const shim = join(__dirname, '../../python_shim/sensorlab');
    const declared = readdirSync(shim)
      .filter(file => file.endsWith('.py'))
      .map(file => /^FORMATS = \(([^)]*)\)/m.exec(readFileSync(join(shim, file), 'utf-8')))
      .filter(match => match !== null);
    expect(declared).toHaveLength(1);
    const names = declared[0]![1].split(',').map(name => name.trim().replace(/^"|"$/g, ''));
    expect(names).toEqual([...LINE_FORMATS]);
  });
});
