"""The messages between the browser and the kernel: the kernel side's one table.

The browser side's table is ``src/protocol.ts``; both are tested against the shared
examples in ``test/fixtures/protocol``.

Readings comm (target ``sensorlab.readings``, opened by the browser)
    open data        {"protocol": 1, "logger": name, "stream": id}
    browser → kernel {"type": "batch", "seq": n, "readings": [{"time": ms, "source": id, "values": {name: number},
                      "device": name}], "stream": id}
                                     stream only for a batch an earlier page left (else the comm's); device
                                     (optional) is the device's name for people, at most 64 characters
                     {"type": "device_result", "id": n, "error": text or null, "value": number or null}
                                                     how a device_request went (value: e.g. the period chosen)
    kernel → browser {"type": "hello", "logger": name}                    the comm is accepted:
                                                                          send every unacked batch
                     {"type": "ack", "seq": n, "stream": id}              batch n is stored
                     {"type": "refused", "seq": n or null, "reason": text, "stream": id} batch n is unusable
                     {"type": "not_stored", "seq": n, "reason": text, "stream": id}
                                                     batch n is fine but could not be stored (a locked or
                                                     full disk): send it again after a pause
                     (stream only when the batch named one)
    A comm whose logger is unknown is closed with {"reason": text}.
    A reading's time lies between 2000-01-01 and a day after the kernel's clock, or its batch is refused.

Logger widget comm (custom messages beside the synced state)
    browser → kernel {"type": "post_now"}
                     {"type": "note", "text": text}     a note for the next row (the widget's note box)
                     {"type": "alive"}                  every 20 s while a page shows the logger: rows saying
                                                     "no readings since" go only while a page is there
    kernel → browser {"type": "device_request", "id": n, "action": "send_line", "line": text}
                     {"type": "device_request", "id": n, "action": "set_period", "ms": n}
                     ask the device something (logger.send, logger.set_period); the answer is a
                     device_result on the readings comm, which is served while the asking cell waits
                     {"type": "recorded", "readings": [reading, ...]}
                     readings made in Python (logger.record, record_many), for the widget's chart
"""

from __future__ import annotations

import math
import time as clock
from dataclasses import dataclass

from .i18n import _, ngettext

__all__ = [
    "PROTOCOL_VERSION",
    "READINGS_TARGET",
    "MAX_BATCH_READINGS",
    "MAX_NAME_LENGTH",
    "MAX_DEVICE_NAME_LENGTH",
    "device_name",
    "ProtocolError",
    "Reading",
    "Batch",
    "DeviceResult",
    "parse_open",
    "parse_message",
    "parse_batch",
    "time_problem",
    "hello",
    "ack",
    "refused",
    "not_stored",
    "device_request",
    "recorded",
]

PROTOCOL_VERSION = 1
READINGS_TARGET = "sensorlab.readings"
MAX_BATCH_READINGS = 100_000
MAX_NAME_LENGTH = 64
MAX_DEVICE_NAME_LENGTH = MAX_NAME_LENGTH  # a name a sender program sends or a user types
MAX_CHANNELS = 64
EARLIEST_TIME = 946_684_800_000.0  # 2000-01-01 UTC in epoch milliseconds: older means a clock never set
FUTURE_ALLOWED = 86_400_000.0  # a reading may be up to a day ahead of the kernel's clock


class ProtocolError(ValueError):
    """A message that does not follow the protocol; the text says what is wrong with it."""


@dataclass(frozen=True)
class Reading:
    time: float  # epoch milliseconds, stamped by the browser
    source: str  # the id of one device, e.g. "serial-1" or "microbit-1923449"
    values: dict
    device: str | None = None  # the device's name for people, when it has one


@dataclass(frozen=True)
class Batch:
    seq: int
    readings: list
    stream: str | None = None  # set when the batch is not the comm's own stream


def _is_name(value) -> bool:
    return isinstance(value, str) and 0 < len(value) <= MAX_NAME_LENGTH


