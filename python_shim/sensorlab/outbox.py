"""Rows waiting to be posted, and the background worker that posts them."""

from __future__ import annotations

import logging
import threading
import time
from datetime import datetime, timedelta

from .ethercalc import Sheet, SheetError
from .store import LoggerFile

__all__ = ["Outbox"]

log = logging.getLogger("sensorlab")

# One poster per SQLite file in this process: a Logger re-created under the same name must
# not post the rows its predecessor is still posting.
_posting_locks: dict[str, threading.Lock] = {}
_posting_locks_guard = threading.Lock()


def _posting_lock(store: LoggerFile) -> threading.Lock:
    with _posting_locks_guard:
        return _posting_locks.setdefault(str(store.path), threading.Lock())


RETRY_MIN = 1.0
RETRY_MAX = 60.0
MAX_ROWS_PER_POST = 500


class Outbox:
    """Posts rows to a sheet on a worker thread, in order, retrying until each is confirmed.

    Rows wait in the logger's SQLite file, so a restarted kernel posts what was left. A
    row leaves the outbox only after the sheet shows it. After a failure, rows that the
    server applied anyway (a time-out after the write) are found and not sent twice.

    Parameters
    ----------
    sheet : Sheet
    store : LoggerFile
        Where the rows wait.
    on_change : callable, optional
        Called (from the worker thread) whenever ``pending``, ``posted`` or the error changes.
    """

    def __init__(self, sheet: Sheet, store: LoggerFile, on_change=None):
        self.sheet = sheet
        self._store = store
        self._on_change = on_change or (lambda: None)
        self._cond = threading.Condition()
        self._closed = False
        self.posted = 0
        self.errors = 0
        self.last_error = ""
        self.next_retry: datetime | None = None
        self._retry_delay = RETRY_MIN
        # As after a failure: a kernel that stopped during a post may have left rows in the sheet.
        self._failed_before = True
        self._posting = _posting_lock(store)
        self._worker = threading.Thread(target=self._run, name=f"sensorlab-outbox-{sheet.name}", daemon=True)
        self._worker.start()

    @property
    def pending(self) -> int:
        return self._store.pending_count()

    def put(self, row: dict) -> None:
        with self._cond:
            self._store.put_row(row)
            self._cond.notify_all()
        self._on_change()

    def flush(self, timeout: float | None = None) -> bool:
        """Wait until every row is posted; False if ``timeout`` seconds passed first."""
        deadline = None if timeout is None else time.monotonic() + timeout
        with self._cond:
            while self._store.pending_count() and not self._closed:
                remaining = None if deadline is None else deadline - time.monotonic()
                if remaining is not None and remaining <= 0:
                    return False
                self._cond.wait(remaining)
            return not self._store.pending_count()

    def close(self) -> None:
        with self._cond:
            self._closed = True
            self._cond.notify_all()

    def _run(self) -> None:
        while True:
            with self._cond:
                while not self._closed:
                    waiting = self._store.pending_count()
                    if waiting and not self._waiting_to_retry():
                        break
                    timeout = None
                    if waiting and self.next_retry is not None:
                        timeout = max(0.0, (self.next_retry - datetime.now().astimezone()).total_seconds())
                    self._cond.wait(timeout)
                if self._closed:
                    return
            with self._posting:
                self._post_oldest()

    def _post_oldest(self) -> None:
        """Post the oldest waiting rows, and remove them once the sheet shows them."""
        waiting = self._store.pending_rows(MAX_ROWS_PER_POST)
        if not waiting:
            return
        batch = [row for _, row in waiting]
        try:
            # After a failure the server may have applied the write anyway, and rows queued
            # since then join the batch: send only the rows the sheet does not hold yet.
            unsent = self.sheet.missing(batch) if self._failed_before else batch
            if unsent:
                self.sheet.append(unsent)
        except SheetError as error:
            self._failed(str(error))
            return
        except Exception as error:  # a bug must not stop the worker: report it and retry
            log.exception("sensorlab could not post rows")
            self._failed(f"Unexpected problem while posting: {error!r}")
            return
        with self._cond:
            if self._closed:  # the logger closed its file meanwhile; the next one checks the sheet first
                return
            self._store.remove_rows([ident for ident, _ in waiting])
            self.posted += len(batch)
            self.next_retry = None
            self._retry_delay = RETRY_MIN
            self._failed_before = False
            self._cond.notify_all()
        self._on_change()

    def _waiting_to_retry(self) -> bool:
        return self.next_retry is not None and datetime.now().astimezone() < self.next_retry

    def _failed(self, message: str) -> None:
        log.warning("sensorlab: %s", message)
        with self._cond:
            self.errors += 1
            self.last_error = message
            self._failed_before = True
            self.next_retry = datetime.now().astimezone() + timedelta(seconds=self._retry_delay)
            self._retry_delay = min(self._retry_delay * 2, RETRY_MAX)
        self._on_change()
