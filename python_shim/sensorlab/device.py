"""Requests the kernel makes of the browser's device (write a line, set a period) and their answers."""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from . import protocol
from .i18n import _

__all__ = ["DeviceRequests"]


@dataclass
class _Answer:
    """The browser's answer to one request, once ``arrived`` is set."""

    arrived: threading.Event = field(default_factory=threading.Event)
    error: str | None = None
    value: Any = None


class DeviceRequests:
    """Numbers each request, sends it with ``send``, and lets the asking thread wait for its answer."""

    def __init__(self, send: Callable[[dict], None]):
        self._send = send
        self._lock = threading.Lock()
        self._last_id = 0
        self._waiting: dict[int, _Answer] = {}

    def ask(self, action: str, timeout: float, wait: bool, **params):
        """Send a request; with ``wait``, return the answer's value or raise its error.

        Raises TimeoutError when no answer arrives within ``timeout`` seconds.
        """
        answer = _Answer()
        with self._lock:
            self._last_id += 1
            ident = self._last_id
            if wait:
                self._waiting[ident] = answer
        try:
            self._send(protocol.device_request(ident, action, **params))
            if not wait:
                return None
            if not answer.arrived.wait(timeout):
                raise TimeoutError(
                    _(
                        "The browser did not answer within {timeout:g} s: "
                        "is the notebook page open and the device connected?"
                    ).format(timeout=timeout)
                )
        finally:
            with self._lock:
                self._waiting.pop(ident, None)
        if answer.error:
            raise RuntimeError(answer.error)
        return answer.value

    def answer(self, result: protocol.DeviceResult) -> bool:
        """Give a result to the request waiting for it; False when none waits (any more)."""
        with self._lock:
            answer = self._waiting.get(result.id)
        if answer is None:
            return False
        answer.error, answer.value = result.error, result.value
        answer.arrived.set()
        return True
