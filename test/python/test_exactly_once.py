"""Exactly once under every interleaving, on both real EtherCalc servers: no logger ever deletes or
changes a row it did not write, and every reader sees each ``row id`` once."""

import threading
import time
import uuid

import pytest
import requests
from proxy import Proxy
from sensorlab import outbox as outbox_module
from sensorlab.ethercalc import ROW_ID, Sheet
from sensorlab.store import LoggerFile


@pytest.fixture(autouse=True)
def quick_retries(monkeypatch):
    monkeypatch.setattr(outbox_module, "RETRY_MAX", 2.0)


def row(ident: str, n: int) -> dict:
    return {"time": f"t{n}", "n": n, ROW_ID: ident}


def ids_in_sheet(sheet_url: str) -> list[str]:
    """Every row id as the sheet holds it, copies included (not as sensorlab's readers show it)."""
    grid = Sheet(sheet_url).grid()
    if not grid:
        return []
    column = grid[0].index(ROW_ID)
    return [r[column] for r in grid[1:] if column < len(r) and r[column] is not None]


def wait_until(condition, seconds=15.0):
    deadline = time.monotonic() + seconds
    while not condition():
        assert time.monotonic() < deadline, "the sheet did not settle in time"
        time.sleep(0.05)


@pytest.fixture
def sheet_with_copies(sheet_url):
    """The review's sheet: r1 B r2 A r3 r4 B r5 A r6, the second A and B being copies left by late writes."""
    layout = ["r1", "B", "r2", "A", "r3", "r4", "B", "r5", "A", "r6"]
    cells = ["set A1 text t time", "set B1 text t n", "set C1 text t row id"]
    for number, ident in enumerate(layout, start=2):
        cells += [f"set A{number} text t t{number}", f"set B{number} value n {number}", f"set C{number} text t {ident}"]
    Sheet(sheet_url)._command(cells)
    wait_until(lambda: ids_in_sheet(sheet_url) == layout)
    return layout


def test_two_loggers_checking_their_rows_at_once_lose_no_other_row(sheet_url, sheet_with_copies, monkeypatch):
    # The bug: each logger read where its late copy was, then deleted that row number; B's deletion
    # landed first, every row below moved up, and A's took r6, a third logger's confirmed row.
    both_read = threading.Barrier(2, timeout=10)
    b_done = threading.Event()
    command = Sheet._command

    def commands_after_both_have_read(self, commands):
        both_read.wait()
        if self.owner == "A":
            b_done.wait(10)
        try:
            return command(self, commands)
        finally:
            if self.owner == "B":
                time.sleep(1.0)  # the 2020 server applies a write after answering it
                b_done.set()

    monkeypatch.setattr(Sheet, "_command", commands_after_both_have_read)
    checks = []
    for owner, n in (("A", 3), ("B", 1)):
        sheet = Sheet(sheet_url)
        sheet.owner = owner
        checks.append(threading.Thread(target=lambda s=sheet, o=owner, n=n: s.missing([row(o, n)])))
    for check in checks:
        check.start()
    for check in checks:
        check.join(30)
    time.sleep(1.0)  # anything sent has been applied
    held = ids_in_sheet(sheet_url)
    assert [ident for ident in held if ident.startswith("r")] == ["r1", "r2", "r3", "r4", "r5", "r6"]
    assert [r[ROW_ID] for r in Sheet(sheet_url).rows(with_ids=True)] == ["r1", "B", "r2", "A", "r3", "r4", "r5", "r6"]


def test_a_person_deleting_a_row_above_while_a_logger_checks_its_rows_loses_nothing_else(
    sheet_url, sheet_with_copies, monkeypatch
):
    # The bug: the logger read its copy's row number, a teacher deleted r1 meanwhile, and the logger's
    # deletion took the row below its copy.
    grid = Sheet.grid
    person = Sheet(sheet_url)
    deleted = []

    def a_person_deletes_r1_after_the_logger_read(self):
        found = grid(self)
        if self is not person and not deleted:
            deleted.append(True)
            person._command(["deleterow A2"])
            wait_until(lambda: ids_in_sheet(sheet_url)[0] == "B")
        return found

    monkeypatch.setattr(Sheet, "grid", a_person_deletes_r1_after_the_logger_read)
    Sheet(sheet_url).missing([row("A", 3)])
    time.sleep(1.0)
    held = ids_in_sheet(sheet_url)
    assert [ident for ident in held if ident.startswith("r")] == ["r2", "r3", "r4", "r5", "r6"]
    assert [r[ROW_ID] for r in Sheet(sheet_url).rows(with_ids=True)] == ["B", "r2", "A", "r3", "r4", "r5", "r6"]


