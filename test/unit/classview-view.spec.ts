// The class view as people see it: the table, its order, the summary's plurals, the channel chooser and the
// chart's words; the notebook widget over the kernel's traits; the sidebar's Class section and its settings.
import axios from 'axios';
import { Model } from 'backbone';
import uPlot from 'uplot';
import { nullTranslator, type TranslationBundle } from '@jupyterlab/translation';
import { alignedSeries, chartDescription } from '../../src/classview/chart';
import type { IClassLine, IClassView } from '../../src/classview/model';
import { ClassView } from '../../src/classview/view';
import { ClassViewModel, ClassViewView } from '../../src/classview/widget';
import { ago, summary } from '../../src/classview/words';
import { DeviceHub } from '../../src/hub';
import { formatClock, formatDayAndTime, useTranslator } from '../../src/i18n';
import plugins from '../../src/index';
import { MonitorPanel } from '../../src/monitor/panel';
import { settle } from './fakes';

// jsdom has no canvas to draw on: the plots are counted, not drawn.
jest.mock('uplot', () =>
  jest.fn().mockImplementation(() => ({ setData: jest.fn(), destroy: jest.fn(), redraw: jest.fn() }))
);
jest.mock('axios');
jest.mock('@jupyterlab/application', () => ({ ILayoutRestorer: {} }));
jest.mock('@jupyterlab/apputils', () => ({ ICommandPalette: {} }));
jest.mock('@jupyterlab/settingregistry', () => ({ ISettingRegistry: {} }));
const plot = uPlot as unknown as jest.Mock;
const get = axios.get as jest.MockedFunction<typeof axios.get>;

const NOW = new Date(2026, 2, 10, 10, 0, 0).getTime();
const MIN = 60_000;

function line(label: string, state: IClassLine['state'], minutesAgo: number, values: Record<string, number>) {
  return {
    label,
    device: label === 'group 1' ? 'micro:bit' : '',
    state,
    last_row: NOW - minutesAgo * MIN,
    interval_s: 300,
    values,
    values_at: Object.keys(values).length > 0 ? NOW - minutesAgo * MIN : null
  };
}

/** A class in the order the model gives: silent, late, no readings, on time. */
const LINES: IClassLine[] = [
  line('group 3', 'silent', 45, { temperature: 18 }),
  line('group 2', 'late', 12, { temperature: 19.456, humidity: 40 }),
  { ...line('group 4', 'no readings', 1, {}), values: { temperature: 20 }, values_at: NOW - 6 * MIN },
  line('group 1', 'on time', 0.5, { temperature: 21.5 })
];

const VIEW: IClassView = {
  lines: LINES,
  channels: ['humidity', 'temperature'],
  channel: 'temperature',
  series: [
    { label: 'group 2', device: '', times: [NOW - 12 * MIN], values: [19.456] },
    { label: 'group 1', device: 'micro:bit', times: [NOW - 5 * MIN, NOW - MIN], values: [21, 21.5] }
  ],
  read_at: NOW - 20_000,
  next_read: NOW + 40_000,
  problem: ''
};

const cells = (row: Element) => [...row.children].map(cell => cell.textContent);

