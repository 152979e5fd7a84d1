"""sensorlab where a class site in the browser runs it (JupyterLite's Pyodide kernel), tried under CPython: no
pandas or numpy, an fcntl without file locks."""

import json
import subprocess
import sys
from pathlib import Path

import sensorlab

# Imports sensorlab where pandas and numpy cannot be imported, logs, and prints what it saw as JSON.
WITHOUT_PANDAS = """
import json, sys
from datetime import datetime

class NotHere:
    def find_spec(self, name, path=None, target=None):
        if name.partition(".")[0] in ("pandas", "numpy"):
            raise ModuleNotFoundError(f"No module named {name!r}")

sys.meta_path.insert(0, NotHere())
sys.path.insert(0, sys.argv[1])  # this folder, for comms
import sensorlab
from comms import batch, open_comm

logger = sensorlab.Logger(name="offline")
comm = open_comm("offline")
comm.deliver(batch(0))
logger.record(temperature=21.5)
logger.note("window opened")
tables = {
    "data": lambda: logger.data,
    "notes": lambda: logger.notes,
    "to_csv": logger.to_csv,
    "record_many": lambda: logger.record_many(None),
    "record at a time": lambda: logger.record(temperature=21.5, time=datetime(2026, 12, 7, 10)),
}
refused = {}
for what, make in tables.items():
    try:
        make()
    except ImportError as error:
        refused[what] = str(error)
logger._on_widget_msg(None, {"type": "export"}, [])  # the widget's Download CSV
print(json.dumps({
    "acks": comm.sent[1:],
    "status": logger.status,
    "refused": refused,
    "imported": sorted({name.partition(".")[0] for name in sys.modules} & {"pandas", "numpy"}),
}))
logger.close()
"""


def test_sensorlab_logs_without_pandas_and_says_what_to_do_for_tables():
    done = subprocess.run(
        [sys.executable, "-c", WITHOUT_PANDAS, str(Path(__file__).parent)], capture_output=True, text=True, timeout=120
    )
    assert done.returncode == 0, done.stderr
    seen = json.loads(done.stdout)
    assert seen["imported"] == []
    assert seen["acks"] == [{"type": "ack", "seq": 0}]
    assert seen["status"]["readings"] == 4
    assert seen["status"]["note"] == "window opened"
    assert list(seen["refused"]) == ["data", "notes", "to_csv", "record_many", "record at a time"]
    message = seen["refused"]["data"]
    assert message.startswith("sensorlab could not load pandas.")
    assert "run `import pandas` in a cell of its own" in message and "Everything else works without pandas" in message
    assert set(seen["refused"].values()) == {message}
    # The Download CSV button cannot answer: the status says why.
    assert seen["status"]["errors"] == 1 and seen["status"]["last_error"] == message


def test_a_logger_keeps_its_file_where_fcntl_cannot_lock(monkeypatch, tmp_path):
    import fcntl

    for name in ("flock", "LOCK_EX", "LOCK_NB"):  # Pyodide's fcntl has none of them
        monkeypatch.delattr(fcntl, name)
    logger = sensorlab.Logger(name="tab", data_dir=tmp_path)
    try:
        logger.record(temperature=21.5)
        assert logger.status["readings"] == 1
        (lock,) = tmp_path.glob("*.lock")
        assert lock.read_text().startswith(" process ")
    finally:
        logger.close()
    again = sensorlab.Logger(name="tab", data_dir=tmp_path)  # the next kernel finds the reading
    try:
        assert again.status["readings"] == 1
    finally:
        again.close()
