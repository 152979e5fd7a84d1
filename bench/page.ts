// The benchmark's helpers in and around the page: plugin timing, feeding readings, waiting for the kernel, CPU and heap.
import type { CDPSession, Page } from '@playwright/test';
import { readdirSync, readFileSync } from 'fs';
import { kernelJson } from '../test/browser/jupyter';

/** Record how long each plugin's activate() takes, before JupyterLab starts them. */
export function timePlugins() {
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
export async function feed(
  page: Page,
  options: IFeed
): Promise<{ sent: number; seconds: number; startedAt: number; endedAt: number }> {
  return page.evaluate(async ({ count, rate, first, replayFrom, naive, sensorlab }) => {
    const w = window as any;
    const hub = w.jupyterapp.pluginRegistry._plugins.get('sensorlab:hub').service;
    const source = hub.simulated();
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
export async function kernelCounts(
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
export function kernelHas(page: Page, name: string, count: number): Promise<void> {
  return kernelCounts(
    page,
    `${name}.status["readings"]`,
    count,
    have => `the kernel's ${name} holds ${have} readings, not the ${count} the page sent`
  );
}

/** Wait until the naive comm has delivered messages first..first+count-1. */
export function naiveHas(page: Page, first: number, count: number): Promise<void> {
  return kernelCounts(
    page,
    `sum(1 for r in bench_naive if ${first} <= r[1] < ${first + count})`,
    count,
    have => `the naive comm delivered ${have} of ${count} messages`,
    300_000
  );
}

/** Round trips of 30 `pass` cells, page → server → kernel → page, 100 ms apart. */
export async function trivialCells(page: Page): Promise<number[]> {
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
export function cpuByPart(kernel: number, server: number): Record<string, number> {
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

export async function heapMb(cdp: CDPSession): Promise<number> {
  await cdp.send('HeapProfiler.collectGarbage');
  await cdp.send('HeapProfiler.collectGarbage');
  const { usedSize } = await cdp.send('Runtime.getHeapUsage');
  return usedSize / 1e6;
}