describe('the class view', () => {
  let view: ClassView;
  let chosen: jest.Mock;

  beforeEach(() => {
    plot.mockClear();
    chosen = jest.fn();
    view = new ClassView(chosen, () => 400);
    document.body.appendChild(view.node);
    view.show(VIEW, NOW);
  });

  afterEach(() => view.dispose());

  test('a real table: column and row headers, a caption, one line per logger and device in the order given', () => {
    const table = view.node.querySelector('table')!;
    expect(table.caption!.textContent).toBe('Every logger of the class: those that need you come first');
    expect([...table.querySelectorAll('thead th')].map(th => [th.textContent, th.getAttribute('scope')])).toEqual([
      ['Group', 'col'],
      ['State and last row', 'col'],
      ['Latest values', 'col']
    ]);
    const rows = [...table.querySelectorAll('tbody tr')];
    expect(rows.map(row => row.getAttribute('data-state'))).toEqual(['silent', 'late', 'no readings', 'on time']);
    expect(rows.map(row => row.querySelector('th[scope="row"]')!.textContent)).toEqual([
      'group 3',
      'group 2',
      'group 4',
      'group 1 micro:bit'
    ]);
    expect(cells(rows[1])).toEqual([
      'group 2',
      `late last row ${formatClock(NOW - 12 * MIN)}, 12 minutes ago a row every 5 min`,
      'temperature: 19.5 humidity: 40'
    ]);
    // Its board sends nothing: the values it had, and when.
    expect(cells(rows[2])[2]).toBe(`temperature: 20 measured at ${formatClock(NOW - 6 * MIN)}`);
    expect(cells(rows[3])).toEqual([
      'group 1 micro:bit',
      `on time last row ${formatClock(NOW - 30_000)}, just now a row every 5 min`,
      'temperature: 21.5'
    ]);
  });

  test('the state is a word beside a shape the screen reader skips, with a class for its shape and colour', () => {
    const row = view.node.querySelector('tbody tr')!;
    expect(row.classList).toContain('jp-mod-silent');
    const icon = row.querySelector('.jp-sensorlab-ClassView-icon')!;
    expect(icon.getAttribute('aria-hidden')).toBe('true');
    expect(icon.parentElement!.textContent).toBe('silent');
  });

  test('the summary is a status: the states there are, calm ones first', () => {
    const status = view.node.querySelector('[role="status"]')!;
    expect(status.textContent).toBe('1 on time, 1 with no readings, 1 late, 1 silent');
    expect(view.node.querySelector('.jp-sensorlab-ClassView-reads')!.textContent).toBe(
      `read at ${formatClock(NOW - 20_000)} · next read at ${formatClock(NOW + 40_000)}`
    );
  });

  test('choosing a channel tells the owner; the chooser stays the same element while the channels do', () => {
    const select = view.node.querySelector('select')!;
    expect(select.closest('label')!.textContent).toMatch(/^Channel on the chart/);
    expect([...select.options].map(option => option.value)).toEqual(['humidity', 'temperature']);
    expect(select.value).toBe('temperature');
    const first = select.options[0];
    select.value = 'humidity';
    select.dispatchEvent(new Event('change'));
    expect(chosen).toHaveBeenCalledWith('humidity');
    view.show({ ...VIEW, channel: 'humidity' }, NOW);
    expect(select.options[0]).toBe(first);
    expect(select.value).toBe('humidity');
  });

  test('one chart, every line a series, named and described: how many groups, which are late or silent', () => {
    expect(plot).toHaveBeenCalledTimes(1);
    const [options, data] = plot.mock.calls[0];
    // Lines by name, so each keeps its colour: group 1 first.
    expect(options.series.slice(1).map((s: { label: string }) => s.label)).toEqual(['group 1 (micro:bit)', 'group 2']);
    expect(options.series[2].dash).toEqual([6, 4]); // late: dashed
    expect(options.series[1].dash).toBeUndefined();
    expect(data).toEqual([
      [(NOW - 12 * MIN) / 1000, (NOW - 5 * MIN) / 1000, (NOW - MIN) / 1000],
      [null, 21, 21.5],
      [19.456, null, null]
    ]);
    const area = view.node.querySelector('[role="img"]')!;
    expect(area.getAttribute('aria-label')).toBe('Chart of temperature for every group');
    const description = document.getElementById(area.getAttribute('aria-describedby')!)!;
    expect(description.textContent).toBe('4 groups on the chart. Late: group 2. Silent: group 3.');

    // The same lines in the same states: the data only. A state changes: the plot is made again.
    view.show(VIEW, NOW);
    expect(plot).toHaveBeenCalledTimes(1);
    expect(plot.mock.results[0].value.setData).toHaveBeenCalledTimes(1);
    view.show({ ...VIEW, lines: LINES.map(each => ({ ...each, state: 'on time' as const })) }, NOW);
    expect(plot).toHaveBeenCalledTimes(2);
    expect(plot.mock.results[0].value.destroy).toHaveBeenCalled();
  });

  test('before the first read, and a class with no rows yet: no table, no chart', () => {
    const empty: IClassView = { ...VIEW, lines: [], channels: [], channel: '', series: [], read_at: null };
    view.show(empty, NOW);
    expect(view.node.querySelector('[role="status"]')!.textContent).toBe('Reading the class sheet…');
    expect(view.node.querySelector('table')!.hidden).toBe(true);
    expect(view.node.querySelector<HTMLElement>('.jp-sensorlab-ClassView-chart')!.hidden).toBe(true);
    view.show({ ...empty, read_at: NOW, problem: 'The class sheet could not be read.' }, NOW);
    expect(view.node.querySelector('[role="status"]')!.textContent).toBe(
      'No rows from a logger in the class sheet yet.'
    );
    expect(view.node.querySelector('.jp-sensorlab-ClassView-problem')!.textContent).toBe(
      'The class sheet could not be read.'
    );
  });

  test('a last row of another day says its day; a line without values says so', () => {
    view.show({ ...VIEW, lines: [line('group 3', 'silent', 3 * 24 * 60, {})] }, NOW);
    const row = view.node.querySelector('tbody tr')!;
    expect(row.querySelector('.jp-sensorlab-ClassView-last')!.textContent).toBe(
      `last row ${formatDayAndTime(NOW - 3 * 24 * 60 * MIN)}, 3 days ago`
    );
    expect(cells(row)[2]).toBe('none yet');
  });

  test('how often a logger posts: seconds under a minute and a half, else minutes', () => {
    const every = (interval_s: number) => {
      view.show({ ...VIEW, lines: [{ ...LINES[0], interval_s }] }, NOW);
      return view.node.querySelector('.jp-sensorlab-ClassView-every')!.textContent;
    };
    expect([2, 60, 89, 90, 210, 900].map(every)).toEqual([
      'a row every 2 s',
      'a row every 60 s',
      'a row every 89 s',
      'a row every 1.5 min',
      'a row every 3.5 min',
      'a row every 15 min'
    ]);
  });
});

