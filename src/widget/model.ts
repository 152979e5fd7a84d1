// The notebook widget's model: links a kernel's Logger to a hub source through a forwarder.
import { DOMWidgetModel, ISerializers } from '@jupyter-widgets/base';
import type { Kernel } from '@jupyterlab/services';
import { isWebAddress, ISheetContent, ISheetReadProblem, readSheet, SheetReadError } from '../sheet';
import type { LineFormat } from '../sources/lines';
import { SerialSource } from '../sources/serial';
import type { ISource } from '../sources/types';
import { IDeviceHub, ILoggerHandle, ILoggerLink, MODULE_NAME, MODULE_VERSION } from '../tokens';
import { parseDeviceRequest, WidgetMessage } from '../protocol';
import { BluetoothSource } from '../sources/bluetooth';

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

/** What a view needs of a Logger model beyond the synced state. */
export interface ILoggerModel extends DOMWidgetModel {
  /** The hub's source this logger reads, once known. */
  readonly source: ISource | null;
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
        _model_name: 'LoggerModel',
        _view_name: 'LoggerView',
        _model_module: MODULE_NAME,
        _view_module: MODULE_NAME,
        _model_module_version: MODULE_VERSION,
        _view_module_version: MODULE_VERSION,
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
        poll_every: null
      };
    }

    initialize(attributes: any, options: any): void {
      super.initialize(attributes, options);
      this.source = null;
      this.link = null;
      this.problem = '';
      this.sheet = null;
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
        this.problem = 'This notebook has no running kernel: run the cell again.';
        return;
      }
      try {
        this.source = hub.sourceFor(this.get('source'));
      } catch (error) {
        this.problem = String((error as Error).message ?? error);
        return;
      }
      const notebook = owner.context?.path || `kernel ${kernel.id}`;
      this.link = hub.link(kernel, this.get('name'), this._forwardEveryMs(), notebook, this);
      this.link.sourceId = this.source.id;
      this._configureSource();
      this.on('msg:custom', (content: unknown, buffers: (ArrayBuffer | ArrayBufferView)[] | undefined) => {
        const request = parseDeviceRequest(content);
        if (request && this.link) {
          void hub.deviceRequest(this.link, request);
        } else if ((content as { type?: string })?.type === 'export' && buffers?.length) {
          download((content as { filename?: string }).filename ?? 'readings.csv', buffers[0]);
        }
      });
      this.on(
        'change:baud change:format change:channels change:usb_vendor_id change:usb_product_id ' +
          'change:name_prefix change:poll_every',
        () => this._configureSource()
      );
      this.source.stateChanged.connect(this._shareDevice, this);
      this.source.healthChanged.connect(this._shareDevice, this);
      this.on('change:forward_every', () => {
        if (this.link) {
          hub.link(this.link.kernel, this.link.logger, this._forwardEveryMs(), this.link.notebook, this);
        }
      });
      hub.loggers.add(this);
      hub.loggerChanged();
      this.on('change:_status sheet', () => hub.loggerChanged());
      // The kernel closed its Logger (closed, or replaced by a new one of its name or device).
      this.once('destroy', () => {
        hub.loggers.delete(this);
        hub.loggerChanged();
        if (this.link) {
          hub.release(this.link, this);
        }
        this.source?.stateChanged.disconnect(this._shareDevice, this);
        this.source?.healthChanged.disconnect(this._shareDevice, this);
      });
      this._shareDevice();
    }

    // Backbone calls initialize() from its constructor, before class fields would be
    // set, so these are declared only and set in initialize().
    declare source: ISource | null;
    declare link: ILoggerLink | null;
    declare problem: string;
    declare sheet: ISheetContent | ISheetReadProblem | null;

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

    /** The board's settings come from the Python Logger's arguments. */
    private _configureSource(): void {
      if (this.source instanceof SerialSource) {
        const vendor = this.get('usb_vendor_id') as number | null;
        const product = this.get('usb_product_id') as number | null;
        const filter: SerialPortFilter = {};
        if (vendor !== null) {
          filter.usbVendorId = vendor;
        }
        if (product !== null) {
          filter.usbProductId = product;
        }
        this.source.options = {
          baudRate: this.get('baud'),
          format: this.get('format') as LineFormat,
          channels: this.get('channels'),
          filters: vendor !== null || product !== null ? [filter] : []
        };
      } else if (this.source instanceof BluetoothSource) {
        const poll = this.get('poll_every') as number | null;
        this.source.options = {
          namePrefix: this.get('name_prefix'),
          pollMs: poll === null ? null : Math.round(poll * 1000)
        };
      }
    }

    /** Tell the kernel about the device, for `logger.status`. */
    private _shareDevice(): void {
      if (!this.source || !this.comm_live) {
        return;
      }
      const { id, transport, label, state, problem, health } = this.source;
      const last = health.recent[health.recent.length - 1];
      this.set('device', {
        id,
        transport,
        label,
        state,
        problem,
        lines: health.lines,
        readings: health.readings,
        bad_lines: health.badLines,
        bad_values: health.badValues,
        last_bad_line: last ? { reason: last.reason, text: last.text } : null
      });
      this.save_changes();
    }
  };
}
