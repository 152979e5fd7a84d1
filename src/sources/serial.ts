// A USB board (micro:bit, Arduino, Pico) read with Web Serial, its lines parsed into readings.
import { insecurePageProblem } from './base';
import { trans } from '../i18n';
import { LineFormat, LineFramer, LineParser } from './lines';
import { ChooserError, ReconnectingSource } from './reconnecting';

export interface ISerialOptions {
  /** Bits per second, 9600 to 1,000,000 (default 115200). */
  baudRate: number;
  /** Only offer boards with these USB ids in the chooser. */
  filters: SerialPortFilter[];
  format: LineFormat;
  /** Names for values a board prints without labels. */
  channels: string[];
}

export const DEFAULT_SERIAL_OPTIONS: ISerialOptions = {
  baudRate: 115200,
  filters: [],
  format: 'auto',
  channels: []
};

/** How often a lost device is looked for, besides the browser's `connect` events. */
const LOOK_AGAIN_MS = 500;

/** A board's name for people, from its USB vendor id: "micro:bit (USB)", or "USB device" for one sensorlab does not know. */
function boardName(vendorId?: number): string {
  switch (vendorId) {
    case 0x0d28:
      // TRANSLATORS: %1 is a board's name (micro:bit, Arduino), the same in every language.
      return trans.__('%1 (USB)', 'micro:bit');
    case 0x2e8a:
      return trans.__('%1 (USB)', 'Raspberry Pi Pico');
    case 0x2341:
    case 0x2a03:
      return trans.__('%1 (USB)', 'Arduino');
    case 0x1a86:
      return trans.__('Arduino-compatible board (USB)');
    case 0x10c4:
    case 0x0403:
      return trans.__('USB serial adapter');
    default:
      return trans.__('USB device');
  }
}

/** Why Web Serial cannot be used on this page, in words with the fix, or ''. */
export function webSerialProblem(): string {
  const insecure = insecurePageProblem('serial');
  if (insecure) {
    return insecure;
  }
  if (typeof navigator === 'undefined' || !('serial' in navigator)) {
    return trans.__(
      'This browser cannot use USB devices. Use Chrome or Edge on a computer (Firefox and Safari cannot).'
    );
  }
  return '';
}

/**
 * Ask the browser's chooser for a port, with the checks `options` need first. Call straight
 * from a click handler. Rejects with the problem in words (a ChooserError from the chooser).
 */
export async function requestSerialPort(options: Partial<ISerialOptions> = {}): Promise<SerialPort> {
  const problem = webSerialProblem();
  if (problem) {
    throw new Error(problem);
  }
  const { baudRate, filters } = { ...DEFAULT_SERIAL_OPTIONS, ...options };
  if (!(baudRate >= 9600 && baudRate <= 1_000_000)) {
    // TRANSLATORS: %1 is the speed the notebook gave (baud=...), in bits per second.
    const problem = trans.__(
      "The speed %1 is not one sensorlab uses: choose 9600 to 1000000 baud, as in the board's program.",
      baudRate
    );
    throw new Error(problem);
  }
  try {
    return await navigator.serial.requestPort(filters.length ? { filters } : {});
  } catch (error) {
    if ((error as DOMException).name === 'NotFoundError') {
      throw new ChooserError(trans.__('No device was chosen. Press Connect and pick your board in the list.'));
    }
    // TRANSLATORS: %1 is the browser's reason, in its words.
    throw new ChooserError(trans.__('The browser would not open the device chooser: %1', (error as Error).message));
  }
}

/**
 * The ports a source of this page reads: a port is opened once, and two boards of one kind
 * look alike to a source looking for its lost board, so each looks only at the free ones.
 */
const portsInUse = new Set<SerialPort>();

function sameDevice(a: SerialPortInfo, b: SerialPortInfo): boolean {
  return a.usbVendorId === b.usbVendorId && a.usbProductId === b.usbProductId;
}

