/** What the framer does: bytes in chunks to text lines (LF, CR or CRLF), the first line, too long lines, UTF-8. */
import { LineFramer } from '../../src/sources/framer';

const encoder = new TextEncoder();
const bytes = (text: string): Uint8Array => encoder.encode(text);

/** A framer that keeps the first line, for specs about everything else. */
const framer = (maxLineBytes?: number) => new LineFramer({ maxLineBytes, dropFirstLine: false });

describe('LineFramer', () => {
  describe('line ends', () => {
    it('ends lines at \\n and keeps an unfinished line for the next chunk', () => {
      const f = framer();
      expect(f.push(bytes('a\nb\nc'))).toEqual({ lines: ['a', 'b'], bad: [] });
      expect(f.bufferedBytes).toBe(1);
      expect(f.push(bytes('d\n'))).toEqual({ lines: ['cd'], bad: [] });
      expect(f.bufferedBytes).toBe(0);
    });

    it('removes a \\r right before \\n', () => {
      const f = framer();
      expect(f.push(bytes('temp:1\r\nhum:2\r\n'))).toEqual({
        lines: ['temp:1', 'hum:2'],
        bad: []
      });
    });

    it('ends a line at \\r at once; the \\n of a \\r\\n in the next chunk adds no empty line', () => {
      const f = framer();
      expect(f.push(bytes('temp:1\r'))).toEqual({ lines: ['temp:1'], bad: [] });
      expect(f.push(bytes('\n'))).toEqual({ lines: [], bad: [] });
      expect(f.push(bytes('hum:2\r'))).toEqual({ lines: ['hum:2'], bad: [] });
      expect(f.push(bytes('light:3\r'))).toEqual({ lines: ['light:3'], bad: [] });
      expect(f.push(bytes(''))).toEqual({ lines: [], bad: [] });
      expect(f.push(bytes('\nx:4\n'))).toEqual({ lines: ['x:4'], bad: [] });
    });

    it('ends lines at a lone \\r, as boards that end lines with CR only print them', () => {
      const f = framer();
      expect(f.push(bytes('a\rb\n\rc\n\r\r\n'))).toEqual({
        lines: ['a', 'b', '', 'c', '', ''],
        bad: []
      });
      expect(f.push(bytes('temp:21.5\rtemp:21.6\rtemp:'))).toEqual({
        lines: ['temp:21.5', 'temp:21.6'],
        bad: []
      });
      expect(f.push(bytes('21.7\r'))).toEqual({ lines: ['temp:21.7'], bad: [] });
    });

    it('reads CR, LF and CRLF line ends mixed, and a not-UTF-8 line among them', () => {
      const f = framer();
      const chunk = new Uint8Array([...bytes('a\rb\r\nc\n'), 0xff, ...bytes('\rd\r')]);
      expect(f.push(chunk)).toEqual({
        lines: ['a', 'b', 'c', 'd'],
        bad: [{ reason: 'not UTF-8 text', text: '\ufffd' }]
      });
    });

    it('returns empty lines as empty strings', () => {
      const f = framer();
      expect(f.push(bytes('a\n\n\r\nb\n'))).toEqual({
        lines: ['a', '', '', 'b'],
        bad: []
      });
    });
  });

  describe('the first line', () => {
    it('is dropped silently by default, because it may be partial', () => {
      const f = new LineFramer();
      expect(f.push(bytes('midity:39.00\r\ntemp:21.50\r\n'))).toEqual({
        lines: ['temp:21.50'],
        bad: []
      });
    });

    it('is dropped across chunks, and is not reported even when very long or not UTF-8', () => {
      const f = new LineFramer({ maxLineBytes: 8 });
      expect(f.push(new Uint8Array([0xff, 0xfe, 0x41, 0x42]))).toEqual({ lines: [], bad: [] });
      expect(f.push(bytes('x'.repeat(100)))).toEqual({ lines: [], bad: [] });
      expect(f.bufferedBytes).toBe(0);
      expect(f.push(bytes('yy\nok\n'))).toEqual({ lines: ['ok'], bad: [] });
    });

    it('is kept when keepFirstLine says so, e.g. for a header printed right after opening', () => {
      const asked: string[] = [];
      const keep = (line: string) => {
        asked.push(line);
        return line === 'temp\thumidity';
      };
      const f = new LineFramer({ keepFirstLine: keep });
      expect(f.push(bytes('temp\thum'))).toEqual({ lines: [], bad: [] });
      expect(f.push(bytes('idity\r\n21.5\t40\r\n'))).toEqual({
        lines: ['temp\thumidity', '21.5\t40'],
        bad: []
      });
      f.reset();
      expect(f.push(bytes('midity:39\rtemp:21\r'))).toEqual({ lines: ['temp:21'], bad: [] });
      expect(asked).toEqual(['temp\thumidity', 'midity:39']);
    });

    it('with keepFirstLine, is still dropped silently when too long or not UTF-8', () => {
      const keep = () => true;
      const long = new LineFramer({ keepFirstLine: keep, maxLineBytes: 8 });
      expect(long.push(bytes('x'.repeat(20)))).toEqual({ lines: [], bad: [] });
      expect(long.push(bytes('yy\nok\n'))).toEqual({ lines: ['ok'], bad: [] });
      const garbled = new LineFramer({ keepFirstLine: keep });
      expect(garbled.push(new Uint8Array([0x41, 0xff, 0x0a, 0x42, 0x0a]))).toEqual({ lines: ['B'], bad: [] });
    });

    it('is kept with dropFirstLine: false', () => {
      const f = new LineFramer({ dropFirstLine: false });
      expect(f.push(bytes('first\nsecond\n')).lines).toEqual(['first', 'second']);
    });

    it('is dropped again after reset(), and the partial line is forgotten', () => {
      const f = new LineFramer();
      expect(f.push(bytes('x\na\nbc')).lines).toEqual(['a']);
      expect(f.bufferedBytes).toBe(2);
      f.reset();
      expect(f.bufferedBytes).toBe(0);
      expect(f.push(bytes('half\nwhole\n'))).toEqual({ lines: ['whole'], bad: [] });
    });

    it('reset() without dropFirstLine only forgets the partial line', () => {
      const f = framer();
      expect(f.push(bytes('x\nab')).lines).toEqual(['x']);
      f.reset();
      expect(f.push(bytes('cd\n')).lines).toEqual(['cd']);
    });
  });

  describe('too long lines', () => {
    it('reports a line of 4 KiB without a line end once, skips to the next line end', () => {
      const f = framer();
      const result = f.push(bytes(`${'x'.repeat(5000)}\nok\n`));
      expect(result).toEqual({
        lines: ['ok'],
        bad: [{ reason: 'longer than 4 KiB without a line end', text: 'x'.repeat(200) }]
      });
    });

    it('keeps memory bounded while a long line streams in, and reports it once', () => {
      const f = framer();
      const bad = [];
      for (let i = 0; i < 50; i++) {
        const result = f.push(bytes(String(i % 10).repeat(1000)));
        expect(result.lines).toEqual([]);
        bad.push(...result.bad);
        expect(f.bufferedBytes).toBeLessThan(4096);
      }
      expect(bad).toEqual([{ reason: 'longer than 4 KiB without a line end', text: '0'.repeat(200) }]);
      expect(f.push(bytes('still the long one\nnext\n'))).toEqual({ lines: ['next'], bad: [] });
    });

    it('takes up to maxLineBytes - 1 bytes before the \\n; maxLineBytes bytes are too long', () => {
      const f = framer();
      expect(f.push(bytes(`${'a'.repeat(4095)}\n`))).toEqual({
        lines: ['a'.repeat(4095)],
        bad: []
      });
      expect(f.push(bytes(`${'b'.repeat(4096)}\n`))).toEqual({
        lines: [],
        bad: [{ reason: 'longer than 4 KiB without a line end', text: 'b'.repeat(200) }]
      });
    });

    it('gives the same result when the limit is reached exactly at a chunk end', () => {
      const f = framer(10);
      expect(f.push(bytes('0123456789'))).toEqual({
        lines: [],
        bad: [{ reason: 'longer than 10 bytes without a line end', text: '0123456789' }]
      });
      expect(f.bufferedBytes).toBe(0);
      expect(f.push(bytes('\nok\n'))).toEqual({ lines: ['ok'], bad: [] });
    });

    it('says the size in bytes or KiB after maxLineBytes', () => {
      expect(framer(2048).push(bytes('z'.repeat(3000))).bad[0].reason).toBe('longer than 2 KiB without a line end');
      expect(framer(5).push(bytes('123456')).bad).toEqual([
        { reason: 'longer than 5 bytes without a line end', text: '12345' }
      ]);
    });

    it('shows a character cut in half by the limit as nothing rather than garbage', () => {
      // 'é' is 2 bytes; the limit of 4 falls inside the second one.
      expect(framer(4).push(bytes('aaé\n')).bad).toEqual([
        { reason: 'longer than 4 bytes without a line end', text: 'aaé' }
      ]);
      expect(framer(4).push(bytes('aaaé\n')).bad).toEqual([
        { reason: 'longer than 4 bytes without a line end', text: 'aaa' }
      ]);
    });
  });

  describe('UTF-8', () => {
    it('reports a line that is not valid UTF-8, with replacement characters', () => {
      const f = framer();
      const chunk = new Uint8Array([0x61, 0xff, 0x62, 0x0a, ...bytes('ok\n'), 0xc3, 0x0a]);
      expect(f.push(chunk)).toEqual({
        lines: ['ok'],
        bad: [
          { reason: 'not UTF-8 text', text: 'a\ufffdb' },
          { reason: 'not UTF-8 text', text: '\ufffd' }
        ]
      });
    });

    it('cuts the text of a bad line to 200 characters', () => {
      const f = framer();
      const chunk = new Uint8Array([0xff, ...bytes('é'.repeat(300)), 0x0a]);
      expect(f.push(chunk).bad).toEqual([{ reason: 'not UTF-8 text', text: `\ufffd${'é'.repeat(199)}` }]);
    });

    it('decodes characters split across chunks, at every split point', () => {
      const line = 'température:21 влажность:40 温度:3 🌡:4';
      const all = bytes(`${line}\n`);
      for (let split = 1; split < all.length; split++) {
        const f = framer();
        const first = f.push(all.subarray(0, split));
        const second = f.push(all.subarray(split));
        expect(first).toEqual({ lines: [], bad: [] });
        expect(second).toEqual({ lines: [line], bad: [] });
      }
    });

    it('decodes a line fed one byte at a time', () => {
      const f = framer();
      const lines: string[] = [];
      for (const byte of bytes('°C:21\r\n🌡:22\n')) {
        const result = f.push(new Uint8Array([byte]));
        expect(result.bad).toEqual([]);
        lines.push(...result.lines);
      }
      expect(lines).toEqual(['°C:21', '🌡:22']);
    });
  });
});
