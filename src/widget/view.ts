// The notebook widget's view: its devices, start, connect and disconnect, live values, chart, notes and status.
import { DOMWidgetView } from '@jupyter-widgets/base';
import type { IDevice } from '../devices';
import type { IForwarderStats } from '../forwarder';
import type { IReading, ISource } from '../sources/types';
import type { ILoggerModel } from './model';
import type { IDeviceHub } from '../tokens';
import { ChannelChart } from '../ui/chart';
import { element, keepingFocus, problemCounts, refreshTiles, sheetLink, STATE_WORDS, valueTiles } from '../ui/dom';
import { Redraw } from '../ui/redraw';
import { IKernelStatus, statusParts, troubleNotices } from '../ui/status';

/** "No USB device yet: ...", or how many devices and how many of them read. */
function devicesSummary(devices: IDevice[], kind: string): string {
  if (devices.length === 0) {
    const what = kind === 'serial' || kind === 'bluetooth' ? CONNECT[kind].what : 'device';
    return `No ${what} yet: press Connect and choose it in the browser's list.`;
  }
  const reading = devices.filter(device => device.source.state === 'connected').length;
  return `${devices.length} ${devices.length === 1 ? 'device' : 'devices'}, ${reading} reading`;
}

/** What the browser read back from the sheet, in a few words. */
function sheetSummary(sheet: ILoggerModel['sheet']): string {
  if (!sheet) {
    return '';
  }
  if ('error' in sheet) {
    return ` · ${sheet.error}`;
  }
  const last = sheet.rows[sheet.rows.length - 1];
  const rows = `${sheet.rows.length} ${sheet.rows.length === 1 ? 'row' : 'rows'} in the sheet`;
  return last ? ` · ${rows}, newest from ${last[0]}` : ` · ${rows}`;
}

/** What a Logger of each kind connects, in words. */
const CONNECT: Record<'serial' | 'bluetooth', { what: string; button: string }> = {
  serial: { what: 'USB device', button: 'USB' },
  bluetooth: { what: 'Bluetooth sensor', button: 'Bluetooth' }
};

/** The Logger in a notebook: its devices, start or connect, live values and the status line. */
export function createLoggerView(hub: IDeviceHub): typeof DOMWidgetView {
  return class LoggerView extends DOMWidgetView {
    render(): void {
      const model = this.model as ILoggerModel;
      this.el.classList.add('jp-sensorlab-Logger');
      this.el.setAttribute('role', 'region');
      this.el.setAttribute('aria-label', `sensorlab logger ${model.get('name')}`);

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
      this._list.setAttribute('aria-label', 'Devices of this logger');
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
      input.placeholder = 'A note for the next row, e.g. window opened';
      input.setAttribute('aria-label', 'Note for the next row');
      const add = element('button', 'jp-mod-styled', 'Add note');
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
      const exportButton = element('button', 'jp-mod-styled', 'Download CSV');
      // The name starts with the words shown, so a student who says what they see (voice control) finds it.
      exportButton.setAttribute('aria-label', 'Download CSV: every reading, with times and notes');
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
        this._device.textContent = `${startable.label}: ${STATE_WORDS[startable.state] ?? startable.state}`;
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
      const word = running ? 'Stop' : 'Start';
      this._start.textContent = word;
      this._start.setAttribute('aria-label', `${word} ${source.label}`);
      this._start.classList.toggle('jp-mod-accept', !running);
      this._start.classList.toggle('jp-mod-warn', running);
    }

    /** "Connect" (or "Connect another"): each click adds one more device. */
    private _connectButton(transport: 'serial' | 'bluetooth', both: boolean, another: boolean): HTMLButtonElement {
      const { what, button: short } = CONNECT[transport];
      const text = `${another ? 'Connect another' : 'Connect'}${both ? ` ${short}` : ''}`;
      const button = element('button', 'jp-sensorlab-Logger-start jp-mod-styled jp-mod-accept', text);
      button.setAttribute('aria-label', `${another ? 'Connect another' : 'Connect a'} ${what}`);
      button.addEventListener('click', () => void this._onConnect(transport));
      return button;
    }

    /** A device's row: its name and state, its latest values, and Disconnect for a board or sensor. */
    private _row(device: IDevice): HTMLLIElement {
      const row = element('li', 'jp-sensorlab-Logger-deviceRow');
      row.dataset.source = device.id;
      const { source } = device;
      row.appendChild(
        element(
          'span',
          'jp-sensorlab-Logger-deviceName',
          `${device.name}: ${STATE_WORDS[source.state] ?? source.state}`
        )
      );
      if (device.id === source.id && source.state !== 'stopped') {
        const stop = element('button', 'jp-mod-styled jp-mod-warn', 'Disconnect');
        stop.setAttribute('aria-label', `Disconnect ${device.name}`);
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
        const press =
          devices.length > 0 && !model.startable ? '' : ` Press ${model.startable ? 'Start' : 'Connect'} to begin.`;
        this._values.replaceChildren(element('span', 'jp-sensorlab-Logger-hint', `No readings yet.${press}`));
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
        const whose = sources.length > 1 ? `${source.label}: ` : '';
        if (source.problem) {
          this._problems.appendChild(element('div', 'jp-sensorlab-Logger-problem', whose + source.problem));
        }
        const { badLines, badValues, recent } = source.health;
        const last = recent[recent.length - 1];
        if (last) {
          const line = element(
            'div',
            'jp-sensorlab-Logger-badLine',
            `${whose}${problemCounts(badLines, badValues)}. Last: ${last.reason}: `
          );
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
        this._sheet.appendChild(element('span', '', 'Sheet: '));
        this._sheet.appendChild(sheetLink(url));
        const rows = element('span', 'jp-sensorlab-Logger-sheetRows', sheetSummary(model.sheet));
        if (model.sheet && 'error' in model.sheet) {
          rows.title = model.sheet.detail; // why, for the teacher
        }
        this._sheet.appendChild(rows);
      } else {
        this._sheet.textContent = 'No sheet: readings stay in the notebook.';
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
