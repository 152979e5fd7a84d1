// Fakes for the serial specs: a USB port and Web Serial's navigator.serial, and the set-up every serial spec shares.
import * as webStreams from 'stream/web';
import * as util from 'util';
import { ISerialOptions, SerialSource } from '../../src/sources/serial';
import { setSecure } from './fakes';
import type { IReading, ISourceHealth, SourceState } from '../../src/sources/types';

// jsdom has no web streams; Node's are the same API. The encoders are shimmed by
// @jupyterlab/testing already, but only when missing: the same rule here.
export const globals = globalThis as unknown as Record<string, unknown>;
export const shims: Record<string, unknown> = {
  ReadableStream: webStreams.ReadableStream,
  WritableStream: webStreams.WritableStream,
  TextEncoder: util.TextEncoder,
  TextDecoder: util.TextDecoder
};
for (const [name, value] of Object.entries(shims)) {
  if (typeof globals[name] === 'undefined') {
    globals[name] = value;
  }
}

export const encoder = new TextEncoder();
export const MICROBIT: SerialPortInfo = { usbVendorId: 0x0d28, usbProductId: 0x0204 };
export const UNPLUGGED = 'plug it in again';

/**
 * A SerialPort as Chrome's behaves, for what the source uses: `readable` and
 * `writable` exist only while open, a fatal error (unplug) leaves them null, a
 * recoverable one (framing, parity...) replaces `readable` with a new stream, and
 * `close()` refuses while a stream is locked.
 */
export class FakePort {
  constructor(readonly info: SerialPortInfo = MICROBIT) {}

  readable: ReadableStream<Uint8Array> | null = null;
  writable: WritableStream<Uint8Array> | null = null;
  /** Every call of open(), and the baud rate of each open that started. */
  openCalls = 0;
  readonly opens: number[] = [];
  closes = 0;
  isOpen = false;
  unplugged = false;
  /** When set, an open waits for it: a device that takes its time. */
  openGate: Promise<void> | null = null;
  /** The bytes written to the device. */
  readonly written: number[] = [];

  get text(): string {
    return new TextDecoder().decode(new Uint8Array(this.written));
  }

  getInfo(): SerialPortInfo {
    return { ...this.info };
  }

  async open(options: SerialOptions): Promise<void> {
    this.openCalls++;
    if (this.isOpen || this._opening) {
      throw new DOMException('The port is already open.', 'InvalidStateError');
    }
    if (this.unplugged) {
      throw new DOMException('Failed to open serial port.', 'NetworkError');
    }
    this.opens.push(options.baudRate);
    this._opening = true;
    try {
      await this.openGate;
    } finally {
      this._opening = false;
    }
    this.isOpen = true;
    this.readable = this._newReadable();
    this.writable = new WritableStream<Uint8Array>({
      write: chunk => {
        this.written.push(...chunk);
      }
    });
  }

  async close(): Promise<void> {
    if (!this.isOpen) {
      throw new DOMException('The port is already closed.', 'InvalidStateError');
    }
    if (this.readable?.locked || this.writable?.locked) {
      throw new TypeError('Cannot cancel a locked stream');
    }
    this.closes++;
    this.isOpen = false;
    this.readable = null;
    this.writable = null;
    this._controller = null;
  }

  /** The board prints `text`. */
  print(text: string): void {
    this.printBytes(encoder.encode(text));
  }

  printBytes(bytes: Uint8Array | number[]): void {
    if (!this._controller) {
      throw new Error('the fake port is not open');
    }
    this._controller.enqueue(new Uint8Array(bytes));
  }

  /** The cable is pulled: the stream fails for good. */
  unplug(): void {
    this.unplugged = true;
    const controller = this._controller;
    this._controller = null;
    this.readable = null;
    this.writable = null;
    controller?.error(new DOMException('The device has been lost.', 'NetworkError'));
  }

  /** A framing error: the stream fails, the port gives a new one. */
  garble(): void {
    const controller = this._controller;
    this.readable = this._newReadable();
    controller?.error(new DOMException('A framing error was detected.', 'FramingError'));
  }

  private _newReadable(): ReadableStream<Uint8Array> {
    return new ReadableStream<Uint8Array>({
      start: controller => {
        this._controller = controller;
      }
    });
  }

  private _opening = false;
  private _controller: ReadableStreamDefaultController<Uint8Array> | null = null;
}

export type Listener = (event: unknown) => void;

/** `navigator.serial`: a chooser that returns `choice`, and the ports plugged in. */
export class FakeSerial {
  /** What the user picks in the chooser: a port, or the error the chooser rejects with. */
  choice: FakePort | Error = new FakePort();
  /** Ports this page may use that are plugged in: what getPorts() returns. */
  ports: FakePort[] = [];
  /** When set, getPorts() answers after this many milliseconds (a real timer). */
  getPortsDelayMs: number | null = null;
  /** When set, getPorts() answers only once it resolves. */
  getPortsGate: Promise<void> | null = null;
  readonly listeners = new Set<Listener>();

