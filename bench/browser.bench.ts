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
import { CDPSession, expect, Page, test } from '@playwright/test';
import { execFile } from 'child_process';
import { readdirSync, readFileSync, writeFileSync } from 'fs';
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

const OUT = process.env.SENSORLAB_BENCH_OUT as string;
const PROXY = process.env.SENSORLAB_BENCH_PROXY as string; // EtherCalc behind a 3 s delay
// Readings/s offered in item 2 and the replay: a little above the 40,000 target, so whether
// it is met never hangs on the last digit of a timer.
const RATE = Number(process.env.SENSORLAB_BENCH_RATE ?? 41_000);
const PEAK_RATE = 60_000; // offered for PEAK_SECONDS, more than the pipeline takes: what it delivers then is its ceiling
const PEAK_SECONDS = 15;
const SECONDS = Number(process.env.SENSORLAB_BENCH_SECONDS ?? 60);
const FORWARD_EVERY = Number(process.env.SENSORLAB_BENCH_FORWARD_EVERY ?? 0.1); // seconds
const NAIVE_BURST = 2000; // readings sent one message each, as fast as the page can
const SLEEP_RATE = 100; // readings/s into sensorlab during the 30 s cell
// Readings/s on the naive kernel-opened comm meanwhile. Kept low: its messages wait for the
// main thread, and once about 2,000 wait, ipykernel stops routing subshell messages too.
const SLEEP_NAIVE_RATE = 10;
const DAY = 24 * 3600 * 10; // 24 h of 10 Hz readings
const WARM_UP = 3600 * 10; // the first hour

const results: Record<string, unknown> = {};
const run = promisify(execFile);

/** Record how long each plugin's activate() takes, before JupyterLab starts them. */
function timePlugins() {
  let app: any;
  const times: Record<string, number> = {};
  (window as any).__pluginTimes = times;
  Object.defineProperty(window, 'jupyterapp', {
    configurable: true,
    get: () => app,
    set(value) {
      app = value;
      // Set right after start() began; activate() runs later, from promise callbacks.
      for (const [id, plugin] of value.pluginRegistry._plugins as Map<string, any>) {
        const activate = plugin.activate;
        plugin.activate = function (...args: unknown[]) {
          const start = performance.now();
          const result = activate.apply(this, args);
          const done = () => (times[id] = performance.now() - start);
          if (result && typeof result.then === 'function') {
            return result.then((service: unknown) => (done(), service));
          }
          done();
          return result;
        };
      }
    }
  });
}

interface IFeed {
  count: number;
  rate: number;
  /** The first reading's number (channel n), so every reading can be found in the kernel. */
  first: number;
  /** Epoch ms of reading 0 for a replay of 10 Hz readings, or null to stamp them now. */
  replayFrom: number | null;
  /** Also send each reading as one message on this comm (the naive way). */
  naive: 'browser' | 'kernel' | null;
  /** Emit into sensorlab's simulated source. */
  sensorlab: boolean;
}

/** In the page: emit readings at `rate` per second, catching up on timer lateness. */
async function feed(
  page: Page,
  options: IFeed
): Promise<{ sent: number; seconds: number; startedAt: number; endedAt: number }> {
  return page.evaluate(async ({ count, rate, first, replayFrom, naive, sensorlab }) => {
    const w = window as any;
    const hub = w.jupyterapp.pluginRegistry._plugins.get('sensorlab:hub').service;
    const source = hub.sourceFor('simulated');
    const comm = naive === 'browser' ? w.__naiveBrowserComm : naive === 'kernel' ? w.__naiveKernelComm : null;
    if (naive && !comm) {
      throw new Error(`no ${naive}-opened naive comm`);
    }
    const begin = performance.now();
    const startedAt = Date.now();
    let i = 0;
    while (i < count) {
      const due = Math.min(count, Math.floor(((performance.now() - begin) / 1000) * rate) + 1);
      for (; i < due; i++) {
        const n = first + i;
        const values = { n, temperature: 20 + (n % 100) / 10, humidity: 40 + (n % 7), lux: 300 + (n % 50) };
        const time = replayFrom === null ? Date.now() : replayFrom + n * 100;
        if (sensorlab) {
          source.emitReading(values, time); // what a source does with each line a board prints
        }
        comm?.send({ time, values, source: 'simulated' });
      }
      await new Promise(resolve => setTimeout(resolve, 5));
    }
    return { sent: count, seconds: (performance.now() - begin) / 1000, startedAt, endedAt: Date.now() };
  }, options);
}

