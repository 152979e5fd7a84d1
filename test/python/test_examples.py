"""The classroom notebooks: each is a lesson with the same parts, and 04 and 06 run headless.

01, 02, 03 and 05 need the page (the simulated sensor lives in the browser): they run in
test/browser/examples.spec.ts. 04 reads and writes sheets only, so it runs here, in a
real kernel against the real EtherCalc, and its outputs are checked. 06 runs here too, with
this test sending the kernel what the page sends for a class of 30 micro:bits.
"""

import math
import re
import shutil
import time
import uuid
from pathlib import Path

import nbformat
import pytest
import sensorlab
from comms import open_readings_comm
from nbclient import NotebookClient

EXAMPLES = Path(__file__).parents[2] / "examples"
NOTEBOOKS = sorted(EXAMPLES.glob("*.ipynb"))


def test_the_six_lessons_are_there():
    assert [n.name for n in NOTEBOOKS] == [
        "01-first-readings.ipynb",
        "02-microbit-serial.ipynb",
        "03-bluetooth-environment.ipynb",
        "04-day-and-night.ipynb",
        "05-thermostat.ipynb",
        "06-our-whole-class.ipynb",
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


CLASS_SERIALS = [-52381702] + [1_000_003 + 7919 * n for n in range(29)]  # a serial number can be negative


def send_class_readings(kc, logger: str) -> None:
    """What the page sends for a class of 30 micro:bits heard through a gateway: two minutes of
    readings, a batch a minute, each micro:bit a device microbit-<serial number>."""
    comm_id = open_readings_comm(kc, logger, stream="page")
    start = time.time() * 1000 - 120_000
    for minute in range(2):
        readings = [
            {
                "time": start + minute * 60_000 + second * 1000 + group,
                "values": {"temp": round(19 + group * 0.1 + 0.3 * math.sin(second / 10), 2)},
                "source": f"microbit-{serial}",
            }
            for second in range(0, 60, 10)
            for group, serial in enumerate(CLASS_SERIALS)
        ]
        batch = {"type": "batch", "seq": minute, "readings": readings}
        kc.shell_channel.send(kc.session.msg("comm_msg", {"comm_id": comm_id, "data": batch}))


def test_our_whole_class_names_30_micro_bits_draws_them_and_posts_a_row_per_group(
    ethercalc, monkeypatch, notebook_folder
):
    base = f"{ethercalc}/examples-06-{uuid.uuid4().hex[:8]}"
    monkeypatch.setenv("SENSORLAB_SHEET", base)
    shutil.copytree(EXAMPLES / "firmware", notebook_folder / "firmware")  # the lesson shows the programs
    notebook = nbformat.read(EXAMPLES / "06-our-whole-class.ipynb", as_version=4)
    client = NotebookClient(
        notebook, timeout=180, kernel_name="python3", resources={"metadata": {"path": str(notebook_folder)}}
    )
    with client.setup_kernel():
        for index, cell in enumerate(notebook.cells):
            client.execute_cell(cell, index)
            if 'source="simulated-class"' in cell.source:  # the page would start sending now
                send_class_readings(client.kc, f"{base.rsplit('/', 1)[1]}-whole-class")
    cells = [c for c in notebook.cells if c.cell_type == "code"]
    everything = "\n".join(outputs_of(c) for c in cells)

    assert "30 micro:bits heard, 360 readings so far" in everything
    assert any("image/png" in o.get("data", {}) for c in cells for o in c.outputs)  # every group on one chart
    # The first micro:bit heard (the lowest number as text) is the coldest, and was named "group 1".
    assert "Coldest: group 1 (18.7 °C). Warmest: microbit-1221735 (21.6 °C)." in everything
    # The class sheet: the first post (due at once) by serial number, the one after naming with the names.
    rows = sensorlab.Sheet(f"{base}-whole-class").rows()
    assert len(rows) == 60 and "The sheet has 60 rows" in everything
    first, after = [r["device"] for r in rows[:30]], [r["device"] for r in rows[30:]]
    assert sorted(first) == sorted(f"microbit-{serial}" for serial in CLASS_SERIALS)
    named = dict(zip(sorted(f"microbit-{serial}" for serial in CLASS_SERIALS), ["group 1", "group 2", "group 3"]))
    assert sorted(after) == sorted(named.get(f"microbit-{serial}", f"microbit-{serial}") for serial in CLASS_SERIALS)
    assert all(isinstance(r["temp"], float) for r in rows)
    # The lesson shows both MicroPython programs.
    for program in ("microbit-radio-sender.py", "microbit-radio-gateway.py"):
        assert (EXAMPLES / "firmware" / program).read_text() in everything
