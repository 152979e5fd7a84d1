// The notebook widget's model: links a kernel's Logger to the hub's devices it logs through a forwarder.
import { DOMWidgetModel, ISerializers } from '@jupyter-widgets/base';
import type { Kernel } from '@jupyterlab/services';
import { ISheetReadProblem, readSheet, SheetReadError } from '../readback';
import { isWebAddress, ISheetContent } from '../sheet';
import { DEVICE_KINDS, DeviceKind, IDevice, IDeviceFilter } from '../devices';
import type { LineFormat } from '../sources/lines';
import { ISerialOptions, SerialSource } from '../sources/serial';
import type { ISource, SourceState } from '../sources/types';
import { shareLanguage, trans } from '../i18n';
import { DeviceOptions, IDeviceHub, ILoggerHandle, ILoggerLink, widgetNames } from '../tokens';
import { ALIVE_EVERY_MS, parseDeviceRequest, parseRecorded, WidgetMessage } from '../protocol';
import { BluetoothSource, IBluetoothOptions } from '../sources/bluetooth';

/** The widget managers of JupyterLab and Notebook 7 both expose their kernel. */
interface IKernelOwner {
  kernel?: Kernel.IKernelConnection | null;
  /** The notebook's document (JupyterLab's notebook widget manager has one; an output area's has not). */
  context?: { path?: string };
}

/** Hand a file to the browser's downloads. */
function download(filename: string, data: ArrayBuffer | ArrayBufferView): void {
  const url = URL.createObjectURL(new Blob([data as BlobPart], { type: 'text/csv' }));
  const link = document.createElement('a');
  link.href = url;
  link.download = filename;
  link.click();
  setTimeout(() => URL.revokeObjectURL(url), 60_000);
}

/** The states of a logger's devices, the liveliest first: the kernel hears the liveliest. */
const LIVELIEST: SourceState[] = ['connected', 'connecting', 'waiting', 'stopped'];

/** What a view needs of a Logger model beyond the synced state. */
export interface ILoggerModel extends DOMWidgetModel {
  /** Which of the tab's devices this logger logs. */
  readonly filter: IDeviceFilter;
  /** The devices it logs now, and those whose readings it made in Python. */
  devices(): IDevice[];
  /** The devices whose readings this Logger made in Python (`logger.record`): `recorded` is triggered when they change. */
  readonly recorded: ReadonlyArray<IDevice>;
  /** What reads them (a gateway's senders share their port's). */
  sources(): ISource[];
  /** The simulated sensor (or class) a Start button starts, for loggers of one; else null. */
  readonly startable: ISource | null;
  /** One more USB board or Bluetooth sensor for this logger: call straight from a click. */
  connect(transport: 'serial' | 'bluetooth'): Promise<ISource>;
  readonly link: ILoggerLink | null;
  /** Why the model cannot work, in words, or ''. */
  readonly problem: string;
  /** The sheet as the browser last read it back, or why it could not (event `sheet`). */
  readonly sheet: ISheetContent | ISheetReadProblem | null;
  sendToKernel(message: WidgetMessage): void;
}

/**
 * The browser half of `sensorlab.Logger`: links the kernel's logger to a source of the
 * hub through a forwarder, and tells the kernel about the device's state.
 */