def _name(value, what: str, index: int | None = None) -> str:
    """``value`` if it is a name, else ProtocolError saying so of ``what`` (its key in the message), in reading
    ``index`` when given."""
    if _is_name(value):
        return value
    # TRANSLATORS: {what} is a key of the messages between browser and kernel (logger, stream, source, device):
    # keep it as it is.
    problem = ngettext(
        "{what} must be text of 1 to {limit} character, not {value!r:.80}",
        "{what} must be text of 1 to {limit} characters, not {value!r:.80}",
        MAX_NAME_LENGTH,
    ).format(what=what, limit=MAX_NAME_LENGTH, value=value)
    raise ProtocolError(problem if index is None else _in_reading(index, problem))


def _in_reading(index: int, problem: str) -> str:
    """What is wrong with a batch's reading ``index``."""
    # TRANSLATORS: {problem} says what is wrong, e.g. "its time 12 is not a number of milliseconds since 1970".
    return _("reading {index}: {problem}").format(index=index, problem=problem)


def _is_number(value):
    return isinstance(value, (int, float)) and not isinstance(value, bool) and math.isfinite(value)


def latest_time() -> float:
    """The latest reading time accepted now (epoch milliseconds): a day ahead of the kernel's clock."""
    return clock.time() * 1000 + FUTURE_ALLOWED


def time_problem(value, latest: float) -> str | None:
    """What is wrong with a reading's time (epoch milliseconds), or None: it must lie between
    2000-01-01 and ``latest``, else the device's or the computer's clock is wrong."""
    if not _is_number(value):
        # TRANSLATORS: follows "The reading was not recorded: " or "reading 3: ": "its" is the reading's.
        return _("its time {value!r:.40} is not a number of milliseconds since 1970").format(value=value)
    if not EARLIEST_TIME <= value <= latest:
        # TRANSLATORS: follows "The reading was not recorded: " or "reading 3: ": "its" is the reading's.
        return _(
            "its time {value!r:.40} is not between 2000-01-01 and tomorrow: check the clock of the computer "
            "(or the device) that stamped it"
        ).format(value=value)
    return None


def valid_seq(value) -> int | None:
    """``value`` if it is a sequence number (a whole number of at least 0), else None."""
    if isinstance(value, int) and not isinstance(value, bool) and value >= 0:
        return value
    return None


def parse_open(data) -> tuple[str, str]:
    """(logger name, stream id) from a readings comm's open data."""
    if not isinstance(data, dict):
        raise ProtocolError(_("the open message must be an object"))
    if data.get("protocol") != PROTOCOL_VERSION:
        raise ProtocolError(
            _(
                "the browser speaks protocol {browser!r} and this kernel speaks {kernel}: "
                "install the same sensorlab version in both and reload the page"
            ).format(browser=data.get("protocol"), kernel=PROTOCOL_VERSION)
        )
    return _name(data.get("logger"), "logger"), _name(data.get("stream"), "stream")


def parse_batch(data) -> Batch:
    """A Batch from a browser message, or ProtocolError saying why it is refused."""
    if not isinstance(data, dict):
        raise ProtocolError(_("a message must be an object"))
    if data.get("type") != "batch":
        raise ProtocolError(_("unknown message type {kind!r:.40}").format(kind=data.get("type")))
    seq = valid_seq(data.get("seq"))
    if seq is None:
        # TRANSLATORS: seq is a key of the messages between browser and kernel: keep it as it is.
        raise ProtocolError(_("seq must be a whole number of at least 0, not {seq!r:.40}").format(seq=data.get("seq")))
    readings = data.get("readings")
    if not isinstance(readings, list):
        # TRANSLATORS: readings is a key of the messages between browser and kernel: keep it as it is.
        raise ProtocolError(_("readings must be a list"))
    if len(readings) > MAX_BATCH_READINGS:
        raise ProtocolError(
            ngettext(
                "a batch holds at most {most} reading, this one {count}",
                "a batch holds at most {most} readings, this one {count}",
                MAX_BATCH_READINGS,
            ).format(most=MAX_BATCH_READINGS, count=len(readings))
        )
    parsed = []
    latest = latest_time()
    for index, item in enumerate(readings):
        if not isinstance(item, dict):
            raise ProtocolError(_("reading {index} must be an object").format(index=index))
        stamp = item.get("time")
        if not (_is_number(stamp) and EARLIEST_TIME <= stamp <= latest):  # the message only when wrong: hot loop
            raise ProtocolError(_in_reading(index, time_problem(stamp, latest)))
        source = item.get("source")
        if not _is_name(source):  # the message is built only for a bad name: this loop is hot
            _name(source, "source", index)
        values = item.get("values")
        if not isinstance(values, dict) or len(values) > MAX_CHANNELS:
            raise ProtocolError(
                ngettext(
                    "reading {index}: values must be an object of at most {most} number",
                    "reading {index}: values must be an object of at most {most} numbers",
                    MAX_CHANNELS,
                ).format(index=index, most=MAX_CHANNELS)
            )
        for key, value in values.items():
            if not _is_name(key):
                raise ProtocolError(
                    ngettext(
                        "reading {index}: a channel's name must be text of 1 to {limit} character, not {name!r:.80}",
                        "reading {index}: a channel's name must be text of 1 to {limit} characters, not {name!r:.80}",
                        MAX_NAME_LENGTH,
                    ).format(index=index, limit=MAX_NAME_LENGTH, name=key)
                )
            if not _is_number(value):
                raise ProtocolError(
                    _("reading {index}: the value of {name!r:.40} is not a finite number").format(index=index, name=key)
                )
        device = item.get("device")
        if device is not None and not _is_name(device):
            _name(device, "device", index)
        parsed.append(Reading(float(stamp), source, dict(values), device))
    stream = data.get("stream")
    if stream is not None:
        _name(stream, "stream")
    return Batch(seq, parsed, stream)


