/**
 * A class on a real JupyterHub: three students log in from browsers of their own, run lesson 01
 * under /user/<name>/ (two with the simulated sensor, one with a USB board), and all post to one
 * class sheet. One student's kernel restarts, another's page reloads; nothing is lost and every
 * row lands once. Prints what each student's server and kernel use in memory and CPU.
 */
import { expect, Page, test } from '@playwright/test';
import { sheetCsv, sheetName } from './ethercalc';
import { commandLine, hub, isRunning, logIn, openStudentNotebook, stopServer, usage } from './hub';
import {
  collectErrors,
  expectNoSensorlabErrors,
  kernelJson,
  loggerView,
  restartKernel,
  runAllCells,
  runCommand,
  waitForKernel
} from './jupyter';

const LESSON = '01-first-readings.ipynb';
const LOGGING_SECONDS = 45;

interface IStudent {
  name: string;
  page: Page;
  errors: string[];
  board: boolean;
  startAt: number;
  postedBefore: number; // rows posted by a Logger of an earlier kernel (before a restart)
  pids: { server: number; kernel: number };
}

const sinceStart = (student: IStudent) =>
  `import pandas as pd; print(int((logger.data["time"] >= pd.Timestamp(${student.startAt}, unit="ms", tz="UTC")).sum()))`;
const status = (key: string) => `import json; print(json.dumps(logger.status["${key}"]))`;

/** How many readings the page's sensor produced, as the sidebar counts them. */
async function linesRead(student: IStudent): Promise<number> {
  await runCommand(student.page, 'sensorlab:open-monitor');
  const source = student.board ? 'serial-1' : 'simulated';
  const text = await student.page.locator(`.jp-sensorlab-Monitor-device[data-source="${source}"]`).textContent();
  return Number(/(\d+) lines? read/.exec(text ?? '')?.[1]);
}

async function kernelPids(page: Page): Promise<{ server: number; kernel: number }> {
  return kernelJson(page, 'import os, json; print(json.dumps({"kernel": os.getpid(), "server": os.getppid()}))');
}

/** The fake board prints a reading a second, as a micro:bit does; `boardLines` counts them. */
async function plugInBoard(page: Page): Promise<void> {
  await page.evaluate(() => {
    const w = window as any;
    w.boardLines = 0;
    w.boardTimer = setInterval(() => {
      w.boardLines++;
      w.fakeSerial.print(`temperature:${(20 + (w.boardLines % 7) / 2).toFixed(1)} light:${100 + w.boardLines}\n`);
    }, 1000);
  });
}

/** Run the lesson from the top; the board's student first sets SIMULATED = False, as the lesson says. */
async function runLesson(student: IStudent): Promise<void> {
  if (student.board) {
    await student.page.evaluate(() => {
      const notebook = (window as any).jupyterapp.shell.currentWidget.content;
      const cell = notebook.widgets.find((c: any) => c.model.sharedModel.getSource().startsWith('# True'));
      cell.model.sharedModel.setSource(
        cell.model.sharedModel.getSource().replace('SIMULATED = True', 'SIMULATED = False')
      );
    });
  }
  await runAllCells(student.page);
  await expect(loggerView(student.page).view).toBeVisible();
}

