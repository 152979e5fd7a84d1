// The sidebar: every device of the tab, its live values and charts, and the page's Loggers.
import { Widget } from '@lumino/widgets';
import { IDevice } from '../devices';
import { MAX_DEVICE_NAME_LENGTH } from '../sources/formats/values';
import type { IBadInput, ISource } from '../sources/types';
import { formatClock, formatNumber, trans } from '../i18n';
import { ChannelChart } from '../ui/chart';
import { countdown, errorsText, IKernelStatus, lastPost, rowsWaiting } from '../ui/status';
import type { IDeviceHub } from '../tokens';
import { element, keepingFocus, problemCounts, refreshTiles, sheetLink, stateWord, valueTiles } from '../ui/dom';
import { Redraw } from '../ui/redraw';
import { ClassSection } from './classsection';

/**
 * The sidebar: every device of this tab, its state, its latest values and what it
 * sent that could not be read; and buttons to connect one.
 */
export class MonitorPanel extends Widget {
  constructor(
    readonly hub: IDeviceHub,
    private _chooseHistory: (minutes: number) => void = minutes => (hub.historyMs = minutes * 60_000),
    rememberClassSheet: (address: string) => void = () => undefined
  ) {
    super();
    this.id = 'sensorlab-monitor';
    this.addClass('jp-sensorlab-Monitor');
    this.title.caption = trans.__('sensorlab: sensors and loggers');
    this.title.iconClass = 'jp-sensorlab-MonitorIcon';
    this.node.setAttribute('role', 'region');
    this.node.setAttribute('aria-label', trans.__('sensorlab monitor'));

    const heading = element('h2', 'jp-sensorlab-Monitor-heading', trans.__('Sensors'));
    const actions = element('div', 'jp-sensorlab-Monitor-actions');
    actions.appendChild(this._action(trans.__('Connect USB device'), 'serial'));
    actions.appendChild(this._action(trans.__('Connect Bluetooth sensor'), 'bluetooth'));
    actions.appendChild(this._action(trans.__('Start simulated sensor'), 'simulated'));
    this._problem = element('div', 'jp-sensorlab-Logger-problem');
    this._problem.setAttribute('role', 'alert');
    this._list = element('div', 'jp-sensorlab-Monitor-devices');
    this._loggers = element('div', 'jp-sensorlab-Monitor-loggers');
    this.classSection = new ClassSection(rememberClassSheet, () => Math.max(200, this.node.clientWidth - 32));
    this.node.append(
      heading,
      actions,
      this._historyChoice(),
      this._problem,
      this._list,
      element('h2', 'jp-sensorlab-Monitor-heading', trans.__('Loggers')),
      this._loggers,
      this.classSection.node
    );
    hub.loggersChanged.connect(this._renderLoggers, this);
    // The countdowns to the next post tick by themselves.
    this._clock = setInterval(() => this._renderLoggers(), 1000);
    this._renderLoggers();

    hub.sourcesChanged.connect(this._scheduleRender, this);
    hub.readingReceived.connect(this._scheduleUpdate, this);
    this._render();
  }

  /** The teacher's view of a class sheet; the settings give its address and refresh. */
  readonly classSection: ClassSection;

  dispose(): void {
    this.classSection.dispose();
    this._redraw.dispose();
    clearInterval(this._clock);
    this.hub.sourcesChanged.disconnect(this._scheduleRender, this);
    this.hub.readingReceived.disconnect(this._scheduleUpdate, this);
    for (const source of this._watched) {
      source.healthChanged.disconnect(this._scheduleRender, this);
    }
    super.dispose();
  }

  private _action(label: string, transport: 'serial' | 'bluetooth' | 'simulated'): HTMLButtonElement {
    const button = element('button', 'jp-mod-styled jp-sensorlab-Monitor-action', label);
    button.dataset.transport = transport;
    button.addEventListener('click', () => {
      this._problem.textContent = '';
      // Straight from the click: the browser's chooser needs it. Each USB or Bluetooth click is one more device.
      const started = transport === 'simulated' ? this.hub.simulated().start() : this.hub.connect(transport);
      started.catch((error: Error) => {
        this._problem.textContent = error.message;
      });
    });
    return button;
  }

