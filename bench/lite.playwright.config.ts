// The class site's half of the benchmark (bench/lite.bench.ts), run by bench/run.py with the site served.
import { defineConfig } from '@playwright/test';
import base from '../test/lite/playwright.config';

export default defineConfig({
  ...base,
  testDir: '.',
  testMatch: ['lite.bench.ts'],
  timeout: 600_000,
  reporter: [['list']],
  outputDir: '.work/playwright-lite',
  use: { ...base.use, screenshot: 'only-on-failure' }
});
