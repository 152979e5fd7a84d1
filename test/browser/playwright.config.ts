import { defineConfig } from '@playwright/test';
import { chromiumLaunchOptions } from './chromium';

const jupyter = process.env.SENSORLAB_JUPYTER;
if (!jupyter) {
  throw new Error(
    'The browser tests need a running Jupyter server and EtherCalc: run them with `make test` ' +
      '(or `.venv/bin/python test/servers/servers.py run -- npx playwright test ...`).'
  );
}

export default defineConfig({
  testDir: '.',
  timeout: 180_000,
  expect: {
    timeout: 30_000,
    // Same machine, same Chromium, same fonts: only anti-aliasing may differ a little.
    toHaveScreenshot: { maxDiffPixelRatio: 0.002, animations: 'disabled', caret: 'hide' }
  },
  // Reference images, committed and shown in the README; a missing one fails the test.
  snapshotPathTemplate: '{testDir}/screenshots/{arg}{ext}',
  workers: 1,
  retries: 0,
  forbidOnly: true,
  reporter: [['list'], ['json', { outputFile: process.env.SENSORLAB_PW_JSON ?? 'test-results/browser.json' }]],
  outputDir: 'test-results/artifacts',
  use: {
    baseURL: jupyter,
    browserName: 'chromium',
    headless: true,
    viewport: { width: 1280, height: 900 },
    launchOptions: chromiumLaunchOptions,
    screenshot: 'only-on-failure'
  }
});
