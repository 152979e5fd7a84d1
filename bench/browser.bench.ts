/**
 * The browser half of the benchmark, run by bench/run.py in Debian's Chromium against the
 * real Jupyter server, ipykernel and EtherCalc. Readings enter at the device boundary:
 * the page's simulated source is made to emit them (as a board's lines would), and
 * everything after it (hub, forwarder, IndexedDB, readings comm, Logger) is the product.
 *
 * It measures, and writes to $SENSORLAB_BENCH_OUT as JSON (no pass/fail on any figure):
 * - item 2: readings/s for 60 s with nothing lost, latency reading → kernel; baseline: one comm message per reading;
 * - item 3: a trivial cell's latency while the Logger posts through a proxy that answers after 3 s
 *   (baseline: a blocking post in a cell), and readings that arrive during time.sleep(30)
 *   (baseline: one message per reading on a comm the kernel opened, as widget comms are);
 * - item 5: growth of the page's JS heap and the kernel's memory over 24 h of 10 Hz readings replayed fast;
 * - item 6: the extension's JS size (gzipped) and its plugins' activation time.
 * Any lost or doubled reading, or any error, fails the run.
 */
import { expect, test } from '@playwright/test';
import { execFile } from 'child_process';
import { writeFileSync } from 'fs';
import { promisify } from 'util';
import { gzipSync } from 'zlib';
import {
  collectErrors,
  expectNoSensorlabErrors,
  kernelJson,
  kernelRun,
  openNotebook,
  runAllCells,
  writeNotebook
} from '../test/browser/jupyter';
import {
  FORWARD_EVERY,
  analyse,
  KERNEL_NAIVE,
  HANDLER_TIMES,
  BATCH_STATS,
  naiveStats,
  KERNEL_RSS,
  loggerCell
} from './kernel-code';
import { timePlugins, feed, kernelHas, naiveHas, trivialCells, cpuByPart, heapMb } from './page';

const OUT = process.env.SENSORLAB_BENCH_OUT as string;
const PROXY = process.env.SENSORLAB_BENCH_PROXY as string; // EtherCalc behind a 3 s delay
// Readings/s offered in item 2 and the replay: a little above the 40,000 target, so whether
// it is met never hangs on the last digit of a timer.
const RATE = Number(process.env.SENSORLAB_BENCH_RATE ?? 41_000);
const PEAK_RATE = 60_000; // offered for PEAK_SECONDS, more than the pipeline takes: what it delivers then is its ceiling
const PEAK_SECONDS = 15;
const SECONDS = Number(process.env.SENSORLAB_BENCH_SECONDS ?? 60);
const NAIVE_BURST = 2000; // readings sent one message each, as fast as the page can
const SLEEP_RATE = 100; // readings/s into sensorlab during the 30 s cell
// Readings/s on the naive kernel-opened comm meanwhile. Kept low: its messages wait for the
// main thread, and once about 2,000 wait, ipykernel stops routing subshell messages too.
const SLEEP_NAIVE_RATE = 10;
const DAY = 24 * 3600 * 10; // 24 h of 10 Hz readings
const WARM_UP = 3600 * 10; // the first hour

const results: Record<string, unknown> = {};
const run = promisify(execFile);

