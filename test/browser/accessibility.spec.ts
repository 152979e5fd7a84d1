/**
 * The widget and the sidebar for students with a screen reader, a keyboard or high contrast:
 * axe-core finds no WCAG 2.1 A or AA violation in the light, dark and high-contrast themes, with a
 * class of devices and an error shown; a chart's text alternative and its announcements reach the
 * accessibility tree, and its audio trace plays a higher tone for a higher value.
 *
 * One notebook page serves every check, in each language of LANGUAGES.
 */
import AxeBuilder from '@axe-core/playwright';
import { expect, Locator, Page, test } from '@playwright/test';
import {
  collectErrors,
  expectNoSensorlabErrors,
  kernelJson,
  openNotebook,
  runAllCells,
  runCommand,
  writeNotebook
} from './jupyter';

const THEMES_SETTINGS = '/lab/api/settings/@jupyterlab/apputils-extension:themes';
const LANGUAGE_SETTINGS = '/lab/api/settings/@jupyterlab/translation-extension:plugin';
const THEMES = ['JupyterLab Light', 'JupyterLab Dark', 'JupyterLab Dark High Contrast'];
const WCAG_21_AA = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'];

/** The page languages the checks run in: JupyterLab's locale, and how a chart's summary says its trend in it. */
const LANGUAGES = [
  { locale: 'en', trend: /(Rising|Falling|Steady) between/ },
  { locale: 'fr_FR', trend: /(En hausse|En baisse|Stable) entre/ }
];

/** No sheet server listens on port 9 of this machine: every post and read-back fails, and says so. */
const NO_SHEET_HERE = 'http://127.0.0.1:9/room-12';

test.afterEach(async ({ request }) => {
  await request.put(THEMES_SETTINGS, { data: { raw: '{}' } });
  await request.put(LANGUAGE_SETTINGS, { data: { raw: '{}' } });
});

/** Before the page loads: record the pitch of every tone the page starts (the audio trace's sound). */
async function recordTones(page: Page): Promise<void> {
  await page.addInitScript(() => {
    const tones: number[] = ((window as any).sensorlabTones = []);
    const createOscillator = BaseAudioContext.prototype.createOscillator;
    BaseAudioContext.prototype.createOscillator = function (this: BaseAudioContext) {
      const oscillator = createOscillator.call(this);
      const frequency = oscillator.frequency;
      let hz = frequency.value;
      const setValueAtTime = frequency.setValueAtTime.bind(frequency);
      frequency.setValueAtTime = (value: number, time: number) => {
        hz = value;
        return setValueAtTime(value, time);
      };
      const start = oscillator.start.bind(oscillator);
      oscillator.start = (when?: number) => {
        tones.push(hz);
        start(when);
      };
      return oscillator;
    };
  });
}

/** The role, name and description Chromium's own accessibility tree gives the element, as a screen reader gets them. */
async function accessibleNode(
  page: Page,
  locator: Locator
): Promise<{ role: string; name: string; description: string }> {
  const cdp = await page.context().newCDPSession(page);
  try {
    await locator.evaluate(element => ((window as any).sensorlabInspected = element));
    const { result } = await cdp.send('Runtime.evaluate', { expression: 'window.sensorlabInspected' });
    const { nodes } = await cdp.send('Accessibility.getPartialAXTree', {
      objectId: result.objectId,
      fetchRelatives: false
    });
    const value = (property: { value?: unknown } | undefined) => String(property?.value ?? '');
    return { role: value(nodes[0].role), name: value(nodes[0].name), description: value(nodes[0].description) };
  } finally {
    await cdp.detach();
  }
}