test('a class of three on JupyterHub logs into one sheet: nothing lost, every row once', async ({ browser }) => {
  test.setTimeout(420_000);
  const sheet = hub.sheet();
  const names = hub.students();
  expect(names.length).toBeGreaterThanOrEqual(3);

  // Three students log in at once, each from a browser of their own; the third has a USB board.
  const students: IStudent[] = await Promise.all(
    names.slice(0, 3).map(async (name, n) => {
      const board = n === 2;
      const page = await logIn(browser, name, board ? `${__dirname}/fake-serial.js` : undefined);
      const errors = collectErrors(page);
      await openStudentNotebook(page, name, LESSON);
      return { name, page, errors, board, startAt: 0, postedBefore: 0, pids: { server: 0, kernel: 0 } };
    })
  );
  for (const student of students) {
    expect(student.page.url()).toContain(`/user/${student.name}/lab/tree/${LESSON}`);
  }
  await Promise.all(students.map(runLesson));

  // Each kernel is a child of its student's own single-user server.
  for (const student of students) {
    student.pids = await kernelPids(student.page);
    expect(commandLine(student.pids.server)).toContain('jupyterhub-singleuser');
    expect(commandLine(student.pids.server)).toContain('.venv/hub-user');
  }
  expect(new Set(students.map(s => s.pids.server)).size).toBe(3);

  // Start logging: Start for the simulated classroom, Connect and a board that prints for the USB one.
  for (const student of students) {
    const logger = loggerView(student.page);
    student.startAt = await student.page.evaluate(() => Date.now());
    if (student.board) {
      await logger.connect.click();
      await expect(logger.view).toContainText('micro:bit (USB): reading');
      await plugInBoard(student.page);
    } else {
      await logger.start.click();
      await expect(logger.view).toContainText('Simulated classroom: reading');
    }
  }
  // CPU time so far: the server's start and the lesson's run (imports of pandas and sensorlab).
  const cpuBefore = students.map(s => [usage(s.pids.server).cpuSeconds, usage(s.pids.kernel).cpuSeconds]);
  const windowStart = Date.now();
  await students[0].page.waitForTimeout(LOGGING_SECONDS * 1000);
  const windowSeconds = (Date.now() - windowStart) / 1000;
  const cpuShare = students.map((s, i) => {
    const used = usage(s.pids.server).cpuSeconds - cpuBefore[i][0] + usage(s.pids.kernel).cpuSeconds - cpuBefore[i][1];
    return used / windowSeconds;
  });
  for (const student of students) {
    // The demo schedule's first row is due at once, the next 20 s later.
    expect(await kernelJson<number>(student.page, status('posted'))).toBeGreaterThanOrEqual(2);
  }

  // Student 1's kernel restarts while the sensor reads; the lesson is run again.
  const [restarted, reloaded, withBoard] = students;
  await expect.poll(() => kernelJson<number>(restarted.page, status('pending')), { timeout: 30_000 }).toBe(0);
  restarted.postedBefore = await kernelJson<number>(restarted.page, status('posted'));
  await restartKernel(restarted.page);
  await restarted.page.waitForTimeout(5000); // readings wait in the browser meanwhile
  await runAllCells(restarted.page);
  restarted.pids = await kernelPids(restarted.page);

  // Student 2 stops, and reloads the page before the last readings left it.
  await loggerView(reloaded.page).stop.click();
  await reloaded.page.waitForTimeout(1500); // the page keeps what it holds every second
  const readBeforeReload = await linesRead(reloaded);
  await runCommand(reloaded.page, 'docmanager:save');
  reloaded.page.on('dialog', dialog => dialog.accept());
  await reloaded.page.reload();
  await waitForKernel(reloaded.page);
  await expect(loggerView(reloaded.page).view).toContainText('Simulated classroom: stopped');
  await expect
    .poll(() => kernelJson<number>(reloaded.page, sinceStart(reloaded)), { timeout: 45_000 })
    .toBe(readBeforeReload);

  // The others stop; every reading their pages produced is in their kernels, once.
  await loggerView(restarted.page).stop.click();
  await withBoard.page.evaluate(() => clearInterval((window as any).boardTimer));
  await withBoard.page.waitForTimeout(2500);
  await loggerView(withBoard.page).disconnect.click();
  for (const student of [restarted, withBoard]) {
    const read = await linesRead(student);
    expect(read).toBeGreaterThanOrEqual(LOGGING_SECONDS);
    await expect.poll(() => kernelJson<number>(student.page, sinceStart(student)), { timeout: 45_000 }).toBe(read);
  }
  const boardLines = await withBoard.page.evaluate(() => (window as any).boardLines);
  expect(await linesRead(withBoard)).toBeGreaterThanOrEqual(boardLines - 1); // a first line may be cut off
  for (const student of students) {
    const times = await kernelJson<number[]>(
      student.page,
      'import json; print(json.dumps([t.timestamp() for t in logger.data["time"]]))'
    );
    expect(new Set(times).size, `${student.name}: a reading twice`).toBe(times.length);
  }

  // Each posts a last row (a note: with the sensor stopped, nothing new was read, and a row of only a
  // time is not posted); the widget and the sidebar under /user/<name>/ read the sheet back.
  for (const student of students) {
    const { page } = student;
    const lastRow =
      'import json; logger.note("end of the lesson"); logger.post_now(); print(json.dumps(logger.flush(60)))';
    expect(await kernelJson<boolean>(page, lastRow)).toBe(true);
    const rows = (await sheetCsv(sheetName(sheet))).slice(1);
    await expect(loggerView(page).view.locator('.jp-sensorlab-Logger-sheetRows')).toHaveText(
      ` · ${rows.length} rows in the sheet, newest from ${rows[rows.length - 1][0]}`
    );
    await runCommand(page, 'sensorlab:open-monitor');
    // The sidebar has one card, this Logger's (a restarted kernel's old Logger leaves no card
    // behind), showing the sheet's last rows, the newest included.
    const newest = rows[rows.length - 1][0];
    const card = page.locator('.jp-sensorlab-Monitor-logger').filter({ visible: true });
    await expect(card).toHaveCount(1);
    await expect(card.locator('.jp-sensorlab-Monitor-rows')).toContainText(newest);
    await expect(card).toContainText(sheetName(sheet));
    await expect(card.locator('.jp-sensorlab-Monitor-rows th').first()).toHaveText('time');
  }

  // Every row once: the sheet's rows, by their ids, against what each student's Loggers posted.
  const posted: number[] = [];
  for (const student of students) {
    expect(await kernelJson<number>(student.page, status('pending'))).toBe(0);
    posted.push(student.postedBefore + (await kernelJson<number>(student.page, status('posted'))));
  }
  const rows = await kernelJson<{ id: string; group: string }[]>(
    reloaded.page,
    `import json
print(json.dumps([{"id": r["row id"], "group": r["group"]} for r in sensorlab.Sheet("${sheet}").rows(with_ids=True)]))`
  );
  const ids = rows.map(row => row.id);
  expect(new Set(ids).size, 'a row twice in the sheet').toBe(ids.length);
  const perLogger = new Map<string, number>();
  for (const id of ids) {
    perLogger.set(id.split('-')[0], (perLogger.get(id.split('-')[0]) ?? 0) + 1);
  }
  expect([...perLogger.values()].sort((a, b) => a - b)).toEqual([...posted].sort((a, b) => a - b));
  // The hub's teacher lets logins label the rows (SENSORLAB_GROUP_FROM_LOGIN): the sheet says whose each row is.
  for (const student of students) {
    const theirs = rows.filter(row => row.group === student.name).length;
    expect(theirs, `${student.name}'s rows`).toBe(posted[students.indexOf(student)]);
  }

  // What a class needs: each student's server and kernel, measured while they ran the lesson.
  const measured = students.map((s, i) => {
    const server = usage(s.pids.server).rssMiB;
    const kernel = usage(s.pids.kernel).rssMiB;
    return {
      student: s.name,
      serverMiB: Math.round(server),
      kernelMiB: Math.round(kernel),
      startCpuSeconds: Number((cpuBefore[i][0] + cpuBefore[i][1]).toFixed(1)),
      loggingCpuShare: Number(cpuShare[i].toFixed(4))
    };
  });
  const shared = {
    hubMiB: Math.round(usage(hub.pids().hub).rssMiB),
    proxyMiB: Math.round(usage(hub.pids().proxy).rssMiB)
  };
  const perStudent = Math.max(...measured.map(m => m.serverMiB + m.kernelMiB));
  const report = { students: measured, ...shared, perStudentMiB: perStudent, sheet };
  console.log(`hub memory and CPU: ${JSON.stringify(report)}`);
  await test.info().attach('hub-memory', { body: JSON.stringify(report, null, 2), contentType: 'application/json' });
  for (const m of measured) {
    expect(m.serverMiB).toBeGreaterThan(30); // a real Jupyter server, not a stand-in
    expect(m.kernelMiB).toBeGreaterThan(30);
  }

  for (const student of students) {
    await expectNoSensorlabErrors(student.errors);
  }
  await Promise.all(students.map(s => s.page.context().close()));
  // The hub stops each server, and with it the kernel.
  for (const student of students) {
    await stopServer(student.name);
    expect(isRunning(student.pids.server)).toBe(false);
    await expect.poll(() => isRunning(student.pids.kernel), { timeout: 15_000 }).toBe(false);
  }
});