/**
 * A board on a USB serial port (micro:bit, Arduino, Pico), read with Web Serial.
 *
 * When the board is unplugged or resets, the source waits for it: the browser's
 * `connect` event or a look at `getPorts()` finds it again, without another click.
 */
export class SerialSource extends ReconnectingSource {
  readonly transport = 'serial' as const;
  readonly units: Record<string, string> = {};

  constructor(id: string, options: Partial<ISerialOptions> = {}) {
    super(id, boardName(), { firstMs: LOOK_AGAIN_MS, maxMs: LOOK_AGAIN_MS });
    this.options = { ...DEFAULT_SERIAL_OPTIONS, ...options };
  }

  options: ISerialOptions;

  /**
   * Ask the browser for a port and read it. Call straight from a click handler: the
   * chooser needs the click, and an `await` before it could spend it.
   */
  async start(): Promise<void> {
    await this.chooseAndUse(
      () => requestSerialPort(this.options),
      port => this.use(port)
    );
  }

  /** Read `port`, a port the user chose (see requestSerialPort), from now on. */
  async use(port: SerialPort): Promise<void> {
    await this._stopReading();
    const session = this.begin();
    this._chosen = port;
    this._info = port.getInfo();
    this.setLabel(boardName(this._info.usbVendorId));
    await this._open(port, session);
  }

  /** True when `port` is the one this source reads or was last given. */
  holds(port: SerialPort): boolean {
    return port === this._chosen || port === this._port;
  }

  /** True when this source waits for a lost board that `port` could be (the same kind of board). */
  awaits(port: SerialPort): boolean {
    return this.state === 'waiting' && this._info !== null && sameDevice(port.getInfo(), this._info);
  }

  /** Stop reading and stop waiting for the device, until the user connects again. */
  async stop(): Promise<void> {
    this.end();
    this._stopListening();
    await this._stopReading();
    this.setState('stopped', '');
  }

  async send(line: string): Promise<void> {
    const port = this._port;
    if (!port?.writable || this.state !== 'connected') {
      throw new Error(trans.__('The USB device is not connected: press Connect and choose it first.'));
    }
    const bytes = new TextEncoder().encode(line.replace(/\r?\n$/, '') + '\n');
    // One write at a time: a stream has one writer.
    const write = this._writing.then(async () => {
      const writer = port.writable!.getWriter();
      try {
        await writer.write(bytes);
      } finally {
        writer.releaseLock();
      }
    });
    this._writing = write.catch(() => undefined);
    try {
      await write;
    } catch (error) {
      // TRANSLATORS: %1 is the browser's reason, in its words.
      throw new Error(trans.__('The line could not be sent to the device: %1', (error as Error).message));
    }
  }

  dispose(): void {
    this._stopListening();
    super.dispose();
    void this._stopReading();
  }

  private async _open(port: SerialPort, session: number): Promise<boolean> {
    this.setState(this.state === 'waiting' ? 'waiting' : 'connecting', this.problem);
    try {
      await port.open({ baudRate: this.options.baudRate });
    } catch (error) {
      if ((error as DOMException).name !== 'InvalidStateError') {
        // Not ready yet (just replugged) or taken by another program.
        // TRANSLATORS: %1 is the browser's reason, in its words.
        const message = trans.__(
          'The device could not be opened: %1. Close other programs using it (Arduino IDE, another tab), then press Connect again.',
          (error as Error).message
        );
        if (this.state !== 'waiting') {
          this.refuse(message);
        }
        return false;
      }
      // Already open: another read of the same port (it is ours).
    }
    if (!this.isCurrent(session)) {
      // Stopped (or disposed, or another board chosen) while the port opened: let it go.
      try {
        await port.close();
      } catch {
        // Already closed.
      }
      return false;
    }
    this._port = port;
    this._chosen = port;
    portsInUse.add(port);
    this._stopListening();
    this.reconnected();
    this._parser = new LineParser({ format: this.options.format, channels: this.options.channels });
    // The first line may be the end of one printed before the port opened, unless it is a
    // whole header: boards that wait `while (!Serial);` print one first.
    this._framer = new LineFramer({ keepFirstLine: line => this._parser.isHeader(line) });
    this.setState('connected', '');
    this._reading = this._read(port);
    return true;
  }

