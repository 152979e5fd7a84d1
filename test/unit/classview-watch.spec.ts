// The sidebar's own reads of a class sheet: the period, the back-off on 429, failures, states between reads.
import { SheetReadError, TooManyReadsError } from '../../src/readback';
import { backOff, ClassWatch, MAX_BACKOFF_MS, RECOMPUTE_MS } from '../../src/classview/watch';

const T0 = Date.UTC(2026, 2, 10, 10, 0, 0);
const HEADER = 'time,group,temperature,humidity,every (min),time zone,row id\n';

/** group 1 posts every 5 min, group 2 every 2 min; both posted a minute before T0. */
const SHEET =
  HEADER +
  '2026-03-10 09:59:00,group 1,21.5,40,5,UTC+00:00,a-1\n' +
  '2026-03-10 09:59:00,group 2,19.0,,2,UTC+00:00,b-1\n';

describe('watching a class sheet', () => {
  let answers: Array<string | Error>;
  let reads: string[];
  let watch: ClassWatch;

  /** Each read of the class sheet takes the next answer (the last one stays); its continuations are missing. */
  const read = async (name: string) => {
    reads.push(name);
    if (name !== 'class-7b') {
      return null;
    }
    const answer = answers.length > 1 ? answers.shift()! : answers[0];
    if (answer instanceof Error) {
      throw answer;
    }
    return answer;
  };
  const classReads = () => reads.filter(name => name === 'class-7b').length;

  beforeEach(() => {
    jest.useFakeTimers({ now: T0 });
    reads = [];
    answers = [SHEET];
  });

  afterEach(() => {
    watch.dispose();
    jest.useRealTimers();
  });

  test('reads at once, then every period: the chosen refresh, never shorter than the loggers on time post', async () => {
    watch = new ClassWatch('http://127.0.0.1:8000/class-7b', 60_000, read);
    const changed = jest.fn();
    watch.changed.connect(changed);
    await jest.advanceTimersByTimeAsync(0);
    expect(classReads()).toBe(1);
    expect(changed).toHaveBeenCalled();
    const view = watch.view;
    expect(view.lines.map(line => [line.label, line.state])).toEqual([
      ['group 1', 'on time'],
      ['group 2', 'on time']
    ]);
    expect(view.channels).toEqual(['humidity', 'temperature']);
    expect(view.channel).toBe('temperature');
    expect(view.read_at).toBe(T0);
    // group 2 posts every 2 min: reading every minute would only find the same rows.
    expect(view.next_read).toBe(T0 + 120_000);
    expect(view.problem).toBe('');
    await jest.advanceTimersByTimeAsync(119_000);
    expect(classReads()).toBe(1);
    await jest.advanceTimersByTimeAsync(1_000);
    expect(classReads()).toBe(2);
  });

  test('between reads the states are worked out again every 10 s, without reading', async () => {
    watch = new ClassWatch('http://127.0.0.1:8000/class-7b', 3_600_000, read);
    await jest.advanceTimersByTimeAsync(0);
    const changed = jest.fn();
    watch.changed.connect(changed);
    // group 2's last row (09:59, every 2 min) is late after 10:03, silent after 10:11.
    await jest.advanceTimersByTimeAsync(4 * 60_000);
    expect(changed).toHaveBeenCalledTimes((4 * 60_000) / RECOMPUTE_MS);
    expect(watch.view.lines.map(line => [line.label, line.state])).toEqual([
      ['group 2', 'late'],
      ['group 1', 'on time']
    ]);
    await jest.advanceTimersByTimeAsync(8 * 60_000);
    expect(watch.view.lines[0].state).toBe('silent');
    expect(classReads()).toBe(1);
  });

  test('a 429 with Retry-After: waits what it says, says so, and reads at the usual pace once answered', async () => {
    answers = [SHEET, new TooManyReadsError('429', 300), SHEET];
    watch = new ClassWatch('http://127.0.0.1:8000/class-7b', 60_000, read);
    await jest.advanceTimersByTimeAsync(120_000);
    expect(classReads()).toBe(2);
    expect(watch.view.problem).toMatch(/^The sheet server is busy and asked for fewer reads/);
    expect(watch.view.next_read).toBe(T0 + 120_000 + 300_000);
    // The last lines stay.
    expect(watch.view.lines).toHaveLength(2);
    await jest.advanceTimersByTimeAsync(299_000);
    expect(classReads()).toBe(2);
    await jest.advanceTimersByTimeAsync(1_000);
    expect(classReads()).toBe(3);
    expect(watch.view.problem).toBe('');
    // group 2 is late by now: group 1's 5 minutes set the pace.
    expect(watch.view.next_read).toBe(T0 + 420_000 + 300_000);
  });

  test('a 429 without Retry-After: twice the wait each time, at most 10 minutes', async () => {
    answers = [new TooManyReadsError('429', null)];
    watch = new ClassWatch('http://127.0.0.1:8000/class-7b', 60_000, read);
    const waits: number[] = [];
    for (let n = 0; n < 6; n++) {
      await jest.advanceTimersByTimeAsync(waits.reduce((a, b) => a + b, 0) - (Date.now() - T0));
      waits.push(watch.view.next_read! - Date.now());
    }
    expect(waits).toEqual([120_000, 240_000, 480_000, 600_000, 600_000, 600_000]);
    expect(classReads()).toBe(6);
  });

  test('another failure: says what happened, keeps the last lines, tries again next period', async () => {
    answers = [SHEET, new SheetReadError('server-error', 'The sheet server answered 500 Internal Server Error.')];
    watch = new ClassWatch('http://127.0.0.1:8000/class-7b', 60_000, read);
    await jest.advanceTimersByTimeAsync(120_000);
    expect(watch.view.problem).toBe(
      'The class sheet could not be read: The sheet server answered 500 Internal Server Error. What you see is from the last read; the next read tries again.'
    );
    expect(watch.view.lines).toHaveLength(2);
    expect(watch.view.read_at).toBe(T0);
    expect(watch.view.next_read).toBe(T0 + 240_000);
  });

  test('the channel chosen: its series; a channel the class does not have gives the first', async () => {
    watch = new ClassWatch('http://127.0.0.1:8000/class-7b', 60_000, read);
    await jest.advanceTimersByTimeAsync(0);
    watch.channel = 'humidity';
    expect(watch.view.channel).toBe('humidity');
    expect(watch.view.series).toEqual([
      { label: 'group 1', device: '', times: [T0 - 60_000], values: [40] },
      { label: 'group 2', device: '', times: [], values: [] }
    ]);
    watch.channel = 'lasers';
    expect(watch.view.channel).toBe('temperature');
  });

  test('disposed: no more reads', async () => {
    watch = new ClassWatch('http://127.0.0.1:8000/class-7b', 60_000, read);
    await jest.advanceTimersByTimeAsync(0);
    watch.dispose();
    await jest.advanceTimersByTimeAsync(3_600_000);
    expect(classReads()).toBe(1);
    expect(jest.getTimerCount()).toBe(0);
  });
});

describe('backOff', () => {
  test.each([
    [60_000, 60_000, 120, 120_000],
    [60_000, 60_000, 5, 60_000],
    [60_000, 60_000, null, 120_000],
    [480_000, 60_000, null, MAX_BACKOFF_MS],
    [60_000, 900_000, null, 900_000]
  ])('after a wait of %p ms, with a period of %p ms and Retry-After %p s: %p ms', (last, period, retry, wait) => {
    expect(backOff(last, period, retry)).toBe(wait);
  });
});
