"""Calling a function later, once or every few seconds: on a timer thread where Python has threads, on the
asyncio event loop where it has none (Pyodide, the Python of a class site in the browser, whose event loop
always runs and runs a callback between cells and messages)."""

from __future__ import annotations

import asyncio
import functools
import threading
import time
from collections.abc import Callable

__all__ = ["Repeating", "call_later", "can_suspend", "sleep", "threads_available"]


@functools.cache
def threads_available() -> bool:
    """Whether this Python can start threads, found out once by starting one: Pyodide raises RuntimeError."""
    try:
        threading.Thread(target=lambda: None, name="sensorlab thread check", daemon=True).start()
    except RuntimeError:
        return False
    return True


def can_suspend() -> bool:
    """Whether code here can wait for a promise without stopping the kernel: Pyodide with the browser's
    JavaScript promise integration (JSPI), in a cell or an asyncio task. Always False outside Pyodide."""
    try:
        from pyodide.ffi import can_run_sync
    except ImportError:
        return False
    return can_run_sync()


def sleep(seconds: float) -> None:
    """``time.sleep``; where code can suspend (Pyodide with JSPI), a pause in which the kernel goes on
    handling messages and other tasks, as a thread's sleep lets it on a server."""
    if can_suspend():
        from pyodide.ffi import run_sync

        run_sync(asyncio.sleep(seconds))
    else:
        time.sleep(seconds)


def call_later(seconds: float, action: Callable[[], None]) -> threading.Timer | asyncio.TimerHandle:
    """Run ``action`` once, ``seconds`` from now; ``cancel()`` on what it returns stops that."""
    if threads_available():
        timer = threading.Timer(seconds, action)
        timer.daemon = True
        timer.start()
        return timer
    return asyncio.get_event_loop().call_later(seconds, action)


class Repeating:
    """Runs ``action`` every ``seconds`` (the first time after ``first`` seconds, by default ``seconds``) until
    ``cancel()``; an action may return the seconds until its next run instead. One that fails is run again."""

    def __init__(self, seconds: float, action: Callable[[], float | None], first: float | None = None):
        self._seconds = seconds
        self._action = action
        self._cancelled = False
        self._lock = threading.Lock()
        with self._lock:  # a first run that comes at once waits until its timer is kept
            self._next = call_later(seconds if first is None else first, self._run)

    def cancel(self) -> None:
        with self._lock:
            self._cancelled = True
            self._next.cancel()

    def _run(self) -> None:
        wait = None
        try:
            wait = self._action()
        finally:
            with self._lock:
                if not self._cancelled:
                    self._next = call_later(self._seconds if wait is None else wait, self._run)
