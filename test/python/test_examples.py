"""The classroom notebooks: each is a lesson with the same parts, and 04, 06 and 07 run headless.

01, 02, 03 and 05 need the page (the simulated sensor lives in the browser): they run in
test/browser/examples.spec.ts. 04 and 07 read and write sheets only, so they run here, in a
real kernel against each real EtherCalc, and their outputs are checked. 06 runs here too, with
this test sending the kernel what the page sends for a class of 30 micro:bits.

Lessons 01 and 06 are also in French, German and Spanish (examples/fr/, de/, es/): each
translation has its language's parts, the code cells of its original with the same
sensorlab calls, and 06 runs here in every language (01 in test/browser/lessons-translated.spec.ts).
"""

import ast
import copy
import math
import re
import shutil
import time
import uuid
from pathlib import Path
from typing import NamedTuple

import nbformat
import pandas as pd
import pytest
import sensorlab
from comms import open_readings_comm
from nbclient import NotebookClient

EXAMPLES = Path(__file__).parents[2] / "examples"
NOTEBOOKS = sorted(EXAMPLES.glob("*.ipynb"))
# In a folder per language; not in a hidden one (the .ipynb_checkpoints of a `make demo`).
TRANSLATIONS = sorted(p for p in EXAMPLES.glob("*/*.ipynb") if not p.parent.name.startswith("."))

# The four parts every lesson has, as each language heads them.
LESSON_PARTS = {
    "en": ("**Goal:**", "**You need", "**Steps", "## Questions"),
    "fr": ("**Objectif :**", "**Il te faut", "**Étapes", "## Questions"),
    "de": ("**Ziel:**", "**Du brauchst", "**Schritte", "## Fragen"),
    "es": ("**Objetivo:**", "**Necesitas", "**Pasos", "## Preguntas"),
}


def language_of(lesson: Path) -> str:
    return "en" if lesson.parent == EXAMPLES else lesson.parent.name


def original_of(translation: Path) -> Path:
    """The English lesson a translation is of: the one with its number."""
    [original] = EXAMPLES.glob(translation.name.split("-", 1)[0] + "-*.ipynb")
    return original


def lesson_id(lesson: Path) -> str:
    return str(lesson.relative_to(EXAMPLES).with_suffix(""))


def test_the_seven_lessons_are_there():
    assert [n.name for n in NOTEBOOKS] == [
        "01-first-readings.ipynb",
        "02-microbit-serial.ipynb",
        "03-bluetooth-environment.ipynb",
        "04-day-and-night.ipynb",
        "05-thermostat.ipynb",
        "06-our-whole-class.ipynb",
        "07-watch-the-class.ipynb",
    ]


def test_lessons_01_and_06_are_there_in_french_german_and_spanish():
    assert [lesson_id(t) for t in TRANSLATIONS] == [
        "de/01-erste-messwerte",
        "de/06-unsere-ganze-klasse",
        "es/01-primeras-mediciones",
        "es/06-toda-la-clase",
        "fr/01-premieres-mesures",
        "fr/06-toute-la-classe",
    ]


@pytest.mark.parametrize("path", NOTEBOOKS + TRANSLATIONS, ids=lesson_id)
def test_each_lesson_has_goal_needs_steps_questions_and_a_simulated_switch(path):
    notebook = nbformat.read(path, as_version=4)
    nbformat.validate(notebook)
    text = "\n".join(c.source for c in notebook.cells if c.cell_type == "markdown")
    for part in LESSON_PARTS[language_of(path)]:
        assert part in text, f"{path.name} has no {part}"
    first_code = next(c for c in notebook.cells if c.cell_type == "code")
    assert re.search(r"^SIMULATED = True$", first_code.source, re.M), first_code.source
    # Committed without outputs: a teacher opens a clean lesson.
    assert all(not c.get("outputs") for c in notebook.cells if c.cell_type == "code")


class _LeaveOutProse(ast.NodeTransformer):
    """Replaces each string with a space in it (words a translation translates) by "…"; data stays."""

    def visit_Constant(self, node):
        if isinstance(node.value, str) and " " in node.value:
            return ast.copy_location(ast.Constant("…"), node)
        return node


def _chain_root(node: ast.AST) -> str | None:
    """The name a chain such as ``sensorlab.Sheet(SHEET).rows()`` starts from."""
    while isinstance(node, (ast.Call, ast.Attribute, ast.Subscript)):
        node = node.func if isinstance(node, ast.Call) else node.value
    return node.id if isinstance(node, ast.Name) else None


