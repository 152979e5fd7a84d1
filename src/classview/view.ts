// What the teacher sees of a class, in the notebook widget and the sidebar alike: a summary, a table with
// one line per logger and device (those needing attention first), and every line on one chart.
import { formatClock, formatDayAndTime, formatNumber, trans } from '../i18n';
import { element, labelled, valueText } from '../ui/dom';
import { ClassChart } from './chart';
import { IClassLine, IClassView } from './model';
import { ago, lineStateWord, summary } from './words';

/** A logger's interval: "a row every 30 s", "a row every 15 min". */
function intervalText(seconds: number): string {
  if (seconds < 90) {
    const number = formatNumber(Math.round(seconds));
    // TRANSLATORS: %1 is a number of seconds: how often a logger posts a row.
    return trans.__('a row every %1 s', number);
  }
  const minutes = seconds / 60;
  const number = formatNumber(minutes, Number.isInteger(minutes) ? 0 : 1);
  // TRANSLATORS: %1 is a number of minutes: how often a logger posts a row.
  return trans.__('a row every %1 min', number);
}

/** A time of day when it is today, else with its day. */
function when(time: number, now: number): string {
  return new Date(time).toDateString() === new Date(now).toDateString() ? formatClock(time) : formatDayAndTime(time);
}

/**
 * The class view: call `show` with what to show (again every few seconds: the ages change); a change of
 * channel calls `onChannel`.
 */
export class ClassView {
  constructor(
    private readonly _onChannel: (channel: string) => void,
    /** The chart's width in pixels when it is drawn anew. */
    chartWidth: () => number
  ) {
    this.node = element('div', 'jp-sensorlab-ClassView');
    this._summary = element('div', 'jp-sensorlab-ClassView-summary');
    this._summary.setAttribute('role', 'status');
    this._reads = element('div', 'jp-sensorlab-ClassView-reads');
    this._problem = element('div', 'jp-sensorlab-Logger-problem jp-sensorlab-ClassView-problem');
    this._problem.setAttribute('aria-live', 'polite');

    this._table = element('table', 'jp-sensorlab-ClassView-table');
    const caption = element('caption', '', trans.__('Every logger of the class: those that need you come first'));
    // Three columns, so the table fits the sidebar: the device under its group, the last row under the state.
    const head = element('tr', '');
    for (const heading of [trans.__('Group'), trans.__('State and last row'), trans.__('Latest values')]) {
      const cell = element('th', '', heading);
      cell.scope = 'col';
      head.appendChild(cell);
    }
    this._body = element('tbody', '');
    this._table.append(caption, element('thead', ''), this._body);
    this._table.tHead!.appendChild(head);

    const chooser = element('label', 'jp-sensorlab-ClassView-channel', trans.__('Channel on the chart'));
    this._channels = element('select', 'jp-mod-styled');
    this._channels.addEventListener('change', () => this._onChannel(this._channels.value));
    chooser.append(' ', this._channels);
    this._chart = new ClassChart(chartWidth, 200);

    this.node.append(this._summary, this._reads, this._problem, this._table, chooser, this._chart.node);
  }

  readonly node: HTMLDivElement;

  show(view: IClassView, now = Date.now()): void {
    const lines = view.lines;
    let words = summary(lines);
    if (lines.length === 0) {
      words =
        view.read_at === null
          ? trans.__('Reading the class sheet…')
          : trans.__('No rows from a logger in the class sheet yet.');
    }
    if (this._summary.textContent !== words) {
      this._summary.textContent = words; // a status region is read again only when it changes
    }
    const reads = [];
    if (view.read_at !== null) {
      // TRANSLATORS: %1 is a time of day (10:15:02).
      reads.push(trans.__('read at %1', formatClock(view.read_at)));
    }
    if (view.next_read !== null) {
      // TRANSLATORS: %1 is a time of day (10:16:02).
      reads.push(trans.__('next read at %1', formatClock(view.next_read)));
    }
    this._reads.textContent = reads.join(' · ');
    if (this._problem.textContent !== view.problem) {
      this._problem.textContent = view.problem;
    }
    this._table.hidden = lines.length === 0;
    this._body.replaceChildren(...lines.map(line => this._row(line, now)));
    this._showChannels(view.channels, view.channel);
    this._chart.show(view, lines);
  }

  dispose(): void {
    this._chart.dispose();
    this.node.remove();
  }

  private _row(line: IClassLine, now: number): HTMLTableRowElement {
    const row = element('tr', `jp-sensorlab-ClassView-line jp-mod-${line.state.replace(' ', '-')}`);
    row.dataset.state = line.state;
    row.dataset.label = line.label;
    row.dataset.device = line.device;
    const group = element('th', 'jp-sensorlab-ClassView-group', line.label);
    group.scope = 'row';
    if (line.device) {
      group.append(' ', element('span', 'jp-sensorlab-ClassView-device', line.device));
    }
    const word = element('span', 'jp-sensorlab-ClassView-word');
    // Beside the word, for a sighted reader scanning the table: a shape and a colour (see the style).
    const icon = element('span', 'jp-sensorlab-ClassView-icon');
    icon.setAttribute('aria-hidden', 'true');
    word.append(icon, lineStateWord(line.state));
    const [time, age] = [when(line.last_row, now), ago(now - line.last_row)];
    // TRANSLATORS: %1 is when a logger's last row was written (10:15:00), %2 how long ago (5 minutes ago).
    const lastRow = trans.__('last row %1, %2', time, age);
    const state = element('td', 'jp-sensorlab-ClassView-state');
    state.append(
      word,
      ' ',
      element('span', 'jp-sensorlab-ClassView-last', lastRow),
      ' ',
      element('span', 'jp-sensorlab-ClassView-every', intervalText(line.interval_s))
    );
    const values = element('td', 'jp-sensorlab-ClassView-values');
    for (const [name, value] of Object.entries(line.values)) {
      if (values.childElementCount > 0) {
        values.append(' ');
      }
      values.append(element('span', 'jp-sensorlab-ClassView-value', labelled(name, valueText(value))));
    }
    if (values.childElementCount === 0) {
      values.textContent = trans.__('none yet');
    } else if (line.values_at !== null && line.values_at !== line.last_row) {
      const at = when(line.values_at, now);
      // TRANSLATORS: %1 is when a logger's latest values were measured (10:15:00), before its last row.
      values.append(' ', element('span', 'jp-sensorlab-ClassView-valuesAt', trans.__('measured at %1', at)));
    }
    row.append(group, state, values);
    return row;
  }

  /** The channel chooser: its options change only when the channels do, so the keyboard stays on it. */
  private _showChannels(channels: string[], channel: string): void {
    const shown = [...this._channels.options].map(option => option.value);
    if (shown.join('\u0000') !== channels.join('\u0000')) {
      this._channels.replaceChildren(
        ...channels.map(name => {
          const option = element('option', '', name);
          option.value = name;
          return option;
        })
      );
    }
    this._channels.value = channel;
    this._channels.disabled = channels.length === 0;
  }

  private _summary: HTMLDivElement;
  private _reads: HTMLDivElement;
  private _problem: HTMLDivElement;
  private _table: HTMLTableElement;
  private _body: HTMLTableSectionElement;
  private _channels: HTMLSelectElement;
  private _chart: ClassChart;
}
