"""Many devices in one logger: the names people give them, and a row per device per interval."""

from __future__ import annotations

import hashlib
import re
from datetime import datetime

from . import protocol
from .rows import RowValues

__all__ = ["DEVICE_COLUMN", "DeviceNames", "DeviceRows", "device_sheet_name", "given_name"]

DEVICE_COLUMN = "device"
MICROBIT = "microbit-"  # a micro:bit heard through a radio gateway: microbit-<serial number>


def given_name(name, why: str) -> str | None:
    """A device name someone gave in Python (None stays None), as both sides keep it; else ValueError(``why``)."""
    if name is None:
        return None
    made = protocol.device_name(name)
    if made is None:
        raise ValueError(f"{why}, not {name!r:.80}")
    return made


class DeviceNames:
    """The names ``logger.name_devices`` gave, kept in the logger's file so that a restarted kernel keeps them.

    A key is a micro:bit's serial number (``1923449`` or ``"1923449"``) or a device's id as
    ``logger.data``'s ``source`` column shows it (``"serial-1"``). A device's name is the one given
    here, else the one the device (or the page) sent, else its id.
    """

    def __init__(self, file):
        self._file = file
        self._names: dict[str, str] = dict(file.get("device_names") or {})

    def update(self, names) -> None:
        if not isinstance(names, dict):
            raise ValueError(
                'name_devices takes a dict of device → name, e.g. {1923449: "group 1", "serial-1": "bench A"}'
            )
        given = {
            self._key(key): given_name(name, f"the name of {key!r:.40} must be some text (at most 64 characters)")
            for key, name in names.items()
        }
        for key, name in given.items():
            if name is None:
                self._names.pop(key, None)  # None forgets a name
            else:
                self._names[key] = name
        self._file.set("device_names", self._names)

    @staticmethod
    def _key(key) -> str:
        if isinstance(key, int) and not isinstance(key, bool):
            return str(key)
        if isinstance(key, str) and protocol.device_name(key) == key:
            return key
        raise ValueError(
            f"a device is named by its serial number (like 1923449) or its id in logger.data's source "
            f'column (like "serial-1"), not {key!r:.80}'
        )

    def name_of(self, source: str, device: str | None = None) -> str:
        """What a device is called: the name given here, else ``device`` (the name it sent), else ``source``."""
        names = self._names
        if names:
            found = names.get(source)
            if found is None and source.startswith(MICROBIT):
                found = names.get(source[len(MICROBIT) :])
            if found is not None:
                return found
        return device or source


class DeviceRows:
    """The values since the previous row, kept per device; the next rows are one per device with a
    ``device`` column when the logger logs several (``per_device``), else one row as before."""

    def __init__(self, kind: str = "latest"):
        RowValues(kind)  # says what is wrong with ``kind`` now, not at the first reading
        self.kind = kind
        self._by_source: dict[str, RowValues] = {}
        self._sent_names: dict[str, str | None] = {}  # the name each device sent last

    @property
    def fresh(self) -> bool:
        """True when some device sent values since the previous row."""
        return bool(self._by_source)

    def add(self, reading: protocol.Reading, values: dict) -> None:
        """A reading that arrived now, with its values as kept (a device's names past the cap left out)."""
        row = self._by_source.get(reading.source)
        if row is None:
            row = self._by_source[reading.source] = RowValues(self.kind)
        row.add(reading.time, values)
        self._sent_names[reading.source] = reading.device

    def take(self, now: datetime, tz, name_of, per_device: bool) -> list[dict]:
        """The next rows, and the values since them start afresh.

        ``per_device``: one row per device that sent values, in the order of their names, with the
        device's name (``name_of(source, name it sent)``). Otherwise the one device's row. When no
        device sent values, one row of only the time ``now``.
        """
        by_source, self._by_source = self._by_source, {}
        if len(by_source) == 0 or not per_device and len(by_source) == 1:
            return [next(iter(by_source.values()), RowValues(self.kind)).take(now, tz)]
        rows = []
        for source, values in by_source.items():
            row = values.take(now, tz)
            rows.append({"time": row.pop("time"), DEVICE_COLUMN: name_of(source, self._sent_names[source]), **row})
        return sorted(rows, key=lambda row: (row[DEVICE_COLUMN], row["time"]))


def device_sheet_name(class_sheet: str, device: str) -> str:
    """The sheet of one device, named after the class sheet: class-7b and "group 1" → class-7b-group-1.

    Names that differ only in case or punctuation share a sheet. A name of digits only is read as
    "device <digits>" (2 → class-7b-device_2), so it never reads as the class sheet's continuation; a
    name without letters or digits ("🌡️") is told apart by a short digest. A full sheet goes on in
    <name>-2, <name>-3…, so where a name would end in such a number ("group 2", "group 1 2") the - before
    it becomes _ (class-7b-group_2): no device's sheet is another's continuation.
    """
    slug = re.sub(r"[^a-z0-9]+", "-", device.lower()).strip("-")
    if not slug:
        # Kept as it was even when the digest is all digits: it would be a continuation only after
        # ten million full sheets.
        return f"{class_sheet}-device-" + hashlib.sha256(device.encode("utf-8")).hexdigest()[:8]
    if slug.isdigit():
        slug = f"device-{slug}"
    return f"{class_sheet}-" + re.sub(r"-([2-9]|[1-9][0-9]+)$", r"_\1", slug)
