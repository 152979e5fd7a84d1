// Every line of the class on one chart of the chosen channel (uPlot), with a legend, a name and a
// description a screen reader reads: how many groups, and which are late or silent.
import uPlot from 'uplot';
import { trans } from '../i18n';
import { chartAxes, chartId } from '../ui/chart';
import { element } from '../ui/dom';
import { IClassLine, IClassSeries, IClassView, naturalCompare } from './model';
import { lineName } from './words';

/** The n-th line's colour: hues a golden angle apart, so neighbours differ however many lines there are. */
function lineColor(n: number): string {
  return `hsl(${Math.round((n * 137.508) % 360)}, 70%, 45%)`;
}

/** Lines by name, so each keeps its colour from one read to the next. */
function byName(a: IClassSeries, b: IClassSeries): number {
  return naturalCompare(a.label, b.label) || naturalCompare(a.device, b.device);
}

/** The series on one time axis, as uPlot takes them: times in seconds, then each line's value at each time or null. */
export function alignedSeries(series: ReadonlyArray<IClassSeries>): uPlot.AlignedData {
  const times = [...new Set(series.flatMap(line => line.times))].sort((a, b) => a - b);
  const column = new Map(times.map((time, i) => [time, i]));
  const values = series.map(line => {
    const at: (number | null)[] = new Array(times.length).fill(null);
    line.times.forEach((time, i) => (at[column.get(time)!] = line.values[i]));
    return at;
  });
  return [times.map(time => time / 1000), ...values];
}

/** "3 groups on the chart. Late: group 2. Silent: group 5 (micro:bit), group 7." */
export function chartDescription(lines: ReadonlyArray<IClassLine>): string {
  const groups = new Set(lines.map(line => line.label)).size;
  // TRANSLATORS: %1 is a number of groups.
  const words = [trans._n('%1 group on the chart.', '%1 groups on the chart.', groups)];
  const named = (state: IClassLine['state']) =>
    lines
      .filter(line => line.state === state)
      .map(lineName)
      .join(', ');
  const late = named('late');
  if (late) {
    // TRANSLATORS: %1 names the groups whose last row is late (group 2, group 5).
    words.push(trans.__('Late: %1.', late));
  }
  const silent = named('silent');
  if (silent) {
    // TRANSLATORS: %1 names the groups that have stopped posting (group 2, group 5).
    words.push(trans.__('Silent: %1.', silent));
  }
  return words.join(' ');
}

export class ClassChart {
  constructor(
    private readonly _width: () => number,
    private readonly _height: number
  ) {
    this.node = element('div', 'jp-sensorlab-ClassView-chart');
    const id = chartId();
    this._plotArea = element('div', 'jp-sensorlab-Chart-plot');
    this._plotArea.setAttribute('role', 'img');
    this._plotArea.setAttribute('aria-describedby', `${id}-description`);
    this._description = element('div', '');
    this._description.id = `${id}-description`;
    this._description.hidden = true;
    this.node.append(this._plotArea, this._description);
  }

  readonly node: HTMLDivElement;

  /** Draw `view`'s series; `lines` say which are late or silent (drawn dashed). */
  show(view: IClassView, lines: ReadonlyArray<IClassLine>): void {
    const label = view.channel
      ? trans.__('Chart of %1 for every group', view.channel)
      : trans.__('Chart of every group: no numbers to show yet');
    this._plotArea.setAttribute('aria-label', label);
    this._description.textContent = chartDescription(lines);
    this.node.hidden = view.channels.length === 0;
    const series = [...view.series].sort(byName);
    const state = new Map(lines.map(line => [`${line.label}\u0000${line.device}`, line.state]));
    const dashed = series.map(line => {
      const now = state.get(`${line.label}\u0000${line.device}`);
      return now === 'late' || now === 'silent';
    });
    const shape = JSON.stringify([view.channel, series.map(lineName), dashed]);
    if (this._plot && shape === this._shape) {
      this._plot.setData(alignedSeries(series));
      return;
    }
    this._plot?.destroy();
    this._plot = this._newPlot(series, dashed);
    this._shape = shape;
  }

  dispose(): void {
    this._plot?.destroy();
    this.node.remove();
  }

  /** A new plot: its lines' colours, names and dashes are fixed when it is made. */
  private _newPlot(series: IClassSeries[], dashed: boolean[]): uPlot {
    return new uPlot(
      {
        width: this._width(),
        height: this._height,
        legend: { show: true, live: false },
        cursor: { show: false },
        scales: { x: { time: true } },
        axes: chartAxes(),
        series: [
          {},
          ...series.map((line, i) => ({
            label: lineName(line),
            stroke: lineColor(i),
            width: 1.5,
            spanGaps: true,
            points: { show: false },
            ...(dashed[i] ? { dash: [6, 4] } : {})
          }))
        ]
      },
      alignedSeries(series),
      this._plotArea
    );
  }

  private _plotArea: HTMLDivElement;
  private _description: HTMLDivElement;
  private _plot: uPlot | null = null;
  private _shape = '';
}
