"""Run every suite (lint, jest, pytest, the browser tests), print each one's counts, fail loudly.

A suite fails when its runner fails, when any of its tests failed or was skipped, or
when it ran no test at all. The real EtherCalc servers (2020, and 2026 where it is here)
and Jupyter servers are started and stopped by test/servers/servers.py. pytest talks to
every EtherCalc; the browser tests run in full with Jupyter posting to the 2020 server,
and those that talk to EtherCalc run again with a Jupyter server posting to the 2026 one. Each
browser run has a class JupyterHub (test/servers/hub.py) posting to the same EtherCalc.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
import xml.etree.ElementTree as ET
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "test" / "servers"))
from hub import hub  # noqa: E402
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
    "hub",
    "notes",
    "pipeline",
    "reliability",
]


def jest_counts(report: Path) -> tuple[int, int, int]:
    data = json.loads(report.read_text())
    return data["numPassedTests"], data["numFailedTests"], data["numPendingTests"] + data.get("numTodoTests", 0)


def pytest_counts(report: Path) -> tuple[int, int, int]:
    root = ET.parse(report).getroot()
    suites = [root] if root.tag == "testsuite" else list(root)
    total = sum(int(s.get("tests", 0)) for s in suites)
    failed = sum(int(s.get("failures", 0)) + int(s.get("errors", 0)) for s in suites)
    skipped = sum(int(s.get("skipped", 0)) for s in suites)
    return total - failed - skipped, failed, skipped


def playwright_counts(report: Path) -> tuple[int, int, int]:
    stats = json.loads(report.read_text())["stats"]
    return stats["expected"], stats["unexpected"] + stats.get("flaky", 0), stats["skipped"]


def run_suite(name, cmd, report: Path, counts, env=None) -> tuple[str, int, int, int, bool]:
    print(f"\n===== {name}: {' '.join(map(str, cmd))}", flush=True)
    code = subprocess.call(cmd, cwd=ROOT, env=env)
    try:
        passed, failed, skipped = counts(report)
    except (OSError, ValueError, KeyError, ET.ParseError) as error:
        print(f"{name}: no report ({error})")
        return name, 0, 1, 0, False
    ok = code == 0 and failed == 0 and skipped == 0 and passed > 0
    return name, passed, failed, skipped, ok


def main() -> int:
    results = []
    print("\n===== lint: eslint, prettier, stylelint, ruff check, ruff format --check", flush=True)
    clean, findings = lint.run()
    # Each linter is a check that passes when clean; each finding counts as a failure.
    results.append(("lint", clean, findings, 0, findings == 0 and clean == len(lint.LINTERS)))
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
            results.append(
                run_suite(
                    "pytest",
                    [sys.executable, "-m", "pytest", f"--junitxml={reports / 'pytest.xml'}"],
                    reports / "pytest.xml",
                    pytest_counts,
                    env,
                )
            )
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
                with (
                    jupyter(reports / "servers" / "jupyter-2026", ethercalcs["2026"]) as env_2026,
                    hub(reports / "hub-2026", ethercalcs["2026"]) as env_hub,
                ):
                    report = reports / "browser-2026.json"
                    results.append(
                        run_suite(
                            "browser, EtherCalc 2026",
                            browser + [f"test/browser/{spec}.spec.ts" for spec in ETHERCALC_SPECS],
                            report,
                            playwright_counts,
                            dict(env, **env_2026, **env_hub, SENSORLAB_PW_JSON=str(report)),
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
    for name, passed, failed, skipped, ok in results:
        extra = f", {skipped} skipped" if skipped else ""
        verdict = "ok" if ok else ("FAILED: ran no test" if passed + failed + skipped == 0 else "FAILED")
        print(f"{name}: {passed} passed, {failed} failed{extra}  [{verdict}]")
    total_passed = sum(r[1] for r in results)
    total_failed = sum(r[2] for r in results) + sum(1 for r in results if not r[4] and r[2] == 0)
    print(f"total: {total_passed} passed, {total_failed} failed")
    return 0 if all(r[4] for r in results) else 1


if __name__ == "__main__":
    sys.exit(main())
