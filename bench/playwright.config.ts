// The browser half of the benchmark (bench/browser.bench.ts, bench/devices.bench.ts), run by bench/run.py.
import { defineConfig } from '@playwright/test';
import base from '../test/browser/playwright.config';

export default defineConfig({
  ...base,
  testDir: '.',
  testMatch: ['browser.bench.ts', 'devices.bench.ts'],
  timeout: 900_000,
  reporter: [['list']],
  outputDir: '.work/playwright'
});
