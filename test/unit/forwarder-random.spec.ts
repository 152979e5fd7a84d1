// The forwarder under random runs (and page reloads): nothing lost, duplicated or reordered.
import { Forwarder } from '../../src/forwarder';
import type { IBatchMessage, KernelMessage } from '../../src/protocol';
import type { IReading } from '../../src/sources/types';
import { FakeBatchStore, FakeChannel, randomGenerator, reading, settle } from './fakes';

const EVERY = 1000;

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
