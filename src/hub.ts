// The hub: the browser tab's devices and the Loggers they feed, with each device's recent history.
import type { Kernel } from '@jupyterlab/services';
import { UUID } from '@lumino/coreutils';
import { Signal } from '@lumino/signaling';
import { heldKey, IndexedDBBatchStore } from './batchstore';
import { ReadingsChannel } from './comm';
import { DeviceList, IDevice, IDeviceFilter, kindOf, matches } from './devices';
import { ChannelHistory } from './history';
import { Forwarder } from './forwarder';
import { trans } from './i18n';
import { DeviceRequest, deviceResultMessage } from './protocol';
import { BluetoothSource, IBluetoothOptions, requestBluetoothDevice } from './sources/bluetooth';
import { ISerialOptions, requestSerialPort, SerialSource } from './sources/serial';
import { NotebookSource } from './sources/notebook';
import { SimulatedSource } from './sources/simulated';
import { SimulatedClassSource } from './sources/simulated-class';
import type { IReading, ISource } from './sources/types';
import type { DeviceOptions, IDeviceHub, ILoggerHandle, ILoggerLink } from './tokens';

export class DeviceHub implements IDeviceHub {
  get sources(): ReadonlyArray<ISource> {
    return this._sources;
  }

  get devices(): ReadonlyArray<IDevice> {
    return this._devices.all;
  }

  get sourcesChanged(): Signal<this, void> {
    return this._sourcesChanged;
  }

  get readingReceived(): Signal<this, IReading> {
    return this._readingReceived;
  }

  latest(deviceId: string): IReading | undefined {
    return this._latest.get(deviceId);
  }

  history(deviceId: string): ChannelHistory {
    let history = this._history.get(deviceId);
    if (!history) {
      history = new ChannelHistory(this._historyMs);
      this._history.set(deviceId, history);
    }
    return history;
  }

  get historyMs(): number {
    return this._historyMs;
  }

  set historyMs(ms: number) {
    this._historyMs = ms;
    for (const history of this._history.values()) {
      history.windowMs = ms;
    }
    this._sourcesChanged.emit();
  }

  devicesFor(filter: IDeviceFilter): IDevice[] {
    return this._devices.all.filter(device => matches(filter, device));
  }

  rename(deviceId: string, name: string): void {
    this._devices.rename(deviceId, name);
    this._sourcesChanged.emit();
  }

  simulated(kind: 'simulated' | 'simulated-class' = 'simulated'): ISource {
    const make = () => (kind === 'simulated' ? new SimulatedSource(kind) : new SimulatedClassSource(kind));
    return this._sources.find(s => s.id === kind) ?? this.add(make());
  }

  async connect(transport: 'serial' | 'bluetooth', options?: DeviceOptions): Promise<ISource> {
    // The chooser first, with no await before it: it needs the click that called this.
    if (transport === 'serial') {
      const serialOptions = { ...this._options.serial, ...(options as Partial<ISerialOptions>) };
      const port = await requestSerialPort(serialOptions);
      const known = this._sources.filter((s): s is SerialSource => s instanceof SerialSource);
      const source = known.find(s => s.holds(port)) ?? known.find(s => s.awaits(port));
      return this._use(
        source,
        () => new SerialSource(this._nextId('serial'), serialOptions),
        s => s.use(port)
      );
    }
    const bluetoothOptions = { ...this._options.bluetooth, ...(options as Partial<IBluetoothOptions>) };
    const device = await requestBluetoothDevice(bluetoothOptions);
    const known = this._sources.filter((s): s is BluetoothSource => s instanceof BluetoothSource);
    return this._use(
      known.find(s => s.holds(device)),
      () => new BluetoothSource(this._nextId('bluetooth'), bluetoothOptions),
      s => s.use(device)
    );
  }

  configure(transport: 'serial' | 'bluetooth', options: DeviceOptions): void {
    this._options[transport] = options;
  }