/** Wait until the Python expression `counted` reaches `count`; fail loudly, saying `short(have)`, if it never does. */
async function kernelCounts(
  page: Page,
  counted: string,
  count: number,
  short: (have: number) => string,
  timeoutMs = 180_000
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let have = -1;
  while (Date.now() < deadline) {
    have = await kernelJson<number>(page, `print(${counted})`);
    if (have >= count) {
      return;
    }
    await page.waitForTimeout(500);
  }
  throw new Error(short(have));
}

/** Wait until the kernel's Logger `name` holds `count` readings. */
function kernelHas(page: Page, name: string, count: number): Promise<void> {
  return kernelCounts(
    page,
    `${name}.status["readings"]`,
    count,
    have => `the kernel's ${name} holds ${have} readings, not the ${count} the page sent`
  );
}

/** Wait until the naive comm has delivered messages first..first+count-1. */
function naiveHas(page: Page, first: number, count: number): Promise<void> {
  return kernelCounts(
    page,
    `sum(1 for r in bench_naive if ${first} <= r[1] < ${first + count})`,
    count,
    have => `the naive comm delivered ${have} of ${count} messages`,
    300_000
  );
}

/**
 * Python that sets `_summary` from `_t` (reading times, ms) and `_r` (arrival times, ms):
 * latencies, and with `until` = [start, end] ms how many readings of that window arrived within it.
 */
function latencySummary(until: string): string {
  return `
_lat = _r - _t
_until = ${until}
_in = None if _until is None else (_t >= _until[0]) & (_t <= _until[1])
_summary = {"count": int(len(_t)), "p50": float(np.percentile(_lat, 50)), "p99": float(np.percentile(_lat, 99)),
            "max": float(_lat.max()), "first_time": float(_t.min()), "last_received": float(_r.max()),
            "during": None if _until is None else [int(_in.sum()), int((_in & (_r <= _until[1])).sum())]}`;
}

/** Python: check readings first..first+count-1 are each in `name` once; their latencies and arrivals. */
function analyse(name: string, first: number, count: number, until = 'None'): string {
  return `
import json, numpy as np
_s = ${name}._readings  # the Logger's columns; a DataFrame of millions of rows would only be slower
_n = np.array(_s.channels["n"]); _sel = (_n >= ${first}) & (_n < ${first + count})
_t = np.array(_s.time)[_sel]; _r = np.array(_s.received)[_sel] * 1000; _nn = np.sort(_n[_sel])
if len(_nn) != ${count} or not np.array_equal(_nn, np.arange(${first}, ${first + count})):
    raise RuntimeError(f"readings lost or doubled: {len(_nn)} stored, {len(np.unique(_nn))} distinct, ${count} sent")
${latencySummary(until)}
_summary["arrivals"] = None if _until is None else sorted(set(float(x - _until[0]) for x in _r[_in]))
print(json.dumps(_summary))`;
}

const KERNEL_NAIVE = `
import comm as _comm, time as _time
bench_naive = []  # (reading time ms, n, received s) of every naive message
def _bench_naive_msg(msg):
    data = msg["content"]["data"]
    bench_naive.append((data["time"], data["values"]["n"], _time.time()))
def _bench_naive_open(c, msg):
    c.on_msg(_bench_naive_msg)
_comm.get_comm_manager().register_target("bench.naive", _bench_naive_open)`;

