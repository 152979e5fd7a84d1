/** Cuts the bytes a USB serial device sends into text lines, whatever the chunk boundaries. */
import { cut, IBadLine, MAX_TEXT } from './formats/values';
import { trans } from '../i18n';

const LF = 0x0a;
const CR = 0x0d;

/**
 * Decode bytes for showing them in a report: bad bytes become U+FFFD. Only the
 * bytes that can make the first `MAX_TEXT` characters are decoded (each character
 * takes at most 4 bytes), so a long line costs no more than a short one.
 * `cutShort`: the bytes were cut from a longer line, so a character cut in half at
 * their end is left out rather than shown as U+FFFD.
 */
function lenientText(bytes: Uint8Array, cutShort = false): string {
  const limit = 4 * MAX_TEXT;
  const stream = cutShort || bytes.length > limit;
  return cut(new TextDecoder('utf-8').decode(bytes.subarray(0, limit), { stream }), MAX_TEXT);
}

/** Why a line of `bytes` bytes or more is not read: '4 KiB' reads better than '4096 bytes'. */
function tooLongReason(bytes: number): string {
  if (bytes % 1024 === 0) {
    return trans.__('longer than %1 KiB without a line end', bytes / 1024);
  }
  return trans._n('longer than %1 byte without a line end', 'longer than %1 bytes without a line end', bytes);
}

/** The lines of decoded text that ends lines with LF, CR or CRLF. */
function splitLines(text: string, loneCR: boolean): string[] {
  if (loneCR) {
    return text.split(/\r\n|\r|\n/);
  }
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i];
    if (line.endsWith('\r')) {
      lines[i] = line.slice(0, -1);
    }
  }
  return lines;
}

export interface IFramerOptions {
  /** A line reaching this many bytes without a line end is reported and skipped (default 4096). */
  maxLineBytes?: number;
  /**
   * Drop the first line (default true): the port may open in the middle of a line, so
   * the first bytes may be the end of one.
   */
  dropFirstLine?: boolean;
  /**
   * With dropFirstLine: keep the first line all the same when this says yes, e.g. for
   * a complete header a board prints right after the port opens. The line is whole
   * text, valid UTF-8, without its line end; it is asked once per first line.
   */
  keepFirstLine?: (line: string) => boolean;
}

/**
 * Splits a byte stream into lines.
 *
 * A line ends at LF, CR or CRLF (boards print all three; a CRLF is one line end, also
 * when its LF comes in the next chunk). A line may hold at most maxLineBytes - 1
 * bytes before its end: the moment a line reaches maxLineBytes it is reported and
 * skipped, so the result is the same whatever the chunk boundaries, and memory stays
 * bounded.
 */
export class LineFramer {
  constructor(options: IFramerOptions = {}) {
    const max = options.maxLineBytes ?? 4096;
    this._max = Number.isFinite(max) ? Math.max(1, Math.floor(max)) : 4096;
    this._dropFirstLine = options.dropFirstLine ?? true;
    this._keepFirstLine = options.keepFirstLine ?? null;
    this._tooLong = tooLongReason(this._max);
    // Grown on demand up to maxLineBytes: most lines are short.
    this._buffer = new Uint8Array(Math.min(this._max, 256));
    this.reset();
  }

  /** Bytes of the unfinished line held between chunks; always below maxLineBytes. */
  get bufferedBytes(): number {
    return this._length;
  }

