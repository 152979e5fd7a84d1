// Batches a source's readings, numbers them and resends until the kernel acks each one.
import { ISignal, Signal } from '@lumino/signaling';
import type { IBatchStore } from './batchstore';
import { batchMessage, BrowserMessage, IBatchMessage, KernelMessage } from './protocol';
import type { IReading } from './sources/types';

/** Where the forwarder sends batches: the readings comm, or a fake in tests. */
export interface IReadingsChannel {
  /** True once the kernel has said hello on the current comm. */
  readonly isOpen: boolean;
  /** The kernel accepted the comm (again): everything unacked must be sent. */
  readonly opened: ISignal<IReadingsChannel, void>;
  readonly messageReceived: ISignal<IReadingsChannel, KernelMessage>;
  send(message: BrowserMessage): void;
}

export interface IForwarderOptions {
  /** Milliseconds between two batches. */
  forwardEveryMs: number;
  /** A batch is sent early when it holds this many readings. */
  maxBatch?: number;
  /** This forwarder's stream: the kernel deduplicates batches by stream and sequence number. */
  stream?: string;
  /** Keeps unacked readings across a page reload; batches an earlier page left are sent too. */
  store?: IBatchStore;
  /** The most readings held for the kernel (sealed in batches); the oldest beyond are dropped. */
  maxHeld?: number;
}

/** About 10 MB of readings: a day of one reading a second, or a lesson of a fast board. */
const MAX_HELD_READINGS = 100_000;

function lockName(stream: string): string {
  return `sensorlab-stream-${stream}`;
}

/** How often the readings not yet in a batch are written to the store. */
const HOLD_EVERY_MS = 1000;

/** The first pause before the kernel is sent again a batch it could not store; it doubles up to the last. */
const RESEND_MIN_MS = 1000;
const RESEND_MAX_MS = 30000;

/** What keeps readings from the notebook now, for the status line. */
export interface IForwarderTrouble {
  /** When the batches the kernel could not store are sent again (epoch ms), or null. */
  resendAt: number | null;
  /** Why the kernel could not store them (its words). */
  notStored: string;
  /** Readings dropped, oldest first, because more than `maxHeld` waited for the kernel. */
  dropped: number;
  /** The most readings held. */
  maxHeld: number;
  /** What keeps the store from keeping readings across a reload, in words, or ''. */
  storeProblem: string;
}

/** What the forwarder has done, for the status line. */
export interface IForwarderStats {
  /** Readings waiting for the kernel's ack. */
  pending: number;
  /** Readings the kernel has acked. */
  delivered: number;
  /** Batches the kernel refused, and why the last one was. */
  refused: number;
  lastRefusal: string;
}

/**
 * Batches readings, numbers each batch, and keeps it until the kernel acks it.
 *
 * Every unacked batch is sent again, in order, whenever the channel (re)opens, so a
 * busy or restarting kernel loses nothing; the kernel drops the duplicates by stream
 * and sequence number. With a store, unacked readings also outlive the page: the next
 * page sends them under their first stream, so they are stored once whoever sends them.
 */
export class Forwarder {
  constructor(
    readonly channel: IReadingsChannel,
    options: IForwarderOptions
  ) {
    this._maxBatch = options.maxBatch ?? 5000;
    this._maxHeld = options.maxHeld ?? MAX_HELD_READINGS;
    this.stream = options.stream ?? '';
    this._store = options.store ?? null;
    this.forwardEveryMs = options.forwardEveryMs;
    channel.opened.connect(this._onOpened, this);
    channel.messageReceived.connect(this._onMessage, this);
    if (this._store) {
      this._store.problemChanged?.connect((_, problem) => {
        this._storeProblem = problem;
        this._changed.emit(this.stats);
      }, this);
      this._holdTimer = setInterval(() => this._holdBuffer(), HOLD_EVERY_MS);
      this._claimStream();
      void this._adoptLeftovers(this._store);
    }
  }

  readonly stream: string;

  get forwardEveryMs(): number {
    return this._forwardEveryMs;
  }

