/**
 * A USB board through Web Serial, with a fake `navigator.serial` installed before the
 * page loads (the device boundary) and everything else real.
 */
import { expect, Page, test } from '@playwright/test';
import {
  collectErrors,
  expectNoSensorlabErrors,
  kernelJson,
  kernelRun,
  loggerView,
  openNotebook,
  runAllCells,
  runCommand,
  serialLoggerNotebook
} from './jupyter';

const NOTEBOOK = 'serial-board.ipynb';
const print = (page: Page, text: string) => page.evaluate(t => (window as any).fakeSerial.print(t), text);
const count = 'print(len(logger.data))';

test.beforeEach(async ({ page, request }, testInfo) => {
  await serialLoggerNotebook(page, request, NOTEBOOK, `board-${testInfo.testId}`);
});

test('a board is read, sends lines it cannot read, is unplugged and replugged, and takes commands', async ({
  page
}) => {
  const errors = collectErrors(page);
  await openNotebook(page, 'lab', NOTEBOOK);
  await runAllCells(page);
  const logger = loggerView(page);
  await expect(logger.view).toContainText('No USB device yet: press Connect');
  await logger.connect.click();
  await expect(logger.view).toContainText('micro:bit (USB): reading');
  expect(await page.evaluate(() => (window as any).fakeSerial.opens)).toEqual([115200]);

  // The first line may be partial: dropped. Then good lines, a bad value and a bad line.
  await print(page, 'ure:99 light:1\r\ntemperature:21 light:134\r\ntemperature:22 light:130\n');
  await print(page, 'temperature:abc light:7\n');
  await page.evaluate(() => (window as any).fakeSerial.printBytes([0x74, 0x3a, 0xff, 0x0a])); // not UTF-8
  await print(page, 'temperature:23 li');
  await print(page, 'ght:128\n');
  await expect(logger.value('temperature')).toHaveText('23');
  await expect(logger.view.locator('.jp-sensorlab-Logger-badLine')).toHaveText(
    '1 line could not be read, 1 value was not a number. Last: not UTF-8 text: t:\ufffd'
  );

  // The sidebar shows the device, its values and what it could not read.
  await runCommand(page, 'sensorlab:open-monitor');
  const card = page.locator('.jp-sensorlab-Monitor-device[data-source="serial-1"]');
  await expect(card).toContainText('micro:bit (USB)');
  await expect(card.locator('.jp-sensorlab-Logger-value[data-channel="light"]')).toContainText('128');
  // One chart per channel in the sidebar.
  await expect(card.locator('.jp-sensorlab-Chart canvas')).toHaveCount(2);
  await expect(card.locator('.jp-sensorlab-Monitor-problems')).toContainText(
    '"abc" is not a number: temperature:abc light:7'
  );

  await expect.poll(() => kernelJson<number>(page, count)).toBe(4);
  const data = await kernelJson<{ temperature: number[]; light: number[] }>(
    page,
    'import json; print(json.dumps({c: [None if v != v else v for v in logger.data[c]] for c in ["temperature", "light"]}))'
  );
  expect(data).toEqual({ temperature: [21, 22, null, 23], light: [134, 130, 7, 128] });
  const status = await kernelJson<any>(page, 'import json; print(json.dumps(logger.status))');
  expect(status.connected).toBe(true);
  expect(status.bad_values).toBe(1);
  expect(status.bad_lines).toBe(1);
  expect(status.last_bad_line.reason).toBe('not UTF-8 text');

  // Two-way: the line reaches the board.
  await kernelRun(page, 'logger.send("target 21.5")');
  expect(await page.evaluate(() => (window as any).fakeSerial.written)).toBe('target 21.5\n');

  // Unplug: the logger waits for the board and says so; replug: it resumes by itself.
  await page.evaluate(() => (window as any).fakeSerial.unplug());
  await expect(logger.view).toContainText('waiting for the device');
  await expect
    .poll(() => kernelJson<string>(page, 'import json; print(json.dumps(logger.status["device"]))'))
    .toBe('waiting');
  await page.waitForTimeout(1000);
  const replugged = await page.evaluate(() => {
    (window as any).fakeSerial.replug();
    return Date.now();
  });
  await expect(logger.view).toContainText('micro:bit (USB): reading');
  const resumedAfter = (await page.evaluate(() => Date.now())) - replugged;
  console.log(`serial: reading again ${resumedAfter} ms after the board came back`);
  expect(await page.evaluate(() => (window as any).fakeSerial.requests)).toBe(1); // no second click

  await print(page, 'temperature:24 li\ntemperature:25 light:120\n');
  await expect.poll(() => kernelJson<number>(page, count)).toBe(5);
  await expect
    .poll(() => kernelJson<number[]>(page, 'import json; print(json.dumps(list(logger.data["temperature"])[-1:]))'))
    .toEqual([25]);

  // Disconnected: sending fails in Python with the reason.
  await logger.disconnect.click();
  await expect(logger.view).toContainText('micro:bit (USB): stopped');
  const failure = await kernelRun(
    page,
    `try:
    logger.send("target 20")
except RuntimeError as error:
    print("RuntimeError:", error)`
  );
  expect(failure).toContain('RuntimeError: The USB device is not connected');
  await expectNoSensorlabErrors(errors);
});

test('a board connected from the sidebar feeds the notebook logger', async ({ page }) => {
  const errors = collectErrors(page);
  await openNotebook(page, 'lab', NOTEBOOK);
  await runAllCells(page);
  await runCommand(page, 'sensorlab:open-monitor');
  const monitor = page.locator('.jp-sensorlab-Monitor');
  await monitor.getByRole('button', { name: 'Connect USB device' }).click();
  const card = monitor.locator('.jp-sensorlab-Monitor-device[data-source="serial-1"]');
  await expect(card).toContainText('micro:bit (USB) reading');
  await expect(loggerView(page).view).toContainText('micro:bit (USB): reading');

  await print(page, 'x\ntemp,humidity\n21.5,40\n21.6,41\n');
  await expect.poll(() => kernelJson<number>(page, count)).toBe(2);
  expect(await kernelJson<number[]>(page, 'import json; print(json.dumps(list(logger.data["humidity"])))')).toEqual([
    40, 41
  ]);
  await card.getByRole('button', { name: /^Stop / }).click();
  await expect(card).toContainText('stopped');
  await expectNoSensorlabErrors(errors);
});
