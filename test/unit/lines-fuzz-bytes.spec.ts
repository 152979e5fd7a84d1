/** LineFramer and LineParser on random bytes: they never throw, stay bounded and ignore chunk boundaries. */
import { IBadLine, IParseResult, LINE_FORMATS } from '../../src/sources/lines';
import { randomGenerator } from '../../src/sources/simulated';
import { bytes, encoder, evenSplit, int, pick, Random, randomSplit, run } from './lines-fuzz-testbed';

const chars = (text: string): number => Array.from(text).length;

describe('LineFramer and LineParser on random bytes', () => {
  /** Bytes a broken cable, a wrong baud rate or a runaway sketch could send. */
  function randomBytes(random: Random, length: number): Uint8Array {
    const out: number[] = [];
    const ascii = bytes('0123456789.-+eE:;=, \t{}()"\'[]abcxyz_ést');
    const fragments = ['é', '温度', '🌡', 'влажность', '\ufffd'].map(bytes);
    while (out.length < length) {
      const mode = random();
      if (mode < 0.03) {
        // A long run without a line end.
        const byte = pick(random, [0x78, 0xff, 0x00, 0x31, 0x0d]);
        const run = int(random, 50, 6000);
        for (let i = 0; i < run; i++) {
          out.push(byte);
        }
      } else if (mode < 0.15) {
        out.push(0x0a);
      } else if (mode < 0.2) {
        out.push(0x0d);
      } else if (mode < 0.23) {
        out.push(0x00);
      } else if (mode < 0.33) {
        out.push(int(random, 0x80, 0xff));
      } else if (mode < 0.4) {
        const fragment = pick(random, fragments);
        // Sometimes only part of a character: invalid UTF-8.
        out.push(...fragment.subarray(0, random() < 0.7 ? fragment.length : int(random, 1, fragment.length)));
      } else if (mode < 0.45) {
        out.push(int(random, 0, 0xff));
      } else {
        out.push(pick(random, [...ascii]));
      }
    }
    return new Uint8Array(out.slice(0, length));
  }

  function checkResult(result: IParseResult): void {
    if (result.values !== null) {
      const keys = Object.keys(result.values);
      expect(keys.length).toBeGreaterThan(0);
      expect(keys.length).toBeLessThanOrEqual(64);
      for (const key of keys) {
        expect(chars(key)).toBeLessThanOrEqual(64);
        expect(key).not.toBe('');
        expect(Number.isFinite(result.values[key])).toBe(true);
      }
    }
    result.bad.forEach(checkBad);
    if (result.sender !== undefined) {
      expect(Number.isFinite(result.sender)).toBe(true);
    }
  }

  function checkBad(bad: IBadLine): void {
    expect(typeof bad.reason).toBe('string');
    expect(bad.reason.length).toBeGreaterThan(0);
    expect(chars(bad.text)).toBeLessThanOrEqual(200);
  }

  for (let seed = 1; seed <= 120; seed++) {
    it(`never throws, stays bounded and ignores chunk boundaries (seed ${seed})`, () => {
      const random = randomGenerator(seed);
      const maxLineBytes = pick(random, [1, 8, 64, 300, 4096]);
      const dropFirstLine = random() < 0.5;
      const keepHeader = random() < 0.5;
      const format = pick(random, LINE_FORMATS);
      const channels = random() < 0.3 ? ['a', '', 'c'.repeat(80)] : undefined;
      const stream = randomBytes(random, int(random, 0, 12000));

      const whole = run(stream, [], { maxLineBytes, dropFirstLine, keepHeader }, { format, channels });
      for (const line of whole.lines) {
        expect(line).not.toContain('\n');
        expect(line).not.toContain('\r');
        expect(encoder.encode(line).length).toBeLessThan(maxLineBytes);
      }
      whole.bad.forEach(checkBad);
      whole.parsed.forEach(checkResult);

      const splits = [randomSplit(random, stream.length), randomSplit(random, stream.length)];
      splits.push(evenSplit(stream.length, int(random, 1, 9)));
      if (seed % 10 === 0) {
        splits.push(evenSplit(stream.length, 1));
      }
      for (const cuts of splits) {
        const chunked = run(stream, cuts, { maxLineBytes, dropFirstLine, keepHeader }, { format, channels }, framer =>
          expect(framer.bufferedBytes).toBeLessThan(maxLineBytes)
        );
        expect(chunked).toEqual(whole);
      }
    });
  }
});
