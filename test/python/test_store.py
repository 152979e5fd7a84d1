"""Loggers' files: one file per logger name, and one process at a time has it."""

import multiprocessing
import sqlite3

import pytest
import sensorlab
from sensorlab import protocol
from sensorlab.filelock import FileInUse
from sensorlab.store import LoggerFile


def test_names_that_look_alike_get_files_of_their_own(tmp_path):
    names = ["class 7b", "class/7b", "class_7b", "Class_7b", "Raum ü", "Raum ö", "Raum _"]
    files = [LoggerFile(tmp_path, name) for name in names]
    try:
        for number, file in enumerate(files):
            file.put_row({"n": number})
        assert len({file.path for file in files}) == len(names)
        assert len({file.path.name.lower() for file in files}) == len(names), "would collide on a disk ignoring case"
        assert [file.pending_rows(10)[0][1] for file in files] == [{"n": n} for n in range(len(names))]
        assert all(file.path.parent == tmp_path for file in files)
    finally:
        for file in files:
            file.close()


def _old_file(folder, file_name):
    """A file as an older sensorlab left it: one row waiting."""
    db = sqlite3.connect(folder / file_name)
    db.executescript("CREATE TABLE outbox (id INTEGER PRIMARY KEY AUTOINCREMENT, row TEXT NOT NULL);")
    db.execute("""INSERT INTO outbox (row) VALUES ('{"t": 1}')""")
    db.commit()
    db.close()


def test_an_older_file_is_found_by_the_name_that_alone_mapped_to_it(tmp_path):
    _old_file(tmp_path, "Class7b.sqlite3")
    _old_file(tmp_path, "class_7b.sqlite3")
    adopted, plain, spaced = LoggerFile(tmp_path, "Class7b"), LoggerFile(tmp_path, "class_7b"), None
    try:
        assert adopted.pending_rows(10) == [(1, {"t": 1})]
        assert not (tmp_path / "Class7b.sqlite3").exists()
        assert plain.pending_rows(10) == [(1, {"t": 1})]
        # "class 7b" also mapped to class_7b.sqlite3, and cannot tell it was its own.
        spaced = LoggerFile(tmp_path, "class 7b")
        assert spaced.pending_rows(10) == []
    finally:
        for file in (adopted, plain, spaced):
            if file:
                file.close()


def _hold_logger_file(folder, name, opened, done):
    """Another kernel: opens the logger's file and keeps it until told to stop."""
    file = LoggerFile(folder, name)
    opened.set()
    done.wait(30)
    file.close()


def test_a_second_process_is_told_who_has_the_file_and_does_not_post(tmp_path):
    spawn = multiprocessing.get_context("spawn")
    opened, done = spawn.Event(), spawn.Event()
    other = spawn.Process(target=_hold_logger_file, args=(tmp_path, "class 7b", opened, done))
    other.start()
    try:
        assert opened.wait(60), "the other process did not open the file"
        with pytest.raises(FileInUse, match=f"process {other.pid} "):
            sensorlab.Logger(sheet="http://127.0.0.1:9/class-7b", name="class 7b", data_dir=tmp_path)
        done.set()
        other.join(30)
        assert other.exitcode == 0
        # Once the other kernel let go, the logger opens and queues rows as usual.
        logger = sensorlab.Logger(sheet="http://127.0.0.1:9/class-7b", name="class 7b", data_dir=tmp_path)
        try:
            logger._take_readings([protocol.Reading(1795255200000, "s", {"t": 1.0})], 0)
            assert logger.status["pending"] == 1, "the first row is due at once"
        finally:
            logger.close()
    finally:
        done.set()
        other.join(30)


def test_a_logger_replaced_in_the_same_kernel_hands_its_file_over(tmp_path):
    first = sensorlab.Logger(name="again", data_dir=tmp_path)
    second = sensorlab.Logger(name="again", data_dir=tmp_path)  # replaces the first: no FileInUse
    try:
        assert first._closed and not second._closed
        second.note("still writing")
    finally:
        second.close()
    third = sensorlab.Logger(name="again", data_dir=tmp_path)
    third.close()


def test_a_file_from_before_device_names_keeps_its_readings_and_rows_and_takes_names(tmp_path):
    db = sqlite3.connect(tmp_path / "bench.sqlite3")
    db.executescript(
        "CREATE TABLE readings"
        '    (time REAL NOT NULL, received REAL NOT NULL, source TEXT NOT NULL, "values" TEXT NOT NULL);'
        "CREATE TABLE outbox (id INTEGER PRIMARY KEY AUTOINCREMENT, row TEXT NOT NULL);"
    )
    db.execute("""INSERT INTO readings VALUES (1795255200000, 1795255200.5, 'serial', '{"t": 20.5}')""")
    db.execute("""INSERT INTO outbox (row) VALUES ('{"t": 20.5}')""")
    db.commit()
    db.close()
    file = LoggerFile(tmp_path, "bench")
    try:
        assert list(file.readings()) == [(protocol.Reading(1795255200000, "serial", {"t": 20.5}), 1795255200.5)]
        new = protocol.Reading(1795255201000, "serial-2", {"t": 21.0}, "bench A")
        assert file.add_batch("page", 0, [new], 1795255201.5)
        assert [reading for reading, _ in file.readings()][-1] == new
        assert file.pending_rows(10) == [(1, {"t": 20.5})] and file.queues() == []
        file.queue("bench-bench-a").put_row({"t": 21.0})
        assert file.queues() == ["bench-bench-a"] and file.pending_count() == 1
        assert file.queue("bench-bench-a").pending_rows(10) == [(2, {"t": 21.0})]
    finally:
        file.close()
