"""The Logger at its edges: a wall clock that steps, reading times that cannot be, a damaged data file."""

import time
from datetime import datetime, timedelta

import pytest
import sensorlab
import sensorlab.logger
from comms import batch, open_comm
from sensorlab import protocol
from sensorlab.ethercalc import ROW_ID
from sensorlab.store import LoggerFile


def test_a_clock_step_neither_delays_nor_hurries_the_next_row(monkeypatch):
    """Rows are due by real elapsed time while the kernel runs, whatever the wall clock does."""
    step = timedelta(0)

    class SteppedClock(datetime):
        @classmethod
        def now(cls, tz=None):
            return datetime.now(tz) + step

    monkeypatch.setattr(sensorlab.logger, "datetime", SteppedClock)
    schedule = sensorlab.DaylightSchedule(day_every="2s", night_every="2s")
    # An unreachable sheet: the rows stay waiting, so their count says how many were queued.
    logger = sensorlab.Logger(sheet="http://127.0.0.1:9/stepped", schedule=schedule, name="stepped")
    try:
        comm = open_comm("stepped")
        comm.deliver(batch(0))
        assert logger.status["pending"] == 1
        step = timedelta(hours=-1)  # the clock is set back an hour
        time.sleep(2.2)
        comm.deliver(batch(1, start=3))
        assert logger.status["pending"] == 2, "the row waited for the wall clock to catch up"
        step = timedelta(hours=1)  # and forward two hours
        comm.deliver(batch(2, start=6))
        assert logger.status["pending"] == 2, "a row was queued before its interval had passed"
    finally:
        logger.close()


def test_a_reading_from_the_far_future_is_refused_and_the_logger_keeps_working(logger):
    comm = open_comm("unit")
    comm.deliver({"type": "batch", "seq": 0, "readings": [{"time": 1e300, "values": {"t": 1}, "source": "s"}]})
    assert comm.sent[-1]["type"] == "refused" and "2000-01-01 and tomorrow" in comm.sent[-1]["reason"]
    comm.deliver(batch(1))
    assert len(logger.data) == 3 and logger.status["readings"] == 3


def test_a_stored_reading_from_the_far_future_is_left_out_after_a_restart(notebook_folder):
    """A file an older sensorlab wrote, holding a reading stamped 1e300, still opens."""
    old = LoggerFile(notebook_folder / ".sensorlab", "restarted")
    old.add_batch(
        "page-1", 0, [protocol.Reading(1e300, "s", {"t": 1.0}), protocol.Reading(1795255200000, "s", {"t": 2.0})], 0
    )
    old.close()
    restarted = sensorlab.Logger(name="restarted")
    try:
        assert list(restarted.data["t"]) == [2.0]
        assert restarted.status["last_reading"].startswith("2026-")
    finally:
        restarted.close()


def test_a_damaged_data_file_is_kept_aside_and_the_logger_starts_afresh(notebook_folder):
    folder = notebook_folder / ".sensorlab"
    folder.mkdir()
    damaged = b"this is not a database " * 200
    (folder / "damaged.sqlite3").write_bytes(damaged)
    logger = sensorlab.Logger(name="damaged")
    try:
        kept = list(folder.glob("damaged.sqlite3.corrupt-*"))
        assert len(kept) == 1 and kept[0].read_bytes() == damaged
        status = logger.status
        assert status["errors"] == 1
        assert str(folder / "damaged.sqlite3") in status["last_error"]
        assert f"kept it aside as {kept[0].name}" in status["last_error"]
        comm = open_comm("damaged")
        comm.deliver(batch(0))
        assert comm.sent[-1] == {"type": "ack", "seq": 0} and len(logger.data) == 3
    finally:
        logger.close()
    again = sensorlab.Logger(name="damaged")  # the new file is sound: nothing to keep aside now
    try:
        assert len(again.data) == 3 and again.status["errors"] == 0
        assert len(list(folder.glob("damaged.sqlite3.corrupt-*"))) == 1
    finally:
        again.close()


