"""A sheet per device (``Logger(sheet_per_device=True)``): each device's rows go to a sheet named after the class's."""

from __future__ import annotations

import time

from .columns import GROUP, NOTE, SHEET, TIME, TIME_ZONE
from .devices import DEVICE_COLUMN, device_sheet_name
from .ethercalc import Sheet
from .i18n import _
from .outbox import CLOSE_WAIT, Outbox

ANNOUNCED = "device_sheets_announced"

__all__ = ["DeviceSheets"]


class DeviceSheets:
    """One outbox per device's sheet (class-7b-group-1, class-7b-group-2, …), seen as one outbox.

    Each sheet's rows wait in a queue of their own in the logger's file, so a restarted kernel
    posts what was left to the right sheet, and a full device sheet goes on in its ``-2`` sheet
    as any sheet does. Rows without a device (left by a logger that posted to the class sheet)
    go to the class sheet.
    """

    def __init__(self, sheet: Sheet, file, on_change=None):
        self._sheet = sheet
        self._file = file
        self._on_change = on_change
        self._outboxes: dict[str, Outbox] = {}
        self._announced: list[str] = list(file.get(ANNOUNCED) or [])  # device sheets the class sheet points to
        if file.pending_count():
            self._outbox("")
        for queue in file.queues():
            self._outbox(queue)

    def _outbox(self, queue: str) -> Outbox:
        """The outbox of a queue: "" for the class sheet, else the device sheet's name."""
        outbox = self._outboxes.get(queue)
        if outbox is None:
            if queue:
                outbox = Outbox(self._sheet.sibling(queue), self._file.queue(queue), self._on_change)
            else:
                outbox = Outbox(self._sheet, self._file, self._on_change)
            self._outboxes[queue] = outbox
        return outbox

    def put(self, row: dict) -> None:
        device = row.get(DEVICE_COLUMN)
        queue = device_sheet_name(self._sheet.name, device) if device else ""
        if queue and queue not in self._announced:
            self._announce(row, queue)
        self._outbox(queue).put(row)

    def _announce(self, row: dict, queue: str) -> None:
        """Say in the class sheet, once per device sheet, where the device's rows go: readers of the class (the class
        view, ``Sheet.frame()``) follow such a pointer row; people read its note."""
        device = row[DEVICE_COLUMN]
        pointer = {key: row[key] for key in (TIME, GROUP, DEVICE_COLUMN, TIME_ZONE) if key in row}
        pointer[SHEET] = queue
        pointer[NOTE] = _("The rows of {device} go to the sheet {sheet}.").format(device=device, sheet=queue)
        self._outbox("").put(pointer)
        self._announced.append(queue)
        self._file.set(ANNOUNCED, self._announced)

    @property
    def sheet(self) -> Sheet:
        """The class sheet: device sheets are named after it."""
        return self._sheet

    pending = property(lambda self: sum(o.pending for o in self._outboxes.values()))
    posted = property(lambda self: sum(o.posted for o in self._outboxes.values()))
    errors = property(lambda self: sum(o.errors for o in self._outboxes.values()))

    @property
    def last_error(self) -> str:
        return next((o.last_error for o in self._outboxes.values() if o.last_error), "")

    @property
    def notice(self) -> str:
        return " ".join(o.notice for o in self._outboxes.values() if o.notice)

    @property
    def next_retry(self):
        retries = [o.next_retry for o in self._outboxes.values() if o.next_retry]
        return min(retries) if retries else None

    def flush(self, timeout: float | None = None) -> bool:
        """Wait until every sheet has its rows; False if ``timeout`` seconds passed first."""
        deadline = None if timeout is None else time.monotonic() + timeout
        for outbox in list(self._outboxes.values()):
            left = None if deadline is None else max(0.0, deadline - time.monotonic())
            if not outbox.flush(left):
                return False
        return True

    def close(self, wait: float = CLOSE_WAIT) -> bool:
        """Close every sheet's outbox, waiting ``wait`` seconds in all for the posts in progress."""
        deadline = time.monotonic() + wait
        done = [outbox.close(max(0.0, deadline - time.monotonic())) for outbox in self._outboxes.values()]
        return all(done)
