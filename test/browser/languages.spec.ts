/**
 * JupyterLab switched to French, then to German (Settings → Language; the language packs are installed
 * by `make`): the widget and the sidebar show no English word, numbers are written the language's way,
 * and what the kernel says after the page told it the language (an error raised in a cell, a post that
 * failed) arrives in that language too.
 *
 * Which words are English is read from the catalogue the page uses (the wheel's sensorlab.json): a word
 * of the English texts that no translation uses. Data keeps its name in every language: channel names,
 * units, the logger's and the devices' names.
 */
import { readFileSync } from 'fs';
import path from 'path';
import { expect, Page, test } from '@playwright/test';
import {
  collectErrors,
  expectNoSensorlabErrors,
  kernelJson,
  kernelRun,
  loggerView,
  openNotebook,
  runCommand,
  writeNotebook
} from './jupyter';

const LANGUAGE_SETTING = '/lab/api/settings/@jupyterlab/translation-extension:plugin';
const LOCALE_DIR = path.resolve(__dirname, '../../python_shim/sensorlab/locale');
// The data on the page: the simulated classroom's channels and units, and the names this test gives.
const DATA = new Set(['temperature', 'humidity', 'light', 'ratio', 'lux', 'heater', 'target', 'room', 'hpa', 'sheet']);

const words = (text: string): string[] => text.toLowerCase().match(/\p{L}{3,}/gu) ?? [];

/** The page's catalogue of a language, as the wheel ships it: msgid (after "context\u0004") → forms. */
function catalogue(language: string): Record<string, string[]> {
  return JSON.parse(readFileSync(path.join(LOCALE_DIR, language, 'LC_MESSAGES', 'sensorlab.json'), 'utf-8'));
}

/** English words of sensorlab's texts that the language's catalogue never uses, and words only it uses. */
function vocabulary(language: string) {
  const english = new Set<string>();
  const translated = new Set<string>();
  for (const [key, forms] of Object.entries(catalogue(language))) {
    if (key) {
      words(key.split('\u0004').pop()!).forEach(w => english.add(w));
      forms.flatMap(words).forEach(w => translated.add(w));
    }
  }
  return {
    english: new Set([...english].filter(w => !translated.has(w) && !DATA.has(w))),
    own: new Set([...translated].filter(w => !english.has(w)))
  };
}

/** Every text a person meets in sensorlab's nodes: shown text, and the names and hints of controls. */
async function shownTexts(page: Page): Promise<string[]> {
  return page.evaluate(() => {
    const roots = document.querySelectorAll('.jp-sensorlab-Logger, #sensorlab-monitor');
    const texts: string[] = [];
    for (const root of Array.from(roots)) {
      texts.push((root as HTMLElement).innerText);
      const names = ['aria-label', 'aria-roledescription', 'aria-description', 'title', 'placeholder'];
      for (const node of Array.from(root.querySelectorAll(names.map(name => `[${name}]`).join(', ')))) {
        for (const name of names) {
          const value = node.getAttribute(name);
          if (value) {
            texts.push(value);
          }
        }
      }
    }
    return texts;
  });
}

function expectIn(language: string, texts: string[], what: string) {
  const { english, own } = vocabulary(language);
  const found = texts.flatMap(text =>
    words(text)
      .filter(w => english.has(w))
      .map(w => `"${w}" in: ${text}`)
  );
  expect(found, `English words in ${what}`).toEqual([]);
  expect(
    texts.flatMap(words).some(w => own.has(w)),
    `${what} is not in ${language}: ${texts.join(' | ')}`
  ).toBe(true);
}

test.afterEach(async ({ request }) => {
  await request.put(LANGUAGE_SETTING, { data: { raw: '{}' } });
});

for (const language of ['fr_FR', 'de_DE']) {
  test(`in ${language}: the widget, the sidebar and the kernel's words`, async ({ page, request }, testInfo) => {
    const errors = collectErrors(page);
    const saved = await request.put(LANGUAGE_SETTING, { data: { raw: JSON.stringify({ locale: language }) } });
    expect(saved.ok(), await saved.text()).toBe(true);
    const notebook = `language-${language}.ipynb`;
    // A sheet nobody answers at: the post fails, and the status says so.
    await writeNotebook(request, notebook, [
      'import tempfile, sensorlab\n' +
        'logger = sensorlab.Logger(name="Room 12", source="simulated", forward_every=1,\n' +
        '                          sheet="http://127.0.0.1:9/room-12", data_dir=tempfile.mkdtemp())\n' +
        'logger'
    ]);
    await openNotebook(page, 'lab', notebook);
    await runCommand(page, 'sensorlab:open-monitor');
    await runCommand(page, 'notebook:run-all-cells');
    const logger = loggerView(page);
    await page.locator('.jp-sensorlab-Logger').waitFor();
    await runCommand(page, 'sensorlab:start-simulated');
    await expect(logger.value('temperature')).toHaveText(/\d/, { timeout: 30_000 });

    // Numbers as the language writes them: a decimal comma in French and German.
    await expect(logger.value('temperature')).toHaveText(/^-?\d+,\d+ °C$/);

    // A post that fails: the kernel's words in the status.
    await kernelRun(page, 'logger.post_now()');
    await expect.poll(() => kernelJson<number>(page, 'print(logger.status["errors"])'), { timeout: 60_000 }).toBe(1);
    const lastError = await kernelJson<string>(page, 'import json; print(json.dumps(logger.status["last_error"]))');
    await expect(logger.status).toContainText(lastError);
    expectIn(language, [await logger.status.innerText()], 'the status line');

    // An error raised in a cell after the widget told the kernel the language.
    const raised = await kernelRun(
      page,
      'try:\n    logger.record(temperature="warm")\nexcept Exception as e:\n    print(e)'
    );
    expectIn(language, [raised], 'the error record() raised');

    expectIn(language, await shownTexts(page), 'the widget and the sidebar');
    // A picture of the widget and the sidebar in the language, for people to look at.
    const shot = testInfo.outputPath(`sensorlab-${language}.png`);
    await page.screenshot({ path: shot, fullPage: true });
    await testInfo.attach(`sensorlab in ${language}`, { path: shot, contentType: 'image/png' });

    // The Settings Editor shows sensorlab's settings in the language too.
    await runCommand(page, 'settingeditor:open', { query: 'sensorlab' });
    const setting = catalogue(language)['settings\u0004Forward interval (seconds)'][0];
    await expect(page.locator('.jp-SettingsPanel')).toContainText(setting, { timeout: 30_000 });
    await expectNoSensorlabErrors(errors);
  });
}
