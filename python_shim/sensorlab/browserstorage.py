"""Where a class site (Pyodide, the Python of a browser tab) keeps a logger's file: in this browser's
IndexedDB, so that a page reload, a tab closed and opened again or a restarted kernel finds it again.

Each logger has a folder of its own, an Emscripten IDBFS mount: IDBFS keeps a mount in one IndexedDB
database, named after the mount point, and copies the folder from memory to it in one transaction
(``persist()``), so the stored copy is always a whole, consistent file. Two tabs writing one database
would each overwrite the other's copy, so a folder is held by one tab at a time (the Web Locks API;
the browser lets a tab's locks go when the tab or its kernel goes away).

Opening a folder waits for IndexedDB and for the lock: it needs the browser's JavaScript promise
integration (JSPI, ``pyodide.ffi.run_sync``); without it (``available()`` is False) a logger's file is
kept in the kernel's memory only.
"""

from __future__ import annotations

import asyncio
import functools
import logging
import sys
from collections.abc import Callable
from pathlib import Path

from . import timers
from .filelock import FileInUse
from .i18n import _

__all__ = ["BrowserFolder", "available"]

log = logging.getLogger("sensorlab")

# The browser's side: IDBFS's own sync of one mount (FS.syncfs would sync every mount of the kernel,
# the notebooks' drive too, and overwrite a folder in use with its older stored copy), and a Web Lock
# held until the function it gives is called.
_BROWSER_HELPERS = """({
  sync: (FS, path, populate) => new Promise((done, failed) =>
    FS.filesystems.IDBFS.syncfs(FS.lookupPath(path).node.mount, populate, error => (error ? failed(error) : done()))),
  hold: name => new Promise(granted =>
    navigator.locks.request(name, { ifAvailable: true }, lock =>
      lock ? new Promise(release => granted(release)) : granted(undefined)))
})"""


def available() -> bool:
    """Whether loggers here can keep their files in the browser's storage (Pyodide with JSPI)."""
    return sys.platform == "emscripten" and timers.can_suspend()


@functools.cache
def _browser():
    import pyodide_js
    from pyodide.code import run_js

    return pyodide_js.FS, run_js(_BROWSER_HELPERS)


# Folders this kernel has open, by path: a Logger that replaces one of the same name opens the folder
# before the old one closes it, and must find it, not be refused by its own tab's lock.
_open: dict[Path, BrowserFolder] = {}


class BrowserFolder:
    """A folder kept in this browser's IndexedDB, held by this tab until each user of it called ``release()``.

    Made by ``open()``, which raises FileInUse when another tab of the site holds it.
    """

    @classmethod
    def open(cls, path: Path, logger: str) -> BrowserFolder:
        """The folder at ``path``, mounted and locked for this tab; one more user of it if it is open already."""
        folder = _open.get(path)
        if folder is None:
            folder = cls(path, logger)
            _open[path] = folder
        folder._users += 1
        return folder

    def __init__(self, path: Path, logger: str):
        import js
        from pyodide.ffi import run_sync

        self.path = path
        self._users = 0
        self._running: asyncio.Future | None = None  # the copy to IndexedDB under way
        self._queued: asyncio.Future | None = None  # the copy that starts when that one ends
        fs, helpers = _browser()
        self._release_lock = run_sync(helpers.hold(f"sensorlab {path}"))
        if self._release_lock is None:
            raise FileInUse(
                _(
                    'The logger "{logger}" is already logging in another tab of this site (or another window): '
                    "only one tab at a time may keep its readings. Close that tab, or give this Logger another name."
                ).format(logger=logger)
            )
        try:
            fs.mkdirTree(str(path))
            fs.mount(fs.filesystems.IDBFS, js.Object.new(), str(path))
            run_sync(helpers.sync(fs, str(path), True))  # what this browser kept of the folder
        except BaseException:
            self._unmount()
            raise

    def persist(self) -> asyncio.Future:
        """Copy the folder to IndexedDB; the future is done once all written before this call is there.

        One copy at a time: a call while one runs is served by the next copy, shared by every call
        made meanwhile.
        """
        if self._running is None:
            self._running = asyncio.ensure_future(self._copy())
            self._running.add_done_callback(self._start_queued)
            return self._running
        if self._queued is None:
            self._queued = asyncio.get_event_loop().create_future()
        return self._queued

    def when_kept(self, then: Callable[[BaseException | None], None]) -> None:
        """Call ``then(None)`` once all written so far is in IndexedDB, or ``then(error)`` if it could not be."""
        self.persist().add_done_callback(lambda copy: then(copy.exception()))

    def wait_until_kept(self) -> None:
        """Return once all written so far is in IndexedDB (where the caller can suspend); raise if it failed."""
        if timers.can_suspend():
            from pyodide.ffi import run_sync

            run_sync(self.persist())

    async def _copy(self) -> None:
        fs, helpers = _browser()
        await helpers.sync(fs, str(self.path), False)

    def _start_queued(self, _done: asyncio.Future) -> None:
        queued, self._queued = self._queued, None
        self._running = None
        if queued is not None:
            self.persist().add_done_callback(functools.partial(_pass_on, queued))
        elif self._users == 0:
            self._unmount()

    def release(self) -> None:
        """This user is done: once no user is left and the last copy is kept, the folder and the lock go."""
        self._users -= 1
        if self._users == 0:
            self.persist()  # of what closing the file wrote; the folder is unmounted when it ends

    def _unmount(self) -> None:
        _open.pop(self.path, None)
        fs = _browser()[0]
        try:
            fs.unmount(str(self.path))
        except Exception as error:  # not mounted: opening failed before
            log.debug("sensorlab: %s was not mounted (%s)", self.path, error)
        self._release_lock()


def _pass_on(target: asyncio.Future, source: asyncio.Future) -> None:
    if source.exception() is not None:
        target.set_exception(source.exception())
    else:
        target.set_result(None)