  set forwardEveryMs(ms: number) {
    this._forwardEveryMs = ms;
    if (this._timer !== null) {
      clearInterval(this._timer);
    }
    this._timer = setInterval(() => this.flush(), ms);
  }

  get stats(): IForwarderStats {
    return { ...this._stats };
  }

  get trouble(): IForwarderTrouble {
    return {
      resendAt: this._resendAt,
      notStored: this._notStoredReason,
      dropped: this._dropped,
      maxHeld: this._maxHeld,
      storeProblem: this._storeProblem
    };
  }

  /** Emitted whenever the stats (or the trouble) change. */
  get changed(): ISignal<this, IForwarderStats> {
    return this._changed;
  }

  push(reading: IReading): void {
    this._buffer.push(reading);
    this._stats.pending++;
    if (this._buffer.length >= this._maxBatch) {
      this.flush();
    }
  }

  /** Seal what has been collected into a batch and send it if the kernel listens. */
  flush(): void {
    if (this._buffer.length === 0) {
      return;
    }
    const batch = batchMessage(this._nextSeq++, this._buffer);
    this._buffer = [];
    this._heldLength = 0;
    this._unacked.set(batch.seq, batch);
    this._store?.put({ stream: this.stream, seq: batch.seq, readings: batch.readings });
    if (this.channel.isOpen) {
      this.channel.send(batch);
    }
    this._dropOldest();
    this._changed.emit(this.stats);
  }

  dispose(): void {
    this._disposed = true;
    this._releaseStream?.();
    if (this._timer !== null) {
      clearInterval(this._timer);
      this._timer = null;
    }
    if (this._holdTimer !== null) {
      clearInterval(this._holdTimer);
      this._holdTimer = null;
    }
    this._cancelResend();
    Signal.disconnectReceiver(this);
    Signal.clearData(this);
  }

  private _onOpened(): void {
    this._cancelResend(); // everything unacked is sent now
    // Batches an earlier page left go first; Map iteration follows insertion order.
    for (const batch of this._leftovers.values()) {
      this.channel.send(batch);
    }
    for (const batch of this._unacked.values()) {
      this.channel.send(batch);
    }
    this._changed.emit(this.stats);
  }

  private _onMessage(_: IReadingsChannel, message: KernelMessage): void {
    if (message.type === 'ack') {
      this._resendMs = RESEND_MIN_MS;
      this._settle(message.stream, message.seq, true);
    } else if (message.type === 'not_stored') {
      this._resendLater(message.stream, message.seq, message.reason);
    } else if (message.type === 'refused') {
      this._stats.refused++;
      this._stats.lastRefusal = message.reason;
      if (message.seq !== null) {
        this._settle(message.stream, message.seq, false);
      }
    }
    this._changed.emit(this.stats);
  }

  /** The unacked batch `seq` of `stream` (undefined: this forwarder's own), and where it is kept. */
  private _find(stream: string | undefined, seq: number) {
    const own = stream === undefined || stream === this.stream;
    const batches = (own ? this._unacked : this._leftovers) as Map<number | string, IBatchMessage>;
    const key = own ? seq : `${stream}/${seq}`;
    return { batches, key, stream: own ? this.stream : (stream as string), batch: batches.get(key) };
  }

  private _settle(stream: string | undefined, seq: number, delivered: boolean): void {
    const { batches, key, batch, stream: named } = this._find(stream, seq);
    if (batch) {
      batches.delete(key);
      this._notStored.delete(`${named}/${seq}`);
      this._store?.remove(named, seq);
      this._stats.pending -= batch.readings.length;
      if (delivered) {
        this._stats.delivered += batch.readings.length;
      }
    }
  }

  /** Drop the oldest batches (an earlier page's first) while more than `maxHeld` readings wait. */
  private _dropOldest(): void {
    for (const batches of [this._leftovers, this._unacked] as Map<number | string, IBatchMessage>[]) {
      for (const [key, batch] of batches) {
        if (this._stats.pending - this._buffer.length <= this._maxHeld) {
          return;
        }
        batches.delete(key);
        this._store?.remove(batch.stream ?? this.stream, batch.seq);
        this._stats.pending -= batch.readings.length;
        this._dropped += batch.readings.length;
      }
    }
  }

