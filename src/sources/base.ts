// What every source shares: state, problem, signals and health counts; the secure-page check.
import { Signal } from '@lumino/signaling';
import { trans } from '../i18n';
import { LineParser, sentBy } from './lines';
import { IBadInput, IReading, ISource, ISourceHealth, RECENT_PROBLEMS, SourceState, Transport } from './types';

/** Why USB devices or Bluetooth sensors cannot be used because the page is not secure, with the fix, or ''. */
export function insecurePageProblem(transport: 'serial' | 'bluetooth'): string {
  if (typeof window === 'undefined' || window.isSecureContext) {
    return '';
  }
  const local = `http://localhost:${location.port || '8888'}`;
  if (transport === 'serial') {
    // TRANSLATORS: %1 is the page's address on this computer (http://localhost:8888), %2 the address in use.
    return trans.__(
      'USB devices work only on a secure page. Open Jupyter at %1 on this computer, or over https, instead of %2.',
      local,
      location.host
    );
  }
  // TRANSLATORS: %1 is the page's address on this computer (http://localhost:8888), %2 the address in use.
  return trans.__(
    'Bluetooth sensors work only on a secure page. Open Jupyter at %1 on this computer, or over https, instead of %2.',
    local,
    location.host
  );
}

/** Problems are reported to views at most this often, so a chattering device cannot flood the page. */
const HEALTH_EVERY_MS = 250;

/**
 * Channels a device may have, as the kernel keeps: a noisy board printing a new name on each
 * line would otherwise get a chart, and a column in the kernel, per name. Values of further
 * names are counted as bad values and never shown, charted or sent.
 */
export const MAX_CHANNELS = 64;

/** What every source shares: state, problem, signals and health counts. */
export abstract class SourceBase implements ISource {
  abstract readonly transport: Transport;
  abstract readonly units: Readonly<Record<string, string>>;

  constructor(
    readonly id: string,
    label: string
  ) {
    this._label = label;
  }

  get label(): string {
    return this._label;
  }

  get state(): SourceState {
    return this._state;
  }

  get problem(): string {
    return this._problem;
  }

  get health(): ISourceHealth {
    return { ...this._health, recent: [...this._health.recent] };
  }

  get stateChanged(): Signal<this, SourceState> {
    return this._stateChanged;
  }

  get readingReceived(): Signal<this, IReading> {
    return this._readingReceived;
  }

  get healthChanged(): Signal<this, ISourceHealth> {
    return this._healthChanged;
  }

  abstract start(): Promise<void>;
  abstract stop(): Promise<void>;
  abstract send(line: string): Promise<void>;

  dispose(): void {
    if (this._healthTimer !== null) {
      clearTimeout(this._healthTimer);
      this._healthTimer = null;
    }
    Signal.clearData(this);
  }

  protected setState(state: SourceState, problem = this._problem): void {
    if (state !== this._state || problem !== this._problem) {
      this._state = state;
      this._problem = problem;
      this._stateChanged.emit(state);
    }
  }

  /** Stop with `problem` in words, and throw it to the caller (a click handler shows it). */
  protected refuse(problem: string): never {
    this.setState('stopped', problem);
    throw new Error(problem);
  }

  protected setLabel(label: string): void {
    if (label !== this._label) {
      this._label = label;
      this._stateChanged.emit(this._state);
    }
  }

  /**
   * A reading of `values`, sent to the views and Loggers unless every name in it is past
   * MAX_CHANNELS; `from` names another device that sent it through this one (a micro:bit
   * heard by a radio gateway), else it is this source's.
   */
  protected emitReading(
    values: Record<string, number>,
    time = Date.now(),
    from: { source?: string; device?: string } = {}
  ): IReading {
    const reading: IReading = { time, values: this._withinChannelCap(values), source: from.source ?? this.id };
    if (from.device !== undefined) {
      reading.device = from.device;
    }
    if (Object.keys(reading.values).length > 0 || Object.keys(values).length === 0) {
      this._health.readings++;
      this._readingReceived.emit(reading);
    }
    return reading;
  }

  /** Read one line a device printed with `parser`: count it, and emit its values as a reading of whoever sent them. */
  protected readLine(parser: LineParser, line: string, time: number): void {
    const result = parser.parse(line);
    this.countLine(result.bad, result.values === null);
    if (result.values && Object.keys(result.values).length > 0) {
      this.emitReading(result.values, time, sentBy(result));
    }
  }

  /** Count lines read, and the problems found in them. */
  protected countLine(problems: { reason: string; text: string }[], badLine: boolean): void {
    this._health.lines++;
    if (problems.length === 0) {
      return;
    }
    if (badLine) {
      this._health.badLines++;
    } else {
      this._health.badValues += problems.length;
    }
    this._keepProblems(problems);
  }

  /** `values` without the names past this device's first MAX_CHANNELS, which count as bad values. */
  private _withinChannelCap(values: Record<string, number>): Record<string, number> {
    const past = Object.keys(values).filter(name => {
      if (!this._channels.has(name) && this._channels.size < MAX_CHANNELS) {
        this._channels.add(name);
      }
      return !this._channels.has(name);
    });
    if (past.length === 0) {
      return values;
    }
    this._health.badValues += past.length;
    const reason = trans._n('more than %1 channel name', 'more than %1 channel names', MAX_CHANNELS);
    this._keepProblems(past.map(text => ({ reason, text })));
    return Object.fromEntries(Object.entries(values).filter(([name]) => this._channels.has(name)));
  }

  /** The last few problems, for the views. */
  private _keepProblems(problems: { reason: string; text: string }[]): void {
    const now = Date.now();
    const recent = this._health.recent;
    for (const problem of problems) {
      recent.push({ time: now, ...problem } as IBadInput);
    }
    recent.splice(0, Math.max(0, recent.length - RECENT_PROBLEMS));
    this._healthDirty();
  }

  private _healthDirty(): void {
    if (this._healthTimer === null) {
      this._healthTimer = setTimeout(() => {
        this._healthTimer = null;
        this._healthChanged.emit(this.health);
      }, HEALTH_EVERY_MS);
    }
  }

  private _label: string;
  private _state: SourceState = 'stopped';
  private _problem = '';
  /** The channel names this device has had, at most MAX_CHANNELS. */
  private _channels = new Set<string>();
  private _health: ISourceHealth = { lines: 0, readings: 0, badLines: 0, badValues: 0, recent: [] };
  private _healthTimer: ReturnType<typeof setTimeout> | null = null;
  private _stateChanged = new Signal<this, SourceState>(this);
  private _readingReceived = new Signal<this, IReading>(this);
  private _healthChanged = new Signal<this, ISourceHealth>(this);
}
