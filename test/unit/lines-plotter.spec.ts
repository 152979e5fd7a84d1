/** What LineParser makes of lines as firmwares print them, and the rules of its 'plotter' format. */
import { LineFramer, LineParser } from '../../src/sources/lines';

const bytes = (text: string): Uint8Array => new TextEncoder().encode(text);

describe('LineParser', () => {
  const plotter = (channels?: string[]) => new LineParser({ format: 'plotter', channels });

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

    it('reads a header that mixes labels with and without a colon, as the Arduino IDE 1.x plotter does', () => {
      const p = plotter();
      expect(p.parse('Label_1:\tLabel_2\tLabel_3:')).toEqual({ values: null, bad: [] });
      expect(p.names).toEqual(['Label_1', 'Label_2', 'Label_3']);
      expect(p.parse('1\t2\t3')).toEqual({ values: { Label_1: 1, Label_2: 2, Label_3: 3 }, bad: [] });
      expect(p.parse('temp, humidity:')).toEqual({ values: null, bad: [] });
      expect(p.names).toEqual(['temp', 'humidity']);
      expect(p.parse('light: \tsound')).toEqual({ values: null, bad: [] });
      expect(p.names).toEqual(['light', 'sound']);
    });

    it('takes labels and words with only spaces between them for a message, not a header', () => {
      const p = plotter();
      for (const line of ['Error: sensor not found', 'Status: OK', 'Traceback (most recent call last):']) {
        const result = p.parse(line);
        expect([line, result.values, result.bad.length > 0, p.isHeader(line)]).toEqual([line, null, true, false]);
      }
      expect(p.names).toEqual([]);
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
});
