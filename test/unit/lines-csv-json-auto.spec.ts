/** LineParser's 'csv' and 'json' formats, its header test, and how 'auto' picks a format. */
import { LineParser } from '../../src/sources/lines';

describe('LineParser', () => {
  const csv = (channels?: string[]) => new LineParser({ format: 'csv', channels });
  const json = () => new LineParser({ format: 'json' });

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

    it('reads - as a missing value, like an empty field, never as a name', () => {
      const p = csv();
      p.parse('time,rpm,speed');
      expect(p.parse('0,803,-')).toEqual({ values: { time: 0, rpm: 803 }, bad: [] });
      expect(p.parse(' - ,803,"-"')).toEqual({ values: { rpm: 803 }, bad: [] });
      expect(p.parse('-,-,-')).toEqual({ values: null, bad: [] });
      expect(p.names).toEqual(['time', 'rpm', 'speed']);
      expect(p.parse('time,-,speed')).toEqual({ values: null, bad: [] });
      expect(p.names).toEqual(['time', 'value 2', 'speed']);
    });

    it('still reports a line of words, and dashes that are not a whole field', () => {
      const p = csv();
      p.parse('time,rpm,speed');
      expect(p.parse('0,x,y,-')).toEqual({
        values: null,
        bad: [{ reason: 'a message in words, not numbers', text: '0,x,y,-' }]
      });
      expect(p.parse('0,--,-1')).toEqual({
        values: { time: 0, speed: -1 },
        bad: [{ reason: '"--" is not a number', text: '0,--,-1' }]
      });
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
      for (const line of [
        'time,temp',
        'temp\thumidity',
        'Sine:\tCosine:',
        'Label_1:\tLabel_2\tLabel_3:',
        'Zeit;Temperatur'
      ]) {
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
