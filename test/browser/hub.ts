/** Drive the class JupyterHub that test/servers/hub.py starts: students' logins, their servers' processes. */
import { Browser, expect, Page } from '@playwright/test';
import { execFileSync } from 'child_process';
import { readFileSync } from 'fs';
import { waitForKernel } from './jupyter';

function required(name: string): string {
  const value = process.env[name];
  if (!value) {
    throw new Error(
      `${name} is not set: the hub test needs a running JupyterHub. Run it under test/servers/hub.py, e.g. ` +
        '`.venv/bin/python test/servers/servers.py run -- .venv/bin/python test/servers/hub.py run -- ' +
        'npx playwright test --config test/browser/playwright.config.ts test/browser/hub.spec.ts` (make test does).'
    );
  }
  return value;
}

export const hub = {
  url: () => required('SENSORLAB_HUB'),
  students: () => required('SENSORLAB_HUB_STUDENTS').split(','),
  sheet: () => required('SENSORLAB_HUB_SHEET'),
  pids: () => ({ hub: Number(required('SENSORLAB_HUB_PID')), proxy: Number(required('SENSORLAB_HUB_PROXY_PID')) })
};

/** A student logs in from a browser of their own and waits until JupyterLab runs under /user/<name>/. */
export async function logIn(browser: Browser, student: string, beforeLoad?: string): Promise<Page> {
  const context = await browser.newContext();
  if (beforeLoad) {
    await context.addInitScript({ path: beforeLoad });
  }
  const page = await context.newPage();
  await page.goto(`${hub.url()}/hub/login`);
  await page.locator('#username_input').fill(student);
  await page.locator('#password_input').fill(required('SENSORLAB_HUB_PASSWORD'));
  await page.locator('#login_submit').click();
  // The hub starts the student's server, then sends the browser to it.
  await page.waitForURL(`${hub.url()}/user/${student}/lab**`, { timeout: 150_000 });
  await page.waitForFunction(() => (window as any).jupyterapp?.started !== undefined, undefined, { timeout: 60_000 });
  return page;
}

/** Open a notebook of the student's folder in JupyterLab and wait for its kernel. */
export async function openStudentNotebook(page: Page, student: string, path: string): Promise<void> {
  await page.goto(`${hub.url()}/user/${student}/lab/tree/${path}?reset`);
  await waitForKernel(page);
}

/** The hub stops a student's server (and so its kernels), through the hub's API. */
export async function stopServer(student: string): Promise<void> {
  const headers = { Authorization: `token ${required('SENSORLAB_HUB_TOKEN')}` };
  const url = `${hub.url()}/hub/api/users/${student}`;
  const stop = await fetch(`${url}/server`, { method: 'DELETE', headers });
  expect([202, 204], await stop.text()).toContain(stop.status);
  await expect
    .poll(async () => ((await (await fetch(url, { headers })).json()) as any).servers?.[''], { timeout: 60_000 })
    .toBeUndefined();
}

const TICKS_PER_SECOND = Number(execFileSync('getconf', ['CLK_TCK']).toString().trim());

/** A process's resident memory (MiB) and the CPU time it has used (s), from /proc. */
export function usage(pid: number): { rssMiB: number; cpuSeconds: number } {
  const rssKiB = Number(/VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1]);
  // The fields after the command's name: utime and stime are the 12th and 13th.
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
  return { rssMiB: rssKiB / 1024, cpuSeconds: (Number(fields[11]) + Number(fields[12])) / TICKS_PER_SECOND };
}

export function commandLine(pid: number): string {
  return readFileSync(`/proc/${pid}/cmdline`, 'utf8').replace(/\0/g, ' ');
}

export function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}
