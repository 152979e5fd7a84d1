import type { IBatchStore, IHeldBatch } from '../../src/batchstore';
import { Forwarder, IForwarderOptions, IForwarderStats } from '../../src/forwarder';
import type { IBatchMessage, KernelMessage } from '../../src/protocol';
import type { IReading } from '../../src/sources/types';
import { FakeBatchStore, FakeChannel, randomGenerator, reading, settle } from './fakes';

const EVERY = 1000;

describe('Forwarder', () => {
  let channel: FakeChannel;
  let forwarder: Forwarder;

  beforeEach(() => {
    jest.useFakeTimers();
    channel = new FakeChannel();
  });

  afterEach(() => {
    forwarder?.dispose();
    expect(channel.sentWhileClosed).toEqual([]);
    jest.useRealTimers();
  });

  function make(maxBatch?: number): Forwarder {
    forwarder = new Forwarder(channel, { forwardEveryMs: EVERY, maxBatch });
    return forwarder;
  }

  test('sends the readings of each tick as one batch, seq 0, 1, 2...', () => {
    make();
    channel.open();
    forwarder.push(reading(0));
    forwarder.push(reading(1));
    jest.advanceTimersByTime(EVERY - 1);
    expect(channel.sent).toEqual([]);
    jest.advanceTimersByTime(1);
    expect(channel.sent).toEqual([{ type: 'batch', seq: 0, readings: [reading(0), reading(1)] }]);

    forwarder.push(reading(2));
    jest.advanceTimersByTime(EVERY);
    forwarder.push(reading(3));
    forwarder.push(reading(4));
    jest.advanceTimersByTime(EVERY);
    expect(channel.sent).toEqual([
      { type: 'batch', seq: 0, readings: [reading(0), reading(1)] },
      { type: 'batch', seq: 1, readings: [reading(2)] },
      { type: 'batch', seq: 2, readings: [reading(3), reading(4)] }
    ]);
    expect(forwarder.stats).toEqual({
      pending: 5,
      delivered: 0,
      refused: 0,
      lastRefusal: ''
    });
  });

  test('an empty tick sends nothing and uses no seq', () => {
    make();
    channel.open();
    jest.advanceTimersByTime(5 * EVERY);
    expect(channel.sent).toEqual([]);
    forwarder.push(reading(0));
    jest.advanceTimersByTime(EVERY);
    expect(channel.sentSeqs).toEqual([0]);
  });

  test('while the channel is closed nothing is sent, but batches are sealed and numbered', () => {
    make();
    forwarder.push(reading(0));
    jest.advanceTimersByTime(EVERY);
    forwarder.push(reading(1));
    forwarder.push(reading(2));
    jest.advanceTimersByTime(EVERY);
    expect(channel.sent).toEqual([]);
    expect(forwarder.stats.pending).toBe(3);

    channel.open();
    expect(channel.sent).toEqual([
      { type: 'batch', seq: 0, readings: [reading(0)] },
      { type: 'batch', seq: 1, readings: [reading(1), reading(2)] }
    ]);

    // New readings after the reopening continue the numbering.
    forwarder.push(reading(3));
    jest.advanceTimersByTime(EVERY);
    expect(channel.sentSeqs).toEqual([0, 1, 2]);
  });

  test('when the channel reopens, every unacked batch is sent again in seq order', () => {
    make();
    channel.open();
    for (let n = 0; n < 4; n++) {
      forwarder.push(reading(n));
      jest.advanceTimersByTime(EVERY);
    }
    expect(channel.sentSeqs).toEqual([0, 1, 2, 3]);
    channel.receive({ type: 'ack', seq: 1 });

    channel.close();
    forwarder.push(reading(4));
    jest.advanceTimersByTime(EVERY); // seq 4, sealed while closed
    channel.open();

    const resent = channel.sent.slice(4);
    expect(resent.map(b => b.seq)).toEqual([0, 2, 3, 4]);
    // The same batches, not new ones: the kernel drops duplicates by seq.
    expect(resent.slice(0, 3)).toEqual([channel.sent[0], channel.sent[2], channel.sent[3]]);
    expect(resent[3].readings).toEqual([reading(4)]);
  });

  test('an ack removes exactly that batch and updates pending and delivered', () => {
    make();
    channel.open();
    forwarder.push(reading(0));
    forwarder.push(reading(1));
    jest.advanceTimersByTime(EVERY); // seq 0: 2 readings
    forwarder.push(reading(2));
    jest.advanceTimersByTime(EVERY); // seq 1: 1 reading
    forwarder.push(reading(3));
    forwarder.push(reading(4));
    forwarder.push(reading(5));
    jest.advanceTimersByTime(EVERY); // seq 2: 3 readings
    forwarder.push(reading(6)); // still in the buffer
    expect(forwarder.stats).toMatchObject({ pending: 7, delivered: 0 });

    channel.receive({ type: 'ack', seq: 0 });
    expect(forwarder.stats).toMatchObject({ pending: 5, delivered: 2 });
    channel.receive({ type: 'ack', seq: 2 });
    expect(forwarder.stats).toMatchObject({ pending: 2, delivered: 5 });

    channel.close();
    channel.open();
    expect(channel.sentSeqs).toEqual([0, 1, 2, 1]);
  });

  test('a duplicate ack, or an ack of an unknown seq, is harmless', () => {
    make();
    channel.open();
    forwarder.push(reading(0));
    jest.advanceTimersByTime(EVERY);
    forwarder.push(reading(1));
    jest.advanceTimersByTime(EVERY);

    channel.receive({ type: 'ack', seq: 0 });
    const after = forwarder.stats;
    channel.receive({ type: 'ack', seq: 0 });
    channel.receive({ type: 'ack', seq: 99 });
    expect(forwarder.stats).toEqual(after);
    expect(after).toMatchObject({ pending: 1, delivered: 1 });

    channel.close();
    channel.open();
    expect(channel.sentSeqs).toEqual([0, 1, 1]);
  });

  test('a refusal is counted, its reason kept, and its batch dropped', () => {
    make();
    channel.open();
    forwarder.push(reading(0));
    forwarder.push(reading(1));
    jest.advanceTimersByTime(EVERY); // seq 0
    forwarder.push(reading(2));
    jest.advanceTimersByTime(EVERY); // seq 1

    channel.receive({ type: 'refused', seq: 0, reason: 'bad values' });
    expect(forwarder.stats).toEqual({
      pending: 1,
      delivered: 0,
      refused: 1,
      lastRefusal: 'bad values'
    });

    // A refusal without a seq (e.g. an unreadable message) drops nothing.
    channel.receive({ type: 'refused', seq: null, reason: 'no such logger' });
    expect(forwarder.stats).toEqual({
      pending: 1,
      delivered: 0,
      refused: 2,
      lastRefusal: 'no such logger'
    });

    channel.close();
    channel.open();
    expect(channel.sentSeqs).toEqual([0, 1, 1]);
  });

  test('a hello (or any other message) changes no stats', () => {
    make();
    channel.open();
    forwarder.push(reading(0));
    jest.advanceTimersByTime(EVERY);
    const before = forwarder.stats;
    channel.receive({ type: 'hello', logger: 'class-7b' });
    expect(forwarder.stats).toEqual(before);
  });

  test('maxBatch sends a batch early', () => {
    make(3);
    channel.open();
    forwarder.push(reading(0));
    forwarder.push(reading(1));
    expect(channel.sent).toEqual([]);
    forwarder.push(reading(2));
    expect(channel.sent).toEqual([{ type: 'batch', seq: 0, readings: [reading(0), reading(1), reading(2)] }]);
    forwarder.push(reading(3));
    jest.advanceTimersByTime(EVERY);
    expect(channel.sent[1]).toEqual({
      type: 'batch',
      seq: 1,
      readings: [reading(3)]
    });
  });

  test('without maxBatch, many readings still go as one batch per tick', () => {
    make();
    channel.open();
    for (let n = 0; n < 1000; n++) {
      forwarder.push(reading(n));
    }
    expect(channel.sent).toEqual([]);
    jest.advanceTimersByTime(EVERY);
    expect(channel.sent).toHaveLength(1);
    expect(channel.sent[0].readings).toHaveLength(1000);
  });

  test('changing forwardEveryMs replaces the timer', () => {
    make();
    channel.open();
    expect(forwarder.forwardEveryMs).toBe(EVERY);
    expect(jest.getTimerCount()).toBe(1);

    forwarder.push(reading(0));
    jest.advanceTimersByTime(EVERY / 2);
    forwarder.forwardEveryMs = 5 * EVERY;
    expect(forwarder.forwardEveryMs).toBe(5 * EVERY);
    expect(jest.getTimerCount()).toBe(1);

    jest.advanceTimersByTime(5 * EVERY - 1);
    expect(channel.sent).toEqual([]);
    jest.advanceTimersByTime(1);
    expect(channel.sentSeqs).toEqual([0]);

    forwarder.forwardEveryMs = EVERY / 4;
    forwarder.push(reading(1));
    jest.advanceTimersByTime(EVERY / 4);
    expect(channel.sentSeqs).toEqual([0, 1]);
    expect(jest.getTimerCount()).toBe(1);
  });

  test('dispose stops the timer and disconnects from the channel', () => {
    make();
    channel.open();
    forwarder.push(reading(0));
    jest.advanceTimersByTime(EVERY); // seq 0, unacked
    const changed = jest.fn();
    forwarder.changed.connect(changed);
    forwarder.push(reading(1));

    forwarder.dispose();
    expect(jest.getTimerCount()).toBe(0);
    jest.advanceTimersByTime(10 * EVERY);
    channel.close();
    channel.open();
    channel.receive({ type: 'ack', seq: 0 });
    expect(channel.sentSeqs).toEqual([0]);
    expect(forwarder.stats).toMatchObject({ pending: 2, delivered: 0 });
    expect(changed).not.toHaveBeenCalled();
  });

  test('changed fires with the new stats on every change', () => {
    make();
    const seen: IForwarderStats[] = [];
    forwarder.changed.connect((sender, stats) => {
      expect(sender).toBe(forwarder);
      seen.push(stats);
    });

    forwarder.push(reading(0));
    forwarder.push(reading(1));
    jest.advanceTimersByTime(EVERY); // sealed while closed
    expect(seen).toEqual([{ pending: 2, delivered: 0, refused: 0, lastRefusal: '' }]);

    channel.open(); // resent
    expect(seen).toHaveLength(2);

    channel.receive({ type: 'ack', seq: 0 });
    expect(seen[seen.length - 1]).toEqual({
      pending: 0,
      delivered: 2,
      refused: 0,
      lastRefusal: ''
    });

    forwarder.push(reading(2));
    jest.advanceTimersByTime(EVERY);
    channel.receive({ type: 'refused', seq: 1, reason: 'nope' });
    expect(seen[seen.length - 1]).toEqual({
      pending: 0,
      delivered: 2,
      refused: 1,
      lastRefusal: 'nope'
    });
    // The emitted stats are copies: changing one does not change the forwarder.
    seen[seen.length - 1].pending = 42;
    expect(forwarder.stats.pending).toBe(0);
  });
});

