"""Item 11 of the benchmark: the teacher's class view, on each EtherCalc server.

measure(server)                         a class sheet of 20,000 rows from 30 loggers, then
    refresh                             one ClassView refresh against one plain GET of the sheet's CSV
    load                                what the view puts on the server in an hour (one read a minute)
                                        against what 30 loggers posting every 15 minutes put on it
report_rows, how_measured, missed_notes their rows and notes in bench/results.md

Requests, bytes and time are counted by wrapping sensorlab's one place that sends a request
(SheetConnection._send), for the view and the loggers alike; the test proxy (test/python/proxy.py, which counts
requests) checks those counts on one read and one post sent through it.
"""

from __future__ import annotations

import contextlib
import math
import statistics
import tempfile
import threading
import time
import uuid
from datetime import datetime, timedelta, timezone
from pathlib import Path

import requests
from proxy import Proxy
from sensorlab import ClassView, ethercalc
from sensorlab.classview import class_lines, sheet_rows
from sensorlab.outbox import Outbox
from sensorlab.sheetserver import SheetConnection
from sensorlab.socialcalc import cell_line, column_name, typed_cell
from sensorlab.store import LoggerFile

LOGGERS = 30
ROWS = 20_000
EVERY_MIN = 15  # the loggers' interval by day: what the sheet's rows say, and how often they post
REPEATS = 5
VIEW_READS_PER_HOUR = 60  # the view's default: one read a minute
ZONE = timezone(timedelta(hours=1))
HEADER = ["time", "group", "temperature", "light", "every (min)", "time zone", "row id"]


class Traffic:
    """Requests sent through sensorlab, the bytes they carried and the time until each was answered in full."""

    def __init__(self):
        self.requests = 0
        self.bytes_up = 0  # the address and the body (headers left out)
        self.bytes_down = 0  # the answer's body
        self.seconds = 0.0
        self._lock = threading.Lock()

    def add(self, up: int, down: int, seconds: float) -> None:
        with self._lock:
            self.requests += 1
            self.bytes_up += up
            self.bytes_down += down
            self.seconds += seconds

    def figures(self) -> dict:
        return {"requests": self.requests, "bytes": self.bytes_up + self.bytes_down, "seconds": self.seconds}


@contextlib.contextmanager
def counted():
    """Counts every request sensorlab sends in this process (the outboxes' threads too) while it lasts."""
    traffic = Traffic()
    original = SheetConnection._send

    def send(connection, method, path, **kwargs):
        started = time.perf_counter()
        response = original(connection, method, path, **kwargs)  # requests has read the whole answer by now
        body = kwargs.get("data") or b""
        traffic.add(len(connection.api + path) + len(body), len(response.content), time.perf_counter() - started)
        return response

    SheetConnection._send = send
    try:
        yield traffic
    finally:
        SheetConnection._send = original


def class_rows(loggers: int, rows: int, end: datetime) -> list[list]:
    """A week of a class: ``loggers`` loggers posting in turn every 15 minutes until ``end``, header first."""
    keys = [uuid.uuid4().hex[:8] for _ in range(loggers)]
    rounds = math.ceil(rows / loggers)
    table: list[list] = [HEADER]
    for i in range(rows):
        logger, n = i % loggers, i // loggers
        when = (end - timedelta(minutes=EVERY_MIN * (rounds - 1 - n))).astimezone(ZONE)
        temperature = round(19 + logger * 0.1 + 2 * math.sin(n / 20), 2)
        light = 300 + (n * 7 + logger * 13) % 400
        table.append(
            [
                f"{when:%Y-%m-%d %H:%M:%S}",
                f"group {logger + 1}",
                temperature,
                light,
                EVERY_MIN,
                "UTC+01:00",
                f"{keys[logger]}-{n}",
            ]
        )
    return table


SAVE_BOUNDARY = "SocialCalcSpreadsheetControlSave"


def spreadsheet_save(table: list[list]) -> str:
    """``table`` as a SocialCalc spreadsheet save (what both servers keep a sheet as), each cell typed as a Logger
    writes it: times and names as text, values as numbers."""
    cells = [
        cell_line(f"{column_name(c)}{r}", *typed_cell(value))
        for r, line in enumerate(table, start=1)
        for c, value in enumerate(line)
    ]
    part = f"--{SAVE_BOUNDARY}\nContent-type: text/plain; charset=UTF-8\n\n"
    return (
        f"socialcalc:version:1.0\nMIME-Version: 1.0\nContent-Type: multipart/mixed; boundary={SAVE_BOUNDARY}\n"
        + part
        + "# SocialCalc Spreadsheet Control Save\nversion:1.0\npart:sheet\npart:edit\npart:audit\n"
        + part
        + "version:1.5\n"
        + "".join(f"{line}\n" for line in cells)
        + f"sheet:c:{len(table[0])}:r:{len(table)}\n"
        + part
        + "version:1.0\nrowpane:0:1:14\ncolpane:0:1:16\necell:A1\n"
        + part
        + f"--{SAVE_BOUNDARY}--\n"
    )


