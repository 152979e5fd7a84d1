/** sensorlab's settings (Settings Editor → sensorlab): units and chart history. */
import { expect, test } from '@playwright/test';
import { collectErrors, expectNoSensorlabErrors, loggerView, openNotebook, runAllCells, runCommand } from './jupyter';

const SETTINGS = '/lab/api/settings/sensorlab:monitor';

test.afterEach(async ({ request }) => {
  await request.put(SETTINGS, { data: { raw: '{}' } });
});

test('units and chart history come from the settings', async ({ page, request }) => {
  const errors = collectErrors(page);
  const saved = await request.put(SETTINGS, {
    data: { raw: JSON.stringify({ units: { light_ratio: 'ratio', temperature: 'K' }, chartHistoryMinutes: 60 }) }
  });
  expect(saved.ok(), await saved.text()).toBe(true);
  await openNotebook(page, 'lab', '01-first-readings.ipynb');
  await runAllCells(page);
  const logger = loggerView(page);
  await logger.start.click();
  // A unit the device does not give comes from the settings; the device's own unit wins.
  await expect(logger.value('light_ratio')).toHaveText(/^\d\.\d{3} ratio$/);
  await expect(logger.value('temperature')).toHaveText(/ °C$/);

  await runCommand(page, 'sensorlab:open-monitor');
  const choice = page.locator('.jp-sensorlab-Monitor-history select');
  await expect(choice).toHaveValue('60');
  // Choosing in the sidebar saves the setting.
  await choice.selectOption('360');
  await expect.poll(async () => (await (await request.get(SETTINGS)).json()).settings.chartHistoryMinutes).toBe(360);
  await logger.stop.click();
  await expectNoSensorlabErrors(errors);
});
