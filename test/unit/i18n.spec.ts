// Every word the page shows goes through the translator, and numbers and times follow the page's language.
// A pseudo-language marks each piece of text the translator gave (⟦…⟧): the sidebar, the notebook widget and
// the commands, in many states, must show nothing else but data (names, channels, units, numbers) and
// punctuation, so a word that escapes translation fails the spec, which names it.
import axios from 'axios';
import { CommandRegistry } from '@lumino/commands';
import { nullTranslator, type ITranslator, type TranslationBundle } from '@jupyterlab/translation';
import { IndexedDBBatchStore } from '../../src/batchstore';
import { ReadingsChannel } from '../../src/comm';
import { Forwarder } from '../../src/forwarder';
import { DeviceHub } from '../../src/hub';
import { formatClock, formatDayAndTime, formatNumber, translateSettings, useTranslator } from '../../src/i18n';
import monitorSchema from '../../schema/monitor.json';
import plugins from '../../src/index';
import { MonitorPanel } from '../../src/monitor/panel';
import { ISheetReadProblem, readSheet } from '../../src/readback';
import type { ISheetContent } from '../../src/sheet';
import { BluetoothSource } from '../../src/sources/bluetooth';
import type { IClassView } from '../../src/classview/model';
import { ClassView } from '../../src/classview/view';
import { ClassViewView } from '../../src/classview/widget';
import { SimulatedSource } from '../../src/sources/simulated';
import { SimulatedClassSource } from '../../src/sources/simulated-class';
import type { ILoggerLink } from '../../src/tokens';
import { formatValue, problemCounts, valueTiles } from '../../src/ui/dom';
import { countdown, IKernelStatus, statusParts, troubleNotices } from '../../src/ui/status';
import { createLoggerModel, ILoggerModel } from '../../src/widget/model';
import { FakeChannel, FakeKernel, reading, settle } from './fakes';
import { FakePort, serialTestbed, waitFor } from './serial-testbed';
import { loggerView } from './views';
import { Model } from 'backbone';

// jsdom has no canvas to draw on: the charts are counted, not drawn.
jest.mock('uplot', () => jest.fn().mockImplementation(() => ({ setData: jest.fn(), destroy: jest.fn() })));
jest.mock('axios');
// The plugins' tokens only: JupyterLab's application and its UI toolkit do not load in jsdom.
jest.mock('@jupyterlab/application', () => ({ ILayoutRestorer: {} }));
jest.mock('@jupyterlab/apputils', () => ({ ICommandPalette: {} }));
jest.mock('@jupyterlab/settingregistry', () => ({ ISettingRegistry: {} }));

/** The pseudo-language's words: each literal piece of a message marked, what fills its %1, %2… as it is. */
function pseudo(message: string, args: unknown[]): string {
  return message
    .split(/(%\d+)/)
    .map(piece => {
      const placeholder = /^%(\d+)$/.exec(piece);
      return placeholder ? String(args[Number(placeholder[1]) - 1]) : piece && `⟦${piece}⟧`;
    })
    .join('');
}

const pseudoBundle = {
  __: (message: string, ...args: unknown[]) => pseudo(message, args),
  // As in French: the first form for 0 and 1, the second from 2. In _n, %1 is n.
  _n: (singular: string, plural: string, n: number, ...args: unknown[]) =>
    pseudo(n > 1 ? plural : singular, [n, ...args]),
  _p: (_context: string, message: string, ...args: unknown[]) => pseudo(message, args)
} as unknown as TranslationBundle;

function pseudoTranslator(languageCode: string): ITranslator {
  return { languageCode, load: () => pseudoBundle };
}