  /** How far back the charts reach: 10 minutes to 24 hours. */
  private _historyChoice(): HTMLLabelElement {
    // TRANSLATORS: followed by a choice: "the last 10 minutes", "the last hour"...
    const label = element('label', 'jp-sensorlab-Monitor-history', trans.__('Charts show'));
    const select = element('select', 'jp-mod-styled');
    for (const minutes of HISTORY_MINUTES) {
      const option = element('option', '', historyText(minutes));
      option.value = String(minutes);
      option.selected = minutes * 60_000 === this.hub.historyMs;
      select.appendChild(option);
    }
    select.addEventListener('change', () => this._chooseHistory(Number(select.value)));
    this.hub.sourcesChanged.connect(() => {
      select.value = String(Math.round(this.hub.historyMs / 60_000));
    }, this);
    label.append(' ', select);
    return label;
  }

  /** Rebuild the cards: a device came, went or changed state, or its problems changed. */
  private _scheduleRender(): void {
    this._full = true;
    this._scheduleUpdate();
  }

  /** New readings: refresh values and charts, a few times a second at most. */
  private _scheduleUpdate(): void {
    this._redraw.request();
  }

  private _draw(): void {
    const full = this._full;
    this._full = false;
    if (full || !this._updateValues()) {
      this._render();
    }
  }

  /** Update tiles and charts in place; false when the cards must be rebuilt (a new channel). */
  private _updateValues(): boolean {
    for (const device of this.hub.devices) {
      const latest = this.hub.latest(device.id);
      const card = this._list.querySelector<HTMLElement>(`[data-source="${CSS.escape(device.id)}"]`);
      const tiles = card?.querySelector('.jp-sensorlab-Logger-values');
      if (!latest) {
        continue;
      }
      if (!card || !tiles) {
        return false;
      }
      refreshTiles(tiles, latest.values, this.hub.unitsOf(device.source));
      const counts = card.querySelector('.jp-sensorlab-Monitor-counts');
      if (counts) {
        counts.textContent = healthCounts(device);
      }
      const history = this.hub.history(device.id);
      for (const channel of history.channels) {
        const chart = this._charts.get(`${device.id}/${channel}`);
        if (!chart) {
          return false;
        }
        chart.update(history.line(channel, CHART_BUCKETS, latest.time));
      }
    }
    return true;
  }

  private _render(): void {
    // Rebuilt on state changes while a student may be on a Stop button with the keyboard.
    keepingFocus(this._list, () => this._rebuildDevices());
  }

  private _rebuildDevices(): void {
    for (const chart of this._charts.values()) {
      chart.dispose();
    }
    this._charts.clear();
    this._list.replaceChildren();
    if (this.hub.devices.length === 0) {
      this._list.appendChild(
        element(
          'p',
          'jp-sensorlab-Logger-hint',
          trans.__('No sensor yet. Connect a USB device, or start the simulated one.')
        )
      );
    }
    for (const source of this.hub.sources) {
      if (!this._watched.has(source)) {
        this._watched.add(source);
        source.healthChanged.connect(this._scheduleRender, this);
      }
    }
    for (const device of this.hub.devices) {
      this._list.appendChild(this._card(device));
    }
  }

  /** Every Logger on this page: its sheet, its posts, and the sheet's last rows (every second). */
  private _renderLoggers(): void {
    keepingFocus(this._loggers, () => this._rebuildLoggers());
  }

