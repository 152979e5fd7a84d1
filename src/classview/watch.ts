// The sidebar's class view reads the class sheet itself: every period (never more often than the loggers
// post), slower when the server asks, with the states worked out again between reads as time passes.
import { Signal } from '@lumino/signaling';
import { trans } from '../i18n';
import { SheetReadError, sheetReader, TooManyReadsError } from '../readback';
import { sheetName } from '../sheet';
import { ClassData, ClassReader, IClassView, refreshPeriod, SheetReader } from './model';

/** The states are worked out again this often between reads. */
export const RECOMPUTE_MS = 10_000;

/** The longest wait between reads when the server keeps asking for fewer (without saying how long). */
export const MAX_BACKOFF_MS = 600_000;

/** The wait after a 429: what Retry-After says (never under the period), else twice the last wait, up to 10 minutes. */
export function backOff(lastWaitMs: number, periodMs: number, retryAfterS: number | null): number {
  if (retryAfterS !== null) {
    return Math.max(periodMs, retryAfterS * 1000);
  }
  return Math.max(periodMs, Math.min(2 * Math.max(lastWaitMs, periodMs), MAX_BACKOFF_MS));
}

/** Reads a class sheet again and again until disposed; `changed` says when there is something new to show. */
export class ClassWatch {
  constructor(
    readonly sheetUrl: string,
    /** The refresh the teacher chose, in ms. */
    public refreshMs: number,
    read: SheetReader = sheetReader(sheetUrl)
  ) {
    this._reader = new ClassReader(read);
    void this._read();
    this._clock = setInterval(() => this._changed.emit(), RECOMPUTE_MS);
  }

  get changed(): Signal<this, void> {
    return this._changed;
  }

  /** The chart's channel: the teacher's choice while the class has it, else the class's first. */
  get channel(): string {
    const channels = this._data?.channels ?? [];
    return channels.includes(this._channel) ? this._channel : (this._data?.channel ?? '');
  }

  set channel(channel: string) {
    this._channel = channel;
    this._changed.emit();
  }

  /** What the view shows now. */
  get view(): IClassView {
    const channel = this.channel;
    return {
      lines: this._data?.lines(Date.now()) ?? [],
      channels: [...(this._data?.channels ?? [])],
      channel,
      series: this._data?.series(channel) ?? [],
      read_at: this._readAt,
      next_read: this._nextRead,
      problem: this._problem
    };
  }

  dispose(): void {
    this._disposed = true;
    clearInterval(this._clock);
    clearTimeout(this._timer);
    Signal.clearData(this);
  }

  private async _read(): Promise<void> {
    const period = () => refreshPeriod(this.refreshMs, this._data?.lines(Date.now()) ?? []);
    let wait: number;
    try {
      const data = await this._reader.read(sheetName(this.sheetUrl));
      if (this._disposed) {
        return;
      }
      this._data = data;
      this._readAt = Date.now();
      this._problem = '';
      wait = period();
    } catch (error) {
      if (this._disposed) {
        return;
      }
      if (error instanceof TooManyReadsError) {
        wait = backOff(this._wait, period(), error.retryAfterS);
        this._problem = trans.__(
          'The sheet server is busy and asked for fewer reads: the class is read less often for now, so what you see may be a few minutes old.'
        );
      } else {
        wait = period();
        const why = error instanceof SheetReadError ? error.detail : (error as Error).message;
        // TRANSLATORS: %1 says why (The sheet server answered 500 Internal Server Error.).
        this._problem = trans.__(
          'The class sheet could not be read: %1 What you see is from the last read; the next read tries again.',
          why
        );
      }
    }
    this._wait = wait;
    this._nextRead = Date.now() + wait;
    this._timer = setTimeout(() => void this._read(), wait);
    this._changed.emit();
  }

  private _reader: ClassReader;
  private _data: ClassData | null = null;
  private _channel = '';
  private _readAt: number | null = null;
  private _nextRead: number | null = null;
  private _problem = '';
  private _wait = 0;
  private _disposed = false;
  private _timer: ReturnType<typeof setTimeout> | undefined;
  private _clock: ReturnType<typeof setInterval>;
  private _changed = new Signal<this, void>(this);
}
