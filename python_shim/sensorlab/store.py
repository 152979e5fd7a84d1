"""What a logger keeps on disk: every reading, the batches seen, the rows still to post.

One SQLite file per logger in the data folder (``.sensorlab/`` beside the notebook by
default), so a restarted kernel finds its readings and its pending rows again, and a
batch the browser sends twice is stored once. One process at a time has a logger's file.
On a class site the file is kept in the browser's storage (``browserstorage``), held by one tab.
"""

from __future__ import annotations

import hashlib
import json
import logging
import re
import sqlite3
import sys
import threading
from datetime import datetime
from pathlib import Path

from . import browserstorage, protocol
from .browserstorage import BrowserFolder
from .filelock import FileInUse, ProcessLock
from .i18n import _

__all__ = ["LoggerFile", "RowQueue", "default_data_dir"]

log = logging.getLogger("sensorlab")

SCHEMA = """
CREATE TABLE IF NOT EXISTS readings
    (time REAL NOT NULL, received REAL NOT NULL, source TEXT NOT NULL, "values" TEXT NOT NULL, device TEXT);
CREATE TABLE IF NOT EXISTS batches
    (stream TEXT NOT NULL, seq INTEGER NOT NULL, PRIMARY KEY (stream, seq)) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS outbox
    (id INTEGER PRIMARY KEY AUTOINCREMENT, row TEXT NOT NULL, queue TEXT NOT NULL DEFAULT '');
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS notes (time REAL NOT NULL, text TEXT NOT NULL);
"""
# Columns later versions added to the tables of a file an older sensorlab made.
ADDED_COLUMNS = {"readings": ("device TEXT",), "outbox": ("queue TEXT NOT NULL DEFAULT ''",)}


def default_data_dir() -> Path:
    """``.sensorlab`` in the kernel's folder, which is the notebook's folder. On a class site (Pyodide) SQLite
    cannot keep a file on the notebooks' drive: each logger's file is kept in the browser's storage."""
    if sys.platform == "emscripten":
        return Path("/sensorlab")
    return Path.cwd() / ".sensorlab"


def _browser_folder(data_dir: Path, logger: str) -> tuple[BrowserFolder | None, str]:
    """On a class site, the logger's folder in the browser's storage, or None and why it has none."""
    if sys.platform != "emscripten":
        return None, ""
    if not browserstorage.available():
        return None, _(
            "This browser cannot keep readings after the tab closes (it lacks JavaScript promise integration): "
            "they are kept while this tab is open. Use Chrome or Edge 137 or newer to keep them across a reload."
        )
    try:
        return BrowserFolder.open(data_dir / _file_name(logger).removesuffix(".sqlite3"), logger), ""
    except FileInUse:
        raise
    except Exception as error:  # storage refused: a private window, site data blocked
        return None, _(
            "This browser would not keep the readings ({error}): they are kept while this tab is open. "
            "Allow this site to store data (not a private window) to keep them across a reload."
        ).format(error=error)


def _old_file_name(logger: str) -> str:
    """The name older sensorlab versions gave files: "class 7b", "class/7b" and "class_7b" shared one."""
    return re.sub(r"[^A-Za-z0-9_.-]", "_", logger) + ".sqlite3"


def _file_name(logger: str) -> str:
    """A file name no other logger name maps to, even where the disk ignores case."""
    if re.fullmatch(r"[a-z0-9_.-]+", logger):  # the name itself, as before
        return logger + ".sqlite3"
    # "~" is in no name kept as it is, and the digest tells apart names the slug merges.
    digest = hashlib.sha256(logger.encode("utf-8")).hexdigest()[:10]
    return f"{_old_file_name(logger)[: -len('.sqlite3')]}~{digest}.sqlite3"


def _adopt_old_file(data_dir: Path, logger: str, path: Path) -> None:
    """Rename the file an older sensorlab kept for this logger, if it can only have been this logger's.

    A name of letters, digits and ``_.-`` was its file's name; with any other character
    ("class 7b") the old file may be another logger's ("class_7b"), so it stays where it is.
    """
    old = data_dir / _old_file_name(logger)
    if old == path or path.exists() or not old.exists() or not re.fullmatch(r"[A-Za-z0-9_.-]+", logger):
        return
    for suffix in ("-wal", "-shm", ""):  # the file itself last: until then the old name still finds it
        part = old.with_name(old.name + suffix)
        if part.exists():
            part.rename(path.with_name(path.name + suffix))


