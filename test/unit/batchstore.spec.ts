import 'fake-indexeddb/auto';
import { IDBFactory } from 'fake-indexeddb';
import type { IHeldBatch } from '../../src/batchstore';
import { FakeChannel, reading } from './fakes';

// fake-indexeddb clones values with structuredClone, which jest's jsdom lacks. What the
// store keeps is JSON (the readings of the protocol), so a JSON copy clones it, and in
// this realm (toStrictEqual compares prototypes).
if (typeof globalThis.structuredClone !== 'function') {
  globalThis.structuredClone = (<T>(value: T): T => JSON.parse(JSON.stringify(value))) as typeof structuredClone;
}

type BatchStoreModule = typeof import('../../src/batchstore');
type ForwarderModule = typeof import('../../src/forwarder');

/**
 * A fresh copy of src/batchstore (its cached database connection starts over) over
 * whatever `globalThis.indexedDB` is now.
 */
function freshModule(): BatchStoreModule {
  jest.resetModules();
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- a fresh module after jest.resetModules()
  return require('../../src/batchstore') as BatchStoreModule;
}

/** Let the fire-and-forget writes (and their warnings) happen. */
async function until(done: () => boolean, what: string): Promise<void> {
  for (let i = 0; i < 200; i++) {
    if (done()) {
      return;
    }
    await new Promise(resolve => setTimeout(resolve, 5));
  }
  throw new Error(`gave up waiting for ${what}`);
}

function held(stream: string, seq: number, ...ns: number[]): IHeldBatch {
  return { stream, seq, readings: ns.map(n => reading(n)) };
}

/** A new browser whose "sensorlab" database something else left at `version`, shaped by `upgrade`. */
async function leftDatabase(version: number, upgrade?: (database: IDBDatabase) => void): Promise<IDBFactory> {
  const factory = new IDBFactory();
  await new Promise<void>((resolve, reject) => {
    const request = factory.open('sensorlab', version);
    request.onupgradeneeded = () => upgrade?.(request.result);
    request.onsuccess = () => {
      request.result.close();
      resolve();
    };
    request.onerror = () => reject(request.error);
  });
  return factory;
}

const WARNING = 'sensorlab: the browser cannot keep readings across a reload';

