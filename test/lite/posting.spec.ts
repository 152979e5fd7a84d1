/**
 * The Logger in the class site's Pyodide kernel posts to each real EtherCalc from a task on the
 * kernel's event loop: the posts wait by suspending (the browser's JavaScript promise
 * integration), so cells go on running and `flush()` waits inside a cell.
 */
import { sheetCsv } from '../browser/ethercalc';
import { holdingProxy } from './holding-proxy';
import { expect, newPyodideNotebook, runCell, test, uniqueName } from './lite';

const ethercalcs: Record<string, string> = JSON.parse(process.env.SENSORLAB_ETHERCALCS ?? '{}');

for (const [kind, server] of Object.entries(ethercalcs)) {
  test(`rows reach the ${kind} EtherCalc from the Pyodide kernel, and flush() waits for them in a cell`, async ({
    page
  }) => {
    const name = uniqueName('lite');
    await newPyodideNotebook(page);
    await runCell(
      page,
      0,
      `import sensorlab; logger = sensorlab.Logger(sheet="${server}/${name}", name="lite"); ` +
        'logger.record(temperature=21.5)'
    );
    // The first reading makes a row due at once; the task posts it between cells.
    await expect
      .poll(() => sheetCsv(name, server), { timeout: 60_000 })
      .toEqual([
        ['time', 'temperature'],
        [expect.any(String), '21.5']
      ]);
    await runCell(page, 1, 'logger.post_now(); logger.record(temperature=22.0); logger.post_now()');
    expect(await runCell(page, 2, 'logger.flush(30), logger.status["pending"], logger.status["errors"]')).toContain(
      '(True, 0, 0)'
    );
    expect(await sheetCsv(name, server)).toHaveLength(3);
    expect(await runCell(page, 3, 'logger.close()')).not.toContain('Error');
  });
}

for (const [kind, server] of Object.entries(ethercalcs)) {
  test(`with the ${kind} EtherCalc behind a network that holds every request, cells run and readings are taken`, async ({
    page
  }) => {
    const proxy = await holdingProxy(server);
    const name = uniqueName('lite-slow');
    try {
      await newPyodideNotebook(page);
      await runCell(
        page,
        0,
        `import sensorlab; logger = sensorlab.Logger(sheet="${proxy.url}/${name}", name="slow"); ` +
          'logger.record(temperature=21.5)'
      );
      await expect.poll(proxy.held).toBeGreaterThan(0); // the first post is on its way, and held
      // The kernel is not waiting for it: a cell runs and a reading is taken meanwhile, with no error (a
      // kernel that waited for the post would run the cell only once the request had timed out, an error).
      expect(
        await runCell(page, 1, 'logger.record(temperature=22.0); logger.status["readings"], logger.status["errors"]')
      ).toContain('(2, 0)');
      expect(proxy.held()).toBeGreaterThan(0);
      proxy.release();
      expect(await runCell(page, 2, 'logger.post_now(); logger.flush(60), logger.status["errors"]')).toContain(
        '(True, 0)'
      );
      expect(await sheetCsv(name, server)).toEqual([
        ['time', 'temperature'],
        [expect.any(String), '21.5'],
        [expect.any(String), '22']
      ]);
    } finally {
      await proxy.close();
    }
  });
}
