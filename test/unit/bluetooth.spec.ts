import { BluetoothSource, IBluetoothOptions, webBluetoothProblem } from '../../src/sources/bluetooth';
import type { IReading, ISource, SourceState } from '../../src/sources/types';
import { expectRefusedStart } from './fakes';

const ESS = '0000181a-0000-1000-8000-00805f9b34fb';
const TEMPERATURE = '00002a6e-0000-1000-8000-00805f9b34fb';
const HUMIDITY = '00002a6f-0000-1000-8000-00805f9b34fb';
const PRESSURE = '00002a6d-0000-1000-8000-00805f9b34fb';
const ILLUMINANCE = '00002afb-0000-1000-8000-00805f9b34fb';
const MICROBIT_SERVICE = 'e95d6100-251d-470a-a062-fa1922dfa9a8';
const MICROBIT_TEMPERATURE = 'e95d9250-251d-470a-a062-fa1922dfa9a8';
const MICROBIT_PERIOD = 'e95d1b25-251d-470a-a062-fa1922dfa9a8';
/** The Device Information service: a sensor may have it, sensorlab does not read it. */
const DEVICE_INFORMATION = '0000180a-0000-1000-8000-00805f9b34fb';

const LINUX_CHROME =
  'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0.0.0 Safari/537.36';
const LINUX_CHROMIUM =
  'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chromium/126.0.0.0 Chrome/126.0.0.0 Safari/537.36';
const LINUX_FIREFOX = 'Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0';
const MAC_SAFARI =
  'Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.5 Safari/605.1.15';
const CHROMEOS =
  'Mozilla/5.0 (X11; CrOS x86_64 14541.0.0) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0.0.0 Safari/537.36';
const ANDROID_CHROME =
  'Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0.0.0 Mobile Safari/537.36';

const OUT_OF_REACH = 'out of reach';

function dataView(bytes: number[]): DataView<ArrayBuffer> {
  return new DataView(new Uint8Array(bytes).buffer);
}

function bytesOf(data: BufferSource): number[] {
  if (ArrayBuffer.isView(data)) {
    return Array.from(new Uint8Array(data.buffer, data.byteOffset, data.byteLength));
  }
  return Array.from(new Uint8Array(data));
}

// ---------------------------------------------------------------------------------
// A fake Web Bluetooth, as Chrome behaves for what the source uses:
// - `gatt.connect()` fails while the sensor is out of reach; `disconnect()` during a
//   connect that has not finished makes it reject with AbortError;
// - `disconnect()` and a lost link fire `gattserverdisconnected` on the device;
// - every connection gives new service and characteristic objects, and those of an
//   earlier connection refuse to work (InvalidStateError);
// - `getPrimaryService` / `getCharacteristic` reject with NotFoundError for what the
//   sensor lacks;
// - `readValue()` sets `value` and fires `characteristicvaluechanged` too (the Web
//   Bluetooth spec and Chrome do; web-platform-tests readValue/event-is-fired).
// ---------------------------------------------------------------------------------

/** One characteristic of the sensor itself: what it offers and what it holds. */
interface IAttribute {
  properties: { read: boolean; notify: boolean; write: boolean };
  /** What a read returns now. */
  bytes: number[];
  /** startNotifications() rejects though `notify` is set (some sensors do). */
  refuseNotifications?: boolean;
  /** What the sensor keeps of a write (the micro:bit rounds its period). */
  onWrite?: (bytes: number[]) => number[];
}

/** Service UUID → characteristic UUID → attribute. */
type Profile = Record<string, Record<string, IAttribute>>;

function attribute(
  bytes: number[],
  properties: Partial<IAttribute['properties']> = {},
  extra: Partial<IAttribute> = {}
): IAttribute {
  return {
    properties: { read: true, notify: false, write: false, ...properties },
    bytes,
    ...extra
  };
}

/** An Environmental Sensing sensor: 21.5 °C, 40 %, 1013.25 hPa, 1000 lx. */
function essProfile(notify: boolean): Profile {
  return {
    [ESS]: {
      [TEMPERATURE]: attribute([0x66, 0x08], { notify }),
      [HUMIDITY]: attribute([0xa0, 0x0f], { notify }),
      [PRESSURE]: attribute([0x02, 0x76, 0x0f, 0x00], { notify }),
      [ILLUMINANCE]: attribute([0xa0, 0x86, 0x01], { notify })
    }
  };
}

/** A micro:bit with its temperature service: 21 °C, a period it rounds down to 32 ms steps. */
function microbitProfile(): Profile {
  return {
    [MICROBIT_SERVICE]: {
      [MICROBIT_TEMPERATURE]: attribute([0x15], { notify: true }),
      [MICROBIT_PERIOD]: attribute(
        [0xe8, 0x03],
        { write: true },
        {
          onWrite: bytes => {
            const ms = bytes[0] + (bytes[1] << 8);
            const chosen = Math.floor(ms / 32) * 32;
            return [chosen & 0xff, chosen >> 8];
          }
        }
      )
    }
  };
}

const domError = (name: string, message: string) => new DOMException(message, name);