class LateWrites(Proxy):
    """Forwards every ``every``-th write to the server a moment later and hangs up on the logger at once:
    the write lands after the logger gave up on it, and usually after it sent the row again."""

    def __init__(self, target: str, every: int = 5, late_by: float = 3.0):
        self.every, self.late_by, self.writes, self.late = every, late_by, 0, 0
        super().__init__(target)
        handler = self._server.RequestHandlerClass
        forward = handler.do_POST
        proxy = self

        def do_post(request):
            with proxy._lock:
                proxy.writes += 1
                late = proxy.writes % proxy.every == 0
                proxy.late += late
            if not late:
                return forward(request)
            body = request.rfile.read(int(request.headers.get("Content-Length") or 0))
            kind = request.headers.get("Content-Type")
            request.close_connection = True
            request.connection.shutdown(2)
            time.sleep(proxy.late_by)
            requests.post(proxy.target + request.path, data=body, headers={"Content-Type": kind}, timeout=30)

        handler.do_POST = do_post


def test_a_class_behind_a_network_that_loses_every_fifth_answer_sees_each_row_once(ethercalc, sheet_url, tmp_path):
    # 30 loggers post 3 rows each through a proxy that forwards every 5th write late and never answers
    # it; a teacher's rows stand in the sheet from the start and must all stay.
    teacher = [row(f"teacher-{n}", n) for n in range(3)]
    Sheet(sheet_url).append(teacher)
    proxy = LateWrites(ethercalc)
    through_proxy = f"{proxy.url}/{Sheet(sheet_url).name}"
    outboxes = [
        outbox_module.Outbox(Sheet(through_proxy, timeout=10), LoggerFile(tmp_path / f"logger-{n}", "class"))
        for n in range(30)
    ]
    try:
        for round_ in range(3):
            for n, outbox in enumerate(outboxes):
                outbox.put({"time": f"round {round_}", "logger": n, "n": round_})
        for outbox in outboxes:
            assert outbox.flush(120), outbox.last_error
    finally:
        for outbox in outboxes:
            outbox.close()
        proxy.close()
    assert proxy.late >= 5
    time.sleep(proxy.late_by + 1.0)  # the last late write has landed
    seen = [r[ROW_ID] for r in Sheet(sheet_url).rows(with_ids=True)]
    assert len(seen) == len(set(seen)) == 3 + 90
    assert all(f"teacher-{n}" in seen for n in range(3))
    rows = Sheet(sheet_url).rows()
    assert sorted((r["logger"], r["n"]) for r in rows if "logger" in r) == sorted(
        (float(n), float(r)) for n in range(30) for r in range(3)
    )


def test_sheet_rows_show_a_late_copy_once(sheet_url):
    sheet = Sheet(sheet_url)
    sheet.append([row("late-1", 1), row("late-2", 2)])
    Sheet(sheet_url).append([row("late-1", 1)])  # the same write, arriving again after it was confirmed
    wait_until(lambda: ids_in_sheet(sheet_url) == ["late-1", "late-2", "late-1"])
    assert sheet.missing([row("late-1", 1)]) == []
    assert [r[ROW_ID] for r in Sheet(sheet_url).rows(with_ids=True)] == ["late-1", "late-2"]
    assert [r["n"] for r in Sheet(sheet_url).rows()] == [1.0, 2.0]
    # Rows without an id (typed by a person) are all shown.
    sheet._command([f"set A{5} text t by hand", "set B5 value n 9"])
    wait_until(lambda: len(Sheet(sheet_url).rows()) == 3)