describe("the view's words", () => {
  /** A language whose plural forms show which was chosen. */
  const marking = {
    __: (message: string, ...args: unknown[]) => message.replace(/%(\d)/g, (_, n) => String(args[n - 1])),
    _n: (singular: string, plural: string, n: number) => (n === 1 ? `(one)${singular}` : `(many)${plural}`),
    _p: (_: string, message: string) => message
  } as unknown as TranslationBundle;

  afterEach(() => useTranslator(nullTranslator));

  test('the summary counts each state with its plural form', () => {
    useTranslator({ languageCode: 'fr-FR', load: () => marking });
    const lines = [...LINES, { ...LINES[1], label: 'group 5' }, { ...LINES[1], label: 'group 6' }];
    expect(summary(lines)).toBe('(one)%1 on time, (one)%1 with no readings, (many)%1 late, (one)%1 silent');
  });

  test.each([
    [0, 'just now'],
    [59_000, 'just now'],
    [60_000, '1 minute ago'],
    [59 * MIN, '59 minutes ago'],
    [60 * MIN, '1 hour ago'],
    [47 * 60 * MIN, '47 hours ago'],
    [48 * 60 * MIN, '2 days ago']
  ])('%p ms ago: %p', (ms, words) => {
    expect(ago(ms)).toBe(words);
  });

  test('the chart says when all are on time, and names lines by group and device', () => {
    expect(chartDescription([LINES[3]])).toBe('1 group on the chart.');
    expect(chartDescription([{ ...LINES[3], state: 'silent' }])).toBe(
      '1 group on the chart. Silent: group 1 (micro:bit).'
    );
  });

  test('series on one time axis', () => {
    expect(alignedSeries([])).toEqual([[]]);
    expect(
      alignedSeries([
        { label: 'a', device: '', times: [2000, 1000], values: [2, 1] },
        { label: 'b', device: '', times: [2000], values: [5] }
      ])
    ).toEqual([
      [1, 2],
      [1, 2],
      [null, 5]
    ]);
  });
});

describe('the notebook widget', () => {
  test("shows the kernel's traits, and sends the channel chosen back to the kernel", () => {
    const model = Object.assign(
      new Model({ ...VIEW, sheet_url: 'http://127.0.0.1:8000/class-7b', read_at: NOW, next_read: null }),
      { save_changes: jest.fn() }
    );
    const widget = new ClassViewView({ model: model as never });
    widget.render();
    expect(widget.el.getAttribute('role')).toBe('region');
    expect(widget.el.getAttribute('aria-label')).toBe('Class view');
    expect(widget.el.querySelector('a')!.getAttribute('href')).toBe('http://127.0.0.1:8000/class-7b');
    expect(widget.el.querySelectorAll('tbody tr')).toHaveLength(4);
    const select = widget.el.querySelector('select')!;
    select.value = 'humidity';
    select.dispatchEvent(new Event('change'));
    expect(model.get('channel')).toBe('humidity');
    expect(model.save_changes).toHaveBeenCalled();
    model.set('lines', LINES.slice(3));
    expect(widget.el.querySelectorAll('tbody tr')).toHaveLength(1);
    widget.remove();
  });

  test("the model tells the kernel the page's language", () => {
    useTranslator({ languageCode: 'de-DE', load: () => nullTranslator.load('sensorlab') });
    const model = new ClassViewModel({}, { model_id: 'c1', widget_manager: {} } as never);
    expect(model.get('_language')).toBe('de-DE');
    expect(model.get('_model_name')).toBe('ClassViewModel');
    expect(model.get('_view_name')).toBe('ClassViewView');
    useTranslator(nullTranslator);
  });
});