class FakeCharacteristic extends EventTarget {
  constructor(
    readonly uuid: string,
    readonly service: FakeService,
    readonly attr: IAttribute
  ) {
    super();
    this.properties = { ...attr.properties };
  }

  readonly properties: IAttribute['properties'];
  value: DataView | null = null;
  notifying = false;

  readonly readValue = jest.fn(async (): Promise<DataView> => {
    this.service.check();
    if (!this.properties.read) {
      throw domError('NotSupportedError', 'GATT operation not permitted.');
    }
    this.value = dataView(this.attr.bytes);
    this.dispatchEvent(new Event('characteristicvaluechanged'));
    return this.value;
  });

  readonly writeValueWithResponse = jest.fn(async (data: BufferSource): Promise<void> => {
    this.service.check();
    if (!this.properties.write) {
      throw domError('NotSupportedError', 'GATT operation not permitted.');
    }
    const bytes = bytesOf(data);
    this.attr.bytes = this.attr.onWrite ? this.attr.onWrite(bytes) : bytes;
  });

  readonly startNotifications = jest.fn(async (): Promise<FakeCharacteristic> => {
    this.service.check();
    if (!this.properties.notify || this.attr.refuseNotifications) {
      throw domError('NotSupportedError', 'GATT Error: Not supported.');
    }
    this.notifying = true;
    return this;
  });

  /** The sensor sends `bytes` by notification (only heard when notifications are on). */
  notify(bytes: number[]): boolean {
    if (!this.notifying || !this.service.live) {
      return false;
    }
    this.attr.bytes = bytes;
    this.value = dataView(bytes);
    this.dispatchEvent(new Event('characteristicvaluechanged'));
    return true;
  }
}

class FakeService {
  constructor(
    readonly uuid: string,
    readonly device: FakeDevice,
    readonly connection: number
  ) {}

  /** Of the current connection, and connected. */
  get live(): boolean {
    return this.device.gatt.connected && this.device.connection === this.connection;
  }

  check(): void {
    if (this.device.connection !== this.connection) {
      throw domError('InvalidStateError', 'GATT Service no longer exists.');
    }
    if (!this.device.gatt.connected) {
      throw domError('NetworkError', 'GATT Server is disconnected. Cannot perform GATT operations.');
    }
  }

  readonly getCharacteristic = jest.fn(async (uuid: string): Promise<FakeCharacteristic> => {
    this.check();
    const attr = this.device.profile[this.uuid]?.[uuid];
    if (!attr) {
      throw domError('NotFoundError', `No Characteristics matching UUID ${uuid} found in Service.`);
    }
    let characteristic = this._characteristics.get(uuid);
    if (!characteristic) {
      characteristic = new FakeCharacteristic(uuid, this, attr);
      this._characteristics.set(uuid, characteristic);
      this.device.characteristics.push(characteristic);
    }
    return characteristic;
  });

  private _characteristics = new Map<string, FakeCharacteristic>();
}

class FakeServer {
  constructor(readonly device: FakeDevice) {}

  connected = false;
  /** The fake clock's time of every connect() call. */
  readonly connectTimes: number[] = [];

  readonly connect = jest.fn(async (): Promise<FakeServer> => {
    this.connectTimes.push(Date.now());
    const attempt = {};
    this._pending.add(attempt);
    await this.device.connectGate;
    const aborted = !this._pending.delete(attempt);
    if (aborted) {
      throw domError('AbortError', 'Connection attempt aborted.');
    }
    if (!this.device.reachable) {
      throw domError('NetworkError', 'Connection failed for unknown reason.');
    }
    if (!this.connected) {
      this.connected = true;
      this.device.connection++;
      this._services.clear();
    }
    return this;
  });

  readonly disconnect = jest.fn((): void => {
    this._pending.clear();
    this.lose();
  });

  readonly getPrimaryService = jest.fn(async (uuid: string): Promise<FakeService> => {
    if (!this.connected) {
      throw domError('NetworkError', 'GATT Server is disconnected. Cannot retrieve services.');
    }
    if (!this.device.profile[uuid]) {
      throw domError('NotFoundError', `No Services matching UUID ${uuid} found in Device.`);
    }
    let service = this._services.get(uuid);
    if (!service) {
      service = new FakeService(uuid, this.device, this.device.connection);
      this._services.set(uuid, service);
    }
    return service;
  });

  /** The link is gone: connected false, and the device says so. */
  lose(): void {
    if (this.connected) {
      this.connected = false;
      this.device.dispatchEvent(new Event('gattserverdisconnected'));
    }
  }

  private _pending = new Set<object>();
  private _services = new Map<string, FakeService>();
}

class FakeDevice extends EventTarget {
  constructor(
    readonly profile: Profile,
    /** null: the device gives no name, and Chrome's `name` is undefined. */
    name: string | null = 'Thingy'
  ) {
    super();
    this.name = name ?? undefined;
  }

  readonly name: string | undefined;

  readonly id = 'fake-device-id';
  readonly gatt = new FakeServer(this);
  /** Whether a connect() can succeed. */
  reachable = true;
  /** When set, connect() answers only once it resolves (a slow radio). */
  connectGate: Promise<void> | null = null;
  /** Counts the connections made; services of an earlier one are stale. */
  connection = 0;
  /** Every characteristic object handed out, of every connection. */
  readonly characteristics: FakeCharacteristic[] = [];