test('benchmark', async ({ page, request }) => {
  if (!OUT || !PROXY) {
    throw new Error('run the benchmark with `make bench` (it sets SENSORLAB_BENCH_OUT and SENSORLAB_BENCH_PROXY)');
  }
  const errors = collectErrors(page);
  await page.addInitScript(timePlugins);

  // ---- item 6 and the set-up: open a notebook with a Logger ---------------------------------
  await writeNotebook(request, 'bench-throughput.ipynb', [loggerCell('throughput')]);
  await openNotebook(page, 'lab', 'bench-throughput.ipynb');
  await runAllCells(page);
  await kernelRun(page, KERNEL_NAIVE + HANDLER_TIMES);
  await expect(page.locator('.jp-sensorlab-Logger').first()).toBeAttached();
  const plugins = await page.evaluate(() => (window as any).__pluginTimes as Record<string, number>);
  const js = await page.evaluate(() =>
    performance
      .getEntriesByType('resource')
      .map(e => e.name)
      .filter(url => new URL(url).pathname.endsWith('.js'))
  );
  let pageGzip = 0;
  let ownGzip = 0;
  for (const url of js) {
    const size = gzipSync(await (await request.get(url)).body(), { level: 9 }).length;
    pageGzip += size;
    if (url.includes('/lab/extensions/sensorlab/')) {
      ownGzip += size;
    }
  }
  const own = Object.entries(plugins).filter(([id]) => id.startsWith('sensorlab:'));
  if (own.length !== 3) {
    throw new Error(`expected the three sensorlab plugins to activate, saw ${own.map(([id]) => id).join(', ')}`);
  }
  results.size = { page_js_files: js.length, page_js_gzip: pageGzip, sensorlab_loaded_js_gzip: ownGzip };
  results.activation = {
    sensorlab_ms: own.reduce((sum, [, ms]) => sum + ms, 0),
    plugins: Object.fromEntries(own),
    all_plugins_ms: Object.values(plugins).reduce((sum, ms) => sum + ms, 0),
    all_plugins: Object.keys(plugins).length
  };

  // ---- item 2: RATE readings/s for SECONDS s -----------------------------------------------
  const count = Math.round(RATE * SECONDS);
  // The kernel's parent is the Jupyter server that started it.
  const [kernelPid, serverPid] = await kernelJson<number[]>(
    page,
    'import os, json; print(json.dumps([os.getpid(), os.getppid()]))'
  );
  const cpuBefore = cpuByPart(kernelPid, serverPid);
  const sent = await feed(page, { count, rate: RATE, first: 0, replayFrom: null, naive: null, sensorlab: true });
  const cpuAfter = cpuByPart(kernelPid, serverPid);
  await kernelHas(page, 'throughput', count);
  const flow = await kernelJson(page, analyse('throughput', 0, count));
  // CPU used while the readings flowed, in cores (of the machine's two).
  const cores = Object.fromEntries(Object.keys(cpuAfter).map(k => [k, (cpuAfter[k] - cpuBefore[k]) / sent.seconds]));
  const batches = await kernelJson(page, BATCH_STATS(sent.startedAt, sent.endedAt + 10_000));
  results.throughput = {
    offered_rate: RATE,
    forward_every: FORWARD_EVERY,
    ...sent,
    ...flow,
    cores,
    batches,
    rate: count / sent.seconds,
    delivered_rate: count / ((flow.last_received - flow.first_time) / 1000)
  };

  // The ceiling: offered more than it takes, the pipeline delivers what it can and the queue grows.
  const peakFirst = 5_000_000;
  const peakCount = PEAK_RATE * PEAK_SECONDS;
  const peakSent = await feed(page, {
    count: peakCount,
    rate: PEAK_RATE,
    first: peakFirst,
    replayFrom: null,
    naive: null,
    sensorlab: true
  });
  await kernelHas(page, 'throughput', count + peakCount);
  const peak = await kernelJson(page, analyse('throughput', peakFirst, peakCount));
  results.peak = {
    offered_rate: PEAK_RATE,
    ...peakSent,
    ...peak,
    delivered_rate: peakCount / ((peak.last_received - peak.first_time) / 1000)
  };

  // Baseline: one comm message per reading, on a comm the browser opens (served on a subshell).
  await page.evaluate(() => {
    const kernel = (window as any).jupyterapp.shell.currentWidget.sessionContext.session.kernel;
    const comm = kernel.createComm('bench.naive');
    comm.open({});
    (window as any).__naiveBrowserComm = comm;
  });
  const naiveFirst = 10_000_000;
  const naiveSent = await feed(page, {
    count: NAIVE_BURST,
    rate: RATE,
    first: naiveFirst,
    replayFrom: null,
    naive: 'browser',
    sensorlab: false
  });
  await naiveHas(page, naiveFirst, NAIVE_BURST);
  const naiveFlow = await kernelJson(page, naiveStats(naiveFirst, NAIVE_BURST));
  results.throughput_naive = {
    ...naiveSent,
    ...naiveFlow,
    rate: NAIVE_BURST / ((naiveFlow.last_received - naiveFlow.first_time) / 1000)
  };

  // ---- item 3: readings during time.sleep(30), sensorlab and a kernel-opened comm side by side
  await page.evaluate(() => {
    const kernel = (window as any).jupyterapp.shell.currentWidget.sessionContext.session.kernel;
    kernel.registerCommTarget('bench.naive.kernel', (comm: any) => ((window as any).__naiveKernelComm = comm));
  });
  await kernelRun(
    page,
    `bench_kernel_comm = _comm.create_comm(target_name="bench.naive.kernel", data={})
bench_kernel_comm.on_msg(_bench_naive_msg)`
  );
  await page.waitForFunction(() => (window as any).__naiveKernelComm);
  const sleepFirst = 20_000_000;
  const sleepCount = SLEEP_RATE * 34;
  const sleepNaiveFirst = 21_000_000;
  const sleepNaiveCount = SLEEP_NAIVE_RATE * 34;
  const feeding = Promise.all([
    feed(page, {
      count: sleepCount,
      rate: SLEEP_RATE,
      first: sleepFirst,
      replayFrom: null,
      naive: null,
      sensorlab: true
    }),
    feed(page, {
      count: sleepNaiveCount,
      rate: SLEEP_NAIVE_RATE,
      first: sleepNaiveFirst,
      replayFrom: null,
      naive: 'kernel',
      sensorlab: false
    })
  ]);
  await page.waitForTimeout(2000);
  const cell = await kernelJson<{ start: number; end: number }>(
    page,
    `import time, json
_start = time.time(); time.sleep(30); _end = time.time()
print(json.dumps({"start": _start * 1000, "end": _end * 1000}))`
  );
  await feeding;
  await kernelHas(page, 'throughput', count + peakCount + sleepCount);
  await naiveHas(page, sleepNaiveFirst, sleepNaiveCount);
  const window30 = `(${cell.start}, ${cell.end})`;
  const sleepOwn = await kernelJson(page, analyse('throughput', sleepFirst, sleepCount, window30));
  const sleepNaive = await kernelJson(page, naiveStats(sleepNaiveFirst, sleepNaiveCount, window30));
  results.sleep = {
    rate: SLEEP_RATE,
    naive_rate: SLEEP_NAIVE_RATE,
    cell_seconds: (cell.end - cell.start) / 1000,
    sensorlab: sleepOwn.during,
    naive: sleepNaive.during,
    arrivals: sleepOwn.arrivals
  };

  // ---- item 3: a trivial cell's latency while the Logger posts through a 3 s proxy ---------
  // Readings at 10/s all along; first the cells with no post in flight, then while posting.
  const postFirst = 30_000_000;
  const postFeeding = feed(page, {
    count: 10 * 60,
    rate: 10,
    first: postFirst,
    replayFrom: null,
    naive: null,
    sensorlab: true
  });
  const idle = await trivialCells(page);
  const sheet = `${PROXY}/bench-posting-${Date.now()}`;
  await kernelRun(
    page,
    `import sensorlab
every_second = sensorlab.DaylightSchedule(day_every="1s", night_every="1s")
posting = sensorlab.Logger(sheet="${sheet}", name="posting", schedule=every_second, forward_every=${FORWARD_EVERY})`
  );
  await expect
    .poll(() => kernelJson<number>(page, 'print(posting.status["pending"])'), { timeout: 30_000 })
    .toBeGreaterThan(0);
  await page.waitForTimeout(1000); // the outbox's first request is now held by the proxy
  const trivial = await trivialCells(page);
  // The same straight to the kernel, from a client of its own (no browser or server in between).
  const direct = JSON.parse(
    (
      await run(process.env.SENSORLAB_BENCH_PYTHON as string, [
        'bench/kernel.py',
        'trivial-cells',
        await page.evaluate(() => (window as any).jupyterapp.shell.currentWidget.sessionContext.session.kernel.id),
        sheet.replace(/\/([^/]+)$/, '/_/$1-naive')
      ])
    ).stdout
  );
  const pendingDuring = await kernelJson<number>(page, 'print(posting.status["pending"])');
  // Baseline: the cell posts itself with a blocking request; the next cell waits behind it.
  const blocking = await page.evaluate(
    async (api: string) => {
      const kernel = (window as any).jupyterapp.shell.currentWidget.sessionContext.session.kernel;
      const times: number[] = [];
      for (let i = 0; i < 3; i++) {
        const post = kernel.requestExecute({
          code: `import requests\nrequests.post("${api}", data="2026-11-21 10:00:00,21.5\\n", headers={"Content-Type": "text/csv"}, timeout=30).raise_for_status()`,
          store_history: false
        });
        const start = performance.now();
        await kernel.requestExecute({ code: 'pass', store_history: false }).done;
        times.push(performance.now() - start);
        await post.done;
      }
      return times;
    },
    sheet.replace(/\/([^/]+)$/, '/_/$1-naive')
  );
  await postFeeding;
  // The posts did happen, through the delay: wait for the first rows to be confirmed in the sheet.
  await expect
    .poll(() => kernelJson<number>(page, 'print(posting.status["posted"])'), { timeout: 120_000 })
    .toBeGreaterThan(0);
  const postStatus = await kernelJson(page, 'import json; print(json.dumps(posting.status))');
  if (postStatus.errors) {
    throw new Error(`the posting Logger had errors: ${postStatus.last_error}`);
  }
  results.responsive = {
    trivial_ms: trivial,
    idle_ms: idle,
    direct,
    pending_during: pendingDuring,
    blocking_ms: blocking,
    posted: postStatus.posted
  };
  await kernelRun(page, 'posting.close(); throughput.close()');

  // ---- item 5: 24 h of 10 Hz readings, replayed fast, in a new page and a new kernel ----------
  const kernelId = await page.evaluate(
    () => (window as any).jupyterapp.shell.currentWidget.sessionContext.session.kernel.id
  );
  await writeNotebook(request, 'bench-memory.ipynb', [loggerCell('memory')]);
  await openNotebook(page, 'lab', 'bench-memory.ipynb');
  await request.delete(`/api/kernels/${kernelId}`); // the first kernel's work is done
  await runAllCells(page);
  await expect(page.locator('.jp-sensorlab-Logger').first()).toBeAttached();
  const cdp = await page.context().newCDPSession(page);
  const replayFrom = Date.now() - 24 * 3600 * 1000;
  await feed(page, { count: WARM_UP, rate: RATE, first: 0, replayFrom, naive: null, sensorlab: true });
  await kernelHas(page, 'memory', WARM_UP);
  await page.waitForTimeout(1500); // acks in, IndexedDB cleared
  const warm = { heap: await heapMb(cdp), kernel: await kernelJson<number>(page, KERNEL_RSS) };
  const replay = await feed(page, {
    count: DAY - WARM_UP,
    rate: RATE,
    first: WARM_UP,
    replayFrom,
    naive: null,
    sensorlab: true
  });
  await kernelHas(page, 'memory', DAY);
  await page.waitForTimeout(1500);
  const end = { heap: await heapMb(cdp), kernel: await kernelJson<number>(page, KERNEL_RSS) };
  await kernelJson(page, analyse('memory', 0, DAY)); // every reading once
  // Baseline in the same page: keep every reading, as a page that logs naively would.
  const naiveHeap = await page.evaluate((count: number) => {
    const kept: unknown[] = [];
    for (let n = 0; n < count; n++) {
      kept.push({
        time: 1e12 + n * 100,
        values: { n, temperature: 20 + (n % 100) / 10, humidity: 40 + (n % 7), lux: 300 + (n % 50) },
        source: 'simulated'
      });
    }
    (window as any).__naiveKept = kept;
    return kept.length;
  }, DAY - WARM_UP);
  const naiveEnd = await heapMb(cdp);
  await page.evaluate(() => delete (window as any).__naiveKept);
  results.memory = {
    readings: DAY,
    warm_up: WARM_UP,
    replay_seconds: replay.seconds,
    warm,
    end,
    heap_growth_mb: end.heap - warm.heap,
    kernel_growth_mb: end.kernel - warm.kernel,
    naive_heap_readings: naiveHeap,
    naive_heap_growth_mb: naiveEnd - end.heap
  };

  await expectNoSensorlabErrors(errors);
  writeFileSync(OUT, JSON.stringify(results, null, 1));
});