def sensorlab_uses(source: str) -> list[str]:
    """Each whole use of sensorlab or of the lesson's logger in a cell, as code with its arguments, prose left out."""
    tree = ast.parse(source)
    # The inner links of a chain: sensorlab.Sheet(SHEET) within sensorlab.Sheet(SHEET).rows().
    links = {
        n.func if isinstance(n, ast.Call) else n.value
        for n in ast.walk(tree)
        if isinstance(n, (ast.Call, ast.Attribute, ast.Subscript))
    }
    return [
        ast.unparse(_LeaveOutProse().visit(copy.deepcopy(node)))
        for node in ast.walk(tree)
        if isinstance(node, (ast.Call, ast.Attribute, ast.Subscript))
        and node not in links
        and _chain_root(node) in ("sensorlab", "logger")
    ]


def code_cells_uses(path: Path) -> list[list[str]]:
    return [sensorlab_uses(c.source) for c in nbformat.read(path, as_version=4).cells if c.cell_type == "code"]


@pytest.mark.parametrize("translation", TRANSLATIONS, ids=lesson_id)
def test_each_translation_has_its_lessons_code_cells_with_the_same_sensorlab_calls(translation):
    """A translation changes words only: the same code cells, each calling sensorlab and the logger the same way."""
    original = code_cells_uses(original_of(translation))
    assert any(original), "the original lesson uses no sensorlab"
    assert code_cells_uses(translation) == original


def run_lesson(name: str, folder) -> tuple[list, list[str], str]:
    """Run a lesson headless in ``folder``: its code cells, the text each shows, and all that text."""
    notebook = nbformat.read(EXAMPLES / name, as_version=4)
    NotebookClient(
        notebook, timeout=180, kernel_name="python3", resources={"metadata": {"path": str(folder)}}
    ).execute()
    cells = [c for c in notebook.cells if c.cell_type == "code"]
    shown = [outputs_of(c) for c in cells]
    return cells, shown, "\n".join(shown)


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
    cells, shown, everything = run_lesson("04-day-and-night.ipynb", notebook_folder)

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


# Lesson 07's pretend class: six groups posting every 15 minutes for five hours; group 4 stopped
# after 10 rows (its laptop closed), group 6 posts rows with a note and no values (its board sends nothing).
PRACTICE_ROWS = {"group 1": 21, "group 2": 21, "group 3": 21, "group 4": 10, "group 5": 21, "group 6": 21}


def test_watch_the_class_finds_the_stopped_group_and_compares_the_groups(ethercalc, monkeypatch, notebook_folder):
    monkeypatch.setenv("SENSORLAB_SHEET", f"{ethercalc}/examples-07-{uuid.uuid4().hex[:8]}")
    monkeypatch.setenv("TZ", "Europe/Berlin")  # the kernel's zone: rows say theirs in `time zone`
    cells, shown, everything = run_lesson("07-watch-the-class.ipynb", notebook_folder)

    assert "115 rows in the practice sheet" in everything
    sheet_url = re.search(r"rows in the practice sheet (\S+)", everything).group(1)
    assert sheet_url.startswith(f"{ethercalc}/examples-07-") and "-practice-class-" in sheet_url
    stopped_at = re.search(r"group 4 stopped at (\d\d:\d\d)", everything).group(1)

    # The class view is on the page, and its table says what the teacher should see, in its order:
    # the stopped group first, then the one without readings, then every other group on time.
    assert any("application/vnd.jupyter.widget-view+json" in o.get("data", {}) for c in cells for o in c.outputs)
    table = next(s for s in shown if "interval (min)" in s)
    states = re.findall(r"^\d+\s+(group \d)\s+(silent|late|no readings|on time)\s", table, re.M)
    assert [group for group, _state in states] == ["group 4", "group 6", "group 1", "group 2", "group 3", "group 5"]
    assert dict(states)["group 4"] in ("silent", "late")
    assert dict(states)["group 6"] == "no readings"
    assert [state for _group, state in states[2:]] == ["on time"] * 4
    # The groups that need a look, in words, and no other.
    looks = re.findall(
        r"^(group \d): (silent|late|no readings|on time) \(its last row came at (\d\d:\d\d)\)$", everything, re.M
    )
    assert [(group, state) for group, state, _at in looks] == [
        ("group 4", dict(states)["group 4"]),
        ("group 6", "no readings"),
    ]
    assert looks[0][2] == stopped_at

    # The whole class in pandas: every row once; each group's count of values, and a chart of every group.
    assert "115 rows from 6 groups" in everything
    comparison = next(s for s in shown if "count" in s and "mean" in s)
    counts = dict(re.findall(r"^(group \d)\s+(\d+)\s", comparison, re.M))
    assert counts == {group: str(0 if group == "group 6" else rows) for group, rows in PRACTICE_ROWS.items()}
    assert any("image/png" in o.get("data", {}) for c in cells for o in c.outputs)

    # What the lesson wrote, read back here: each row once, each group's rows 15 minutes apart, in the kernel's zone.
    frame = sensorlab.Sheet(sheet_url).frame(tz="Europe/Berlin", with_ids=True)
    assert len(frame) == 115 and frame["row id"].is_unique
    assert frame.groupby("group").size().to_dict() == PRACTICE_ROWS
    assert frame["time"].is_monotonic_increasing
    for group, rows in frame.groupby("group"):
        assert set(rows["time"].diff().dropna()) == {pd.Timedelta(minutes=15)}, group
    assert frame.loc[frame["group"] == "group 4", "time"].max().strftime("%H:%M") == stopped_at
    assert set(frame["time zone"]) <= {"UTC+01:00", "UTC+02:00"}
    assert frame.loc[frame["group"] == "group 6", ["temperature", "light"]].isna().all().all()
    assert set(frame.loc[frame["group"] == "group 6", "note"]) == {"no readings yet"}
    assert len(sensorlab.Sheet(sheet_url).rows()) == 115  # no second copy of any row in the sheet


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


