/** The sheet's address in the notebook widget and the sidebar: a link only when it is an http(s) address. */
import { DeviceHub } from '../../src/hub';
import { MonitorPanel } from '../../src/monitor/panel';
import { loggerView } from './views';

/** Addresses a kernel could send that must never become a link: they would run code or open local files. */
const NOT_WEB = [
  'javascript:alert(document.cookie)',
  ' JavaScript:alert(1)',
  'java\tscript:alert(1)',
  'data:text/html,<script>alert(1)</script>',
  'vbscript:msgbox(1)',
  'file:///etc/passwd',
  '//evil.example/sheet',
  'room-7b'
];
const WEB = ['http://127.0.0.1:8000/class-7b', 'https://ethercalc.net/room-7b'];

describe("the sheet's address", () => {
  let hub: DeviceHub;

  beforeEach(() => {
    hub = new DeviceHub();
  });

  afterEach(() => hub.dispose());

  /** What the notebook widget shows for a Logger whose kernel gave this sheet address. */
  function widgetSheet(sheetUrl: string): HTMLElement {
    const view = loggerView(hub, 'class-7b', sheetUrl, null);
    const sheet = view.el.querySelector<HTMLElement>('.jp-sensorlab-Logger-sheet')!;
    view.remove();
    return sheet;
  }

  /** What the sidebar shows for a Logger whose kernel gave this sheet address. */
  function sidebarLogger(sheetUrl: string): HTMLElement {
    const panel = new MonitorPanel(hub);
    hub.loggers.add({ summary: { name: 'class-7b', sheetUrl, status: {}, sheet: null } } as never);
    hub.loggerChanged();
    const card = panel.node.querySelector<HTMLElement>('.jp-sensorlab-Monitor-logger')!;
    panel.dispose();
    return card;
  }

  describe.each([
    ['the notebook widget', widgetSheet],
    ['the sidebar', sidebarLogger]
  ])('in %s', (_, shown) => {
    test.each(NOT_WEB)('%p is plain text with a sentence saying why, never a link', address => {
      const node = shown(address);
      expect(node.querySelector('a')).toBeNull();
      expect(node.querySelector('[href]')).toBeNull();
      expect(node.querySelector('.jp-sensorlab-Logger-sheetAddress')!.firstChild!.textContent).toBe(address);
      expect(node.textContent).toContain('does not start with http:// or https://');
    });

    test.each(WEB)('%p is a link that opens in a new tab', address => {
      const link = shown(address).querySelector('a')!;
      expect(link.getAttribute('href')).toBe(address);
      expect(link.textContent).toBe(address);
      expect(link.target).toBe('_blank');
      expect(link.rel).toBe('noopener noreferrer');
      expect(shown(address).textContent).not.toContain('does not start with');
    });
  });
});
