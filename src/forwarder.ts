import { ISignal, Signal } from '@lumino/signaling';
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
 * busy, restarting or reloaded kernel loses nothing; the kernel drops the duplicates
 * by sequence number.
 */
export class Forwarder {
  constructor(
    readonly channel: IReadingsChannel,
    options: IForwarderOptions
  ) {
    this._maxBatch = options.maxBatch ?? 5000;
    this.forwardEveryMs = options.forwardEveryMs;
    channel.opened.connect(this._onOpened, this);
    channel.messageReceived.connect(this._onMessage, this);
  }

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

  /** Emitted whenever the stats change. */
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
    this._unacked.set(batch.seq, batch);
    if (this.channel.isOpen) {
      this.channel.send(batch);
    }
    this._changed.emit(this.stats);
  }

  dispose(): void {
    if (this._timer !== null) {
      clearInterval(this._timer);
      this._timer = null;
    }
    Signal.disconnectReceiver(this);
    Signal.clearData(this);
  }

  private _onOpened(): void {
    // Map iteration follows insertion order, which is sequence order.
    for (const batch of this._unacked.values()) {
      this.channel.send(batch);
    }
    this._changed.emit(this.stats);
  }

  private _onMessage(_: IReadingsChannel, message: KernelMessage): void {
    if (message.type === 'ack') {
      this._settle(message.seq, true);
    } else if (message.type === 'refused') {
      this._stats.refused++;
      this._stats.lastRefusal = message.reason;
      if (message.seq !== null) {
        this._settle(message.seq, false);
      }
    }
    this._changed.emit(this.stats);
  }

  private _settle(seq: number, delivered: boolean): void {
    const batch = this._unacked.get(seq);
    if (batch) {
      this._unacked.delete(seq);
      this._stats.pending -= batch.readings.length;
      if (delivered) {
        this._stats.delivered += batch.readings.length;
      }
    }
  }

  private _maxBatch: number;
  private _forwardEveryMs = 0;
  private _timer: ReturnType<typeof setInterval> | null = null;
  private _buffer: IReading[] = [];
  private _nextSeq = 0;
  private _unacked = new Map<number, IBatchMessage>();
  private _stats: IForwarderStats = {
    pending: 0,
    delivered: 0,
    refused: 0,
    lastRefusal: ''
  };
  private _changed = new Signal<this, IForwarderStats>(this);
}
