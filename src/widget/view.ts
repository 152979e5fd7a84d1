import { DOMWidgetView } from '@jupyter-widgets/base';
import type { IForwarderStats } from '../forwarder';
import type { IReading } from '../sources/types';
import type { ILoggerModel } from './model';
import type { IDeviceHub } from '../tokens';
import { IKernelStatus, statusParts } from './status';


const STATE_WORDS: Record<string, string> = {
  stopped: 'stopped',
  connecting: 'connecting…',
  connected: 'reading',
  waiting: 'waiting for the device'
};

function element<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  className: string,
  text = ''
): HTMLElementTagNameMap[K] {
  const node = document.createElement(tag);
  node.className = className;
  // Names and values can come from devices: always text, never HTML.
  node.textContent = text;
  return node;
}

function formatValue(value: number): string {
  const abs = Math.abs(value);
  const digits = abs >= 100 ? 0 : abs >= 10 ? 1 : abs >= 1 ? 2 : 3;
  return value.toFixed(digits);
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

      this._sheet = element('div', 'jp-sensorlab-Logger-sheet');
      this.el.appendChild(this._sheet);

      this._status = element('div', 'jp-sensorlab-Logger-status');
      this._status.setAttribute('role', 'status');
      this.el.appendChild(this._status);

      this.listenTo(model, 'change:_status change:sheet_url sheet', () => this._renderStatus());
      model.source?.stateChanged.connect(this._renderDevice, this);
      model.link?.forwarder.changed.connect(this._renderStatus, this);
      hub.readingReceived.connect(this._onReading, this);
      // The channel's state and the times shown change by themselves: refresh each second.
      this._clock = setInterval(() => this._renderStatus(), 1000);

      this._renderDevice();
      this._renderValues();
      this._renderStatus();
    }

    remove(): any {
      const model = this.model as ILoggerModel;
      model.source?.stateChanged.disconnect(this._renderDevice, this);
      model.link?.forwarder.changed.disconnect(this._renderStatus, this);
      hub.readingReceived.disconnect(this._onReading, this);
      if (this._frame !== null) {
        cancelAnimationFrame(this._frame);
      }
      clearInterval(this._clock);
      return super.remove();
    }

    private async _onButton(): Promise<void> {
      const source = (this.model as ILoggerModel).source;
      if (!source) {
        return;
      }
      try {
        if (source.state === 'stopped') {
          await source.start();
        } else {
          await source.stop();
        }
      } catch (error) {
        this._status.textContent = String((error as Error).message ?? error);
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
      this._button.textContent = running ? 'Stop' : 'Start';
      this._button.setAttribute('aria-label', `${running ? 'Stop' : 'Start'} ${source.label}`);
      this._button.classList.toggle('jp-mod-accept', !running);
      this._button.classList.toggle('jp-mod-warn', running);
    }

    private _renderValues(): void {
      const source = (this.model as ILoggerModel).source;
      const reading = source ? hub.latest(source.id) : undefined;
      this._values.replaceChildren();
      if (!source || !reading) {
        this._values.appendChild(
          element('span', 'jp-sensorlab-Logger-hint', 'No readings yet. Press Start to begin.')
        );
        return;
      }
      for (const [name, value] of Object.entries(reading.values)) {
        const tile = element('div', 'jp-sensorlab-Logger-value');
        tile.appendChild(element('span', 'jp-sensorlab-Logger-valueName', name));
        const unit = source.units[name] ?? '';
        tile.appendChild(
          element('span', 'jp-sensorlab-Logger-valueNumber', `${formatValue(value)}${unit ? ` ${unit}` : ''}`)
        );
        tile.setAttribute('data-channel', name);
        this._values.appendChild(tile);
      }
    }

    private _renderStatus(): void {
      const model = this.model as ILoggerModel;
      const url = model.get('sheet_url') as string;
      this._sheet.replaceChildren();
      if (url) {
        this._sheet.appendChild(element('span', '', 'Sheet: '));
        const link = element('a', 'jp-sensorlab-Logger-sheetLink', url);
        link.href = url;
        link.target = '_blank';
        link.rel = 'noopener noreferrer';
        this._sheet.appendChild(link);
        this._sheet.appendChild(element('span', 'jp-sensorlab-Logger-sheetRows', sheetSummary(model.sheet)));
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
      this._status.textContent = statusParts(model.get('_status') as IKernelStatus, stats, problem).join(' · ');
    }

    private _device!: HTMLSpanElement;
    private _button!: HTMLButtonElement;
    private _values!: HTMLDivElement;
    private _sheet!: HTMLDivElement;
    private _status!: HTMLDivElement;
    private _frame: number | null = null;
    private _clock: ReturnType<typeof setInterval> | undefined;
  };
}