@pytest.mark.loads_server
def test_thirty_loggers_adding_a_column_each_in_the_same_second_keep_every_value_under_its_own_heading(ethercalc):
    # The bug: the loggers picked the same empty heading cell, the last heading written stood, and the
    # others' values stayed under it (11 of 68 values on the 2026 server, 21 of 72 on the 2020 one).
    # The bug misplaced about one value in six: 8 rounds (240 values) catch it and keep the suite short.
    misplaced, rounds = [], 8
    for round_ in range(rounds):
        sheet_url = f"{ethercalc}/columns-{uuid.uuid4().hex[:10]}"
        Sheet(sheet_url).append([{"time": "start", "n": 0}])
        start = threading.Barrier(30, timeout=30)
        errors = []

        def log(logger: int, url=sheet_url, start=start, errors=errors):
            sheet = Sheet(url)
            sheet.grid()
            start.wait()
            try:
                sheet.append([{"time": f"logger {logger}", f"channel {logger}": logger}])
            except Exception as error:  # collected, then asserted below
                errors.append(error)

        loggers = [threading.Thread(target=log, args=(n,)) for n in range(30)]
        for logger in loggers:
            logger.start()
        for logger in loggers:
            logger.join(120)
        assert errors == []
        time.sleep(1.0)  # the 2020 server applies a write after answering it
        rows = Sheet(sheet_url).rows()
        assert len(rows) == 31
        for found in rows[1:]:
            logger = int(found["time"].split()[1])
            values = {name: value for name, value in found.items() if name != "time"}
            if values != {f"channel {logger}": float(logger)}:
                misplaced.append((round_, found))
    assert misplaced == []


KERNEL_ONE = """
import sys, time
import sensorlab

sheet, data_dir = sys.argv[1:3]
logger = sensorlab.Logger(sheet=sheet, name="handoff", data_dir=data_dir)
logger.record(temperature=21.5)  # the first reading: a row is due at once
print("posting", flush=True)
if sys.argv[3] == "close":
    time.sleep(0.3)  # the row is on its way, behind the slow network
    logger.close()
    print("closed", flush=True)
time.sleep(120)  # the kernel goes on running (or is killed)
"""


class SlowRowWrites(Proxy):
    """Holds the write that carries rows for ``late_by`` seconds on its way to the server."""

    def __init__(self, target: str, late_by: float):
        self.late_by = late_by
        self.rows_sent = threading.Event()
        super().__init__(target)

    def before_write(self, body: bytes) -> None:
        if b"loadclipboard" in body or b"paste" in body:
            self.rows_sent.set()
            time.sleep(self.late_by)


@pytest.mark.parametrize("ending", ["close", "kill"])
def test_a_logger_handed_to_another_kernel_mid_post_posts_its_row_once(ethercalc, tmp_path, ending):
    # The bug: close() let the file go while the row was still on its way; the next kernel did not see
    # it in the sheet yet and posted it again (two copies with one row id). A kernel killed mid-post
    # left the next one the same trap.
    import subprocess
    import sys

    import sensorlab

    proxy = SlowRowWrites(ethercalc, late_by=0.7 if ending == "close" else 2.0)
    name = f"handoff-{uuid.uuid4().hex[:8]}"
    sheet_url = f"{proxy.url}/{name}"
    one = subprocess.Popen(
        [sys.executable, "-c", KERNEL_ONE, sheet_url, str(tmp_path), ending], stdout=subprocess.PIPE, text=True
    )
    two = None
    try:
        assert one.stdout.readline().strip() == "posting"
        assert proxy.rows_sent.wait(30)
        if ending == "close":
            assert one.stdout.readline().strip() == "closed"
        else:
            one.kill()
            one.wait(10)
        two = sensorlab.Logger(sheet=sheet_url, name="handoff", data_dir=tmp_path)
        assert two.flush(60), two.status
        time.sleep(2.5)  # a row held on the way has landed
        held = ids_in_sheet(f"{ethercalc}/{name}")
        assert len(held) == len(set(held)) == 1, held
        assert [r["temperature"] for r in Sheet(f"{ethercalc}/{name}").rows()] == [21.5]
    finally:
        if two:
            two.close()
        one.kill()
        one.wait(10)
        proxy.close()


def test_close_says_so_when_it_gives_up_waiting_and_the_next_owner_waits_for_the_rows_in_flight(
    ethercalc, tmp_path, caplog
):
    proxy = SlowRowWrites(ethercalc, late_by=4.0)
    sheet_url = f"{proxy.url}/handoff-{uuid.uuid4().hex[:8]}"
    store = LoggerFile(tmp_path, "handoff")
    first = outbox_module.Outbox(Sheet(sheet_url), store)
    try:
        first.put({"time": "t1", "v": 1})
        assert proxy.rows_sent.wait(30)
        assert first.close(wait=0.5) is False
        assert "did not finish the post in progress within 0.5 s" in caplog.text
        store.close()
        second = outbox_module.Outbox(Sheet(sheet_url), LoggerFile(tmp_path, "handoff"))
        try:
            assert second.flush(60), second.last_error
        finally:
            second.close()
        time.sleep(1.0)
        assert len(ids_in_sheet(sheet_url)) == 1
    finally:
        proxy.close()
