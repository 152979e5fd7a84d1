// A Bluetooth Low Energy sensor read with Web Bluetooth (Environmental Sensing, micro:bit temperature).
import { insecurePageProblem } from './base';
import { trans } from '../i18n';
import {
  CHARACTERISTICS,
  decodePeriod,
  encodePeriod,
  ENVIRONMENTAL_SENSING,
  ICharacteristicKind,
  MICROBIT_TEMPERATURE_PERIOD,
  MICROBIT_TEMPERATURE_SERVICE
} from './gatt';
import { ChooserError, ReconnectingSource } from './reconnecting';

export interface IBluetoothOptions {
  /** Offer only sensors whose name starts with this (e.g. "BBC micro:bit"). */
  namePrefix: string;
  /** Read every this many milliseconds instead of asking for notifications; null: notifications where offered. */
  pollMs: number | null;
}

export const DEFAULT_BLUETOOTH_OPTIONS: IBluetoothOptions = { namePrefix: '', pollMs: null };

/** Characteristics without notifications are read this often unless pollMs says otherwise. */
const DEFAULT_POLL_MS = 1000;
const RECONNECT_FIRST_MS = 1000;
const RECONNECT_MAX_MS = 30000;
const SERVICES = [ENVIRONMENTAL_SENSING, MICROBIT_TEMPERATURE_SERVICE];

/** Why Web Bluetooth cannot be used on this page, in words with the fix, or ''. */
export function webBluetoothProblem(): string {
  const insecure = insecurePageProblem('bluetooth');
  if (insecure) {
    return insecure;
  }
  if (typeof navigator === 'undefined' || !('bluetooth' in navigator)) {
    const agent = typeof navigator === 'undefined' ? '' : (navigator as Navigator).userAgent;
    if (/Linux/.test(agent) && !/CrOS|Android/.test(agent) && /Chrom/.test(agent)) {
      return trans.__(
        'On Linux, Chrome keeps Bluetooth switched off for web pages. Start it with --enable-features=WebBluetooth (or turn on chrome://flags/#enable-experimental-web-platform-features), then reload this page.'
      );
    }
    return trans.__('This browser cannot use Bluetooth sensors. Use Chrome or Edge on a computer or Chromebook.');
  }
  return '';
}

interface IPolled {
  characteristic: BluetoothRemoteGATTCharacteristic;
  kind: ICharacteristicKind;
}

/**
 * A Bluetooth Low Energy sensor: the Environmental Sensing service (temperature,
 * humidity, pressure, light) or a micro:bit's temperature service.
 *
 * Values come by notification where the sensor offers it, else by reading at a period.
 * When the sensor goes out of reach it is called again after 1, 2, 4 … up to 30 s,
 * until the user disconnects.
 */
export class BluetoothSource extends ReconnectingSource {
  readonly transport = 'bluetooth' as const;
  readonly units: Record<string, string> = {};

  constructor(id: string, options: Partial<IBluetoothOptions> = {}) {
    super(id, trans.__('Bluetooth sensor'), { firstMs: RECONNECT_FIRST_MS, maxMs: RECONNECT_MAX_MS });
    this.options = { ...DEFAULT_BLUETOOTH_OPTIONS, ...options };
  }

  options: IBluetoothOptions;

  /** Ask the browser for a sensor and read it. Call straight from a click: the chooser needs it. */
  async start(): Promise<void> {
    await this.chooseAndUse(
      () => requestBluetoothDevice(this.options),
      device => this.use(device)
    );
  }

  /** Read `device`, a sensor the user chose (see requestBluetoothDevice), from now on. */
  async use(device: BluetoothDevice): Promise<void> {
    await this._forget();
    const session = this.begin();
    this._device = device;
    this._deviceId = device.id;
    device.addEventListener('gattserverdisconnected', this._onDisconnected);
    this.setLabel(device.name || trans.__('Bluetooth sensor'));
    this.setState('connecting', '');
    try {
      await this._connect();
    } catch (error) {
      if (!this.isCurrent(session)) {
        throw error; // stop() or another start() came meanwhile: the state is theirs
      }
      // TRANSLATORS: %1 is why: one of sensorlab's reasons ("it offers no temperature...") or the browser's,
      // in its words.
      const message = trans.__('The sensor could not be read: %1', (error as Error).message);
      await this._forget();
      this.refuse(message);
    }
  }