def fill(api: str, table: list[list]) -> None:
    """The fastest way to fill a sheet on both servers, as bench/sheets.py fills its sheets: one PUT of the whole
    sheet. Sent as a SocialCalc save rather than CSV, whose times both servers would turn into dates."""
    requests.put(
        api, data=spreadsheet_save(table).encode(), headers={"Content-Type": "text/x-socialcalc"}, timeout=300
    ).raise_for_status()


def _quiet_view(url: str) -> ClassView:
    """A ClassView whose own timer is stopped, so that only the reads the bench asks for happen."""
    view = ClassView(url)
    view._ticks.cancel()
    view.refresh_now()  # waits for a first read the timer may have begun
    return view


def refresh(server: str, name: str) -> dict:
    """One ClassView refresh (``refresh_now``: read the class, then its lines, states and chart) against one plain GET
    of the sheet's CSV, taking turns; medians of ``REPEATS``."""
    api = f"{server}/_/{name}/csv"
    plain = requests.Session()
    plain.get(api, timeout=120).raise_for_status()  # its connection, as the view's is, kept alive
    view = _quiet_view(f"{server}/{name}")
    lines = view.lines
    if len(lines) != LOGGERS or any(line["state"] != "on time" for line in lines):
        raise RuntimeError(f"the class view of {name} shows {len(lines)} lines, not {LOGGERS} on time: {lines[:3]}")
    period = (view.next_read - view.read_at) / 1000
    gets, refreshes, reads = [], [], []
    text = ""
    for _ in range(REPEATS):
        started = time.perf_counter()
        answer = plain.get(api, timeout=120)
        answer.raise_for_status()
        text = answer.content.decode("utf-8")
        gets.append(time.perf_counter() - started)
        with counted() as traffic:
            started = time.perf_counter()
            view.refresh_now()
            refreshes.append(time.perf_counter() - started)
        reads.append(traffic.figures())
    if view.problem:
        raise RuntimeError(f"the class view could not read {name}: {view.problem}")
    view.close()
    # Where a refresh's own time goes, apart from its requests: the CSV into rows, and the rows into lines.
    parse, lines_s = [], []
    for _ in range(REPEATS):
        started = time.perf_counter()
        rows = sheet_rows(name, text)
        parse.append(time.perf_counter() - started)
        started = time.perf_counter()
        class_lines(rows, datetime.now(timezone.utc), ZONE)
        lines_s.append(time.perf_counter() - started)
    if len(rows) != ROWS:
        raise RuntimeError(f"the class view read {len(rows)} rows of {name}, not {ROWS}")
    return {
        "rows": ROWS,
        "loggers": LOGGERS,
        "csv_bytes": len(answer.content),
        "get_s": statistics.median(gets),
        "refresh_s": statistics.median(refreshes),
        "read_requests": reads[0]["requests"],
        "read_bytes": statistics.median(r["bytes"] for r in reads),
        "read_server_s": statistics.median(r["seconds"] for r in reads),
        "kernel_s": statistics.median(t - r["seconds"] for t, r in zip(refreshes, reads)),
        "parse_s": statistics.median(parse),
        "class_lines_s": statistics.median(lines_s),
        "view_period_s": period,
    }


def _put_row(outbox: Outbox, logger: int, when: datetime) -> None:
    """A row as a Logger posts it (time, group, values, every (min), time zone), and wait until it is in the sheet."""
    local = when.astimezone(ZONE)
    outbox.put(
        {
            "time": f"{local:%Y-%m-%d %H:%M:%S}",
            "group": f"group {logger + 1}",
            "temperature": 21.5,
            "light": 400,
            "every (min)": EVERY_MIN,
            "time zone": "UTC+01:00",
        }
    )
    if not outbox.flush(timeout=300):
        raise RuntimeError(f"logger {logger}: its row is still waiting: {outbox.last_error!r}")