/** What the spec gives the page that is data: the same in every language. */
const DATA = [
  // Names: devices the user named, Loggers, the boards' own names, simulated micro:bits' names, the product's.
  'window bench',
  'class-7b',
  'lab-3',
  'room-2',
  'micro:bit',
  'Arduino',
  'group',
  'sensorlab',
  // Device ids (a micro:bit heard through a gateway is microbit-<serial number>) and sheet addresses.
  'serial-1',
  'microbit',
  'http://127.0.0.1:8000/class-7b',
  'http://127.0.0.1:8000/lab-3',
  // Channels and units.
  'temperature',
  'humidity',
  'target',
  'heater',
  'light_ratio',
  'lux',
  'temp',
  'light',
  '°C',
  'lx',
  // What a student or a notebook typed, what a board printed, and the sheet's headings.
  'window opened',
  'lasers',
  'Starting...',
  'oops',
  'time',
  'device'
];

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** Data as whole words: "temp" in "temperature" is not data. */
const DATA_WORDS = new RegExp(
  `(?<![\\p{L}\\p{N}])(?:${[...DATA]
    .sort((a, b) => b.length - a.length)
    .map(escapeRegExp)
    .join('|')})(?![\\p{L}])`,
  'gu'
);

/** The texts a person sees or hears in `root`: its text, aria-labels, titles and placeholders. */
function shownTexts(root: Element): string[] {
  const texts: string[] = [];
  const walker = document.createTreeWalker(root, NodeFilter.SHOW_TEXT);
  for (let node = walker.nextNode(); node; node = walker.nextNode()) {
    if (node.textContent) {
      texts.push(node.textContent);
    }
  }
  for (const element of [root, ...root.querySelectorAll('*')]) {
    for (const name of ['aria-label', 'aria-roledescription', 'aria-description', 'title', 'placeholder']) {
      const value = element.getAttribute(name);
      if (value) {
        texts.push(value);
      }
    }
  }
  return texts;
}

/** The texts that hold more than translated pieces, data, numbers, punctuation and spaces: words that escaped. */
function untranslated(texts: string[]): string[] {
  return texts.filter(text => /[^\s\p{N}\p{P}\p{S}]/u.test(text.replace(/⟦[^⟦⟧]*⟧/g, ' ').replace(DATA_WORDS, ' ')));
}

const T = new Date(2026, 11, 7, 14, 5, 9).getTime();
const iso = (time: number) => new Date(time).toISOString();

/** A Logger's status as its kernel shares it: the kernel's own words come translated (marked as the pseudo-language would). */
const KERNEL_STATUS: IKernelStatus = {
  readings: 12345,
  last_post: iso(T),
  next_post: iso(T + 15 * 60_000),
  pending: 3,
  errors: 2,
  last_error: '⟦Le serveur de la feuille ne répond pas.⟧',
  next_retry: iso(T + 60_000),
  note: 'window opened',
  sheet_notice: '⟦La feuille class-7b est pleine : les lignes vont dans class-7b-2.⟧',
  post_notice: '⟦Rien envoyé à 14:05 : aucune lecture depuis 13:50.⟧'
};

const SHEET: ISheetContent = {
  header: ['time', 'device', 'temperature'],
  rows: [['2026-12-07 14:05:00', 'window bench', '21.5']]
};

const axiosGet = axios.get as jest.MockedFunction<typeof axios.get>;

/** What the page keeps of a sheet it could not read back in time. */
async function unreadableSheet(): Promise<ISheetReadProblem> {
  axiosGet.mockRejectedValue(Object.assign(new Error('timeout of 2500ms exceeded'), { code: 'ECONNABORTED' }));
  return readSheet('http://127.0.0.1:8000/lab-3', 2500).catch(error => error.problem);
}

/** The plugin as JupyterLab activates it. */
function plugin(id: string) {
  return plugins.find(each => each.id === id)!;
}

afterAll(() => useTranslator(nullTranslator));

describe('the check itself', () => {
  test('finds the texts with words the translator never saw, and lets data and numbers through', () => {
    expect(
      untranslated([
        '⟦last post ⟧14:05:09',
        'window bench⟦: ⟧⟦reading⟧',
        '12 345⟦ readings⟧ · 21,5 °C',
        'last post 14:05:09',
        '⟦Stop⟧ window',
        'temperatures'
      ])
    ).toEqual(['last post 14:05:09', '⟦Stop⟧ window', 'temperatures']);
  });
});

