"""One process at a time per logger file: a lock on ``<file>.lock`` that holds across processes."""

from __future__ import annotations

import os
import socket
import threading
from pathlib import Path

from .i18n import _

try:
    import fcntl
except ImportError:  # Windows: msvcrt locks a byte range instead
    fcntl = None
    import msvcrt

__all__ = ["FileInUse", "ProcessLock"]

# Locks this process holds, by lock file, as [descriptor, users]: a Logger that replaces one of
# the same name in this kernel opens the file before the old one closes, and must not be refused.
_held: dict[Path, list[int]] = {}
_held_lock = threading.Lock()


class FileInUse(RuntimeError):
    """Another process holds the logger's file."""


def _lock(fd: int) -> bool:
    """Lock the first byte of the lock file (the holder's name follows it); False if another process has it."""
    try:
        if fcntl is None:
            msvcrt.locking(fd, msvcrt.LK_NBLCK, 1)
        elif hasattr(fcntl, "flock"):
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        # Else Pyodide (a class site in the browser), whose fcntl cannot lock: its kernel is the one process of
        # its browser tab. Two tabs of one site may share files kept in the browser's storage: only the
        # browser can lock those (Web Locks, issue 22).
    except OSError:
        return False
    return True


class ProcessLock:
    """Held from creation until ``release()``; raises FileInUse, naming the holder, when another process has it."""

    def __init__(self, path: Path, logger: str):
        self.path = path.with_name(path.name + ".lock")
        self._released = False
        with _held_lock:
            held = _held.get(self.path)
            if held:
                held[1] += 1
                return
            fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o644)
            if not _lock(fd):
                os.lseek(fd, 1, os.SEEK_SET)
                holder = os.read(fd, 200).decode(errors="replace").strip() or _("another program")
                os.close(fd)
                raise FileInUse(
                    _(
                        'The logger "{logger}" is already open in another kernel ({holder}), perhaps another '
                        "notebook in this folder: only one at a time may post its rows. Close it there "
                        "(logger.close() or shut that kernel down), or give this Logger another name. "
                        "The file is {path}."
                    ).format(logger=logger, holder=holder, path=path)
                )
            os.ftruncate(fd, 0)
            os.write(fd, f" process {os.getpid()} on {socket.gethostname()}".encode())
            _held[self.path] = [fd, 1]

    def release(self) -> None:
        with _held_lock:
            if self._released:
                return
            self._released = True
            held = _held[self.path]
            held[1] -= 1
            if held[1] == 0:
                del _held[self.path]
                os.close(held[0])  # closing the descriptor lets the lock go
