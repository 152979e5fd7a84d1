import axios from 'axios';
import { readSheet, SheetReadError, sheetUnreadable } from '../../src/readback';
import { csvUrl, sheetContent } from '../../src/sheet';

jest.mock('axios');
const get = axios.get as jest.MockedFunction<typeof axios.get>;

describe('sheetContent', () => {
  it("shows a logger's rows without the readers' bookkeeping, each row id once", () => {
    const text = [
      'time,group,temperature,every (min),time zone,row id',
      '2026-12-07 10:00:00,group 3,21.5,15,UTC+01:00,k3-1',
      '2026-12-07 10:00:00,group 3,21.5,15,UTC+01:00,k3-1',
      '2026-12-07 10:15:00,group 3,21.7,15,UTC+01:00,k3-2'
    ].join('\n');
    expect(sheetContent(text)).toEqual({
      header: ['time', 'group', 'temperature'],
      rows: [
        ['2026-12-07 10:00:00', 'group 3', '21.5'],
        ['2026-12-07 10:15:00', 'group 3', '21.7']
      ]
    });
  });
});

describe('csvUrl', () => {
  test.each([
    ['http://127.0.0.1:8000/class-7b', 'http://127.0.0.1:8000/_/class-7b/csv'],
    ['http://127.0.0.1:8000/_/class-7b', 'http://127.0.0.1:8000/_/class-7b/csv'],
    ['https://ethercalc.net/room-7b/', 'https://ethercalc.net/_/room-7b/csv']
  ])('%s → %s', (url, expected) => {
    expect(csvUrl(url)).toBe(expected);
  });
});

describe('readSheet', () => {
  afterEach(() => get.mockReset());

  test('parses the header and rows, quotes, commas and newlines included', async () => {
    get.mockResolvedValue({
      status: 200,
      data: 'time,note,temp\n"2026-11-21 10:00:00","a, ""b""",21.5\n"2026-11-21 10:15:00","two\nlines",-1e-9\n'
    });
    const sheet = await readSheet('http://127.0.0.1:8000/class-7b');
    expect(get).toHaveBeenCalledWith(
      'http://127.0.0.1:8000/_/class-7b/csv',
      expect.objectContaining({ responseType: 'text' })
    );
    expect(sheet.header).toEqual(['time', 'note', 'temp']);
    expect(sheet.rows).toEqual([
      ['2026-11-21 10:00:00', 'a, "b"', '21.5'],
      ['2026-11-21 10:15:00', 'two\nlines', '-1e-9']
    ]);
  });

  test('shows each row id once: the first copy of a row a late write left twice', async () => {
    get.mockResolvedValue({
      status: 200,
      data:
        'time,temp,row id\n' +
        't1,21.5,k-1\n' +
        't2,21.6,k-2\n' +
        'by hand,20,\n' +
        't1,21.5,k-1\n' +
        'by hand,20,\n' +
        't3,21.7,k-3\n'
    });
    const sheet = await readSheet('http://127.0.0.1:8000/class-7b');
    expect(sheet.header).toEqual(['time', 'temp']);
    expect(sheet.rows).toEqual([
      ['t1', '21.5'],
      ['t2', '21.6'],
      ['by hand', '20'],
      ['by hand', '20'],
      ['t3', '21.7']
    ]);
  });

  test('an address that is not http(s) is never fetched', async () => {
    get.mockResolvedValue({ status: 200, data: 'time,temp\n2026-11-21 10:00:00,21.5\n' });
    for (const address of [
      'javascript:alert(document.cookie)',
      'data:text/csv,time',
      'file:///etc/passwd',
      'room-7b'
    ]) {
      await expect(readSheet(address)).rejects.toMatchObject({ cause: 'not-web-address' });
    }
    expect(get).not.toHaveBeenCalled();
  });

  test('a sheet that does not exist yet is empty', async () => {
    get.mockResolvedValue({ status: 404, data: '' });
    await expect(readSheet('http://127.0.0.1:8000/new')).resolves.toEqual({ header: [], rows: [] });
  });

  test("the 2026 server's answers: an empty 200 for a new sheet, ' before = + - @, the row id left out", async () => {
    get.mockResolvedValue({ status: 200, data: '' });
    await expect(readSheet('http://127.0.0.1:8000/new')).resolves.toEqual({ header: [], rows: [] });
    get.mockResolvedValue({
      status: 200,
      data: "time,note,temp,row id\n2026-11-21 10:00:00,'=1+2,21.5,ab12-1\n2026-11-21 10:15:00,'quoted,'-3,ab12-2\n"
    });
    const sheet = await readSheet('http://127.0.0.1:8000/class-7b');
    expect(sheet.header).toEqual(['time', 'note', 'temp']);
    expect(sheet.rows).toEqual([
      ['2026-11-21 10:00:00', '=1+2', '21.5'],
      ['2026-11-21 10:15:00', "'quoted", '-3']
    ]);
  });

  test('an unreachable server gives a sentence a student can act on', async () => {
    get.mockRejectedValue(new Error('Network Error'));
    await expect(readSheet('http://127.0.0.1:8000/x')).rejects.toThrow(
      /The browser cannot read the sheet.*The notebook still posts rows/
    );
  });

  /** The error readSheet throws when axios fails with `failure`. */
  async function failure(axiosError: object): Promise<SheetReadError> {
    get.mockRejectedValue(Object.assign(new Error('axios failed'), axiosError));
    const error = await readSheet('http://127.0.0.1:8000/x', 2500).catch(caught => caught);
    expect(error).toBeInstanceOf(SheetReadError);
    // The student reads the same words whatever the cause.
    expect(error.message).toBe(sheetUnreadable());
    return error;
  }

  test('a refused cross-origin read (no answer the page may read) says so in its cause', async () => {
    const error = await failure({ code: 'ERR_NETWORK', message: 'Network Error' });
    expect(error.cause).toBe('unreachable');
    expect(error.detail).toMatch(/http:\/\/127\.0\.0\.1:8000.*--cors/);
    expect(error.problem).toEqual({ error: sheetUnreadable(), cause: 'unreachable', detail: error.detail });
  });

  test('a server error carries its status', async () => {
    const error = await failure({
      code: 'ERR_BAD_RESPONSE',
      response: { status: 500, statusText: 'Internal Server Error' }
    });
    expect(error.cause).toBe('server-error');
    expect(error.detail).toBe('The sheet server answered 500 Internal Server Error.');
  });

  test('a timeout says how long the browser waited', async () => {
    const error = await failure({ code: 'ECONNABORTED', message: 'timeout of 2500ms exceeded' });
    expect(error.cause).toBe('timeout');
    expect(error.detail).toBe('The sheet server did not answer within 2.5 s.');
  });
});
