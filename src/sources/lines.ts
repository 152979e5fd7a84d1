/**
 * From the bytes a USB serial device prints to named numbers.
 *
 * Two steps, so each can be tested alone: `LineFramer` (framer.ts) cuts the byte
 * stream into text lines, `LineParser` reads each line in one of the formats classroom
 * boards print (formats/, one file each). Problems are reported, never thrown: a
 * pupil's program prints all sorts of things and the log must keep going.
 */
import { createFormat, detectFormat, LineFormat } from './formats/detect';
import { ChannelNames } from './formats/names';
import { ILineFormat, IParseResult, isBlank } from './formats/values';

export { LineFramer } from './framer';
export { LINE_FORMATS } from './formats/detect';
export type { LineFormat } from './formats/detect';
export type { IBadLine, IParseResult } from './formats/values';

/** The source id of a micro:bit heard through a radio gateway: `microbit-<serial number>`, whatever port the gateway is on. */
export function senderSource(sender: number): string {
  return `microbit-${sender}`;
}

/** Whose reading a line's values are: the sending micro:bit's for a radio packet (and its name, when it sent one), else nobody's but the device's own. */
export function sentBy(result: IParseResult): { source?: string; device?: string } {
  if (result.sender === undefined) {
    return {};
  }
  const source = senderSource(result.sender);
  return result.device === undefined ? { source } : { source, device: result.device };
}

/**
 * Reads lines in one format, chosen or found out; remembers header names per device.
 *
 * With 'auto' the first line that tells decides, and the decision stays (see
 * `detectFormat`). A line the detected format cannot read at all (a message such as a
 * traceback, `Starting...`) is reported and decides nothing, so a board's greeting
 * does not fix the format before its readings come.
 *
 * One parser per device: its names come from that device's header lines. Through a
 * radio gateway, each sending micro:bit is a device of its own: a packet's result says
 * which (`sender`), and carries the name that micro:bit last sent (`device`). A packet
 * holds one value, so two values a micro:bit sends at nearly the same moment (`temp`,
 * then `light`) are two results, and become two readings.
 */
export class LineParser {
  constructor(options: { format?: LineFormat; channels?: string[] } = {}) {
    this._names = new ChannelNames(options.channels);
    const format = options.format ?? 'auto';
    if (format !== 'auto') {
      this._use(format);
    }
  }

  /** The format in use: the chosen one, or what 'auto' detected ('auto' until a line decides it). */
  get format(): LineFormat {
    return this._format;
  }

  /** Current names for positional values (user's channels first, else the last header/labels line seen). */
  get names(): ReadonlyArray<string> {
    return this._names.all;
  }

  parse(line: string): IParseResult {
    if (isBlank(line)) {
      return { values: null, bad: [] };
    }
    if (this._reader) {
      return this._withSenderName(this._reader.parse(line));
    }
    const format = detectFormat(line);
    const reader = createFormat(format, this._names);
    const result = reader.parse(line);
    if (result.values !== null || result.bad.length === 0) {
      this._use(format, reader);
    }
    return this._withSenderName(result);
  }

  /**
   * True when `line` is a complete header in the format in use (or the one `line`
   * shows, while 'auto' has not decided): names only, such as `time,temp,humidity` or
   * `temp\thumidity`. The framer asks this of the first line after the port opens: a
   * header a board prints right after `while (!Serial);` is kept, while anything else
   * there, a reading included, may be the end of a line begun before the port opened
   * and is dropped. Changes nothing.
   */
  isHeader(line: string): boolean {
    if (isBlank(line)) {
      return false;
    }
    const reader = this._reader ?? createFormat(detectFormat(line), this._names);
    return reader.isHeader(line);
  }

  /** Remember the name a sending micro:bit gives, and give it to that micro:bit's later results. */
  private _withSenderName(result: IParseResult): IParseResult {
    if (result.sender === undefined) {
      return result;
    }
    if (result.device !== undefined) {
      this._senderNames.set(result.sender, result.device);
      return result;
    }
    const device = this._senderNames.get(result.sender);
    return device === undefined ? result : { ...result, device };
  }

  private _use(format: Exclude<LineFormat, 'auto'>, reader = createFormat(format, this._names)): void {
    this._format = format;
    this._reader = reader;
  }

  private _format: LineFormat = 'auto';
  private _reader: ILineFormat | null = null;
  private _names: ChannelNames;
  /** Sender's serial number → the name it sent last. */
  private _senderNames = new Map<number, string>();
}
