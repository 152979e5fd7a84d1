// The reconnect life-cycle USB and Bluetooth share: wanted until Disconnect, looking for a lost device, backoff.
import { SourceBase } from './base';

/** The user closed the browser's chooser, or it would not open: the words say which. */
export class ChooserError extends Error {}

/** How often a lost device is tried again: after `firstMs`, doubling up to `maxMs` (equal for a steady pace). */
export interface IRetryPace {
  firstMs: number;
  maxMs: number;
}

/**
 * A source for a device the user chose once (a click) and that may go away and come back.
 *
 * Between begin() (the user connected) and end() (the user disconnected, chose another
 * device or the source was disposed) a lost device is looked for by reconnect(), one try
 * at a time, at the pace given, until it answers. end() also wins over a connection still
 * being made: such a connection checks isCurrent() and lets the device go.
 */
export abstract class ReconnectingSource extends SourceBase {
  constructor(id: string, label: string, pace: IRetryPace) {
    super(id, label);
    this._pace = pace;
    this._retryMs = pace.firstMs;
  }

  dispose(): void {
    this.end();
    super.dispose();
  }

  /**
   * Ask the browser's chooser with `choose`, then read what the user picked with `use`.
   * Without a device to ask for (a page that cannot), the source stops with the problem;
   * a closed chooser leaves a device already in use as it is. Both throw the problem on.
   */
  protected async chooseAndUse<T>(choose: () => Promise<T>, use: (device: T) => Promise<void>): Promise<void> {
    let device: T;
    try {
      device = await choose();
    } catch (error) {
      this.setState(error instanceof ChooserError && this.wanted ? this.state : 'stopped', (error as Error).message);
      throw error;
    }
    await use(device);
  }

  /** Try once to reach the lost device again; true when it is connected. */
  protected abstract reconnect(): Promise<boolean>;

  /** True between the user's Connect and Disconnect: a lost device is looked for. */
  protected get wanted(): boolean {
    return this._wanted;
  }

  /** Changes at each end(): what a connection compares with isCurrent(). */
  protected get session(): number {
    return this._session;
  }

  /** The user chose a device: keep it until end(). Returns the session a connection checks with isCurrent(). */
  protected begin(): number {
    this._wanted = true;
    this._retryMs = this._pace.firstMs;
    return this._session;
  }

  /** The user let the device go: stop looking, and connections begun before give up. */
  protected end(): void {
    this._session++;
    this._wanted = false;
    this._stopRetry();
  }

  /** Whether a connection begun in `session` is still the one wanted (no end() came meanwhile). */
  protected isCurrent(session: number): boolean {
    return session === this._session && this._wanted;
  }

  /** The device answers again: the next loss starts the pace afresh. */
  protected reconnected(): void {
    this._retryMs = this._pace.firstMs;
    this._stopRetry();
  }

  /** The device went away: say so (state 'waiting') and look for it until it answers or end(). */
  protected lost(problem: string): void {
    if (!this._wanted) {
      return;
    }
    this.setState('waiting', problem);
    this._scheduleRetry();
  }

  /** Look now, besides the pace (the browser said a device was plugged in). */
  protected lookNow(): void {
    void this._try();
  }

  private _scheduleRetry(): void {
    if (this._retry !== null || !this._wanted) {
      return;
    }
    const delay = this._retryMs;
    this._retryMs = Math.min(this._retryMs * 2, this._pace.maxMs);
    this._retry = setTimeout(() => {
      this._retry = null;
      void this._try();
    }, delay);
  }

  private async _try(): Promise<void> {
    // One try at a time: a plug-in event and the timer must not open the device twice.
    if (this._trying || !this._wanted || this.state !== 'waiting') {
      return;
    }
    this._trying = true;
    let connected = false;
    try {
      connected = await this.reconnect();
    } catch (error) {
      console.debug(`sensorlab: the ${this.transport} device did not answer yet`, error);
    } finally {
      this._trying = false;
    }
    if (!connected && this._wanted && this.state === 'waiting') {
      this._scheduleRetry();
    }
  }

  private _stopRetry(): void {
    if (this._retry !== null) {
      clearTimeout(this._retry);
      this._retry = null;
    }
  }

  private readonly _pace: IRetryPace;
  private _wanted = false;
  private _retryMs: number;
  private _retry: ReturnType<typeof setTimeout> | null = null;
  private _trying = false;
  /** Counts end() calls: a connection begun before the last one is given up. */
  private _session = 0;
}