/**
 * A kernel that stores each batch once (by seq, like the Python side) and acks when
 * told to; every resend of a seq must carry the same readings.
 */
class FakeKernel {
  readonly received = new Map<number, IBatchMessage>();
  readonly acked = new Set<number>();
  readonly conflicts: string[] = [];

  take(channel: FakeChannel, from: number): number {
    for (const batch of channel.sent.slice(from)) {
      const known = this.received.get(batch.seq);
      if (!known) {
        this.received.set(batch.seq, batch);
      } else if (JSON.stringify(known) !== JSON.stringify(batch)) {
        this.conflicts.push(`seq ${batch.seq} was sent with other readings`);
      }
    }
    return channel.sent.length;
  }
}

describe('Forwarder, randomized: nothing is lost or duplicated', () => {
  beforeEach(() => jest.useFakeTimers());
  afterEach(() => jest.useRealTimers());

  /** One random run; throws when a reading is lost, duplicated or reordered. */
  function run(seed: number): void {
    const random = randomGenerator(seed);
    const int = (n: number) => Math.floor(random() * n);
    const channel = new FakeChannel();
    const maxBatch = 1 + int(8);
    const forwarder = new Forwarder(channel, { forwardEveryMs: EVERY, maxBatch });
    const kernel = new FakeKernel();
    let seen = 0; // how many of channel.sent the kernel has read
    const pushed: IReading[] = [];
    let delivered = 0; // readings the kernel acked while the forwarder still held them

    const ack = (seq: number) => {
      if (!kernel.acked.has(seq)) {
        kernel.acked.add(seq);
        delivered += kernel.received.get(seq)!.readings.length;
      }
      channel.receive({ type: 'ack', seq });
    };

    try {
      if (random() < 0.5) {
        channel.open();
      }
      const steps = 50 + int(150);
      for (let step = 0; step < steps; step++) {
        const r = random();
        if (r < 0.4) {
          const n = 1 + int(4);
          for (let i = 0; i < n; i++) {
            const next = reading(pushed.length);
            pushed.push(next);
            forwarder.push(next);
          }
        } else if (r < 0.6) {
          jest.advanceTimersByTime(EVERY);
        } else if (r < 0.8) {
          // The kernel acks a random subset of what it has received (acks only
          // reach the browser on an open comm); some acks are repeats.
          seen = kernel.take(channel, seen);
          if (channel.isOpen) {
            for (const seq of kernel.received.keys()) {
              if (random() < 0.5) {
                ack(seq);
              }
            }
          }
        } else if (r < 0.9) {
          seen = kernel.take(channel, seen);
          channel.close();
        } else if (!channel.isOpen) {
          channel.open();
        }

        const { pending, delivered: counted } = forwarder.stats;
        if (counted !== delivered || pending !== pushed.length - delivered) {
          throw new Error(
            `after step ${step}: stats say ${pending} pending and ${counted} delivered, ` +
              `expected ${pushed.length - delivered} and ${delivered}`
          );
        }
      }

      // In the end the kernel is back: everything is sealed, resent and acked.
      channel.close();
      channel.open();
      jest.advanceTimersByTime(EVERY);
      seen = kernel.take(channel, seen);
      for (const seq of kernel.received.keys()) {
        ack(seq);
      }

      expect(kernel.conflicts).toEqual([]);
      expect(channel.sentWhileClosed).toEqual([]);
      const seqs = [...kernel.acked].sort((a, b) => a - b);
      expect(seqs).toEqual(seqs.map((_, i) => i)); // 0, 1, 2... without gaps
      const stored = seqs.flatMap(seq => kernel.received.get(seq)!.readings);
      expect(stored).toEqual(pushed);
      expect(forwarder.stats).toEqual({
        pending: 0,
        delivered: pushed.length,
        refused: 0,
        lastRefusal: ''
      });
      expect(channel.sent.every(b => b.readings.length <= maxBatch)).toBe(true);
    } finally {
      forwarder.dispose();
    }
  }

  test('300 random interleavings of push, tick, ack, close and reopen', () => {
    for (let seed = 1; seed <= 300; seed++) {
      try {
        run(seed);
      } catch (error) {
        throw new Error(`With seed ${seed}: ${(error as Error).message}`);
      }
    }
  });
});