class LoggerFile:
    """A logger's SQLite file; safe to use from the comm, worker and main threads."""

    def __init__(self, data_dir: Path, logger: str):
        self._lock = threading.Lock()
        # What went wrong with the file, in words for the status, or "".
        self._folder, self.problem = _browser_folder(data_dir, logger)
        if self._folder is not None:
            data_dir = self._folder.path
        data_dir.mkdir(parents=True, exist_ok=True)
        self.path = data_dir / _file_name(logger)
        # Raises FileInUse, naming the process (or on a class site, the tab) that has it.
        self._hold = self._folder or ProcessLock(self.path, logger)
        try:
            _adopt_old_file(data_dir, logger, self.path)
            self._db = self._open_or_keep_aside()
        except BaseException:
            self._hold.release()
            raise

    def _open_or_keep_aside(self) -> sqlite3.Connection:
        try:
            return self._open()
        except sqlite3.DatabaseError as error:
            if error.sqlite_errorcode not in (sqlite3.SQLITE_NOTADB, sqlite3.SQLITE_CORRUPT):
                raise  # a locked or full disk: the file is fine, keep it
            self._keep_aside(error)
            return self._open()

    def _open(self) -> sqlite3.Connection:
        db = sqlite3.connect(self.path, check_same_thread=False, isolation_level=None)
        try:
            db.execute("PRAGMA journal_mode=WAL")
            db.execute("PRAGMA synchronous=NORMAL")
            db.executescript(SCHEMA)
            for table, columns in ADDED_COLUMNS.items():
                have = {row[1] for row in db.execute(f"PRAGMA table_info({table})")}
                for column in columns:
                    if column.split()[0] not in have:
                        db.execute(f"ALTER TABLE {table} ADD COLUMN {column}")
        except BaseException:
            db.close()
            raise
        return db

    def _keep_aside(self, error: sqlite3.DatabaseError) -> None:
        """Rename a damaged file (and its journal) so that a new one can begin and the old one can be examined."""
        aside = self.path.with_name(f"{self.path.name}.corrupt-{datetime.now():%Y%m%d-%H%M%S}")
        for suffix in ("-wal", "-shm", ""):  # the file itself last: it names what was kept
            part = self.path.with_name(self.path.name + suffix)
            if part.exists():
                part.rename(aside.with_name(aside.name + suffix))
        self.problem = _(
            "The data file {path} is damaged ({error}), so sensorlab kept it aside as {aside} "
            "and started this logger afresh: readings and rows kept in that file are not used."
        ).format(path=self.path, error=error, aside=aside.name)
        log.warning("sensorlab: %s", self.problem)

    def close(self) -> None:
        with self._lock:
            self._db.close()
            self._hold.release()

    # -- what survives a reload (a class site) ----------------------------------------
    # On a server a write is kept once SQLite has it. On a class site it is kept once the browser's
    # storage has a copy: each write starts one (shared by the writes made while one runs).

    def when_kept(self, then) -> None:
        """Call ``then(None)`` once all written so far is kept, or ``then(error)`` if it could not be."""
        if self._folder is None:
            then(None)
        else:
            self._folder.when_kept(then)

    def wait_until_kept(self) -> None:
        """Return once all written so far is kept (where the caller can wait); raise if it could not be."""
        if self._folder is not None:
            self._folder.wait_until_kept()

    def _written(self) -> None:
        if self._folder is not None:
            self._folder.when_kept(self._not_kept)

    def _not_kept(self, error: BaseException | None) -> None:
        if error is not None:  # the next write tries again
            log.warning(
                "sensorlab: %s",
                _("This browser did not keep {file} ({error}); the next change tries again.").format(
                    file=self.path.name, error=error
                ),
            )

    # -- readings ----------------------------------------------------------------

    def add_batch(self, stream: str, seq: int, readings: list[protocol.Reading], received: float) -> bool:
        """Store a batch's readings once: False if this stream's batch ``seq`` was stored before."""
        with self._lock, self._db:
            self._db.execute("BEGIN IMMEDIATE")
            if self._db.execute("INSERT OR IGNORE INTO batches VALUES (?, ?)", (stream, seq)).rowcount == 0:
                return False
            self._insert_readings(readings, received)
        self._written()
        return True

    def add_readings(self, readings: list[protocol.Reading], received: float) -> None:
        """Store readings that came from no batch (made in Python)."""
        with self._lock, self._db:
            self._db.execute("BEGIN IMMEDIATE")
            self._insert_readings(readings, received)
        self._written()

    def _insert_readings(self, readings: list[protocol.Reading], received: float) -> None:
        self._db.executemany(
            'INSERT INTO readings (time, received, source, "values", device) VALUES (?, ?, ?, ?, ?)',
            [(r.time, received, r.source, json.dumps(r.values), r.device) for r in readings],
        )

    def mark_seen(self, stream: str, seq: int) -> None:
        """Remember a batch that was refused, so it counts as handled."""
        with self._lock:
            self._db.execute("INSERT OR IGNORE INTO batches VALUES (?, ?)", (stream, seq))
        self._written()

    def readings(self):
        """Every stored reading, oldest first, as (Reading, received)."""
        with self._lock:
            rows = self._db.execute(
                'SELECT time, received, source, "values", device FROM readings ORDER BY rowid'
            ).fetchall()
        latest = protocol.latest_time()
        for time, received, source, values, device in rows:
            # A time an older sensorlab let in, which would break every table of the readings.
            problem = protocol.time_problem(time, latest)
            if problem:
                log.warning("sensorlab: %s", _("A stored reading is left out: {problem}").format(problem=problem))
                continue
            yield protocol.Reading(time, source, json.loads(values), device), received

    # -- rows to post ------------------------------------------------------------
    # Rows wait in queues: "" for the sheet the logger was given, one more per sheet of its own
    # (a device's sheet); see ``queue()``.

    def put_row(self, row: dict, queue: str = "") -> None:
        with self._lock:
            self._db.execute("INSERT INTO outbox (row, queue) VALUES (?, ?)", (json.dumps(row), queue))
        self._written()

    def pending_rows(self, limit: int, queue: str = "") -> list[tuple[int, dict]]:
        with self._lock:
            found = self._db.execute(
                "SELECT id, row FROM outbox WHERE queue = ? ORDER BY id LIMIT ?", (queue, limit)
            ).fetchall()
        return [(ident, json.loads(row)) for ident, row in found]

    def remove_rows(self, ids: list[int]) -> None:
        with self._lock, self._db:
            self._db.execute("BEGIN IMMEDIATE")
            self._db.executemany("DELETE FROM outbox WHERE id = ?", [(i,) for i in ids])
        self._written()

    def pending_count(self, queue: str = "") -> int:
        with self._lock:
            return self._db.execute("SELECT COUNT(*) FROM outbox WHERE queue = ?", (queue,)).fetchone()[0]

    def queues(self) -> list[str]:
        """The queues that have rows waiting, besides ""."""
        with self._lock:
            found = self._db.execute("SELECT DISTINCT queue FROM outbox WHERE queue != '' ORDER BY queue")
            return [queue for (queue,) in found.fetchall()]

    def queue(self, name: str) -> RowQueue:
        """The rows waiting for one sheet of this logger's own, as an outbox sees a file."""
        return RowQueue(self, name)

    # -- notes -------------------------------------------------------------------

    def add_note(self, time: float, text: str) -> None:
        with self._lock:
            self._db.execute("INSERT INTO notes VALUES (?, ?)", (time, text))
        self._written()

    def notes(self) -> list[tuple[float, str]]:
        """Every note as (epoch seconds, text), oldest first."""
        with self._lock:
            return self._db.execute("SELECT time, text FROM notes ORDER BY rowid").fetchall()

    # -- small facts -------------------------------------------------------------

    def get(self, key: str):
        with self._lock:
            found = self._db.execute("SELECT value FROM meta WHERE key = ?", (key,)).fetchone()
        return json.loads(found[0]) if found else None

    def set(self, key: str, value) -> None:
        with self._lock:
            self._db.execute("INSERT OR REPLACE INTO meta VALUES (?, ?)", (key, json.dumps(value)))
        self._written()


class RowQueue:
    """One queue of a LoggerFile, with the methods an outbox uses; its facts (``get``/``set``) are its own."""

    def __init__(self, file: LoggerFile, name: str):
        self._file = file
        self.name = name
        self.path = file.path.with_name(f"{file.path.name}#{name}")  # one poster per queue

    def put_row(self, row: dict) -> None:
        self._file.put_row(row, self.name)

    def pending_rows(self, limit: int) -> list[tuple[int, dict]]:
        return self._file.pending_rows(limit, self.name)

    def remove_rows(self, ids: list[int]) -> None:
        self._file.remove_rows(ids)

    def pending_count(self) -> int:
        return self._file.pending_count(self.name)

    def get(self, key: str):
        return self._file.get(f"{self.name}#{key}")

    def wait_until_kept(self) -> None:
        self._file.wait_until_kept()

    def set(self, key: str, value) -> None:
        self._file.set(f"{self.name}#{key}", value)
