/** The readings comm the page opens: an open the kernel never answers is sent again. */
import { ReadingsChannel } from '../../src/comm';
import { FakeKernel } from './fakes';

describe('the readings channel', () => {
  let kernel: FakeKernel;
  let channel: ReadingsChannel;

  beforeEach(() => {
    jest.useFakeTimers();
    kernel = new FakeKernel();
    channel = new ReadingsChannel(kernel as never, 'class-7b', 'stream-1');
  });

  afterEach(() => {
    channel.dispose();
    jest.useRealTimers();
  });

  const hello = (comm: any) => comm.onMsg({ content: { data: { type: 'hello', logger: 'class-7b' } } });

  test('an open left unanswered while the kernel is idle is closed and sent again (JupyterLite drops it)', () => {
    const [lost] = kernel.comms;
    kernel.setStatus('idle');
    jest.advanceTimersByTime(2_999);
    expect(kernel.comms).toHaveLength(1);
    jest.advanceTimersByTime(1);
    expect(lost.isDisposed).toBe(true);
    expect(kernel.comms).toHaveLength(2);
    hello(kernel.comms[1]);
    expect(channel.isOpen).toBe(true);
  });

  test('an open the kernel answered is kept', () => {
    hello(kernel.comms[0]);
    kernel.setStatus('idle');
    jest.advanceTimersByTime(10_000);
    expect(kernel.comms).toHaveLength(1);
    expect(channel.isOpen).toBe(true);
  });

  test('an open waits for a busy kernel, however long its cell runs', () => {
    kernel.setStatus('idle');
    kernel.setStatus('busy'); // a cell runs: the kernel answers when it ends
    jest.advanceTimersByTime(60_000);
    expect(kernel.comms).toHaveLength(1);
    hello(kernel.comms[0]);
    expect(channel.isOpen).toBe(true);
  });
});
