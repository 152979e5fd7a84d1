"""The classroom notebooks: each is a lesson with the same parts, and 04 runs headless.

01, 02, 03 and 05 need the page (the simulated sensor lives in the browser): they run in
test/browser/examples.spec.ts. 04 reads and writes sheets only, so it runs here, in a
real kernel against the real EtherCalc, and its outputs are checked.
"""

import re
from pathlib import Path

import nbformat
import pytest
import sensorlab
from nbclient import NotebookClient

EXAMPLES = Path(__file__).parents[2] / "examples"
NOTEBOOKS = sorted(EXAMPLES.glob("*.ipynb"))


def test_the_five_lessons_are_there():
    assert [n.name for n in NOTEBOOKS] == [
        "01-first-readings.ipynb",
        "02-microbit-serial.ipynb",
        "03-bluetooth-environment.ipynb",
        "04-day-and-night.ipynb",
        "05-thermostat.ipynb",
    ]


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_each_lesson_has_goal_needs_steps_questions_and_a_simulated_switch(path):
    notebook = nbformat.read(path, as_version=4)
    nbformat.validate(notebook)
    text = "\n".join(c.source for c in notebook.cells if c.cell_type == "markdown")
    for part in ("**Goal:**", "**You need", "**Steps", "## Questions"):
        assert part in text, f"{path.name} has no {part}"
    first_code = next(c for c in notebook.cells if c.cell_type == "code")
    assert re.search(r"^SIMULATED = True$", first_code.source, re.M), first_code.source
    # Committed without outputs: a teacher opens a clean lesson.
    assert all(not c.get("outputs") for c in notebook.cells if c.cell_type == "code")


def outputs_of(cell) -> str:
    """The text a cell shows: its streams and its plain-text results."""
    parts = []
    for output in cell.outputs:
        if output.output_type == "stream":
            parts.append(output.text)
        elif "data" in output:
            parts.append(output.data.get("text/plain", ""))
    return "\n".join(parts)


def test_day_and_night_runs_on_a_made_up_day_and_reads_it_back(ethercalc, monkeypatch, notebook_folder):
    monkeypatch.setenv("SENSORLAB_SHEET", f"{ethercalc}/examples-04")
    notebook = nbformat.read(EXAMPLES / "04-day-and-night.ipynb", as_version=4)
    NotebookClient(
        notebook, timeout=120, kernel_name="python3", resources={"metadata": {"path": str(notebook_folder)}}
    ).execute()
    cells = [c for c in notebook.cells if c.cell_type == "code"]
    shown = [outputs_of(c) for c in cells]
    everything = "\n".join(shown)

    assert "60 rows a day: 48 by day and 12 by night" in everything
    sheet_url = re.search(r"reading (\S+)", everything).group(1)
    assert sheet_url.startswith(f"{ethercalc}/examples-04-practice-day-")
    # The made-up day really went through the sheet: 60 rows, in order, one day.
    rows = sensorlab.Sheet(sheet_url).rows()
    assert len(rows) == 60
    times = [row["time"] for row in rows]
    assert times == sorted(times) and times[0] == "2026-03-10 00:00:00" and times[-1] == "2026-03-10 23:45:00"
    assert "60 rows from Tuesday 10 March 2026" in everything

    # A chart of the day, and the day/night table with the timetable's counts.
    assert any("image/png" in o.get("data", {}) for c in cells for o in c.outputs)
    table = next(s for s in shown if "count" in s and "night" in s)
    assert re.search(r"^day\s+48\s", table, re.M) and re.search(r"^night\s+12\s", table, re.M), table
    warmer = float(re.search(r"By day the room was (-?[\d.]+) °C warmer", everything).group(1))
    assert 3 < warmer < 8
