// Fakes for the Bluetooth specs: sensors' GATT profiles, characteristics, services, a device that goes out of reach.

export const ESS = '0000181a-0000-1000-8000-00805f9b34fb';
export const TEMPERATURE = '00002a6e-0000-1000-8000-00805f9b34fb';
export const HUMIDITY = '00002a6f-0000-1000-8000-00805f9b34fb';
export const PRESSURE = '00002a6d-0000-1000-8000-00805f9b34fb';
export const ILLUMINANCE = '00002afb-0000-1000-8000-00805f9b34fb';
export const MICROBIT_SERVICE = 'e95d6100-251d-470a-a062-fa1922dfa9a8';
export const MICROBIT_TEMPERATURE = 'e95d9250-251d-470a-a062-fa1922dfa9a8';
export const MICROBIT_PERIOD = 'e95d1b25-251d-470a-a062-fa1922dfa9a8';
/** The Device Information service: a sensor may have it, sensorlab does not read it. */
export const DEVICE_INFORMATION = '0000180a-0000-1000-8000-00805f9b34fb';

export const OUT_OF_REACH = 'out of reach';

export function dataView(bytes: number[]): DataView<ArrayBuffer> {
  return new DataView(new Uint8Array(bytes).buffer);
}

export function bytesOf(data: BufferSource): number[] {
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
export interface IAttribute {
  properties: { read: boolean; notify: boolean; write: boolean };
  /** What a read returns now. */
  bytes: number[];
  /** startNotifications() rejects though `notify` is set (some sensors do). */
  refuseNotifications?: boolean;
  /** What the sensor keeps of a write (the micro:bit rounds its period). */
  onWrite?: (bytes: number[]) => number[];
}

/** Service UUID → characteristic UUID → attribute. */
export type Profile = Record<string, Record<string, IAttribute>>;

export function attribute(
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
export function essProfile(notify: boolean): Profile {
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
export function microbitProfile(): Profile {
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

export const domError = (name: string, message: string) => new DOMException(message, name);

export class FakeCharacteristic extends EventTarget {
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

export class FakeService {
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

export class FakeServer {
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

export class FakeDevice extends EventTarget {
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
