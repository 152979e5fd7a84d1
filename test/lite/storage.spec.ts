/**
 * Nothing is lost in the browser: the class site keeps each logger's file in the browser's storage
 * (IndexedDB), so a kernel restart or a page reload while logging loses no reading the kernel
 * acknowledged and no row waiting to be posted, and posts no row twice; and two tabs never keep one
 * logger at once.
 */
import { sheetRowIds } from '../browser/ethercalc';
import { kernelJson, loggerView, restartKernel, runAllCells } from '../browser/jupyter';
import { holdingProxy } from './holding-proxy';
import { expect, newPyodideNotebook, runCell, test, uniqueName } from './lite';

const ethercalcs: Record<string, string> = JSON.parse(process.env.SENSORLAB_ETHERCALCS ?? '{}');

// The times of the readings the kernel's logger keeps (pandas is not in the offline site: no logger.data).
const TIMES = 'import json; print(json.dumps([r.time for r, _ in logger._file.readings()]))';

for (const [kind, server] of Object.entries(ethercalcs)) {
  test(`a kernel restart and a page reload while logging to the ${kind} EtherCalc lose no reading and post no row twice`, async ({
    page
  }) => {
    const name = uniqueName('lite-keep');
    const makeLogger =
      `import sensorlab; logger = sensorlab.Logger(sheet="${server}/${name}", name="${name}", ` +
      'schedule=sensorlab.DaylightSchedule(day_every="5s", night_every="5s")); logger';
    await newPyodideNotebook(page);
    await runCell(page, 0, makeLogger);
    await loggerView(page).start.click();
    const count = async () => (await kernelJson<number[]>(page, TIMES)).length;
    await expect.poll(count, { timeout: 60_000 }).toBeGreaterThan(5);
    const beforeRestart = await kernelJson<number[]>(page, TIMES);

    await restartKernel(page);
    await runAllCells(page);
    // The new kernel's logger has every reading the old one acknowledged, and the page's go on coming.
    await expect
      .poll(() => kernelJson<number[]>(page, TIMES), { timeout: 60_000 })
      .toEqual(expect.arrayContaining([...beforeRestart, expect.any(Number)]));
    const beforeReload = await kernelJson<number[]>(page, TIMES);

    await newPyodideNotebook(page); // the page loaded again, as a student who pressed reload
    await runCell(page, 0, makeLogger);
    expect(await kernelJson<number[]>(page, TIMES)).toEqual(expect.arrayContaining(beforeReload));
    await loggerView(page).start.click();
    await expect.poll(count, { timeout: 30_000 }).toBeGreaterThan(beforeReload.length + 3);
    await loggerView(page).stop.click();

    const times = await kernelJson<number[]>(page, TIMES);
    expect(new Set(times).size).toBe(times.length); // one simulated sensor, one reading a second: none twice
    expect(await runCell(page, 1, 'logger.post_now(); logger.flush(60), logger.status["errors"]')).toContain(
      '(True, 0)'
    );
    const ids = await sheetRowIds(name, server);
    expect(ids.length).toBeGreaterThan(2); // rows of all three kernels
    expect(new Set(ids).size).toBe(ids.length);
  });

  test(`rows waiting for the ${kind} EtherCalc behind a held network outlive a page reload and reach it once`, async ({
    page
  }) => {
    const proxy = await holdingProxy(server);
    const name = uniqueName('lite-wait');
    const makeLogger = `import sensorlab; logger = sensorlab.Logger(sheet="${proxy.url}/${name}", name="${name}")`;
    try {
      await newPyodideNotebook(page);
      await runCell(page, 0, `${makeLogger}; logger.record(temperature=21.5)`);
      await expect.poll(proxy.held).toBeGreaterThan(0); // the first row is on its way, and held
      await runCell(
        page,
        1,
        'logger.record(temperature=22.0); logger.post_now(); logger.record(temperature=22.5); logger.post_now()'
      );
      // The page goes while the first post is held: it may still land, as a request far away can.
      await newPyodideNotebook(page);
      proxy.release();
      expect(
        await runCell(page, 0, `${makeLogger}; logger.flush(90), logger.status["pending"], logger.status["errors"]`)
      ).toContain('(True, 0, 0)');
      const ids = await sheetRowIds(name, server);
      expect(ids).toHaveLength(3);
      expect(new Set(ids).size).toBe(3);
    } finally {
      await proxy.close();
    }
  });
}

test('two tabs of the site never keep one logger at once; the second has it once the first is closed', async ({
  context
}) => {
  const first = await context.newPage();
  await newPyodideNotebook(first);
  await runCell(first, 0, 'import sensorlab; logger = sensorlab.Logger(name="tab"); logger.record(temperature=20.0)');
  const second = await context.newPage();
  await newPyodideNotebook(second);
  expect(await runCell(second, 0, 'import sensorlab; sensorlab.Logger(name="tab")')).toContain(
    'already logging in another tab'
  );
  await first.close();
  // The browser lets the closed tab's lock go: the second tab now has the logger, with what the first kept.
  await expect
    .poll(
      () =>
        kernelJson<number>(
          second,
          'import json\ntry:\n    logger = sensorlab.Logger(name="tab"); print(logger.status["readings"])\nexcept RuntimeError:  # FileInUse\n    print(-1)'
        ),
      { timeout: 30_000 }
    )
    .toBe(1);
});
