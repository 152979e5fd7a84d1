// A live chart of one channel (uPlot), shared by the notebook widget and the sidebar. A screen reader
// and a keyboard read it too: a text alternative, spoken summaries, and points explored one by one
// with a tone whose pitch follows the value (an audio trace).
import uPlot from 'uplot';
import type { ILine } from '../history';
import { formatClock, formatDayAndTime, formatNumber, trans } from '../i18n';
import { chartSummary, extremes, nearestPoint, pitch, pointWords } from './describe';

/** While a chart has the keyboard, its summary is announced by itself at most this often, and only when it changed. */
export const ANNOUNCE_EVERY_MS = 60_000;

/** How long one tone of the audio trace sounds, in seconds: short enough to follow a held arrow key. */
const TONE_SECONDS = 0.15;

/** A colour of the current JupyterLab theme (the canvas cannot read CSS variables itself). */
export function themeColor(variable: string, fallback: string): string {
  return getComputedStyle(document.body).getPropertyValue(variable).trim() || fallback;
}

/**
 * Tick labels on one line, as the page's language writes times: with seconds when ticks are under a minute
 * apart, with the day when the chart spans more than a day.
 */
function clockLabels(plot: uPlot, seconds: number[], _axis: number, _space: number, increment: number): string[] {
  const { min = 0, max = 0 } = plot.scales.x ?? {};
  if (max - min > 86_400) {
    return seconds.map(s => formatDayAndTime(s * 1000));
  }
  return seconds.map(s => formatClock(s * 1000, increment < 60));
}

/** Value labels as the page's language writes numbers (19,05 in French), with the decimals the step needs. */
function valueLabels(_: uPlot, values: number[], _axis: number, _space: number, increment: number): string[] {
  const digits = Math.min(6, (String(Number(increment.toPrecision(6))).split('.')[1] ?? '').length);
  return values.map(value => formatNumber(value, digits));
}

let audio: AudioContext | null = null;

/**
 * The page's one AudioContext (browsers allow only a few), made at the first key that explores a
 * chart: a page may start sound only after a gesture. Null where the browser has no Web Audio.
 */
function audioContext(): AudioContext | null {
  if (!audio && typeof AudioContext !== 'undefined') {
    audio = new AudioContext();
  }
  if (audio?.state === 'suspended') {
    void audio.resume();
  }
  return audio;
}

/** A short tone at `hz`, fading in and out: a tone cut off sharply clicks. */
function playTone(hz: number): void {
  const context = audioContext();
  if (!context) {
    return;
  }
  const start = context.currentTime;
  const oscillator = context.createOscillator();
  oscillator.frequency.setValueAtTime(hz, start);
  const volume = context.createGain();
  volume.gain.setValueAtTime(0, start);
  volume.gain.linearRampToValueAtTime(0.2, start + 0.01);
  volume.gain.exponentialRampToValueAtTime(0.001, start + TONE_SECONDS);
  oscillator.connect(volume).connect(context.destination);
  oscillator.start(start);
  oscillator.stop(start + TONE_SECONDS);
}

/** A chart's time axis and value axis, in the theme's colours (looked up at each drawing) and the page's language. */
export function chartAxes(): uPlot.Axis[] {
  const text = () => themeColor('--jp-ui-font-color2', '#666');
  const grid = () => themeColor('--jp-border-color2', '#ddd');
  const axis = { stroke: text, grid: { stroke: grid, width: 1 }, ticks: { stroke: grid } };
  return [
    // Time labels on one line (see clockLabels): the chart is small.
    { ...axis, size: 28, space: 80, values: clockLabels },
    { ...axis, size: 48, space: 20, values: valueLabels }
  ];
}

/** Each chart's own ids, for aria-describedby. */
let chartsMade = 0;

/** A new id for a chart's parts, for aria-describedby. */
export function chartId(): string {
  return `jp-sensorlab-Chart-${++chartsMade}`;
}

/**
 * A live line chart of one channel, drawn with uPlot. The plot takes the keyboard: its name says
 * what it is, its description says what it shows now (latest value, trend and range) and how to
 * explore it; Enter or Space announces the summary; the arrow keys, Home and End go from point to
 * point, announcing each and playing its tone, with a marker on the point; Escape stops.
 */