  add(source: ISource): ISource {
    this._sources.push(source);
    this._devices.addSource(source);
    source.readingReceived.connect(this._onReading, this);
    source.stateChanged.connect(this._onStateChanged, this);
    this._sourcesChanged.emit();
    return source;
  }

  get forwardEveryMs(): number {
    return this._forwardEveryMs;
  }

  set forwardEveryMs(ms: number) {
    this._forwardEveryMs = ms;
    for (const link of this._links.values()) {
      if (link.forwardEveryMs === null) {
        link.forwarder.forwardEveryMs = ms;
      }
    }
  }

  get units(): Readonly<Record<string, string>> {
    return this._units;
  }

  set units(units: Readonly<Record<string, string>>) {
    this._units = { ...units };
    this._sourcesChanged.emit();
  }

  unitsOf(source: ISource): Readonly<Record<string, string>> {
    const units: Record<string, string> = { ...source.units };
    for (const [channel, unit] of Object.entries(this._units)) {
      units[channel] ||= unit; // a device's own unit wins
    }
    return units;
  }

  link(
    kernel: Kernel.IKernelConnection,
    logger: string,
    forwardEveryMs: number | null,
    notebook: string,
    user: object
  ): ILoggerLink {
    const key = `${kernel.id}/${logger}`;
    let link = this._links.get(key);
    if (link && link.kernel !== kernel) {
      // The same kernel seen through a new connection (a reconnected session).
      this._unlink(key);
      link = undefined;
    }
    if (!link) {
      const stream = UUID.uuid4();
      const channel = new ReadingsChannel(kernel, logger, stream);
      // Unacked readings outlive a page reload, and a new kernel of the notebook, in IndexedDB
      // (absent in some test set-ups).
      const store = typeof indexedDB === 'undefined' ? undefined : new IndexedDBBatchStore(heldKey(notebook, logger));
      const forwarder = new Forwarder(channel, {
        forwardEveryMs: forwardEveryMs ?? this._forwardEveryMs,
        stream,
        store
      });
      const filter: IDeviceFilter = { kind: 'simulated', devices: null };
      link = { kernel, logger, notebook, channel, forwarder, filter, forwardEveryMs };
      this._links.set(key, link);
      kernel.disposed.connect(() => this._unlink(key), this);
    } else {
      link.forwardEveryMs = forwardEveryMs;
      link.forwarder.forwardEveryMs = forwardEveryMs ?? this._forwardEveryMs;
    }
    this._users.set(key, (this._users.get(key) ?? new Set()).add(user));
    return link;
  }

  release(link: ILoggerLink, user: object): void {
    const key = `${link.kernel.id}/${link.logger}`;
    const users = this._users.get(key);
    users?.delete(user);
    if (this._links.get(key) === link && !users?.size) {
      this._unlink(key);
    }
  }

  dispose(): void {
    for (const key of [...this._links.keys()]) {
      this._unlink(key);
    }
    for (const source of this._sources) {
      source.dispose();
    }
    this._sources = [];
    this._devices = new DeviceList();
    Signal.clearData(this);
  }

  async deviceRequest(link: ILoggerLink, request: DeviceRequest): Promise<void> {
    let error: string | null = null;
    let value: number | null = null;
    try {
      const sources = [...new Set(this.devicesFor(link.filter).map(device => device.source))];
      if (sources.length === 0) {
        throw new Error(trans.__('This logger has no device yet: press Connect or Start first.'));
      }
      if (request.action === 'send_line') {
        // Each of the logger's boards gets the line; one that cannot does not stop the others.
        const sent = await Promise.allSettled(sources.map(source => source.send(request.line)));
        const failed = sent.filter((result): result is PromiseRejectedResult => result.status === 'rejected');
        if (failed.length > 0) {
          throw new Error(failed.map(result => (result.reason as Error).message).join(' '));
        }
      } else {
        const sensor = sources.find((source): source is BluetoothSource => source instanceof BluetoothSource);
        if (!sensor) {
          throw new Error(trans.__('Only a micro:bit over Bluetooth has a period to set.'));
        }
        value = await sensor.setPeriod(request.ms);
      }
    } catch (reason) {
      error = (reason as Error).message ?? String(reason);
    }
    // On the readings comm: it is served while the cell that asked waits.
    link.channel.send(deviceResultMessage(request.id, error, value));
  }