class WholeClassWords(NamedTuple):
    """What lesson 06 prints and names in one language (it names the groups in its words)."""

    heard: str
    group: str
    extremes: str
    rows: str


WHOLE_CLASS = {
    "06-our-whole-class": WholeClassWords(
        "30 micro:bits heard, 360 readings so far",
        "group",
        "Coldest: group 1 (18.7 °C). Warmest: microbit-1221735 (21.6 °C).",
        "The sheet has 60 rows",
    ),
    "fr/06-toute-la-classe": WholeClassWords(
        "30 micro:bits entendues, 360 mesures jusqu'ici",
        "groupe",
        "Le plus froid : groupe 1 (18.7 °C). Le plus chaud : microbit-1221735 (21.6 °C).",
        "La feuille a 60 lignes",
    ),
    "de/06-unsere-ganze-klasse": WholeClassWords(
        "30 micro:bits gehört, bis jetzt 360 Messwerte",
        "Gruppe",
        "Am kältesten: Gruppe 1 (18.7 °C). Am wärmsten: microbit-1221735 (21.6 °C).",
        "Die Tabelle hat 60 Zeilen",
    ),
    "es/06-toda-la-clase": WholeClassWords(
        "30 micro:bits oídas, 360 mediciones hasta ahora",
        "grupo",
        "El más frío: grupo 1 (18.7 °C). El más caliente: microbit-1221735 (21.6 °C).",
        "La hoja tiene 60 filas",
    ),
}


@pytest.mark.parametrize("lesson", WHOLE_CLASS)
def test_our_whole_class_names_30_micro_bits_draws_them_and_posts_a_row_per_group(
    lesson, ethercalc, monkeypatch, notebook_folder
):
    words = WHOLE_CLASS[lesson]
    path = EXAMPLES / f"{lesson}.ipynb"
    base = f"{ethercalc}/examples-06-{uuid.uuid4().hex[:8]}"
    monkeypatch.setenv("SENSORLAB_SHEET", base)
    # The lesson shows the programs of examples/firmware/, from its own folder as in examples/.
    shutil.copytree(EXAMPLES / "firmware", notebook_folder / "firmware")
    lesson_folder = notebook_folder / path.parent.relative_to(EXAMPLES)
    lesson_folder.mkdir(exist_ok=True)
    notebook = nbformat.read(path, as_version=4)
    client = NotebookClient(
        notebook, timeout=180, kernel_name="python3", resources={"metadata": {"path": str(lesson_folder)}}
    )
    with client.setup_kernel():
        for index, cell in enumerate(notebook.cells):
            client.execute_cell(cell, index)
            if 'source="simulated-class"' in cell.source:  # the page would start sending now
                send_class_readings(client.kc, f"{base.rsplit('/', 1)[1]}-whole-class")
    cells = [c for c in notebook.cells if c.cell_type == "code"]
    everything = "\n".join(outputs_of(c) for c in cells)

    assert words.heard in everything
    assert any("image/png" in o.get("data", {}) for c in cells for o in c.outputs)  # every group on one chart
    # The first micro:bit heard (the lowest number as text) is the coldest, and was named group 1.
    assert words.extremes in everything
    # The class sheet: the first post (due at once) by serial number, the one after naming with the names.
    rows = sensorlab.Sheet(f"{base}-whole-class").rows()
    assert len(rows) == 60 and words.rows in everything
    first, after = [r["device"] for r in rows[:30]], [r["device"] for r in rows[30:]]
    assert sorted(first) == sorted(f"microbit-{serial}" for serial in CLASS_SERIALS)
    names = [f"{words.group} {number}" for number in (1, 2, 3)]
    named = dict(zip(sorted(f"microbit-{serial}" for serial in CLASS_SERIALS), names))
    assert sorted(after) == sorted(named.get(f"microbit-{serial}", f"microbit-{serial}") for serial in CLASS_SERIALS)
    assert all(isinstance(r["temp"], float) for r in rows)
    # The lesson shows both MicroPython programs.
    for program in ("microbit-radio-sender.py", "microbit-radio-gateway.py"):
        assert (EXAMPLES / "firmware" / program).read_text() in everything
