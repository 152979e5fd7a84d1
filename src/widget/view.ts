// The notebook widget's view: its devices, start, connect and disconnect, live values, chart, notes and status.
import { DOMWidgetView } from '@jupyter-widgets/base';
import type { IDevice } from '../devices';
import type { IForwarderStats } from '../forwarder';
import type { IReading, ISource } from '../sources/types';
import type { ILoggerModel } from './model';
import type { IDeviceHub } from '../tokens';
import { formatNumber, trans } from '../i18n';
import { ChannelChart } from '../ui/chart';
import {
  element,
  keepingFocus,
  labelled,
  problemCounts,
  refreshTiles,
  sheetLink,
  stateWord,
  valueTiles
} from '../ui/dom';
import { Redraw } from '../ui/redraw';
import { IKernelStatus, statusParts, troubleNotices } from '../ui/status';

/** "No USB device yet: ...", or how many devices and how many of them read. */
function devicesSummary(devices: IDevice[], kind: string): string {
  if (devices.length === 0) {
    if (kind === 'serial') {
      return trans.__("No USB device yet: press Connect and choose it in the browser's list.");
    }
    if (kind === 'bluetooth') {
      return trans.__("No Bluetooth sensor yet: press Connect and choose it in the browser's list.");
    }
    return trans.__("No device yet: press Connect and choose it in the browser's list.");
  }
  const reading = devices.filter(device => device.source.state === 'connected').length;
  // TRANSLATORS: %1 is how many devices the logger has, %2 how many of them are reading now.
  return trans._n('%1 device, %2 reading', '%1 devices, %2 reading', devices.length, reading);
}

/** What the browser read back from the sheet, in a few words after " · ", or '' before it has read. */
function sheetSummary(sheet: ILoggerModel['sheet']): string {
  if (!sheet) {
    return '';
  }
  let words: string;
  if ('error' in sheet) {
    words = sheet.error;
  } else if (sheet.rows.length === 0) {
    words = trans.__('no rows in the sheet yet');
  } else {
    const count = sheet.rows.length;
    const rows = formatNumber(count);
    const newest = sheet.rows[count - 1][0];
    // TRANSLATORS: %2 is the number of rows, %3 the time cell of the newest row, as the sheet has it.
    words = trans._n(
      '%2 row in the sheet, newest from %3',
      '%2 rows in the sheet, newest from %3',
      count,
      rows,
      newest
    );
  }
  return ` · ${words}`;
}

/** A Connect button's text, and its name for screen readers. */
function connectWords(
  transport: 'serial' | 'bluetooth',
  both: boolean,
  another: boolean
): { text: string; label: string } {
  // With both kinds, the button says which.
  let text: string;
  if (!both) {
    text = another ? trans.__('Connect another') : trans.__('Connect');
  } else if (transport === 'serial') {
    text = another ? trans.__('Connect another USB') : trans.__('Connect USB');
  } else {
    text = another ? trans.__('Connect another Bluetooth') : trans.__('Connect Bluetooth');
  }
  // The name starts with the words shown, so a student who says what they see (voice control) finds it.
  if (transport === 'serial') {
    const usb = both ? trans.__('Connect USB device') : trans.__('Connect a USB device');
    return { text, label: another ? trans.__('Connect another USB device') : usb };
  }
  const bluetooth = both ? trans.__('Connect Bluetooth sensor') : trans.__('Connect a Bluetooth sensor');
  return { text, label: another ? trans.__('Connect another Bluetooth sensor') : bluetooth };
}

/** Shown before the first reading: what to press, unless devices are connected already. */
function noReadingsHint(devices: IDevice[], model: ILoggerModel): string {
  if (model.startable) {
    return trans.__('No readings yet. Press Start to begin.');
  }
  return devices.length > 0 ? trans.__('No readings yet.') : trans.__('No readings yet. Press Connect to begin.');
}

