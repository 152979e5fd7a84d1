"""Rows waiting to be posted: the posting logic (``Poster``) and what drives it (``Outbox``): a thread, or
on a class site (Pyodide, no threads) a task on the kernel's event loop.

The logic never waits or starts threads itself: ``Poster.post_once`` does one step and
says when the next one is due.
"""

from __future__ import annotations

import asyncio
import logging
import secrets
import threading
import time
from datetime import datetime, timedelta

from . import timers
from .ethercalc import ROW_ID, Sheet, SheetError, SheetFull, SlowDown
from .i18n import _
from .status import iso

__all__ = ["Outbox", "Poster", "posting_status", "row_key"]

log = logging.getLogger("sensorlab")

# One poster per SQLite file in this process: a Logger re-created under the same name must
# not post the rows its predecessor is still posting.
_posting_locks: dict[str, threading.Lock] = {}
_posting_locks_guard = threading.Lock()


def _posting_lock(store) -> threading.Lock:
    with _posting_locks_guard:
        return _posting_locks.setdefault(str(store.path), threading.Lock())


RETRY_MIN = 1.0
RETRY_MAX = 60.0  # our own backoff's longest wait; a server's Retry-After is honoured whatever its length
SLOWDOWN_WAIT = 5.0  # after a 429 that does not say how long to wait (or says it where a page cannot read it)
MAX_ROWS_PER_POST = 500
# Seconds close() waits for the post in progress, so that the next owner of the file finds it done.
CLOSE_WAIT = 15.0
# A post in flight is written down in the file first: the next owner of the file (after close() gave up,
# a kernel restart or a crash) waits this long past the post's time-out for its rows to show, rather
# than post them again.
IN_FLIGHT = "in_flight"
IN_FLIGHT_MARGIN = 5.0
IN_FLIGHT_CHECK_EVERY = 1.0


def row_key(store) -> str:
    """The key that starts the ``row id`` of each row a logger's file posts (made once, kept in the file): rows of
    one logger belong together."""
    key = store.get("row_key")
    if not key:
        key = secrets.token_hex(4)
        store.set("row_key", key)
    return key


def next_sheet_name(base: str, part: int) -> str:
    """The sheet that continues ``base`` when it is full: class-7b -> class-7b-2 -> class-7b-3."""
    return f"{base}-{part}"