export function createLoggerModel(hub: IDeviceHub): typeof DOMWidgetModel {
  return class LoggerModel extends DOMWidgetModel implements ILoggerModel {
    static serializers: ISerializers = { ...DOMWidgetModel.serializers };

    defaults(): any {
      return {
        ...super.defaults(),
        ...widgetNames('LoggerModel', 'LoggerView'),
        name: '',
        source: 'simulated',
        forward_every: null,
        sheet_url: '',
        _status: {},
        device: {},
        baud: 115200,
        format: 'auto',
        channels: [],
        usb_vendor_id: null,
        usb_product_id: null,
        name_prefix: '',
        poll_every: null,
        _language: ''
      };
    }

    initialize(attributes: any, options: any): void {
      super.initialize(attributes, options);
      shareLanguage(this);
      this.filter = { kind: 'simulated', devices: [] };
      this.startable = null;
      this.link = null;
      this.problem = '';
      this.sheet = null;
      this.recorded = [];
      // Read the sheet back whenever the kernel has posted more rows.
      this.on('change:_status', () => {
        if (this.get('_status').posted !== this.previous('_status')?.posted) {
          void this._readSheet();
        }
      });
      void this._readSheet();
      const owner = this.widget_manager as unknown as IKernelOwner;
      const kernel = owner.kernel;
      if (!kernel) {
        this.problem = trans.__('This notebook has no running kernel: run the cell again.');
        return;
      }
      const kind = this.get('source') as DeviceKind;
      if (!DEVICE_KINDS.includes(kind)) {
        // TRANSLATORS: %1 is the Logger's source, as the notebook gave it (source="serial").
        this.problem = trans.__(
          'This page\'s sensorlab does not know the source "%1": install the same sensorlab version in the kernel and the page, then reload.',
          kind
        );
        return;
      }
      this.filter = { kind, devices: this._deviceNames() };
      this.startable = kind === 'simulated' || kind === 'simulated-class' ? hub.simulated(kind) : null;
      const notebook = owner.context?.path || `kernel ${kernel.id}`;
      this.link = hub.link(kernel, this.get('name'), this._forwardEveryMs(), notebook, this);
      this.link.filter = this.filter;
      this._configureSources();
      this.on('msg:custom', (content: unknown, buffers: (ArrayBuffer | ArrayBufferView)[] | undefined) => {
        const request = parseDeviceRequest(content);
        const recorded = parseRecorded(content);
        if (request && this.link) {
          void hub.deviceRequest(this.link, request);
        } else if (recorded) {
          this.recorded = [...new Set([...this.recorded, ...hub.recorded(recorded.readings)])];
          this.trigger('recorded');
        } else if ((content as { type?: string })?.type === 'export' && buffers?.length) {
          download((content as { filename?: string }).filename ?? 'readings.csv', buffers[0]);
        }
      });
      this.on(
        'change:baud change:format change:channels change:usb_vendor_id change:usb_product_id ' +
          'change:name_prefix change:poll_every',
        () => this._configureSources()
      );
      this.on('change:devices', () => {
        this.filter = { kind, devices: this._deviceNames() };
        if (this.link) {
          this.link.filter = this.filter;
        }
        this._shareDevice();
      });
      hub.sourcesChanged.connect(this._shareDevice, this);
      this.on('change:forward_every', () => {
        if (this.link) {
          hub.link(this.link.kernel, this.link.logger, this._forwardEveryMs(), this.link.notebook, this);
        }
      });
      hub.loggers.add(this);
      hub.loggerChanged();
      this.on('change:_status sheet', () => hub.loggerChanged());
      // A restarted kernel leaves this model without its Logger (it is never closed): the sidebar
      // drops its card, while the link keeps holding readings for the Logger the notebook makes again.
      this.on('comm_live_update', () => {
        if (!this.comm_live && hub.loggers.delete(this)) {
          hub.loggerChanged();
        }
      });
      const alive = setInterval(() => {
        if (this.comm_live) {
          this.sendToKernel({ type: 'alive' });
        }
      }, ALIVE_EVERY_MS);
      // The kernel closed its Logger (closed, or replaced by a new one of its name or device).
      this.once('destroy', () => {
        clearInterval(alive);
        hub.loggers.delete(this);
        hub.loggerChanged();
        if (this.link) {
          hub.release(this.link, this);
        }
        hub.sourcesChanged.disconnect(this._shareDevice, this);
        this._watch([]);
      });
      this._shareDevice();
    }

    // Backbone calls initialize() from its constructor, before class fields would be
    // set, so these are declared only and set in initialize().
    declare filter: IDeviceFilter;
    declare startable: ISource | null;
    declare link: ILoggerLink | null;
    declare problem: string;
    declare sheet: ISheetContent | ISheetReadProblem | null;
    declare recorded: IDevice[];

    devices(): IDevice[] {
      const read = hub.devicesFor(this.filter);
      return [...read, ...this.recorded.filter(device => !read.includes(device))];
    }

    sources(): ISource[] {
      return [...new Set(hub.devicesFor(this.filter).map(device => device.source))];
    }

    connect(transport: 'serial' | 'bluetooth'): Promise<ISource> {
      return hub.connect(transport, this._options(transport));
    }

    sendToKernel(message: WidgetMessage): void {
      this.send(message, {});
    }

    postNow(): void {
      this.sendToKernel({ type: 'post_now' });
    }

    get summary(): ILoggerHandle['summary'] {
      return {
        name: this.get('name'),
        sheetUrl: this.get('sheet_url'),
        status: this.get('_status'),
        sheet: this.sheet
      };
    }

    private async _readSheet(): Promise<void> {
      const url = this.get('sheet_url') as string;
      if (!isWebAddress(url)) {
        return; // no sheet, or an address the page never reads (the views say so)
      }
      try {
        this.sheet = await readSheet(url);
      } catch (error) {
        const problem =
          error instanceof SheetReadError
            ? error.problem
            : new SheetReadError('unreachable', (error as Error).message).problem;
        // The student sees the same words for every cause; the log and the tooltip say which.
        console.warn(`sensorlab: the sheet ${url} could not be read back (${problem.cause}): ${problem.detail}`);
        this.sheet = problem;
      }
      this.trigger('sheet');
    }

    /** The notebook's forward_every in milliseconds, or null to follow the settings. */
    private _forwardEveryMs(): number | null {
      const seconds = this.get('forward_every') as number | null;
      return seconds === null ? null : seconds * 1000;
    }

    /** The Logger's `devices` (none or empty: every device of its kind), as the names and ids it picks or null. */
    private _deviceNames(): string[] | null {
      const devices = this.get('devices') as unknown;
      return Array.isArray(devices) && devices.length > 0 ? devices.map(String) : null;
    }

    /** A new device's settings, from the Python Logger's arguments. */
    private _options(transport: 'serial' | 'bluetooth'): DeviceOptions {
      if (transport === 'serial') {
        const vendor = this.get('usb_vendor_id') as number | null;
        const product = this.get('usb_product_id') as number | null;
        const filter: SerialPortFilter = {};
        if (vendor !== null) {
          filter.usbVendorId = vendor;
        }
        if (product !== null) {
          filter.usbProductId = product;
        }
        const options: ISerialOptions = {
          baudRate: this.get('baud'),
          format: this.get('format') as LineFormat,
          channels: this.get('channels'),
          filters: vendor !== null || product !== null ? [filter] : []
        };
        return options;
      }
      const poll = this.get('poll_every') as number | null;
      const options: IBluetoothOptions = {
        namePrefix: this.get('name_prefix'),
        pollMs: poll === null ? null : Math.round(poll * 1000)
      };
      return options;
    }

    /** The Logger's settings go to its devices and to those connected from the sidebar next. */
    private _configureSources(): void {
      for (const transport of ['serial', 'bluetooth'] as const) {
        if (this.filter.kind === transport || this.filter.kind === 'all') {
          hub.configure(transport, this._options(transport));
        }
      }
      for (const source of this.sources()) {
        if (source instanceof SerialSource) {
          source.options = this._options('serial') as ISerialOptions;
        } else if (source instanceof BluetoothSource) {
          source.options = this._options('bluetooth') as IBluetoothOptions;
        }
      }
    }

    /** Follow the health of these sources (and no others). */
    private _watch(sources: ISource[]): void {
      for (const source of this._watched ?? []) {
        source.healthChanged.disconnect(this._shareDevice, this);
      }
      this._watched = sources;
      for (const source of sources) {
        source.healthChanged.connect(this._shareDevice, this);
      }
    }

    /** Tell the kernel about the logger's devices, for `logger.status`: the liveliest state, the counts summed. */
    private _shareDevice(): void {
      if (!this.comm_live || this.problem) {
        return;
      }
      const sources = this.sources();
      if (sources.length !== this._watched?.length || sources.some((s, i) => s !== this._watched[i])) {
        this._watch(sources);
      }
      const devices = this.devices();
      const health = sources.map(source => source.health);
      const recent = health.flatMap(h => h.recent).sort((a, b) => a.time - b.time);
      const last = recent[recent.length - 1];
      const state = LIVELIEST.find(s => sources.some(source => source.state === s)) ?? 'stopped';
      const sum = (count: (h: (typeof health)[number]) => number) => health.reduce((total, h) => total + count(h), 0);
      this.set('device', {
        id: devices.map(device => device.id).join(', '),
        transport: this.filter.kind,
        label: devices.map(device => device.name).join(', '),
        state,
        problem: sources.map(source => source.problem).find(Boolean) ?? '',
        lines: sum(h => h.lines),
        readings: sum(h => h.readings),
        bad_lines: sum(h => h.badLines),
        bad_values: sum(h => h.badValues),
        last_bad_line: last ? { reason: last.reason, text: last.text } : null,
        devices: devices.map(device => ({ id: device.id, name: device.name, state: device.source.state }))
      });
      this.save_changes();
    }

    declare _watched: ISource[];
  };
}
