"""Run every suite (lint, jest, pytest, the browser tests), print each one's counts, fail loudly.

A suite fails when its runner fails, when any of its tests failed or was skipped, or
when it ran no test at all. The real EtherCalc servers (2020, and 2026 where it is here)
and Jupyter servers are started and stopped by test/servers/servers.py. pytest talks to
every EtherCalc; the browser tests run in full with Jupyter posting to the 2020 server, and those
that talk to EtherCalc (but FIRST_SERVER_ONLY) run again with a Jupyter server posting to the 2026
one. The first browser run has a class JupyterHub (test/servers/hub.py) posting to the same EtherCalc.
Last, the class site (build/lite/, JupyterLite) is served and tested in Chromium against every EtherCalc.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
import xml.etree.ElementTree as ET
from pathlib import Path
from typing import NamedTuple

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "test" / "servers"))
from hub import hub  # noqa: E402
from lite import class_site  # noqa: E402
from servers import jupyter, servers  # noqa: E402

sys.path.insert(0, str(ROOT / "test"))
import lint  # noqa: E402

# The browser specs that talk to EtherCalc: they run against every EtherCalc server.
ETHERCALC_SPECS = [
    "board-arduino",
    "bluetooth",
    "class-sheet",
    "examples",
    "full-sheet",
    "gateway",
    "notes",
    "pipeline",
    "reliability",
]
# Tests of those specs that run against the first server only: what they check is the kernel's or the
# lesson's, and posting to each server is checked by the others (01 and 06 post to both). The class on
# JupyterHub (hub.spec.ts) runs against the first only too: class-sheet.spec.ts checks pages posting at
# once to both.
FIRST_SERVER_ONLY = "|".join(
    (
        "a cell that runs for two minutes",
        "readings reach the kernel while a cell sleeps",
        "02 micro:bit",
        "03 Bluetooth environment",
        "05 thermostat",
    )
)


class Counts(NamedTuple):
    passed: int
    failed: int
    skipped: int
    # The tests that failed or were skipped, by name, so a failed run says which at its end.
    named: list[str]


# (suite name, the tests it selects by mark, pytest-xdist workers).
PYTEST_RUNS = [
    ("pytest", "not loads_server", "2"),
    ("pytest, a server's full load", "loads_server", "2"),
]


def jest_counts(report: Path) -> Counts:
    data = json.loads(report.read_text())
    named = []
    for suite in data["testResults"]:
        where = os.path.relpath(suite["name"], ROOT)
        bad = [t for t in suite["assertionResults"] if t["status"] != "passed"]
        named += [f"{where} › {t['fullName']} ({t['status']})" for t in bad]
        if suite["status"] == "failed" and not bad:
            named.append(f"{where} (did not run: {suite.get('message', '').strip()[:200]})")
    skipped = data["numPendingTests"] + data.get("numTodoTests", 0)
    return Counts(data["numPassedTests"], data["numFailedTests"], skipped, named)


def pytest_counts(report: Path) -> Counts:
    root = ET.parse(report).getroot()
    suites = [root] if root.tag == "testsuite" else list(root)
    total = sum(int(s.get("tests", 0)) for s in suites)
    failed = sum(int(s.get("failures", 0)) + int(s.get("errors", 0)) for s in suites)
    skipped = sum(int(s.get("skipped", 0)) for s in suites)
    named = [
        f"{case.get('classname')}::{case.get('name')} ({outcome.tag})"
        for case in root.iter("testcase")
        for outcome in case
        if outcome.tag in ("failure", "error", "skipped")
    ]
    return Counts(total - failed - skipped, failed, skipped, named)


def playwright_counts(report: Path) -> Counts:
    data = json.loads(report.read_text())
    stats = data["stats"]
    named = []

    def walk(suite: dict, titles: list[str]) -> None:
        for spec in suite.get("specs", []):
            for test in spec["tests"]:
                if test["status"] != "expected":
                    title = " › ".join([*titles, spec["title"]])
                    named.append(f"{spec['file']}:{spec['line']} › {title} ({test['status']})")
        for inner in suite.get("suites", []):
            walk(inner, [*titles, inner["title"]])

    for suite in data["suites"]:
        walk(suite, [])
    return Counts(stats["expected"], stats["unexpected"] + stats.get("flaky", 0), stats["skipped"], named)


class Result(NamedTuple):
    name: str
    counts: Counts
    ok: bool


def run_suite(name, cmd, report: Path, counts, env=None) -> Result:
    print(f"\n===== {name}: {' '.join(map(str, cmd))}", flush=True)
    code = subprocess.call(cmd, cwd=ROOT, env=env)
    try:
        found = counts(report)
    except (OSError, ValueError, KeyError, ET.ParseError) as error:
        return Result(name, Counts(0, 1, 0, [f"no report ({error})"]), False)
    ok = code == 0 and found.failed == 0 and found.skipped == 0 and found.passed > 0
    return Result(name, found, ok)


def main() -> int:
    results = []
    print("\n===== lint: eslint, prettier, stylelint, ruff check, ruff format --check", flush=True)
    clean, findings, unclean = lint.run()
    # Each linter is a check that passes when clean; each finding counts as a failure.
    results.append(Result("lint", Counts(clean, findings, 0, unclean), findings == 0 and clean == len(lint.LINTERS)))
    with tempfile.TemporaryDirectory(prefix="sensorlab-reports-") as tmp:
        reports = Path(tmp)
        results.append(
            run_suite(
                "jest",
                ["npx", "jest", "--ci", "--json", f"--outputFile={reports / 'jest.json'}"],
                reports / "jest.json",
                jest_counts,
            )
        )
        with servers(reports / "servers") as env:
            ethercalcs = json.loads(env["SENSORLAB_ETHERCALCS"])
            env = dict(os.environ, **env)
            # Most Python tests wait on servers, so they run in two workers; the few that load a
            # server fully run afterwards, one per server, so that they slow no other test's answers.
            for number, (name, select, workers) in enumerate(PYTEST_RUNS):
                report = reports / f"pytest-{number}.xml"
                pytest = [sys.executable, "-m", "pytest", "-m", select, "-n", workers, "--durations=10"]
                results.append(run_suite(name, [*pytest, f"--junitxml={report}"], report, pytest_counts, env))
            browser = ["npx", "playwright", "test", "--config", "test/browser/playwright.config.ts"]
            report = reports / "browser-2020.json"
            # A class JupyterHub (hub.spec.ts) whose students post to the same EtherCalc.
            with hub(reports / "hub-2020", ethercalcs["2020"]) as env_hub:
                results.append(
                    run_suite(
                        "browser, EtherCalc 2020",
                        browser,
                        report,
                        playwright_counts,
                        dict(env, **env_hub, SENSORLAB_PW_JSON=str(report)),
                    )
                )
            if "2026" in ethercalcs:
                with jupyter(reports / "servers" / "jupyter-2026", ethercalcs["2026"]) as env_2026:
                    report = reports / "browser-2026.json"
                    results.append(
                        run_suite(
                            "browser, EtherCalc 2026",
                            browser
                            + [f"test/browser/{spec}.spec.ts" for spec in ETHERCALC_SPECS]
                            + ["--grep-invert", FIRST_SERVER_ONLY],
                            report,
                            playwright_counts,
                            dict(env, **env_2026, SENSORLAB_PW_JSON=str(report)),
                        )
                    )
            # The class site (`make lite`) served as a school would, its Pyodide kernel posting to every EtherCalc.
            with class_site(reports / "site") as site:
                report = reports / "lite.json"
                results.append(
                    run_suite(
                        "class site (JupyterLite)",
                        ["npx", "playwright", "test", "--config", "test/lite/playwright.config.ts"],
                        report,
                        playwright_counts,
                        dict(env, SENSORLAB_LITE=site, SENSORLAB_PW_JSON=str(report)),
                    )
                )

    print("\n===== summary")
    print(
        "EtherCalc servers tested: "
        + ", ".join(sorted(ethercalcs))
        + (
            ""
            if "2026" in ethercalcs
            else "  (the 2026 server, ../shared/ethercalc-2026, was NOT available: nothing was tested against it)"
        )
    )
    for name, (passed, failed, skipped, named), ok in results:
        extra = f", {skipped} skipped" if skipped else ""
        verdict = "ok" if ok else ("FAILED: ran no test" if passed + failed + skipped == 0 else "FAILED")
        print(f"{name}: {passed} passed, {failed} failed{extra}  [{verdict}]")
        for test in named:
            print(f"    {test}")
    total_passed = sum(r.counts.passed for r in results)
    total_failed = sum(r.counts.failed for r in results) + sum(1 for r in results if not r.ok and r.counts.failed == 0)
    print(f"total: {total_passed} passed, {total_failed} failed")
    return 0 if all(r.ok for r in results) else 1


if __name__ == "__main__":
    sys.exit(main())