// How long the Logger's handler takes for each batch, and when batches arrive: where a delay comes from.
const HANDLER_TIMES = `
bench_batches = []  # (arrival s, seconds in the handler)
_bench_handler = throughput._channel._on_message
def _bench_timed(comm, stream, msg):
    start = _time.perf_counter(); arrived = _time.time()
    _bench_handler(comm, stream, msg)
    bench_batches.append((arrived, _time.perf_counter() - start))
throughput._channel._on_message = _bench_timed  # the comm calls it through the instance`;

const BATCH_STATS = (from: number, to: number) => `
import json
_b = [b for b in bench_batches if ${from / 1000} <= b[0] <= ${to / 1000}]
_gaps = [b[0] - a[0] for a, b in zip(_b, _b[1:])]
print(json.dumps({"batches": len(_b), "slowest_handler_ms": max(b[1] for b in _b) * 1000,
                  "handler_busy": sum(b[1] for b in _b) / max(1e-9, _b[-1][0] - _b[0][0]),
                  "largest_gap_ms": max(_gaps) * 1000}))`;

function naiveStats(first: number, count: number, until = 'None'): string {
  return `
import json, numpy as np
_rows = np.array([r for r in bench_naive if ${first} <= r[1] < ${first + count}])
if len(_rows) != ${count} or len(set(_rows[:, 1])) != ${count}:
    raise RuntimeError(f"naive comm: {len(_rows)} messages of ${count} arrived")
_t, _r = _rows[:, 0], _rows[:, 2] * 1000
${latencySummary(until)}
print(json.dumps(_summary))`;
}

/** Round trips of 30 `pass` cells, page → server → kernel → page, 100 ms apart. */
async function trivialCells(page: Page): Promise<number[]> {
  return page.evaluate(async () => {
    const kernel = (window as any).jupyterapp.shell.currentWidget.sessionContext.session.kernel;
    const times: number[] = [];
    for (let i = 0; i < 30; i++) {
      const start = performance.now();
      await kernel.requestExecute({ code: 'pass', store_history: false }).done;
      times.push(performance.now() - start);
      await new Promise(resolve => setTimeout(resolve, 100));
    }
    return times;
  });
}

/** CPU seconds used so far by the browser (every Chromium process), the Jupyter server and the kernel, from /proc. */
function cpuByPart(kernel: number, server: number): Record<string, number> {
  const seconds = (pid: string) => {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12])) / 100; // utime + stime, in USER_HZ ticks
  };
  let browser = 0;
  for (const pid of readdirSync('/proc').filter(name => /^\d+$/.test(name))) {
    try {
      if (readFileSync(`/proc/${pid}/cmdline`, 'utf8').startsWith('/usr/lib/chromium/')) {
        browser += seconds(pid);
      }
    } catch {
      // the process ended meanwhile
    }
  }
  return { browser, server: seconds(String(server)), kernel: seconds(String(kernel)) };
}

async function heapMb(cdp: CDPSession): Promise<number> {
  await cdp.send('HeapProfiler.collectGarbage');
  await cdp.send('HeapProfiler.collectGarbage');
  const { usedSize } = await cdp.send('Runtime.getHeapUsage');
  return usedSize / 1e6;
}

// malloc_trim: memory freed after the replay's transient messages goes back to the system,
// so the figure is what the kernel keeps, not the C heap's high-water mark.
const KERNEL_RSS = `
import ctypes, gc, json
gc.collect(); ctypes.CDLL("libc.so.6").malloc_trim(0)
print(json.dumps(int(next(l for l in open("/proc/self/status") if l.startswith("VmRSS:")).split()[1]) / 1024))`;

function loggerCell(name: string, extra = ''): string {
  return `import sensorlab
never = sensorlab.DaylightSchedule(day_every="24h", night_every="24h")
${name} = sensorlab.Logger(name="${name}", schedule=never, forward_every=${FORWARD_EVERY}${extra})
${name}`;
}

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