/** axe-core on the widgets and the sidebar alone (JupyterLab's own UI is not ours): no violation. */
async function expectNoViolations(page: Page, where: string): Promise<void> {
  const results = await new AxeBuilder({ page })
    .include('.jp-sensorlab-Logger')
    .include('#sensorlab-monitor')
    .withTags(WCAG_21_AA)
    .analyze();
  const violations = results.violations.map(
    violation =>
      `${violation.id} (${violation.impact}): ${violation.help}\n` +
      violation.nodes.map(node => `    ${node.target.join(' ')}: ${node.failureSummary}`).join('\n')
  );
  expect(violations, `axe-core in ${where}:\n${violations.join('\n')}`).toEqual([]);
  // The scan did reach our nodes: the text's contrast was checked on many of them.
  const contrast = results.passes.find(rule => rule.id === 'color-contrast');
  const undecided = results.incomplete.map(rule => `${rule.id}: ${rule.nodes.length}`).join(', ');
  expect(contrast?.nodes.length ?? 0, `contrast checked in ${where}; undecided: ${undecided}`).toBeGreaterThan(20);
}

/** The temperature an announcement says, as it is written ("21.5 °C", "21,5 °C") and as a number. */
function saidTemperature(words: string): { text: string; value: number } {
  const match = /(-?\d+(?:[.,]\d+)?) °C/.exec(words);
  expect(match, words).not.toBeNull();
  return { text: match![0], value: Number(match![1].replace(',', '.')) };
}

