import axios from 'axios';
import { csvUrl, readSheet } from '../../src/sheet';

jest.mock('axios');
const get = axios.get as jest.MockedFunction<typeof axios.get>;

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
    expect(get).toHaveBeenCalledWith('http://127.0.0.1:8000/_/class-7b/csv', expect.objectContaining({ responseType: 'text' }));
    expect(sheet.header).toEqual(['time', 'note', 'temp']);
    expect(sheet.rows).toEqual([
      ['2026-11-21 10:00:00', 'a, "b"', '21.5'],
      ['2026-11-21 10:15:00', 'two\nlines', '-1e-9']
    ]);
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
});
