// A live chart of one channel (uPlot), shared by the notebook widget and the sidebar.
import uPlot from 'uplot';
import type { ILine } from '../history';

/** A colour of the current JupyterLab theme (the canvas cannot read CSS variables itself). */
function themeColor(variable: string, fallback: string): string {
  return getComputedStyle(document.body).getPropertyValue(variable).trim() || fallback;
}

/** Tick labels on one line: hours and minutes, with seconds when ticks are under a minute apart. */
function clockLabels(_: uPlot, seconds: number[], _axis: number, _space: number, increment: number): string[] {
  const format: Intl.DateTimeFormatOptions =
    increment < 60 ? { hour: '2-digit', minute: '2-digit', second: '2-digit' } : { hour: '2-digit', minute: '2-digit' };
  return seconds.map(s => new Date(s * 1000).toLocaleTimeString([], format));
}

/** A live line chart of one channel, drawn with uPlot. */
export class ChannelChart {
  constructor(parent: HTMLElement, channel: string, unit: string, width: number, height: number) {
    this.node = document.createElement('div');
    this.node.className = 'jp-sensorlab-Chart';
    this.node.dataset.channel = channel;
    // The chart is a picture: its numbers are in the value tiles for screen readers.
    this.node.setAttribute('role', 'img');
    this.node.setAttribute('aria-label', `Chart of ${channel}${unit ? ` in ${unit}` : ''}`);
    // The chart's title: what it shows, in which unit.
    const title = document.createElement('div');
    title.className = 'jp-sensorlab-Chart-title';
    title.textContent = unit ? `${channel} (${unit})` : channel;
    this.node.appendChild(title);
    parent.appendChild(this.node);
    // Colours are looked up at each drawing, so a change of theme shows at the next reading.
    const text = () => themeColor('--jp-ui-font-color2', '#666');
    const grid = () => themeColor('--jp-border-color2', '#ddd');
    this._plot = new uPlot(
      {
        width,
        height,
        legend: { show: false },
        cursor: { show: false },
        scales: { x: { time: true } },
        axes: [
          // Time labels on one line (see clockLabels): the chart is small and the day is today.
          {
            stroke: text,
            grid: { stroke: grid, width: 1 },
            ticks: { stroke: grid },
            size: 28,
            space: 80,
            values: clockLabels
          },
          { stroke: text, grid: { stroke: grid, width: 1 }, ticks: { stroke: grid }, size: 48, space: 20 }
        ],
        series: [
          {},
          {
            label: channel,
            stroke: () => themeColor('--jp-brand-color1', '#1976d2'),
            width: 1.5,
            points: { show: false }
          }
        ]
      },
      [[], []],
      this.node
    );
  }

  readonly node: HTMLDivElement;

  update(line: ILine): void {
    this._plot.setData([line.times.map(t => t / 1000), line.values]);
  }

  dispose(): void {
    this._plot.destroy();
    this.node.remove();
  }

  private _plot: uPlot;
}