  readonly requestPort = jest.fn(async (_options?: SerialPortRequestOptions) => {
    const choice = this.choice;
    if (choice instanceof Error) {
      throw choice;
    }
    if (!this.ports.includes(choice)) {
      this.ports.push(choice);
    }
    return choice;
  });

  readonly getPorts = jest.fn(async () => {
    if (this.getPortsDelayMs !== null) {
      await new Promise(resolve => setTimeout(resolve, this.getPortsDelayMs!));
    }
    await this.getPortsGate;
    return [...this.ports];
  });

  readonly addEventListener = jest.fn((type: string, listener: Listener) => {
    if (type === 'connect') {
      this.listeners.add(listener);
    }
  });

  readonly removeEventListener = jest.fn((type: string, listener: Listener) => {
    if (type === 'connect') {
      this.listeners.delete(listener);
    }
  });

  /** A board is plugged in (again): a new port; the browser says so unless `announce` is false. */
  plug(port: FakePort, announce = true): void {
    this.ports.push(port);
    if (announce) {
      this.announce(port);
    }
  }

  /** The browser's `connect` event for `port`. */
  announce(port: FakePort): void {
    for (const listener of [...this.listeners]) {
      listener({ type: 'connect', target: port });
    }
  }

  unplug(port: FakePort): void {
    this.ports = this.ports.filter(p => p !== port);
    port.unplug();
  }
}

export function installSerial(fake: FakeSerial | null): void {
  delete (navigator as unknown as Record<string, unknown>).serial;
  if (fake) {
    Object.defineProperty(navigator, 'serial', { value: fake, configurable: true });
  }
}

export const sleep = (ms: number) => new Promise(resolve => setTimeout(resolve, ms));

/** Wait (real time) until `condition` holds; fail with `what` after `ms`. */
export async function waitFor(condition: () => boolean, what: string, ms = 1000): Promise<void> {
  const end = Date.now() + ms;
  while (!condition()) {
    if (Date.now() > end) {
      throw new Error(`timed out after ${ms} ms waiting for ${what}`);
    }
    await sleep(5);
  }
}

/** Let promise chains run, without any timer (for specs on jest's fake clock). */
export async function settle(): Promise<void> {
  for (let i = 0; i < 100; i++) {
    await Promise.resolve();
  }
}

export interface IWatched {
  source: SerialSource;
  /** Every state the source announced, and its problem and label at the time. */
  states: SourceState[];
  problems: string[];
  labels: string[];
  readings: IReading[];
  healths: ISourceHealth[];
}

/** What each serial spec sets up: a fake Web Serial on a secure page, sources made and disposed. */
export function serialTestbed() {
  const sources: SerialSource[] = [];

  function make(options: Partial<ISerialOptions> = {}): IWatched {
    const source = new SerialSource('usb', options);
    sources.push(source);
    const watched: IWatched = {
      source,
      states: [],
      problems: [],
      labels: [],
      readings: [],
      healths: []
    };
    source.stateChanged.connect((_, state) => {
      watched.states.push(state);
      watched.problems.push(source.problem);
      watched.labels.push(source.label);
    });
    source.readingReceived.connect((_, reading) => watched.readings.push(reading));
    source.healthChanged.connect((_, health) => watched.healths.push(health));
    return watched;
  }

  /** The states in order, without repeats (a label change re-announces the state). */
  function changes(watched: IWatched): SourceState[] {
    return watched.states.filter((state, i) => state !== (watched.states[i - 1] ?? 'stopped'));
  }

  /** A source connected to `port` (picked in the chooser). */
  async function connected(
    options: Partial<ISerialOptions> = {},
    port = new FakePort()
  ): Promise<IWatched & { port: FakePort }> {
    bed.serial.choice = port;
    const watched = make(options);
    await watched.source.start();
    expect(watched.source.state).toBe('connected');
    return { ...watched, port };
  }

  /** Connected, then the cable pulled: the source waits for the board. */
  async function unplugged(options: Partial<ISerialOptions> = {}) {
    const watched = await connected(options);
    bed.serial.unplug(watched.port);
    await waitFor(() => watched.source.state === 'waiting', "state 'waiting'");
    return watched;
  }

  const bed = { serial: new FakeSerial(), make, changes, connected, unplugged };

  beforeEach(() => {
    setSecure(true);
    bed.serial = new FakeSerial();
    installSerial(bed.serial);
  });

  afterEach(() => {
    for (const source of sources.splice(0)) {
      source.dispose();
    }
    jest.useRealTimers();
    installSerial(null);
    delete (window as unknown as Record<string, unknown>).isSecureContext;
  });
  return bed;
}
