import { countdown, statusParts } from '../../src/ui/status';

const quiet = { pending: 0, delivered: 0, refused: 0, lastRefusal: '' };

describe('the status line', () => {
  test('a logger that has not posted yet', () => {
    expect(statusParts({ readings: 0 }, quiet, '')).toEqual([
      '0 readings in the notebook',
      'nothing posted yet',
      '0 rows waiting',
      'no errors'
    ]);
  });

  test('a full sheet that continues in a new one is said first', () => {
    const notice = 'The sheet class-7b is full, so new rows go to class-7b-2.';
    expect(statusParts({ readings: 5, sheet_notice: notice }, quiet, '')[0]).toBe(notice);
  });

  test('why "post now" posted nothing is said before the counts', () => {
    const notice = 'Nothing posted at 10:32: no readings since 10:15. Is the sensor connected and started?';
    expect(statusParts({ readings: 5, post_notice: notice }, quiet, '')[0]).toBe(notice);
    expect(statusParts({ readings: 5, post_notice: '' }, quiet, '')[0]).toBe('5 readings in the notebook');
  });

  test('rows waiting after an error say when the next try is, and the error in words', () => {
    const parts = statusParts(
      {
        readings: 120,
        last_post: '2026-11-21T10:15:00+01:00',
        next_post: '2026-11-21T10:30:00+01:00',
        pending: 3,
        errors: 2,
        last_error: 'Cannot reach the sheet server http://x. Check the address and the network.',
        next_retry: '2026-11-21T10:31:04+01:00'
      },
      { ...quiet, pending: 4 },
      ''
    );
    expect(parts[0]).toBe('120 readings in the notebook');
    expect(parts[1]).toBe('4 on their way');
    expect(parts[2]).toMatch(/^last post /);
    expect(parts[3]).toMatch(/^next post /);
    expect(parts[4]).toBe('3 rows waiting');
    expect(parts[5]).toMatch(/^next try \d/);
    expect(parts[6]).toBe('2 errors, last: Cannot reach the sheet server http://x. Check the address and the network.');
  });

  test('no next try is shown when nothing waits', () => {
    const parts = statusParts({ pending: 0, next_retry: '2026-11-21T10:31:04+01:00' }, quiet, '');
    expect(parts.some(p => p.startsWith('next try'))).toBe(false);
  });

  test('a refused batch counts as an error, and a channel problem comes first', () => {
    const parts = statusParts({}, { ...quiet, refused: 1, lastRefusal: 'seq must be…' }, 'The kernel is restarting.');
    expect(parts[0]).toBe('The kernel is restarting.');
    expect(parts[parts.length - 1]).toBe('1 error, last: seq must be…');
  });
});

describe('countdown', () => {
  const now = Date.parse('2026-11-21T10:00:00Z');
  test.each([
    ['2026-11-21T10:00:45Z', 'in 45 s'],
    ['2026-11-21T10:03:05Z', 'in 3 min 5 s'],
    ['2026-11-21T11:02:00Z', 'in 1 h 2 min'],
    ['2026-11-21T09:59:00Z', 'due now'],
    [null, '']
  ])('%s → %s', (iso, text) => {
    expect(countdown(iso, now)).toBe(text);
  });
});