  private _rebuildLoggers(): void {
    const now = Date.now();
    this._loggers.replaceChildren();
    if (this.hub.loggers.size === 0) {
      this._loggers.appendChild(
        element(
          'p',
          'jp-sensorlab-Logger-hint',
          trans.__('No logger on this page yet. Run a notebook cell with sensorlab.Logger(...).')
        )
      );
    }
    for (const logger of this.hub.loggers) {
      const { name, sheetUrl, status, sheet } = logger.summary;
      const kernel = status as IKernelStatus;
      const card = element('section', 'jp-sensorlab-Monitor-logger');
      card.dataset.logger = name;
      // TRANSLATORS: %1 is a Logger's name, as the notebook gave it.
      card.setAttribute('aria-label', trans.__('Logger %1', name));
      card.appendChild(element('strong', '', name));
      if (sheetUrl) {
        card.appendChild(sheetLink(sheetUrl));
      }
      const facts = [
        kernel.sheet_notice ?? '',
        kernel.post_notice ?? '',
        lastPost(kernel),
        kernel.next_post ? trans.__('next post %1', countdown(kernel.next_post, now)) : '',
        rowsWaiting(kernel),
        errorsText(kernel.errors ?? 0, kernel.last_error ?? '')
      ].filter(Boolean);
      card.appendChild(element('div', 'jp-sensorlab-Monitor-counts', facts.join(' · ')));
      if (sheet && 'error' in sheet) {
        const problem = element('div', 'jp-sensorlab-Monitor-counts', sheet.error);
        problem.title = sheet.detail; // why, for the teacher
        card.appendChild(problem);
      } else if (sheet && sheet.rows.length > 0) {
        card.appendChild(lastRows(sheet.header, sheet.rows.slice(-3)));
      }
      this._loggers.appendChild(card);
    }
  }

  /** A device's card: name, state, Stop and Rename; its values and charts; what it sent that could not be read. */
  private _card(device: IDevice): HTMLElement {
    const { source } = device;
    const own = device.id === source.id; // not a sender heard through a gateway
    const card = element('section', 'jp-sensorlab-Monitor-device');
    card.dataset.source = device.id;
    card.setAttribute('aria-label', device.name);
    const title = element('div', 'jp-sensorlab-Monitor-deviceTitle');
    if (this._renaming === device.id) {
      title.appendChild(this._nameBox(device));
    } else {
      title.append(
        element('strong', '', device.name),
        element('span', 'jp-sensorlab-Monitor-state', ` ${stateWord(source.state)}`)
      );
    }
    if (own && source.state !== 'stopped') {
      const stop = element('button', 'jp-mod-styled jp-mod-warn jp-sensorlab-Monitor-stop', trans.__('Stop'));
      // TRANSLATORS: %1 is a device's name.
      stop.setAttribute('aria-label', trans.__('Stop %1', device.name));
      stop.addEventListener('click', () => void source.stop());
      title.appendChild(stop);
    }
    if (this._renaming !== device.id) {
      const rename = element('button', 'jp-mod-styled jp-sensorlab-Monitor-rename', trans.__('Rename'));
      // TRANSLATORS: %1 is a device's name.
      rename.setAttribute('aria-label', trans.__('Rename %1', device.name));
      rename.addEventListener('click', () => {
        this._renaming = device.id;
        this._render();
        this._list.querySelector<HTMLInputElement>('.jp-sensorlab-Monitor-nameBox')?.focus();
      });
      title.appendChild(rename);
    }
    card.appendChild(title);
    if (!own) {
      // TRANSLATORS: %1 is a device's id (microbit-1923449), %2 the device it is heard through (micro:bit (USB)).
      const via = trans.__('%1, heard through %2', device.id, source.label);
      card.appendChild(element('div', 'jp-sensorlab-Monitor-via', via));
    }
    if (own && source.problem) {
      card.appendChild(element('div', 'jp-sensorlab-Logger-problem', source.problem));
    }
    const latest = this.hub.latest(device.id);
    if (latest) {
      card.appendChild(valueTiles(latest.values, this.hub.unitsOf(source)));
      const history = this.hub.history(device.id);
      const width = Math.max(200, this.node.clientWidth - 32);
      for (const channel of history.channels) {
        const chart = new ChannelChart(card, channel, this.hub.unitsOf(source)[channel] ?? '', width, 100);
        chart.update(history.line(channel, CHART_BUCKETS, latest.time));
        this._charts.set(`${device.id}/${channel}`, chart);
      }
    }
    if (own) {
      card.appendChild(element('div', 'jp-sensorlab-Monitor-counts', healthCounts(device)));
      const { recent } = source.health;
      if (recent.length > 0) {
        card.appendChild(problemList(device.name, recent));
      }
    }
    return card;
  }

