// Shared by the lines-fuzz specs: random helpers and one run of bytes, cut into chunks, through a new LineFramer and LineParser.
import { IBadLine, IParseResult, LineFormat, LineFramer, LineParser } from '../../src/sources/lines';

export type Random = () => number;

export const encoder = new TextEncoder();
export const bytes = (text: string): Uint8Array => encoder.encode(text);

export const int = (random: Random, low: number, high: number): number => low + Math.floor(random() * (high - low + 1));
export const pick = <T>(random: Random, items: readonly T[]): T => items[Math.floor(random() * items.length)];

export function concat(parts: Uint8Array[]): Uint8Array {
  const all = new Uint8Array(parts.reduce((sum, part) => sum + part.length, 0));
  let offset = 0;
  for (const part of parts) {
    all.set(part, offset);
    offset += part.length;
  }
  return all;
}

/** Chunk boundaries: random cuts, or fixed small sizes (1 = byte by byte). */
export function randomSplit(random: Random, length: number): number[] {
  const cuts = new Set<number>();
  const count = int(random, 1, 40);
  for (let i = 0; i < count; i++) {
    cuts.add(int(random, 1, Math.max(1, length - 1)));
  }
  return [...cuts].sort((a, b) => a - b);
}

export function evenSplit(length: number, size: number): number[] {
  const cuts: number[] = [];
  for (let at = size; at < length; at += size) {
    cuts.push(at);
  }
  return cuts;
}

export interface IRun {
  lines: string[];
  bad: IBadLine[];
  parsed: IParseResult[];
}

/**
 * Feed `stream` cut at `cuts` to a new framer and parser. The chunks are views into
 * a larger buffer, as a `ReadableStream` may hand them over.
 */
export function run(
  stream: Uint8Array,
  cuts: number[],
  framerOptions: { maxLineBytes?: number; dropFirstLine?: boolean; keepHeader?: boolean },
  parserOptions: { format?: LineFormat; channels?: string[] },
  check?: (framer: LineFramer) => void
): IRun {
  const padded = new Uint8Array(stream.length + 6);
  padded.set(stream, 3);
  const view = padded.subarray(3, 3 + stream.length);
  const parser = new LineParser(parserOptions);
  // As the serial source sets it up: a header as the first line is kept.
  const keepFirstLine = framerOptions.keepHeader ? (line: string) => parser.isHeader(line) : undefined;
  const framer = new LineFramer({ ...framerOptions, keepFirstLine });
  const result: IRun = { lines: [], bad: [], parsed: [] };
  let start = 0;
  for (const end of [...cuts, stream.length]) {
    const { lines, bad } = framer.push(view.subarray(start, end));
    result.lines.push(...lines);
    result.bad.push(...bad);
    result.parsed.push(...lines.map(line => parser.parse(line)));
    check?.(framer);
    start = end;
  }
  return result;
}
