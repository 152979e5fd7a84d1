// The class view's model: the shared fixtures (the kernel's tests read the same), reading continuations and
// device sheets with the full ones kept, times and numbers as written, the refresh period, the HTTP reader.
import axios from 'axios';
import { readdirSync, readFileSync } from 'fs';
import { join } from 'path';
import {
  ClassData,
  ClassReader,
  IClassLine,
  IClassRow,
  naturalCompare,
  numberCell,
  refreshPeriod,
  rowInstant
} from '../../src/classview/model';
import { SheetReadError, sheetReader, TooManyReadsError } from '../../src/readback';

jest.mock('axios');
const get = axios.get as jest.MockedFunction<typeof axios.get>;

/** A fixture of test/fixtures/classview (the format is in the spec). */
interface IFixture {
  description: string;
  now: string;
  local_zone: string;
  sheets: Record<string, string>;
  class_sheet: string;
  expect: {
    lines: Array<Omit<IClassLine, 'last_row' | 'values_at'> & { last_row: string; values_at: string | null }>;
    channels: string[];
    channel: string;
    sheets_read: string[];
  };
}

const FIXTURES = join(__dirname, '..', 'fixtures', 'classview');
const NAMES = readdirSync(FIXTURES)
  .filter(name => name.endsWith('.json'))
  .sort();

/** An instant as the fixtures write it: `2026-03-10T08:15:00Z`. */
function isoUtc(time: number | null): string | null {
  return time === null ? null : new Date(time).toISOString().replace('.000Z', 'Z');
}

/** A reader of `sheets` by name (a name it does not have is a missing sheet) that counts its reads. */
function fakeReader(sheets: Record<string, string>) {
  const reads: string[] = [];
  const read = async (name: string) => {
    reads.push(name);
    return Object.prototype.hasOwnProperty.call(sheets, name) ? sheets[name] : null;
  };
  return { read, reads };
}

describe('the shared fixtures', () => {
  test('there are at least five', () => {
    expect(NAMES.length).toBeGreaterThanOrEqual(5);
  });

  test.each(NAMES)('%s', async name => {
    const fixture = JSON.parse(readFileSync(join(FIXTURES, name), 'utf-8')) as IFixture;
    const data = await new ClassReader(fakeReader(fixture.sheets).read, fixture.local_zone).read(fixture.class_sheet);
    const lines = data.lines(Date.parse(fixture.now)).map(line => ({
      ...line,
      last_row: isoUtc(line.last_row),
      values_at: isoUtc(line.values_at)
    }));
    expect({
      lines,
      channels: data.channels,
      channel: data.channel,
      sheets_read: data.sheetsRead
    }).toEqual(fixture.expect);
  });
});

const HEADER = 'time,group,temperature,every (min),time zone,sheet,row id\n';

/** A row of HEADER's columns for group 1 at 10:mm UTC. */
function row(minute: number, id: string): string {
  return `2026-03-10 10:${String(minute).padStart(2, '0')}:00,group 1,20,5,UTC+00:00,,${id}\n`;
}

