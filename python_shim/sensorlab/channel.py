"""The readings channel: the comms the browser opens to a logger, each batch stored once and acked."""

from __future__ import annotations

import logging
import sqlite3
import threading
import time
from collections.abc import Callable

import comm as jupyter_comm

from . import protocol
from .i18n import _
from .store import LoggerFile

__all__ = ["ReadingsChannel", "register_comm_target"]

log = logging.getLogger("sensorlab")

# Channels of this kernel by logger name: a comm the browser opens finds its channel here.
_channels: dict[str, ReadingsChannel] = {}
_channels_lock = threading.Lock()


def _open_readings_comm(comm, open_msg) -> None:
    """Target of the comms the browser opens to send readings."""
    try:
        name, stream = protocol.parse_open(open_msg["content"]["data"])
    except (protocol.ProtocolError, KeyError, TypeError) as error:
        log.warning("sensorlab refused a readings connection: %s", error)
        comm.close(
            {"reason": _("The browser and the kernel do not understand each other: {error}").format(error=error)}
        )
        return
    with _channels_lock:
        channel = _channels.get(name)
    if channel is None:
        reason = _('There is no logger called "{name}" in this notebook yet: run the cell that creates it.')
        comm.close({"reason": reason.format(name=name)})
        return
    channel.attach(comm, stream)


def register_comm_target() -> None:
    """Let the browser open readings comms to this kernel (done when sensorlab is imported)."""
    try:
        jupyter_comm.get_comm_manager().register_target(protocol.READINGS_TARGET, _open_readings_comm)
    except Exception as error:  # not in a kernel: loggers then only work without a browser
        log.debug("sensorlab: no comm manager (%s)", error)


class ReadingsChannel:
    """Where one logger's readings arrive.

    Parameters
    ----------
    name : str
        The logger's name, which the browser opens its comms to.
    file : LoggerFile
        Stores each batch once, by stream and sequence number.
    on_readings : callable(readings, received)
        Gets the readings of each new batch (not of one seen before), with the time it arrived.
    on_device_result : callable(protocol.DeviceResult)
        Gets the browser's answers to device requests.
    on_error : callable(message)
        Hears of messages refused or not stored, in words for the status.
    on_replaced : callable()
        Called when a new channel opens under the same name (a new Logger replaces this one).
    """

    def __init__(
        self,
        name: str,
        file: LoggerFile,
        on_readings: Callable,
        on_device_result: Callable,
        on_error: Callable[[str], None],
        on_replaced: Callable[[], None],
    ):
        self.name = name
        self._file = file
        self._on_readings = on_readings
        self._on_device_result = on_device_result
        self._on_error = on_error
        self._on_replaced = on_replaced
        self._lock = threading.Lock()
        self._comms: list = []
        self._closed = False
        # Served on a kernel subshell: answers can arrive while a cell runs.
        self.concurrent = False

    def open(self) -> None:
        """Take this channel's name in the kernel; the channel that had it is replaced."""
        with _channels_lock:
            previous = _channels.get(self.name)
            _channels[self.name] = self
        if previous is not None and previous is not self:
            previous._on_replaced()

    @property
    def attached(self) -> bool:
        """True while a browser page has a comm open to this channel."""
        with self._lock:
            return bool(self._comms)

    def attach(self, comm, stream: str) -> None:
        with self._lock:
            if self._closed:
                comm.close(self._goodbye())
                return
            self._comms.append(comm)
        comm.on_close(lambda _: self._forget(comm))
        comm.on_msg(lambda msg: self._on_message(comm, stream, msg))
        comm.send(protocol.hello(self.name))

    def close(self) -> None:
        """Give the name up and close the comms: the browser reopens them to the logger that replaced this one."""
        with _channels_lock:
            if _channels.get(self.name) is self:
                del _channels[self.name]
        with self._lock:
            self._closed = True
            comms, self._comms = self._comms, []
        for comm in comms:
            comm.close(self._goodbye())

    def _goodbye(self) -> dict:
        """What a comm is closed with once this channel is closed or replaced."""
        return {"reason": _('The logger "{name}" was closed or replaced.').format(name=self.name)}

    def _forget(self, comm) -> None:
        with self._lock:
            if comm in self._comms:
                self._comms.remove(comm)

    def _on_message(self, comm, stream: str, msg) -> None:
        # Runs on a kernel subshell thread while cells execute: keep it short and locked.
        try:
            data = msg["content"]["data"]
            try:
                message = protocol.parse_message(data)
            except protocol.ProtocolError as error:
                self._refuse(comm, stream, data, error)
                return
            if isinstance(message, protocol.DeviceResult):
                self._on_device_result(message)
                return
            received = time.time()
            with self._lock:
                self.concurrent = bool((msg.get("header") or {}).get("subshell_id"))
                if self._closed:
                    return
                try:
                    stored = self._file.add_batch(message.stream or stream, message.seq, message.readings, received)
                except sqlite3.Error as error:  # a locked or full disk: the browser sends the batch again
                    failure = error
                else:
                    failure = None
                    if stored:
                        self._on_readings(message.readings, received)
            if failure is not None:
                self._not_stored(comm, message, failure)
                return
            # A batch seen before is acked once kept too: its first copy may not be yet (a class site).
            self._file.when_kept(lambda problem: self._kept(comm, message, problem))
        except Exception as error:  # never let a bad message break the kernel's comm handling
            log.exception("sensorlab could not handle readings")
            self._on_error(_("Readings could not be stored: {error!r}").format(error=error))

    def _kept(self, comm, message: protocol.Batch, problem: BaseException | None) -> None:
        """Ack a batch once it is kept (at once on a server; on a class site, once the browser stored it)."""
        with self._lock:
            if comm not in self._comms:  # closed meanwhile: the browser sends the batch again
                return
        if problem is not None:
            self._not_stored(comm, message, problem)
        else:
            comm.send(protocol.ack(message.seq, message.stream))

    def _not_stored(self, comm, message: protocol.Batch, error: BaseException) -> None:
        log.warning("sensorlab could not store batch %s: %s", message.seq, error)
        self._on_error(
            _("The notebook could not store readings ({error}); the browser sends them again.").format(error=error)
        )
        comm.send(protocol.not_stored(message.seq, str(error), message.stream))

    def _refuse(self, comm, stream: str, data, error: protocol.ProtocolError) -> None:
        self._on_error(_("A message from the browser was refused: {error}").format(error=error))
        seq = protocol.valid_seq(data.get("seq") if isinstance(data, dict) else None)
        named = data.get("stream") if isinstance(data, dict) and isinstance(data.get("stream"), str) else None
        if seq is not None:  # the browser drops a refused batch: it never comes again
            with self._lock:
                if not self._closed:
                    self._file.mark_seen(named or stream, seq)
        comm.send(protocol.refused(seq, str(error), named))