  /** Send a batch the kernel could not store again after a pause that doubles while it keeps failing. */
  private _resendLater(stream: string | undefined, seq: number, reason: string): void {
    const found = this._find(stream, seq);
    if (!found.batch) {
      return;
    }
    this._notStored.set(`${found.stream}/${seq}`, { stream, seq });
    this._notStoredReason = reason;
    if (this._resendTimer !== null) {
      return;
    }
    this._resendAt = Date.now() + this._resendMs;
    this._resendTimer = setTimeout(() => {
      this._resendTimer = null;
      const again = [...this._notStored.values()];
      this._cancelResend();
      for (const { stream: which, seq: number } of again) {
        const batch = this._find(which, number).batch;
        if (batch && this.channel.isOpen) {
          this.channel.send(batch);
        }
      }
      this._changed.emit(this.stats);
    }, this._resendMs);
    this._resendMs = Math.min(this._resendMs * 2, RESEND_MAX_MS);
  }

  private _cancelResend(): void {
    if (this._resendTimer !== null) {
      clearTimeout(this._resendTimer);
      this._resendTimer = null;
    }
    this._notStored.clear();
    this._resendAt = null;
  }

  /** Keep the readings not yet in a batch, as the batch they will become. */
  private _holdBuffer(): void {
    if (this._buffer.length > 0 && this._buffer.length !== this._heldLength) {
      this._heldLength = this._buffer.length;
      this._store?.put({ stream: this.stream, seq: this._nextSeq, readings: [...this._buffer] });
    }
  }

  /**
   * Hold a Web Lock named after the stream while this page lives, so another tab does
   * not adopt batches this one is still filling (the browser frees it when the page goes).
   */
  private _claimStream(): void {
    const locks = typeof navigator === 'undefined' ? undefined : navigator.locks;
    void locks?.request(lockName(this.stream), () => new Promise<void>(resolve => (this._releaseStream = resolve)));
  }

  private async _adoptLeftovers(store: IBatchStore): Promise<void> {
    const held = await store.load();
    const locks = typeof navigator === 'undefined' ? undefined : navigator.locks;
    const live = new Set(((await locks?.query())?.held ?? []).map(lock => lock.name));
    if (this._disposed) {
      return;
    }
    for (const { stream, seq, readings } of held) {
      // Streams of pages still open are theirs to send.
      if (stream !== this.stream && readings.length > 0 && !live.has(lockName(stream))) {
        this._leftovers.set(`${stream}/${seq}`, { ...batchMessage(seq, readings), stream });
        this._stats.pending += readings.length;
      }
    }
    this._dropOldest();
    if (held.length > 0 && this.channel.isOpen) {
      for (const batch of this._leftovers.values()) {
        this.channel.send(batch);
      }
    }
    this._changed.emit(this.stats);
  }

  private _maxBatch: number;
  private _forwardEveryMs = 0;
  private _timer: ReturnType<typeof setInterval> | null = null;
  private _buffer: IReading[] = [];
  private _nextSeq = 0;
  private _unacked = new Map<number, IBatchMessage>();
  private _leftovers = new Map<string, IBatchMessage>();
  private _store: IBatchStore | null;
  private _holdTimer: ReturnType<typeof setInterval> | null = null;
  private _heldLength = 0;
  private _disposed = false;
  private _releaseStream: (() => void) | undefined;
  /** Batches the kernel could not store, by `stream/seq`, waiting for the resend timer. */
  private _notStored = new Map<string, { stream: string | undefined; seq: number }>();
  private _notStoredReason = '';
  private _resendTimer: ReturnType<typeof setTimeout> | null = null;
  private _resendAt: number | null = null;
  private _resendMs = RESEND_MIN_MS;
  private _maxHeld: number;
  private _dropped = 0;
  private _storeProblem = '';
  private _stats: IForwarderStats = {
    pending: 0,
    delivered: 0,
    refused: 0,
    lastRefusal: ''
  };
  private _changed = new Signal<this, IForwarderStats>(this);
}