  /** The box a device's new name is typed in: Enter keeps it, Escape goes back; empty gives its own name back. */
  private _nameBox(device: IDevice): HTMLInputElement {
    const box = element('input', 'jp-mod-styled jp-sensorlab-Monitor-nameBox');
    box.type = 'text';
    box.maxLength = MAX_DEVICE_NAME_LENGTH;
    // Typed text outlives the cards being drawn again (a device changed state meanwhile).
    box.value = this._typed ?? device.name;
    box.addEventListener('input', () => (this._typed = box.value));
    // TRANSLATORS: %1 is a device's id (serial-1).
    box.setAttribute('aria-label', trans.__('New name for %1, Enter to keep it', device.id));
    const done = (keep: boolean) => {
      if (this._renaming !== device.id) {
        return;
      }
      this._renaming = null;
      this._typed = null;
      if (keep) {
        this.hub.rename(device.id, box.value);
      }
      // The keyboard goes back to the card's Rename button.
      this._render();
      this._list
        .querySelector<HTMLElement>(`[data-source="${CSS.escape(device.id)}"] .jp-sensorlab-Monitor-rename`)
        ?.focus();
    };
    box.addEventListener('keydown', event => {
      if (event.key === 'Enter' || event.key === 'Escape') {
        event.preventDefault();
        done(event.key === 'Enter');
      }
    });
    return box;
  }

  private _problem: HTMLDivElement;
  private _list: HTMLDivElement;
  private _redraw = new Redraw(() => this._draw());
  /** The device whose name is being typed, if any. */
  private _renaming: string | null = null;
  private _typed: string | null = null;
  private _watched = new Set<ISource>();
  private _charts = new Map<string, ChannelChart>();
  private _full = false;
  private _loggers: HTMLDivElement;
  private _clock: ReturnType<typeof setInterval>;
}

/** The last few things a board sent that could not be read. */
function problemList(name: string, recent: ReadonlyArray<IBadInput>): HTMLUListElement {
  const list = element('ul', 'jp-sensorlab-Monitor-problems');
  // TRANSLATORS: %1 is a device's name.
  list.setAttribute('aria-label', trans.__('What %1 sent that could not be read', name));
  for (const problem of recent.slice(-5).reverse()) {
    // TRANSLATORS: %1 is a time of day, %2 why what the device sent then could not be read; what it sent follows.
    const item = element('li', '', trans.__('%1 %2:', formatClock(problem.time), problem.reason));
    item.append(' ', element('code', '', problem.text));
    list.appendChild(item);
  }
  return list;
}

/** "120 lines read · 1 line could not be read" */
function healthCounts(device: IDevice): string {
  const { lines, badLines, badValues } = device.source.health;
  // TRANSLATORS: %2 is the number of lines, written the language's way (1 234).
  const read = trans._n('%2 line read', '%2 lines read', lines, formatNumber(lines));
  return [read, problemCounts(badLines, badValues)].filter(Boolean).join(' · ');
}

/** The sheet's last rows as a small table; cells are text, never HTML. */
function lastRows(header: string[], rows: string[][]): HTMLTableElement {
  const table = element('table', 'jp-sensorlab-Monitor-rows');
  table.setAttribute('aria-label', trans.__('The last rows of the sheet'));
  const head = element('tr', '');
  for (const name of header) {
    head.appendChild(element('th', '', name));
  }
  table.appendChild(head);
  for (const row of rows) {
    const line = element('tr', '');
    for (const cell of row) {
      line.appendChild(element('td', '', cell));
    }
    table.appendChild(line);
  }
  return table;
}

/** Buckets of a chart: a lowest and a highest point each, about one per pixel pair. */
const CHART_BUCKETS = 300;

/** How far back the charts may reach, in minutes. */
const HISTORY_MINUTES = [10, 60, 6 * 60, 24 * 60];

/** "the last 10 minutes", "the last hour", "the last 6 hours": after "Charts show". */
function historyText(minutes: number): string {
  if (minutes < 60) {
    return trans._n('the last %1 minute', 'the last %1 minutes', minutes);
  }
  const hours = minutes / 60;
  return hours === 1 ? trans.__('the last hour') : trans._n('the last %1 hour', 'the last %1 hours', hours);
}
