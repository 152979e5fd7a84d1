// The hub's token and the types the plugins share; the package's name and version.
import type { Kernel } from '@jupyterlab/services';
import { Token } from '@lumino/coreutils';
import type { ISignal } from '@lumino/signaling';
import type { Forwarder } from './forwarder';
import type { ReadingsChannel } from './comm';
import type { IDevice, IDeviceFilter } from './devices';
import type { ChannelHistory } from './history';
import type { DeviceRequest } from './protocol';
import type { ISheetReadProblem } from './readback';
import type { ISheetContent } from './sheet';
import type { IBluetoothOptions } from './sources/bluetooth';
import type { ISerialOptions } from './sources/serial';
import type { IReading, ISource } from './sources/types';

/** The settings a new USB board or Bluetooth sensor starts with (a Logger's baud, format, filters...). */
export type DeviceOptions = Partial<ISerialOptions> | Partial<IBluetoothOptions>;

// package.json is the one place the version is written (the Python package reads it at build).
declare function require(id: '../package.json'): { version: string };

/** The package's name and version, as the kernel's widgets ask for them. */
export const MODULE_NAME = 'sensorlab';
export const MODULE_VERSION: string = require('../package.json').version;

/** A kernel widget's names as ipywidgets looks them up: its model and view classes in this package. */
export function widgetNames(model: string, view: string): Record<string, string> {
  return {
    _model_name: model,
    _view_name: view,
    _model_module: MODULE_NAME,
    _view_module: MODULE_NAME,
    _model_module_version: MODULE_VERSION,
    _view_module_version: MODULE_VERSION
  };
}

export namespace CommandIDs {
  export const startSimulated = 'sensorlab:start-simulated';
  export const stopSimulated = 'sensorlab:stop-simulated';
  export const connectSerial = 'sensorlab:connect-serial';
  export const connectBluetooth = 'sensorlab:connect-bluetooth';
  export const openMonitor = 'sensorlab:open-monitor';
  export const postNow = 'sensorlab:post-now';
}

/** One Logger of one kernel, fed by the hub's devices its filter picks. */
export interface ILoggerLink {
  readonly kernel: Kernel.IKernelConnection;
  readonly logger: string;
  /** The notebook's path: what the browser holds for this logger is kept under it and the logger's name. */
  readonly notebook: string;
  readonly channel: ReadingsChannel;
  readonly forwarder: Forwarder;
  /** The devices whose readings go to this logger (the Logger's `source` and `devices`). */
  filter: IDeviceFilter;
  /** Milliseconds between batches the notebook asked for, or null to follow the settings. */
  forwardEveryMs: number | null;
}

/** A Logger shown on this page, as the commands and the sidebar see it. */
export interface ILoggerHandle {
  /** Ask the kernel to post a row now, whatever the timetable. */
  postNow(): void;
  /** The Logger's name, its sheet's address ('' without one) and its kernel's status. */
  readonly summary: {
    name: string;
    sheetUrl: string;
    status: Record<string, unknown>;
    /** The sheet's last rows as the browser read them back, header first, or why not. */
    sheet: ISheetContent | ISheetReadProblem | null;
  };
}

/**
 * The devices of one browser tab. A device can be opened only once, so it lives here
 * and not in a notebook's widget; every logger and view of the tab uses it from here.
 */
export interface IDeviceHub {
  /** What reads the devices: the simulated sensor, each USB board, each Bluetooth sensor. */
  readonly sources: ReadonlyArray<ISource>;
  /** Every device of the tab, in the order they came: each source's own, and each sender heard through one. */
  readonly devices: ReadonlyArray<IDevice>;
  /** Emitted when a source or device comes, goes, changes state or is renamed. */
  readonly sourcesChanged: ISignal<IDeviceHub, void>;
  readonly readingReceived: ISignal<IDeviceHub, IReading>;
  /** The last reading of a device. */
  latest(deviceId: string): IReading | undefined;
  /** The recent readings of a device, for charts. */
  history(deviceId: string): ChannelHistory;
  /** The devices a Logger with `filter` logs. */
  devicesFor(filter: IDeviceFilter): IDevice[];
  /** Readings a notebook made in Python, as its kernel sent them: charted and listed, never sent back; their devices. */
  recorded(readings: ReadonlyArray<IReading>): IDevice[];
  /** Give a device a name of the user's ('' for its own again). */
  rename(deviceId: string, name: string): void;
  /** How far back charts reach, in milliseconds (10 minutes to 24 hours). */
  historyMs: number;
  /** The Loggers shown on this page (their models add and remove themselves). */
  readonly loggers: Set<ILoggerHandle>;
  /** Emitted when a Logger comes, goes, or its status or sheet changes. */
  readonly loggersChanged: ISignal<IDeviceHub, void>;
  /** Models call this when their status or sheet changed. */
  loggerChanged(): void;
  /** Milliseconds between batches for loggers that do not set their own (a setting). */
  forwardEveryMs: number;
  /** Units by channel name for channels whose device gives none (a setting). */
  units: Readonly<Record<string, string>>;
  /** A source's units, completed by the units setting. */
  unitsOf(source: ISource): Readonly<Record<string, string>>;
  /** The tab's one simulated sensor, or its simulated class of micro:bits, created on first use. */
  simulated(kind?: 'simulated' | 'simulated-class'): ISource;
  /**
   * One more device: the browser's chooser, then the board or sensor picked is read as a new
   * device (`serial-2`), unless it is one the tab reads already. Call straight from a click.
   * Rejects with the problem in words. `options`: a new device's settings (else the last given).
   */
  connect(transport: 'serial' | 'bluetooth', options?: DeviceOptions): Promise<ISource>;
  /** The settings the sidebar's Connect gives a new device of `transport`. */
  configure(transport: 'serial' | 'bluetooth', options: DeviceOptions): void;
  /**
   * The link to the logger `logger` of `kernel` in `notebook` (its path), created on first use,
   * for `user` (a Logger's model).
   */
  link(
    kernel: Kernel.IKernelConnection,
    logger: string,
    forwardEveryMs: number | null,
    notebook: string,
    user: object
  ): ILoggerLink;
  /**
   * `user` no longer uses `link` (its Logger was closed or replaced in the kernel): when no
   * model of the page uses it any more, the link closes and stops holding readings for it.
   */
  release(link: ILoggerLink, user: object): void;
  /** `logger.send` and `logger.set_period` in Python: ask the logger's device, answer on its readings comm. */
  deviceRequest(link: ILoggerLink, request: DeviceRequest): Promise<void>;
}

export const IDeviceHub = new Token<IDeviceHub>(
  'sensorlab:IDeviceHub',
  'The devices of this browser tab and the loggers they feed.'
);
