/** The widget and the sidebar work from the keyboard alone: Tab reaches every control, Enter or Space uses it, and each has a name. */
import { expect, Locator, test } from '@playwright/test';
import {
  collectErrors,
  expectNoSensorlabErrors,
  kernelJson,
  loggerView,
  openNotebook,
  runAllCells,
  runCommand,
  writeNotebook
} from './jupyter';

test.afterEach(async ({ request }) => {
  // Choosing a history in the sidebar saves it in the settings.
  await request.put('/lab/api/settings/sensorlab:monitor', { data: { raw: '{}' } });
});

/** The chart has the keyboard; Enter and Space read its summary out at once (its live region changes). */
async function expectChartWorks(chart: Locator): Promise<void> {
  await expect(chart).toBeFocused();
  const announcement = chart.locator('xpath=..').getByRole('status');
  const said = () => announcement.evaluate(region => region.textContent);
  await chart.page().keyboard.press('Enter');
  await expect(announcement).toHaveText(/^(Latest|One reading so far): .+ at /);
  const first = await said();
  await chart.page().keyboard.press('Space');
  await expect.poll(said).not.toBe(first);
}

test('a student can use the widget and the sidebar with the keyboard', async ({ page, request }) => {
  const errors = collectErrors(page);
  // The browser's USB chooser, faked: "Connect USB device" gets a board.
  await page.addInitScript({ path: `${__dirname}/fake-serial.js` });
  await writeNotebook(request, 'keyboard.ipynb', [
    'import tempfile, sensorlab\n' +
      'logger = sensorlab.Logger(name="keyboard", source="simulated", forward_every=1, data_dir=tempfile.mkdtemp())\n' +
      'logger'
  ]);
  await openNotebook(page, 'lab', 'keyboard.ipynb');
  await runAllCells(page);
  const logger = loggerView(page);

  // Widget: Start with Enter, then Tab along: chart, note box, Add note, Download CSV, in that order.
  await logger.start.focus();
  await page.keyboard.press('Enter');
  await expect(logger.stop).toBeFocused();
  await expect(logger.view).toContainText('Simulated classroom: reading');
  const chart = logger.view.getByRole('application', { name: 'Chart of temperature in °C' });
  await expect(chart).toBeVisible();
  await page.keyboard.press('Tab');
  await expectChartWorks(chart);
  await page.keyboard.press('Tab');
  const noteBox = logger.view.getByRole('textbox', { name: 'Note for the next row' });
  await expect(noteBox).toBeFocused();
  await page.keyboard.type('door closed');
  await page.keyboard.press('Tab');
  await expect(logger.view.getByRole('button', { name: 'Add note' })).toBeFocused();
  await page.keyboard.press('Space');
  await expect(logger.status).toContainText('note for the next row: "door closed"');
  // Enter in the note box adds the note too.
  await page.keyboard.press('Shift+Tab');
  await expect(noteBox).toBeFocused();
  await page.keyboard.type('window opened');
  await page.keyboard.press('Enter');
  await expect(logger.status).toContainText('note for the next row: "window opened"');
  await page.keyboard.press('Tab');
  await page.keyboard.press('Tab');
  await expect(
    logger.view.getByRole('button', { name: 'Download CSV: every reading, with times and notes' })
  ).toBeFocused();
  await expect.poll(() => kernelJson<number>(page, 'print(len(logger.data))')).toBeGreaterThan(1);
  const download = page.waitForEvent('download');
  await page.keyboard.press('Enter');
  expect((await download).suggestedFilename()).toMatch(/\.csv$/);

  // Sidebar: the connect buttons, the history choice and the device's Stop, by Tab.
  await runCommand(page, 'sensorlab:open-monitor');
  const monitor = page.getByRole('region', { name: 'sensorlab monitor' });
  const history = monitor.getByRole('combobox', { name: 'Charts show' });
  await monitor.getByRole('button', { name: 'Connect USB device' }).focus();
  for (const next of [
    monitor.getByRole('button', { name: 'Connect Bluetooth sensor' }),
    monitor.getByRole('button', { name: 'Start simulated sensor' }),
    history,
    monitor.getByRole('button', { name: 'Stop Simulated classroom' })
  ]) {
    await page.keyboard.press('Tab');
    await expect(next).toBeFocused();
  }
  // Arrow keys choose a longer history; Enter on Stop stops the sensor.
  await page.keyboard.press('Shift+Tab');
  await page.keyboard.press('ArrowDown');
  await expect(history).toHaveValue('60');
  await page.keyboard.press('Tab');
  await page.keyboard.press('Enter');
  await expect(monitor).toContainText('Simulated classroom stopped');
  await expect(logger.view).toContainText('Simulated classroom: stopped');
  // Rename from the keyboard: the name box takes the keyboard, Enter keeps the name, Escape does not.
  await page.keyboard.press('Tab');
  await expect(monitor.getByRole('button', { name: 'Rename Simulated classroom' })).toBeFocused();
  await page.keyboard.press('Enter');
  const nameBox = monitor.getByRole('textbox', { name: 'New name for simulated, Enter to keep it' });
  await expect(nameBox).toBeFocused();
  await nameBox.fill('Heater corner');
  await page.keyboard.press('Enter');
  const renamed = monitor.getByRole('button', { name: 'Rename Heater corner' });
  await expect(renamed).toBeFocused();
  await expect(monitor.getByRole('region', { name: 'Heater corner' })).toContainText('Heater corner stopped');
  await page.keyboard.press('Enter');
  await page.keyboard.type(' 2');
  await page.keyboard.press('Escape');
  await expect(renamed).toBeFocused();
  // Then each of the sensor's charts, in the order they are shown.
  const card = monitor.getByRole('region', { name: 'Heater corner' });
  const charts = card.getByRole('application');
  await expect(charts).toHaveCount(6);
  for (const chart of await charts.all()) {
    await page.keyboard.press('Tab');
    await expectChartWorks(chart);
  }
  // Space on "Start simulated sensor" starts it again; Enter on "Connect USB device" adds the (fake) board.
  await monitor.getByRole('button', { name: 'Start simulated sensor' }).focus();
  await page.keyboard.press('Space');
  await expect(card).toContainText('Heater corner reading');
  await monitor.getByRole('button', { name: 'Connect USB device' }).focus();
  await page.keyboard.press('Enter');
  await expect(monitor.locator('.jp-sensorlab-Monitor-device')).toHaveCount(2);
  // Every button of both views has a name a screen reader can say.
  for (const button of await page.locator('.jp-sensorlab-Logger button, #sensorlab-monitor button').all()) {
    expect(await button.evaluate(b => b.getAttribute('aria-label') || b.textContent?.trim())).not.toBe('');
  }
  await expectNoSensorlabErrors(errors);
});