/** The Logger in a notebook: its devices, start or connect, live values and the status line. */
export function createLoggerView(hub: IDeviceHub): typeof DOMWidgetView {
  return class LoggerView extends DOMWidgetView {
    render(): void {
      const model = this.model as ILoggerModel;
      this.el.classList.add('jp-sensorlab-Logger');
      this.el.setAttribute('role', 'region');
      this.el.setAttribute('aria-label', trans.__('sensorlab logger %1', model.get('name')));

      const header = element('div', 'jp-sensorlab-Logger-header');
      header.appendChild(element('span', 'jp-sensorlab-Logger-title', `sensorlab · ${model.get('name')}`));
      this._device = element('span', 'jp-sensorlab-Logger-device');
      header.appendChild(this._device);
      this._actions = element('span', 'jp-sensorlab-Logger-actions');
      this._start = element('button', 'jp-sensorlab-Logger-start jp-mod-styled');
      this._start.addEventListener('click', () => {
        const startable = (this.model as ILoggerModel).startable;
        if (startable) {
          void this._onStartStop(startable);
        }
      });
      header.appendChild(this._actions);
      this.el.appendChild(header);

      // Each device of the logger (not for the one simulated sensor): name, state, values, Disconnect.
      this._list = element('ul', 'jp-sensorlab-Logger-devices');
      this._list.setAttribute('aria-label', trans.__('Devices of this logger'));
      this.el.appendChild(this._list);

      this._values = element('div', 'jp-sensorlab-Logger-values');
      this._values.setAttribute('aria-live', 'off');
      this.el.appendChild(this._values);
      this._chartArea = element('div', 'jp-sensorlab-Logger-chart');
      this.el.appendChild(this._chartArea);

      this._sheet = element('div', 'jp-sensorlab-Logger-sheet');
      this.el.appendChild(this._sheet);

      this.el.appendChild(this._noteBox());

      this._problems = element('div', 'jp-sensorlab-Logger-problems');
      this._problems.setAttribute('aria-live', 'polite');
      this.el.appendChild(this._problems);

      this._status = element('div', 'jp-sensorlab-Logger-status');
      this._status.setAttribute('role', 'status');
      this.el.appendChild(this._status);

      this.listenTo(model, 'change:_status change:sheet_url sheet', () => this._renderStatus());
      this.listenTo(model, 'change:device', () => this._renderProblems());
      this.listenTo(model, 'recorded', () => this._renderDevice());
      hub.sourcesChanged.connect(this._renderDevice, this);
      model.link?.forwarder.changed.connect(this._renderStatus, this);
      hub.readingReceived.connect(this._onReading, this);
      // The channel's state and the times shown change by themselves: refresh each second.
      this._clock = setInterval(() => this._renderStatus(), 1000);

      this._renderDevice();
      this._renderStatus();
    }

    remove(): any {
      const model = this.model as ILoggerModel;
      hub.sourcesChanged.disconnect(this._renderDevice, this);
      model.link?.forwarder.changed.disconnect(this._renderStatus, this);
      hub.readingReceived.disconnect(this._onReading, this);
      this._redraw.dispose();
      clearInterval(this._clock);
      this._chart?.dispose();
      return super.remove();
    }

    /** A note for the next row ("window opened"), and the CSV download of every reading. */
    private _noteBox(): HTMLDivElement {
      const model = this.model as ILoggerModel;
      const box = element('div', 'jp-sensorlab-Logger-note');
      const input = element('input', 'jp-mod-styled jp-sensorlab-Logger-noteInput');
      input.type = 'text';
      input.maxLength = 500;
      input.placeholder = trans.__('A note for the next row, e.g. window opened');
      input.setAttribute('aria-label', trans.__('Note for the next row'));
      const add = element('button', 'jp-mod-styled', trans.__('Add note'));
      const submit = () => {
        const text = input.value.trim();
        if (text) {
          model.sendToKernel({ type: 'note', text });
          input.value = '';
        }
      };
      add.addEventListener('click', submit);
      input.addEventListener('keydown', event => {
        if (event.key === 'Enter') {
          submit();
        }
      });
      const shown = trans.__('Download CSV');
      const exportButton = element('button', 'jp-mod-styled', shown);
      // The name starts with the words shown, so a student who says what they see (voice control) finds it.
      exportButton.setAttribute('aria-label', trans.__('%1: every reading, with times and notes', shown));
      exportButton.addEventListener('click', () => model.sendToKernel({ type: 'export' }));
      box.append(input, add, exportButton);
      return box;
    }

    /** Start or Stop the simulated sensor (or class), from its button. */
    private async _onStartStop(source: ISource): Promise<void> {
      try {
        await (source.state === 'stopped' ? source.start() : source.stop());
      } catch {
        this._renderDevice(); // the source shows what went wrong as its problem
      }
    }

    /** One more device, from the Connect button: the chooser needs this click, so nothing is awaited before. */
    private async _onConnect(transport: 'serial' | 'bluetooth'): Promise<void> {
      this._connectProblem = '';
      try {
        await (this.model as ILoggerModel).connect(transport);
      } catch (error) {
        this._connectProblem = (error as Error).message;
      }
      this._renderDevice();
    }

    private _onReading(_: IDeviceHub, reading: IReading): void {
      if (this._shown.has(reading.source)) {
        this._redraw.request();
      }
    }

    /** The header's words and buttons, and a row per device: they change with the devices' states. */
    private _renderDevice(): void {
      const model = this.model as ILoggerModel;
      const kind = model.filter.kind;
      const devices = model.devices();
      this._shown = new Set(devices.map(device => device.id));
      const startable = model.startable;
      if (startable) {
        this._device.textContent = labelled(startable.label, stateWord(startable.state));
        this._showStart(startable);
      }
      keepingFocus(this.el, () => {
        if (model.problem) {
          this._actions.replaceChildren();
          this._device.textContent = model.problem;
        } else if (!startable) {
          this._actions.replaceChildren();
          this._device.textContent = devicesSummary(devices, kind);
          for (const transport of ['serial', 'bluetooth'] as const) {
            if (kind === transport || kind === 'all') {
              this._actions.appendChild(this._connectButton(transport, kind === 'all', devices.length > 0));
            }
          }
        }
        // The simulated sensor shows its values above; readings made in Python get rows of their own.
        const listed = kind === 'simulated' ? devices.filter(device => model.recorded.includes(device)) : devices;
        this._list.replaceChildren(...listed.map(device => this._row(device)));
        this._list.hidden = this._list.childElementCount === 0;
      });
      this._renderValues();
      this._renderProblems();
    }

    /** Start or Stop: one button that changes its words, so the keyboard stays on it. */
    private _showStart(source: ISource): void {
      if (this._actions.firstChild !== this._start) {
        this._actions.replaceChildren(this._start);
      }
      const running = source.state !== 'stopped';
      this._start.textContent = running ? trans.__('Stop') : trans.__('Start');
      const label = running ? trans.__('Stop %1', source.label) : trans.__('Start %1', source.label);
      this._start.setAttribute('aria-label', label);
      this._start.classList.toggle('jp-mod-accept', !running);
      this._start.classList.toggle('jp-mod-warn', running);
    }

    /** "Connect" (or "Connect another"): each click adds one more device. */
    private _connectButton(transport: 'serial' | 'bluetooth', both: boolean, another: boolean): HTMLButtonElement {
      const { text, label } = connectWords(transport, both, another);
      const button = element('button', 'jp-sensorlab-Logger-start jp-mod-styled jp-mod-accept', text);
      button.setAttribute('aria-label', label);
      button.addEventListener('click', () => void this._onConnect(transport));
      return button;
    }

    /** A device's row: its name and state, its latest values, and Disconnect for a board or sensor. */
    private _row(device: IDevice): HTMLLIElement {
      const row = element('li', 'jp-sensorlab-Logger-deviceRow');
      row.dataset.source = device.id;
      const { source } = device;
      row.appendChild(
        element('span', 'jp-sensorlab-Logger-deviceName', labelled(device.name, stateWord(source.state)))
      );
      if (device.id === source.id && source.state !== 'stopped') {
        const stop = element('button', 'jp-mod-styled jp-mod-warn', trans.__('Disconnect'));
        // TRANSLATORS: %1 is a device's name.
        stop.setAttribute('aria-label', trans.__('Disconnect %1', device.name));
        stop.addEventListener('click', () => void source.stop());
        row.appendChild(stop);
      }
      const reading = hub.latest(device.id);
      row.appendChild(
        reading ? valueTiles(reading.values, hub.unitsOf(source)) : element('div', 'jp-sensorlab-Logger-values')
      );
      return row;
    }

    private _renderValues(): void {
      const model = this.model as ILoggerModel;
      const devices = model.devices();
      const simulated = model.filter.kind === 'simulated';
      const read = simulated ? devices.filter(device => !model.recorded.includes(device)) : devices;
      const first = read.find(device => hub.latest(device.id));
      for (const device of devices) {
        const reading = hub.latest(device.id);
        const tiles = this._list.querySelector(`[data-source="${CSS.escape(device.id)}"] .jp-sensorlab-Logger-values`);
        if (reading && tiles) {
          refreshTiles(tiles, reading.values, hub.unitsOf(device.source));
        }
      }
      if (!simulated) {
        this._values.replaceChildren();
      }
      if (!first) {
        this._values.replaceChildren(element('span', 'jp-sensorlab-Logger-hint', noReadingsHint(devices, model)));
        return;
      }
      const reading = hub.latest(first.id)!;
      const units = hub.unitsOf(first.source);
      if (simulated) {
        refreshTiles(this._values, reading.values, units);
      }
      this._renderChart(first.id, reading.time, units);
    }

    /** A small chart of the first channel, over the hub's history window. */
    private _renderChart(sourceId: string, now: number, units: Readonly<Record<string, string>>): void {
      const history = hub.history(sourceId);
      const channel = history.channels[0];
      if (!channel) {
        return;
      }
      if (!this._chart || this._chart.node.dataset.channel !== channel) {
        this._chart?.dispose();
        this._chart = new ChannelChart(this._chartArea, channel, units[channel] ?? '', 480, 110);
      }
      this._chart.update(history.line(channel, 240, now));
    }

    /** Each device's problem and its unreadable lines, in words and as the text it sent. */
    private _renderProblems(): void {
      const sources = (this.model as ILoggerModel).sources();
      this._problems.replaceChildren();
      if (this._connectProblem) {
        this._problems.appendChild(element('div', 'jp-sensorlab-Logger-problem', this._connectProblem));
      }
      for (const source of sources) {
        // With several devices, each problem says whose it is.
        const whose = (text: string) => (sources.length > 1 ? labelled(source.label, text) : text);
        if (source.problem) {
          this._problems.appendChild(element('div', 'jp-sensorlab-Logger-problem', whose(source.problem)));
        }
        const { badLines, badValues, recent } = source.health;
        const last = recent[recent.length - 1];
        if (last) {
          // TRANSLATORS: %1 says how many lines or values could not be read, %2 why the last one could not;
          // what the device sent follows.
          const counts = trans.__('%1. Last: %2:', problemCounts(badLines, badValues), last.reason);
          const line = element('div', 'jp-sensorlab-Logger-badLine', `${whose(counts)} `);
          line.appendChild(element('code', '', last.text));
          this._problems.appendChild(line);
        }
      }
    }

    private _renderStatus(): void {
      const model = this.model as ILoggerModel;
      const url = model.get('sheet_url') as string;
      this._sheet.replaceChildren();
      if (url) {
        this._sheet.append(element('span', '', trans.__('Sheet:')), ' ', sheetLink(url));
        const rows = element('span', 'jp-sensorlab-Logger-sheetRows', sheetSummary(model.sheet));
        if (model.sheet && 'error' in model.sheet) {
          rows.title = model.sheet.detail; // why, for the teacher
        }
        this._sheet.appendChild(rows);
      } else {
        this._sheet.textContent = trans.__('No sheet: readings stay in the notebook.');
      }
      const stats: IForwarderStats = model.link?.forwarder.stats ?? {
        pending: 0,
        delivered: 0,
        refused: 0,
        lastRefusal: ''
      };
      const problem = model.problem || (model.link && !model.link.channel.isOpen ? model.link.channel.problem : '');
      const notices = model.link ? troubleNotices(model.link.forwarder.trouble, Date.now()) : [];
      this._status.textContent = statusParts(model.get('_status') as IKernelStatus, stats, problem, notices).join(
        ' · '
      );
    }

    private _device!: HTMLSpanElement;
    private _actions!: HTMLSpanElement;
    private _start!: HTMLButtonElement;
    private _list!: HTMLUListElement;
    /** The ids of the devices shown: their readings redraw the values. */
    private _shown = new Set<string>();
    private _connectProblem = '';
    private _redraw = new Redraw(() => this._renderValues());
    private _values!: HTMLDivElement;
    private _sheet!: HTMLDivElement;
    private _problems!: HTMLDivElement;
    private _chartArea!: HTMLDivElement;
    private _chart: ChannelChart | null = null;
    private _status!: HTMLDivElement;
    private _clock: ReturnType<typeof setInterval> | undefined;
  };
}