  /** True when `device` is the sensor this source reads or last read. */
  holds(device: BluetoothDevice): boolean {
    return device.id === this._deviceId;
  }

  /** The name the sensor gives itself, or ''. */
  get deviceName(): string {
    return this._device?.name ?? '';
  }

  /** Disconnect, and stop calling the sensor until the user connects again. */
  async stop(): Promise<void> {
    await this._forget();
    this.setState('stopped', '');
  }

  async send(): Promise<void> {
    throw new Error(trans.__('Bluetooth sensors take no text lines. For a micro:bit, use logger.set_period(ms).'));
  }

  /** Ask a micro:bit to measure every `ms` milliseconds; returns the period it chose. */
  async setPeriod(ms: number): Promise<number> {
    const characteristic = this._period;
    if (!characteristic || this.state !== 'connected') {
      throw new Error(
        this.state !== 'connected'
          ? trans.__('The Bluetooth sensor is not connected: press Connect and choose it first.')
          : trans.__('This sensor has no period to set: only the micro:bit temperature service has one.')
      );
    }
    await characteristic.writeValueWithResponse(encodePeriod(ms));
    const chosen = decodePeriod(await characteristic.readValue());
    if (chosen === null) {
      throw new Error(trans.__('The micro:bit did not say which period it chose.'));
    }
    return chosen;
  }

  dispose(): void {
    void this._forget();
    super.dispose();
  }

  protected async reconnect(): Promise<boolean> {
    await this._connect();
    return true;
  }

  private async _connect(): Promise<void> {
    const device = this._device;
    if (!device?.gatt) {
      // TRANSLATORS: after "The sensor could not be read:".
      throw new Error(trans.__('the browser gave no way to talk to it'));
    }
    const session = this.session;
    const server = await device.gatt.connect();
    this._givenUp(session, device);
    this._polled = [];
    this._period = null;
    let found = 0;
    for (const uuid of SERVICES) {
      const service = await server.getPrimaryService(uuid).catch(notOffered);
      if (!service) {
        continue;
      }
      for (const kind of CHARACTERISTICS) {
        const characteristic = await service.getCharacteristic(kind.uuid).catch(notOffered);
        if (!characteristic) {
          continue;
        }
        found++;
        this.units[kind.channel] = kind.unit;
        await this._follow(characteristic, kind);
      }
      if (uuid === MICROBIT_TEMPERATURE_SERVICE) {
        this._period = await service.getCharacteristic(MICROBIT_TEMPERATURE_PERIOD).catch(notOffered);
      }
    }
    this._givenUp(session, device);
    if (found === 0) {
      // TRANSLATORS: after "The sensor could not be read:".
      throw new Error(trans.__('it offers no temperature, humidity, pressure or light values that sensorlab knows.'));
    }
    this.reconnected();
    // 'connected' first: _poll() reads only when connected, and the first read is now.
    this.setState('connected', '');
    if (this._polled.length > 0) {
      this._poller = setInterval(() => void this._poll(), this.options.pollMs ?? DEFAULT_POLL_MS);
      void this._poll();
    }
  }

  /** Notifications where the sensor offers them (and polling was not asked for), else polling. */
  private async _follow(characteristic: BluetoothRemoteGATTCharacteristic, kind: ICharacteristicKind): Promise<void> {
    if (this.options.pollMs === null && characteristic.properties.notify) {
      const listener = (): void => {
        if (characteristic.value) {
          this._emit([[kind, characteristic.value]]);
        }
      };
      characteristic.addEventListener('characteristicvaluechanged', listener);
      try {
        await characteristic.startNotifications();
        return;
      } catch {
        // Some sensors say they notify and then refuse: read them instead. A read fires
        // characteristicvaluechanged too, so the listener goes, or each poll gives two readings.
        characteristic.removeEventListener('characteristicvaluechanged', listener);
      }
    }
    if (characteristic.properties.read) {
      this._polled.push({ characteristic, kind });
    }
  }

