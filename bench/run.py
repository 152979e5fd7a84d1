"""The benchmark: `make bench` runs this under test/servers/servers.py and writes bench/results.md.

Each figure is measured in the same run as its naive baseline. A step that fails (an
exception, a lost reading) stops the run with an error and writes no results.

`bench/run.py lite` measures the class site alone (item 10) and prints its figures without writing
bench/results.md; it needs only the EtherCalc servers, e.g. under test/servers/lite.py run.
`bench/run.py classview` measures the teacher's class view alone (item 11) on each EtherCalc server the same way,
e.g. under test/servers/servers.py run.
"""

from __future__ import annotations

import contextlib
import gzip
import json
import os
import re
import subprocess
import sys
import tempfile
import time
from datetime import datetime, timezone
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "test" / "python"))
sys.path.insert(0, str(ROOT / "test" / "servers"))
sys.path.insert(0, str(ROOT / "bench"))
import class_view  # noqa: E402
import kernel  # noqa: E402
import lite_report  # noqa: E402
import sheets  # noqa: E402
from lite import PYODIDE_VERSION, class_site  # noqa: E402
from proxy import Proxy  # noqa: E402
from report import PROXY_DELAY, ratio, report, yes  # noqa: E402

CATCH_UP_ROWS = 10_000
CATCH_UP_BASELINE_ROWS = int(os.environ.get("SENSORLAB_BENCH_BASELINE_ROWS", 2000))
EXTENSION = ROOT / "python_shim/sensorlab/labextension/static"


def step(name: str):
    print(f"\n===== bench: {name}", flush=True)
    return time.monotonic()


def parse_lines() -> dict:
    out = subprocess.run(["node", str(ROOT / "bench/parse.mjs")], cwd=ROOT, check=True, capture_output=True, text=True)
    return json.loads(out.stdout)


def browser(ethercalc: str) -> dict:
    proxy = Proxy(ethercalc)
    proxy.delay = PROXY_DELAY
    try:
        with tempfile.TemporaryDirectory(prefix="sensorlab-bench-") as tmp:
            out = Path(tmp) / "browser.json"
            devices = Path(tmp) / "devices.json"
            env = dict(
                os.environ,
                SENSORLAB_BENCH_OUT=str(out),
                SENSORLAB_BENCH_DEVICES_OUT=str(devices),
                SENSORLAB_BENCH_PROXY=proxy.url,
                SENSORLAB_BENCH_PYTHON=sys.executable,
            )
            subprocess.run(
                ["npx", "playwright", "test", "--config", "bench/playwright.config.ts"], cwd=ROOT, env=env, check=True
            )
            results = json.loads(out.read_text())
            results["devices"] = json.loads(devices.read_text())
    finally:
        proxy.close()
    results["proxy_requests"] = proxy.requests
    return results


@contextlib.contextmanager
def site(workdir: Path):
    """The class site's address: the one test/servers/lite.py serves, or build/lite/ served here."""
    if os.environ.get("SENSORLAB_LITE"):
        yield os.environ["SENSORLAB_LITE"]
    else:
        with class_site(workdir) as url:
            yield url


def lite(ethercalc: str) -> dict:
    """Item 10: the class site's Pyodide kernel (bench/lite.bench.ts)."""
    with tempfile.TemporaryDirectory(prefix="sensorlab-bench-lite-") as tmp, site(Path(tmp) / "site") as url:
        out = Path(tmp) / "lite.json"
        env = dict(os.environ, SENSORLAB_LITE=url, SENSORLAB_ETHERCALC=ethercalc, SENSORLAB_BENCH_LITE_OUT=str(out))
        subprocess.run(
            ["npx", "playwright", "test", "--config", "bench/lite.playwright.config.ts"], cwd=ROOT, env=env, check=True
        )
        return json.loads(out.read_text())


def lite_alone(ethercalc: str) -> int:
    t = step("10. the class site (Chromium, JupyterLite, Pyodide kernel)")
    results = lite(ethercalc)
    print(f"done in {time.monotonic() - t:.0f} s", flush=True)
    (ROOT / "bench/.work").mkdir(exist_ok=True)
    (ROOT / "bench/.work/lite.json").write_text(json.dumps(results, indent=1))
    rows = ["| figure | sensorlab | naive baseline | ratio | target | met? |", "|---|---|---|---|---|---|"]
    lite_report.report_rows(results, lambda *cells: rows.append(f"| {' | '.join(cells)} |"), ratio)
    print("\n".join(["", *rows, "", *lite_report.also_seen(results, None)]))
    return 0


def classview_alone(servers: dict) -> int:
    results = {}
    for kind, url in sorted(servers.items()):
        t = step(f"11. the class view (EtherCalc {kind})")
        results[kind] = class_view.measure(url)
        print(f"done in {time.monotonic() - t:.0f} s", flush=True)
    (ROOT / "bench/.work").mkdir(exist_ok=True)
    (ROOT / "bench/.work/classview.json").write_text(json.dumps(results, indent=1))
    rows = ["| figure | sensorlab | naive baseline | ratio | target | met? |", "|---|---|---|---|---|---|"]
    class_view.report_rows(results, lambda *cells: rows.append(f"| {' | '.join(cells)} |"), ratio, yes)
    print("\n".join(["", *rows, "", *class_view.missed_notes(results), *class_view.also_seen(results)]))
    return 0


