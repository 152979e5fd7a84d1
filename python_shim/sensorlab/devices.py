"""Many devices in one logger: the names people give them, and a row per device per interval."""

from __future__ import annotations

import hashlib
import re
from datetime import datetime

from . import columns, protocol
from .i18n import _, ngettext
from .rows import RowValues, no_readings_since, row_at

__all__ = ["DEVICE_COLUMN", "DeviceNames", "DeviceRows", "device_sheet_name", "given_name"]

DEVICE_COLUMN = columns.DEVICE
MICROBIT = "microbit-"  # a micro:bit heard through a radio gateway: microbit-<serial number>


def given_name(name, why: str, **where) -> str | None:
    """A device name someone gave in Python (None stays None), as both sides keep it; else ValueError(``why``, words
    that may say {name} and ``where``)."""
    if name is None:
        return None
    made = protocol.device_name(name)
    if made is None:
        raise ValueError(why.format(name=name, **where))
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
                _("name_devices takes a dict of device → name, e.g. {example}").format(
                    example='{1923449: "group 1", "serial-1": "bench A"}'
                )
            )
        limit = protocol.MAX_DEVICE_NAME_LENGTH
        why = ngettext(
            "the name of {key!r:.40} must be some text (at most {limit} character), not {name!r:.80}",
            "the name of {key!r:.40} must be some text (at most {limit} characters), not {name!r:.80}",
            limit,
        )
        given = {self._key(key): given_name(name, why, key=key, limit=limit) for key, name in names.items()}
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
            # TRANSLATORS: source is the name of a column of logger.data: keep it as it is.
            _(
                "a device is named by its serial number (like 1923449) or its id in logger.data's source "
                'column (like "serial-1"), not {key!r:.80}'
            ).format(key=key)
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
        # Each device heard since the logger was made: source → (its latest reading's time, the name it sent).
        self._heard: dict[str, tuple[float, str | None]] = {}

    def add(self, reading: protocol.Reading, values: dict) -> None:
        """A reading that arrived now, with its values as kept (a device's names past the cap left out)."""
        row = self._by_source.get(reading.source)
        if row is None:
            row = self._by_source[reading.source] = RowValues(self.kind)
        row.add(reading.time, values)
        self._heard[reading.source] = (reading.time, reading.device)

    def take(
        self, now: datetime, tz, name_of, per_device: bool, note: str = "", on_schedule: bool = False
    ) -> list[dict]:
        """The next rows, none when there is nothing to post; the values since them start afresh.

        A row per device that sent values: with ``per_device`` in the order of their names, with the
        device's name (``name_of(source, name it sent)``), else the one device's row. ``on_schedule``:
        a device heard before that sent nothing since the previous row gets a row of the time ``now``
        whose note says since when. ``note`` goes in the first row, in a row of the time ``now`` of its
        own when there is none.
        """
        by_source, self._by_source = self._by_source, {}
        rows = {source: values.take(now, tz) for source, values in by_source.items()}
        if on_schedule:
            for source, (latest, _sent) in self._heard.items():
                if source not in rows:
                    rows[source] = {**row_at(now, tz), "note": no_readings_since(latest, now, tz)}
        if per_device:
            named = [
                {"time": row.pop("time"), DEVICE_COLUMN: name_of(source, self._heard[source][1]), **row}
                for source, row in rows.items()
            ]
            listed = sorted(named, key=lambda row: (row[DEVICE_COLUMN], row["time"]))
        else:
            listed = list(rows.values())
        if note:
            listed = listed or [row_at(now, tz)]
            listed[0]["note"] = f"{note}; {listed[0]['note']}" if "note" in listed[0] else note
        return listed


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
