import { LineFramer, LineParser } from '../../src/sources/lines';

const bytes = (text: string): Uint8Array => new TextEncoder().encode(text);

describe('LineParser', () => {
  const plotter = (channels?: string[]) => new LineParser({ format: 'plotter', channels });
  const csv = (channels?: string[]) => new LineParser({ format: 'csv', channels });
  const json = () => new LineParser({ format: 'json' });

  describe('what firmwares print', () => {
    it('micro:bit MicroPython: print("temperature:{} light:{}".format(21, 134))', () => {
      expect(new LineParser().parse('temperature:21 light:134')).toEqual({
        values: { temperature: 21, light: 134 },
        bad: []
      });
    });

    it('Pico MicroPython: print("temperature:{:.2f}".format(23.456))', () => {
      expect(new LineParser().parse('temperature:23.46')).toEqual({
        values: { temperature: 23.46 },
        bad: []
      });
    });

    it('Arduino: Serial.print("temp:") ... Serial.print("\\t") ... Serial.println(h)', () => {
      // The board was already printing when the port opened: the first line is partial.
      const f = new LineFramer();
      const p = new LineParser();
      const stream = bytes('midity:39.00\r\ntemp:21.50\thumidity:40.00\r\ntemp:21.75\thumidity:40.00\r\n');
      const { lines, bad } = f.push(stream);
      expect(bad).toEqual([]);
      expect(lines).toEqual(['temp:21.50\thumidity:40.00', 'temp:21.75\thumidity:40.00']);
      expect(lines.map(line => p.parse(line))).toEqual([
        { values: { temp: 21.5, humidity: 40 }, bad: [] },
        { values: { temp: 21.75, humidity: 40 }, bad: [] }
      ]);
      expect(p.format).toBe('plotter');
    });
  });

  describe("format 'plotter'", () => {
    it('separates parts by spaces, tabs and commas; a run counts as one; ends are ignored', () => {
      expect(plotter().parse(' ,\ttemp:21.5,  hum:40\t\t,light:3 ,')).toEqual({
        values: { temp: 21.5, hum: 40, light: 3 },
        bad: []
      });
      expect(plotter().parse('1,2 3\t4')).toEqual({
        values: { 'value 1': 1, 'value 2': 2, 'value 3': 3, 'value 4': 4 },
        bad: []
      });
    });

    it('names positional values by position, counting only positional parts', () => {
      expect(plotter().parse('a:1 5 b:2 6')).toEqual({
        values: { a: 1, 'value 1': 5, b: 2, 'value 2': 6 },
        bad: []
      });
    });

    it('splits label:value at the first colon', () => {
      expect(plotter().parse('a:b:1 c:2')).toEqual({
        values: { c: 2 },
        bad: [{ reason: '"b:1" is not a number', text: 'a:b:1 c:2' }]
      });
    });

    it('reads JavaScript-style decimal numbers', () => {
      const line = 'a:21.5 b:-3 c:1e-3 d:+2 e:.5 f:21. g:-.5 h:1E3 i:007 j:-0';
      expect(plotter().parse(line)).toEqual({
        values: { a: 21.5, b: -3, c: 0.001, d: 2, e: 0.5, f: 21, g: -0.5, h: 1000, i: 7, j: 0 },
        bad: []
      });
    });

    it('reports values that are not finite decimal numbers, and drops them', () => {
      for (const text of ['0x1F', 'NaN', 'Infinity', '-Infinity', '1e999', '1_000', 'abc', '2.5.1', '1e', '-', '.']) {
        const line = `x:${text}`;
        expect(plotter().parse(line)).toEqual({
          values: null,
          bad: [
            { reason: `"${text}" is not a number`, text: line },
            { reason: 'no numbers in this line', text: line }
          ]
        });
      }
    });

    it('takes exactly the decimal number syntax: every short string of its characters', () => {
      // The rule, written as a regular expression; the parser checks characters then Number().
      const decimal = /^[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$/;
      const alphabet = ['1', '0', '+', '-', '.', 'e', 'E'];
      let strings = [''];
      for (let length = 1; length <= 5; length++) {
        strings = strings.flatMap(prefix => alphabet.map(char => prefix + char));
        for (const text of strings) {
          const result = plotter().parse(`x:${text}`);
          expect([text, result.values !== null]).toEqual([text, decimal.test(text)]);
        }
      }
    });

    it('keeps the rest of a line that has a bad part', () => {
      expect(plotter().parse('temp:21 hum:abc 3')).toEqual({
        values: { temp: 21, 'value 1': 3 },
        bad: [{ reason: '"abc" is not a number', text: 'temp:21 hum:abc 3' }]
      });
    });

    it('counts a bad positional part as a position', () => {
      expect(plotter().parse('1 oops 3')).toEqual({
        values: { 'value 1': 1, 'value 3': 3 },
        bad: [{ reason: '"oops" is not a number', text: '1 oops 3' }]
      });
    });

    it('keeps reasons short: a long value is cut in the reason, the text is cut to 200', () => {
      const line = `x:${'y'.repeat(300)}`;
      const result = plotter().parse(`1 ${line}`);
      expect(result.values).toEqual({ 'value 1': 1 });
      expect(result.bad).toEqual([{ reason: `"${'y'.repeat(20)}…" is not a number`, text: `1 ${line}`.slice(0, 200) }]);
    });

    it('drops a part with an empty label or an empty value', () => {
      expect(plotter().parse(':5 temp:21 hum: :')).toEqual({ values: { temp: 21 }, bad: [] });
      expect(plotter().parse('temp: 5')).toEqual({ values: { 'value 1': 5 }, bad: [] });
    });

    it('reads a labels-only line as names for the positional values after it', () => {
      const p = plotter();
      expect(p.parse('temp:')).toEqual({ values: null, bad: [] });
      expect(p.names).toEqual(['temp']);
      expect(p.parse('temp:\thumidity:')).toEqual({ values: null, bad: [] });
      expect(p.names).toEqual(['temp', 'humidity']);
      expect(p.parse('21.5\t40')).toEqual({ values: { temp: 21.5, humidity: 40 }, bad: [] });
    });

    it('reads a header of plain labels, with tabs or spaces', () => {
      const p = plotter();
      expect(p.parse('temp\thumidity')).toEqual({ values: null, bad: [] });
      expect(p.names).toEqual(['temp', 'humidity']);
      expect(p.parse('light sound')).toEqual({ values: null, bad: [] });
      expect(p.names).toEqual(['light', 'sound']);
      expect(p.parse('1 2 3')).toEqual({
        values: { light: 1, sound: 2, 'value 3': 3 },
        bad: []
      });
    });

    it('does not let a header rename labelled values', () => {
      const p = plotter();
      p.parse('a b');
      expect(p.parse('x:1 2')).toEqual({ values: { x: 1, a: 2 }, bad: [] });
    });

    it('reports a line with parts but no numbers that is not a header', () => {
      expect(plotter().parse('temp:abc')).toEqual({
        values: null,
        bad: [
          { reason: '"abc" is not a number', text: 'temp:abc' },
          { reason: 'no numbers in this line', text: 'temp:abc' }
        ]
      });
      expect(plotter().parse(':5')).toEqual({
        values: null,
        bad: [{ reason: 'no numbers in this line', text: ':5' }]
      });
      expect(plotter().parse('temp: abc')).toEqual({
        values: null,
        bad: [
          { reason: '"abc" is not a number', text: 'temp: abc' },
          { reason: 'no numbers in this line', text: 'temp: abc' }
        ]
      });
    });

    it('sees labels with spaces as separate parts (labels have no spaces)', () => {
      expect(plotter().parse('room temp:21')).toEqual({
        values: { temp: 21 },
        bad: [{ reason: '"room" is not a number', text: 'room temp:21' }]
      });
    });

    it("puts the user's channel names before header names", () => {
      const p = plotter(['a', 'b']);
      expect(p.names).toEqual(['a', 'b']);
      expect(p.parse('1 2 3')).toEqual({ values: { a: 1, b: 2, 'value 3': 3 }, bad: [] });
      expect(p.parse('x y z')).toEqual({ values: null, bad: [] });
      expect(p.names).toEqual(['a', 'b', 'z']);
      expect(p.parse('1 2 3')).toEqual({ values: { a: 1, b: 2, z: 3 }, bad: [] });
    });

    it('has no names until a header, a labels line or channels give some', () => {
      const p = plotter();
      expect(p.names).toEqual([]);
      p.parse('1 2');
      expect(p.names).toEqual([]);
    });

    it('ignores empty and blank lines', () => {
      const p = plotter();
      for (const line of ['', ' ', '\t \t', '\r', ' , ,', '\u00a0', ' \u2003\t']) {
        expect(p.parse(line)).toEqual({ values: null, bad: [] });
      }
    });

    it('reports a line with two words or more and more words than numbers as one message', () => {
      for (const line of ['Temperature is 21.5 degrees', 'Reading sensor 2 now']) {
        expect(plotter().parse(line)).toEqual({
          values: null,
          bad: [{ reason: 'a message in words, not numbers', text: line }]
        });
      }
    });

    it('takes neither a sentence nor sensor failures (nan, inf, ovf) for a header', () => {
      const p = plotter();
      expect(p.parse('Starting...')).toEqual({
        values: null,
        bad: [{ reason: 'a message in words, not numbers', text: 'Starting...' }]
      });
      expect(p.parse('nan\tovf').bad).toEqual([
        { reason: '"nan" is not a number', text: 'nan\tovf' },
        { reason: '"ovf" is not a number', text: 'nan\tovf' },
        { reason: 'no numbers in this line', text: 'nan\tovf' }
      ]);
      expect(p.names).toEqual([]);
      expect(p.parse('21.5 inf 40')).toEqual({
        values: { 'value 1': 21.5, 'value 3': 40 },
        bad: [{ reason: '"inf" is not a number', text: '21.5 inf 40' }]
      });
    });

    it('keeps t, time and millis as ordinary channels', () => {
      expect(plotter().parse('millis:1234 t:5 time:6 temp:21')).toEqual({
        values: { millis: 1234, t: 5, time: 6, temp: 21 },
        bad: []
      });
    });

    it('cuts channel names to 64 characters', () => {
      const long = 'n'.repeat(100);
      expect(plotter().parse(`${long}:1`)).toEqual({
        values: { [long.slice(0, 64)]: 1 },
        bad: []
      });
      const p = plotter([long]);
      expect(p.names).toEqual([long.slice(0, 64)]);
      const q = plotter();
      q.parse(`${long}\tb`);
      expect(q.names).toEqual([long.slice(0, 64), 'b']);
    });

    it('reads at most 64 values in one line and reports the extra ones once', () => {
      const numbers = Array.from({ length: 70 }, (_, i) => i + 1);
      const line = numbers.join(' ');
      const expected: Record<string, number> = {};
      numbers.slice(0, 64).forEach(n => (expected[`value ${n}`] = n));
      expect(plotter().parse(line)).toEqual({
        values: expected,
        bad: [{ reason: 'more than 64 values in one line', text: line.slice(0, 200) }]
      });
    });
  });

  describe("format 'csv'", () => {
    it('reads a header, then rows', () => {
      const p = csv();
      expect(p.parse('time,temp,humidity')).toEqual({ values: null, bad: [] });
      expect(p.names).toEqual(['time', 'temp', 'humidity']);
      expect(p.parse('1000,21.5,40')).toEqual({
        values: { time: 1000, temp: 21.5, humidity: 40 },
        bad: []
      });
    });

    it('reads quoted fields, "" as a quote, and trims spaces around fields', () => {
      const p = csv();
      p.parse(' "temp (°C)" , "say ""hi""",hum ');
      expect(p.names).toEqual(['temp (°C)', 'say "hi"', 'hum']);
      expect(p.parse(' 1 ,"2", 3')).toEqual({
        values: { 'temp (°C)': 1, 'say "hi"': 2, hum: 3 },
        bad: []
      });
      p.parse('"a,b",c');
      expect(p.names).toEqual(['a,b', 'c']);
    });

    it('keeps positions over empty fields, which are missing values', () => {
      const p = csv();
      p.parse('time,temp,humidity');
      expect(p.parse('1,,3')).toEqual({ values: { time: 1, humidity: 3 }, bad: [] });
      expect(p.parse(',,')).toEqual({ values: null, bad: [] });
    });

    it('reports a field that is not a number and keeps the others', () => {
      const p = csv();
      p.parse('time,temp,humidity');
      expect(p.parse('1,abc,3')).toEqual({
        values: { time: 1, humidity: 3 },
        bad: [{ reason: '"abc" is not a number', text: '1,abc,3' }]
      });
    });

    it('names fields beyond the header by their column', () => {
      const p = csv();
      p.parse('a,b');
      expect(p.parse('1,2,3,,5')).toEqual({
        values: { a: 1, b: 2, 'value 3': 3, 'value 5': 5 },
        bad: []
      });
    });

    it("names rows before any header with the user's channels or by column", () => {
      expect(csv().parse('1,2')).toEqual({ values: { 'value 1': 1, 'value 2': 2 }, bad: [] });
      expect(csv(['x']).parse('1,2')).toEqual({ values: { x: 1, 'value 2': 2 }, bad: [] });
    });

    it("keeps the user's channels before the header's names", () => {
      const p = csv(['x']);
      p.parse('a,b');
      expect(p.names).toEqual(['x', 'b']);
      expect(p.parse('1,2')).toEqual({ values: { x: 1, b: 2 }, bad: [] });
    });

    it('takes a later line of all non-numbers as a new header', () => {
      const p = csv();
      p.parse('a,b');
      expect(p.parse('1,2')).toEqual({ values: { a: 1, b: 2 }, bad: [] });
      expect(p.parse('c,,d')).toEqual({ values: null, bad: [] });
      expect(p.names).toEqual(['c', 'value 2', 'd']);
      expect(p.parse('3,4,5')).toEqual({ values: { c: 3, 'value 2': 4, d: 5 }, bad: [] });
    });

    it('keeps time and millis as ordinary channels', () => {
      const p = csv();
      p.parse('millis,time,t');
      expect(p.parse('10,20,30')).toEqual({ values: { millis: 10, time: 20, t: 30 }, bad: [] });
    });

    it('reads at most 64 values in one line', () => {
      const line = Array.from({ length: 65 }, () => '1').join(',');
      const result = csv().parse(line);
      expect(Object.keys(result.values ?? {})).toHaveLength(64);
      expect(result.values?.['value 64']).toBe(1);
      expect(result.bad).toEqual([{ reason: 'more than 64 values in one line', text: line }]);
    });
  });

  describe("format 'json'", () => {
    it('keeps number values under their keys', () => {
      expect(json().parse('{"temp": 21.5, "hum": 40, "time": 1000}')).toEqual({
        values: { temp: 21.5, hum: 40, time: 1000 },
        bad: []
      });
    });

    it('flattens nested objects with dots', () => {
      expect(json().parse('{"env":{"t":1,"deep":{"x":2}},"n":3}')).toEqual({
        values: { 'env.t': 1, 'env.deep.x': 2, n: 3 },
        bad: []
      });
    });

    it('reports values that are not numbers in one entry, and keeps the numbers', () => {
      const line = '{"temp":21,"name":"bob","ok":true,"x":null,"list":[1],"env":{"s":"a"}}';
      expect(json().parse(line)).toEqual({
        values: { temp: 21 },
        bad: [{ reason: 'not numbers: name, ok, x, list, env.s', text: line }]
      });
      expect(json().parse('{"t":1,"name":"bob"}')).toEqual({
        values: { t: 1 },
        bad: [{ reason: 'not a number: name', text: '{"t":1,"name":"bob"}' }]
      });
      const many = '{"a":"","b":"","c":"","d":"","e":"","f":"","g":"","h":1}';
      expect(json().parse(many).bad).toEqual([{ reason: 'not numbers: a, b, c, d, e and 2 more', text: many }]);
    });

    it('reports a line whose values are all not numbers, or that has none', () => {
      expect(json().parse('{"name":"x"}')).toEqual({
        values: null,
        bad: [
          { reason: 'not a number: name', text: '{"name":"x"}' },
          { reason: 'no numbers in this line', text: '{"name":"x"}' }
        ]
      });
      expect(json().parse('{}')).toEqual({
        values: null,
        bad: [{ reason: 'no numbers in this line', text: '{}' }]
      });
    });

    it('reports a line that is not valid JSON or not an object', () => {
      for (const line of ['{"temp":', '{temp: 1}', '[1,2]', '42', '"x"', 'null', 'temp:21']) {
        expect(json().parse(line)).toEqual({
          values: null,
          bad: [{ reason: 'not valid JSON', text: line }]
        });
      }
    });

    it('treats a key named __proto__ as an ordinary channel', () => {
      const result = json().parse('{"__proto__": 5, "a": 1}');
      expect(Object.keys(result.values ?? {})).toEqual(['__proto__', 'a']);
      expect(result.values?.['__proto__']).toBe(5);
      expect(Object.getPrototypeOf(result.values)).toBe(Object.prototype);
    });

    it('cuts keys to 64 characters and reads at most 64 values', () => {
      const long = 'k'.repeat(80);
      expect(json().parse(`{"${long}": 1}`).values).toEqual({ [long.slice(0, 64)]: 1 });
      const entries = Array.from({ length: 66 }, (_, i) => `"c${i}":${i}`);
      const line = `{${entries.join(',')}}`;
      const result = json().parse(line);
      expect(Object.keys(result.values ?? {})).toHaveLength(64);
      expect(result.bad).toEqual([{ reason: 'more than 64 values in one line', text: line.slice(0, 200) }]);
    });
  });

  describe('isHeader (asked of the first line after the port opens)', () => {
    it('is true for a whole header in the format in use or shown by the line', () => {
      for (const line of ['time,temp', 'temp\thumidity', 'Sine:\tCosine:', 'Zeit;Temperatur']) {
        expect([line, new LineParser().isHeader(line)]).toEqual([line, true]);
      }
      expect(new LineParser({ format: 'tuple' }).isHeader("('temp', 'hum')")).toBe(true);
    });

    it('is false for readings, fragments, messages and blank lines', () => {
      for (const line of ['', 'temp:21', '5\t40', 'midity:39.00', '21,5;40,2', 'Starting...', '{"a":1}', 'ure: 21.5']) {
        expect([line, new LineParser().isHeader(line)]).toEqual([line, false]);
      }
      expect(new LineParser({ format: 'csv' }).isHeader('rtial:12.5\t40.00')).toBe(false);
    });

    it('changes nothing: the format and the names stay', () => {
      const p = new LineParser();
      expect(p.isHeader('time,temp')).toBe(true);
      expect(p.format).toBe('auto');
      expect(p.names).toEqual([]);
    });
  });

  describe("format 'auto'", () => {
    it("reads 'auto' until a non-empty line decides", () => {
      const p = new LineParser();
      expect(p.format).toBe('auto');
      expect(p.parse('')).toEqual({ values: null, bad: [] });
      expect(p.parse('  ')).toEqual({ values: null, bad: [] });
      expect(p.format).toBe('auto');
      p.parse('temp:1');
      expect(p.format).toBe('plotter');
    });

    it("picks 'json' for a line starting with '{'", () => {
      const p = new LineParser();
      expect(p.parse(' {"env":{"t":21}}')).toEqual({ values: { 'env.t': 21 }, bad: [] });
      expect(p.format).toBe('json');
    });

    it("picks 'csv' for commas without spaces, tabs or label:value parts", () => {
      for (const line of ['time,temp', '1,2', '"a b",c', 'temp,humidity ']) {
        const p = new LineParser();
        p.parse(line);
        expect(p.format).toBe('csv');
      }
      const p = new LineParser();
      expect(p.parse('"room temp",hum')).toEqual({ values: null, bad: [] });
      expect(p.names).toEqual(['room temp', 'hum']);
      expect(p.parse('1,2')).toEqual({ values: { 'room temp': 1, hum: 2 }, bad: [] });
    });

    it("picks 'plotter' for everything else", () => {
      for (const line of ['temp:21,hum:40', '1, 2', '1\t2', 'x', '21.5', 'temp:', 'a,"b c" d']) {
        const p = new LineParser();
        p.parse(line);
        expect(p.format).toBe('plotter');
      }
    });

    it('keeps its decision', () => {
      const p = new LineParser();
      p.parse('temp:21');
      expect(p.parse('a,b')).toEqual({ values: null, bad: [] });
      expect(p.format).toBe('plotter');
      expect(p.names).toEqual(['a', 'b']);

      const q = new LineParser();
      q.parse('{"a":1}');
      expect(q.parse('temp:21')).toEqual({
        values: null,
        bad: [{ reason: 'not valid JSON', text: 'temp:21' }]
      });
      expect(q.format).toBe('json');
    });

    it("uses the user's channels in the detected format", () => {
      const p = new LineParser({ channels: ['temp', 'hum'] });
      expect(p.parse('21,40')).toEqual({ values: { temp: 21, hum: 40 }, bad: [] });
      expect(p.format).toBe('csv');
    });
  });
});
