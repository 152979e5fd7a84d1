/** Drive the class site (JupyterLite) through its page, with no request leaving 127.0.0.1. */
import { expect, Page, test as base } from '@playwright/test';

/**
 * Every request to another host is aborted and listed; the test fails if there is any, so a
 * site that would need the network in a classroom without it fails here.
 */
export const test = base.extend<{ leaving: string[]; fetchedOnline: string[] }>({
  // Packages a test's cells fetch from Pyodide's server when online (pandas): offline, they fail as they
  // should, and are not counted as leaving.
  fetchedOnline: [[], { option: true }],
  leaving: [
    async ({ context, fetchedOnline }, use) => {
      const leaving: string[] = [];
      // Also routes the kernel's web worker, which fetches Pyodide and the wheels.
      await context.route('**/*', async route => {
        const url = new URL(route.request().url());
        if (url.hostname === '127.0.0.1' && url.pathname.endsWith('/jupyter-lite.json')) {
          return route.fulfill({ json: withAppInWindow(await (await route.fetch()).json()) });
        }
        if (url.hostname === '127.0.0.1') {
          return route.continue();
        }
        const wheel = url.pathname.split('/').pop() ?? '';
        if (!fetchedOnline.some(name => wheel.startsWith(`${name}-`))) {
          leaving.push(route.request().url());
        }
        return route.abort();
      });
      await use(leaving);
      expect(leaving, 'requests that would leave 127.0.0.1').toEqual([]);
    },
    { auto: true }
  ]
});

export { expect };

/** The site's settings, plus `window.jupyterapp` for the tests (as Galata has it), which the published site leaves out. */
function withAppInWindow(config: any): any {
  config['jupyter-config-data'] = { ...config['jupyter-config-data'], exposeAppInBrowser: true };
  return config;
}

/** A sheet or logger name no other test (or earlier run) has used. */
export function uniqueName(prefix: string): string {
  return `${prefix}-${Math.random().toString(16).slice(2, 10)}`;
}

/** Open the site (again, if open: as a reload) and a new notebook on the Pyodide kernel, from the launcher. */
export async function newPyodideNotebook(page: Page): Promise<void> {
  await page.goto('lab/index.html?reset'); // not the notebooks open before: the launcher
  await page
    .locator('.jp-Launcher-section', { hasText: 'Notebook' })
    .locator('.jp-LauncherCard[title="Python (Pyodide)"]')
    .click();
  await expect(page.locator('.jp-Notebook .jp-Cell')).toHaveCount(1);
  // A cell run while the kernel still starts can be lost: wait until it is idle.
  await kernelIdle(page);
}

/** Open a file of the site (a lesson) on a new page and wait until its kernel is idle. */
export async function openInSite(page: Page, path: string): Promise<void> {
  await page.goto('lab/index.html?reset');
  await page.locator('.jp-DirListing-content').getByText(path, { exact: true }).dblclick();
  await kernelIdle(page);
}

/** Wait until the open notebook's kernel has started and is idle (asked of the page: any language). */
async function kernelIdle(page: Page): Promise<void> {
  await expect
    .poll(
      () =>
        page.evaluate(() => (window as any).jupyterapp?.shell.currentWidget?.sessionContext?.session?.kernel?.status),
      { timeout: 120_000 }
    )
    .toBe('idle');
}

/** Run the open notebook's cell ``index`` again and return what it shows. */
export async function rerunCell(page: Page, index: number): Promise<string> {
  await page.evaluate(async index => {
    const app = (window as any).jupyterapp;
    app.shell.currentWidget.content.activeCellIndex = index;
    await app.commands.execute('notebook:run-cell');
  }, index);
  const cell = page.locator('.jp-Notebook .jp-Cell').nth(index);
  await expect(cell.locator('.jp-InputPrompt')).toHaveText(/\[\d+\]/, { timeout: 120_000 });
  return cell.locator('.jp-OutputArea').innerText();
}

/** Type ``code`` into the notebook's cell ``index`` as a person would, run it, return what it shows. */
export async function runCell(page: Page, index: number, code: string): Promise<string> {
  const cell = page.locator('.jp-Notebook .jp-Cell').nth(index);
  await cell.locator('.cm-content').click();
  await page.keyboard.type(code);
  await page.keyboard.press('Shift+Enter');
  await expect(cell.locator('.jp-InputPrompt')).toHaveText(/\[\d+\]/, { timeout: 120_000 });
  return cell.locator('.jp-OutputArea').innerText();
}
