/** Drive JupyterLab and Notebook 7 through the page, the same way in both. */
import { APIRequestContext, expect, Page } from '@playwright/test';

export type Frontend = 'lab' | 'notebook';

export function notebookUrl(frontend: Frontend, path: string): string {
  // ?reset: a fresh workspace, so tabs of an earlier test are not opened again.
  return frontend === 'lab' ? `/lab/tree/${path}?reset` : `/notebooks/${path}`;
}

/** Collects the page's console errors and uncaught exceptions. */
export function collectErrors(page: Page): string[] {
  const errors: string[] = [];
  page.on('console', msg => {
    if (msg.type() === 'error') {
      errors.push(`${msg.text()} (${msg.location().url})`);
    }
  });
  page.on('pageerror', error => errors.push(`${error.message}\n${error.stack ?? ''}`));
  return errors;
}

/** Open a notebook and wait until its kernel is idle. */
export async function openNotebook(page: Page, frontend: Frontend, path: string): Promise<void> {
  await page.goto(notebookUrl(frontend, path));
  await waitForKernel(page);
}

/** Wait until the open notebook's kernel is connected and idle. */
export async function waitForKernel(page: Page): Promise<void> {
  await page.waitForFunction(
    () => {
      const panel = (window as any).jupyterapp?.shell?.currentWidget;
      const kernel = panel?.sessionContext?.session?.kernel;
      return kernel && kernel.status === 'idle' && kernel.connectionStatus === 'connected';
    },
    undefined,
    { timeout: 60_000 }
  );
}

export async function runCommand(page: Page, id: string, args: object = {}): Promise<void> {
  await page.evaluate(([id, args]) => (window as any).jupyterapp.commands.execute(id, args), [id, args] as const);
}

/** Run every cell of the open notebook and wait until the kernel is done. */
export async function runAllCells(page: Page): Promise<void> {
  await runCommand(page, 'notebook:run-all-cells');
  await waitForIdle(page);
}

export async function waitForIdle(page: Page): Promise<void> {
  // Let the execute requests reach the kernel before waiting for idle.
  await page.waitForTimeout(500);
  await page.waitForFunction(
    () => {
      const panel = (window as any).jupyterapp.shell.currentWidget;
      return panel.sessionContext.session?.kernel?.status === 'idle';
    },
    undefined,
    { timeout: 120_000 }
  );
}

/**
 * Run code in the open notebook's kernel (not in a cell) and return what it printed.
 * Errors raised by the code are thrown here with their traceback.
 */
export async function kernelRun(page: Page, code: string): Promise<string> {
  return page.evaluate(async code => {
    const panel = (window as any).jupyterapp.shell.currentWidget;
    const kernel = panel.sessionContext.session.kernel;
    const future = kernel.requestExecute({ code, store_history: false });
    let out = '';
    let error = '';
    future.onIOPub = (msg: any) => {
      if (msg.header.msg_type === 'stream') {
        out += msg.content.text;
      } else if (msg.header.msg_type === 'error') {
        error = `${msg.content.ename}: ${msg.content.evalue}\n${msg.content.traceback.join('\n')}`;
      }
    };
    await future.done;
    if (error) {
      throw new Error(error);
    }
    return out;
  }, code);
}

/** Run Python that prints one JSON value, and parse it. */
export async function kernelJson<T = any>(page: Page, code: string): Promise<T> {
  const out = await kernelRun(page, code);
  return JSON.parse(out.trim().split('\n').pop() as string) as T;
}

export async function restartKernel(page: Page): Promise<void> {
  await page.evaluate(async () => {
    const panel = (window as any).jupyterapp.shell.currentWidget;
    await panel.sessionContext.session.kernel.restart();
  });
  await waitForIdle(page);
}

/** The Logger widget's view in the open notebook. */
export function loggerView(page: Page) {
  const view = page.locator('.jp-sensorlab-Logger').filter({ visible: true }).first();
  return {
    view,
    start: view.getByRole('button', { name: /^Start / }),
    stop: view.getByRole('button', { name: /^Stop / }),
    connect: view.getByRole('button', { name: /^Connect / }),
    disconnect: view.getByRole('button', { name: /^Disconnect / }),
    status: view.locator('.jp-sensorlab-Logger-status'),
    value: (channel: string) => view.locator(`[data-channel="${channel}"] .jp-sensorlab-Logger-valueNumber`)
  };
}

export async function expectNoSensorlabErrors(errors: string[]): Promise<void> {
  const ours = errors.filter(e => /sensorlab/i.test(e));
  expect(ours, `console errors from sensorlab:\n${ours.join('\n')}`).toEqual([]);
}

/** Write a notebook of code cells into the server's folder, for a test of its own. */
export async function writeNotebook(request: APIRequestContext, path: string, cells: string[]): Promise<void> {
  const content = {
    nbformat: 4,
    nbformat_minor: 5,
    metadata: { kernelspec: { name: 'python3', display_name: 'Python 3 (ipykernel)', language: 'python' } },
    cells: cells.map((source, i) => ({
      cell_type: 'code',
      id: `cell-${i}`,
      source,
      metadata: {},
      outputs: [],
      execution_count: null
    }))
  };
  const response = await request.put(`/api/contents/${path}`, { data: { type: 'notebook', format: 'json', content } });
  expect(response.ok(), await response.text()).toBe(true);
}

/** Run the open notebook's cells from `first` to `last` (inclusive), one after another. */
export async function runCells(page: Page, first: number, last: number): Promise<void> {
  for (let index = first; index <= last; index++) {
    await page.evaluate(async index => {
      const app = (window as any).jupyterapp;
      app.shell.currentWidget.content.activeCellIndex = index;
      await app.commands.execute('notebook:run-cell');
    }, index);
  }
  await waitForIdle(page);
}

/** The open notebook as nbformat JSON, outputs included. */
export async function notebookJson(page: Page): Promise<{ cells: any[] }> {
  return page.evaluate(() => (window as any).jupyterapp.shell.currentWidget.context.model.toJSON());
}

/**
 * Before the page loads: the fake Web Serial board (fake-serial.js), and a notebook with one
 * serial Logger, named per test (loggers keep their readings on disk). `options`: more
 * Logger arguments, e.g. `sheet="..."`.
 */
export async function serialLoggerNotebook(
  page: Page,
  request: APIRequestContext,
  path: string,
  name: string,
  options = ''
): Promise<void> {
  await page.addInitScript({ path: `${__dirname}/fake-serial.js` });
  await writeNotebook(request, path, [
    `import sensorlab
logger = sensorlab.Logger(source="serial", baud=115200, name="${name}", forward_every=1${options ? ', ' + options : ''})
logger`
  ]);
}