@dataclass(frozen=True)
class DeviceResult:
    id: int
    error: str | None
    value: float | None


def parse_device_result(data: dict) -> DeviceResult:
    ident = valid_seq(data.get("id"))
    if ident is None:
        # TRANSLATORS: id is a key of the messages between browser and kernel: keep it as it is.
        raise ProtocolError(_("id must be a whole number of at least 0, not {id!r:.40}").format(id=data.get("id")))
    error, value = data.get("error"), data.get("value")
    if error is not None and not isinstance(error, str):
        # TRANSLATORS: error and null are words of the messages between browser and kernel: keep them as they are.
        raise ProtocolError(_("error must be text or null"))
    if value is not None and not _is_number(value):
        # TRANSLATORS: value and null are words of the messages between browser and kernel: keep them as they are.
        raise ProtocolError(_("value must be a number or null"))
    return DeviceResult(ident, error, value)


def parse_message(data) -> Batch | DeviceResult:
    """A browser message on the readings comm, or ProtocolError saying why it is refused."""
    if isinstance(data, dict) and data.get("type") == "device_result":
        return parse_device_result(data)
    return parse_batch(data)


MAX_NOTE_LENGTH = 500


def parse_note(data) -> str:
    """The text of a note message from the widget, or ProtocolError."""
    text = data.get("text") if isinstance(data, dict) else None
    if not isinstance(text, str) or not text.strip():
        raise ProtocolError(_("a note must be some text"))
    return text.strip()[:MAX_NOTE_LENGTH]


def device_request(ident: int, action: str, **params) -> dict:
    return {"type": "device_request", "id": ident, "action": action, **params}


def device_name(typed) -> str | None:
    """A device's name from what someone typed or a program sent: without spaces around it, cut to
    MAX_DEVICE_NAME_LENGTH characters; None when nothing is left (or it is not text)."""
    if not isinstance(typed, str):
        return None
    return typed.strip()[:MAX_DEVICE_NAME_LENGTH].rstrip() or None


def reading_message(reading: Reading) -> dict:
    """A reading as the messages carry it (``device`` only when it has one)."""
    message = {"time": reading.time, "values": reading.values, "source": reading.source}
    return dict(message, device=reading.device) if reading.device is not None else message


def recorded(readings: list[Reading]) -> dict:
    return {"type": "recorded", "readings": [reading_message(r) for r in readings]}


def hello(logger: str) -> dict:
    return {"type": "hello", "logger": logger}


def ack(seq: int, stream: str | None = None) -> dict:
    return {"type": "ack", "seq": seq, **({"stream": stream} if stream else {})}


def refused(seq, reason: str, stream: str | None = None) -> dict:
    return {"type": "refused", "seq": seq, "reason": reason, **({"stream": stream} if stream else {})}


def not_stored(seq: int, reason: str, stream: str | None = None) -> dict:
    return {"type": "not_stored", "seq": seq, "reason": reason, **({"stream": stream} if stream else {})}
