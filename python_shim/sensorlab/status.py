"""The logger's status for its views: times in ISO form, and sending it at most every half second."""

from __future__ import annotations

import threading
from collections.abc import Callable
from datetime import datetime

from .timers import call_later

__all__ = ["STATUS_EVERY", "Throttle", "iso", "iso_ms"]

STATUS_EVERY = 0.5  # seconds between two status updates sent to the browser


class Throttle:
    """Runs ``action`` ``every`` seconds after a change (see timers.call_later), once for all changes meanwhile."""

    def __init__(self, every: float, action: Callable[[], None]):
        self._every = every
        self._action = action
        self._lock = threading.Lock()
        self._timer = None  # what call_later gave, while a run is due
        self._stopped = False

    def changed(self) -> None:
        with self._lock:
            if self._stopped or self._timer is not None:
                return
            self._timer = call_later(self._every, self._run)

    def stop(self) -> None:
        with self._lock:
            self._stopped = True
            if self._timer:
                self._timer.cancel()

    def _run(self) -> None:
        with self._lock:
            self._timer = None
            if self._stopped:
                return
        self._action()


def iso(moment: datetime | None) -> str | None:
    return moment.isoformat(timespec="seconds") if moment else None


def iso_ms(epoch_ms: float | None) -> str | None:
    return iso(datetime.fromtimestamp(epoch_ms / 1000).astimezone()) if epoch_ms is not None else None
