/**
 * The class site (`make lite`) in Chromium with no network: the lessons, the Pyodide kernel,
 * sensorlab's extension, and the Python package loaded from the site itself.
 */
import { expect, newPyodideNotebook, runCell, test } from './lite';

const LESSONS = [
  '01-first-readings.ipynb',
  '02-microbit-serial.ipynb',
  '03-bluetooth-environment.ipynb',
  '04-day-and-night.ipynb',
  '05-thermostat.ipynb',
  '06-our-whole-class.ipynb'
];

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
