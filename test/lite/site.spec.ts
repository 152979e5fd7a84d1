/**
 * The class site (`make lite`) in Chromium with no network: the lessons, the Pyodide kernel,
 * sensorlab's extension, and the Python package loaded from the site itself.
 */
import { expect, newPyodideNotebook, runCell, test, uniqueName } from './lite';

const LESSONS = [
  '01-first-readings.ipynb',
  '02-microbit-serial.ipynb',
  '03-bluetooth-environment.ipynb',
  '04-day-and-night.ipynb',
  '05-thermostat.ipynb',
  '06-our-whole-class.ipynb',
  '07-watch-the-class.ipynb'
];
// Lessons 01 and 06 in the class's language, in a folder per language.
const TRANSLATED_LESSONS: Record<string, string[]> = {
  de: ['de/01-erste-messwerte.ipynb', 'de/06-unsere-ganze-klasse.ipynb'],
  es: ['es/01-primeras-mediciones.ipynb', 'es/06-toda-la-clase.ipynb'],
  fr: ['fr/01-premieres-mesures.ipynb', 'fr/06-toute-la-classe.ipynb']
};

test('the site shows the lessons and sensorlab’s sidebar and starts the Pyodide kernel offline', async ({ page }) => {
  await newPyodideNotebook(page);
  const files = page.locator('.jp-DirListing-content');
  for (const lesson of LESSONS) {
    await expect(files.getByText(lesson)).toBeVisible();
  }
  await page.locator('.jp-SideBar li[data-id="sensorlab-monitor"]').click();
  await expect(page.locator('.jp-sensorlab-Monitor')).toBeVisible();

  expect(await runCell(page, 0, 'import sys; sys.platform')).toContain("'emscripten'");
  // The site's own time zone data and HTTP client, no download.
  const zone = await runCell(page, 1, 'import requests, tzdata, zoneinfo; str(zoneinfo.ZoneInfo("Europe/Paris"))');
  expect(zone).toContain("'Europe/Paris'");
});

test('the site has lessons 01 and 06 in French, German and Spanish, each language in its folder', async ({ page }) => {
  for (const [folder, lessons] of Object.entries(TRANSLATED_LESSONS)) {
    const listing = await page.request.get(`api/contents/${folder}/all.json`);
    expect(listing.ok(), `the site has no folder ${folder}/`).toBe(true);
    const paths = (await listing.json()).content.map((file: { path: string }) => file.path);
    expect(paths.sort()).toEqual(lessons);
  }
});

test('a teacher switches the site to French: JupyterLab, sensorlab and the kernel speak French', async ({ page }) => {
  await page.goto('lab/index.html?reset');
  await page.waitForFunction(() => (window as any).jupyterapp);
  // Settings → Language → Français does this, and reloads the page.
  await page.evaluate(async () => {
    const app = (window as any).jupyterapp;
    await app.started;
    await app.serviceManager.settings.save('@jupyterlab/translation-extension:plugin', '{"locale": "fr_FR"}');
  });
  await newPyodideNotebook(page);
  await expect(page.locator('#jp-menu-panel')).toContainText('Fichier');
  await page.locator('.jp-SideBar li[data-id="sensorlab-monitor"]').click();
  await expect(page.locator('.jp-sensorlab-Monitor')).toContainText('Démarrer le capteur simulé');
  const shown = await runCell(
    page,
    0,
    `import sensorlab; logger = sensorlab.Logger(name="${uniqueName('fr')}"); logger`
  );
  expect(shown).toContain('Démarrer');
  // The widget told the kernel the page's language: its errors are French.
  const raised = await runCell(page, 1, 'logger.record(temperature="warm")');
  expect(raised).toContain("La mesure : temperature doit être un nombre, pas 'warm'");
});

test('`import sensorlab` in a first cell loads the package and its imports from the site', async ({ page }) => {
  await newPyodideNotebook(page);
  const version = await runCell(page, 0, 'import sensorlab; sensorlab.__version__');
  expect(version).toMatch(/'\d+\.\d+\.\d+'/);
});

test('`%pip install sensorlab` installs it from the site', async ({ page }) => {
  await newPyodideNotebook(page);
  expect(await runCell(page, 0, '%pip install sensorlab')).not.toContain('Error');
  expect(await runCell(page, 1, 'import sensorlab; sensorlab.__version__')).toMatch(/'\d+\.\d+\.\d+'/);
});
