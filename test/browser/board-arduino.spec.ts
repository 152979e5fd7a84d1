/**
 * The Arduino thermostat sketch, compiled with Debian's AVR toolchain and running on a
 * simulated ATmega328P (test/boards/simavr-harness.c), as the board behind the fake Web
 * Serial port: its bytes go into the real page, the page's writes go to its serial input.
 */
import { expect, Page, test } from '@playwright/test';
import { ChildProcessWithoutNullStreams, execFileSync, spawn } from 'child_process';
import path from 'path';
import { sheetCsv, sheetName } from './ethercalc';
import {
  collectErrors,
  expectNoSensorlabErrors,
  kernelJson,
  kernelRun,
  loggerView,
  openNotebook,
  runAllCells,
  serialLoggerNotebook
} from './jupyter';

const ROOT = path.join(__dirname, '..', '..');
const BOARDS = path.join(ROOT, 'test', 'boards');
const HARNESS = path.join(BOARDS, '.build', 'simavr-harness');
const THERMOSTAT = path.join(BOARDS, '.build', 'arduino-thermostat', 'arduino-thermostat.elf');
const NOTEBOOK = 'arduino-board.ipynb';
const SHEET = `${process.env.SENSORLAB_SHEET}-arduino-${Date.now()}`;
const last = (channel: string) => `import json; print(json.dumps(float(logger.data["${channel}"].iloc[-1])))`;

/** Start the simulated board and wire it to the page's fake port, both ways; `printed` is all it printed. */
async function plugBoard(
  page: Page,
  room: number
): Promise<{ board: ChildProcessWithoutNullStreams; printed: () => string }> {
  // --realtime: the board prints once a second of real time, as a real one does.
  const board = spawn(HARNESS, [THERMOSTAT, '--celsius', String(room), '--realtime']);
  let stderr = '';
  board.stderr.on('data', chunk => (stderr += chunk));
  board.on('exit', code => console.log(`simavr harness ended (${code}): ${stderr.trim().split('\n').pop()}`));
  await page.exposeFunction('boardInput', (text: string) => board.stdin.write(text));
  await page.evaluate(() => ((window as any).fakeSerial.onWrite = (text: string) => (window as any).boardInput(text)));
  // One page call at a time, so the bytes arrive in the order the board printed them.
  let delivered = Promise.resolve();
  let printed = '';
  board.stdout.on('data', (chunk: Buffer) => {
    printed += chunk.toString();
    const bytes = Array.from(chunk);
    delivered = delivered
      .then(() => page.evaluate(b => (window as any).fakeSerial.printBytes(b), bytes))
      .catch(() => undefined);
  });
  return { board, printed: () => printed };
}

test.beforeAll(() => {
  // The harness and the sketch (arduino-mk); a missing toolchain fails here, loudly.
  execFileSync('make', ['-s', '-C', BOARDS], { stdio: 'inherit' });
});

test.beforeEach(async ({ page, request }, testInfo) => {
  await serialLoggerNotebook(page, request, NOTEBOOK, `arduino-${testInfo.testId}`, `sheet="${SHEET}"`);
});

test('the simulated Arduino thermostat reaches the kernel and the sheet, and obeys logger.send', async ({ page }) => {
  const errors = collectErrors(page);
  await openNotebook(page, 'lab', NOTEBOOK);
  await runAllCells(page);
  const logger = loggerView(page);
  await logger.connect.click();
  await expect(logger.view).toContainText(': reading');

  // 22 °C and a target of 21: the heater is off.
  const { board, printed } = await plugBoard(page, 22);
  try {
    await expect
      .poll(() => kernelJson<number>(page, 'print(len(logger.data))'), { timeout: 30_000 })
      .toBeGreaterThanOrEqual(3);
    const first = await kernelJson<Record<string, number>>(
      page,
      'import json; print(json.dumps({c: float(logger.data[c].iloc[-1]) for c in ["temperature", "target", "heater"]}))'
    );
    // One step of the Uno's ADC is about half a degree of a TMP36.
    expect(Math.abs(first.temperature - 22)).toBeLessThanOrEqual(0.5);
    expect([first.target, first.heater]).toEqual([21, 0]);
    await expect(logger.value('target')).toHaveText(/^21\b/);

    // The line reaches the simulated board, which then reports the new target and heats.
    await kernelRun(page, 'logger.send("target 22.5")');
    await expect.poll(() => kernelJson<number>(page, last('target')), { timeout: 15_000 }).toBe(22.5);
    await expect.poll(() => kernelJson<number>(page, last('heater')), { timeout: 15_000 }).toBe(1);

    // A target that is not a number is refused by the board, in words; the target stays.
    await kernelRun(page, 'logger.send("target nan")');
    await expect.poll(printed, { timeout: 15_000 }).toContain('"target nan" was not used because it is not a number.');
    const count = await kernelJson<number>(page, 'print(len(logger.data))');
    await expect
      .poll(() => kernelJson<number>(page, 'print(len(logger.data))'), { timeout: 15_000 })
      .toBeGreaterThanOrEqual(count + 2);
    expect(await kernelJson<number>(page, last('target'))).toBe(22.5);

    // A row with the board's channels reaches the real EtherCalc.
    expect(await kernelRun(page, 'logger.post_now(); print(logger.flush(timeout=30))')).toContain('True');
    const [header, ...rows] = await sheetCsv(sheetName(SHEET));
    const column = (name: string) => header.indexOf(name);
    expect(column('temperature')).toBeGreaterThan(0);
    const row = rows[rows.length - 1];
    expect([Number(row[column('target')]), Number(row[column('heater')])]).toEqual([22.5, 1]);
    expect(Math.abs(Number(row[column('temperature')]) - 22)).toBeLessThanOrEqual(0.5);
  } finally {
    board.stdin.end(); // the harness stops when its serial input closes
  }
  await expectNoSensorlabErrors(errors);
});
