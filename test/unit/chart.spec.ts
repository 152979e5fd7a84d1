/** The chart's keyboard and words in jsdom (the drawing and the tones are the browser test's). */
import type { ILine } from '../../src/history';
import { formatClock } from '../../src/i18n';
import { ANNOUNCE_EVERY_MS, ChannelChart } from '../../src/ui/chart';
import { chartSummary, pointWords } from '../../src/ui/describe';

// jsdom has no canvas to draw on: uPlot only takes the data.
jest.mock('uplot', () =>
  jest.fn().mockImplementation(() => ({ setData: jest.fn(), redraw: jest.fn(), destroy: jest.fn() }))
);

const T0 = Date.UTC(2026, 2, 10, 9, 50, 0);
const LINE: ILine = { times: [T0, T0 + 10_000, T0 + 20_000], values: [19.5, 21, 20] };

describe('a chart from the keyboard', () => {
  let chart: ChannelChart;
  let plot: HTMLElement;
  let announcement: HTMLElement;
  const press = (key: string) => {
    const event = new KeyboardEvent('keydown', { key, bubbles: true, cancelable: true });
    plot.dispatchEvent(event);
    return event;
  };

  beforeEach(() => {
    jest.useFakeTimers({ now: T0 + 30_000 });
    chart = new ChannelChart(document.body, 'temperature', '°C', 480, 110);
    plot = chart.node.querySelector('[role="application"]')!;
    announcement = chart.node.querySelector('[role="status"]')!;
    chart.update(LINE);
  });

  afterEach(() => {
    chart.dispose();
    jest.useRealTimers();
  });

  test('the plot takes the keyboard, with a name, and a description that is the summary and a hint', () => {
    expect(plot.tabIndex).toBe(0);
    expect(plot.getAttribute('aria-label')).toBe('Chart of temperature in °C');
    expect(plot.hasAttribute('data-lm-suppress-shortcuts')).toBe(true);
    const description = plot
      .getAttribute('aria-describedby')!
      .split(' ')
      .map(id => document.getElementById(id)!.textContent);
    expect(description[0]).toBe(chartSummary(LINE, '°C'));
    expect(description[1]).toMatch(/^Enter reads the chart\. Left and Right arrows go from point to point/);
  });

  test('Enter and Space announce the summary at once, again when pressed again', () => {
    expect(announcement.textContent).toBe('');
    expect(press('Enter').defaultPrevented).toBe(true);
    expect(announcement.textContent).toBe(chartSummary(LINE, '°C'));
    press(' ');
    expect(announcement.textContent?.trim()).toBe(chartSummary(LINE, '°C'));
    expect(announcement.textContent).not.toBe(chartSummary(LINE, '°C')); // changed, so it is read again
  });

  test('arrows go from the latest point back and forth, Home and End to the ends; each point is announced', () => {
    press('ArrowLeft');
    expect(announcement.textContent).toBe(pointWords(LINE, 2, '°C'));
    press('ArrowLeft');
    expect(announcement.textContent).toBe(`21 °C at ${formatClock(T0 + 10_000)}.`);
    press('Home');
    expect(announcement.textContent).toBe(pointWords(LINE, 0, '°C'));
    press('ArrowLeft'); // the first point stays the first
    expect(announcement.textContent?.trim()).toBe(pointWords(LINE, 0, '°C'));
    press('ArrowRight');
    expect(announcement.textContent).toBe(pointWords(LINE, 1, '°C'));
    press('End');
    expect(announcement.textContent).toBe(pointWords(LINE, 2, '°C'));
  });

  test('the explored point stays on its reading while the line moves on', () => {
    press('Home');
    press('ArrowRight'); // the reading at T0 + 10 s
    const moved: ILine = { times: [...LINE.times.slice(1), T0 + 30_000], values: [...LINE.values.slice(1), 22] };
    chart.update(moved);
    press('ArrowLeft');
    expect(announcement.textContent).toBe(pointWords(moved, 0, '°C'));
  });

  test('Escape stops exploring and is kept from the notebook; when not exploring, Escape is the page’s', () => {
    press('End');
    expect(press('Escape').defaultPrevented).toBe(true);
    expect(announcement.textContent).toBe('Stopped exploring the chart.');
    expect(press('Escape').defaultPrevented).toBe(false);
    expect(press('a').defaultPrevented).toBe(false);
  });

  test('without readings, the arrows say so', () => {
    chart.update({ times: [], values: [] });
    press('Home');
    expect(announcement.textContent).toBe('No readings yet.');
  });

  test('while it has the keyboard, the summary is announced by itself at most once a minute, when it changed', () => {
    const later = (ms: number, value: number): ILine => ({
      times: [...LINE.times, T0 + 30_000 + ms],
      values: [...LINE.values, value]
    });
    chart.update(later(1000, 22));
    expect(announcement.textContent).toBe(''); // not focused: silent
    plot.focus();
    jest.advanceTimersByTime(ANNOUNCE_EVERY_MS - 1000);
    chart.update(later(ANNOUNCE_EVERY_MS - 1000, 23));
    expect(announcement.textContent).toBe(''); // focusing read the description: not again within a minute
    jest.advanceTimersByTime(1000);
    chart.update(later(ANNOUNCE_EVERY_MS, 24));
    expect(announcement.textContent).toBe(chartSummary(later(ANNOUNCE_EVERY_MS, 24), '°C'));
    jest.advanceTimersByTime(ANNOUNCE_EVERY_MS);
    chart.update(later(ANNOUNCE_EVERY_MS, 24)); // nothing new to say
    expect(announcement.textContent).toBe(chartSummary(later(ANNOUNCE_EVERY_MS, 24), '°C'));
    press('End'); // exploring: the points are said, not the summary
    const point = pointWords(later(ANNOUNCE_EVERY_MS, 24), 3, '°C');
    expect(announcement.textContent).toBe(point);
    jest.advanceTimersByTime(2 * ANNOUNCE_EVERY_MS);
    chart.update(later(3 * ANNOUNCE_EVERY_MS, 25));
    expect(announcement.textContent).toBe(point);
  });
});