  /** The characteristic objects of `uuid` of the current connection. */
  current(uuid: string): FakeCharacteristic[] {
    return this.characteristics.filter(c => c.uuid === uuid && c.service.live);
  }

  /** The sensor notifies `bytes` on `uuid`; how many objects heard it. */
  notify(uuid: string, bytes: number[]): number {
    return this.current(uuid).filter(c => c.notify(bytes)).length;
  }

  /** What a read of `uuid` returns from now on. */
  set(uuid: string, bytes: number[]): void {
    for (const service of Object.values(this.profile)) {
      if (service[uuid]) {
        service[uuid].bytes = bytes;
      }
    }
  }

  /** Switched off or carried away: the link drops and connecting fails. */
  goAway(): void {
    this.reachable = false;
    this.gatt.lose();
  }

  comeBack(): void {
    this.reachable = true;
  }
}

/** `navigator.bluetooth`: a chooser that returns `choice`. */
class FakeBluetooth {
  choice: FakeDevice | Error = new FakeDevice(essProfile(true));

  readonly requestDevice = jest.fn(async (_options: RequestDeviceOptions) => {
    if (this.choice instanceof Error) {
      throw this.choice;
    }
    return this.choice;
  });
}

function installBluetooth(fake: FakeBluetooth | null): void {
  delete (navigator as unknown as Record<string, unknown>).bluetooth;
  if (fake) {
    Object.defineProperty(navigator, 'bluetooth', { value: fake, configurable: true });
  }
}

function setSecure(secure: boolean): void {
  Object.defineProperty(window, 'isSecureContext', { value: secure, configurable: true });
}

function setUserAgent(agent: string): void {
  Object.defineProperty(navigator, 'userAgent', { value: agent, configurable: true });
}

interface IDeferred {
  promise: Promise<void>;
  resolve: () => void;
}

function deferred(): IDeferred {
  let resolve!: () => void;
  const promise = new Promise<void>(r => (resolve = r));
  return { promise, resolve };
}

/** Let promise chains run, without moving the fake clock. */
const flush = () => jest.advanceTimersByTimeAsync(0);

interface IWatched {
  source: BluetoothSource;
  states: SourceState[];
  readings: IReading[];
}