describe('reading a class', () => {
  test('a full part is read once; the last part and the probe of the next are read at every refresh', async () => {
    const sheets: Record<string, string> = {
      'class-7b': HEADER + row(0, 'a-1') + '2026-03-10 10:01:00,group 2,,,UTC+00:00,device-1,b-p\n',
      'class-7b-2': HEADER + row(5, 'a-2'),
      'device-1': HEADER + row(10, 'a-3'),
      'device-1-2': HEADER + row(15, 'a-4')
    };
    const { read, reads } = fakeReader(sheets);
    const reader = new ClassReader(read, 'UTC');
    const first = await reader.read('class-7b');
    expect(reads).toEqual(['class-7b', 'class-7b-2', 'class-7b-3', 'device-1', 'device-1-2', 'device-1-3']);
    expect(first.rows).toHaveLength(4);

    reads.length = 0;
    sheets['class-7b-3'] = HEADER + row(20, 'a-5');
    const second = await reader.read('class-7b');
    // class-7b and device-1 are full: only the last parts, their continuations found now, and the probes are read.
    expect(reads).toEqual(['class-7b-2', 'class-7b-3', 'class-7b-4', 'device-1-2', 'device-1-3']);
    expect(second.sheetsRead).toEqual(['class-7b', 'class-7b-2', 'class-7b-3', 'device-1', 'device-1-2']);
    expect(second.rows).toHaveLength(5);

    reads.length = 0;
    await reader.read('class-7b');
    expect(reads).toEqual(['class-7b-3', 'class-7b-4', 'device-1-2', 'device-1-3']);
  });

  test('a class sheet nobody wrote yet has no lines and no channels', async () => {
    const data = await new ClassReader(fakeReader({ 'class-7b': 'time,group,row id\n' }).read).read('class-7b');
    expect(data.lines(Date.now())).toEqual([]);
    expect(data.channels).toEqual([]);
    expect(data.channel).toBe('');
    expect(data.sheetsRead).toEqual([]);
  });

  test('a failed read fails the whole read, and the next read starts again where the full parts end', async () => {
    const sheets: Record<string, string> = { 'class-7b': HEADER + row(0, 'a-1'), 'class-7b-2': HEADER + row(5, 'a-2') };
    let fail = false;
    const reader = new ClassReader(async name => {
      if (fail && name === 'class-7b-3') {
        throw new Error('no answer');
      }
      return sheets[name] ?? null;
    }, 'UTC');
    await reader.read('class-7b');
    fail = true;
    await expect(reader.read('class-7b')).rejects.toThrow('no answer');
    fail = false;
    expect((await reader.read('class-7b')).rows).toHaveLength(2);
  });
});

describe('series', () => {
  const rows: IClassRow[] = [
    { label: 'group 10', device: '', time: 3000, every: 5, values: { temperature: 21 } },
    { label: 'group 2', device: '', time: 2000, every: 5, values: { temperature: 20, humidity: 40 } },
    { label: 'group 2', device: '', time: 1000, every: 5, values: { humidity: 41 } },
    { label: 'group 2', device: '', time: 500, every: 5, values: { temperature: 19 } }
  ];

  test("each line's points of the channel, sorted by time, lines by name", () => {
    expect(new ClassData(rows).series('temperature')).toEqual([
      { label: 'group 2', device: '', times: [500, 2000], values: [19, 20] },
      { label: 'group 10', device: '', times: [3000], values: [21] }
    ]);
    expect(new ClassData(rows).series('humidity')[1]).toEqual({
      label: 'group 10',
      device: '',
      times: [],
      values: []
    });
  });
});

describe('cells', () => {
  test.each([
    ['21.5', 21.5],
    ['-3', -3],
    ['+12', 12],
    ['.5', 0.5],
    ['1e3', 1000],
    [' 7 ', 7],
    ['', null],
    ['n/a', null],
    ['21,5', null],
    ['Infinity', null],
    ['NaN', null],
    ['0x10', null],
    ['1.2.3', null]
  ])('%p is the number %p', (cell, number) => {
    expect(numberCell(cell)).toBe(number);
  });

  test.each([
    ['2026-03-10 10:15:00', 'UTC+01:00', '2026-03-10T09:15:00.000Z'],
    ['2026-03-10T10:15:00', 'UTC-05:00', '2026-03-10T15:15:00.000Z'],
    ['2026-03-10 10:15', 'UTC+00:00', '2026-03-10T10:15:00.000Z'],
    ['2026-03-10 10:15:00', '', '2026-03-10T09:15:00.000Z'],
    // The spring hour skipped in Paris: read with the offset before the change, as Python and JavaScript do.
    ['2026-03-29 02:30:00', '', '2026-03-29T01:30:00.000Z'],
    // The autumn hour that comes twice, without a zone: the first one.
    ['2026-10-25 02:30:00', '', '2026-10-25T00:30:00.000Z'],
    ['2026-10-25 03:30:00', '', '2026-10-25T02:30:00.000Z']
  ])('%p at %p is %p (in Paris without a zone)', (time, zone, instant) => {
    expect(new Date(rowInstant(time, zone, 'Europe/Paris')!).toISOString()).toBe(instant);
  });

  test.each(['yesterday', '2026-02-30 10:00:00', '2026-03-10 24:00:00', '2026-03-10 10:60:00', '10:15:00', ''])(
    '%p is no time',
    time => {
      expect(rowInstant(time, 'UTC+00:00')).toBeNull();
    }
  );

  test("without a zone given, the browser's", () => {
    expect(rowInstant('2026-03-10 10:15:00', '')).toBe(new Date(2026, 2, 10, 10, 15, 0).getTime());
  });

  test('natural order: numbers as numbers', () => {
    const names = ['group 10', 'group 2', 'Group 1', 'group 02b', 'group 2a', 'group', 'board 9', 'board 10', ''];
    expect([...names].sort(naturalCompare)).toEqual([
      '',
      'Group 1',
      'board 9',
      'board 10',
      'group',
      'group 2',
      'group 2a',
      'group 02b',
      'group 10'
    ]);
  });
});