  private async _read(port: SerialPort): Promise<void> {
    let lost = false;
    while (port.readable && this._port === port) {
      const reader = port.readable.getReader();
      this._reader = reader;
      try {
        for (;;) {
          const { value, done } = await reader.read();
          if (done) {
            break;
          }
          if (value) {
            this._onBytes(value);
          }
        }
      } catch (error) {
        // Framing, parity, break and overrun errors leave the port usable; others mean it is gone.
        const recoverable = ['BreakError', 'FramingError', 'ParityError', 'BufferOverrunError'];
        if (!recoverable.includes((error as DOMException).name)) {
          lost = true;
        } else {
          const reason = trans.__('the connection garbled some bytes');
          this.countLine([{ reason, text: (error as Error).message }], true);
          // Bytes were lost: the line they cut is not joined to the bytes after them.
          this._framer.reset();
        }
      } finally {
        reader.releaseLock();
        this._reader = null;
      }
      if (lost || this._port !== port) {
        break;
      }
    }
    if (this._port === port && this.wanted) {
      this._port = null;
      portsInUse.delete(port);
      try {
        await port.close();
      } catch {
        // It is gone already.
      }
      this.lost(trans.__('The device was unplugged or restarted: plug it in again, it is used again by itself.'));
      this._stopListening();
      this._onConnect = () => this.lookNow();
      navigator.serial.addEventListener('connect', this._onConnect);
      this.lookNow();
    }
  }

  private _onBytes(bytes: Uint8Array): void {
    const { lines, bad } = this._framer.push(bytes);
    for (const problem of bad) {
      this.countLine([problem], true);
    }
    const now = Date.now();
    for (const line of lines) {
      if (line.trim() === '') {
        continue;
      }
      this.readLine(this._parser, line, now);
    }
  }

  /** A board this page may use, plugged in again: open it if it is the one that was lost. */
  protected async reconnect(): Promise<boolean> {
    const info = this._info;
    const session = this.session;
    for (const port of info ? await navigator.serial.getPorts() : []) {
      // Stopped, or connected again another way, while the browser answered.
      if (!this.isCurrent(session) || this.state !== 'waiting') {
        return false;
      }
      // Another source's board of the same kind is not this one.
      if (!portsInUse.has(port) && sameDevice(port.getInfo(), info!) && (await this._open(port, session))) {
        return true;
      }
    }
    return false;
  }

  private _stopListening(): void {
    if (this._onConnect) {
      navigator.serial.removeEventListener('connect', this._onConnect);
      this._onConnect = null;
    }
  }

  private async _stopReading(): Promise<void> {
    const port = this._port;
    this._port = null;
    if (port) {
      portsInUse.delete(port);
    }
    if (this._reader) {
      try {
        await this._reader.cancel();
      } catch {
        // Already closed.
      }
    }
    // The read loop releases the stream's lock; the port closes only after that.
    await this._reading;
    if (port) {
      try {
        await this._writing;
        await port.close();
      } catch {
        // Already closed or gone.
      }
    }
  }

  private _port: SerialPort | null = null;
  /** The port last chosen or found again: the same port chosen again is this source's. */
  private _chosen: SerialPort | null = null;
  private _info: SerialPortInfo | null = null;
  private _reader: ReadableStreamDefaultReader<Uint8Array> | null = null;
  private _writing: Promise<void> = Promise.resolve();
  private _reading: Promise<void> = Promise.resolve();
  private _framer = new LineFramer();
  private _parser = new LineParser();
  private _onConnect: (() => void) | null = null;
}