describe('Bluetooth', () => {
  let bluetooth: FakeBluetooth;
  const sources: BluetoothSource[] = [];

  function make(options: Partial<IBluetoothOptions> = {}): IWatched {
    const source = new BluetoothSource('ble', options);
    sources.push(source);
    const watched: IWatched = { source, states: [], readings: [] };
    source.stateChanged.connect((_, state) => watched.states.push(state));
    source.readingReceived.connect((_, reading) => watched.readings.push(reading));
    return watched;
  }

  /** A source connected to a sensor of `profile`, picked in the chooser. */
  async function connected(
    profile: Profile,
    options: Partial<IBluetoothOptions> = {},
    /** null: a device that gives no name (Chrome's `name` is then undefined). */
    name: string | null = 'Thingy'
  ): Promise<IWatched & { device: FakeDevice }> {
    const device = new FakeDevice(profile, name);
    bluetooth.choice = device;
    const watched = make(options);
    await watched.source.start();
    expect(watched.source.state).toBe('connected');
    return { ...watched, device };
  }

  const values = (readings: IReading[]) => readings.map(r => r.values);

  /** The states in order, without repeats (a label change re-announces the state). */
  const changes = (states: SourceState[]) => states.filter((state, i) => state !== (states[i - 1] ?? 'stopped'));

  beforeEach(() => {
    jest.useFakeTimers({ doNotFake: ['queueMicrotask', 'nextTick'] });
    // Each failed call of a sensor out of reach is logged at debug level: not here.
    jest.spyOn(console, 'debug').mockImplementation(() => undefined);
    setSecure(true);
    bluetooth = new FakeBluetooth();
    installBluetooth(bluetooth);
  });

  afterEach(() => {
    for (const source of sources.splice(0)) {
      source.dispose();
    }
    jest.useRealTimers();
    jest.restoreAllMocks();
    installBluetooth(null);
    delete (window as unknown as Record<string, unknown>).isSecureContext;
    delete (navigator as unknown as Record<string, unknown>).userAgent;
  });

  describe('webBluetoothProblem()', () => {
    test("is '' on a secure page of a browser with Web Bluetooth", () => {
      expect(webBluetoothProblem()).toBe('');
    });

    test('on a page that is not secure, says to open Jupyter at localhost', () => {
      setSecure(false);
      const problem = webBluetoothProblem();
      expect(problem).toContain('secure page');
      expect(problem).toContain('http://localhost:');
      expect(problem).toContain('https');
    });

    test.each([
      ['Linux Chrome', LINUX_CHROME],
      ['Linux Chromium', LINUX_CHROMIUM]
    ])('on %s without navigator.bluetooth, names --enable-features=WebBluetooth', (_name, agent) => {
      installBluetooth(null);
      setUserAgent(agent);
      expect('bluetooth' in navigator).toBe(false);
      const problem = webBluetoothProblem();
      expect(problem).toContain('--enable-features=WebBluetooth');
      expect(problem).toContain('Linux');
    });

    test.each([
      ['Firefox on Linux', LINUX_FIREFOX],
      ['Safari', MAC_SAFARI],
      ['ChromeOS (not the Linux flag)', CHROMEOS],
      ['Chrome on Android (not the Linux flag)', ANDROID_CHROME]
    ])('on %s without navigator.bluetooth, says to use Chrome or Edge', (_name, agent) => {
      installBluetooth(null);
      setUserAgent(agent);
      const problem = webBluetoothProblem();
      expect(problem).toContain('Use Chrome or Edge');
      expect(problem).not.toContain('--enable-features');
    });

    test('a page that is not secure is named first, even without navigator.bluetooth', () => {
      installBluetooth(null);
      setUserAgent(LINUX_CHROME);
      setSecure(false);
      expect(webBluetoothProblem()).toContain('secure page');
    });

    test.each([
      ['a page that is not secure', () => setSecure(false)],
      ['Linux Chrome without the flag', () => (installBluetooth(null), setUserAgent(LINUX_CHROME))],
      ['a browser without Web Bluetooth', () => (installBluetooth(null), setUserAgent(LINUX_FIREFOX))]
    ])('on %s, start() rejects with the problem and stays stopped', async (_why, setup) => {
      const fake = bluetooth;
      setup();
      await expectRefusedStart(make(), webBluetoothProblem(), fake.requestDevice);
    });
  });

  describe('the chooser', () => {
    test('offers sensors of the Environmental Sensing or micro:bit temperature service', async () => {
      await connected(essProfile(true));
      expect(bluetooth.requestDevice).toHaveBeenCalledTimes(1);
      expect(bluetooth.requestDevice).toHaveBeenCalledWith({
        filters: [{ services: [ESS] }, { services: [MICROBIT_SERVICE] }],
        optionalServices: [ESS, MICROBIT_SERVICE]
      });
    });

    test('with a name prefix, each filter carries it', async () => {
      await connected(microbitProfile(), { namePrefix: 'BBC micro:bit' });
      expect(bluetooth.requestDevice).toHaveBeenCalledWith({
        filters: [
          { services: [ESS], namePrefix: 'BBC micro:bit' },
          { services: [MICROBIT_SERVICE], namePrefix: 'BBC micro:bit' }
        ],
        optionalServices: [ESS, MICROBIT_SERVICE]
      });
    });

    test.each([
      [
        'the chooser was cancelled',
        domError('NotFoundError', 'User cancelled the requestDevice() chooser.'),
        /^No sensor was chosen/
      ],
      [
        'there is no Bluetooth adapter',
        domError('NotFoundError', 'Bluetooth adapter not available.'),
        /no Bluetooth, or it is switched off/
      ],
      [
        'there was no click',
        domError('SecurityError', 'Must be handling a user gesture to show a permission request.'),
        /needs a click/
      ],
      ['something else went wrong', domError('NetworkError', 'Boom.'), /chooser: Boom\./]
    ])('when %s, rejects in words and stays stopped', async (_why, error, message) => {
      bluetooth.choice = error;
      const { source } = make();
      await expect(source.start()).rejects.toThrow(message);
      expect(source.state).toBe('stopped');
      expect(source.problem).toMatch(message);
    });

    test('a cancelled chooser leaves a sensor already connected as it was', async () => {
      const { source, device, readings } = await connected(essProfile(true));
      bluetooth.choice = domError('NotFoundError', 'User cancelled the requestDevice() chooser.');
      await expect(source.start()).rejects.toThrow(/No sensor was chosen/);
      expect(source.state).toBe('connected');
      expect(device.gatt.connected).toBe(true);
      device.notify(TEMPERATURE, [0x66, 0x08]);
      expect(values(readings)).toEqual([{ temperature: 21.5 }]);
    });
  });

  describe('an Environmental Sensing sensor that notifies', () => {
    test("is 'connected', named after the device, with the units of its channels", async () => {
      const { source, states, device } = await connected(essProfile(true), {}, 'Thingy:52');
      expect(source.label).toBe('Thingy:52');
      expect(source.problem).toBe('');
      expect(changes(states)).toEqual(['connecting', 'connected']);
      expect(source.units).toEqual({ temperature: '°C', humidity: '%', pressure: 'hPa', illuminance: 'lx' });
      expect(source.transport).toBe('bluetooth');
      expect(device.gatt.connect).toHaveBeenCalledTimes(1);
    });

    test("a device without a name is 'Bluetooth sensor'", async () => {
      const { source } = await connected(essProfile(true), {}, null);
      expect(source.label).toBe('Bluetooth sensor');
    });

    test('asks for notifications on every characteristic and reads none', async () => {
      const { device } = await connected(essProfile(true));
      for (const uuid of [TEMPERATURE, HUMIDITY, PRESSURE, ILLUMINANCE]) {
        const [characteristic] = device.current(uuid);
        expect(characteristic.startNotifications).toHaveBeenCalledTimes(1);
        expect(characteristic.readValue).not.toHaveBeenCalled();
      }
      expect(jest.getTimerCount()).toBe(0); // nothing to poll
    });

    test('each notification is one reading of its channel, decoded', async () => {
      const { device, readings, source } = await connected(essProfile(true));
      expect(readings).toEqual([]);
      expect(device.notify(TEMPERATURE, [0x66, 0x08])).toBe(1);
      device.notify(HUMIDITY, [0xa0, 0x0f]);
      device.notify(PRESSURE, [0x02, 0x76, 0x0f, 0x00]);
      device.notify(ILLUMINANCE, [0xa0, 0x86, 0x01]);
      device.notify(TEMPERATURE, [0xf3, 0xfd]);
      expect(values(readings)).toEqual([
        { temperature: 21.5 },
        { humidity: 40 },
        { pressure: 1013.25 },
        { illuminance: 1000 },
        { temperature: -5.25 }
      ]);
      expect(readings.every(r => r.source === 'ble')).toBe(true);
      expect(readings[0].time).toBe(Date.now());
      expect(source.health.readings).toBe(5);
    });

    test('a value the sensor does not know gives no reading', async () => {
      const { device, readings, source } = await connected(essProfile(true));
      device.notify(TEMPERATURE, [0x00, 0x80]); // -32768
      device.notify(ILLUMINANCE, [0xff, 0xff, 0xff]);
      expect(readings).toEqual([]);
      expect(source.health.lines).toBe(2);
      expect(source.health.readings).toBe(0);
      device.notify(TEMPERATURE, [0x66, 0x08]);
      expect(values(readings)).toEqual([{ temperature: 21.5 }]);
    });

    test('notifications after stop() give nothing', async () => {
      const { device, readings, source } = await connected(essProfile(true));
      await source.stop();
      expect(device.notify(TEMPERATURE, [0x66, 0x08])).toBe(0);
      expect(readings).toEqual([]);
    });
  });

  describe('a micro:bit', () => {
    test('its temperature notifications are whole °C, signed', async () => {
      const { device, readings, source } = await connected(microbitProfile(), {}, 'BBC micro:bit [zogav]');
      expect(source.label).toBe('BBC micro:bit [zogav]');
      expect(source.units).toEqual({ temperature: '°C' });
      device.notify(MICROBIT_TEMPERATURE, [0x15]);
      device.notify(MICROBIT_TEMPERATURE, [0xff]);
      device.notify(MICROBIT_TEMPERATURE, [0x80]);
      expect(values(readings)).toEqual([{ temperature: 21 }, { temperature: -1 }, { temperature: -128 }]);
    });
  });

  describe('polling', () => {
    const ALL = { temperature: 21.5, humidity: 40, pressure: 1013.25, illuminance: 1000 };

    test('characteristics without notifications are read at once, then every second, all in one reading', async () => {
      const { device, readings } = await connected(essProfile(false));
      for (const uuid of [TEMPERATURE, HUMIDITY, PRESSURE, ILLUMINANCE]) {
        expect(device.current(uuid)[0].startNotifications).not.toHaveBeenCalled();
      }
      await flush();
      expect(values(readings)).toEqual([ALL]);

      await jest.advanceTimersByTimeAsync(999);
      expect(readings).toHaveLength(1);
      await jest.advanceTimersByTimeAsync(1);
      expect(values(readings)).toEqual([ALL, ALL]);

      device.set(TEMPERATURE, [0xf3, 0xfd]);
      device.set(ILLUMINANCE, [0xff, 0xff, 0xff]); // unknown: left out of the reading
      await jest.advanceTimersByTimeAsync(1000);
      expect(values(readings)[2]).toEqual({ temperature: -5.25, humidity: 40, pressure: 1013.25 });
      expect(readings[2].time - readings[1].time).toBe(1000);

      await jest.advanceTimersByTimeAsync(3000);
      expect(readings).toHaveLength(6);
      expect(device.current(TEMPERATURE)[0].readValue).toHaveBeenCalledTimes(6);
    });

    test('a poll where every value is unknown gives no reading', async () => {
      const profile = essProfile(false);
      delete profile[ESS][HUMIDITY];
      delete profile[ESS][PRESSURE];
      const { device, readings } = await connected(profile);
      await flush();
      expect(readings).toHaveLength(1);
      device.set(TEMPERATURE, [0x00, 0x80]);
      device.set(ILLUMINANCE, [0xff, 0xff, 0xff]);
      await jest.advanceTimersByTimeAsync(1000);
      expect(readings).toHaveLength(1);
    });

    test('with pollMs, reads at that period', async () => {
      const { readings } = await connected(essProfile(false), { pollMs: 250 });
      await flush();
      expect(readings).toHaveLength(1);
      await jest.advanceTimersByTimeAsync(249);
      expect(readings).toHaveLength(1);
      await jest.advanceTimersByTimeAsync(1);
      expect(readings).toHaveLength(2);
      await jest.advanceTimersByTimeAsync(750);
      expect(readings).toHaveLength(5);
    });

    test('with pollMs, even characteristics that notify are read, not followed', async () => {
      const { device, readings } = await connected(essProfile(true), { pollMs: 500 });
      for (const uuid of [TEMPERATURE, HUMIDITY, PRESSURE, ILLUMINANCE]) {
        expect(device.current(uuid)[0].startNotifications).not.toHaveBeenCalled();
      }
      await jest.advanceTimersByTimeAsync(1000);
      expect(values(readings)).toEqual([ALL, ALL, ALL]);
    });

    test('a characteristic that refuses notifications is read instead, in the same one reading', async () => {
      const profile = essProfile(false);
      profile[ESS][TEMPERATURE].properties.notify = true;
      profile[ESS][TEMPERATURE].refuseNotifications = true;
      const { device, readings } = await connected(profile);
      const [temperature] = device.current(TEMPERATURE);
      expect(temperature.startNotifications).toHaveBeenCalledTimes(1);
      await flush();
      expect(values(readings)).toEqual([ALL]);
      await jest.advanceTimersByTimeAsync(2000);
      // One reading per poll: the read's own characteristicvaluechanged is no extra reading.
      expect(values(readings)).toEqual([ALL, ALL, ALL]);
      expect(temperature.readValue).toHaveBeenCalledTimes(3);
    });

    test('notifications and polling together: each gives its own channels', async () => {
      const profile = essProfile(false);
      profile[ESS][TEMPERATURE].properties.notify = true;
      delete profile[ESS][PRESSURE];
      delete profile[ESS][ILLUMINANCE];
      const { device, readings } = await connected(profile);
      await flush();
      expect(values(readings)).toEqual([{ humidity: 40 }]);
      device.notify(TEMPERATURE, [0x67, 0x08]);
      await jest.advanceTimersByTimeAsync(1000);
      expect(values(readings)).toEqual([{ humidity: 40 }, { temperature: 21.51 }, { humidity: 40 }]);
      expect(device.current(TEMPERATURE)[0].readValue).not.toHaveBeenCalled();
    });

    test('stop() ends polling: no timers, no reads', async () => {
      const { device, readings, source } = await connected(essProfile(false));
      await flush();
      await source.stop();
      expect(jest.getTimerCount()).toBe(0);
      const reads = device.characteristics[0].readValue.mock.calls.length;
      await jest.advanceTimersByTimeAsync(10_000);
      expect(device.characteristics[0].readValue).toHaveBeenCalledTimes(reads);
      expect(readings).toHaveLength(1);
    });
  });

  describe('a sensor without the known characteristics', () => {
    test.each([
      ['no known service', { [DEVICE_INFORMATION]: { '00002a29-0000-1000-8000-00805f9b34fb': attribute([0x41]) } }],
      [
        'the ESS service without known characteristics',
        { [ESS]: { '00002a76-0000-1000-8000-00805f9b34fb': attribute([0x01]) } }
      ],
      [
        'the micro:bit service with only the period',
        { [MICROBIT_SERVICE]: { [MICROBIT_PERIOD]: attribute([0xe8, 0x03]) } }
      ]
    ])('with %s: start() rejects, stopped, and lets it go', async (_what, profile: Profile) => {
      const device = new FakeDevice(profile);
      bluetooth.choice = device;
      const { source } = make();
      await expect(source.start()).rejects.toThrow('offers no temperature, humidity, pressure or light values');
      expect(source.state).toBe('stopped');
      expect(source.problem).toMatch(/^The sensor could not be read: it offers no temperature, humidity/);
      expect(device.gatt.connected).toBe(false);
      expect(jest.getTimerCount()).toBe(0);
      // The lost link is no reason to call the sensor again.
      await jest.advanceTimersByTimeAsync(60_000);
      expect(device.gatt.connect).toHaveBeenCalledTimes(1);
    });

    test('a sensor that cannot be connected: start() rejects, stopped', async () => {
      const device = new FakeDevice(essProfile(true));
      device.reachable = false;
      bluetooth.choice = device;
      const { source } = make();
      await expect(source.start()).rejects.toThrow(/^The sensor could not be read: Connection failed/);
      expect(source.state).toBe('stopped');
      expect(jest.getTimerCount()).toBe(0);
    });
  });

  describe('when the sensor goes out of reach', () => {
    /** The delays between the connect() calls after the link was lost at `lost`. */
    function delays(device: FakeDevice, lost: number, from = 1): number[] {
      const times = [lost, ...device.gatt.connectTimes.slice(from)];
      return times.slice(1).map((time, i) => time - times[i]);
    }

    test("'waiting' with a problem, then called after 1, 2, 4, 8, 16, 30, 30 s", async () => {
      const { device, source, readings } = await connected(essProfile(false));
      await flush();
      expect(readings).toHaveLength(1);
      const lost = Date.now();
      device.goAway();
      expect(source.state).toBe('waiting');
      expect(source.problem).toContain(OUT_OF_REACH);
      expect(jest.getTimerCount()).toBe(1); // the retry; no more polling

      await jest.advanceTimersByTimeAsync(999);
      expect(device.gatt.connect).toHaveBeenCalledTimes(1);
      await jest.advanceTimersByTimeAsync(1);
      expect(device.gatt.connect).toHaveBeenCalledTimes(2);

      await jest.advanceTimersByTimeAsync(90_000);
      expect(delays(device, lost)).toEqual([1000, 2000, 4000, 8000, 16000, 30000, 30000]);
      await jest.advanceTimersByTimeAsync(60_000);
      expect(delays(device, lost)).toEqual([1000, 2000, 4000, 8000, 16000, 30000, 30000, 30000, 30000]);
      expect(source.state).toBe('waiting');
      expect(source.problem).toContain(OUT_OF_REACH);
      expect(readings).toHaveLength(1);
      expect(jest.getTimerCount()).toBe(1);
    });

    test("back in reach: 'connected' again, polled again, and the backoff starts at 1 s again", async () => {
      const { device, source, readings, states } = await connected(essProfile(false));
      await flush();
      device.goAway();
      await jest.advanceTimersByTimeAsync(1000 + 2000 + 4000); // three failed calls
      expect(device.gatt.connect).toHaveBeenCalledTimes(4);
      expect(readings).toHaveLength(1);

      device.comeBack();
      device.set(TEMPERATURE, [0x67, 0x08]);
      await jest.advanceTimersByTimeAsync(7999);
      expect(source.state).toBe('waiting');
      await jest.advanceTimersByTimeAsync(1);
      expect(device.gatt.connect).toHaveBeenCalledTimes(5);
      expect(source.state).toBe('connected');
      expect(source.problem).toBe('');
      expect(changes(states)).toEqual(['connecting', 'connected', 'waiting', 'connected']);
      expect(readings).toHaveLength(2); // read at once on reconnecting
      expect(readings[1].values.temperature).toBe(21.51);
      await jest.advanceTimersByTimeAsync(1000);
      expect(readings).toHaveLength(3);
      expect(device.connection).toBe(2);
      // The characteristics of the new connection are the ones read.
      expect(device.current(TEMPERATURE)[0].readValue).toHaveBeenCalledTimes(2);

      const lostAgain = Date.now();
      device.goAway();
      await jest.advanceTimersByTimeAsync(999);
      expect(device.gatt.connect).toHaveBeenCalledTimes(5);
      await jest.advanceTimersByTimeAsync(1 + 2000);
      expect(delays(device, lostAgain, 5)).toEqual([1000, 2000]);
    });

    test('a sensor that notifies: notifications are asked for again and flow, once each', async () => {
      const { device, source, readings } = await connected(essProfile(true));
      const [before] = device.current(TEMPERATURE);
      device.goAway();
      expect(device.notify(TEMPERATURE, [0x66, 0x08])).toBe(0);
      device.comeBack();
      await jest.advanceTimersByTimeAsync(1000);
      expect(source.state).toBe('connected');
      const [after] = device.current(TEMPERATURE);
      expect(after).not.toBe(before);
      expect(after.startNotifications).toHaveBeenCalledTimes(1);
      expect(device.notify(TEMPERATURE, [0x68, 0x08])).toBe(1);
      expect(values(readings)).toEqual([{ temperature: 21.52 }]);
    });

    test('stop() while waiting ends the calls, with no timer left', async () => {
      const { device, source } = await connected(essProfile(false));
      device.goAway();
      await jest.advanceTimersByTimeAsync(1000);
      expect(device.gatt.connect).toHaveBeenCalledTimes(2);
      await source.stop();
      expect(source.state).toBe('stopped');
      expect(source.problem).toBe('');
      expect(jest.getTimerCount()).toBe(0);
      device.comeBack();
      await jest.advanceTimersByTimeAsync(120_000);
      expect(device.gatt.connect).toHaveBeenCalledTimes(2);
      expect(source.state).toBe('stopped');
    });

    test('stop() while a call is still connecting: the sensor is not taken back', async () => {
      const { device, source, readings } = await connected(essProfile(false));
      await flush();
      device.goAway();
      const radio = deferred();
      device.connectGate = radio.promise;
      device.comeBack();
      await jest.advanceTimersByTimeAsync(1000);
      expect(device.gatt.connect).toHaveBeenCalledTimes(2); // under way

      await source.stop();
      radio.resolve();
      await flush();
      expect(source.state).toBe('stopped');
      expect(device.gatt.connected).toBe(false);
      expect(jest.getTimerCount()).toBe(0);
      await jest.advanceTimersByTimeAsync(60_000);
      expect(source.state).toBe('stopped');
      expect(readings).toHaveLength(1);
      expect(device.gatt.connect).toHaveBeenCalledTimes(2);
    });

    test('stop() while start() is still connecting: stopped, no problem, the sensor let go', async () => {
      const device = new FakeDevice(essProfile(false));
      const radio = deferred();
      device.connectGate = radio.promise;
      bluetooth.choice = device;
      const { source, readings } = make();
      const starting = source.start();
      await flush();
      expect(source.state).toBe('connecting');
      await source.stop();
      radio.resolve();
      await expect(starting).rejects.toThrow();
      expect(source.state).toBe('stopped');
      expect(source.problem).toBe('');
      expect(device.gatt.connected).toBe(false);
      expect(jest.getTimerCount()).toBe(0);
      await jest.advanceTimersByTimeAsync(10_000);
      expect(readings).toEqual([]);
      expect(source.state).toBe('stopped');
    });

    test('dispose() while waiting ends the calls', async () => {
      const { device, source } = await connected(essProfile(false));
      device.goAway();
      source.dispose();
      expect(jest.getTimerCount()).toBe(0);
      device.comeBack();
      await jest.advanceTimersByTimeAsync(60_000);
      expect(device.gatt.connect).toHaveBeenCalledTimes(1);
    });
  });

  describe('stop()', () => {
    test("disconnects, stays 'stopped' (its own disconnection is not a loss)", async () => {
      const { device, source, states } = await connected(essProfile(true));
      await source.stop();
      expect(device.gatt.disconnect).toHaveBeenCalledTimes(1);
      expect(device.gatt.connected).toBe(false);
      expect(source.state).toBe('stopped');
      expect(source.problem).toBe('');
      expect(states[states.length - 1]).toBe('stopped');
      expect(states).not.toContain('waiting');
      await jest.advanceTimersByTimeAsync(60_000);
      expect(device.gatt.connect).toHaveBeenCalledTimes(1);
    });

    test('start() again after stop() connects again', async () => {
      const { device, source, readings } = await connected(essProfile(true));
      await source.stop();
      await source.start();
      expect(source.state).toBe('connected');
      expect(device.gatt.connect).toHaveBeenCalledTimes(2);
      expect(device.notify(TEMPERATURE, [0x66, 0x08])).toBe(1);
      expect(readings).toHaveLength(1);
    });

    test('choosing another sensor lets the first one go', async () => {
      const { device: first, source, readings } = await connected(essProfile(true));
      const second = new FakeDevice(microbitProfile(), 'BBC micro:bit');
      bluetooth.choice = second;
      await source.start();
      expect(first.gatt.connected).toBe(false);
      expect(source.state).toBe('connected');
      expect(source.label).toBe('BBC micro:bit');
      first.goAway(); // no effect on the source any more
      expect(source.state).toBe('connected');
      second.notify(MICROBIT_TEMPERATURE, [0x16]);
      expect(values(readings)).toEqual([{ temperature: 22 }]);
    });
  });

  describe('setPeriod()', () => {
    test('writes the period to a micro:bit, little-endian, and returns the one it chose', async () => {
      const { device, source } = await connected(microbitProfile());
      const [period] = device.current(MICROBIT_PERIOD);
      await expect(source.setPeriod(1000)).resolves.toBe(992);
      expect(period.writeValueWithResponse).toHaveBeenCalledTimes(1);
      expect(bytesOf(period.writeValueWithResponse.mock.calls[0][0])).toEqual([0xe8, 0x03]);
      expect(period.readValue).toHaveBeenCalledTimes(1);
      expect(period.readValue.mock.invocationCallOrder[0]).toBeGreaterThan(
        period.writeValueWithResponse.mock.invocationCallOrder[0]
      );
      await expect(source.setPeriod(2000)).resolves.toBe(1984);
      expect(bytesOf(period.writeValueWithResponse.mock.calls[1][0])).toEqual([0xd0, 0x07]);
    });

    test.each([0, 65536, 1.5, Number.NaN])('refuses %s ms without writing', async ms => {
      const { device, source } = await connected(microbitProfile());
      await expect(source.setPeriod(ms)).rejects.toThrow(/from 1 to 65535/);
      expect(device.current(MICROBIT_PERIOD)[0].writeValueWithResponse).not.toHaveBeenCalled();
    });

    test('a micro:bit that answers with too few bytes: rejects in words', async () => {
      const profile = microbitProfile();
      profile[MICROBIT_SERVICE][MICROBIT_PERIOD].onWrite = () => [0x01];
      const { source } = await connected(profile);
      await expect(source.setPeriod(1000)).rejects.toThrow('did not say which period it chose');
    });

    test('on an Environmental Sensing sensor: rejects, only the micro:bit has a period', async () => {
      const { source } = await connected(essProfile(true));
      await expect(source.setPeriod(1000)).rejects.toThrow(/only the micro:bit temperature service/);
    });

    test('before connecting: rejects, not connected', async () => {
      const { source } = make();
      await expect(source.setPeriod(1000)).rejects.toThrow(/not connected/);
    });

    test('while the micro:bit is out of reach, or after stop(): rejects, not connected', async () => {
      const { device, source } = await connected(microbitProfile());
      device.goAway();
      await expect(source.setPeriod(1000)).rejects.toThrow(/not connected/);
      await source.stop();
      await expect(source.setPeriod(1000)).rejects.toThrow(/not connected/);
      expect(device.characteristics.every(c => c.writeValueWithResponse.mock.calls.length === 0)).toBe(true);
    });
  });

  describe('send()', () => {
    test('rejects, pointing to set_period', async () => {
      const { source } = await connected(microbitProfile());
      // Called as the hub calls any source: with a line.
      const asSource: ISource = source;
      await expect(asSource.send('target 21.5')).rejects.toThrow(/logger\.set_period\(ms\)/);
      const unconnected: ISource = make().source;
      await expect(unconnected.send('x')).rejects.toThrow(/take no text lines/);
    });
  });
});
