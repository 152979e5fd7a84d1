/** A sheet the 2026 EtherCalc will not make bigger: rows go on in a new sheet, and the widget and sidebar say so. */
import { expect, test } from '@playwright/test';
import {
  collectErrors,
  expectNoSensorlabErrors,
  kernelJson,
  kernelRun,
  openNotebook,
  runAllCells,
  runCommand,
  writeNotebook
} from './jupyter';

const servers = JSON.parse(process.env.SENSORLAB_ETHERCALCS ?? '{}') as Record<string, string>;
const ethercalc = process.env.SENSORLAB_ETHERCALC as string;

// Only the 2026 server has a size limit; this file declares its test only in the run against it
// (test/run_all.py runs it there, and says plainly when that server is missing).
if (servers['2026'] === ethercalc) {
  test('a full sheet goes on in <name>-2: the widget and the sidebar say so and link it', async ({ page, request }) => {
    const errors = collectErrors(page);
    const name = `full-${Date.now()}`;
    await writeNotebook(request, 'full-sheet.ipynb', [
      `import sensorlab
# A teacher's cell far to the right: the sheet is 702 columns wide, so about 284 rows fit.
sensorlab.Sheet("${ethercalc}/${name}")._command(["set ZZ1 text t teacher's notes"])
logger = sensorlab.Logger(sheet="${ethercalc}/${name}", name="full-sheet")
logger`
    ]);
    await openNotebook(page, 'lab', 'full-sheet.ipynb');
    await runAllCells(page);
    await kernelRun(page, 'for n in range(400): logger._outbox.put({"time": f"t{n}", "n": n})');
    expect(await kernelJson<boolean>(page, 'import json; print(json.dumps(logger.flush(120)))')).toBe(true);

    const notice = `The sheet ${name} is full, so new rows go to ${name}-2.`;
    const widget = page.locator('.jp-sensorlab-Logger').filter({ visible: true }).first();
    await expect(widget.locator('.jp-sensorlab-Logger-status')).toContainText(notice);
    await expect(widget.locator('.jp-sensorlab-Logger-status')).toContainText('no errors');
    await expect(widget.locator('.jp-sensorlab-Logger-sheetLink')).toHaveAttribute('href', `${ethercalc}/${name}-2`);

    await runCommand(page, 'sensorlab:open-monitor');
    const card = page.locator(`.jp-sensorlab-Monitor-logger[data-logger="full-sheet"]`);
    await expect(card).toContainText(notice);
    await expect(card.locator('.jp-sensorlab-Logger-sheetLink')).toHaveAttribute('href', `${ethercalc}/${name}-2`);

    const counts = await kernelJson<number[]>(
      page,
      `import json
first = sensorlab.Sheet("${ethercalc}/${name}").rows()
second = sensorlab.Sheet("${ethercalc}/${name}-2").rows()
print(json.dumps([len(first), len(second), [int(r["n"]) for r in first + second] == list(range(400))]))`
    );
    expect(counts[0]).toBeGreaterThan(200);
    expect(counts[0] + counts[1]).toBe(400);
    expect(counts[2]).toBe(true); // nothing lost, nothing twice, in order
    await expectNoSensorlabErrors(errors);
  });
}
