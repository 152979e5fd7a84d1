/**
 * Pictures of the widget and the sidebar in the light and the dark theme, compared with
 * the reference images in screenshots/ (the README shows them).
 *
 * The page's clock is Playwright's: paused, then moved on in whole seconds, so the
 * seeded simulated classroom gives the same readings at the same times on every run.
 * The Logger has no sheet, because a sheet's post times come from the kernel's real clock.
 */
import { expect, test } from '@playwright/test';
import { collectErrors, expectNoSensorlabErrors, loggerView, openNotebook, runCommand, writeNotebook } from './jupyter';

const THEMES = '/lab/api/settings/@jupyterlab/apputils-extension:themes';
const START = new Date('2026-03-10T09:50:00Z');
// Far enough after START for the notebook to open and run on the clock's natural flow.
const READY = new Date('2026-03-10T09:58:00Z');

test.use({ timezoneId: 'UTC', locale: 'en-GB', viewport: { width: 1280, height: 1300 } });

test.afterEach(async ({ request }) => {
  await request.put(THEMES, { data: { raw: '{}' } });
});

for (const theme of ['light', 'dark']) {
  test(`the widget and the sidebar look as they should in the ${theme} theme`, async ({ page, request }) => {
    const errors = collectErrors(page);
    const saved = await request.put(THEMES, {
      data: { raw: JSON.stringify({ theme: theme === 'dark' ? 'JupyterLab Dark' : 'JupyterLab Light' }) }
    });
    expect(saved.ok(), await saved.text()).toBe(true);
    const notebook = `screenshot-${theme}.ipynb`;
    await writeNotebook(request, notebook, [
      'import tempfile, sensorlab\n' +
        'logger = sensorlab.Logger(name="Room 12", source="simulated", data_dir=tempfile.mkdtemp())\n' +
        'logger'
    ]);

    await page.clock.install({ time: START });
    await openNotebook(page, 'lab', notebook);
    await runCommand(page, 'sensorlab:open-monitor');
    // From here on the page's time moves only when the test says: the Logger's forward
    // timer and the sensor's timer start at READY exactly.
    await page.clock.pauseAt(READY);
    await runCommand(page, 'notebook:run-all-cells');
    const logger = loggerView(page);
    await page.locator('.jp-sensorlab-Logger').waitFor();
    await runCommand(page, 'sensorlab:start-simulated');

    // Ten minutes of readings, one a second. At each whole 5 s the forward timer comes
    // first, so the reading of the last second is still on its way.
    await page.clock.runFor(600_000);
    await expect(logger.status).toHaveText(
      '599 readings in the notebook · 1 on its way · nothing posted yet · 0 rows waiting · no errors'
    );
    const monitor = page.locator('#sensorlab-monitor');
    await expect(monitor.locator('.jp-sensorlab-Monitor-device .jp-sensorlab-Chart canvas')).toHaveCount(6);
    await expect(logger.view).toHaveScreenshot(`widget-${theme}.png`);
    await expect(monitor).toHaveScreenshot(`sidebar-${theme}.png`);
    await expectNoSensorlabErrors(errors);
  });
}