def test_a_locked_data_file_is_not_taken_for_a_damaged_one(notebook_folder):
    import sqlite3

    folder = notebook_folder / ".sensorlab"
    folder.mkdir()
    holder = sqlite3.connect(folder / "locked.sqlite3", isolation_level=None)
    holder.execute("BEGIN EXCLUSIVE")
    try:
        with pytest.raises(sqlite3.OperationalError, match="locked"):
            LoggerFile(folder, "locked")
        assert not list(folder.glob("locked.sqlite3.corrupt-*"))
    finally:
        holder.close()


FORMULAS = ['=HYPERLINK("http://x")', "+1+1", "-2+3", "@SUM(A1)", "\t=1", "\r=1"]


def test_csv_export_and_download_write_formulas_as_plain_text(logger, monkeypatch):
    import csv
    import io

    from ipywidgets import DOMWidget

    comm = open_comm("unit")
    readings = [
        {"time": 1795255200000 + i, "values": {"=cmd|' /C calc'!A0": -3.5, "temperature": 20}, "source": text}
        for i, text in enumerate(FORMULAS)
    ]
    comm.deliver({"type": "batch", "seq": 0, "readings": readings})
    for text in FORMULAS:
        logger.note(text)
    text = logger.to_csv()
    header, *rows = csv.reader(io.StringIO(text, newline=""))
    assert header == ["time", "source", "device", "'=cmd|' /C calc'!A0", "temperature", "note"]
    assert [row[1] for row in rows] == ["'" + text for text in FORMULAS]
    assert [row[2] for row in rows] == ["'" + text for text in FORMULAS]  # no name given: the device's id
    assert [row[3] for row in rows] == ["-3.5"] * len(FORMULAS)  # numbers stay numbers
    # Every note is after the last reading, in one cell; a note loses its leading tab or return.
    assert rows[-1][5] == "'" + "; ".join(text.strip() for text in FORMULAS)
    # The widget's Download CSV: the page receives the same text from the kernel.
    sent = []
    monkeypatch.setattr(DOMWidget, "send", lambda self, content, buffers=None: sent.append((content, buffers)))
    logger._on_widget_msg(None, {"type": "export"}, [])
    assert sent == [({"type": "export", "filename": "unit.csv"}, [text.encode("utf-8")])]


def test_a_device_printing_ever_new_names_keeps_64_channels_and_counts_the_rest(notebook_folder):
    """A noisy board prints a new name on each line (the time inside the name): no column per name."""
    logger = sensorlab.Logger(sheet="http://127.0.0.1:9/noisy", name="noisy")  # unreachable: rows stay waiting
    try:
        comm = open_comm("noisy")
        readings = [
            {"time": 1795255200000 + i, "values": {"temperature": 20.0, f"t{i}": 1.0}, "source": "usb-board"}
            for i in range(200)
        ]
        readings.append({"time": 1795255200200, "values": {"light": 5.0}, "source": "simulated"})
        comm.deliver({"type": "batch", "seq": 0, "readings": readings})
        assert comm.sent[-1] == {"type": "ack", "seq": 0}
        board = ["temperature"] + [f"t{i}" for i in range(63)]
        assert list(logger.data.columns) == ["time", "source", "device", *board, "light", "received"]
        status = logger.status
        assert status["bad_values"] == 200 - 63 and status["readings"] == 201
        assert (
            'The device "usb-board" sends more than 64 channel names (the latest: "t199")' in status["device_problem"]
        )
        # The first rows were due at once: one per device, each with its own channels.
        [(_, light), (_, board_row)] = logger._file.pending_rows(10)
        logged = ["time", "group", "device", "every (min)", "time zone", ROW_ID]
        assert sorted(board_row) == sorted([*logged, *board]) and board_row["device"] == "usb-board"
        assert sorted(light) == sorted([*logged, "light"]) and light["device"] == "simulated"
    finally:
        logger.close()
    again = sensorlab.Logger(name="noisy")  # a restart reads the readings back: the same channels
    try:
        assert list(again.data.columns) == ["time", "source", "device", *board, "light", "received"]
        assert again.status["bad_values"] == 200 - 63
    finally:
        again.close()
