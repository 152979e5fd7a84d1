export { randomGenerator } from '../../src/sources/simulated';
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
