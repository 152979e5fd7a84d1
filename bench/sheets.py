"""Sheet figures of the benchmark on both EtherCalc servers: a class at once, one append's cost.

class_at_once(url, loggers, rows)   item 7: loggers in processes of their own post to one sheet at once
append_cost(url, rows_before)       item 8: one row appended by sensorlab vs the server's own paste
report_rows, missed_notes           their rows and notes in bench/results.md
"""

from __future__ import annotations

import multiprocessing
import statistics
import tempfile
import time
import uuid
from pathlib import Path

import requests
from sensorlab.ethercalc import ROW_ID, Sheet
from sensorlab.outbox import Outbox
from sensorlab.socialcalc import escape
from sensorlab.store import LoggerFile


def _one_logger(sheet_url: str, data_dir: str, logger: int, rows: int, ready) -> float:
    """A student's kernel: queue ``rows`` rows at the same moment as the others; seconds until all landed."""
    outbox = Outbox(Sheet(sheet_url), LoggerFile(Path(data_dir), f"logger-{logger}"))
    # Thirty processes take many seconds to start on two cores: the class starts once all are ready.
    ready.wait()
    start = time.time()
    for n in range(rows):
        outbox.put({"time": f"2026-11-30 10:{n:02d}:00", "logger": logger, "n": n})
    if not outbox.flush(timeout=300):
        raise RuntimeError(f"logger {logger}: rows still waiting, last error {outbox.last_error!r}")
    seconds = time.time() - start
    outbox.close()
    return seconds


def class_at_once(server: str, loggers: int = 30, rows: int = 4) -> dict:
    """Every logger's rows exactly once in one sheet; the time until the slowest logger's last row landed."""
    sheet_url = f"{server}/class-{uuid.uuid4().hex[:8]}"
    context = multiprocessing.get_context("spawn")
    with tempfile.TemporaryDirectory(prefix="sensorlab-bench-class-") as tmp, context.Manager() as manager:
        ready = manager.Barrier(loggers)
        with context.Pool(loggers) as pool:
            seconds = pool.starmap(_one_logger, [(sheet_url, tmp, i, rows, ready) for i in range(loggers)])
    got = sorted((int(r["logger"]), int(r["n"])) for r in Sheet(sheet_url).rows())
    if got != sorted((i, n) for i in range(loggers) for n in range(rows)):
        raise RuntimeError(f"the class sheet {sheet_url} does not hold every row exactly once")
    return {"loggers": loggers, "rows": rows, "slowest_s": max(seconds), "median_s": statistics.median(seconds)}


def _fill(api: str, rows: int) -> None:
    body = (
        "time,temperature,humidity,n,"
        + ROW_ID
        + "\n"
        + "".join(
            f"2026-11-30 {i // 3600 % 24:02d}:{i // 60 % 60:02d}:{i % 60:02d},"
            f"{20 + i % 50 / 10},{40 + i % 7},{i},f-{i}\n"
            for i in range(rows)
        )
    )
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
        clip = f"cell:A1:t:paste-{i}\ncell:B1:v:21.5\ncell:C1:v:40\ncell:D1:v:{i}\ncell:E1:t:p-{i}\ncopiedfrom:A1:E1\n"
        started = time.monotonic()
        requests.post(
            sheet.api,
            data=("loadclipboard " + escape(clip)).encode(),
            headers={"Content-Type": "text/plain"},
            timeout=120,
        ).raise_for_status()
        _readable(sheet.api, f"A{last}", f"paste-{i}")
        paste.append(time.monotonic() - started)
    return {"rows_before": rows_before, "own_s": statistics.median(own), "paste_s": statistics.median(paste)}


HOW_MEASURED = [
    "7. `bench/sheets.py`: 30 processes, each an outbox of its own (as 30 students' kernels), wait until all "
    "are started (a barrier: starting 30 Pythons takes many seconds on two cores), then queue 4 rows at the "
    "same moment into one new sheet; the time until the slowest has every row confirmed; then the "
    "sheet must hold each of the 120 rows exactly once. The 2020 server's time is the baseline.",
    "8. `bench/sheets.py`: a sheet filled with 100 or 20,000 rows (PUT CSV), then five turns of one row "
    "appended by `Sheet.append` (until it returns: the row is readable) and one row appended by the server's "
    "own paste (a text/plain `loadclipboard` POST, then reading the row's cell until it shows); medians.",
]


def report_rows(figures: dict, row, ratio, yes) -> None:
    """Items 7 and 8, one row per server and size, through the report's ``row``."""
    base = figures["2020"]["class"]
    for kind, by_kind in sorted(figures.items()):
        cl = by_kind["class"]
        row(
            f"7. a class at once: {cl['loggers']} loggers (processes) x {cl['rows']} rows into one sheet of the "
            f"{kind} EtherCalc, every row once; slowest logger (median {cl['median_s']:.1f} s)",
            f"{cl['slowest_s']:.1f} s",
            f"{base['slowest_s']:.1f} s (2020 server)",
            ratio(cl["slowest_s"], base["slowest_s"]),
            "< 10 s",
            yes(cl["slowest_s"] < 10),
        )
        for cost in by_kind["append"]:
            row(
                f"8. one row appended to a sheet of {cost['rows_before']:,} rows ({kind} EtherCalc), until readable",
                f"{cost['own_s'] * 1000:.0f} ms",
                f"{cost['paste_s'] * 1000:.0f} ms (the server's own paste)",
                ratio(cost["own_s"], cost["paste_s"]),
                "<= 2x",
                yes(cost["own_s"] <= 2 * cost["paste_s"]),
            )


def missed_notes(figures: dict) -> list[str]:
    notes = []
    for kind, by_kind in sorted(figures.items()):
        slowest = by_kind["class"]["slowest_s"]
        if slowest >= 10:
            notes.append(f"- **A class at once ({kind})**: {slowest:.1f} s, {slowest - 10:.1f} s over.")
        for cost in by_kind["append"]:
            if cost["own_s"] > 2 * cost["paste_s"]:
                notes.append(
                    f"- **One append at {cost['rows_before']:,} rows ({kind})**: {cost['own_s'] * 1000:.0f} ms, "
                    f"{cost['own_s'] / cost['paste_s']:.1f}x the server's own paste. sensorlab reads one cell to "
                    "find the sheet's end and one to confirm the row; the paste needs only the confirming read."
                )
    return notes