def naive_kernel_memory(readings: int, per_message: int) -> dict:
    """The kernel-side baseline of item 5: readings kept as the dicts they arrived as, in a Python process."""
    batches = []
    for start in range(0, readings, per_message):
        batch = [
            {
                "time": 1.7e12 + n * 100,
                "values": {"n": n, "temperature": 20 + n % 100 / 10, "humidity": 40 + n % 7, "lux": 300 + n % 50},
                "source": "simulated",
            }
            for n in range(start, min(readings, start + per_message))
        ]
        batches.append(json.dumps(batch))
    code = (
        "import json, sys; sys.path.insert(0, sys.argv[1]); import kernel; "
        "print(json.dumps(kernel.naive_memory(json.load(sys.stdin))))"
    )
    out = subprocess.run(
        [sys.executable, "-c", code, str(ROOT / "bench")],
        input=json.dumps(batches),
        capture_output=True,
        text=True,
        check=True,
    )
    return json.loads(out.stdout)


def shipped_js_gzip() -> tuple[int, int]:
    files = sorted(EXTENSION.glob("*.js"))
    if not files:
        raise RuntimeError(f"no built extension in {EXTENSION}: run `make build`")
    return len(files), sum(len(gzip.compress(f.read_bytes())) for f in files)


def main() -> int:
    ethercalc = os.environ.get("SENSORLAB_ETHERCALC")
    if sys.argv[1:] == ["lite"]:
        if not ethercalc:
            sys.exit("Run it under test/servers/lite.py run (or servers.py run): it needs a local EtherCalc.")
        return lite_alone(ethercalc)
    servers = json.loads(os.environ.get("SENSORLAB_ETHERCALCS") or json.dumps({"2020": ethercalc} if ethercalc else {}))
    if sys.argv[1:] == ["classview"]:
        if not servers:
            sys.exit("Run it under test/servers/servers.py run: it needs the local EtherCalc servers.")
        return classview_alone(servers)
    if not ethercalc or not os.environ.get("SENSORLAB_JUPYTER"):
        sys.exit("Run the benchmark with `make bench` (it starts a local EtherCalc and Jupyter server).")
    results = {"date": datetime.now(timezone.utc).strftime("%Y-%m-%d %H:%M UTC")}
    start = time.monotonic()

    t = step("1. line parsing (Node)")
    results["parse"] = parse_lines()
    print(f"done in {time.monotonic() - t:.0f} s", flush=True)

    results["catch_up"], results["sheets"], results["classview"] = {}, {}, {}
    for kind, url in sorted(servers.items()):
        t = step(f"4. catch-up after an outage (real EtherCalc {kind})")
        results["catch_up"][kind] = kernel.catch_up(CATCH_UP_ROWS, CATCH_UP_BASELINE_ROWS, kind)
        print(f"done in {time.monotonic() - t:.0f} s", flush=True)
        t = step(f"7, 8. a class at once, and one append's cost (EtherCalc {kind})")
        results["sheets"][kind] = {
            "class": sheets.class_at_once(url),
            "append": [sheets.append_cost(url, n) for n in (100, 20_000)],
        }
        print(f"done in {time.monotonic() - t:.0f} s", flush=True)
        t = step(f"11. the class view (EtherCalc {kind})")
        results["classview"][kind] = class_view.measure(url)
        print(f"done in {time.monotonic() - t:.0f} s", flush=True)

    t = step("2, 3, 5, 6, 9. browser → kernel (Chromium, JupyterLab, ipykernel)")
    results["browser"] = browser(ethercalc)
    print(f"done in {time.monotonic() - t:.0f} s", flush=True)

    t = step("10. the class site (Chromium, JupyterLite, Pyodide kernel)")
    results["lite"] = lite(ethercalc)
    results["pyodide"] = PYODIDE_VERSION
    print(f"done in {time.monotonic() - t:.0f} s", flush=True)

    t = step("5. kernel memory baseline")
    mem = results["browser"]["memory"]
    per_message = max(
        1, round(results["browser"]["throughput"]["offered_rate"] * results["browser"]["throughput"]["forward_every"])
    )
    results["naive_kernel_memory"] = naive_kernel_memory(mem["readings"] - mem["warm_up"], per_message)
    results["shipped_js"] = shipped_js_gzip()
    version = subprocess.run(["/usr/bin/chromium", "--version"], capture_output=True, text=True).stdout
    results["chromium"] = (re.search(r"[\d.]{5,}", version) or re.search(".*", version)).group(0).strip()
    print(f"done in {time.monotonic() - t:.0f} s", flush=True)

    (ROOT / "bench/.work").mkdir(exist_ok=True)
    (ROOT / "bench/.work/results.json").write_text(json.dumps(results, indent=1))  # every raw figure
    text = report(results, time.monotonic() - start)
    (ROOT / "bench/results.md").write_text(text)
    print("\n" + text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
