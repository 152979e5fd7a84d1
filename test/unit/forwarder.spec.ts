// The forwarder: batches, sequence numbers, acks, resends and back-pressure, with a fake comm.
import { Forwarder, IForwarderStats } from '../../src/forwarder';
import { FakeChannel, reading } from './fakes';

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