describe('IndexedDBBatchStore', () => {
  let mod: BatchStoreModule;
  let warn: jest.SpyInstance;

  beforeEach(() => {
    // A new factory is a new, empty set of databases: nothing leaks between tests.
    globalThis.indexedDB = new IDBFactory();
    mod = freshModule();
    warn = jest.spyOn(console, 'warn').mockImplementation(() => undefined);
  });

  afterEach(() => {
    warn.mockRestore();
  });

  test('an empty store loads [] and has no problem to tell', async () => {
    const store = new mod.IndexedDBBatchStore('k1/logger');
    const problems: string[] = [];
    store.problemChanged.connect((_, problem) => problems.push(problem));
    await expect(store.load()).resolves.toEqual([]);
    store.put(held('a', 0, 1));
    await expect(store.load()).resolves.toHaveLength(1);
    expect(warn).not.toHaveBeenCalled();
    expect(problems).toEqual([]);
  });

  test('heldKey keeps notebook and logger apart, whatever their names hold', () => {
    expect(mod.heldKey('a/b', 'c')).not.toBe(mod.heldKey('a', 'b/c'));
    expect(mod.heldKey('lab/7b.ipynb', 'class-7b')).toBe(mod.heldKey('lab/7b.ipynb', 'class-7b'));
  });

  test('put then load gives the batch back, as it was and without the key', async () => {
    const store = new mod.IndexedDBBatchStore('k1/logger');
    const batch = held('a', 0, 1, 2, 3);
    store.put(batch);
    const loaded = await store.load();
    expect(loaded).toStrictEqual([held('a', 0, 1, 2, 3)]);
    expect(loaded[0]).not.toBe(batch);
    expect(warn).not.toHaveBeenCalled();
  });

  test('a put made before the database is open is not lost', async () => {
    const store = new mod.IndexedDBBatchStore('k1/logger');
    store.put(held('a', 0, 0));
    store.put(held('a', 1, 1));
    store.put(held('b', 0, 2));
    await expect(store.load()).resolves.toHaveLength(3);
  });

  test('put with the same (stream, seq) replaces the batch', async () => {
    const store = new mod.IndexedDBBatchStore('k1/logger');
    store.put(held('a', 4, 1));
    store.put(held('a', 4, 1, 2, 3));
    expect(await store.load()).toStrictEqual([held('a', 4, 1, 2, 3)]);

    // Another stream, or another seq, is another batch.
    store.put(held('b', 4, 9));
    store.put(held('a', 5, 10));
    expect(await store.load()).toStrictEqual([held('a', 4, 1, 2, 3), held('a', 5, 10), held('b', 4, 9)]);
  });

  test('load gives the batches by stream, then by seq as a number', async () => {
    const store = new mod.IndexedDBBatchStore('k1/logger');
    store.put(held('b', 0, 20));
    store.put(held('a', 10, 10));
    store.put(held('a', 2, 2));
    store.put(held('a', 9, 9));
    const loaded = await store.load();
    expect(loaded.map(b => `${b.stream}/${b.seq}`)).toEqual(['a/2', 'a/9', 'a/10', 'b/0']);
  });

  test('remove deletes exactly that batch', async () => {
    const store = new mod.IndexedDBBatchStore('k1/logger');
    store.put(held('a', 0, 0));
    store.put(held('a', 1, 1));
    store.put(held('b', 0, 2));
    store.remove('a', 0);
    expect(await store.load()).toStrictEqual([held('a', 1, 1), held('b', 0, 2)]);

    // Removing what is not there is harmless.
    store.remove('a', 0);
    store.remove('c', 7);
    expect(await store.load()).toStrictEqual([held('a', 1, 1), held('b', 0, 2)]);
    expect(warn).not.toHaveBeenCalled();
  });

  test('a put and a remove in a row end removed (the writes keep their order)', async () => {
    const store = new mod.IndexedDBBatchStore('k1/logger');
    store.put(held('a', 0, 0));
    store.remove('a', 0);
    store.put(held('a', 1, 1));
    store.put(held('a', 1, 1, 2));
    store.remove('a', 1);
    expect(await store.load()).toEqual([]);
  });

  test('load only returns the batches of its own key; stores of other keys are independent', async () => {
    const one = new mod.IndexedDBBatchStore('kernel-1/logger');
    const two = new mod.IndexedDBBatchStore('kernel-2/logger');
    const prefix = new mod.IndexedDBBatchStore('kernel-1/log');
    one.put(held('a', 0, 1));
    two.put(held('a', 0, 2)); // the same stream and seq under another key
    two.put(held('b', 3, 3));

    expect(await one.load()).toStrictEqual([held('a', 0, 1)]);
    expect(await two.load()).toStrictEqual([held('a', 0, 2), held('b', 3, 3)]);
    expect(await prefix.load()).toEqual([]);

    one.remove('a', 0);
    expect(await one.load()).toEqual([]);
    expect(await two.load()).toStrictEqual([held('a', 0, 2), held('b', 3, 3)]);
  });

  test('batches an earlier version kept under "<kernel id>/<logger>" are taken over by that logger, once', async () => {
    const old = new mod.IndexedDBBatchStore('5f0c-kernel/class-7b');
    old.put(held('s1', 0, 1, 2));
    old.put(held('s1', 1, 3));
    new mod.IndexedDBBatchStore('9a1d-kernel/other-logger').put(held('s2', 0, 4));
    await expect(old.load()).resolves.toHaveLength(2);
    const now = new mod.IndexedDBBatchStore(mod.heldKey('lab/7b.ipynb', 'class-7b'));
    await expect(now.load()).resolves.toEqual([held('s1', 0, 1, 2), held('s1', 1, 3)]);
    await expect(old.load()).resolves.toEqual([]);
    now.remove('s1', 0);
    now.remove('s1', 1);
    await expect(now.load()).resolves.toEqual([]);
    // Another logger's batches stay where they are.
    await expect(new mod.IndexedDBBatchStore('9a1d-kernel/other-logger').load()).resolves.toHaveLength(1);
  });

  test('a second store with the same key (the next page) finds what the first one kept', async () => {
    new mod.IndexedDBBatchStore('k/logger').put(held('a', 0, 1, 2));
    // The next page: a new copy of the module, a new connection, the same database.
    const next = freshModule();
    expect(await new next.IndexedDBBatchStore('k/logger').load()).toStrictEqual([held('a', 0, 1, 2)]);
  });

  describe('when IndexedDB fails', () => {
    async function expectHarmless(store: InstanceType<BatchStoreModule['IndexedDBBatchStore']>) {
      // The page hears of it once, in words (the console has the details).
      const problems: string[] = [];
      store.problemChanged.connect((_, problem) => problems.push(problem));
      await expect(store.load()).resolves.toEqual([]);
      expect(problems).toEqual([expect.stringMatching(/^The browser cannot keep the readings .* keep this page open/)]);
      expect(warn).toHaveBeenCalledTimes(1);
      expect(warn.mock.calls[0][0]).toBe(WARNING);

      expect(() => store.put(held('a', 0, 1))).not.toThrow();
      await until(() => warn.mock.calls.length === 2, 'the put to warn');
      expect(() => store.remove('a', 0)).not.toThrow();
      await until(() => warn.mock.calls.length === 3, 'the remove to warn');
      expect(warn.mock.calls.every(call => call[0] === WARNING)).toBe(true);
      expect(problems).toHaveLength(1);
    }

    test('indexedDB.open throws (storage disabled)', async () => {
      const open = jest.fn(() => {
        throw new DOMException('The operation is insecure.', 'SecurityError');
      });
      globalThis.indexedDB = { open } as unknown as IDBFactory;
      mod = freshModule();
      await expectHarmless(new mod.IndexedDBBatchStore('k/logger'));
      // The failure is remembered: the database is not tried again and again.
      expect(open).toHaveBeenCalledTimes(1);
    });

    test('there is no indexedDB at all', async () => {
      delete (globalThis as { indexedDB?: unknown }).indexedDB;
      mod = freshModule();
      await expectHarmless(new mod.IndexedDBBatchStore('k/logger'));
    });

    test('the open request fails (a newer version of the database exists)', async () => {
      globalThis.indexedDB = await leftDatabase(2);
      mod = freshModule();
      const store = new mod.IndexedDBBatchStore('k/logger');
      await expectHarmless(store);
      expect(warn.mock.calls[0][1]).toMatchObject({ name: 'VersionError' });
    });

    test('the open request errors asynchronously', async () => {
      const request = {} as { onerror?: () => void; error: DOMException };
      globalThis.indexedDB = {
        open: () => {
          setTimeout(() => {
            request.error = new DOMException('no space', 'UnknownError');
            request.onerror?.();
          }, 1);
          return request;
        }
      } as unknown as IDBFactory;
      mod = freshModule();
      await expectHarmless(new mod.IndexedDBBatchStore('k/logger'));
    });

    test('the database has no held-batches store (left by something else)', async () => {
      globalThis.indexedDB = await leftDatabase(1, database => database.createObjectStore('other'));
      mod = freshModule();
      await expectHarmless(new mod.IndexedDBBatchStore('k/logger'));
    });
  });
});

