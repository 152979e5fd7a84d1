// The hub: the browser tab's devices and the Loggers they feed, with each source's recent history.
import type { Kernel } from '@jupyterlab/services';
import { UUID } from '@lumino/coreutils';
import { Signal } from '@lumino/signaling';
import { heldKey, IndexedDBBatchStore } from './batchstore';
import { ReadingsChannel } from './comm';
import { ChannelHistory } from './history';
import { Forwarder } from './forwarder';
import { DeviceRequest, deviceResultMessage } from './protocol';
import { BluetoothSource } from './sources/bluetooth';
import { SerialSource } from './sources/serial';
import { SimulatedSource } from './sources/simulated';
import { SimulatedClassSource } from './sources/simulated-class';
import type { IReading, ISource, Transport } from './sources/types';
import type { IDeviceHub, ILoggerHandle, ILoggerLink } from './tokens';

export class DeviceHub implements IDeviceHub {
  get sources(): ReadonlyArray<ISource> {
    return this._sources;
  }

  get sourcesChanged(): Signal<this, void> {
    return this._sourcesChanged;
  }

  get readingReceived(): Signal<this, IReading> {
    return this._readingReceived;
  }

  latest(sourceId: string): IReading | undefined {
    return this._latest.get(sourceId);
  }

  history(sourceId: string): ChannelHistory {
    let history = this._history.get(sourceId);
    if (!history) {
      history = new ChannelHistory(this._historyMs);
      this._history.set(sourceId, history);
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

  sourceFor(transport: Transport): ISource {
    const existing = this._sources.find(s => s.transport === transport);
    if (existing) {
      return existing;
    }
    switch (transport) {
      case 'simulated':
        return this.add(new SimulatedSource('simulated'));
      case 'simulated-class':
        return this.add(new SimulatedClassSource('simulated-class'));
      case 'serial':
        return this.add(new SerialSource('serial'));
      case 'bluetooth':
        return this.add(new BluetoothSource('bluetooth'));
    }
  }

  add(source: ISource): ISource {
    this._sources.push(source);
    source.readingReceived.connect(this._onReading, this);
    source.stateChanged.connect(() => this._sourcesChanged.emit(), this);
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
      link = { kernel, logger, notebook, channel, forwarder, sourceId: null, forwardEveryMs };
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
    Signal.clearData(this);
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

  async deviceRequest(link: ILoggerLink, request: DeviceRequest): Promise<void> {
    let error: string | null = null;
    let value: number | null = null;
    try {
      const source = this._sources.find(s => s.id === link.sourceId);
      if (!source) {
        throw new Error('This logger has no device yet: press Connect or Start first.');
      }
      if (request.action === 'send_line') {
        await source.send(request.line);
      } else if (source instanceof BluetoothSource) {
        value = await source.setPeriod(request.ms);
      } else {
        throw new Error('Only a micro:bit over Bluetooth has a period to set.');
      }
    } catch (reason) {
      error = (reason as Error).message ?? String(reason);
    }
    // On the readings comm: it is served while the cell that asked waits.
    link.channel.send(deviceResultMessage(request.id, error, value));
  }

  private _onReading(source: ISource, reading: IReading): void {
    this._latest.set(source.id, reading);
    this.history(source.id).add(reading);
    for (const link of this._links.values()) {
      if (link.sourceId === source.id) {
        link.forwarder.push(reading);
      }
    }
    this._readingReceived.emit(reading);
  }

  readonly loggers = new Set<ILoggerHandle>();

  get loggersChanged(): Signal<this, void> {
    return this._loggersChanged;
  }

  loggerChanged(): void {
    this._loggersChanged.emit();
  }

  private _sources: ISource[] = [];
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
