// The forwarder with a batch store: unacked readings outlive the page.
import type { IBatchStore, IHeldBatch } from '../../src/batchstore';
import { Forwarder, IForwarderOptions } from '../../src/forwarder';
import type { IBatchMessage } from '../../src/protocol';
import { FakeBatchStore, FakeChannel, reading, settle } from './fakes';

const EVERY = 1000;

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
