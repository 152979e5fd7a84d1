"""When rows are due: often by day, rarely by night."""

from __future__ import annotations

import os
import re
from datetime import datetime, time, timedelta, timezone, tzinfo
from time import monotonic
from zoneinfo import ZoneInfo

from .i18n import _

__all__ = ["DaylightSchedule", "LastPost", "clocks_jump", "kernel_zone", "parse_interval"]

_UNITS = {
    "s": 1,
    "sec": 1,
    "secs": 1,
    "second": 1,
    "seconds": 1,
    "m": 60,
    "min": 60,
    "mins": 60,
    "minute": 60,
    "minutes": 60,
    "h": 3600,
    "hr": 3600,
    "hrs": 3600,
    "hour": 3600,
    "hours": 3600,
    "d": 86400,
    "day": 86400,
    "days": 86400,
}
_PART = re.compile(r"\s*(\d+(?:\.\d+)?)\s*([a-z]+)\s*")


def _not_an_interval(value, what: str) -> ValueError:
    # TRANSLATORS: {what} is the setting, such as day_every; "90s", "15min", "1h" are what Python takes.
    message = _(
        '{what} must be a number of seconds (900) or text such as "90s", "15min", "1h" or "1h30min", not {value!r}'
    )
    return ValueError(message.format(what=what, value=value))


def parse_interval(value, what: str = "interval") -> timedelta:
    """Turn 900, 900.0, timedelta(minutes=15), "15min", "1h30min" into a positive timedelta."""
    if isinstance(value, timedelta):
        result = value
    elif isinstance(value, bool):
        raise _not_an_interval(value, what)
    elif isinstance(value, (int, float)):
        if value != value or value in (float("inf"), float("-inf")):
            raise _not_an_interval(value, what)
        result = timedelta(seconds=value)
    elif isinstance(value, str):
        text = value.strip().lower()
        if re.fullmatch(r"\d+(\.\d+)?", text):
            result = timedelta(seconds=float(text))
        else:
            pos, seconds = 0, 0.0
            for match in _PART.finditer(text):
                if match.start() != pos or match.group(2) not in _UNITS:
                    break
                seconds += float(match.group(1)) * _UNITS[match.group(2)]
                pos = match.end()
            if pos != len(text) or not text:
                raise _not_an_interval(value, what)
            result = timedelta(seconds=seconds)
    else:
        raise _not_an_interval(value, what)
    if result <= timedelta(0):
        raise ValueError(_("{what} must be longer than zero, not {value!r}").format(what=what, value=value))
    return result


def _parse_clock(value, what: str) -> time:
    if isinstance(value, time):
        return value
    if isinstance(value, str):
        match = re.fullmatch(r"\s*(\d{1,2}):(\d{2})(?::(\d{2}))?\s*", value)
        if match:
            hour, minute, second = int(match.group(1)), int(match.group(2)), int(match.group(3) or 0)
            if hour < 24 and minute < 60 and second < 60:
                return time(hour, minute, second)
    raise ValueError(
        # TRANSLATORS: {what} is the setting, day_start or day_end.
        _('{what} must be a time of day such as "08:00" or "20:30", not {value!r}').format(what=what, value=value)
    )


def _parse_tz(value) -> tzinfo | None:
    if value is None or isinstance(value, tzinfo):
        return value
    zone = _named_zone(value) if isinstance(value, str) else None
    if zone is None:
        raise ValueError(
            _('tz must be a time zone name such as "Europe/Berlin" or "UTC", not {value!r}').format(value=value)
        )
    return zone


def _named_zone(name: str) -> ZoneInfo | None:
    try:
        return ZoneInfo(name)
    except Exception:  # not a zone's name: ZoneInfo raises ValueError, KeyError or OSError, by how it is wrong
        return None


def _zone_in_file(path: str) -> tzinfo | None:
    """The zone a tz file holds: by its name when the file is the system's (/etc/localtime links there)."""
    real = os.path.realpath(path)
    _folder, found, name = real.rpartition("/zoneinfo/")
    zone = _named_zone(name) if found else None
    if zone:
        return zone
    try:
        with open(real, "rb") as file:
            return ZoneInfo.from_file(file, key="local time")
    except (OSError, ValueError):
        return None


def kernel_zone() -> tzinfo:
    """The kernel's time zone, with its summer-time rules: the one ``TZ`` names, else ``/etc/localtime``'s.

    Only when neither names a zone (a rule such as "CET-1CEST,M3.5.0,M10.5.0/3" in ``TZ``, or Windows)
    it is the kernel's UTC offset now, which knows nothing of summer time.
    """
    name = os.environ.get("TZ")
    if name is None:
        zone = _zone_in_file("/etc/localtime")
    else:  # "Europe/Berlin", or a file: ":Europe/Berlin", "/usr/share/zoneinfo/Europe/Berlin"
        name = name.removeprefix(":")
        zone = _zone_in_file(name) if name.startswith("/") else _named_zone(name)
    return zone or datetime.now().astimezone().tzinfo


def clocks_jump(zone: tzinfo, before: datetime, after: datetime) -> datetime:
    """The moment (in UTC, to the microsecond) between ``before`` and ``after`` at which the clocks of
    ``zone`` jump: its UTC offset changes."""
    offset = before.astimezone(zone).utcoffset()
    while after - before > timedelta(microseconds=1):
        middle = before + (after - before) / 2
        if middle.astimezone(zone).utcoffset() == offset:
            before = middle
        else:
            after = middle
    return after


