import { defineConfig } from '@playwright/test';
import { chromiumLaunchOptions } from '../browser/chromium';

const site = process.env.SENSORLAB_LITE;
if (!site) {
  throw new Error(
    'The class site tests need the built site served and EtherCalc: run them with `make lite-test` ' +
      '(or `.venv/bin/python test/servers/lite.py run -- npx playwright test --config test/lite/playwright.config.ts`).'
  );
}

export default defineConfig({
  testDir: '.',
  timeout: 180_000,
  expect: { timeout: 60_000 },
  workers: 2, // most of a test waits: on the Pyodide kernel's start, a sheet's schedule, a held post
  retries: 0,
  forbidOnly: true,
  reporter: [['list'], ['json', { outputFile: process.env.SENSORLAB_PW_JSON ?? 'test-results/lite.json' }]],
  outputDir: 'test-results/lite-artifacts',
  use: {
    baseURL: site,
    browserName: 'chromium',
    headless: true,
    viewport: { width: 1280, height: 900 },
    launchOptions: chromiumLaunchOptions,
    screenshot: 'on'
  }
});
