/**
 * The lessons in the class site, offline: lesson 01 with the simulated sensor, and a USB board
 * (a fake Web Serial port, the device boundary), each to rows in a real EtherCalc.
 */
import { sheetCsv } from '../browser/ethercalc';
import { kernelJson, kernelRun, loggerView, runAllCells } from '../browser/jupyter';
import { expect, newPyodideNotebook, openInSite, rerunCell, runCell, test, uniqueName } from './lite';

const ethercalcs: Record<string, string> = JSON.parse(process.env.SENSORLAB_ETHERCALCS ?? '{}');

test.describe('lesson 01', () => {
  // Its tables need pandas, which a class site fetches from the internet: offline, the fetch fails.
  test.use({ fetchedOnline: ['pandas', 'numpy', 'python_dateutil', 'pytz', 'six', 'tzdata'] });

  for (const [kind, server] of Object.entries(ethercalcs)) {
    test(`runs unchanged: its simulated classroom posts rows to the ${kind} EtherCalc, and its tables say why not offline`, async ({
      page
    }) => {
      const name = uniqueName('lesson-01');
      await openInSite(page, '01-first-readings.ipynb');
      // What a class's copy of the lesson says in its SHEET line; and a row every 20 s, as `make lite-demo` has it.
      await kernelRun(page, `import os; os.environ.update(SENSORLAB_SHEET="${server}/${name}", SENSORLAB_DEMO="1")`);
      await runAllCells(page);
      await loggerView(page).start.click();
      await expect.poll(() => sheetCsv(name, server), { timeout: 90_000 }).toHaveLength(3); // a header and two rows
      const [header] = await sheetCsv(name, server);
      expect(header).toEqual(expect.arrayContaining(['time', 'temperature', 'humidity', 'lux', 'heater']));
      // Offline, the cells that make tables say why they cannot, and what to do.
      expect(await rerunCell(page, 5)).toContain('sensorlab could not load pandas');
      expect(await rerunCell(page, 8)).toContain('This class site could not load pandas (for tables)');
      await loggerView(page).stop.click();
    });
  }
});

for (const [kind, server] of Object.entries(ethercalcs)) {
  test(`a USB board's lines reach the ${kind} EtherCalc from the class site`, async ({ page }) => {
    await page.addInitScript({ path: `${__dirname}/../browser/fake-serial.js` });
    const name = uniqueName('lite-board');
    await newPyodideNotebook(page);
    await runCell(
      page,
      0,
      `import sensorlab; logger = sensorlab.Logger(sheet="${server}/${name}", name="${name}", source="serial", ` +
        'baud=115200, forward_every=1); logger'
    );
    const logger = loggerView(page);
    await logger.connect.click();
    await expect(logger.view).toContainText('micro:bit (USB): reading');
    const print = (text: string) => page.evaluate(t => (window as any).fakeSerial.print(t), text);
    // The first line may have begun before the port opened: dropped.
    await print('ure:99 light:1\r\ntemperature:21 light:134\r\ntemperature:22 light:130\n');
    await expect(logger.value('temperature')).toHaveText('22');
    await expect.poll(() => kernelJson<number>(page, 'print(logger.status["readings"])')).toBe(2);
    expect(await runCell(page, 1, 'logger.post_now(); logger.flush(60), logger.status["errors"]')).toContain(
      '(True, 0)'
    );
    expect(await sheetCsv(name, server)).toEqual([
      ['time', 'light', 'temperature'],
      [expect.any(String), '130', '22']
    ]);
    await logger.disconnect.click();
  });
}