class DaylightSchedule:
    """Post every ``day_every`` while ``day_start <= local time < day_end``, else every ``night_every``.

    Parameters
    ----------
    day_start, day_end : str or datetime.time
        The school day, as "HH:MM" in local time. ``day_end`` before ``day_start``
        makes a day that wraps past midnight.
    day_every, night_every : seconds, timedelta or text like "15min"
        How long to wait between two posts by day and by night.
    tz : str or tzinfo, optional
        The time zone the day is measured in; the kernel's local zone if not given.
    """

    @classmethod
    def of(cls, value) -> DaylightSchedule:
        """A schedule as it is, or the default one for None."""
        if value is None:
            return cls()
        if not isinstance(value, DaylightSchedule):
            raise ValueError(_("schedule must be a sensorlab.DaylightSchedule, not {value!r}").format(value=value))
        return value

    def __init__(self, day_start="08:00", day_end="20:00", day_every="15min", night_every="60min", tz=None):
        self.day_start = _parse_clock(day_start, "day_start")
        self.day_end = _parse_clock(day_end, "day_end")
        if self.day_start == self.day_end:
            raise ValueError(_("day_start and day_end must differ, or there is no day and no night"))
        self.day_every = parse_interval(day_every, "day_every")
        self.night_every = parse_interval(night_every, "night_every")
        self.tz = _parse_tz(tz)

    def __repr__(self):
        tz = f", tz={str(self.tz)!r}" if self.tz else ""
        return (
            f"DaylightSchedule(day_start={self.day_start:%H:%M}, day_end={self.day_end:%H:%M}, "
            f"day_every={self.day_every}, night_every={self.night_every}{tz})"
        )

    @property
    def zone(self) -> tzinfo:
        """The zone the day is measured in: ``tz``, else the kernel's (see ``kernel_zone``)."""
        return self.tz or kernel_zone()

    def _local(self, when: datetime) -> datetime:
        """``when`` as an aware datetime in the schedule's zone (naive means kernel local time)."""
        # A pandas Timestamp (a row of logger.data or of a sheet) is a datetime whose
        # astimezone() refuses naive times: work on the plain datetime.
        if hasattr(when, "to_pydatetime"):
            when = when.to_pydatetime()
        if when.tzinfo is None:  # its fold tells the two times of the hour repeated in autumn apart
            when = when.replace(tzinfo=kernel_zone())
        return when.astimezone(self.zone)

    def is_day(self, when: datetime) -> bool:
        clock = self._local(when).time().replace(tzinfo=None)
        if self.day_start < self.day_end:
            return self.day_start <= clock < self.day_end
        return clock >= self.day_start or clock < self.day_end

    def interval_at(self, when: datetime) -> timedelta:
        """The interval in force at ``when``."""
        return self.day_every if self.is_day(when) else self.night_every

    def is_due(self, last_post: datetime | None, now: datetime) -> bool:
        """True when no post was made yet, or the interval in force now has passed since ``last_post``."""
        if last_post is None:
            return True
        return self._utc(now) - self._utc(last_post) >= self.interval_at(now)

    def next_post(self, last_post: datetime | None, now: datetime) -> datetime:
        """The first moment at or after ``now`` at which ``is_due(last_post, moment)`` is true, in the schedule's
        zone: a post is not due at any moment from ``now`` until then, and is due then (``now`` itself when
        nothing was posted yet)."""
        if last_post is None:
            return self._local(now)
        last, start = self._utc(last_post), self._utc(now)
        # The first due moment is ``now``, the end of an interval since the last post, or a moment at which
        # day turns to night or back (the interval in force changes), and it comes at the latest when both
        # intervals have passed: it is the first due one of these moments (more of them do no harm).
        end = max(start, last + max(self.day_every, self.night_every))
        moments = [start, last + self.day_every, last + self.night_every, *self._day_changes(start, end)]
        return self._local(min(m for m in moments if start <= m <= end and self.is_due(last, m)))

    def _utc(self, when: datetime) -> datetime:
        """``when`` in UTC: two datetimes of one zone subtract and compare by the wall clock, which
        gains or loses an hour when daylight saving time starts or ends; UTC ones by real time."""
        return self._local(when).astimezone(timezone.utc)

    def _day_changes(self, start: datetime, end: datetime):
        """The moments (in UTC) from ``start`` to ``end`` at which day may turn to night or back: when the
        clock shows ``day_start`` or ``day_end``, or jumps past it (forward in spring, back in autumn)."""
        zone = self.zone
        # A day's time the clocks skip or show twice can fall in the day before or after: a day more each side.
        day = start.astimezone(zone).date() - timedelta(days=1)
        last_day = end.astimezone(zone).date() + timedelta(days=1)
        while day <= last_day:
            for clock in (self.day_start, self.day_end):
                # A time the clocks skip or show twice gives two moments (fold 0 and 1), with the jump between.
                shown = datetime.combine(day, clock, zone)
                first, second = sorted((shown.astimezone(timezone.utc), shown.replace(fold=1).astimezone(timezone.utc)))
                yield from (first, second)
                if first < second and first <= end and second >= start:
                    yield clocks_jump(zone, first, second)
            day += timedelta(days=1)


class LastPost:
    """When the last row was queued: the wall-clock time (kept on disk for the next kernel) and,
    while this kernel runs, the monotonic clock's reading, so a clock step neither delays nor
    hurries the next row."""

    def __init__(self, when: datetime | None):
        self.when = when
        self._monotonic: float | None = None

    def set(self, when: datetime) -> None:
        self.when = when
        self._monotonic = monotonic()

    def seen_from(self, now: datetime) -> datetime | None:
        """The last post as a time on ``now``'s clock: ``now`` less the real time elapsed since it."""
        if self._monotonic is None:
            return self.when
        return now - timedelta(seconds=monotonic() - self._monotonic)