describe('in a pseudo-language, every word the page shows is translated', () => {
  let hub: DeviceHub;
  const commands = new CommandRegistry();
  const shell = { add: jest.fn(), activateById: jest.fn() };
  let pluginHub: DeviceHub;

  beforeAll(() => {
    // The hub's plugin chooses the language, before the other plugins show anything.
    const app = { commands, shell };
    pluginHub = plugin('sensorlab:hub').activate(app as never, pseudoTranslator('fr-FR')) as DeviceHub;
    plugin('sensorlab:monitor').activate(app as never, pluginHub, null, null, null);
  });

  afterAll(() => {
    (shell.add.mock.calls[0][0] as MonitorPanel).dispose();
    pluginHub.dispose();
  });

  beforeEach(() => {
    hub = new DeviceHub();
  });

  // Before the serial testbed's: the hub's USB boards let Web Serial go before it is taken away.
  afterEach(() => hub.dispose());
  const bed = serialTestbed();

  test("the commands' labels and captions", () => {
    const texts = commands
      .listCommands()
      .filter(id => id.startsWith('sensorlab:'))
      .flatMap(id => [commands.label(id), commands.caption(id)])
      .filter(Boolean);
    expect(texts).toHaveLength(9);
    expect(untranslated(texts)).toEqual([]);
  });

  test('the sidebar with no device and no logger', () => {
    const panel = shell.add.mock.calls[0][0] as MonitorPanel;
    const texts = [...shownTexts(panel.node), panel.title.caption];
    expect(panel.node.querySelectorAll('button, option')).toHaveLength(8);
    expect(untranslated(texts)).toEqual([]);
  });

  test.each([
    ['serial', 'No USB device yet'],
    ['bluetooth', 'No Bluetooth sensor yet'],
    ['all', 'No device yet']
  ] as const)('a Logger of %s devices with none yet', (kind, words) => {
    const view = loggerView(hub, 'class-7b', '', null, { filter: { kind, devices: null } });
    expect(view.el.querySelector('.jp-sensorlab-Logger-device')!.textContent).toContain(`⟦${words}`);
    expect(untranslated(shownTexts(view.el))).toEqual([]);
    view.remove();
  });

  test('a Logger of the simulated sensor before Start', () => {
    const view = loggerView(hub, 'class-7b', '', null, {
      filter: { kind: 'simulated', devices: null },
      startable: hub.simulated()
    });
    expect(view.el.querySelector('.jp-sensorlab-Logger-hint')!.textContent).toBe(
      '⟦No readings yet. Press Start to begin.⟧'
    );
    expect(untranslated(shownTexts(view.el))).toEqual([]);
    view.remove();
  });

  test("a Logger whose model cannot work says why: no kernel, or a source the page's sensorlab does not know", () => {
    const LoggerModel = createLoggerModel(hub);
    const kernel = new FakeKernel();
    const problems = [
      new LoggerModel({ name: 'class-7b' }, { model_id: 'm1', widget_manager: {} } as never),
      new LoggerModel({ name: 'class-7b', source: 'lasers' }, { model_id: 'm2', widget_manager: { kernel } } as never)
    ].map(model => (model as unknown as ILoggerModel).problem);
    for (const problem of problems) {
      const view = loggerView(hub, 'class-7b', '', null, { problem });
      expect(view.el.querySelector('.jp-sensorlab-Logger-device')!.textContent).toBe(problem);
      expect(untranslated(shownTexts(view.el))).toEqual([]);
      view.remove();
    }
  });

  test("the class view: every state, a line of another day, the kernel's problem, the notebook widget", () => {
    const line = (label: string, state: IClassView['lines'][number]['state'], ago: number, interval_s = 300) => ({
      label,
      device: label === 'group 1' ? 'micro:bit' : '',
      state,
      last_row: T - ago,
      interval_s,
      values: { temperature: 21.456, humidity: 40 },
      values_at: T - ago - 60_000
    });
    const view: IClassView = {
      lines: [
        line('group 3', 'silent', 3 * 86_400_000),
        line('group 2', 'late', 2 * 3_600_000, 30),
        line('group 4', 'no readings', 30_000),
        line('group 1', 'on time', 12 * 60_000)
      ],
      channels: ['humidity', 'temperature'],
      channel: 'temperature',
      series: [{ label: 'group 1', device: 'micro:bit', times: [T], values: [21.456] }],
      read_at: T,
      next_read: T + 60_000,
      problem: '⟦Le serveur de la feuille ne répond pas.⟧'
    };
    const shown = new ClassView(
      () => undefined,
      () => 400
    );
    shown.show(view, T);
    expect(shown.node.querySelector('[role="status"]')!.textContent).toBe(
      '1⟦ on time⟧, 1⟦ with no readings⟧, 1⟦ late⟧, 1⟦ silent⟧'
    );
    expect(shown.node.querySelector('.jp-sensorlab-ClassView-word')!.textContent).toBe('⟦silent⟧');
    expect(untranslated(shownTexts(shown.node))).toEqual([]);
    shown.show({ ...view, lines: [], channels: [], read_at: null, problem: '' }, T);
    expect(untranslated(shownTexts(shown.node))).toEqual([]);
    shown.dispose();

    const model = Object.assign(new Model({ ...view, sheet_url: 'http://127.0.0.1:8000/class-7b' }), {
      save_changes: () => undefined
    });
    const widget = new ClassViewView({ model: model as never });
    widget.render();
    expect(untranslated(shownTexts(widget.el))).toEqual([]);
    widget.remove();
  });

  test("the sidebar's Class section: an address that is not one, then watching a sheet it cannot read", async () => {
    const panel = new MonitorPanel(hub);
    const section = panel.node.querySelector('.jp-sensorlab-Monitor-class')!;
    const field = section.querySelector<HTMLInputElement>('input')!;
    field.value = 'class-7b';
    section.querySelector<HTMLButtonElement>('button')!.click();
    expect(section.querySelector('[role="alert"]')!.textContent).toMatch(/^⟦The class sheet’s address/);
    expect(untranslated(shownTexts(panel.node))).toEqual([]);
    axiosGet.mockRejectedValue(Object.assign(new Error('429'), { response: { status: 429, headers: {} } }));
    field.value = 'http://127.0.0.1:8000/class-7b';
    section.querySelector<HTMLButtonElement>('button')!.click();
    await settle();
    expect(section.querySelector('.jp-sensorlab-ClassView-problem')!.textContent).toMatch(
      /^⟦The sheet server is busy and asked for fewer reads/
    );
    expect(untranslated(shownTexts(panel.node))).toEqual([]);
    panel.dispose();
  });

  describe('a class with several devices, problems, Loggers and a sheet', () => {
    let link: ILoggerLink;
    let unreadable: ISheetReadProblem;

    /**
     * A micro:bit on USB printing readings and lines it cannot read; an Arduino unplugged; a Bluetooth sensor the
     * browser cannot use; the simulated classroom, started; a simulated class of three micro:bits; readings made
     * in Python; and a Logger whose kernel is restarting, whose readings were dropped, not stored and not kept.
     */
    beforeEach(async () => {
      const microbit = new FakePort();
      bed.serial.choice = microbit;
      const board = await hub.connect('serial');
      microbit.print('\ntemperature:21.456\thumidity:40\n');
      microbit.print('temperature:oops\n');
      microbit.print('Starting...\n');
      await waitFor(() => board.health.lines === 3, 'three lines read');
      const arduino = new FakePort({ usbVendorId: 0x2341, usbProductId: 0x0043 });
      bed.serial.choice = arduino;
      const lost = await hub.connect('serial');
      bed.serial.unplug(arduino);
      await waitFor(() => lost.state === 'waiting', 'the Arduino waited for');
      hub.rename(lost.id, 'window bench');
      await hub
        .add(new BluetoothSource('bluetooth-1'))
        .start()
        .catch(() => undefined);
      const simulated = hub.simulated() as SimulatedSource;
      await simulated.start();
      simulated.step();
      (hub.add(new SimulatedClassSource('simulated-class', { groups: 3 })) as SimulatedClassSource).step();
      hub.recorded([{ time: T, values: { lux: 300 }, source: 'python' }]);

      const kernel = new FakeKernel();
      const channel = new ReadingsChannel(kernel as never, 'class-7b', 'stream-1');
      kernel.setStatus('restarting');
      // jsdom has no IndexedDB: the store cannot keep anything, as in a browser with its storage switched off.
      jest.spyOn(console, 'warn').mockImplementation(() => undefined);
      // The kernel's end of the readings channel: it could not store a batch, and refused another.
      const kernelSide = new FakeChannel();
      const forwarder = new Forwarder(kernelSide, {
        forwardEveryMs: 60_000,
        stream: 'stream-1',
        maxHeld: 2,
        store: new IndexedDBBatchStore('class-7b')
      });
      for (let n = 0; n < 5; n++) {
        forwarder.push(reading(n));
      }
      forwarder.flush(); // more than maxHeld: dropped
      forwarder.push(reading(5));
      forwarder.flush();
      kernelSide.open();
      kernelSide.receive({ type: 'not_stored', seq: 1, reason: '⟦la base est verrouillée⟧' });
      kernelSide.receive({ type: 'refused', seq: null, reason: '⟦lot illisible⟧' });
      await settle();
      link = { kernel, logger: 'class-7b', notebook: 'class.ipynb', channel, forwarder } as never;
      expect(forwarder.trouble).toMatchObject({
        dropped: 5,
        resendAt: expect.any(Number),
        storeProblem: expect.any(String)
      });
      unreadable = await unreadableSheet();
    });

    afterEach(() => {
      link.forwarder.dispose();
      (link.channel as ReadingsChannel).dispose();
      jest.restoreAllMocks();
    });

    test('the sidebar: devices, their problems and bad lines, a name being typed, a failed Connect, Loggers', async () => {
      for (const [name, sheetUrl, status, sheet] of [
        ['class-7b', 'http://127.0.0.1:8000/class-7b', KERNEL_STATUS, SHEET],
        ['lab-3', 'http://127.0.0.1:8000/lab-3', { errors: 1 }, unreadable],
        ['room-2', 'room-2', {}, null]
      ] as const) {
        hub.loggers.add({ summary: { name, sheetUrl, status, sheet } } as never);
      }
      const panel = new MonitorPanel(hub);
      const cards = panel.node.querySelectorAll('.jp-sensorlab-Monitor-device');
      expect(cards).toHaveLength(9);
      expect(panel.node.querySelector('.jp-sensorlab-Logger-valueNumber')!.textContent).toBe('21,5');
      const problems = [...panel.node.querySelectorAll('.jp-sensorlab-Monitor-problems li')].map(
        item => item.textContent
      );
      expect(problems).toEqual([
        expect.stringContaining('⟦a message in words, not numbers⟧'),
        expect.stringContaining('⟦no numbers in this line⟧'),
        expect.stringContaining('"oops"⟦ is not a number⟧')
      ]);
      expect(untranslated(shownTexts(panel.node))).toEqual([]);

      panel.node.querySelector<HTMLButtonElement>('.jp-sensorlab-Monitor-rename')!.click();
      panel.node.querySelector<HTMLButtonElement>('[data-transport="bluetooth"]')!.click();
      await settle();
      expect(panel.node.querySelector('.jp-sensorlab-Monitor-nameBox')).not.toBeNull();
      expect(panel.node.querySelector('[role="alert"]')!.textContent).toMatch(/^⟦This browser cannot use Bluetooth/);
      expect(untranslated(shownTexts(panel.node))).toEqual([]);
      panel.dispose();
    });

    test("the notebook widget: every device, the kernel's status, notices, pending rows, a sheet problem", async () => {
      const view = loggerView(hub, 'class-7b', 'http://127.0.0.1:8000/lab-3', null, {
        filter: { kind: 'all', devices: null },
        sources: () => [...hub.sources],
        connect: transport => hub.connect(transport),
        link,
        sheet: unreadable
      });
      view.model.set('_status', KERNEL_STATUS);
      view.el.querySelector<HTMLButtonElement>('[aria-label="⟦Connect another Bluetooth sensor⟧"]')!.click();
      await settle();
      expect(view.el.querySelectorAll('.jp-sensorlab-Logger-deviceRow')).toHaveLength(9);
      expect(view.el.querySelector('.jp-sensorlab-Logger-sheetRows')!.getAttribute('title')).toBe(
        '⟦The sheet server did not answer within ⟧2,5⟦ s.⟧'
      );
      const status = view.el.querySelector('.jp-sensorlab-Logger-status')!.textContent!;
      expect(status).toMatch(/^⟦The kernel is restarting.⟧ · ⟦The notebook could not store/);
      expect(status).toContain('12\u202f345⟦ readings in the notebook⟧');
      expect(view.el.querySelector('.jp-sensorlab-Logger-problems')!.textContent).toMatch(
        /^⟦This browser cannot use Bluetooth/
      );
      expect(untranslated(shownTexts(view.el))).toEqual([]);
      view.remove();
    });

    test('the notebook widget: the simulated sensor, started, and the rows read back from the sheet', () => {
      const simulated = hub.simulated();
      const view = loggerView(hub, 'class-7b', 'http://127.0.0.1:8000/class-7b', null, {
        filter: { kind: 'simulated', devices: null },
        sources: () => [simulated],
        startable: simulated,
        sheet: SHEET
      });
      expect(view.el.querySelector('.jp-sensorlab-Logger-start')!.textContent).toBe('⟦Stop⟧');
      expect(view.el.querySelector('.jp-sensorlab-Logger-sheetRows')!.textContent).toBe(
        ' · 1⟦ row in the sheet, newest from ⟧2026-12-07 14:05:00'
      );
      expect(untranslated(shownTexts(view.el))).toEqual([]);
      view.remove();
    });
  });
});