class Poster:
    """Posts the oldest waiting rows, in order, until the sheet shows each of them once.

    Each row carries the same ``row id`` however often it is sent: after a failure the rows the
    sheet holds already are found by id and not sent again. A write given up on can still land
    later and leave a second copy, which every reader shows once. A full sheet continues in a new
    one named after it.
    """

    def __init__(self, sheet: Sheet, store, on_change=None):
        self._store = store
        self._on_change = on_change or (lambda: None)
        self.posted = 0
        self.errors = 0
        self.last_error = ""
        self.notice = ""
        self._retry_at: float | None = None  # monotonic: a clock step must not delay a retry
        self._retry_delay = RETRY_MIN
        self._slowdowns = 0  # 429 answers in a row
        # As after a failure: a kernel that stopped during a post may have left rows in the sheet.
        self._check_sheet_first = True
        self._pending = 0
        self._owner = secrets.token_hex(4)  # tells this poster's posts in flight from an earlier owner's
        # Set when the logger closes its file: a post in flight then ends quietly and leaves
        # the file alone; the next logger of that name checks the sheet before posting.
        self.stopped = False
        self._key = row_key(store)
        self._base_url = sheet.url  # the sheet the logger was given; full ones continue in <name>-2, -3…
        self.sheet = self._resume(sheet)

    def _resume(self, sheet: Sheet) -> Sheet:
        """The sheet rows go to now: a full sheet's successor, if an earlier kernel moved on to one."""
        part = self._part()
        if part > 1:
            self.notice = self._full_notice(sheet.name, part)
            return sheet.sibling(next_sheet_name(sheet.name, part))
        return sheet

    def _part(self) -> int:
        """Which sheet of the given one's series rows go to: 1 for the sheet itself, 2 for <name>-2…"""
        moved = self._store.get("sheet")
        return moved.get("part", 1) if isinstance(moved, dict) and moved.get("base") == self._base_url else 1

    @staticmethod
    def _full_notice(base: str, part: int) -> str:
        full = base if part == 2 else next_sheet_name(base, part - 1)
        return _("The sheet {full} is full, so new rows go to {next}.").format(
            full=full, next=next_sheet_name(base, part)
        )

    @property
    def pending(self) -> int:
        try:
            self._pending = self._store.pending_count()
        except Exception:  # a locked or broken file: say the last count rather than fail the status
            log.exception("sensorlab could not count the rows waiting")
        return self._pending

    @property
    def next_retry(self) -> datetime | None:
        if self._retry_at is None:
            return None
        return datetime.now().astimezone() + timedelta(seconds=max(0.0, self._retry_at - time.monotonic()))

    def row_id(self, ident: int) -> str:
        """The id of a row queued without one (by an older sensorlab): the logger's key and its place."""
        return f"{self._key}-{ident}"

    def new_row_id(self) -> str:
        """A row's id: the logger's key (rows of one logger belong together), then random letters,
        so that two copies of one data file (a lesson folder copied to a class) never share ids."""
        return f"{self._key}-{secrets.token_hex(5)}"

    def post_once(self) -> float | None:
        """Post the oldest waiting rows once.

        Returns the seconds until the next step is due: 0 when more rows wait now, None
        when nothing waits (call again after a row is added).
        """
        if self._retry_at is not None and time.monotonic() < self._retry_at:
            return self._retry_at - time.monotonic()
        batch: list[dict] = []
        try:
            waiting = self._store.pending_rows(MAX_ROWS_PER_POST)
            if not waiting:
                return None
            batch = self._with_ids(waiting)
            unsent = self.sheet.missing(batch) if self._check_sheet_first else batch
            if unsent and self._earlier_post_may_land(unsent):
                return IN_FLIGHT_CHECK_EVERY
            if unsent:
                self._check_sheet_first = True  # until this post is confirmed
                self._store.set(
                    IN_FLIGHT,
                    {
                        "by": self._owner,
                        "sheet": self.sheet.url,
                        "ids": [row[ROW_ID] for row in unsent],
                        "until": time.time() + self.sheet.timeout + IN_FLIGHT_MARGIN,
                    },
                )
                self._store.wait_until_kept()  # a post must never be under way unknown to the next owner
                self.sheet.append(unsent)
            if self.stopped:  # close() gave up waiting and closed the file
                return None
            self._store.remove_rows([ident for ident, _ in waiting])
            self._store.set(IN_FLIGHT, None)
        except SheetFull:
            self._move_to_next_sheet()
            return 0.0
        except SlowDown as error:
            # A post takes several requests: when one wait was not enough, wait longer each time (our
            # own backoff, capped); never less than the server asked for.
            self._slowdowns += 1
            ours = min((error.retry_after or SLOWDOWN_WAIT) * 2 ** (self._slowdowns - 1), RETRY_MAX)
            wait = max(error.retry_after or 0.0, ours)
            return self._failed(
                _("The sheet server asks us to slow down. Rows wait and are sent again in {wait:g} s.").format(
                    wait=wait
                ),
                wait,
            )
        except SheetError as error:
            return self._failed(str(error))
        except Exception as error:  # the store, a bug: never stop posting, report it and retry
            if self.stopped:  # the logger closed its file meanwhile
                return None
            log.exception("sensorlab could not post rows")
            return self._failed(
                _("Something went wrong while posting ({error!r}); sensorlab tries again.").format(error=error)
            )
        self.posted += len(waiting)
        self._slowdowns = 0
        self._retry_at = None
        self._retry_delay = RETRY_MIN
        self._check_sheet_first = False
        self._on_change()
        return 0.0

    def _earlier_post_may_land(self, unsent: list[dict]) -> bool:
        """Whether rows an earlier owner of the file was posting (a closed logger, a kernel that stopped)
        may still land: then they are waited for, not posted again."""
        flight = self._store.get(IN_FLIGHT)
        if not isinstance(flight, dict) or flight.get("by") == self._owner or flight.get("sheet") != self.sheet.url:
            return False
        if time.time() >= flight.get("until", 0):
            return False
        ids = set(flight.get("ids") or [])
        return any(row[ROW_ID] in ids for row in unsent)

    def _move_to_next_sheet(self) -> None:
        """The sheet is full: rows that reached it stay there; the others go to its successor."""
        full = self.sheet
        try:
            part = self._part() + 1
            waiting = self._store.pending_rows(MAX_ROWS_PER_POST)
            unsent = {row[ROW_ID] for row in full.missing(self._with_ids(waiting))}
            landed = [ident for (ident, _), row in zip(waiting, self._with_ids(waiting)) if row[ROW_ID] not in unsent]
            self._store.remove_rows(landed)
            self.posted += len(landed)
            self._store.set("sheet", {"base": self._base_url, "part": part})
        except Exception as error:
            if not self.stopped:
                self._failed(
                    _("The sheet {name} is full, and checking what reached it failed: {error}").format(
                        name=full.name, error=error
                    )
                )
            return
        base = Sheet(self._base_url).name
        self.sheet = full.sibling(next_sheet_name(base, part))
        self.notice = self._full_notice(base, part)
        self._check_sheet_first = True
        log.warning("sensorlab: %s", self.notice)
        self._on_change()

    def _with_ids(self, waiting: list[tuple[int, dict]]) -> list[dict]:
        return [dict(row, **{ROW_ID: row.get(ROW_ID) or self.row_id(ident)}) for ident, row in waiting]

    def _failed(self, message: str, wait: float | None = None) -> float:
        log.warning("sensorlab: %s", message)
        self.errors += 1
        self.last_error = message
        self._check_sheet_first = True
        if wait is None:
            wait = self._retry_delay
            self._retry_delay = min(self._retry_delay * 2, RETRY_MAX)
        self._retry_at = time.monotonic() + wait
        self._on_change()
        return wait