for (const { locale, trend } of LANGUAGES) {
  test(`the widget and the sidebar pass axe-core in every theme, and the charts speak and sound (${locale})`, async ({
    page,
    request
  }) => {
    const errors = collectErrors(page);
    const saved = await request.put(LANGUAGE_SETTINGS, { data: { raw: JSON.stringify({ locale }) } });
    expect(saved.ok(), await saved.text()).toBe(true);
    await writeNotebook(request, 'accessibility.ipynb', [
      'import tempfile, sensorlab\n' +
        `room = sensorlab.Logger(name="Room 12", source="simulated", sheet="${NO_SHEET_HERE}", forward_every=1, data_dir=tempfile.mkdtemp())\n` +
        'room',
      'group = sensorlab.Logger(name="Class 7b", source="simulated-class", data_dir=tempfile.mkdtemp())\ngroup'
    ]);
    await recordTones(page);
    await openNotebook(page, 'lab', 'accessibility.ipynb');
    await runCommand(page, 'sensorlab:open-monitor');
    await runAllCells(page);
    const widget = (name: string) =>
      page
        .locator('.jp-sensorlab-Logger')
        .filter({ has: page.locator('.jp-sensorlab-Logger-title', { hasText: name }) });
    const room = widget('Room 12');
    const group = widget('Class 7b');
    await runCommand(page, 'sensorlab:start-simulated');
    await group.locator('.jp-sensorlab-Logger-start').click();

    // In the sidebar: the room's sensor, the class's gateway and its thirty micro:bits with two charts each.
    // The room's sheet cannot be read back, and both views say so.
    const monitor = page.locator('#sensorlab-monitor');
    await expect(monitor.locator('.jp-sensorlab-Monitor-device')).toHaveCount(1 + 1 + 30);
    await expect(monitor.locator('.jp-sensorlab-Chart')).toHaveCount(6 + 30 * 2);
    const sheetProblem = room.locator('.jp-sensorlab-Logger-sheetRows');
    await expect(sheetProblem).toHaveAttribute('title', /./); // the why, for the teacher
    const problem = (await sheetProblem.textContent())!.replace(/^ · /, '');
    await expect(monitor.locator('.jp-sensorlab-Monitor-logger[data-logger="Room 12"]')).toContainText(problem);
    // JupyterLab's shell is placed on the window while the page's body is 0 px high with its overflow
    // hidden: axe takes that as every text clipped away and checks no contrast. The window's height
    // for the body changes nothing on screen and lets axe see the text.
    await page.addStyleTag({ content: 'html, body { height: 100%; }' });
    for (const theme of THEMES) {
      await runCommand(page, 'apputils:change-theme', { theme });
      await expect(page.locator('body')).toHaveAttribute('data-jp-theme-name', theme);
      // The splash screen covers the page while a theme loads: axe would find our text hidden under it.
      await expect(page.locator('#jupyterlab-splash')).toHaveCount(0);
      await expectNoViolations(page, theme);
    }

    // The room's temperature chart, with half a minute of readings; stopped, so its line holds still.
    const chart = room.locator('.jp-sensorlab-Chart[data-channel="temperature"]');
    const plot = chart.getByRole('application');
    const announcement = chart.getByRole('status');
    await expect.poll(() => kernelJson<number>(page, 'print(len(room.data))'), { timeout: 60_000 }).toBeGreaterThan(30);
    await runCommand(page, 'sensorlab:stop-simulated');
    await expect(room.locator('.jp-sensorlab-Logger-start.jp-mod-accept')).toBeVisible();

    const node = await accessibleNode(page, plot);
    expect(node.role).toBe('application');
    expect(node.name).toContain('temperature');
    expect(node.name).toContain('°C');

    // Enter: the summary is announced at once, and it is the text alternative's first part.
    await plot.focus();
    await page.keyboard.press('Enter');
    const summary = (await announcement.textContent())!;
    expect(node.description.startsWith(summary), `${node.description}\nstarts with\n${summary}`).toBe(true);
    expect(summary).toMatch(trend);

    // The audio trace: End, then from the first point to that last one, each point said and sounded.
    const words = async () => (await announcement.textContent())!.trim();
    const unmarked = await plot.screenshot();
    await page.keyboard.press('End');
    expect(await plot.screenshot(), 'the explored point is marked on the chart').not.toEqual(unmarked);
    // Only the last point is said as the latest: two others may read the same (one value, one second).
    const last = await words();
    await page.keyboard.press('Home');
    const said = [await words()];
    while (said[said.length - 1] !== last && said.length < 1000) {
      await page.keyboard.press('ArrowRight');
      said.push(await words());
    }
    await expect(plot, 'the chart kept the keyboard').toBeFocused();
    expect(said.length, `half a minute of readings, said:\n${said.join('\n')}`).toBeGreaterThan(10);
    // One tone a key, End's first.
    const tones: number[] = (await page.evaluate(() => (window as any).sensorlabTones)).slice(1);
    expect(tones).toHaveLength(said.length);
    const temperatures = said.map(saidTemperature);
    const values = temperatures.map(temperature => temperature.value);

    // A higher value sounds higher, a lower one lower; equal words may differ in a digit not said.
    let compared = 0;
    for (let i = 1; i < values.length; i++) {
      if (values[i] !== values[i - 1]) {
        expect(Math.sign(tones[i] - tones[i - 1]), `${said[i - 1]} → ${said[i]}`).toBe(
          Math.sign(values[i] - values[i - 1])
        );
        compared++;
      }
    }
    expect(compared, said.join('\n')).toBeGreaterThan(3);
    expect(Math.min(...tones)).toBeCloseTo(220);
    expect(Math.max(...tones)).toBeCloseTo(880);

    // The text alternative says what the points say: the latest, the lowest and the highest, and the period.
    const times = said.map(point => /\d{1,2}:\d{2}:\d{2}/.exec(point)![0]);
    const lowest = temperatures[values.indexOf(Math.min(...values))].text;
    const highest = temperatures[values.indexOf(Math.max(...values))].text;
    expect(summary).toContain(said[said.length - 1]);
    for (const part of [times[0], times[times.length - 1], lowest, highest]) {
      expect(summary).toContain(part);
    }

    // Escape leaves the points: the marker goes, and the chart says so.
    await page.keyboard.press('Escape');
    await expect(announcement).not.toHaveText(said[said.length - 1]);
    expect(await plot.screenshot(), 'no marker after Escape').toEqual(unmarked);
    await expectNoSensorlabErrors(errors);
  });
}