export class ChannelChart {
  constructor(
    parent: HTMLElement,
    channel: string,
    private readonly _unit: string,
    width: number,
    height: number
  ) {
    this.node = document.createElement('div');
    this.node.className = 'jp-sensorlab-Chart';
    this.node.dataset.channel = channel;
    // The chart's title: what it shows, in which unit.
    const title = document.createElement('div');
    title.className = 'jp-sensorlab-Chart-title';
    title.textContent = _unit ? `${channel} (${_unit})` : channel;

    const id = chartId();
    this._plotArea = document.createElement('div');
    this._plotArea.className = 'jp-sensorlab-Chart-plot';
    // "application": a screen reader passes the arrow keys on to the chart instead of reading the page with them.
    this._plotArea.setAttribute('role', 'application');
    this._plotArea.setAttribute('aria-roledescription', trans.__('chart'));
    this._plotArea.setAttribute(
      'aria-label',
      _unit ? trans.__('Chart of %1 in %2', channel, _unit) : trans.__('Chart of %1', channel)
    );
    this._plotArea.setAttribute('aria-describedby', `${id}-summary ${id}-hint`);
    this._plotArea.tabIndex = 0;
    // Enter and the arrows are the chart's here, not the notebook's shortcuts.
    this._plotArea.dataset.lmSuppressShortcuts = 'true';
    this._plotArea.addEventListener('keydown', event => this._onKey(event));
    // Taking the keyboard reads the description: the next summary by itself comes a minute later.
    this._plotArea.addEventListener('focus', () => (this._announcedAt = Date.now()));
    this._plotArea.addEventListener('blur', () => this._stopExploring());

    this._summary = document.createElement('div');
    this._summary.id = `${id}-summary`;
    this._summary.hidden = true;
    const hint = document.createElement('div');
    hint.id = `${id}-hint`;
    hint.hidden = true;
    hint.textContent = [
      trans.__('Enter reads the chart.'),
      trans.__('Left and Right arrows go from point to point, with a tone that is higher for a higher value.'),
      trans.__('Home and End go to the first and the latest point; Escape stops.')
    ].join(' ');
    this._announcement = document.createElement('div');
    this._announcement.className = 'jp-sensorlab-Chart-announcement';
    this._announcement.setAttribute('role', 'status');

    this.node.append(title, this._plotArea, this._summary, hint, this._announcement);
    parent.appendChild(this.node);
    // Colours are looked up at each drawing, so a change of theme shows at the next reading.
    this._plot = new uPlot(
      {
        width,
        height,
        legend: { show: false },
        cursor: { show: false },
        scales: { x: { time: true } },
        axes: chartAxes(),
        series: [
          {},
          {
            label: channel,
            stroke: () => themeColor('--jp-brand-color1', '#1976d2'),
            width: 1.5,
            points: { show: false }
          }
        ],
        hooks: { draw: [plot => this._drawExplored(plot)] }
      },
      [[], []],
      this._plotArea
    );
  }

  readonly node: HTMLDivElement;

  update(line: ILine): void {
    // The explored point stays on its reading while new ones come and old ones leave.
    if (this._explored !== null) {
      const index = nearestPoint(line.times, this._line.times[this._explored]);
      this._explored = index < 0 ? null : index;
    }
    this._line = line;
    this._plot.setData([line.times.map(t => t / 1000), line.values]);
    const summary = chartSummary(line, this._unit);
    if (this._summary.textContent !== summary) {
      this._summary.textContent = summary;
    }
    if (
      this._explored === null &&
      document.activeElement === this._plotArea &&
      summary !== this._announced &&
      Date.now() - this._announcedAt >= ANNOUNCE_EVERY_MS
    ) {
      this._announce(summary);
    }
  }

  dispose(): void {
    this._plot.destroy();
    this.node.remove();
  }

  private _onKey(event: KeyboardEvent): void {
    const last = this._line.times.length - 1;
    // The first arrow starts at the latest point, where the line ends.
    const from = this._explored ?? last + 1;
    switch (event.key) {
      case 'Enter':
      case ' ':
        this._announce(this._summary.textContent ?? '');
        break;
      case 'ArrowLeft':
        this._explore(Math.max(0, from - 1));
        break;
      case 'ArrowRight':
        this._explore(Math.min(last, from + 1));
        break;
      case 'Home':
        this._explore(0);
        break;
      case 'End':
        this._explore(last);
        break;
      case 'Escape':
        if (this._explored === null) {
          return; // not exploring: Escape is the page's
        }
        this._stopExploring();
        this._announce(trans.__('Stopped exploring the chart.'));
        break;
      default:
        return;
    }
    event.preventDefault();
    event.stopPropagation();
  }

  /** Go to point `index`: mark it, say it and sound it. */
  private _explore(index: number): void {
    const { times, values } = this._line;
    if (times.length === 0) {
      this._announce(trans.__('No readings yet.'));
      return;
    }
    this._explored = index;
    this._plot.redraw(false, false);
    this._announce(pointWords(this._line, index, this._unit));
    const { low, high } = extremes(values);
    playTone(pitch(values[index], low, high));
  }

  /** Leave the points: the marker goes. */
  private _stopExploring(): void {
    if (this._explored !== null) {
      this._explored = null;
      this._plot.redraw(false, false);
    }
  }

  /** Say `words` through the live region, even when they are the same as last time. */
  private _announce(words: string): void {
    // A region whose text does not change is not read again: the same words get a space more.
    this._announcement.textContent = this._announcement.textContent === words ? `${words}\u00a0` : words;
    this._announced = words;
    this._announcedAt = Date.now();
  }

  /** The explored point, for a sighted helper: a line across the plot and a dot on the point. */
  private _drawExplored(plot: uPlot): void {
    if (this._explored === null) {
      return;
    }
    const x = plot.valToPos(this._line.times[this._explored] / 1000, 'x', true);
    const y = plot.valToPos(this._line.values[this._explored], 'y', true);
    const { ctx, bbox } = plot;
    ctx.save();
    ctx.strokeStyle = themeColor('--jp-ui-font-color1', '#000');
    ctx.fillStyle = themeColor('--jp-warn-color0', '#e65100');
    ctx.lineWidth = devicePixelRatio;
    ctx.beginPath();
    ctx.moveTo(x, bbox.top);
    ctx.lineTo(x, bbox.top + bbox.height);
    ctx.stroke();
    ctx.beginPath();
    ctx.arc(x, y, 4 * devicePixelRatio, 0, 2 * Math.PI);
    ctx.fill();
    ctx.stroke();
    ctx.restore();
  }

  private _plot: uPlot;
  private _plotArea: HTMLDivElement;
  /** The summary the plot's description reads; the hint beside it says how to explore. */
  private _summary: HTMLDivElement;
  /** The polite live region: summaries and explored points are said here. */
  private _announcement: HTMLDivElement;
  private _line: ILine = { times: [], values: [] };
  /** The index of the point explored with the keyboard, or null. */
  private _explored: number | null = null;
  private _announced = '';
  private _announcedAt = 0;
}