def loggers_round(server: str, name: str, workdir: Path) -> tuple[dict, int]:
    """The load of one round of the class: each of 30 loggers posts one row into the class sheet, one after
    another, as they would in 15 minutes. Returns its traffic, and one logger's post's request count through the
    test proxy (checked against the count by wrapping)."""
    outboxes = [Outbox(ethercalc.Sheet(f"{server}/{name}"), LoggerFile(workdir, f"logger-{n}")) for n in range(LOGGERS)]
    try:
        now = datetime.now(timezone.utc)
        for n, outbox in enumerate(outboxes):  # each logger's first post, as after its kernel started: not counted
            _put_row(outbox, n, now)
        # 15 minutes later, each logger looks again whether a person cleared the sheet (at most once a minute).
        recheck, ethercalc.RECHECK_EVERY = ethercalc.RECHECK_EVERY, 0.0
        try:
            with counted() as traffic:
                for n, outbox in enumerate(outboxes):
                    _put_row(outbox, n, now + timedelta(minutes=EVERY_MIN))
            figures = traffic.figures()
            # One more logger's post through the test proxy: the proxy's count and the wrapper's must agree.
            proxy = Proxy(server)
            try:
                extra = Outbox(ethercalc.Sheet(f"{proxy.url}/{name}"), LoggerFile(workdir, "logger-proxied"))
                _put_row(extra, LOGGERS, now)
                before = proxy.requests
                with counted() as one:
                    _put_row(extra, LOGGERS, now + timedelta(minutes=EVERY_MIN))
                through_proxy = proxy.requests - before
                extra.close()
            finally:
                proxy.close()
            if through_proxy != one.requests:
                raise RuntimeError(f"a post: the proxy saw {through_proxy} requests, the wrapper {one.requests}")
        finally:
            ethercalc.RECHECK_EVERY = recheck
    finally:
        for outbox in outboxes:
            outbox.close()
    return figures, through_proxy


def view_read_through_proxy(server: str, name: str) -> tuple[int, int]:
    """One view refresh's requests as the test proxy counts them, and as the wrapper does."""
    proxy = Proxy(server)
    try:
        view = _quiet_view(f"{proxy.url}/{name}")
        before = proxy.requests
        with counted() as traffic:
            view.refresh_now()
        seen = proxy.requests - before
        view.close()
    finally:
        proxy.close()
    return seen, traffic.requests


def measure(server: str) -> dict:
    name = f"classview-{uuid.uuid4().hex[:8]}"
    fill(f"{server}/_/{name}", class_rows(LOGGERS, ROWS, datetime.now(timezone.utc)))
    figures = refresh(server, name)
    proxied, wrapped = view_read_through_proxy(server, name)
    if proxied != wrapped or wrapped != figures["read_requests"]:
        raise RuntimeError(f"a view's read: the proxy saw {proxied} requests, the wrapper {wrapped}")
    with tempfile.TemporaryDirectory(prefix="sensorlab-bench-classview-") as tmp:
        figures["round"], figures["post_requests_proxied"] = loggers_round(server, name, Path(tmp))
    return figures


# -- the report ------------------------------------------------------------------------------------------------


def _mb(size: float) -> str:
    return f"{size / 1e6:,.1f} MB" if size >= 1e5 else f"{size / 1e3:,.0f} kB"


def per_hour(figures: dict) -> tuple[dict, dict]:
    """(the view's, the loggers') requests, bytes and seconds in an hour: 60 reads; 60 / 15 rounds of 30 posts."""
    view = {
        "requests": figures["read_requests"] * VIEW_READS_PER_HOUR,
        "bytes": figures["read_bytes"] * VIEW_READS_PER_HOUR,
        "seconds": figures["read_server_s"] * VIEW_READS_PER_HOUR,
    }
    rounds = 60 / EVERY_MIN
    loggers = {key: figures["round"][key] * rounds for key in ("requests", "bytes", "seconds")}
    return view, loggers


def report_rows(results: dict, row, ratio, yes) -> None:
    """Item 11, a few rows per server, through the report's ``row``."""
    for kind, f in sorted(results.items()):
        row(
            f"11. class view: one refresh of a sheet of {f['rows']:,} rows from {f['loggers']} loggers ({kind} "
            f"EtherCalc; {f['read_requests']} requests, {_mb(f['csv_bytes'])} of CSV), vs one plain GET of its CSV; "
            f"median of {REPEATS}",
            f"{f['refresh_s'] * 1000:,.0f} ms",
            f"{f['get_s'] * 1000:,.0f} ms",
            ratio(f["refresh_s"], f["get_s"]),
            "≤ 1.5×",
            yes(f["refresh_s"] <= 1.5 * f["get_s"]),
        )
        view, loggers = per_hour(f)
        baseline = f"({f['loggers']} loggers posting every {EVERY_MIN} min)"
        row(
            f"11. class view's load on the {kind} EtherCalc per hour, one read a minute: requests",
            f"{view['requests']:,.0f}",
            f"{loggers['requests']:,.0f} {baseline}",
            ratio(view["requests"], loggers["requests"]),
            "—",
            "—",
        )
        row(
            f"11. class view's load on the {kind} EtherCalc per hour: bytes (bodies and addresses)",
            _mb(view["bytes"]),
            f"{_mb(loggers['bytes'])} {baseline}",
            ratio(view["bytes"], loggers["bytes"]),
            "—",
            "—",
        )
        row(
            f"11. class view's load on the {kind} EtherCalc per hour: server time (until each answer was read)",
            f"{view['seconds']:,.1f} s",
            f"{loggers['seconds']:,.1f} s {baseline}",
            ratio(view["seconds"], loggers["seconds"]),
            "—",
            "—",
        )