describe('Forwarder with a store: unacked readings outlive the page', () => {
  /** Slow enough that the store is written (every second) between two batches. */
  const SLOW = 5 * EVERY;
  let channel: FakeChannel;
  let forwarders: Forwarder[];

  beforeEach(() => {
    jest.useFakeTimers();
    channel = new FakeChannel();
    forwarders = [];
  });

  afterEach(() => {
    forwarders.forEach(f => f.dispose());
    expect(channel.sentWhileClosed).toEqual([]);
    jest.useRealTimers();
  });

  function make(options: Partial<IForwarderOptions> & { store: IBatchStore }, on = channel): Forwarder {
    const forwarder = new Forwarder(on, { forwardEveryMs: EVERY, stream: 'me', ...options });
    forwarders.push(forwarder);
    return forwarder;
  }

  function held(stream: string, seq: number, ...ns: number[]): IHeldBatch {
    return { stream, seq, readings: ns.map(n => reading(n)) };
  }

  function batch(seq: number, ns: number[], stream?: string): IBatchMessage {
    const readings = ns.map(n => reading(n));
    return stream === undefined ? { type: 'batch', seq, readings } : { type: 'batch', seq, readings, stream };
  }

  test("a sealed batch is put under the forwarder's stream and removed when acked or refused", async () => {
    const store = new FakeBatchStore();
    const forwarder = make({ store });
    expect(forwarder.stream).toBe('me');
    forwarder.push(reading(0));
    forwarder.push(reading(1));
    jest.advanceTimersByTime(EVERY); // seq 0, sealed while closed
    expect(store.puts).toEqual([held('me', 0, 0, 1)]);
    channel.open();
    forwarder.push(reading(2));
    jest.advanceTimersByTime(EVERY); // seq 1
    expect(store.puts).toEqual([held('me', 0, 0, 1), held('me', 1, 2)]);
    expect(store.held).toEqual([held('me', 0, 0, 1), held('me', 1, 2)]);
    expect(store.removes).toEqual([]);

    channel.receive({ type: 'ack', seq: 0 });
    expect(store.removes).toEqual(['me/0']);
    expect(store.held).toEqual([held('me', 1, 2)]);
    // A repeated or unknown ack removes nothing more.
    channel.receive({ type: 'ack', seq: 0 });
    channel.receive({ type: 'ack', seq: 7 });
    expect(store.removes).toEqual(['me/0']);

    channel.receive({ type: 'refused', seq: 1, reason: 'bad values' });
    expect(store.removes).toEqual(['me/0', 'me/1']);
    expect(store.held).toEqual([]);
    await settle();
    expect(forwarder.stats).toEqual({ pending: 0, delivered: 2, refused: 1, lastRefusal: 'bad values' });
  });

  test('a batch sealed early (maxBatch) is put at once', () => {
    const store = new FakeBatchStore();
    const forwarder = make({ store, maxBatch: 2 });
    forwarder.push(reading(0));
    expect(store.puts).toEqual([]);
    forwarder.push(reading(1));
    expect(store.puts).toEqual([held('me', 0, 0, 1)]);
  });

  test('the readings not yet in a batch are written every second, as the batch they will become', () => {
    const store = new FakeBatchStore();
    const put = jest.spyOn(store, 'put');
    const forwarder = make({ store, forwardEveryMs: SLOW });
    channel.open();

    jest.advanceTimersByTime(2 * EVERY);
    expect(store.puts).toEqual([]); // nothing to keep

    forwarder.push(reading(0));
    jest.advanceTimersByTime(EVERY - 1);
    expect(store.puts).toEqual([]);
    jest.advanceTimersByTime(1); // t = 3 s
    expect(store.puts).toEqual([held('me', 0, 0)]);

    jest.advanceTimersByTime(EVERY); // t = 4 s: unchanged, not written again
    expect(store.puts).toHaveLength(1);

    forwarder.push(reading(1));
    forwarder.push(reading(2));
    expect(store.puts).toHaveLength(1);
    jest.advanceTimersByTime(EVERY); // t = 5 s: the batch is sealed, so nothing is held
    expect(channel.sent).toEqual([batch(0, [0, 1, 2])]);
    expect(store.puts).toEqual([held('me', 0, 0), held('me', 0, 0, 1, 2)]);
    expect(store.held).toEqual([held('me', 0, 0, 1, 2)]);

    forwarder.push(reading(3));
    jest.advanceTimersByTime(EVERY); // t = 6 s: held under the next seq
    expect(store.puts[2]).toEqual(held('me', 1, 3));
    forwarder.push(reading(4));
    jest.advanceTimersByTime(EVERY);
    expect(store.puts[3]).toEqual(held('me', 1, 3, 4));
    // The store was given a copy, not the buffer that kept growing.
    expect(put.mock.calls[2][0].readings).toEqual([reading(3)]);
    expect(store.held).toEqual([held('me', 0, 0, 1, 2), held('me', 1, 3, 4)]);

    // The held batch is replaced by the sealed one, same (stream, seq).
    jest.advanceTimersByTime(3 * EVERY); // t = 10 s
    expect(channel.sentSeqs).toEqual([0, 1]);
    expect(store.held).toEqual([held('me', 0, 0, 1, 2), held('me', 1, 3, 4)]);
    channel.receive({ type: 'ack', seq: 1 });
    channel.receive({ type: 'ack', seq: 0 });
    expect(store.held).toEqual([]);
    expect(forwarder.stats).toMatchObject({ pending: 0, delivered: 5 });
  });

  test('a batch sealed by maxBatch between two writes resets what was written', () => {
    const store = new FakeBatchStore();
    const forwarder = make({ store, forwardEveryMs: SLOW, maxBatch: 3 });
    forwarder.push(reading(0));
    forwarder.push(reading(1));
    jest.advanceTimersByTime(EVERY); // held: seq 0 with 0, 1
    forwarder.push(reading(2)); // sealed: seq 0 with 0, 1, 2
    forwarder.push(reading(3));
    forwarder.push(reading(4)); // as many as were held before, but other readings
    jest.advanceTimersByTime(EVERY);
    expect(store.puts).toEqual([held('me', 0, 0, 1), held('me', 0, 0, 1, 2), held('me', 1, 3, 4)]);
  });

  test('with a store there is a second timer, and dispose stops it', () => {
    const store = new FakeBatchStore();
    const forwarder = make({ store });
    expect(jest.getTimerCount()).toBe(2);
    forwarder.push(reading(0));
    forwarder.dispose();
    expect(jest.getTimerCount()).toBe(0);
    jest.advanceTimersByTime(10 * EVERY);
    expect(store.puts).toEqual([]);
  });

  describe('batches an earlier page left', () => {
    const leftovers = () => [held('old', 0, 100, 101), held('old', 1, 102), held('other', 5, 200)];

    test('are loaded once and counted as pending', async () => {
      const store = new FakeBatchStore(leftovers());
      const forwarder = make({ store });
      const changed = jest.fn();
      forwarder.changed.connect((_, stats) => changed(stats));
      expect(store.loads).toBe(1);
      await settle();
      expect(forwarder.stats).toEqual({ pending: 4, delivered: 0, refused: 0, lastRefusal: '' });
      expect(changed).toHaveBeenLastCalledWith(forwarder.stats);
      forwarder.push(reading(0));
      expect(forwarder.stats.pending).toBe(5);
      expect(store.loads).toBe(1);
    });

    test("of a page still open (its stream's Web Lock is held) are left to that page", async () => {
      const query = jest.fn(async () => ({ held: [{ name: 'sensorlab-stream-old', mode: 'exclusive' }], pending: [] }));
      const request = jest.fn(() => Promise.resolve());
      Object.defineProperty(navigator, 'locks', { value: { query, request }, configurable: true });
      try {
        const store = new FakeBatchStore(leftovers());
        const forwarder = make({ store, stream: 'mine' });
        await settle();
        expect(request).toHaveBeenCalledWith('sensorlab-stream-mine', expect.any(Function));
        expect(forwarder.stats.pending).toBe(1); // only the stream 'other', whose page is gone
        channel.open();
        expect(channel.sent).toStrictEqual([batch(5, [200], 'other')]);
      } finally {
        delete (navigator as any).locks;
      }
    });

    test('are sent when the channel opens, before the own unacked batches, with their stream', async () => {
      const store = new FakeBatchStore(leftovers());
      const forwarder = make({ store });
      await settle();
      forwarder.push(reading(0));
      jest.advanceTimersByTime(EVERY); // own seq 0, sealed while closed
      expect(channel.sent).toEqual([]);

      channel.open();
      const expected = [batch(0, [100, 101], 'old'), batch(1, [102], 'old'), batch(5, [200], 'other'), batch(0, [0])];
      expect(channel.sent).toStrictEqual(expected);
      expect('stream' in channel.sent[3]).toBe(false);

      // And again, in the same order, whenever it reopens.
      channel.close();
      channel.open();
      expect(channel.sent).toStrictEqual([...expected, ...expected]);
    });

    test('are sent at once when the channel is already open as they are loaded', async () => {
      const store = new FakeBatchStore(leftovers());
      channel.open();
      make({ store });
      expect(channel.sent).toEqual([]);
      await settle();
      expect(channel.sent).toStrictEqual([
        batch(0, [100, 101], 'old'),
        batch(1, [102], 'old'),
        batch(5, [200], 'other')
      ]);
    });

    test("nothing is sent when the store holds nothing, or only the forwarder's own stream", async () => {
      channel.open();
      const empty = make({ store: new FakeBatchStore() });
      await settle();
      expect(channel.sent).toEqual([]);
      empty.dispose();

      const store = new FakeBatchStore([held('me', 0, 100), held('me', 3, 101)]);
      const forwarder = make({ store });
      await settle();
      expect(channel.sent).toEqual([]);
      expect(forwarder.stats.pending).toBe(0);
      channel.close();
      channel.open();
      expect(channel.sent).toEqual([]);
    });

    test("of the forwarder's own stream are ignored", async () => {
      const store = new FakeBatchStore([held('me', 0, 100), held('old', 0, 200)]);
      const forwarder = make({ store });
      await settle();
      expect(forwarder.stats.pending).toBe(1);
      channel.open();
      expect(channel.sent).toStrictEqual([batch(0, [200], 'old')]);
      // An ack of seq 0 without a stream is for the forwarder's own (not yet existing) batch.
      channel.receive({ type: 'ack', seq: 0 });
      expect(forwarder.stats).toMatchObject({ pending: 1, delivered: 0 });
      expect(store.removes).toEqual([]);
    });

    test('one is settled by an ack naming its stream, not by an ack without a stream', async () => {
      const store = new FakeBatchStore([held('old', 0, 100, 101), held('old', 1, 102)]);
      const forwarder = make({ store });
      await settle();
      channel.open();
      forwarder.push(reading(0));
      jest.advanceTimersByTime(EVERY); // own seq 0
      expect(forwarder.stats).toMatchObject({ pending: 4, delivered: 0 });

      channel.receive({ type: 'ack', seq: 0 }); // own seq 0
      expect(forwarder.stats).toMatchObject({ pending: 3, delivered: 1 });
      expect(store.removes).toEqual(['me/0']);
      channel.receive({ type: 'ack', seq: 1 }); // no own seq 1: not old/1 either
      expect(forwarder.stats).toMatchObject({ pending: 3, delivered: 1 });
      expect(store.removes).toEqual(['me/0']);

      channel.receive({ type: 'ack', seq: 0, stream: 'old' });
      expect(forwarder.stats).toMatchObject({ pending: 1, delivered: 3 });
      expect(store.removes).toEqual(['me/0', 'old/0']);
      expect(store.held).toEqual([held('old', 1, 102)]);

      // Repeated, or of an unknown stream: harmless.
      channel.receive({ type: 'ack', seq: 0, stream: 'old' });
      channel.receive({ type: 'ack', seq: 1, stream: 'nobody' });
      expect(forwarder.stats).toMatchObject({ pending: 1, delivered: 3 });
      expect(store.removes).toEqual(['me/0', 'old/0']);

      // What is settled is not sent again.
      channel.close();
      channel.open();
      expect(channel.sent.slice(3)).toStrictEqual([batch(1, [102], 'old')]);

      channel.receive({ type: 'ack', seq: 1, stream: 'old' });
      expect(forwarder.stats).toEqual({ pending: 0, delivered: 4, refused: 0, lastRefusal: '' });
      expect(store.held).toEqual([]);
    });

    test('a refusal naming a stream drops that leftover', async () => {
      const store = new FakeBatchStore([held('old', 0, 100, 101), held('old', 1, 102)]);
      const forwarder = make({ store });
      await settle();
      channel.open();

      channel.receive({ type: 'refused', seq: 0, reason: 'bad values', stream: 'old' });
      expect(forwarder.stats).toEqual({ pending: 1, delivered: 0, refused: 1, lastRefusal: 'bad values' });
      expect(store.removes).toEqual(['old/0']);

      // Without a seq, or without the stream, it drops nothing.
      channel.receive({ type: 'refused', seq: null, reason: 'unreadable', stream: 'old' });
      channel.receive({ type: 'refused', seq: 1, reason: 'not ours' });
      expect(forwarder.stats).toEqual({ pending: 1, delivered: 0, refused: 3, lastRefusal: 'not ours' });
      expect(store.removes).toEqual(['old/0']);

      channel.close();
      channel.open();
      expect(channel.sent.slice(2)).toStrictEqual([batch(1, [102], 'old')]);
    });

    test('a forwarder disposed before they are loaded sends nothing', async () => {
      const store = new FakeBatchStore(leftovers());
      channel.open();
      const forwarder = make({ store });
      const changed = jest.fn();
      forwarder.changed.connect(changed);
      forwarder.dispose();
      await settle();
      expect(channel.sent).toEqual([]);
      expect(forwarder.stats.pending).toBe(0);
      expect(changed).not.toHaveBeenCalled();
      // They stay in the store for the next forwarder.
      expect(store.held).toHaveLength(3);
    });
  });

  test('a page reload: the next page sends every reading the first one had not delivered, once', async () => {
    const store = new FakeBatchStore();

    // Page A.
    const channelA = new FakeChannel();
    const a = make({ store, stream: 'a', forwardEveryMs: SLOW, maxBatch: 4 }, channelA);
    channelA.open();
    for (let n = 0; n < 6; n++) {
      a.push(reading(n)); // seq 0: 0-3 (maxBatch); 4, 5 held at t = 1 s
    }
    jest.advanceTimersByTime(SLOW); // seq 1: 4, 5
    channelA.receive({ type: 'ack', seq: 0 });
    channelA.close(); // the kernel is busy
    a.push(reading(6));
    a.push(reading(7));
    jest.advanceTimersByTime(SLOW); // seq 2: 6, 7, sealed while closed
    a.push(reading(8));
    a.push(reading(9));
    a.push(reading(10));
    jest.advanceTimersByTime(EVERY); // held as seq 3
    a.push(reading(11));
    jest.advanceTimersByTime(EVERY); // held again as seq 3, now with 11
    expect(channelA.sentSeqs).toEqual([0, 1]);
    expect(a.stats).toMatchObject({ pending: 8, delivered: 4 });
    // The page goes away: no more acks, nothing flushed.
    a.dispose();
    expect(channelA.sentWhileClosed).toEqual([]);

    // Page B, with a stream of its own, on the same store.
    const b = make({ store, stream: 'b', forwardEveryMs: SLOW });
    await settle();
    expect(b.stats).toMatchObject({ pending: 8, delivered: 0 });
    channel.open();
    expect(channel.sent.every(sent => sent.stream === 'a')).toBe(true);
    expect(channel.sentSeqs).toEqual([1, 2, 3]);
    const resent = channel.sent.flatMap(sent => sent.readings);
    expect(resent).toEqual([4, 5, 6, 7, 8, 9, 10, 11].map(n => reading(n)));
    // With what the kernel acked to A: every reading A received, once.
    const delivered = channelA.sent.filter(sent => sent.seq === 0).flatMap(sent => sent.readings);
    expect([...delivered, ...resent]).toEqual([...Array(12).keys()].map(n => reading(n)));
    // A batch A already sent goes again with the same readings (the kernel keeps the first).
    expect(channel.sent[0]).toEqual({ ...channelA.sent[1], stream: 'a' });

    // B's own readings come after, under its own stream.
    b.push(reading(12));
    jest.advanceTimersByTime(SLOW);
    expect(channel.sent[3]).toStrictEqual(batch(0, [12]));
    expect(store.held.map(h => `${h.stream}/${h.seq}`)).toEqual(['a/1', 'a/2', 'a/3', 'b/0']);

    for (const seq of [1, 2, 3]) {
      channel.receive({ type: 'ack', seq, stream: 'a' });
    }
    channel.receive({ type: 'ack', seq: 0 });
    expect(b.stats).toEqual({ pending: 0, delivered: 9, refused: 0, lastRefusal: '' });
    expect(store.held).toEqual([]);

    // A third page finds nothing left.
    const channelC = new FakeChannel();
    const c = make({ store, stream: 'c' }, channelC);
    channelC.open();
    await settle();
    expect(channelC.sent).toEqual([]);
    expect(c.stats.pending).toBe(0);
  });
});

