"""Sheet figures of the benchmark on both EtherCalc servers: a class at once, one append's cost.

    class_at_once(url, loggers, rows)   item 7: loggers in processes of their own post to one sheet at once
    append_cost(url, rows_before)       item 8: one row appended by sensorlab vs the server's own paste
"""

from __future__ import annotations

import multiprocessing
import statistics
import tempfile
import time
import uuid
from pathlib import Path

import requests

from sensorlab.ethercalc import ROW_ID, Sheet, _escape
from sensorlab.outbox import Outbox
from sensorlab.store import Store


def _one_logger(sheet_url: str, data_dir: str, logger: int, rows: int, start_at: float) -> float:
    """A student's kernel: queue ``rows`` rows at the same moment as the others; seconds until all landed."""
    outbox = Outbox(Sheet(sheet_url), Store(Path(data_dir), f"logger-{logger}"))
    while time.time() < start_at:
        time.sleep(0.005)
    for n in range(rows):
        outbox.put({"time": f"2026-11-30 10:{n:02d}:00", "logger": logger, "n": n})
    if not outbox.flush(timeout=300):
        raise RuntimeError(f"logger {logger}: rows still waiting, last error {outbox.last_error!r}")
    seconds = time.time() - start_at
    outbox.close()
    return seconds


def class_at_once(server: str, loggers: int = 30, rows: int = 4) -> dict:
    """Every logger's rows exactly once in one sheet; the time until the slowest logger's last row landed."""
    sheet_url = f"{server}/class-{uuid.uuid4().hex[:8]}"
    with tempfile.TemporaryDirectory(prefix="sensorlab-bench-class-") as tmp:
        start_at = time.time() + 5  # every process started and ready
        with multiprocessing.get_context("spawn").Pool(loggers) as pool:
            seconds = pool.starmap(_one_logger, [(sheet_url, tmp, i, rows, start_at) for i in range(loggers)])
    got = sorted((int(r["logger"]), int(r["n"])) for r in Sheet(sheet_url).rows())
    if got != sorted((i, n) for i in range(loggers) for n in range(rows)):
        raise RuntimeError(f"the class sheet {sheet_url} does not hold every row exactly once")
    return {"loggers": loggers, "rows": rows, "slowest_s": max(seconds), "median_s": statistics.median(seconds)}


def _fill(api: str, rows: int) -> None:
    body = "time,temperature,humidity,n," + ROW_ID + "\n" + "".join(
        f"2026-11-30 {i // 3600 % 24:02d}:{i // 60 % 60:02d}:{i % 60:02d},{20 + i % 50 / 10},{40 + i % 7},{i},f-{i}\n"
        for i in range(rows))
    requests.put(api, data=body.encode(), headers={"Content-Type": "text/csv"}, timeout=120).raise_for_status()


def _readable(api: str, coord: str, want: str, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        response = requests.get(f"{api}/cells/{coord}", timeout=60)
        if response.content.strip() and (response.json() or {}).get("datavalue") == want:
            return
        time.sleep(0.01)
    raise RuntimeError(f"{coord} of {api} never showed {want!r}")


def append_cost(server: str, rows_before: int, repeats: int = 5) -> dict:
    """Median seconds for one row to be appended and readable: sensorlab's ``Sheet.append`` against
    the server's own paste (its text/plain ``loadclipboard`` append, then reading the row back),
    taking turns on one sheet of ``rows_before`` rows."""
    name = f"cost-{rows_before}-{uuid.uuid4().hex[:6]}"
    sheet = Sheet(f"{server}/{name}")
    _fill(sheet.api, rows_before)
    sheet.append([{"time": "warm-up", "temperature": 20.0}])  # the header is read once per Sheet, not per row
    own, paste = [], []
    for i in range(repeats):
        started = time.monotonic()
        sheet.append([{"time": f"own-{i}", "temperature": 21.5, "humidity": 40, "n": i}])
        own.append(time.monotonic() - started)

        last = rows_before + 4 + 2 * i  # header, rows, warm-up, then two rows a turn: ours, then the paste
        clip = (f"cell:A1:t:paste-{i}\ncell:B1:v:21.5\ncell:C1:v:40\ncell:D1:v:{i}\ncell:E1:t:p-{i}\n"
                "copiedfrom:A1:E1\n")
        started = time.monotonic()
        requests.post(sheet.api, data=("loadclipboard " + _escape(clip)).encode(),
                      headers={"Content-Type": "text/plain"}, timeout=120).raise_for_status()
        _readable(sheet.api, f"A{last}", f"paste-{i}")
        paste.append(time.monotonic() - started)
    return {"rows_before": rows_before, "own_s": statistics.median(own), "paste_s": statistics.median(paste)}
