// The forwarder resends a batch the kernel could not store (not_stored) after a pause, while the page stays open.
import { Forwarder } from '../../src/forwarder';
import { statusParts, troubleNotices } from '../../src/ui/status';
import { FakeBatchStore, FakeChannel, reading, settle } from './fakes';
import { protocolFixture } from './fixtures';

const EVERY = 1000;

describe('Forwarder: a batch the kernel could not store', () => {
  let channel: FakeChannel;
  let forwarder: Forwarder;

  beforeEach(() => {
    jest.useFakeTimers();
    channel = new FakeChannel();
    forwarder = new Forwarder(channel, { forwardEveryMs: EVERY });
    channel.open();
  });

  afterEach(() => {
    forwarder.dispose();
    expect(channel.sentWhileClosed).toEqual([]);
    jest.useRealTimers();
  });

  /** Seal readings `ns` into the next batch and send it. */
  function send(...ns: number[]): void {
    ns.forEach(n => forwarder.push(reading(n)));
    jest.advanceTimersByTime(EVERY);
  }

  test('is sent again after a pause that doubles while it keeps failing, without the comm reopening', () => {
    send(0, 1);
    const notStored = protocolFixture<{ type: 'not_stored'; seq: number; reason: string }>('not_stored.json');
    channel.receive({ ...notStored, seq: 0 });
    expect(forwarder.trouble).toMatchObject({ resendAt: Date.now() + 1000, notStored: 'database is locked' });
    jest.advanceTimersByTime(999);
    expect(channel.sentSeqs).toEqual([0]);
    jest.advanceTimersByTime(1);
    expect(channel.sentSeqs).toEqual([0, 0]);
    expect(forwarder.trouble.resendAt).toBeNull();

    channel.receive({ ...notStored, seq: 0 }); // still locked: wait 2 s now
    expect(forwarder.trouble.resendAt).toBe(Date.now() + 2000);
    jest.advanceTimersByTime(1999);
    expect(channel.sentSeqs).toEqual([0, 0]);
    jest.advanceTimersByTime(1);
    expect(channel.sentSeqs).toEqual([0, 0, 0]);

    channel.receive({ type: 'ack', seq: 0 });
    expect(forwarder.stats).toMatchObject({ pending: 0, delivered: 2, refused: 0 });
    // Stored at last: the next failure waits the shortest pause again.
    send(2);
    channel.receive({ ...notStored, seq: 1 });
    expect(forwarder.trouble.resendAt).toBe(Date.now() + 1000);
    channel.receive({ type: 'ack', seq: 1 }); // acked (another page resent it) before the timer
    jest.advanceTimersByTime(1000);
    expect(channel.sentSeqs).toEqual([0, 0, 0, 1]);
  });

  test('several batches not stored go again together, in order, and only those', () => {
    send(0);
    send(1);
    send(2);
    channel.receive({ type: 'not_stored', seq: 2, reason: 'disk full' });
    channel.receive({ type: 'ack', seq: 1 });
    channel.receive({ type: 'not_stored', seq: 0, reason: 'disk full' });
    jest.advanceTimersByTime(1000);
    expect(channel.sentSeqs).toEqual([0, 1, 2, 2, 0]);
  });

  test('a not_stored for a batch already acked, or unknown, changes nothing', () => {
    send(0);
    channel.receive({ type: 'ack', seq: 0 });
    channel.receive({ type: 'not_stored', seq: 0, reason: 'late' });
    channel.receive({ type: 'not_stored', seq: 9, reason: 'unknown' });
    expect(forwarder.trouble.resendAt).toBeNull();
    jest.advanceTimersByTime(60_000);
    expect(channel.sentSeqs).toEqual([0]);
  });

  test('while the comm is closed nothing is sent; when it reopens everything goes once', () => {
    send(0);
    channel.receive({ type: 'not_stored', seq: 0, reason: 'database is locked' });
    channel.close();
    jest.advanceTimersByTime(1000);
    expect(channel.sentSeqs).toEqual([0]);
    channel.open();
    expect(channel.sentSeqs).toEqual([0, 0]);
    expect(forwarder.trouble.resendAt).toBeNull();
  });

  test('a batch an earlier page left goes again under its stream', async () => {
    forwarder.dispose();
    const store = new FakeBatchStore([{ stream: 'old', seq: 4, readings: [reading(7)] }]);
    forwarder = new Forwarder(channel, { forwardEveryMs: EVERY, stream: 'me', store });
    await settle();
    expect(channel.sent).toEqual([{ type: 'batch', seq: 4, readings: [reading(7)], stream: 'old' }]);
    channel.receive({ type: 'not_stored', seq: 4, reason: 'database is locked', stream: 'old' });
    jest.advanceTimersByTime(1000);
    expect(channel.sent).toHaveLength(2);
    expect(channel.sent[1]).toEqual(channel.sent[0]);
  });

  test('the status says so in words, counting down', () => {
    send(0);
    channel.receive({ type: 'not_stored', seq: 0, reason: 'database is locked' });
    jest.advanceTimersByTime(0);
    const words = troubleNotices(forwarder.trouble, Date.now() - 3000);
    expect(words).toEqual(['The notebook could not store the last readings (database is locked); trying again in 4 s']);
    const quiet = { pending: 0, delivered: 0, refused: 0, lastRefusal: '' };
    expect(statusParts({}, quiet, '', words)[0]).toBe(words[0]);
    expect(troubleNotices({ ...forwarder.trouble, resendAt: null }, Date.now())).toEqual([]);
  });
});