describe('Forwarder with a store, randomized: page reloads lose and duplicate nothing', () => {
  beforeEach(() => jest.useFakeTimers());
  afterEach(() => jest.useRealTimers());

  /**
   * A kernel that stores each batch once by (stream, seq), the stream being the one
   * the batch names or else its comm's, and acks each batch it reads on that comm,
   * naming the stream when the batch did. Acks not yet delivered die with the comm.
   */
  class ReloadingKernel {
    readonly stored = new Map<string, IReading[]>();
    readonly conflicts: string[] = [];
    queued: KernelMessage[] = [];
    seen = 0;

    take(channel: FakeChannel, stream: string): void {
      for (const sent of channel.sent.slice(this.seen)) {
        const key = `${sent.stream ?? stream}/${sent.seq}`;
        const known = this.stored.get(key);
        if (!known) {
          this.stored.set(key, sent.readings);
        } else if (JSON.stringify(known) !== JSON.stringify(sent.readings)) {
          this.conflicts.push(`${key} was sent with other readings`);
        }
        this.queued.push(
          sent.stream === undefined
            ? { type: 'ack', seq: sent.seq }
            : { type: 'ack', seq: sent.seq, stream: sent.stream }
        );
      }
      this.seen = channel.sent.length;
    }
  }

  async function run(seed: number): Promise<void> {
    const random = randomGenerator(seed);
    const int = (n: number) => Math.floor(random() * n);
    const store = new FakeBatchStore();
    const kernel = new ReloadingKernel();
    const pushed: IReading[] = [];
    let page = 0;
    let channel = new FakeChannel();
    const options = { forwardEveryMs: (2 + int(4)) * 1000, maxBatch: 1 + int(8), store };
    let forwarder = new Forwarder(channel, { ...options, stream: 'p0' });
    let heldSincePush = true; // the hold (every second) has run since the last push

    try {
      const steps = 50 + int(150);
      for (let step = 0; step < steps; step++) {
        const r = random();
        if (r < 0.35) {
          for (let i = 1 + int(3); i > 0; i--) {
            const next = reading(pushed.length);
            pushed.push(next);
            forwarder.push(next);
          }
          heldSincePush = false;
        } else if (r < 0.55) {
          jest.advanceTimersByTime(1000);
          heldSincePush = true;
        } else if (r < 0.7) {
          kernel.take(channel, forwarder.stream);
          if (channel.isOpen) {
            const later: KernelMessage[] = [];
            for (const ack of kernel.queued) {
              if (random() < 0.5) {
                channel.receive(ack);
              } else {
                later.push(ack);
              }
            }
            kernel.queued = later;
          }
        } else if (r < 0.8) {
          kernel.take(channel, forwarder.stream);
          kernel.queued = [];
          channel.close();
        } else if (r < 0.9) {
          if (!channel.isOpen) {
            channel.open();
          }
        } else if (heldSincePush) {
          // The page reloads: the kernel reads what it was sent, its acks are lost.
          kernel.take(channel, forwarder.stream);
          kernel.queued = [];
          kernel.seen = 0;
          expect(channel.sentWhileClosed).toEqual([]);
          forwarder.dispose();
          page++;
          channel = new FakeChannel();
          if (random() < 0.5) {
            channel.open(); // the kernel says hello before the store is read
          }
          forwarder = new Forwarder(channel, { ...options, stream: `p${page}` });
          await settle();
        }
      }

      // In the end the kernel is back: everything is sealed, resent and acked.
      channel.close();
      kernel.queued = [];
      channel.open();
      jest.advanceTimersByTime(options.forwardEveryMs);
      kernel.take(channel, forwarder.stream);
      kernel.queued.forEach(ack => channel.receive(ack));

      expect(kernel.conflicts).toEqual([]);
      expect(channel.sentWhileClosed).toEqual([]);
      const stored = [...kernel.stored.values()].flat();
      stored.sort((x, y) => x.time - y.time);
      expect(stored).toEqual(pushed);
      expect(store.held).toEqual([]);
      expect(forwarder.stats.pending).toBe(0);
    } finally {
      forwarder.dispose();
    }
  }

  test('200 random interleavings of push, tick, ack, close, reopen and reload', async () => {
    for (let seed = 1; seed <= 200; seed++) {
      try {
        await run(seed);
      } catch (error) {
        throw new Error(`With seed ${seed}: ${(error as Error).message}`);
      }
    }
  });
});
