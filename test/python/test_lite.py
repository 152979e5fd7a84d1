"""sensorlab where a class site in the browser runs it (JupyterLite's Pyodide kernel), tried under CPython: no
pandas or numpy, a stand-in ipykernel, an fcntl without file locks, no threads."""

import asyncio
import json
import subprocess
import sys
import threading
import time
import types
from pathlib import Path

import pytest
import sensorlab
import tomllib
from comms import batch, open_comm
from packaging.requirements import Requirement
from sensorlab import timers

# Imports sensorlab without what an offline class site's Python lacks, logs, and prints what it saw as JSON.
IN_AN_OFFLINE_SITE = """
import json, sys
from datetime import datetime

# No pandas or numpy offline; the site's ipykernel is a stand-in without the kernel.
MISSING = ("pandas", "numpy", "ipykernel.kernelbase")

def missing(name):
    return any(name == module or name.startswith(module + ".") for module in MISSING)

class NotHere:
    def find_spec(self, name, path=None, target=None):
        if missing(name):
            raise ModuleNotFoundError(f"No module named {name!r}")

sys.meta_path.insert(0, NotHere())
sys.path.insert(0, sys.argv[1])  # this folder, for comms
import sensorlab
from comms import batch, open_comm

logger = sensorlab.Logger(name="offline")
comm = open_comm("offline")
comm.deliver(batch(0))
logger.record(temperature=21.5)
logger.note("window opened")
tables = {
    "data": lambda: logger.data,
    "notes": lambda: logger.notes,
    "to_csv": logger.to_csv,
    "record_many": lambda: logger.record_many(None),
    "record at a time": lambda: logger.record(temperature=21.5, time=datetime(2026, 12, 7, 10)),
}
refused = {}
for what, make in tables.items():
    try:
        make()
    except ImportError as error:
        refused[what] = str(error)
logger._on_widget_msg(None, {"type": "export"}, [])  # the widget's Download CSV
print(json.dumps({
    "acks": comm.sent[1:],
    "status": logger.status,
    "refused": refused,
    "imported": sorted(name for name in sys.modules if missing(name)),
}))
logger.close()
"""