describe("the sidebar's Class section", () => {
  const T = Date.UTC(2026, 2, 10, 10, 0, 0);
  const CSV = 'time,group,temperature,every (min),time zone,row id\n2026-03-10 09:59:00,group 1,21.5,2,UTC+00:00,a-1\n';
  let hub: DeviceHub;
  let panel: MonitorPanel;

  beforeEach(() => {
    jest.useFakeTimers({ now: T });
    hub = new DeviceHub();
    get.mockImplementation(async (url: string) =>
      url.endsWith('/_/class-7b/csv') ? { status: 200, data: CSV } : { status: 404, data: '' }
    );
  });

  afterEach(() => {
    panel.dispose();
    hub.dispose();
    get.mockReset();
    jest.useRealTimers();
  });

  const section = () => panel.node.querySelector<HTMLElement>('.jp-sensorlab-Monitor-class')!;
  const field = () => section().querySelector<HTMLInputElement>('.jp-sensorlab-Monitor-classAddress')!;
  const button = () => section().querySelector<HTMLButtonElement>('.jp-sensorlab-Monitor-classWatch')!;

  test('a labelled field and a Watch button; watching reads the sheet and shows the class; Stop ends it', async () => {
    const remember = jest.fn();
    panel = new MonitorPanel(hub, undefined, remember);
    expect(section().querySelector('h2')!.textContent).toBe('Class');
    expect(field().closest('label')!.textContent).toBe('Class sheet address');
    expect([button().textContent, button().getAttribute('aria-label')]).toEqual(['Watch', 'Watch the class sheet']);

    field().value = ' http://127.0.0.1:8000/class-7b ';
    button().click();
    await settle();
    expect(remember).toHaveBeenCalledWith('http://127.0.0.1:8000/class-7b');
    expect(get).toHaveBeenCalledWith('http://127.0.0.1:8000/_/class-7b/csv', expect.anything());
    expect(section().querySelector('[role="status"]')!.textContent).toBe('1 on time');
    expect(section().querySelectorAll('tbody tr')).toHaveLength(1);
    expect(field().readOnly).toBe(true);
    expect([button().textContent, button().getAttribute('aria-label')]).toEqual([
      'Stop watching',
      'Stop watching the class sheet'
    ]);

    button().click();
    expect(section().querySelector('table')).toBeNull();
    expect(field().readOnly).toBe(false);
    expect(button().textContent).toBe('Watch');
  });

  test('Enter in the field watches; an address that is not http(s) is never read, and the section says why', async () => {
    panel = new MonitorPanel(hub);
    field().value = 'class-7b';
    field().dispatchEvent(new KeyboardEvent('keydown', { key: 'Enter' }));
    await settle();
    expect(get).not.toHaveBeenCalled();
    expect(section().querySelector('[role="alert"]')!.textContent).toMatch(/starts with http:\/\/ or https:\/\//);
    field().value = 'http://127.0.0.1:8000/class-7b';
    field().dispatchEvent(new KeyboardEvent('keydown', { key: 'Enter' }));
    await settle();
    expect(section().querySelector('[role="alert"]')!.textContent).toBe('');
    expect(section().querySelectorAll('tbody tr')).toHaveLength(1);
  });

  test('the settings: the address kept is shown, a watched address is kept, the refresh is theirs', async () => {
    const values: Record<string, unknown> = {
      forwardEvery: 5,
      chartHistoryMinutes: 10,
      units: {},
      classSheet: 'http://127.0.0.1:8000/class-7b',
      classRefresh: 300
    };
    const settings = {
      get: (key: string) => ({ composite: values[key] }),
      set: jest.fn(async () => undefined),
      changed: { connect: jest.fn() }
    };
    const registry = { transform: jest.fn(), load: jest.fn(async () => settings) };
    const shell = { add: jest.fn() };
    const monitor = plugins.find(plugin => plugin.id === 'sensorlab:monitor')!;
    monitor.activate({ commands: { addCommand: jest.fn() }, shell } as never, hub, null, null, registry);
    panel = shell.add.mock.calls[0][0] as MonitorPanel;
    await settle();
    expect(field().value).toBe('http://127.0.0.1:8000/class-7b');
    button().click();
    await settle();
    expect(settings.set).toHaveBeenCalledWith('classSheet', 'http://127.0.0.1:8000/class-7b');
    // group 1 posts every 2 minutes; the teacher chose 5 minutes (the default, 1, would read every 2).
    expect(section().querySelector('.jp-sensorlab-ClassView-reads')!.textContent).toBe(
      `read at ${formatClock(T)} · next read at ${formatClock(T + 300_000)}`
    );
  });
});