def how_measured(results: dict) -> list[str]:
    if not results:
        return []
    return [
        f"11. `bench/class_view.py`, on each EtherCalc server: a class sheet filled with {ROWS:,} rows (one PUT, as "
        "item 8 fills its sheets, of a SocialCalc save rather than CSV, whose times the servers would turn into dates) "
        f"from {LOGGERS} loggers posting in turn every {EVERY_MIN} minutes until now "
        "(`time`, `group`, `temperature`, `light`, `every (min)`, `time zone`, `row id` `<key>-<n>`). Refresh: "
        "`ClassView.refresh_now()` (the class sheet's CSV, the probe of its `-2`, then the lines, states and chart "
        f"series) of a view whose own timer is stopped, taking turns with one plain GET of the sheet's CSV on a "
        f"kept-alive connection; medians of {REPEATS}, after one refresh not counted. Load: every request sensorlab "
        "sends is counted by wrapping its one sending function (`SheetConnection._send`): the address and body "
        "sent, the body received, and the time until the answer was read in full (on 127.0.0.1, the server's time). "
        f"The view: one refresh's figures × {VIEW_READS_PER_HOUR} (one read a minute). The loggers: {LOGGERS} "
        "outboxes (as 30 kernels) each post a first row, not counted (a logger's first post reads the sheet once), "
        f"then one row each, one after another, counted; × {60 // EVERY_MIN} rounds an hour. Each post looks "
        "whether a person cleared the sheet, as it does when its previous post is over a minute old. The test proxy "
        "(test/python/proxy.py) counted the requests of one refresh and of one more post sent through it: the "
        "same as the wrapper's.",
    ]


def missed_notes(results: dict) -> list[str]:
    notes = []
    for kind, f in sorted(results.items()):
        if f["refresh_s"] > 1.5 * f["get_s"]:
            notes.append(
                f"- **Class view refresh ({kind})**: {f['refresh_s'] * 1000:,.0f} ms, "
                f"{f['refresh_s'] / f['get_s']:.2f}× one plain GET ({f['get_s'] * 1000:,.0f} ms). Its "
                f"{f['read_requests']} requests took {f['read_server_s'] * 1000:,.0f} ms, about the plain GET; the "
                f"other {f['kernel_s'] * 1000:,.0f} ms are Python in the kernel: the CSV into {f['rows']:,} rows of "
                f"cells ({f['parse_s'] * 1000:,.0f} ms alone), then the lines and states, worked out twice in a "
                f"refresh (once to choose when to read next, once to show them; {f['class_lines_s'] * 1000:,.0f} ms "
                "each alone), and the chart's series. The machine's two cores are shared with the server meanwhile."
            )
    return notes


def also_seen(results: dict) -> list[str]:
    lines = []
    for kind, f in sorted(results.items()):
        reads = 3600 / f["view_period_s"]
        lines.append(
            f"- Item 11 ({kind}): with every logger posting every {EVERY_MIN} minutes, the view read the sheet every "
            f"{f['view_period_s'] / 60:.0f} minutes, not every minute (it never reads more often than the loggers "
            f"post): {reads:.0f} reads an hour, {_mb(f['read_bytes'] * reads)} and "
            f"{f['read_server_s'] * reads:.1f} s of the server's time. A logger's post took "
            f"{f['round']['requests'] / LOGGERS:.1f} requests on average in a round; the one post sent through the "
            f"test proxy, with no other logger's row since its previous one, took {f['post_requests_proxied']}, "
            "counted alike by the proxy and the wrapper."
            + (
                " On this server a post first finds the sheet's end by reading single cells past the rows other "
                "loggers added since its previous post: it has no append of its own that is safe beside other loggers."
                if f["round"]["requests"] / LOGGERS > f["post_requests_proxied"] + 0.5
                else ""
            )
        )
    return lines
