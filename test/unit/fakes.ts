export { randomGenerator } from '../../src/sources/simulated';
import { Signal } from '@lumino/signaling';
import { SourceBase } from '../../src/sources/base';
import type { IBatchStore, IHeldBatch } from '../../src/batchstore';
import type { IReadingsChannel } from '../../src/forwarder';
import type { IBatchMessage, KernelMessage } from '../../src/protocol';
import type { IReading, ISource, SourceState } from '../../src/sources/types';

/**
 * A readings channel without a kernel: records what is sent, and lets a test open,
 * close and answer it.
 */
export class FakeChannel implements IReadingsChannel {
  isOpen = false;
  readonly opened: Signal<IReadingsChannel, void> = new Signal(this);
  readonly messageReceived: Signal<IReadingsChannel, KernelMessage> = new Signal(this);
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

/**
 * A batch store in memory, shared by the "pages" of a test: records every put and
 * remove, and `load` gives what is held, ordered like IndexedDB (by stream, then seq).
 */
export class FakeBatchStore implements IBatchStore {
  constructor(leftovers: IHeldBatch[] = []) {
    for (const batch of leftovers) {
      this._held.set(`${batch.stream}/${batch.seq}`, copy(batch));
    }
  }

  /** Every put, as it was at the time (a copy). */
  readonly puts: IHeldBatch[] = [];
  /** Every remove, as `stream/seq`. */
  readonly removes: string[] = [];
  loads = 0;

  /** What the store holds now, ordered like `load`. */
  get held(): IHeldBatch[] {
    return [...this._held.values()]
      .sort((a, b) => (a.stream < b.stream ? -1 : a.stream > b.stream ? 1 : a.seq - b.seq))
      .map(copy);
  }

  load(): Promise<IHeldBatch[]> {
    this.loads++;
    return Promise.resolve(this.held);
  }

  put(batch: IHeldBatch): void {
    this.puts.push(copy(batch));
    this._held.set(`${batch.stream}/${batch.seq}`, copy(batch));
  }

  remove(stream: string, seq: number): void {
    this.removes.push(`${stream}/${seq}`);
    this._held.delete(`${stream}/${seq}`);
  }

  private _held = new Map<string, IHeldBatch>();
}

function copy<T>(value: T): T {
  return JSON.parse(JSON.stringify(value)) as T;
}

/** Let pending promise callbacks run (a store's load), also under fake timers. */
export async function settle(): Promise<void> {
  for (let i = 0; i < 10; i++) {
    await Promise.resolve();
  }
}

/**
 * start() of a device source on a page or browser that cannot reach devices: it rejects
 * with `problem`, shows it, stays stopped throughout, and never opens the browser's chooser.
 */
export async function expectRefusedStart(
  watched: { source: ISource; states: SourceState[] },
  problem: string,
  chooser: jest.Mock
): Promise<void> {
  expect(problem).not.toBe('');
  await expect(watched.source.start()).rejects.toThrow(problem);
  expect(watched.source.problem).toBe(problem);
  expect(watched.source.state).toBe('stopped');
  expect(watched.states.every(state => state === 'stopped')).toBe(true);
  expect(chooser).not.toHaveBeenCalled();
}

/** A promise a test resolves when it chooses. */
export interface IDeferred {
  promise: Promise<void>;
  resolve: () => void;
}

export function deferred(): IDeferred {
  let resolve!: () => void;
  const promise = new Promise<void>(r => (resolve = r));
  return { promise, resolve };
}

/** Make the page secure (localhost or https) or not, as Web Serial and Web Bluetooth check. */
export function setSecure(secure: boolean): void {
  Object.defineProperty(window, 'isSecureContext', { value: secure, configurable: true });
}

/** A readings comm of the fake kernel: records whether it was closed. */
export class FakeComm {
  isDisposed = false;
  onMsg: unknown = null;
  onClose: unknown = null;
  /** What the page sent on it. */
  readonly sent: unknown[] = [];
  open(): { done: Promise<void> } {
    return { done: Promise.resolve() };
  }
  send(data: unknown): void {
    this.sent.push(data);
  }
  close(): void {
    this.isDisposed = true;
  }
}

/** The kernel connection of a notebook (the page's boundary to Jupyter): the comms the page opens. */
export class FakeKernel {
  readonly id = 'kernel-1';
  isDisposed = false;
  status = 'idle';
  readonly statusChanged = new Signal<this, string>(this);
  readonly disposed = new Signal<this, void>(this);
  readonly comms: FakeComm[] = [];
  createComm(): FakeComm {
    const comm = new FakeComm();
    this.comms.push(comm);
    return comm;
  }
  /** The kernel's status changes, as Jupyter reports it. */
  setStatus(status: string): void {
    this.status = status;
    this.statusChanged.emit(status);
  }
}

/** A USB board the spec drives by hand (the device boundary): Start and Stop only change its state. */
export class ManualBoard extends SourceBase {
  readonly transport = 'serial';
  readonly units = {};
  async start(): Promise<void> {
    this.setState('connected');
  }
  async stop(): Promise<void> {
    this.setState('stopped');
  }
  async send(): Promise<void> {}
}
