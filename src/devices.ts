// The tab's devices: one per reading source (a board, a sensor, a sender heard through a gateway), and their names.
import { deviceName } from './sources/formats/values';
import type { IReading, ISource } from './sources/types';

/** The kinds of device a Logger can log (its `source`); 'all' is every device of the tab. */
export const DEVICE_KINDS = ['simulated', 'serial', 'bluetooth', 'simulated-class', 'all'] as const;
export type DeviceKind = (typeof DEVICE_KINDS)[number];

/** Which devices a Logger logs: a kind, and null for every device of it or a list of names or ids. */
export interface IDeviceFilter {
  kind: DeviceKind;
  devices: ReadonlyArray<string> | null;
}

/** One device of the tab. */
export interface IDevice {
  /** Its readings' `source`: `simulated`, `serial-2`, `bluetooth-1`, `microbit-1923449`, ... */
  readonly id: string;
  /** What reads it: its own source, or the gateway's port it is heard through. */
  readonly source: ISource;
  /** Its name for people, different from every other device's name in the tab. */
  readonly name: string;
  /** True when the name came from the user or the device itself: readings carry it to the kernel. */
  readonly named: boolean;
}

/** The kind of device a source reads: its id without a number at the end (`serial-2` → `serial`). */
export function kindOf(source: ISource): string {
  return source.id.replace(/-\d+$/, '');
}

/** True when a Logger with `filter` logs `device`: by id, name, or a sender's serial number. */
export function matches(filter: IDeviceFilter, device: IDevice): boolean {
  if (filter.kind !== 'all' && kindOf(device.source) !== filter.kind) {
    return false;
  }
  if (filter.devices === null) {
    return true;
  }
  const sender = /^microbit-(.+)$/.exec(device.id)?.[1];
  return filter.devices.some(wanted => wanted === device.id || wanted === device.name || wanted === sender);
}

class Device implements IDevice {
  constructor(
    readonly id: string,
    public source: ISource
  ) {}

  name = '';
  named = false;
  /** The name the user gave in the page, or ''. */
  given = '';
  /** The name its readings carry (a sender program's), or ''. */
  sent = '';

  /** The name before it is made different from the others', and whether it came from the user or the device. */
  own(): [string, boolean] {
    const fromDevice = this.sent || (this.source.id === this.id ? (this.source.deviceName ?? '') : '');
    const named = this.given || fromDevice;
    if (named) {
      return [named, true];
    }
    return [this.source.id === this.id ? this.source.label : this.id, false];
  }
}

/** The devices in the order they came, each with a name of its own. */
export class DeviceList {
  get all(): ReadonlyArray<IDevice> {
    return this._all;
  }

  get(id: string): IDevice | undefined {
    return this._byId.get(id);
  }

  /** The device `source` reads itself (a board, a sensor), listed from the moment it is added. */
  addSource(source: ISource): IDevice {
    return this._device(source.id, source);
  }

  /** The device a reading came from; true second when it is new or its name changed. */
  heard(source: ISource, reading: IReading): [IDevice, boolean] {
    const known = this._byId.get(reading.source);
    const sent = deviceName(reading.device) ?? '';
    if (known && known.sent === sent && known.source === source) {
      return [known, false];
    }
    const device = known ?? this._device(reading.source, source);
    device.source = source; // a gateway moved to another port: its senders are heard through that one
    device.sent = sent;
    this.rename();
    return [device, true];
  }

  /** Give a device the user's name ('' for its own again); then make every name different. */
  rename(id?: string, name = ''): void {
    const device = id === undefined ? undefined : this._byId.get(id);
    if (device) {
      device.given = deviceName(name) ?? '';
    }
    const seen = new Map<string, number>();
    for (const each of this._all) {
      const [own, named] = each.own();
      const count = (seen.get(own) ?? 0) + 1;
      seen.set(own, count);
      // The second "micro:bit (USB)" is "micro:bit (USB) 2": rows and cards must tell them apart.
      each.name = count === 1 ? own : `${own} ${count}`;
      each.named = named;
    }
  }

  /** Forget the devices `source` reads (it was removed before it ever read). */
  remove(source: ISource): void {
    this._all = this._all.filter(device => device.source !== source);
    this._byId = new Map(this._all.map(device => [device.id, device]));
    this.rename();
  }

  private _device(id: string, source: ISource): Device {
    let device = this._byId.get(id);
    if (!device) {
      device = new Device(id, source);
      this._all.push(device);
      this._byId.set(id, device);
      this.rename();
    }
    return device;
  }

  private _all: Device[] = [];
  private _byId = new Map<string, Device>();
}
