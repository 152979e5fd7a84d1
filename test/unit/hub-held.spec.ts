// What the browser holds for a logger is keyed by notebook and logger name: a new kernel of the notebook sends it.
import 'fake-indexeddb/auto';
import { IDBFactory } from 'fake-indexeddb';
import type { Kernel } from '@jupyterlab/services';
import { Signal } from '@lumino/signaling';
import { heldKey, IndexedDBBatchStore } from '../../src/batchstore';
import { DeviceHub } from '../../src/hub';
import type { IBatchMessage } from '../../src/protocol';
import { reading } from './fakes';

// fake-indexeddb clones with structuredClone, which jest's jsdom lacks; what is kept is JSON.
if (typeof globalThis.structuredClone !== 'function') {
  globalThis.structuredClone = (<T>(value: T): T => JSON.parse(JSON.stringify(value))) as typeof structuredClone;
}

/** A kernel connection whose readings comm says hello when asked, and records what the browser sends. */
class FakeKernel {
  constructor(readonly id: string) {}
  isDisposed = false;
  readonly statusChanged = new Signal<this, Kernel.Status>(this);
  readonly disposed = new Signal<this, void>(this);
  readonly sent: IBatchMessage[] = [];
  onMsg: ((msg: unknown) => void) | null = null;

  createComm(): unknown {
    const comm = {
      isDisposed: false,
      onMsg: null as ((msg: unknown) => void) | null,
      onClose: null,
      open: () => ({ done: Promise.resolve() }),
      send: (data: IBatchMessage) => this.sent.push(data),
      close: () => undefined
    };
    this.onMsg = msg => comm.onMsg?.(msg);
    return comm;
  }

  hello(logger: string): void {
    this.onMsg?.({ content: { data: { type: 'hello', logger } } });
  }

  dispose(): void {
    this.isDisposed = true;
    this.disposed.emit();
  }
}

async function until(done: () => Promise<boolean> | boolean, what: string): Promise<void> {
  for (let i = 0; i < 200; i++) {
    if (await done()) {
      return;
    }
    await new Promise(resolve => setTimeout(resolve, 5));
  }
  throw new Error(`gave up waiting for ${what}`);
}

describe('held batches belong to the notebook and the logger, not to the kernel', () => {
  let hub: DeviceHub;

  beforeEach(() => {
    globalThis.indexedDB = new IDBFactory();
    hub = new DeviceHub();
  });

  afterEach(() => hub.dispose());

  test('readings the first kernel never acked are sent to the next kernel of the same notebook', async () => {
    const first = new FakeKernel('kernel-1');
    const link = hub.link(first as unknown as Kernel.IKernelConnection, 'class-7b', 60_000, 'lab/7b.ipynb', {});
    link.forwarder.push(reading(0));
    link.forwarder.push(reading(1));
    link.forwarder.flush(); // no hello: the kernel never takes them
    const store = new IndexedDBBatchStore(heldKey('lab/7b.ipynb', 'class-7b'));
    await until(async () => (await store.load()).length === 1, 'the batch to be held');
    first.dispose(); // the notebook gets a new kernel

    // Another notebook's logger of the same name does not get them.
    const other = new FakeKernel('kernel-3');
    const elsewhere = hub.link(other as unknown as Kernel.IKernelConnection, 'class-7b', 60_000, 'lab/8a.ipynb', {});
    const next = new FakeKernel('kernel-2');
    const relinked = hub.link(next as unknown as Kernel.IKernelConnection, 'class-7b', 60_000, 'lab/7b.ipynb', {});
    await until(() => relinked.forwarder.stats.pending === 2, 'the held readings to load');
    expect(elsewhere.forwarder.stats.pending).toBe(0);
    next.hello('class-7b');
    expect(next.sent).toEqual([
      { type: 'batch', seq: 0, readings: [reading(0), reading(1)], stream: link.forwarder.stream }
    ]);
    next.onMsg?.({ content: { data: { type: 'ack', seq: 0, stream: link.forwarder.stream } } });
    expect(relinked.forwarder.stats).toMatchObject({ pending: 0, delivered: 2 });
    await until(async () => (await store.load()).length === 0, 'the ack to empty the store');
  });
});
