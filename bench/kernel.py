"""Kernel-side figures of the benchmark, run by bench/run.py and bench/browser.bench.ts.

catch_up(rows, baseline_rows)  item 4: rows that waited through an outage reach a real EtherCalc
trivial_cells(kernel_id, api)  item 3: `pass` round trips straight to the kernel, and behind a blocking post
naive_memory(batches)          item 5's baseline: a kernel that keeps each reading as the dict it came as
"""

from __future__ import annotations

import gc
import json
import os
import sys
import tempfile
import time
import uuid
from pathlib import Path

import requests

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "test" / "python"))
sys.path.insert(0, str(ROOT / "test" / "servers"))
import servers  # noqa: E402  (real EtherCalc servers the bench can stop and start)
from sensorlab.ethercalc import Sheet  # noqa: E402
from sensorlab.outbox import Outbox  # noqa: E402
from sensorlab.store import LoggerFile  # noqa: E402


def rss_mb(pid: int | str = "self") -> float:
    """Resident memory of a process in MB, from /proc."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    raise RuntimeError(f"no VmRSS for process {pid}")


def _row(i: int) -> dict:
    return {
        "time": f"2026-11-21 {i // 3600 % 24:02d}:{i // 60 % 60:02d}:{i % 60:02d}",
        "n": i,
        "temperature": round(20 + (i % 100) / 10, 2),
        "humidity": 40 + i % 7,
    }


def _wait(predicate, timeout: float, what: str) -> None:
    deadline = time.monotonic() + timeout
    while not predicate():
        if time.monotonic() > deadline:
            raise RuntimeError(f"timed out waiting for {what}")
        time.sleep(0.05)


def catch_up(rows: int, baseline_rows: int, kind: str = "2020") -> dict:
    """10,000 rows queued while the sheet's server (of ``kind``) is down, then posted once it is back.

    sensorlab's outbox (worker thread, 500 rows a request, confirmed by reading back)
    against the naive way: one CSV append request per row, in order.
    """
    with tempfile.TemporaryDirectory(prefix="sensorlab-bench-catchup-") as tmp:
        server = servers.EtherCalc(kind, Path(tmp) / "ethercalc").start()
        try:
            sheet_url = f"{server.url}/catchup-{uuid.uuid4().hex[:8]}"
            queued = [_row(i) for i in range(rows)]
            server.stop()  # the outage
            outbox = Outbox(Sheet(sheet_url), LoggerFile(Path(tmp) / "data", "catchup"))
            for row in queued:
                outbox.put(row)
            _wait(lambda: outbox.errors >= 1, 30, "the outbox to notice the outage")
            server.start()
            back = time.monotonic()
            if not outbox.flush(timeout=600):
                raise RuntimeError(
                    f"the outbox did not post {rows} rows: {outbox.pending} still pending, "
                    f"last error {outbox.last_error!r}"
                )
            seconds = time.monotonic() - back
            outbox.close()
            got = [int(r["n"]) for r in Sheet(sheet_url).rows()]
            if got != list(range(rows)):
                raise RuntimeError(f"the sheet holds {len(got)} rows, not rows 0..{rows - 1} in order")

            # The naive way, on a sheet of its own on the same server: one request per row.
            naive_url = f"{server.url}/_/catchup-naive-{uuid.uuid4().hex[:8]}"
            http = requests.Session()
            start = time.monotonic()
            http.put(
                naive_url, data="time,n,temperature,humidity\n", headers={"Content-Type": "text/csv"}, timeout=30
            ).raise_for_status()
            for row in queued[:baseline_rows]:
                line = f"{row['time']},{row['n']},{row['temperature']},{row['humidity']}\n"
                http.post(naive_url, data=line, headers={"Content-Type": "text/csv"}, timeout=30).raise_for_status()
            naive_sent = time.monotonic() - start

            def naive_rows():
                return http.get(naive_url + "/csv", timeout=60).text.strip().splitlines()[1:]

            # A POST answers before the write is applied: the naive run ends when all rows read back.
            _wait(lambda: len(naive_rows()) >= baseline_rows, 120, "the naive rows to show")
            naive_seconds = time.monotonic() - start
            naive_n = [int(line.split(",")[1]) for line in naive_rows()]
            if naive_n != list(range(baseline_rows)):
                raise RuntimeError("the naive rows are not all in the sheet in order")
        finally:
            server.stop()
    return {
        "rows": rows,
        "seconds": seconds,
        "rows_per_second": rows / seconds,
        "in_order": True,
        "baseline_rows": baseline_rows,
        "baseline_seconds": naive_seconds,
        "baseline_sent_seconds": naive_sent,
        "baseline_rows_per_second": baseline_rows / naive_seconds,
        # The naive way's time for all the rows, at the rate it kept over baseline_rows.
        "baseline_seconds_for_rows": rows * naive_seconds / baseline_rows,
    }


def _run(client, code: str) -> float:
    """Seconds from sending `code` to the kernel's reply."""
    start = time.perf_counter()
    msg_id = client.execute(code, store_history=False)
    while True:
        reply = client.get_shell_msg(timeout=60)
        if reply["parent_header"].get("msg_id") == msg_id:
            if reply["content"]["status"] != "ok":
                raise RuntimeError(f"{code!r} failed in the kernel: {reply['content']}")
            return time.perf_counter() - start


def trivial_cells(kernel_id: str, blocking_post_to: str, count: int = 30) -> dict:
    """Round trips of `pass` sent straight to a kernel of the Jupyter server (its ZMQ channels,
    no browser or server in between); baseline: `pass` sent right behind a blocking post."""
    from jupyter_client import BlockingKernelClient

    client = BlockingKernelClient(
        connection_file=str(Path(os.environ["SENSORLAB_LOGS"]) / "jupyter-runtime" / f"kernel-{kernel_id}.json")
    )
    client.load_connection_file()
    client.start_channels()
    try:
        client.wait_for_ready(timeout=30)
        times = []
        for _ in range(count):
            times.append(_run(client, "pass") * 1000)
            time.sleep(0.1)
        blocking = []
        post = (
            f'import requests\nrequests.post("{blocking_post_to}", data="2026-11-21 10:00:00,21.5\\n", '
            'headers={"Content-Type": "text/csv"}, timeout=30).raise_for_status()'
        )
        for _ in range(3):
            client.execute(post, store_history=False)
            blocking.append(_run(client, "pass") * 1000)  # waits behind the post
    finally:
        client.stop_channels()
    return {"trivial_ms": times, "blocking_ms": blocking}


def naive_memory(readings: list[str]) -> dict:
    """RSS growth of keeping each reading as the dict it arrived as (a list of dicts)."""
    gc.collect()
    before = rss_mb()
    kept = []
    for text in readings:
        kept.extend(json.loads(text))
    gc.collect()
    return {"readings": len(kept), "growth_mb": rss_mb() - before}


if __name__ == "__main__":
    what = sys.argv[1]
    if what == "catch-up":
        print(json.dumps(catch_up(int(sys.argv[2]), int(sys.argv[3]))))
    elif what == "trivial-cells":
        print(json.dumps(trivial_cells(sys.argv[2], sys.argv[3])))
    else:
        sys.exit(__doc__)
