// The notebook widget's view: device, start and stop, live values, chart, notes and status.
import { DOMWidgetView } from '@jupyter-widgets/base';
import type { IForwarderStats } from '../forwarder';
import type { IReading } from '../sources/types';
import type { ILoggerModel } from './model';
import type { IDeviceHub } from '../tokens';
import { ChannelChart } from '../ui/chart';
import { element, problemCounts, sheetLink, STATE_WORDS, valueTiles } from '../ui/dom';
import { IKernelStatus, statusParts, troubleNotices } from '../ui/status';

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

/** The Logger in a notebook: its device, start and stop, live values and the status line. */
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
      this._button = element('button', 'jp-sensorlab-Logger-start jp-mod-styled jp-mod-accept');
      this._button.addEventListener('click', () => this._onButton());
      header.appendChild(this._button);
      this.el.appendChild(header);

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
      model.source?.stateChanged.connect(this._renderDevice, this);
      model.source?.healthChanged.connect(this._renderProblems, this);
      model.link?.forwarder.changed.connect(this._renderStatus, this);
      hub.readingReceived.connect(this._onReading, this);
      // The channel's state and the times shown change by themselves: refresh each second.
      this._clock = setInterval(() => this._renderStatus(), 1000);

      this._renderDevice();
      this._renderValues();
      this._renderProblems();
      this._renderStatus();
    }

    remove(): any {
      const model = this.model as ILoggerModel;
      model.source?.stateChanged.disconnect(this._renderDevice, this);
      model.source?.healthChanged.disconnect(this._renderProblems, this);
      model.link?.forwarder.changed.disconnect(this._renderStatus, this);
      hub.readingReceived.disconnect(this._onReading, this);
      if (this._frame !== null) {
        cancelAnimationFrame(this._frame);
      }
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
      exportButton.setAttribute('aria-label', 'Download every reading as CSV, with times and notes');
      exportButton.addEventListener('click', () => model.sendToKernel({ type: 'export' }));
      box.append(input, add, exportButton);
      return box;
    }

    private async _onButton(): Promise<void> {
      const source = (this.model as ILoggerModel).source;
      if (!source) {
        return;
      }
      try {
        // start() first, with no await before it: a USB or Bluetooth chooser needs this click.
        if (source.state === 'stopped') {
          await source.start();
        } else {
          await source.stop();
        }
      } catch {
        // The source shows what went wrong as its problem.
        this._renderDevice();
      }
    }

    private _onReading(_: IDeviceHub, reading: IReading): void {
      if (reading.source !== (this.model as ILoggerModel).source?.id || this._frame !== null) {
        return;
      }
      // Readings can come faster than a screen refreshes: draw once per frame at most.
      this._frame = requestAnimationFrame(() => {
        this._frame = null;
        this._renderValues();
      });
    }

    private _renderDevice(): void {
      const model = this.model as ILoggerModel;
      const source = model.source;
      if (!source) {
        this._device.textContent = model.problem;
        this._button.hidden = true;
        return;
      }
      this._device.textContent = `${source.label}: ${STATE_WORDS[source.state] ?? source.state}`;
      const running = source.state !== 'stopped';
      const [on, off] = source.transport === 'simulated' ? ['Start', 'Stop'] : ['Connect', 'Disconnect'];
      this._button.textContent = running ? off : on;
      this._button.setAttribute('aria-label', `${running ? off : on} ${source.label}`);
      this._renderProblems();
      this._button.classList.toggle('jp-mod-accept', !running);
      this._button.classList.toggle('jp-mod-warn', running);
    }

    private _renderValues(): void {
      const source = (this.model as ILoggerModel).source;
      const reading = source ? hub.latest(source.id) : undefined;
      if (!source || !reading) {
        const press = source?.transport === 'simulated' ? 'Start' : 'Connect';
        this._values.replaceChildren(
          element('span', 'jp-sensorlab-Logger-hint', `No readings yet. Press ${press} to begin.`)
        );
        return;
      }
      this._values.replaceChildren(...valueTiles(reading.values, hub.unitsOf(source)).childNodes);
      this._renderChart(source.id, reading.time, hub.unitsOf(source));
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

    /** The device's problem and its unreadable lines, in words and as the text it sent. */
    private _renderProblems(): void {
      const source = (this.model as ILoggerModel).source;
      this._problems.replaceChildren();
      if (!source) {
        return;
      }
      if (source.problem) {
        this._problems.appendChild(element('div', 'jp-sensorlab-Logger-problem', source.problem));
      }
      const { badLines, badValues, recent } = source.health;
      const last = recent[recent.length - 1];
      if (last) {
        const line = element(
          'div',
          'jp-sensorlab-Logger-badLine',
          `${problemCounts(badLines, badValues)}. Last: ${last.reason}: `
        );
        line.appendChild(element('code', '', last.text));
        this._problems.appendChild(line);
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
    private _button!: HTMLButtonElement;
    private _values!: HTMLDivElement;
    private _sheet!: HTMLDivElement;
    private _problems!: HTMLDivElement;
    private _chartArea!: HTMLDivElement;
    private _chart: ChannelChart | null = null;
    private _status!: HTMLDivElement;
    private _frame: number | null = null;
    private _clock: ReturnType<typeof setInterval> | undefined;
  };
}
