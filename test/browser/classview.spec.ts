/**
 * The teacher's view of the class, in a notebook (JupyterLab and Notebook 7) and in the sidebar: a class sheet of six
 * groups, one late, one silent and one whose board sends nothing, read from the real EtherCalc.
 */
import { expect, Page, test } from '@playwright/test';
import {
  collectErrors,
  expectNoSensorlabErrors,
  Frontend,
  kernelJson,
  openNotebook,
  runAllCells,
  runCommand,
  writeNotebook
} from './jupyter';

/** Six groups posting every 15 min for the last hour: 4 stopped 40 min ago, 5 two hours ago, 6 posts without values. */
const CLASS = (sheet: string) => `import datetime as dt
import sensorlab

sheet = sensorlab.Sheet("${sheet}")
now = dt.datetime.now().astimezone().replace(microsecond=0)
last_row = {1: 5, 2: 4, 3: 6, 4: 40, 5: 120, 6: 5}  # minutes ago
rows = []
for group, ago in last_row.items():
    for n in range(4):
        when = now - dt.timedelta(minutes=ago + 15 * n)
        row = {"time": when.strftime("%Y-%m-%d %H:%M:%S"), "group": f"group {group}"}
        if group != 6 or n > 0:
            row.update(temperature=20 + group / 2 - n / 10, light=100 * group + n)
        else:
            row["note"] = "no readings since " + (when - dt.timedelta(minutes=15)).strftime("%H:%M")
        zone = when.strftime("%z")
        row.update({"every (min)": 15, "time zone": f"UTC{zone[:3]}:{zone[3:]}", "row id": f"k{group}-{n}"})
        rows.append(row)
sheet.append(rows)`;

const ORDER = ['group 5', 'group 4', 'group 6', 'group 1', 'group 2', 'group 3'];
const STATES = ['silent', 'late', 'no readings', 'on time', 'on time', 'on time'];

async function expectTheClass(page: Page, view: ReturnType<Page['locator']>): Promise<void> {
  await expect(view.locator('.jp-sensorlab-ClassView-summary')).toHaveText(
    '3 on time, 1 with no readings, 1 late, 1 silent'
  );
  const lines = view.locator('tr.jp-sensorlab-ClassView-line');
  await expect(lines).toHaveCount(6);
  expect(await lines.evaluateAll(rows => rows.map(row => row.getAttribute('data-label')))).toEqual(ORDER);
  expect(await lines.evaluateAll(rows => rows.map(row => row.getAttribute('data-state')))).toEqual(STATES);
  const first = view.locator('tr[data-label="group 1"]');
  await expect(first).toContainText('temperature: 20.5');
  await expect(first).toContainText('a row every 15 min');
  await expect(view.locator('tr[data-label="group 6"]')).toContainText('no readings');
  const chart = view.locator('.jp-sensorlab-ClassView-chart [role=img]');
  await expect(chart).toHaveAttribute('aria-label', 'Chart of temperature for every group');
}

for (const frontend of ['lab', 'notebook'] as Frontend[]) {
  test(`the class view widget shows who needs a look first (${frontend})`, async ({ page, request }) => {
    const errors = collectErrors(page);
    const sheet = `${process.env.SENSORLAB_ETHERCALC}/class-view-${frontend}-${Date.now()}`;
    await writeNotebook(request, `class-view-${frontend}.ipynb`, [
      CLASS(sheet),
      'view = sensorlab.ClassView(sheet)\nview'
    ]);
    await openNotebook(page, frontend, `class-view-${frontend}.ipynb`);
    await runAllCells(page);
    const view = page.getByRole('region', { name: 'Class view' });
    await expectTheClass(page, view);
    await expect(view).toContainText(sheet.split('/').pop() as string);

    // The teacher picks another channel: the kernel sends that channel's series.
    await view.getByLabel('Channel on the chart').selectOption('light');
    await expect.poll(() => kernelJson<string>(page, 'import json; print(json.dumps(view.channel))')).toBe('light');
    await expect(view.locator('.jp-sensorlab-ClassView-chart [role=img]')).toHaveAttribute(
      'aria-label',
      'Chart of light for every group'
    );
    const series = await kernelJson<{ label: string; values: number[] }[]>(
      page,
      'import json; print(json.dumps(view.series))'
    );
    expect(series.find(s => s.label === 'group 2')?.values).toEqual([203, 202, 201, 200]);
    const table = await kernelJson<string[]>(page, 'import json; print(json.dumps(list(view.table()["state"])))');
    expect(table).toEqual(STATES);
    await view.screenshot({ path: test.info().outputPath(`class-view-${frontend}.png`) });
    await test.info().attach(`class view (${frontend})`, {
      path: test.info().outputPath(`class-view-${frontend}.png`),
      contentType: 'image/png'
    });
    await expectNoSensorlabErrors(errors);
  });
}

test("the sidebar's Class section watches a class sheet the teacher opens", async ({ page, request }) => {
  const errors = collectErrors(page);
  const sheet = `${process.env.SENSORLAB_ETHERCALC}/class-sidebar-${Date.now()}`;
  await writeNotebook(request, 'class-sidebar.ipynb', [CLASS(sheet)]);
  await openNotebook(page, 'lab', 'class-sidebar.ipynb');
  await runAllCells(page);
  await runCommand(page, 'sensorlab:open-monitor');
  const section = page.locator('section.jp-sensorlab-Monitor-class');
  await section.getByLabel('Class sheet address').fill(sheet);
  await section.getByRole('button', { name: 'Watch the class sheet' }).click();
  await expectTheClass(page, section);
  await section.screenshot({ path: test.info().outputPath('class-sidebar.png') });
  await test
    .info()
    .attach('class section', { path: test.info().outputPath('class-sidebar.png'), contentType: 'image/png' });
  // The address is kept in the settings for the next visit.
  await expect
    .poll(async () => (await (await request.get('/lab/api/settings/sensorlab:monitor')).json()).settings?.classSheet)
    .toBe(sheet);
  await section.getByRole('button', { name: 'Stop watching the class sheet' }).click();
  await expect(section.getByRole('button', { name: 'Watch the class sheet' })).toBeVisible();
  await expectNoSensorlabErrors(errors);
});
