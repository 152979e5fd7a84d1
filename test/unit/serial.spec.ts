import * as webStreams from 'stream/web';
import * as util from 'util';
import { DEFAULT_SERIAL_OPTIONS, ISerialOptions, SerialSource, webSerialProblem } from '../../src/sources/serial';
import type { IReading, ISourceHealth, SourceState } from '../../src/sources/types';
import { protocolFixture } from './fixtures';
import { expectRefusedStart } from './fakes';

// jsdom has no web streams; Node's are the same API. The encoders are shimmed by
// @jupyterlab/testing already, but only when missing: the same rule here.
const globals = globalThis as unknown as Record<string, unknown>;
const shims: Record<string, unknown> = {
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

const encoder = new TextEncoder();
const MICROBIT: SerialPortInfo = { usbVendorId: 0x0d28, usbProductId: 0x0204 };
const UNPLUGGED = 'plug it in again';

interface IDeferred {
  promise: Promise<void>;
  resolve: () => void;
}

function deferred(): IDeferred {
  let resolve!: () => void;
  const promise = new Promise<void>(r => (resolve = r));
  return { promise, resolve };
}

/**
 * A SerialPort as Chrome's behaves, for what the source uses: `readable` and
 * `writable` exist only while open, a fatal error (unplug) leaves them null, a
 * recoverable one (framing, parity...) replaces `readable` with a new stream, and
 * `close()` refuses while a stream is locked.
 */
class FakePort {
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

type Listener = (event: unknown) => void;

/** `navigator.serial`: a chooser that returns `choice`, and the ports plugged in. */
class FakeSerial {
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

function setSecure(secure: boolean): void {
  Object.defineProperty(window, 'isSecureContext', {
    value: secure,
    configurable: true
  });
}

function installSerial(fake: FakeSerial | null): void {
  delete (navigator as unknown as Record<string, unknown>).serial;
  if (fake) {
    Object.defineProperty(navigator, 'serial', { value: fake, configurable: true });
  }
}

const sleep = (ms: number) => new Promise(resolve => setTimeout(resolve, ms));

/** Wait (real time) until `condition` holds; fail with `what` after `ms`. */
async function waitFor(condition: () => boolean, what: string, ms = 1000): Promise<void> {
  const end = Date.now() + ms;
  while (!condition()) {
    if (Date.now() > end) {
      throw new Error(`timed out after ${ms} ms waiting for ${what}`);
    }
    await sleep(5);
  }
}

/** Let promise chains run, without any timer (for specs on jest's fake clock). */
async function settle(): Promise<void> {
  for (let i = 0; i < 100; i++) {
    await Promise.resolve();
  }
}

interface IWatched {
  source: SerialSource;
  /** Every state the source announced, and its problem and label at the time. */
  states: SourceState[];
  problems: string[];
  labels: string[];
  readings: IReading[];
  healths: ISourceHealth[];
}

describe('SerialSource', () => {
  let serial: FakeSerial;
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
    serial.choice = port;
    const watched = make(options);
    await watched.source.start();
    expect(watched.source.state).toBe('connected');
    return { ...watched, port };
  }

  /** Connected, then the cable pulled: the source waits for the board. */
  async function unplugged(options: Partial<ISerialOptions> = {}) {
    const watched = await connected(options);
    serial.unplug(watched.port);
    await waitFor(() => watched.source.state === 'waiting', "state 'waiting'");
    return watched;
  }

  beforeEach(() => {
    setSecure(true);
    serial = new FakeSerial();
    installSerial(serial);
  });

  afterEach(() => {
    for (const source of sources.splice(0)) {
      source.dispose();
    }
    jest.useRealTimers();
    installSerial(null);
    delete (window as unknown as Record<string, unknown>).isSecureContext;
  });

  describe('webSerialProblem', () => {
    test("is '' on a secure page of a browser with Web Serial", () => {
      expect(webSerialProblem()).toBe('');
    });

    test('on a page that is not secure, says to open it at localhost', () => {
      setSecure(false);
      const problem = webSerialProblem();
      expect(problem).toContain('secure page');
      expect(problem).toContain('http://localhost');
    });

    test('in a browser without Web Serial, names the browsers that have it', () => {
      installSerial(null);
      expect('serial' in navigator).toBe(false);
      expect(webSerialProblem()).toContain('Use Chrome or Edge');
    });

    test.each([
      ['a page that is not secure', () => setSecure(false)],
      ['a browser without Web Serial', () => installSerial(null)]
    ])('on %s, start() rejects with that problem and stays stopped', async (_why, setup) => {
      const fake = serial;
      setup();
      await expectRefusedStart(make(), webSerialProblem(), fake.requestPort);
    });
  });

  describe('start()', () => {
    test('offers only the boards of the filters in the chooser', async () => {
      const filters = [{ usbVendorId: 0x0d28 }, { usbVendorId: 0x2e8a }];
      await connected({ filters });
      expect(serial.requestPort).toHaveBeenCalledTimes(1);
      expect(serial.requestPort).toHaveBeenCalledWith({ filters });
    });

    test('offers every board when there are no filters', async () => {
      await connected();
      expect(serial.requestPort).toHaveBeenCalledWith({});
    });

    test('opens the port at the configured speed', async () => {
      const { port } = await connected({ baudRate: 9600 });
      expect(port.opens).toEqual([9600]);
    });

    test('opens at 115200 baud by default', async () => {
      const { port } = await connected();
      expect(DEFAULT_SERIAL_OPTIONS.baudRate).toBe(115200);
      expect(port.opens).toEqual([115200]);
    });

    test("goes 'connecting' then 'connected', with no problem", async () => {
      const watched = await connected();
      expect(changes(watched)).toEqual(['connecting', 'connected']);
      expect(watched.source.problem).toBe('');
    });

    test.each([
      ['0x0d28', 0x0d28, 0x0204, 'micro:bit (USB)'],
      ['0x2e8a', 0x2e8a, 0x000a, 'Raspberry Pi Pico (USB)'],
      ['0x1234 (unknown)', 0x1234, 0x5678, 'USB device']
    ])('a board of USB vendor %s is named %j', async (_vendor, usbVendorId, usbProductId, label) => {
      const watched = await connected({}, new FakePort({ usbVendorId, usbProductId }));
      expect(watched.source.label).toBe(label);
      // The name is announced with the state change, so views show it at once.
      expect(watched.labels[watched.labels.length - 1]).toBe(label);
    });

    test.each([9599, 300, 1_000_001, 0, -9600, Number.NaN])(
      'refuses %s baud before showing the chooser',
      async baudRate => {
        const { source } = make({ baudRate });
        await expect(source.start()).rejects.toThrow(/9600 to 1000000/);
        expect(serial.requestPort).not.toHaveBeenCalled();
        expect(source.state).toBe('stopped');
        expect(source.problem).toMatch(/9600 to 1000000/);
      }
    );

    test.each([9600, 1_000_000])('accepts %s baud', async baudRate => {
      const { port } = await connected({ baudRate });
      expect(port.opens).toEqual([baudRate]);
    });

    test('when the user closes the chooser without a choice, says how to pick one', async () => {
      serial.choice = new DOMException('No port selected by the user.', 'NotFoundError');
      const { source } = make();
      await expect(source.start()).rejects.toThrow(/^No device was chosen/);
      expect(source.problem).toMatch(/^No device was chosen/);
      expect(source.state).toBe('stopped');
    });

    test('when the chooser cannot open, says why', async () => {
      serial.choice = new DOMException('Must be handling a user gesture.', 'SecurityError');
      const { source } = make();
      await expect(source.start()).rejects.toThrow('Must be handling a user gesture.');
      expect(source.problem).toContain('would not open the device chooser');
      expect(source.state).toBe('stopped');
    });

    test('when the port cannot be opened (another program has it), stops and says so', async () => {
      const port = new FakePort();
      port.open = async () => {
        throw new DOMException('Failed to open serial port.', 'NetworkError');
      };
      serial.choice = port;
      const { source } = make();
      await expect(source.start()).rejects.toThrow(/could not be opened/);
      expect(source.state).toBe('stopped');
      expect(source.problem).toContain('Close other programs');
    });
  });

  describe('bytes to readings', () => {
    test('drops the first line (it may be the end of one printed before), then reads', async () => {
      const { port, readings, source } = await connected();
      port.print('ature:19 light:12\r\n');
      await sleep(30);
      expect(readings).toEqual([]);
      expect(source.health.lines).toBe(0);

      const before = Date.now();
      port.print('temperature:21 light:134\r\n');
      await waitFor(() => readings.length === 1, 'a reading');
      expect(readings[0].values).toEqual({ temperature: 21, light: 134 });
      expect(readings[0].source).toBe('usb');
      expect(readings[0].time).toBeGreaterThanOrEqual(before);
      expect(readings[0].time).toBeLessThanOrEqual(Date.now());
      expect(source.health).toMatchObject({ lines: 1, readings: 1, badLines: 0, badValues: 0 });
    });

    test('reads lines whatever the chunks, and skips empty ones', async () => {
      const { port, readings, source } = await connected();
      port.print('\n');
      port.print('tempera');
      port.print('ture:21\r');
      port.print('\n\r\n\ntemperature:22\r\ntemp');
      port.print('erature:23\r\n');
      await waitFor(() => readings.length === 3, 'three readings');
      expect(readings.map(r => r.values)).toEqual([{ temperature: 21 }, { temperature: 22 }, { temperature: 23 }]);
      expect(source.health).toMatchObject({ lines: 3, readings: 3 });
    });

    test('counts a bad value and a line that is not UTF-8, and shows them', async () => {
      const { port, readings, source, healths } = await connected();
      port.print('\n');
      port.print('temperature:abc light:5\r\n');
      port.printBytes([0xff, 0xfe, 0x41, 0x0d, 0x0a]);
      port.print('temperature:21\r\n');
      await settle(); // the bytes are read at once, well before the health timer
      expect(readings).toHaveLength(2);
      // The bad value does not lose the good one beside it.
      expect(readings.map(r => r.values)).toEqual([{ light: 5 }, { temperature: 21 }]);
      const health = source.health;
      expect(health).toMatchObject({ lines: 3, readings: 2, badLines: 1, badValues: 1 });
      expect(health.recent).toEqual([
        expect.objectContaining({
          reason: '"abc" is not a number',
          text: 'temperature:abc light:5'
        }),
        expect.objectContaining({ reason: 'not UTF-8 text', text: '\uFFFD\uFFFDA' })
      ]);
      // Told to the views once, a little later, with both problems.
      expect(healths).toEqual([]);
      await waitFor(() => healths.length === 1, 'healthChanged', 1000);
      expect(healths[0]).toMatchObject({ badLines: 1, badValues: 1 });
      expect(healths[0].recent).toHaveLength(2);
    });

    test('healthChanged is throttled: many problems, one signal per 250 ms', async () => {
      const { port, source, healths } = await connected();
      port.print('\n');
      for (let i = 0; i < 5; i++) {
        port.print(`light:${i} x:oops${i}\r\n`);
      }
      await settle();
      expect(source.health.badValues).toBe(5);
      expect(healths).toHaveLength(0);
      await waitFor(() => healths.length > 0, 'healthChanged');
      await sleep(300);
      expect(healths).toHaveLength(1);
      expect(healths[0].badValues).toBe(5);
      // A later problem is told again.
      port.print('light:9 y:oops\r\n');
      await waitFor(() => healths.length === 2, 'a second healthChanged');
      expect(healths[1].badValues).toBe(6);
    });

    test('uses the configured format: csv with a header (auto would take it for plotter)', async () => {
      const { port, readings } = await connected({ format: 'csv' });
      port.print('\n');
      port.print('temp: C,light\r\n21.5,134\r\n');
      await waitFor(() => readings.length === 1, 'a reading');
      expect(readings[0].values).toEqual({ 'temp: C': 21.5, light: 134 });
    });

    test('names unlabelled values with the configured channels', async () => {
      const { port, readings } = await connected({ channels: ['a', 'b'] });
      port.print('\n1 2\r\n3 4 5\r\n');
      await waitFor(() => readings.length === 2, 'two readings');
      expect(readings.map(r => r.values)).toEqual([
        { a: 1, b: 2 },
        { a: 3, b: 4, 'value 3': 5 }
      ]);
    });
  });

  describe('a garbled byte (framing error)', () => {
    test('keeps reading the same port, and counts a bad line', async () => {
      const watched = await connected();
      const { port, readings, source } = watched;
      port.print('\ntemperature:21\r\n');
      await waitFor(() => readings.length === 1, 'a reading');
      port.garble();
      await sleep(20);
      port.print('temperature:22\r\ntemperature:23\r\n');
      await waitFor(() => readings.length >= 2, 'readings after the error');
      await sleep(20);
      expect(readings[readings.length - 1].values).toEqual({ temperature: 23 });
      expect(source.state).toBe('connected');
      expect(changes(watched)).toEqual(['connecting', 'connected']);
      expect(port.opens).toHaveLength(1);
      expect(port.closes).toBe(0);
      expect(serial.getPorts).not.toHaveBeenCalled();
      const health = source.health;
      expect(health.badLines).toBe(1);
      expect(health.recent).toEqual([
        expect.objectContaining({
          reason: 'the connection garbled some bytes',
          text: 'A framing error was detected.'
        })
      ]);
    });

    test('a line cut by the error is not joined to the bytes after it', async () => {
      // The bytes between were lost: gluing the two halves makes a value the board never printed.
      const { port, readings } = await connected();
      port.print('\ntemperature:21\r\n');
      port.print('temperature:2');
      await settle(); // read, so the half line waits in the source
      expect(readings).toHaveLength(1);
      port.garble();
      await settle();
      port.print('5.5 light:9\r\ntemperature:23\r\n');
      await waitFor(() => readings.length >= 2, 'a reading after the error');
      await sleep(20);
      expect(readings.map(r => r.values)).toEqual([{ temperature: 21 }, { temperature: 23 }]);
    });
  });

  describe('unplugged and plugged in again', () => {
    test('waits for the board, saying to plug it in; readings stop', async () => {
      const watched = await unplugged();
      const { source, port, readings } = watched;
      expect(source.problem).toContain(UNPLUGGED);
      expect(changes(watched)).toEqual(['connecting', 'connected', 'waiting']);
      // The lost port is let go.
      expect(port.closes).toBe(1);
      await sleep(50);
      expect(readings).toEqual([]);
      await expect(source.send('x')).rejects.toThrow('not connected');
    });

    test('takes the new port when the browser announces it: same speed, no chooser', async () => {
      const watched = await unplugged({ baudRate: 57600 });
      const { source, readings } = watched;
      const again = new FakePort();
      serial.plug(again);
      await waitFor(() => source.state === 'connected', "state 'connected'");
      expect(again.opens).toEqual([57600]);
      expect(serial.requestPort).toHaveBeenCalledTimes(1);
      expect(source.problem).toBe('');
      expect(changes(watched)).toEqual(['connecting', 'connected', 'waiting', 'connected']);

      // The first line after reopening may be a half one: dropped.
      again.print('ure:99\r\n');
      again.print('temperature:24\r\n');
      await waitFor(() => readings.length === 1, 'a reading from the new port');
      await sleep(20);
      expect(readings.map(r => r.values)).toEqual([{ temperature: 24 }]);
      expect(readings[0].source).toBe('usb');

      // And it can be written to.
      await source.send('target 21.5');
      expect(again.text).toBe('target 21.5\n');
    });

    test('finds it by looking at getPorts() when no connect event comes', async () => {
      const { source } = await unplugged();
      const again = new FakePort();
      serial.plug(again, false);
      await waitFor(() => source.state === 'connected', "state 'connected'", 1200);
      expect(again.opens).toEqual([DEFAULT_SERIAL_OPTIONS.baudRate]);
      expect(serial.requestPort).toHaveBeenCalledTimes(1);
    });

    test('a board with other USB ids is not taken for it', async () => {
      const { source } = await unplugged();
      const arduino = new FakePort({ usbVendorId: 0x2341, usbProductId: 0x0043 });
      const otherMicrobit = new FakePort({ usbVendorId: 0x0d28, usbProductId: 0x0205 });
      serial.plug(arduino);
      serial.plug(otherMicrobit);
      await sleep(700); // past a look at getPorts()
      expect(serial.getPorts.mock.calls.length).toBeGreaterThanOrEqual(2);
      expect(arduino.openCalls).toBe(0);
      expect(otherMicrobit.openCalls).toBe(0);
      expect(source.state).toBe('waiting');

      const again = new FakePort();
      serial.plug(again);
      await waitFor(() => source.state === 'connected', "state 'connected'");
      expect(again.opens).toHaveLength(1);
    });

    test('keeps waiting while the replugged board cannot be opened yet', async () => {
      const { source } = await unplugged();
      const again = new FakePort();
      let refusals = 2;
      const open = again.open.bind(again);
      again.open = async options => {
        if (refusals-- > 0) {
          throw new DOMException('Failed to open serial port.', 'NetworkError');
        }
        return open(options);
      };
      serial.plug(again);
      await sleep(30);
      expect(source.state).toBe('waiting');
      expect(source.problem).toContain(UNPLUGGED);
      await waitFor(() => source.state === 'connected', "state 'connected'", 2500);
    });

    test('the browser announcing the board twice while it opens opens it once', async () => {
      const watched = await unplugged();
      const { source } = watched;
      serial.getPortsDelayMs = 1; // the browser answers later, as it does
      const again = new FakePort();
      const gate = deferred();
      again.openGate = gate.promise; // a board that takes its time to open
      serial.plug(again);
      await waitFor(() => again.opens.length === 1, 'the open to start');
      serial.announce(again); // or the look every 500 ms, while it still opens
      await sleep(50);
      gate.resolve();
      await waitFor(() => source.state === 'connected', "state 'connected'");
      await sleep(50);
      expect(again.openCalls).toBe(1);
      expect(changes(watched)).toEqual(['connecting', 'connected', 'waiting', 'connected']);
      again.print('\ntemperature:24\r\n');
      await waitFor(() => watched.readings.length === 1, 'a reading');
      await expect(source.stop()).resolves.toBeUndefined();
      expect(again.isOpen).toBe(false);
    });
  });

  describe('stop()', () => {
    test('stops reading and closes the port', async () => {
      const { source, port } = await connected();
      await source.stop();
      expect(source.state).toBe('stopped');
      expect(source.problem).toBe('');
      expect(port.closes).toBe(1);
      expect(port.isOpen).toBe(false);
    });

    test('after stop(), a board plugged in again is left alone', async () => {
      const { source } = await unplugged();
      await source.stop();
      expect(source.state).toBe('stopped');
      expect(source.problem).toBe('');
      expect(serial.listeners.size).toBe(0);
      const again = new FakePort();
      serial.plug(again);
      await sleep(700); // past a look at getPorts()
      expect(again.openCalls).toBe(0);
      expect(source.state).toBe('stopped');
    });

    test('stop() while the chosen port opens leaves it closed and stopped', async () => {
      const port = new FakePort();
      const gate = deferred();
      port.openGate = gate.promise;
      serial.choice = port;
      const { source, readings } = make();
      const starting = source.start();
      await waitFor(() => port.opens.length === 1, 'the open to start');
      await source.stop();
      gate.resolve();
      await starting.catch(() => undefined);
      await sleep(20);
      expect(source.state).toBe('stopped');
      expect(port.isOpen).toBe(false);
      expect(readings).toEqual([]);
    });

    test('stop() while the replugged board opens leaves it closed and stopped', async () => {
      const { source } = await unplugged();
      const again = new FakePort();
      const gate = deferred();
      again.openGate = gate.promise;
      serial.plug(again);
      await waitFor(() => again.opens.length === 1, 'the open to start');
      await source.stop();
      gate.resolve();
      await sleep(20);
      expect(source.state).toBe('stopped');
      expect(again.isOpen).toBe(false);
    });

    test('stop() while the browser lists the ports does not open the board after', async () => {
      const { source } = await unplugged();
      const answer = deferred();
      serial.getPortsGate = answer.promise;
      const looks = serial.getPorts.mock.calls.length;
      const again = new FakePort();
      serial.plug(again);
      expect(serial.getPorts).toHaveBeenCalledTimes(looks + 1); // asked, not answered
      await source.stop();
      answer.resolve();
      await sleep(20);
      expect(source.state).toBe('stopped');
      expect(again.openCalls).toBe(0);
    });
  });

  describe('send()', () => {
    test('writes the line and one newline', async () => {
      const { source, port } = await connected();
      await source.send('target 21.5');
      expect(port.text).toBe('target 21.5\n');
    });

    test.each(['target 21.5\n', 'target 21.5\r\n'])('does not double the line end of %j', async line => {
      const { source, port } = await connected();
      await source.send(line);
      expect(port.text).toBe('target 21.5\n');
    });

    test('two sends in a row arrive whole and in order', async () => {
      const { source, port } = await connected();
      await Promise.all([source.send('target 21.5'), source.send('led on')]);
      expect(port.text).toBe('target 21.5\nled on\n');
      // The stream is free again afterwards.
      expect(port.writable?.locked).toBe(false);
    });

    test('before connecting, rejects with the message the kernel is sent', async () => {
      const { source } = make();
      const expected = protocolFixture<{ error: string }>('device_result-error.json').error;
      await expect(source.send('target 21.5')).rejects.toThrow(expected);
      expect(expected).toMatch(/^The USB device is not connected/);
    });

    test('after stop(), rejects', async () => {
      const { source, port } = await connected();
      await source.stop();
      await expect(source.send('target 21.5')).rejects.toThrow(/^The USB device is not connected/);
      expect(port.written).toEqual([]);
    });
  });

  describe('dispose()', () => {
    test('stops looking for the board: no timers, no connect listener', async () => {
      jest.useFakeTimers({ doNotFake: ['queueMicrotask', 'nextTick'] });
      serial.choice = new FakePort();
      const { source } = make();
      await source.start();
      const port = serial.choice as FakePort;
      port.print('\nx:bad\r\n'); // a problem: the health timer runs
      await settle();
      serial.unplug(port);
      await settle();
      expect(source.state).toBe('waiting');
      expect(serial.addEventListener).toHaveBeenCalledWith('connect', expect.any(Function));
      expect(jest.getTimerCount()).toBeGreaterThanOrEqual(2); // the look every 500 ms, health

      source.dispose();
      expect(jest.getTimerCount()).toBe(0);
      const listener = serial.addEventListener.mock.calls[0][1];
      expect(serial.removeEventListener).toHaveBeenCalledWith('connect', listener);
      expect(serial.listeners.size).toBe(0);

      const looks = serial.getPorts.mock.calls.length;
      const again = new FakePort();
      serial.plug(again);
      await jest.advanceTimersByTimeAsync(2000);
      expect(serial.getPorts.mock.calls.length).toBe(looks);
      expect(again.openCalls).toBe(0);
    });

    test('dispose() while connected lets the port go', async () => {
      const { source, port } = await connected();
      source.dispose();
      await waitFor(() => !port.isOpen, 'the port to close');
      expect(port.closes).toBe(1);
    });
  });
});
