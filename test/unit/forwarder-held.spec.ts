// The forwarder holds at most `maxHeld` readings for the kernel: the oldest beyond are dropped and counted, and store problems are said.
import { Signal } from '@lumino/signaling';
import type { IBatchStore } from '../../src/batchstore';
import { Forwarder } from '../../src/forwarder';
import { troubleNotices } from '../../src/ui/status';
import { FakeBatchStore, FakeChannel, reading, settle } from './fakes';

const EVERY = 1000;

describe('Forwarder: held readings are capped', () => {
  const channel = new FakeChannel();
  let forwarder: Forwarder;

  /** A forwarder on a closed channel (no Logger answers yet), over `store`. */
  function make(store: IBatchStore, maxHeld?: number): void {
    channel.close();
    channel.sent.length = 0;
    forwarder = new Forwarder(channel, { forwardEveryMs: EVERY, stream: 'me', store, maxHeld });
  }

  beforeAll(() => jest.useFakeTimers());
  afterAll(() => jest.useRealTimers());
  afterEach(() => {
    forwarder.dispose();
    expect(channel.sentWhileClosed).toEqual([]);
  });

  /** Readings `ns`, sealed into the next batch. */
  function sealed(...ns: number[]): void {
    ns.forEach(n => forwarder.push(reading(n)));
    jest.advanceTimersByTime(EVERY);
  }

  test('while no Logger answers, the oldest batches beyond the cap are dropped, from the store too', () => {
    const store = new FakeBatchStore();
    make(store, 5);
    sealed(0, 1);
    sealed(2, 3);
    sealed(4);
    expect(forwarder.trouble.dropped).toBe(0);
    sealed(5, 6); // 7 held: seq 0 goes
    expect(forwarder.stats.pending).toBe(5);
    expect(forwarder.trouble).toMatchObject({ dropped: 2, maxHeld: 5 });
    expect(store.removes).toEqual(['me/0']);
    for (let n = 7; n < 1000; n++) {
      sealed(n);
    }
    expect(forwarder.stats.pending).toBe(5);
    expect(forwarder.trouble.dropped).toBe(995);
    expect(store.held.map(b => b.seq)).toEqual([992, 993, 994, 995, 996]);

    channel.open(); // a Logger at last: the newest five go
    expect(channel.sent.flatMap(b => b.readings)).toEqual([995, 996, 997, 998, 999].map(n => reading(n)));
    expect(troubleNotices(forwarder.trouble, Date.now())).toEqual([
      'The browser dropped the 995 oldest readings on their way: no Logger in the notebook took them, ' +
        'and it keeps at most 5. Run the cell that creates the Logger.'
    ]);
  });

  test("an earlier page's batches are older: they go first", async () => {
    const store = new FakeBatchStore([
      { stream: 'old', seq: 0, readings: [reading(0), reading(1)] },
      { stream: 'old', seq: 1, readings: [reading(2)] }
    ]);
    make(store, 3);
    await settle();
    expect(forwarder.stats.pending).toBe(3);
    sealed(3, 4);
    expect(forwarder.trouble.dropped).toBe(2);
    expect(store.held).toEqual([
      { stream: 'me', seq: 0, readings: [reading(3), reading(4)] },
      { stream: 'old', seq: 1, readings: [reading(2)] }
    ]);
  });

  test('more leftovers than the cap: only the newest are kept', async () => {
    const leftovers = [0, 1, 2, 3].map(seq => ({ stream: 'old', seq, readings: [reading(seq)] }));
    const store = new FakeBatchStore(leftovers);
    make(store, 2);
    await settle();
    expect(forwarder.trouble.dropped).toBe(2);
    expect(store.held.map(b => b.seq)).toEqual([2, 3]);
  });

  test("the store's problems reach the status in words, and go when it works again", () => {
    const problemChanged = new Signal<IBatchStore, string>({} as IBatchStore);
    const store = Object.assign(new FakeBatchStore(), { problemChanged });
    make(store);
    const seen: number[] = [];
    forwarder.changed.connect(() => seen.push(1));
    problemChanged.emit('The browser cannot keep the readings on their way across a reload (…)');
    expect(seen).toHaveLength(1);
    expect(troubleNotices(forwarder.trouble, Date.now())).toEqual([
      'The browser cannot keep the readings on their way across a reload (…)'
    ]);
    problemChanged.emit('');
    expect(troubleNotices(forwarder.trouble, Date.now())).toEqual([]);
  });
});