class Outbox:
    """Drives a ``Poster`` on a worker thread (a task on the event loop where there are no threads), so the
    kernel never waits for the network.

    Rows wait in the logger's SQLite file, so a restarted kernel posts what was left.

    Parameters
    ----------
    sheet : Sheet
    store : the logger's file (``store.LoggerFile``)
        Where the rows wait.
    on_change : callable, optional
        Called (from the worker thread) whenever ``pending``, ``posted`` or the error changes.
    """

    def __init__(self, sheet: Sheet, store, on_change=None):
        self._store = store
        self._cond = threading.Condition()
        self._closed = False
        self._poster = Poster(sheet, store, on_change)
        self._posting = _posting_lock(store)
        if timers.threads_available():
            self._worker = threading.Thread(target=self._run, name=f"sensorlab-outbox-{sheet.name}", daemon=True)
            self._worker.start()
        else:  # a class site (Pyodide): a task on the kernel's event loop, whose posts wait by suspending
            self._rows_came = asyncio.Event()
            self._mid_post = False  # the task is suspended inside a post: close() waits for it
            self._worker = asyncio.ensure_future(self._run_as_task())

    @property
    def _on_event_loop(self) -> bool:
        """Whether posting runs as a task on the event loop (a class site) rather than on a thread."""
        return isinstance(self._worker, asyncio.Future)

    sheet = property(lambda self: self._poster.sheet, doc="The sheet rows go to now.")
    pending = property(lambda self: self._poster.pending)
    posted = property(lambda self: self._poster.posted)
    errors = property(lambda self: self._poster.errors)
    last_error = property(lambda self: self._poster.last_error)
    notice = property(lambda self: self._poster.notice, doc="What changed that people should know, in words.")
    next_retry = property(lambda self: self._poster.next_retry)

    def put(self, row: dict) -> None:
        row = dict(row, **{ROW_ID: self._poster.new_row_id()})
        with self._cond:
            self._store.put_row(row)
            self._cond.notify_all()
        if self._on_event_loop:
            self._rows_came.set()
        self._poster._on_change()

    def flush(self, timeout: float | None = None) -> bool:
        """Wait until every row is posted; False if ``timeout`` seconds passed first."""
        deadline = None if timeout is None else time.monotonic() + timeout
        if self._on_event_loop:
            return self._wait_for_task(lambda: not self.pending, deadline)
        with self._cond:
            while self.pending and not self._closed and self._worker.is_alive():
                remaining = None if deadline is None else deadline - time.monotonic()
                if remaining is not None and remaining <= 0:
                    return False
                # Woken by each post; the timeout bounds the wait even if no post ever comes.
                self._cond.wait(1.0 if remaining is None else min(remaining, 1.0))
            return not self.pending

    def close(self, wait: float = CLOSE_WAIT) -> bool:
        """Stop posting once the post in progress is done, waiting ``wait`` seconds at most for it.

        False when it gave up: the rows of that post stay in the file, and the next Logger of this
        name waits for them to show in the sheet before it posts them again.
        """
        with self._cond:
            self._closed = True
            self._cond.notify_all()
        if self._on_event_loop:
            self._rows_came.set()
            if self._wait_for_task(lambda: not self._mid_post, time.monotonic() + wait):
                return True
        else:
            if self._worker is not threading.current_thread():
                self._worker.join(wait)
            if not self._worker.is_alive():
                return True
        self._poster.stopped = True
        log.warning(
            "sensorlab: %s",
            _(
                "The sheet server {server} did not finish the post in progress within {wait:g} s of logger.close(). "
                "Its rows stay in the logger's file: the next Logger of this name checks which reached the sheet "
                "before it posts them."
            ).format(server=self._poster.sheet.server, wait=wait),
        )
        return False

    def _wait_for_task(self, done, deadline: float | None) -> bool:
        """On a class site: whether ``done()`` came true before ``deadline`` while the posting task ran.
        Without JSPI a cell cannot let the task run while it waits: it says so rather than hang."""
        while not done() and not self._worker.done():
            if deadline is not None and time.monotonic() >= deadline:
                break
            if not timers.can_suspend():
                log.warning(
                    "sensorlab: %s",
                    _(
                        "This browser cannot wait inside a cell for rows to be posted; they are posted between "
                        "cells. Chromium and Chrome can wait."
                    ),
                )
                break
            timers.sleep(0.1)
        return done()

    async def _run_as_task(self) -> None:
        """``_run`` for the event loop: each post suspends the task (not the kernel) while it waits."""
        wait: float | None = 0.0
        while not self._closed:
            if wait is None and self.pending:  # a row came while the last step ran
                wait = 0.0
            if wait is None or wait > 0:
                self._rows_came.clear()
                try:
                    await asyncio.wait_for(self._rows_came.wait(), wait)
                except TimeoutError:
                    pass
                if self._closed:
                    return
            if not self._posting.acquire(blocking=False):  # a predecessor of this name is mid-post
                wait = IN_FLIGHT_CHECK_EVERY
                continue
            self._mid_post = True
            try:
                wait = self._poster.post_once()
            except Exception:  # post_once reports its own errors; this is the last guard
                log.exception("sensorlab's outbox stumbled; it tries again")
                wait = RETRY_MAX
            finally:
                self._mid_post = False
                self._posting.release()

    def _run(self) -> None:
        wait: float | None = 0.0
        while True:
            with self._cond:
                if wait is None and self.pending:  # a row came while the last step ran
                    wait = 0.0
                if not self._closed and (wait is None or wait > 0):
                    self._cond.wait(wait)
                if self._closed:
                    return
            try:
                with self._posting:
                    wait = self._poster.post_once()
            except Exception:  # post_once reports its own errors; this is the last guard
                log.exception("sensorlab's outbox stumbled; it tries again")
                wait = RETRY_MAX
            with self._cond:
                self._cond.notify_all()


def posting_status(outbox: Outbox | None) -> dict:
    """An outbox's part of ``Logger.status`` (a logger without a sheet has none): rows waiting and
    posted, the next try, where rows go and why that changed."""
    if outbox is None:
        return {"pending": 0, "posted": 0, "next_retry": None, "sheet": None, "sheet_notice": ""}
    return {
        "pending": outbox.pending,
        "posted": outbox.posted,
        "next_retry": iso(outbox.next_retry),
        "sheet": outbox.sheet.url,
        "sheet_notice": outbox.notice,
    }