  /** Feed a chunk; returns the complete lines it finished (decoded, without their line ends) and the bad ones. */
  push(chunk: Uint8Array): { lines: string[]; bad: IBadLine[] } {
    const lines: string[] = [];
    const bad: IBadLine[] = [];
    // Whole lines of this chunk in a row, [runStart, runEnd): one decoder call for all of
    // them, not one per line (this runs for every line a board prints).
    let runStart = -1;
    let runEnd = -1;
    let runLoneCR = false;
    const decodeRun = () => {
      if (runStart >= 0) {
        this._decodeLines(chunk.subarray(runStart, runEnd), runLoneCR, lines, bad);
        runStart = -1;
        runLoneCR = false;
      }
    };
    // The next LF and CR at or after `start`; -1 when the chunk has no more. Each is
    // searched again only once passed, so a chunk is scanned about twice, not per line.
    let nextLF = -2;
    let nextCR = -2;
    let start = 0;
    if (this._afterCR && chunk.length > 0) {
      this._afterCR = false;
      if (chunk[0] === LF) {
        start = 1; // the LF of a CRLF whose CR ended the last chunk's line
      }
    }
    while (start < chunk.length) {
      if (nextLF !== -1 && nextLF < start) {
        nextLF = chunk.indexOf(LF, start);
      }
      if (nextCR !== -1 && nextCR < start) {
        nextCR = chunk.indexOf(CR, start);
      }
      const end = nextCR < 0 || (nextLF >= 0 && nextLF < nextCR) ? nextLF : nextCR;
      const found = end >= 0;
      const lineEnd = found ? end : chunk.length;
      // Where the next line starts: after LF, CR or CRLF.
      let next = lineEnd + 1;
      if (found && chunk[end] === CR) {
        if (end + 1 === chunk.length) {
          this._afterCR = true;
        } else if (chunk[end + 1] === LF) {
          next = end + 2;
        } else {
          runLoneCR = true;
        }
      }
      if (this._skipping) {
        // The rest of a too-long line, or a first line that is not looked at.
        if (!found) {
          break;
        }
        this._skipping = false;
        start = next;
        continue;
      }
      const room = this._max - this._length;
      if (lineEnd - start >= room) {
        decodeRun();
        // The line reaches maxLineBytes without a line end: report it once (unless it is
        // a first line, which is dropped anyway), then skip to the next line end.
        this._append(chunk.subarray(start, start + room));
        if (!this._first) {
          bad.push({
            reason: this._tooLong,
            text: lenientText(this._buffer.subarray(0, this._length), true)
          });
        }
        this._first = false;
        this._length = 0;
        if (!found) {
          this._skipping = true;
          break;
        }
        start = next;
        continue;
      }
      if (!found) {
        this._append(chunk.subarray(start));
        break;
      }
      if (this._length === 0 && !this._first) {
        if (runStart < 0) {
          runStart = start;
        }
        runEnd = end;
      } else {
        // The end of a line begun in an earlier chunk, or a first line to look at.
        decodeRun();
        this._append(chunk.subarray(start, end));
        this._decodeLine(this._buffer.subarray(0, this._length), lines, bad);
        this._length = 0;
      }
      start = next;
    }
    decodeRun();
    return { lines, bad };
  }

  /** Forget any partial line, and drop the next line again if dropFirstLine (after a reconnect). */
  reset(): void {
    this._length = 0;
    this._afterCR = false;
    this._first = this._dropFirstLine && this._keepFirstLine !== null;
    this._skipping = this._dropFirstLine && !this._first;
  }

  /** Whole lines, decoded in one call; line by line only if one is not UTF-8. */
  private _decodeLines(bytes: Uint8Array, loneCR: boolean, lines: string[], bad: IBadLine[]): void {
    let text: string;
    try {
      text = this._decoder.decode(bytes);
    } catch {
      // Only the lines that are not UTF-8 are reported; a line end is never inside a character.
      let from = 0;
      while (from <= bytes.length) {
        let end = from;
        while (end < bytes.length && bytes[end] !== LF && bytes[end] !== CR) {
          end++;
        }
        this._decodeLine(bytes.subarray(from, end), lines, bad);
        from = bytes[end] === CR && bytes[end + 1] === LF ? end + 2 : end + 1;
      }
      return;
    }
    for (const line of splitLines(text, loneCR)) {
      lines.push(line);
    }
  }

  /** One line's bytes, without its line end: its text, or a report when it is not UTF-8. */
  private _decodeLine(bytes: Uint8Array, lines: string[], bad: IBadLine[]): void {
    let line: string;
    try {
      line = this._decoder.decode(bytes);
    } catch {
      if (!this._first) {
        bad.push({ reason: trans.__('not UTF-8 text'), text: lenientText(bytes) });
      }
      this._first = false;
      return;
    }
    if (!this._first || this._keepFirstLine?.(line)) {
      lines.push(line);
    }
    this._first = false;
  }

  /** Add bytes to the unfinished line; callers keep the total within maxLineBytes. */
  private _append(bytes: Uint8Array): void {
    const needed = this._length + bytes.length;
    if (needed > this._buffer.length) {
      let size = this._buffer.length * 2;
      while (size < needed) {
        size *= 2;
      }
      const grown = new Uint8Array(Math.min(size, this._max));
      grown.set(this._buffer.subarray(0, this._length));
      this._buffer = grown;
    }
    this._buffer.set(bytes, this._length);
    this._length = needed;
  }

  private _max: number;
  private _dropFirstLine: boolean;
  private _keepFirstLine: ((line: string) => boolean) | null;
  private _tooLong: string;
  private _buffer: Uint8Array;
  private _length = 0;
  /** Discarding bytes up to the next line end. */
  private _skipping = false;
  /** The next line is the first after opening, to be kept only if keepFirstLine says so. */
  private _first = false;
  /** The last chunk ended with a CR: an LF at the start of the next one belongs to it. */
  private _afterCR = false;
  private _decoder = new TextDecoder('utf-8', { fatal: true });
}