describe("the settings' words in the pseudo-language", () => {
  beforeAll(() => useTranslator(pseudoTranslator('fr-FR')));

  test('every title and description of the settings schema, and the settings themselves unchanged', () => {
    const plugin = { id: 'sensorlab:monitor', schema: monitorSchema, data: { composite: {}, user: {} }, raw: '{}' };
    const { schema } = translateSettings(plugin as any);
    const words = [schema.title, schema.description, schema['jupyter.lab.setting-icon-label']];
    for (const property of Object.values(schema.properties ?? {})) {
      words.push(property.title, property.description);
    }
    expect(words.filter(Boolean)).toHaveLength(13);
    expect(untranslated(words.filter(Boolean) as string[])).toEqual([]);
    expect(Object.keys(schema.properties ?? {})).toEqual(Object.keys(monitorSchema.properties));
    expect(schema.properties!.forwardEvery.default).toBe(5);
    expect(monitorSchema.title).toBe('sensorlab'); // the fetched schema itself is left as it was
  });
});

describe('the status line, notices and counts in the pseudo-language, in French', () => {
  const quiet = { pending: 0, delivered: 0, refused: 0, lastRefusal: '' };

  beforeAll(() => useTranslator(pseudoTranslator('fr-FR')));

  test("statusParts: numbers as French writes them, times of day, the kernel's words as they came", () => {
    expect(
      statusParts({ ...KERNEL_STATUS, sheet_notice: '', post_notice: '', errors: 1 }, { ...quiet, pending: 1 }, '')
    ).toEqual([
      '12\u202f345⟦ readings in the notebook⟧',
      '1⟦ on its way⟧',
      '⟦last post ⟧14:05:09',
      '⟦next post ⟧14:20:09',
      '3⟦ rows waiting⟧',
      '⟦note for the next row: "⟧window opened⟦"⟧',
      '⟦next try ⟧14:06:09',
      '1⟦ error, last: ⟧⟦Le serveur de la feuille ne répond pas.⟧'
    ]);
  });

  test.each([
    [0, '0⟦ reading in the notebook⟧'],
    [1, '1⟦ reading in the notebook⟧'],
    [2, '2⟦ readings in the notebook⟧']
  ])("the plural form is the language's: %p readings", (readings, words) => {
    expect(statusParts({ readings }, quiet, '')[0]).toBe(words);
  });

  test('troubleNotices: when the notebook is tried again, and how many readings were dropped', () => {
    const trouble = { resendAt: T + 3000, notStored: '⟦verrou⟧', dropped: 1, maxHeld: 100_000, storeProblem: '' };
    expect(troubleNotices(trouble, T)).toEqual([
      '⟦The notebook could not store the last readings (⟧⟦verrou⟧⟦); trying again ⟧⟦in ⟧3⟦ s⟧',
      '⟦The browser dropped the oldest reading on its way: no Logger in the notebook took it, and it keeps at most ⟧' +
        '100\u202f000⟦. Run the cell that creates the Logger.⟧'
    ]);
    expect(troubleNotices({ ...trouble, resendAt: T, dropped: 12345 }, T)).toEqual([
      '⟦The notebook could not store the last readings (⟧⟦verrou⟧⟦); trying again now⟧',
      '⟦The browser dropped the ⟧12\u202f345⟦ oldest readings on their way: no Logger in the notebook took them, ' +
        'and it keeps at most ⟧100\u202f000⟦. Run the cell that creates the Logger.⟧'
    ]);
  });

  test.each([
    [45, '⟦in ⟧45⟦ s⟧'],
    [185, '⟦in ⟧3⟦ min ⟧5⟦ s⟧'],
    [3720, '⟦in ⟧1⟦ h ⟧2⟦ min⟧'],
    [-60, '⟦due now⟧']
  ])('countdown %p s from now: %p', (seconds, words) => {
    expect(countdown(iso(T + seconds * 1000), T)).toBe(words);
  });

  test('problemCounts: plural forms and French numbers', () => {
    expect(problemCounts(1, 12345)).toBe('1⟦ line could not be read⟧, 12\u202f345⟦ values were not numbers⟧');
    expect(problemCounts(2, 0)).toBe('2⟦ lines could not be read⟧');
    expect(problemCounts(0, 1)).toBe('1⟦ value was not a number⟧');
  });

  test('values: a decimal comma, and a space between thousands', () => {
    expect([21.456, 1234, 0.6384, -0].map(formatValue)).toEqual(['21,5', '1\u202f234', '0,638', '0']);
    const tile = valueTiles({ temperature: 21.456 }, { temperature: '°C' }).querySelector(
      '.jp-sensorlab-Logger-valueNumber'
    );
    expect(tile!.textContent).toBe('21,5 °C');
  });
});

describe('numbers and times as each language writes them', () => {
  test.each([
    ['fr-FR', ['21,5', '12\u202f345', '14:05:09', '14:05', '07/12 14:05']],
    ['de-DE', ['21,5', '12.345', '14:05:09', '14:05', '07.12., 14:05']],
    ['en', ['21.5', '12,345', '02:05:09 PM', '02:05 PM', '12/07, 02:05 PM']]
  ])('%s', (language, written) => {
    useTranslator(pseudoTranslator(language));
    expect([
      formatNumber(21.456, 1),
      formatNumber(12345),
      formatClock(T),
      formatClock(T, false),
      formatDayAndTime(T)
    ]).toEqual(written);
  });
});
