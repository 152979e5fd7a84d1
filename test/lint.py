"""Run the linters and formatters' checks; each one is a check, each finding a failure.

`make lint` runs this alone; test/run_all.py runs it as the "lint" suite of `make test`.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent


def _npm_script(script: str) -> list[str]:
    return ["npm", "run", "--silent", script, "--"]


def _json_list(text: str) -> list:
    start = text.find("[")
    return json.loads(text[start:]) if start >= 0 else []


# Each linter: its command, and how many findings its output holds (stdout and stderr together).
LINTERS = {
    "eslint": (
        _npm_script("eslint:check") + ["--format", "json"],
        lambda out: sum(len(f["messages"]) for f in _json_list(out)),
    ),
    "prettier": (_npm_script("prettier:check"), lambda out: out.count("[warn] ") - out.count("[warn] Code style")),
    "stylelint": (
        _npm_script("stylelint:check") + ["--formatter", "json"],
        lambda out: sum(len(f["warnings"]) for f in _json_list(out)),
    ),
    "ruff check": ([str(BIN / "ruff"), "check", "--output-format", "json", "."], lambda out: len(_json_list(out))),
    "ruff format": ([str(BIN / "ruff"), "format", "--check", "."], lambda out: out.count("Would reformat")),
}


def run() -> tuple[int, int, list[str]]:
    """(linters with no finding, findings, the linters that found some); a linter that fails
    without a finding counts as one."""
    clean = findings = 0
    unclean = []
    for name, (cmd, count) in LINTERS.items():
        done = subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True)
        out = done.stdout + done.stderr
        try:
            found = count(out)
        except (ValueError, KeyError, TypeError):
            found = 0
        if done.returncode != 0 and found == 0:
            found = 1  # it failed and said why in a form we did not read
        if found:
            print(f"{name}: {found} finding(s)\n{out.strip()}", flush=True)
            unclean.append(f"{name}: {found} finding(s)")
        else:
            print(f"{name}: clean", flush=True)
            clean += 1
        findings += found
    return clean, findings, unclean


if __name__ == "__main__":
    passed, failed, _ = run()
    print(f"lint: {passed} passed, {failed} failed")
    sys.exit(1 if failed else 0)