describe('the refresh period', () => {
  const line = (state: IClassLine['state'], interval_s: number): IClassLine => ({
    label: 'group 1',
    device: '',
    state,
    last_row: 0,
    interval_s,
    values: {},
    values_at: null
  });

  test('the chosen refresh, never shorter than the shortest interval of the lines on time', () => {
    expect(refreshPeriod(60_000, [line('on time', 900), line('on time', 300)])).toBe(300_000);
    expect(refreshPeriod(60_000, [line('on time', 2), line('on time', 300)])).toBe(60_000);
    // Late and silent lines do not count: a silent logger's long interval would make the view slow.
    expect(refreshPeriod(60_000, [line('silent', 3600), line('late', 1800), line('on time', 120)])).toBe(120_000);
    expect(refreshPeriod(60_000, [line('silent', 3600)])).toBe(60_000);
    expect(refreshPeriod(60_000, [])).toBe(60_000);
  });
});

describe('reading sheets over HTTP', () => {
  afterEach(() => get.mockReset());
  const read = sheetReader('http://127.0.0.1:8000/class-7b', 2500);

  test("reads each sheet by name on the class sheet's server", async () => {
    get.mockResolvedValue({ status: 200, data: 'time\n1\n' });
    await expect(read('class-7b-group 1')).resolves.toBe('time\n1\n');
    expect(get).toHaveBeenCalledWith(
      'http://127.0.0.1:8000/_/class-7b-group%201/csv',
      expect.objectContaining({ timeout: 2500 })
    );
  });

  test('a 404 and an empty 200 are a missing sheet', async () => {
    get.mockResolvedValueOnce({ status: 404, data: 'not found' });
    await expect(read('class-7b-2')).resolves.toBeNull();
    get.mockResolvedValueOnce({ status: 200, data: '' });
    await expect(read('class-7b-2')).resolves.toBeNull();
  });

  test.each([
    [{ 'retry-after': '120' }, 120],
    [{ 'retry-after': new Date(Date.now() + 30_000).toUTCString() }, 30],
    [{ 'retry-after': 'soon' }, null],
    [{}, null]
  ])('a 429 with %p says to wait %p s', async (headers, seconds) => {
    get.mockRejectedValue(
      Object.assign(new Error('429'), { response: { status: 429, statusText: 'Too Many Requests', headers } })
    );
    const error = await read('class-7b').catch(caught => caught);
    expect(error).toBeInstanceOf(TooManyReadsError);
    expect(error).toBeInstanceOf(SheetReadError);
    if (seconds === 30) {
      expect(error.retryAfterS).toBeGreaterThanOrEqual(29);
      expect(error.retryAfterS).toBeLessThanOrEqual(30);
    } else {
      expect(error.retryAfterS).toBe(seconds);
    }
    expect(error.detail).toBe('The sheet server answered 429 Too Many Requests.');
  });

  test('other failures are the read errors the Logger shows', async () => {
    get.mockRejectedValue(Object.assign(new Error('500'), { response: { status: 500, statusText: 'Oops' } }));
    await expect(read('class-7b')).rejects.toMatchObject({ cause: 'server-error' });
    await expect(sheetReader('ftp://host/class-7b')('class-7b')).rejects.toMatchObject({ cause: 'not-web-address' });
  });
});