def test_sensorlab_logs_without_pandas_or_ipykernel_and_says_what_to_do_for_tables():
    done = subprocess.run(
        [sys.executable, "-c", IN_AN_OFFLINE_SITE, str(Path(__file__).parent)],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    seen = json.loads(done.stdout)
    assert seen["imported"] == []
    assert seen["acks"] == [{"type": "ack", "seq": 0}]
    assert seen["status"]["readings"] == 4
    assert seen["status"]["note"] == "window opened"
    assert list(seen["refused"]) == ["data", "notes", "to_csv", "record_many", "record at a time"]
    message = seen["refused"]["data"]
    assert message.startswith("sensorlab could not load pandas.")
    assert "run `import pandas` in a cell of its own" in message and "Everything else works without pandas" in message
    assert set(seen["refused"].values()) == {message}
    # The Download CSV button cannot answer: the status says why.
    assert seen["status"]["errors"] == 1 and seen["status"]["last_error"] == message


def test_a_class_site_installs_sensorlab_without_ipykernel_or_pandas():
    project = tomllib.loads((Path(__file__).parents[2] / "pyproject.toml").read_text())["project"]
    requirements = [Requirement(text) for text in project["dependencies"]]

    def required_on(platform: str) -> set[str]:
        return {r.name for r in requirements if not r.marker or r.marker.evaluate({"sys_platform": platform})}

    # Its kernel brings a stand-in ipykernel (6.9.2) that an ipykernel requirement would refuse, and an
    # offline site has no pandas; a server needs both.
    assert not {"ipykernel", "pandas"} & required_on("emscripten")
    assert {"ipykernel", "pandas"} <= required_on("linux")


def test_a_logger_keeps_its_file_where_fcntl_cannot_lock(monkeypatch, tmp_path):
    import fcntl

    for name in ("flock", "LOCK_EX", "LOCK_NB"):  # Pyodide's fcntl has none of them
        monkeypatch.delattr(fcntl, name)
    logger = sensorlab.Logger(name="tab", data_dir=tmp_path)
    try:
        logger.record(temperature=21.5)
        assert logger.status["readings"] == 1
        (lock,) = tmp_path.glob("*.lock")
        assert lock.read_text().startswith(" process ")
    finally:
        logger.close()
    again = sensorlab.Logger(name="tab", data_dir=tmp_path)  # the next kernel finds the reading
    try:
        assert again.status["readings"] == 1
    finally:
        again.close()


@pytest.fixture
def no_threads(monkeypatch):
    """This Python has no threads, as in Pyodide: starting one raises."""

    def refuse(_thread):
        raise RuntimeError("can't start new thread")

    monkeypatch.setattr(threading.Thread, "start", refuse)
    timers.threads_available.cache_clear()  # sensorlab finds out again, here and after the test
    yield
    timers.threads_available.cache_clear()


@pytest.fixture(params=["threads", "event loop"])
def timer_mode(request) -> str:
    """Each timer test runs with threads, and without them on the event loop as in Pyodide."""
    if request.param == "event loop":
        request.getfixturevalue("no_threads")
    return request.param


async def until(condition, timeout=20.0) -> bool:
    """Waits on the event loop until ``condition()`` is true; False when ``timeout`` seconds passed first."""
    deadline = time.monotonic() + timeout
    while not condition() and time.monotonic() < deadline:
        await asyncio.sleep(0.01)
    return condition()


def test_call_later_runs_once_on_a_thread_or_on_the_event_loop(timer_mode):
    ran_on = []

    async def scenario():
        timers.call_later(0.05, lambda: ran_on.append(threading.current_thread()))
        timers.call_later(0.05, lambda: ran_on.append("cancelled")).cancel()
        assert await until(lambda: ran_on)
        await asyncio.sleep(0.2)

    asyncio.run(scenario())  # as in Pyodide, whose event loop always runs
    assert timers.threads_available() == (timer_mode == "threads")
    assert len(ran_on) == 1
    assert (ran_on[0] is threading.main_thread()) == (timer_mode == "event loop")


@pytest.mark.filterwarnings("ignore::pytest.PytestUnhandledThreadExceptionWarning")  # the first run's, on purpose
def test_repeating_goes_on_after_a_failure_until_cancelled(timer_mode):
    runs = []

    def action():
        runs.append(time.monotonic())
        if len(runs) == 1:
            raise OSError("disk full")

    async def scenario():
        asyncio.get_running_loop().set_exception_handler(lambda _loop, _context: None)  # the first run's
        repeating = timers.Repeating(0.05, action)
        assert await until(lambda: len(runs) >= 3)
        repeating.cancel()
        cancelled_after = len(runs)
        await asyncio.sleep(0.3)
        return cancelled_after

    assert asyncio.run(scenario()) == len(runs)
    assert all(later - earlier >= 0.04 for earlier, later in zip(runs, runs[1:]))


def test_a_logger_takes_readings_and_sends_its_status_without_threads(no_threads):
    async def scenario():
        logger = sensorlab.Logger(name="tab")
        try:
            comm = open_comm("tab")
            comm.deliver(batch(0))
            assert comm.sent[-1] == {"type": "ack", "seq": 0}
            # The status reaches the widget from the event loop, half a second after the batch.
            assert await until(lambda: logger._status.get("readings") == 3)
        finally:
            logger.close()

    asyncio.run(scenario())


def test_an_outbox_posts_from_the_event_loop_without_threads_and_closes_between_posts(no_threads, sheet_url, tmp_path):
    from sensorlab.outbox import Outbox
    from sensorlab.store import LoggerFile

    async def scenario():
        outbox = Outbox(sensorlab.Sheet(sheet_url), LoggerFile(tmp_path, "tab"))
        assert isinstance(outbox._worker, asyncio.Task)
        try:
            outbox.put({"time": "t0", "n": 0})
            assert await until(lambda: outbox.posted == 1)
            # Rows put while the task waits wake it.
            outbox.put({"time": "t1", "n": 1})
            outbox.put({"time": "t2", "n": 2})
            assert await until(lambda: outbox.posted == 3)
        finally:
            # A cell runs between posts: close() finds no post in progress and the task ends.
            assert outbox.close(5)
        assert await until(outbox._worker.done, 5)
        return outbox

    outbox = asyncio.run(scenario())
    assert (outbox.pending, outbox.errors) == (0, 0)
    rows = sensorlab.Sheet(sheet_url).rows()
    assert [(row["time"], row["n"]) for row in rows] == [("t0", 0.0), ("t1", 1.0), ("t2", 2.0)]


class FakeBrowser:
    """What sensorlab's class-site storage meets in a browser tab (the boundary): the kernel's file system with
    IDBFS mounts, IndexedDB (a copy takes what the folder holds when IndexedDB answers, later) and Web Locks."""

    filesystems = types.SimpleNamespace(IDBFS="IDBFS")

    def __init__(self, loop: asyncio.AbstractEventLoop):
        self.files: dict[str, int] = {}  # the folder in the kernel's memory
        self.stored: dict[str, int] = {}  # IndexedDB's copy of it
        self.copies: list[dict[str, int]] = []
        self.locks: set[str] = set()
        self.mounted: set[str] = set()
        self.modules = {
            "js": types.SimpleNamespace(Object=types.SimpleNamespace(new=dict)),
            "pyodide": types.ModuleType("pyodide"),
            "pyodide.ffi": types.SimpleNamespace(run_sync=loop.run_until_complete, can_run_sync=lambda: True),
        }

    def mkdirTree(self, path):
        pass

    def mount(self, kind, options, path):
        self.mounted.add(path)

    def unmount(self, path):
        self.mounted.remove(path)

    async def sync(self, fs, path, populate):
        if populate:
            self.files.update(self.stored)
            return
        await asyncio.sleep(0)  # IndexedDB opens
        snapshot = dict(self.files)
        self.copies.append(snapshot)
        await asyncio.sleep(0.01)  # and writes
        self.stored = snapshot

    async def hold(self, name):
        if name in self.locks:
            return None  # another tab has it
        self.locks.add(name)
        return lambda: self.locks.discard(name)


@pytest.fixture
def browser(monkeypatch):
    from sensorlab import browserstorage

    loop = asyncio.new_event_loop()
    asyncio.set_event_loop(loop)
    fake = FakeBrowser(loop)
    for name, module in fake.modules.items():
        monkeypatch.setitem(sys.modules, name, module)
    monkeypatch.setattr(browserstorage, "_browser", lambda: (fake, fake))
    monkeypatch.setattr(browserstorage, "_open", {})
    yield fake
    loop.close()
    asyncio.set_event_loop(None)


def test_a_write_counts_as_kept_only_after_a_copy_to_indexeddb_that_began_after_it(browser):
    from sensorlab.browserstorage import BrowserFolder

    loop = asyncio.get_event_loop()
    folder = BrowserFolder.open(Path("/sensorlab/tab"), "tab")
    kept = []  # (value written, value IndexedDB had when the write was said to be kept)
    for value in (1, 2, 3):
        browser.files["a"] = value
        folder.when_kept(lambda error, value=value: kept.append((value, browser.stored["a"], error)))
        if value == 1:
            loop.run_until_complete(asyncio.sleep(0.001))  # the first copy is under way before the next writes
    loop.run_until_complete(asyncio.sleep(0.1))
    assert kept == [(1, 1, None), (2, 3, None), (3, 3, None)]
    assert browser.copies == [{"a": 1}, {"a": 3}]  # the writes made during a copy shared the next one


def test_a_folder_is_held_by_one_tab_and_let_go_after_its_last_copy(browser):
    from sensorlab.browserstorage import BrowserFolder
    from sensorlab.filelock import FileInUse

    loop = asyncio.get_event_loop()
    path = Path("/sensorlab/tab")
    folder = BrowserFolder.open(path, "tab")
    again = BrowserFolder.open(path, "tab")  # a Logger of the same name in this tab, made before the old one closes
    assert again is folder and browser.locks == {f"sensorlab {path}"} and browser.mounted == {str(path)}
    browser.locks.add("sensorlab /sensorlab/other")  # another tab logs as "other"
    with pytest.raises(FileInUse, match="already logging in another tab"):
        BrowserFolder.open(Path("/sensorlab/other"), "other")
    assert browser.mounted == {str(path)}

    folder.release()
    loop.run_until_complete(asyncio.sleep(0.1))
    assert browser.mounted == {str(path)}  # the other user still has it
    browser.files["a"] = 1  # what closing the file wrote
    again.release()
    assert browser.mounted == {str(path)}  # until its last copy is kept
    loop.run_until_complete(asyncio.sleep(0.1))
    assert browser.stored == {"a": 1} and browser.mounted == set()
    assert browser.locks == {"sensorlab /sensorlab/other"}