  readonly loggers = new Set<ILoggerHandle>();

  get loggersChanged(): Signal<this, void> {
    return this._loggersChanged;
  }

  loggerChanged(): void {
    this._loggersChanged.emit();
  }

  /** Read with `source` (a known one, or a new one made by `create`); a new one that cannot is forgotten. */
  private async _use<T extends ISource>(
    source: T | undefined,
    create: () => T,
    use: (source: T) => Promise<void>
  ): Promise<ISource> {
    if (source && (source.state === 'connected' || source.state === 'connecting')) {
      return source; // the user chose a device already in use: nothing new
    }
    const chosen = source ?? (this.add(create()) as T);
    try {
      await use(chosen);
    } catch (error) {
      if (!source) {
        this._remove(chosen);
      }
      throw error;
    }
    return chosen;
  }

  private _remove(source: ISource): void {
    this._sources = this._sources.filter(s => s !== source);
    this._devices.remove(source);
    source.dispose();
    this._sourcesChanged.emit();
  }

  /** `serial-1`, `serial-2`, ...: the next number of that kind. */
  private _nextId(kind: string): string {
    const taken = this._sources.filter(s => kindOf(s) === kind).map(s => Number(s.id.slice(kind.length + 1)) || 0);
    return `${kind}-${Math.max(0, ...taken) + 1}`;
  }

  private _onStateChanged(): void {
    this._devices.rename(); // a board's name comes with its state ("micro:bit (USB)")
    this._sourcesChanged.emit();
  }

  /**
   * Readings a notebook made in Python (`logger.record`), which its kernel sends to the page: each
   * `source` is a device of the tab, charted and listed like the others, but never sent back.
   */
  recorded(readings: ReadonlyArray<IReading>): IDevice[] {
    const devices = new Set<IDevice>();
    for (const reading of readings) {
      const [device] = this._devices.heard(this._notebook, reading);
      this._latest.set(device.id, reading);
      this.history(device.id).add(reading);
      devices.add(device);
    }
    this._sourcesChanged.emit();
    return [...devices];
  }

  private _onReading(source: ISource, reading: IReading): void {
    const [device, changed] = this._devices.heard(source, reading);
    // The name goes with the reading when the user or the device gave one (the kernel's `device` column).
    const named = device.named && reading.device !== device.name ? { ...reading, device: device.name } : reading;
    this._latest.set(device.id, named);
    this.history(device.id).add(named);
    for (const link of this._links.values()) {
      if (matches(link.filter, device)) {
        link.forwarder.push(named);
      }
    }
    if (changed) {
      this._sourcesChanged.emit();
    }
    this._readingReceived.emit(named);
  }

  private _unlink(key: string): void {
    const link = this._links.get(key);
    if (link) {
      this._links.delete(key);
      this._users.delete(key);
      link.forwarder.dispose();
      link.channel.dispose();
    }
  }

  private _sources: ISource[] = [];
  private _devices = new DeviceList();
  private _notebook = new NotebookSource();
  private _options: Record<'serial' | 'bluetooth', DeviceOptions> = { serial: {}, bluetooth: {} };
  private _latest = new Map<string, IReading>();
  private _history = new Map<string, ChannelHistory>();
  private _historyMs = 10 * 60_000;
  private _forwardEveryMs = 5000;
  private _units: Record<string, string> = {};
  private _links = new Map<string, ILoggerLink>();
  /** The models of this page that use each link: the last one to go closes it. */
  private _users = new Map<string, Set<object>>();
  private _sourcesChanged = new Signal<this, void>(this);
  private _readingReceived = new Signal<this, IReading>(this);
  private _loggersChanged = new Signal<this, void>(this);
}