describe('Forwarder over IndexedDBBatchStore: a page reload loses nothing', () => {
  beforeEach(() => {
    globalThis.indexedDB = new IDBFactory();
  });

  afterEach(() => {
    jest.useRealTimers();
  });

  /** Wait until a load (on a connection of its own) gives what `check` wants. */
  async function untilStored(
    mod: BatchStoreModule,
    check: (batches: IHeldBatch[]) => boolean,
    what: string
  ): Promise<IHeldBatch[]> {
    const store = new mod.IndexedDBBatchStore('k/logger');
    for (let i = 0; i < 200; i++) {
      const batches = await store.load();
      if (check(batches)) {
        return batches;
      }
      await new Promise(resolve => setTimeout(resolve, 5));
    }
    throw new Error(`gave up waiting for ${what}`);
  }

  test('the next page sends what the first page held, under its stream, and the acks empty the store', async () => {
    // The first page. Fake timers drive the forwarder; fake-indexeddb runs on Node's
    // own setImmediate, which they do not touch.
    jest.useFakeTimers();
    const page1 = freshModule();
    // eslint-disable-next-line @typescript-eslint/no-require-imports -- a fresh module after jest.resetModules()
    const { Forwarder: Forwarder1 } = require('../../src/forwarder') as ForwarderModule;
    const channel1 = new FakeChannel();
    const a = new Forwarder1(channel1, {
      forwardEveryMs: 5000,
      maxBatch: 3,
      stream: 'a',
      store: new page1.IndexedDBBatchStore('k/logger')
    });
    channel1.open();
    for (let n = 0; n < 5; n++) {
      a.push(reading(n)); // seq 0 sealed by maxBatch; 3 and 4 wait
    }
    jest.advanceTimersByTime(5000); // seq 1: 3, 4
    channel1.receive({ type: 'ack', seq: 0 });
    a.push(reading(5));
    jest.advanceTimersByTime(1000); // held as seq 2
    a.push(reading(6));
    jest.advanceTimersByTime(1000); // held again, now with 6
    expect(channel1.sentSeqs).toEqual([0, 1]);
    jest.useRealTimers();
    // The writes are fire-and-forget: wait until they are in the database.
    await untilStored(
      page1,
      batches => batches.length === 2 && batches[1].readings.length === 2,
      "the first page's writes"
    );
    // The page goes away without further acks.
    a.dispose();

    // The next page: a new copy of the module (a new connection), a new stream.
    const page2 = freshModule();
    // eslint-disable-next-line @typescript-eslint/no-require-imports -- a fresh module after jest.resetModules()
    const { Forwarder: Forwarder2 } = require('../../src/forwarder') as ForwarderModule;
    const channel2 = new FakeChannel();
    const b = new Forwarder2(channel2, {
      forwardEveryMs: 5000,
      stream: 'b',
      store: new page2.IndexedDBBatchStore('k/logger')
    });
    try {
      await until(() => b.stats.pending > 0, 'the leftovers to load');
      expect(b.stats.pending).toBe(4);
      channel2.open();
      expect(channel2.sent).toEqual([
        { type: 'batch', seq: 1, readings: [reading(3), reading(4)], stream: 'a' },
        { type: 'batch', seq: 2, readings: [reading(5), reading(6)], stream: 'a' }
      ]);

      channel2.receive({ type: 'ack', seq: 1, stream: 'a' });
      channel2.receive({ type: 'ack', seq: 2, stream: 'a' });
      expect(b.stats).toMatchObject({ pending: 0, delivered: 4 });
      await untilStored(page2, batches => batches.length === 0, 'the acks to empty the store');
    } finally {
      b.dispose();
    }
  });
});
