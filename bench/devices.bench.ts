/**
 * The many-devices half of the benchmark, run by bench/run.py beside browser.bench.ts: readings
 * enter at the device boundary (fake Web Serial boards printing lines) and everything after it
 * (framer, parser, hub, widget, sidebar, forwarder, readings comm, Logger) is the product.
 *
 * It measures, and writes to $SENSORLAB_BENCH_DEVICES_OUT as JSON (no pass/fail on any figure):
 * - a class gateway: one board printing the MakeCode radio packets of 30 senders at 10 Hz each;
 * - 10 boards in one tab, each printing a line at 10 Hz;
 * for each: the page's main-thread share of a core (Chromium's own task time for this page), beside
 * the same page idle with the same devices connected, and the latency reading → kernel (p50, p99).
 * Any lost or doubled reading, or any error, fails the run.
 */
import { expect, Page, test } from '@playwright/test';
import { writeFileSync } from 'fs';
import {
  collectErrors,
  expectNoSensorlabErrors,
  kernelJson,
  openNotebook,
  runAllCells,
  writeNotebook
} from '../test/browser/jupyter';
import { loggerCell } from './kernel-code';

const OUT = process.env.SENSORLAB_BENCH_DEVICES_OUT as string;
// Seconds between batches: a class's Logger need not hear each reading within 0.1 s (item 2's
// setting); batches ten times a second cost the page about as much again (kernel round trips).
const FORWARD_EVERY = 1;
const SECONDS = 30; // readings flow this long in each case
const IDLE_SECONDS = 10; // the same page, devices connected, nothing printed
const HZ = 10;
const SENDERS = 30;
const BOARDS = 10;

/**
 * Share of one core the page's main thread used while `work` ran (Chromium's TaskDuration for
 * this page, counted from Performance.enable on one session), and the wall seconds it took.
 */
async function pageShare<T>(
  page: Page,
  work: () => Promise<T>
): Promise<{ share: number; seconds: number; result: T }> {
  const cdp = await page.context().newCDPSession(page);
  await cdp.send('Performance.enable');
  const busy = async () =>
    (await cdp.send('Performance.getMetrics')).metrics.find(m => m.name === 'TaskDuration')?.value ?? NaN;
  const before = await busy();
  const start = Date.now();
  const result = await work();
  const seconds = (Date.now() - start) / 1000;
  const share = ((await busy()) - before) / seconds;
  await cdp.detach();
  return { share, seconds, result };
}

/**
 * Python: the readings of `name` taken from `from` ms on: each of `devices` sources must hold
 * rounds 1..rounds of `channel` exactly once (before the gateway parser names the senders, the
 * gateway's readings are all the port's: then each round must be there `devices` times).
 */
function analyse(name: string, from: number, channel: string, devices: number, rounds: number): string {
  return `
import json, numpy as np, collections
_s = ${name}._readings
_t = np.array(_s.time); _sel = _t >= ${from}
_t = _t[_sel]; _r = np.array(_s.received)[_sel] * 1000
_v = np.array(_s.channels["${channel}"])[_sel]
_src = np.array([_s.devices[i][0] for i in _s.device])[_sel]  # each reading's source, by its device's place
_rounds = collections.Counter(zip(_src.tolist(), _v.tolist()))
_sources = sorted(set(_src.tolist()))
_per_round = collections.Counter(_v.tolist())
_ok = len(_t) == ${devices * rounds} and all(_per_round[k] == ${devices} for k in range(1, ${rounds + 1}))
_once = all(n == 1 for n in _rounds.values()) or len(_sources) == 1
if not (_ok and _once):
    raise RuntimeError(f"readings lost or doubled: {len(_t)} stored of ${devices * rounds}, {len(_sources)} devices")
_lat = _r - _t
print(json.dumps({"readings": int(len(_t)), "devices_seen": len(_sources), "p50": float(np.percentile(_lat, 50)),
                  "p99": float(np.percentile(_lat, 99)), "max": float(_lat.max())}))`;
}

/** Once the Logger `name` holds every reading of `devices` devices, their check and latencies (see analyse). */
async function arrived(page: Page, name: string, from: number, channel: string, devices: number): Promise<object> {
  await expect
    .poll(() => kernelJson<number>(page, `print(${name}.status["readings"])`), { timeout: 120_000 })
    .toBeGreaterThanOrEqual(devices * HZ * SECONDS);
  return kernelJson(page, analyse(name, from, channel, devices, HZ * SECONDS));
}

