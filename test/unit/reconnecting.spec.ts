// The reconnect life-cycle alone, with a fake device: pace, one try at a time, Disconnect wins.
import { ReconnectingSource } from '../../src/sources/reconnecting';

/** A device that answers a reconnect when `answers` is true; each try is timed. */
class FakeDeviceSource extends ReconnectingSource {
  readonly transport = 'serial' as const;
  readonly units = {};
  answers = false;
  tries: number[] = [];
  gate: Promise<void> | null = null;

  constructor() {
    super('fake', 'fake device', { firstMs: 100, maxMs: 400 });
  }

  async start(): Promise<void> {
    this.begin();
    this.setState('connected', '');
  }

  async stop(): Promise<void> {
    this.end();
    this.setState('stopped', '');
  }

  async send(): Promise<void> {
    return undefined;
  }

  unplug(): void {
    this.lost('gone');
  }

  plugEvent(): void {
    this.lookNow();
  }

  protected async reconnect(): Promise<boolean> {
    this.tries.push(Date.now());
    const session = this.session;
    await this.gate;
    if (!this.answers || !this.isCurrent(session)) {
      return false;
    }
    this.reconnected();
    this.setState('connected', '');
    return true;
  }
}

describe('ReconnectingSource', () => {
  beforeEach(() => {
    jest.useFakeTimers({ doNotFake: ['queueMicrotask', 'nextTick'] });
    jest.spyOn(console, 'debug').mockImplementation(() => undefined);
  });
  afterEach(() => {
    jest.useRealTimers();
    jest.restoreAllMocks();
  });

  test('a lost device is tried after 100, 200, 400, 400 ms, and the pace starts afresh after it answers', async () => {
    const source = new FakeDeviceSource();
    await source.start();
    const lostAt = Date.now();
    source.unplug();
    expect(source.state).toBe('waiting');
    await jest.advanceTimersByTimeAsync(1100);
    expect(source.tries.map(t => t - lostAt)).toEqual([100, 300, 700, 1100]);
    source.answers = true;
    await jest.advanceTimersByTimeAsync(400);
    expect(source.state).toBe('connected');
    source.answers = false;
    source.tries = [];
    const again = Date.now();
    source.unplug();
    await jest.advanceTimersByTimeAsync(100);
    expect(source.tries.map(t => t - again)).toEqual([100]);
    source.dispose();
    expect(jest.getTimerCount()).toBe(0);
  });

  test('one try at a time: a plug-in event during a try does not start another', async () => {
    const source = new FakeDeviceSource();
    await source.start();
    let answer: () => void = () => undefined;
    source.gate = new Promise(resolve => (answer = resolve));
    source.unplug();
    source.plugEvent();
    source.plugEvent();
    expect(source.tries.length).toBe(1);
    answer();
    await jest.advanceTimersByTimeAsync(0);
    source.dispose();
  });

  test('stop() wins over a try in flight, and nothing is tried after it', async () => {
    const source = new FakeDeviceSource();
    await source.start();
    let answer: () => void = () => undefined;
    source.gate = new Promise(resolve => (answer = resolve));
    source.answers = true;
    source.unplug();
    source.plugEvent();
    await source.stop();
    answer();
    await jest.advanceTimersByTimeAsync(5000);
    expect(source.state).toBe('stopped');
    expect(source.tries.length).toBe(1);
    expect(jest.getTimerCount()).toBe(0);
  });

  test('a device lost after Disconnect is not looked for', async () => {
    const source = new FakeDeviceSource();
    await source.start();
    await source.stop();
    source.unplug();
    await jest.advanceTimersByTimeAsync(1000);
    expect(source.state).toBe('stopped');
    expect(source.tries).toEqual([]);
  });
});