  private async _poll(): Promise<void> {
    if (this._polling || this.state !== 'connected') {
      return;
    }
    this._polling = true;
    try {
      const read: [ICharacteristicKind, DataView][] = [];
      for (const { characteristic, kind } of this._polled) {
        read.push([kind, await characteristic.readValue()]);
      }
      this._emit(read);
    } catch {
      // A failed read during a disconnection: gattserverdisconnected handles it.
    } finally {
      this._polling = false;
    }
  }

  /** One reading from the values read together; a value the sensor does not know gives nothing. */
  private _emit(read: [ICharacteristicKind, DataView][]): void {
    const values: Record<string, number> = {};
    for (const [kind, data] of read) {
      const value = kind.decode(data);
      if (value !== null) {
        values[kind.channel] = value;
      }
    }
    this.countLine([], false);
    if (Object.keys(values).length > 0) {
      this.emitReading(values);
    }
  }

  private _onDisconnected = (): void => {
    this._stopPolling();
    this.lost(trans.__('The sensor is out of reach or switched off: it is called again by itself.'));
  };

  /**
   * Throws when the user stopped (or chose another sensor) while a connection was being
   * made; the sensor is let go unless it is the one in use now. Without it, a connect that
   * finishes after stop() would bring back 'connected', polling and an open link.
   */
  private _givenUp(session: number, device: BluetoothDevice): void {
    if (session === this.session) {
      return;
    }
    if (device !== this._device && device.gatt?.connected) {
      device.gatt.disconnect();
    }
    // TRANSLATORS: after "The sensor could not be read:".
    throw new Error(trans.__('the connection was given up.'));
  }

  private _stopPolling(): void {
    if (this._poller !== null) {
      clearInterval(this._poller);
      this._poller = null;
    }
  }

  private async _forget(): Promise<void> {
    this.end();
    this._stopPolling();
    const device = this._device;
    this._device = null;
    if (device) {
      device.removeEventListener('gattserverdisconnected', this._onDisconnected);
      if (device.gatt?.connected) {
        device.gatt.disconnect();
      }
    }
  }

  private _device: BluetoothDevice | null = null;
  /** The id of the sensor last chosen: the same sensor chosen again is this source's. */
  private _deviceId: string | null = null;
  private _polled: IPolled[] = [];
  private _period: BluetoothRemoteGATTCharacteristic | null = null;
  private _poller: ReturnType<typeof setInterval> | null = null;
  private _polling = false;
}

/** Ask the browser's chooser for a sensor; call straight from a click. Rejects with the problem in words. */
export async function requestBluetoothDevice(options: Partial<IBluetoothOptions> = {}): Promise<BluetoothDevice> {
  const problem = webBluetoothProblem();
  if (problem) {
    throw new Error(problem);
  }
  const { namePrefix } = { ...DEFAULT_BLUETOOTH_OPTIONS, ...options };
  const prefix = namePrefix ? { namePrefix } : {};
  try {
    return await navigator.bluetooth.requestDevice({
      filters: SERVICES.map(service => ({ services: [service], ...prefix })),
      optionalServices: SERVICES
    });
  } catch (error) {
    throw new ChooserError(chooserProblem(error as DOMException));
  }
}

/** null when a sensor does not offer a service or characteristic; any other error is a real failure. */
function notOffered(error: DOMException): null {
  if (error.name === 'NotFoundError') {
    return null;
  }
  throw error;
}

/** What went wrong with the browser's chooser, in words. */
function chooserProblem(error: DOMException): string {
  if (error.name === 'NotFoundError' && /adapter/i.test(error.message)) {
    return trans.__('This computer has no Bluetooth, or it is switched off. Switch it on, then press Connect again.');
  }
  if (error.name === 'NotFoundError') {
    return trans.__('No sensor was chosen. Switch the sensor on, press Connect and pick it in the list.');
  }
  if (error.name === 'SecurityError') {
    return trans.__('The browser needs a click to show its Bluetooth chooser: press Connect again.');
  }
  // TRANSLATORS: %1 is the browser's reason, in its words.
  return trans.__('The browser would not open its Bluetooth chooser: %1', error.message);
}