/** Open a notebook of one serial Logger in a fresh page, with the sidebar open as a teacher has it. */
async function serialLogger(page: Page, request: any, name: string): Promise<ReturnType<Page['getByRole']>> {
  await writeNotebook(request, `bench-${name}.ipynb`, [loggerCell(name, ', source="serial"', FORWARD_EVERY)]);
  await openNotebook(page, 'lab', `bench-${name}.ipynb`);
  await runAllCells(page);
  await page.evaluate(() => (window as any).jupyterapp.commands.execute('sensorlab:open-monitor'));
  return page.getByRole('region', { name: `sensorlab logger ${name}` });
}

test('many devices', async ({ page, request }) => {
  if (!OUT) {
    throw new Error('run the benchmark with `make bench` (it sets SENSORLAB_BENCH_DEVICES_OUT)');
  }
  test.setTimeout(600_000);
  const errors = collectErrors(page);
  await page.addInitScript({ path: `${__dirname}/../test/browser/fake-serial.js` });
  await page.addInitScript(count => {
    for (let n = 1; n < count; n++) {
      (window as any).fakeSerial.addBoard();
    }
  }, BOARDS);
  const results: Record<string, unknown> = { forward_every: FORWARD_EVERY, seconds: SECONDS, hz: HZ };

  // ---- a class gateway: 30 senders × 10 Hz through one board ---------------------------------
  const gatewayView = await serialLogger(page, request, 'gateway');
  await gatewayView.getByRole('button', { name: 'Connect a USB device' }).click();
  await expect(gatewayView).toContainText('micro:bit (USB): reading');
  const idle = await pageShare(page, () => page.waitForTimeout(IDLE_SECONDS * 1000));
  const from = await page.evaluate(() => Date.now());
  const flow = await pageShare(page, () =>
    page.evaluate(options => (window as any).fakeSerial.gateway(0, options), {
      senders: SENDERS,
      hz: HZ,
      seconds: SECONDS
    })
  );
  results.gateway = {
    senders: SENDERS,
    idle_share: idle.share,
    share: flow.share,
    printed: flow.result.printed,
    print_seconds: flow.result.seconds,
    ...(await arrived(page, 'gateway', from, 'temp', SENDERS))
  };
  await gatewayView.getByRole('button', { name: /^Disconnect / }).click();

  // ---- 10 boards in one tab, each 10 Hz -------------------------------------------------------
  await page.goto('about:blank'); // a fresh tab: the gateway's board is no device of it
  const tenView = await serialLogger(page, request, 'ten');
  for (let board = 0; board < BOARDS; board++) {
    await page.evaluate(n => (window as any).fakeSerial.choose(n), board);
    await tenView.getByRole('button', { name: /^Connect (a|another) USB device$/ }).click();
    await expect(tenView).toContainText(`${board + 1} ${board === 0 ? 'device' : 'devices'}, ${board + 1} reading`);
  }
  const tenIdle = await pageShare(page, () => page.waitForTimeout(IDLE_SECONDS * 1000));
  const tenFrom = await page.evaluate(() => Date.now());
  const tenFlow = await pageShare(page, () =>
    page.evaluate(
      async ({ boards, hz, seconds }) => {
        const serial = (window as any).fakeSerial;
        for (let n = 0; n < boards; n++) {
          serial.board(n).print('\n'); // the first line after the port opens may be cut
        }
        const begin = performance.now();
        let round = 0;
        while (round < hz * seconds) {
          const due = Math.min(hz * seconds, Math.floor(((performance.now() - begin) / 1000) * hz) + 1);
          for (; round < due; round++) {
            for (let n = 0; n < boards; n++) {
              serial.board(n).print(`temperature:${20 + n / 10} round:${round + 1}\n`);
            }
          }
          await new Promise(resolve => setTimeout(resolve, 5));
        }
      },
      { boards: BOARDS, hz: HZ, seconds: SECONDS }
    )
  );
  results.ten = {
    boards: BOARDS,
    idle_share: tenIdle.share,
    share: tenFlow.share,
    ...(await arrived(page, 'ten', tenFrom, 'round', BOARDS))
  };

  await expectNoSensorlabErrors(errors);
  writeFileSync(OUT, JSON.stringify(results, null, 1));
});
