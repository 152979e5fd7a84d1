import { Signal } from '@lumino/signaling';
import type { IReadingsChannel } from '../../src/forwarder';
import type { IBatchMessage, KernelMessage } from '../../src/protocol';
import type { IReading } from '../../src/sources/types';

/**
 * A readings channel without a kernel: records what is sent, and lets a test open,
 * close and answer it.
 */
export class FakeChannel implements IReadingsChannel {
  isOpen = false;
  readonly opened: Signal<IReadingsChannel, void> = new Signal(this);
  readonly messageReceived: Signal<IReadingsChannel, KernelMessage> =
    new Signal(this);
  /** Every batch sent, as it was at the time (a copy). */
  readonly sent: IBatchMessage[] = [];
  /** Batches sent while the channel was closed: must stay empty. */
  readonly sentWhileClosed: IBatchMessage[] = [];

  send(message: IBatchMessage): void {
    const copy = JSON.parse(JSON.stringify(message)) as IBatchMessage;
    (this.isOpen ? this.sent : this.sentWhileClosed).push(copy);
  }

  /** The kernel said hello (again). */
  open(): void {
    this.isOpen = true;
    this.opened.emit();
  }

  /** The comm is gone (kernel busy, restarting, page reloading...). */
  close(): void {
    this.isOpen = false;
  }

  receive(message: KernelMessage): void {
    this.messageReceived.emit(message);
  }

  /** The seq numbers sent so far, in order. */
  get sentSeqs(): number[] {
    return this.sent.map(batch => batch.seq);
  }
}

/** Reading number `n`: each one is different, so the tests can count them. */
export function reading(n: number, source = 'simulated'): IReading {
  return { time: 1795255200000 + n * 1000, values: { n }, source };
}

/** A small deterministic random generator (mulberry32) for the randomized specs. */
export function randomGenerator(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
