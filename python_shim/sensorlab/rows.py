"""What a row holds: the values read since the previous row, as each channel's latest value or as its
mean, min and max; a channel with no value since the previous row stays empty."""

from __future__ import annotations

import os
from datetime import datetime

from .columns import EVERY, GROUP, TIME, TIME_ZONE
from .i18n import _
from .readings import channel_values
from .socialcalc import format_time

__all__ = [
    "ROW_KINDS",
    "RowValues",
    "default_group",
    "logger_columns",
    "no_readings_since",
    "row_at",
    "time_cells",
    "utc_offset",
]

ROW_KINDS = ("latest", "mean")


# On a JupyterHub, the teacher may let each student's login label their rows (off by default: sheets have no password).
GROUP_FROM_LOGIN = "SENSORLAB_GROUP_FROM_LOGIN"


def default_group(key: str) -> str:
    """The label of a logger given no group: the JupyterHub login where the teacher allowed it, else "logger" and the
    first letters of its rows' key, which stays the same for the logger's file."""
    login = os.environ.get("JUPYTERHUB_USER", "").strip()
    if login and os.environ.get(GROUP_FROM_LOGIN, "").strip().lower() in ("1", "true", "yes", "on"):
        return login
    return f"logger {key[:6]}"


def utc_offset(when: datetime) -> str:
    """The UTC offset of an aware time as a sheet shows it: "UTC+01:00"."""
    minutes = round(when.utcoffset().total_seconds() / 60)
    hours, minutes = divmod(abs(minutes), 60)
    return f"UTC{'-' if when.utcoffset().total_seconds() < 0 else '+'}{hours:02d}:{minutes:02d}"


def time_cells(when: datetime) -> dict:
    """A row's time: the wall clock of its zone, and that zone's offset."""
    return {TIME: format_time(when), TIME_ZONE: utc_offset(when)}


def logger_columns(row: dict, group: str, every_minutes: float) -> dict:
    """A row as a logger posts it: its time, the logger's group and what was measured, then how many minutes until
    the logger's next row and the time's zone (last, beside the ``row id`` the outbox adds)."""
    row = dict(row)
    zone = row.pop(TIME_ZONE, None)
    labelled = {TIME: row.pop(TIME), GROUP: group, **row, EVERY: every_minutes}
    if zone is not None:
        labelled[TIME_ZONE] = zone
    return labelled


def row_at(now: datetime, tz) -> dict:
    """A row of only the time ``now`` in the zone ``tz``: for a note, or words, without values."""
    return time_cells(now.astimezone(tz))


def no_readings_since(latest: float, now: datetime, tz) -> str:
    """Since when a device sent nothing, from its latest reading's time (epoch ms): "no readings since
    10:15", with the date when that was not the day of ``now`` ("no readings since 2026-11-20 15:30")."""
    since = datetime.fromtimestamp(latest / 1000, tz)
    if since.date() == now.astimezone(tz).date():
        return _("no readings since {since:%H:%M}").format(since=since)
    # TRANSLATORS: this goes in a row's note in the sheet: keep the date's form as it is.
    return _("no readings since {since:%Y-%m-%d %H:%M}").format(since=since)


class RowValues:
    """The values read since the previous row, ready to become the next one.

    ``kind`` is "latest" (each channel's latest value) or "mean" (each channel's mean, with
    ``<name> min`` and ``<name> max`` beside it).
    """

    def __init__(self, kind: str = "latest"):
        if kind not in ROW_KINDS:
            raise ValueError(
                # TRANSLATORS: "latest" and "mean" are what Python takes: keep them as they are.
                _(
                    'row must be "latest" (the latest value of each channel) or "mean" (the mean, min and max '
                    "of each channel since the previous row), not {kind!r}"
                ).format(kind=kind)
            )
        self.kind = kind
        self._start()

    def _start(self) -> None:
        self.time: float | None = None  # epoch ms of the latest reading since the previous row
        self._latest: dict[str, float] = {}
        self._sum: dict[str, float] = {}
        self._count: dict[str, int] = {}
        self._min: dict[str, float] = {}
        self._max: dict[str, float] = {}

    def add(self, time: float, values: dict) -> None:
        """A reading that arrived now (not one read back from disk: it may be hours old)."""
        values = channel_values(values)
        self.time = time
        if self.kind == "latest":  # runs for every reading: the cheap case stays cheap
            self._latest.update(values)
            return
        for name, value in values.items():
            if name in self._count:
                self._sum[name] += value
                self._count[name] += 1
                self._min[name] = min(self._min[name], value)
                self._max[name] = max(self._max[name], value)
            else:
                self._sum[name], self._count[name] = value, 1
                self._min[name] = self._max[name] = value

    def take(self, now: datetime, tz) -> dict:
        """The next row: its time (the latest reading's, or ``now`` without one) and its values;
        the values since this row start afresh."""
        when = now.astimezone(tz) if self.time is None else datetime.fromtimestamp(self.time / 1000, tz)
        row: dict = time_cells(when)
        if self.kind == "latest":
            row.update(sorted(self._latest.items()))
        else:
            for name in sorted(self._count):
                row[name] = self._sum[name] / self._count[name]
                row[f"{name} min"] = self._min[name]
                row[f"{name} max"] = self._max[name]
        self._start()
        return row
