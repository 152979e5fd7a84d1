import { Widget } from '@lumino/widgets';
import type { ISource, Transport } from '../sources/types';
import type { IDeviceHub } from '../tokens';
import { element, problemCounts, STATE_WORDS, valueTiles } from '../widget/dom';

/**
 * The sidebar: every device of this tab, its state, its latest values and what it
 * sent that could not be read; and buttons to connect one.
 */
export class MonitorPanel extends Widget {
  constructor(readonly hub: IDeviceHub) {
    super();
    this.id = 'sensorlab-monitor';
    this.addClass('jp-sensorlab-Monitor');
    this.title.caption = 'sensorlab: sensors and loggers';
    this.title.iconClass = 'jp-sensorlab-MonitorIcon';
    this.node.setAttribute('role', 'region');
    this.node.setAttribute('aria-label', 'sensorlab monitor');

    const heading = element('h2', 'jp-sensorlab-Monitor-heading', 'Sensors');
    const actions = element('div', 'jp-sensorlab-Monitor-actions');
    actions.appendChild(this._action('Connect USB device', 'serial'));
    actions.appendChild(this._action('Connect Bluetooth sensor', 'bluetooth'));
    actions.appendChild(this._action('Start simulated sensor', 'simulated'));
    this._problem = element('div', 'jp-sensorlab-Logger-problem');
    this._problem.setAttribute('role', 'alert');
    this._list = element('div', 'jp-sensorlab-Monitor-devices');
    this.node.append(heading, actions, this._problem, this._list);

    hub.sourcesChanged.connect(this._schedule, this);
    hub.readingReceived.connect(this._schedule, this);
    this._render();
  }

  dispose(): void {
    if (this._frame !== null) {
      cancelAnimationFrame(this._frame);
    }
    this.hub.sourcesChanged.disconnect(this._schedule, this);
    this.hub.readingReceived.disconnect(this._schedule, this);
    for (const source of this._watched) {
      source.healthChanged.disconnect(this._schedule, this);
    }
    super.dispose();
  }

  private _action(label: string, transport: Transport): HTMLButtonElement {
    const button = element('button', 'jp-mod-styled jp-sensorlab-Monitor-action', label);
    button.dataset.transport = transport;
    button.addEventListener('click', () => {
      const source = this.hub.sourceFor(transport);
      this._problem.textContent = '';
      // start() straight from the click: the browser's chooser needs it.
      source.start().catch((error: Error) => {
        this._problem.textContent = error.message;
      });
    });
    return button;
  }

  private _schedule(): void {
    if (this._frame === null) {
      this._frame = requestAnimationFrame(() => {
        this._frame = null;
        this._render();
      });
    }
  }

  private _render(): void {
    this._list.replaceChildren();
    if (this.hub.sources.length === 0) {
      this._list.appendChild(
        element('p', 'jp-sensorlab-Logger-hint', 'No sensor yet. Connect a USB device, or start the simulated one.')
      );
    }
    for (const source of this.hub.sources) {
      if (!this._watched.has(source)) {
        this._watched.add(source);
        source.healthChanged.connect(this._schedule, this);
      }
      this._list.appendChild(this._card(source));
    }
  }

  private _card(source: ISource): HTMLElement {
    const card = element('section', 'jp-sensorlab-Monitor-device');
    card.dataset.source = source.id;
    card.setAttribute('aria-label', source.label);
    const title = element('div', 'jp-sensorlab-Monitor-deviceTitle');
    title.append(
      element('strong', '', source.label),
      element('span', 'jp-sensorlab-Monitor-state', ` ${STATE_WORDS[source.state] ?? source.state}`)
    );
    if (source.state !== 'stopped') {
      const stop = element('button', 'jp-mod-styled jp-mod-warn jp-sensorlab-Monitor-stop', 'Stop');
      stop.setAttribute('aria-label', `Stop ${source.label}`);
      stop.addEventListener('click', () => void source.stop());
      title.appendChild(stop);
    }
    card.appendChild(title);
    if (source.problem) {
      card.appendChild(element('div', 'jp-sensorlab-Logger-problem', source.problem));
    }
    const latest = this.hub.latest(source.id);
    if (latest) {
      card.appendChild(valueTiles(latest.values, source.units));
    }
    const { lines, badLines, badValues, recent } = source.health;
    card.appendChild(
      element(
        'div',
        'jp-sensorlab-Monitor-counts',
        [`${lines} ${lines === 1 ? 'line' : 'lines'} read`, problemCounts(badLines, badValues)].filter(Boolean).join(' · ')
      )
    );
    if (recent.length > 0) {
      const list = element('ul', 'jp-sensorlab-Monitor-problems');
      list.setAttribute('aria-label', `What ${source.label} sent that could not be read`);
      for (const problem of recent.slice(-5).reverse()) {
        const item = element('li', '', `${new Date(problem.time).toLocaleTimeString()} ${problem.reason}: `);
        item.appendChild(element('code', '', problem.text));
        list.appendChild(item);
      }
      card.appendChild(list);
    }
    return card;
  }

  private _problem: HTMLDivElement;
  private _list: HTMLDivElement;
  private _frame: number | null = null;
  private _watched = new Set<ISource>();
}
