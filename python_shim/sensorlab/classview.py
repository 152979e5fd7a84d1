"""The teacher's view of a whole class, from the class sheet alone: who is logging, who has stopped, every group on
one chart; and the class's rows for pandas (``Sheet.frame()``).

A class is read as its sheets' CSV (the lightest read both servers offer): the class sheet and its continuations
(``-2``, ``-3``…), then the device sheets its pointer rows name, each with its continuations. Order never comes from
the sheet (rows land out of order, a teacher may sort the sheet): each row's time is read with the zone its row says.
The rules are the ones the sidebar's class section follows (src/classview); both run test/fixtures/classview.
"""

from __future__ import annotations

import csv
import functools
import io
import re
import statistics
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone, tzinfo
from typing import TYPE_CHECKING

from .columns import DEVICE, EVERY, GROUP, NOTE, RESERVED, ROW_ID, SHEET, TIME, TIME_ZONE
from .pandas_loader import load
from .schedule import _parse_tz, kernel_zone

if TYPE_CHECKING:
    import pandas as pd

__all__ = [
    "DEFAULT_INTERVAL",
    "STATES",
    "ClassLine",
    "ClassReader",
    "ClassRow",
    "class_frame",
    "class_lines",
    "read_period",
    "row_instant",
]

# A logger's interval when neither its rows nor their gaps say it: the default schedule's by day.
DEFAULT_INTERVAL = 900.0
LATE_AFTER = 2  # intervals since a logger's last row
SILENT_AFTER = 6
GAPS = 6  # gaps between a logger's last rows whose median is its interval when its rows do not say it
# In the order a teacher needs them: the ones needing attention first.
STATES = ("silent", "late", "no readings", "on time")
LARGEST_SHEET_PARTS = 1000  # a sheet and its continuations: a bound, never reached by a class

_RESERVED = frozenset(RESERVED)
_NUMBER = re.compile(r"[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?")
_OFFSET = re.compile(r"UTC([+-])(\d\d):(\d\d)")
_TIME = re.compile(r"(\d{4})-(\d\d)-(\d\d)[ T](\d\d):(\d\d)(?::(\d\d))?")


def number(text: str | None) -> float | None:
    """A cell's number, or None when it is not one (the CSV gives every cell as text)."""
    return None if text is None else _number(text)


@functools.lru_cache(maxsize=65536)  # a class's values and times repeat: each text is read once per refresh or less
def _number(text: str) -> float | None:
    if not _NUMBER.fullmatch(text.strip()):
        return None
    value = float(text)
    return value if value not in (float("inf"), float("-inf")) else None


def _number_or_text(text: str) -> float | str:
    value = number(text)
    return text if value is None else value


def row_instant(cells: dict, local_zone: tzinfo) -> datetime | None:
    """When a row was taken, in UTC: its ``time`` on the wall clock of its ``time zone`` (the reader's zone for rows
    that do not say it); None when it has no readable time."""
    return _instant(cells.get(TIME) or "", cells.get(TIME_ZONE) or "", local_zone)


@functools.lru_cache(maxsize=65536)
def _instant(time_text: str, zone_text: str, local_zone: tzinfo) -> datetime | None:
    match = _TIME.fullmatch(time_text.strip())
    if not match:
        return None
    year, month, day, hour, minute, second = (int(part or 0) for part in match.groups())
    offset = _OFFSET.fullmatch(zone_text.strip())
    if offset:
        sign = -1 if offset.group(1) == "-" else 1
        zone = timezone(sign * timedelta(hours=int(offset.group(2)), minutes=int(offset.group(3))))
    else:
        zone = local_zone
    try:
        return datetime(year, month, day, hour, minute, second, tzinfo=zone).astimezone(timezone.utc)
    except ValueError:  # 2026-02-30: text that only looks like a time
        return None


def _unneutralised(cell: str) -> str:
    """A cell as it was written: the 2026 server puts ' before text starting with = + - @ or a tab, so that spreadsheet
    programs never run it."""
    return cell[1:] if len(cell) > 1 and cell[0] == "'" and cell[1] in "=+-@\t" else cell


@dataclass
class ClassRow:
    """One row of a class's sheets: its non-empty cells by heading, and where it was read."""

    sheet: str
    cells: dict[str, str]

    @property
    def pointer(self) -> str | None:
        """The device sheet this row points to, for a logger's pointer row."""
        return self.cells.get(SHEET)


def sheet_rows(name: str, text: str) -> list[ClassRow]:
    """The rows of one sheet's CSV below its header, each as its non-empty cells."""
    table = list(csv.reader(io.StringIO(text)))
    if not table:
        return []
    header = [heading.strip() for heading in table[0]]
    rows = []
    for line in table[1:]:
        cells = {heading: _unneutralised(cell) for heading, cell in zip(header, line) if heading and cell.strip()}
        if cells:
            rows.append(ClassRow(name, cells))
    return rows


class ClassReader:
    """Reads a class: the class sheet's series, then the series of each device sheet its pointer rows name.

    ``read(name)`` gives a sheet's CSV text, or None for a sheet nobody wrote. A sheet that has a continuation is full
    and no longer changes: it is kept, so that a refresh reads only the last sheet of each series and the probe of
    the next one.
    """

    def __init__(self, class_sheet: str, read: Callable[[str], str | None]):
        self.class_sheet = class_sheet
        self._read = read
        self._full: dict[str, list[ClassRow]] = {}
        self.sheets_read: list[str] = []  # the sheets that held rows at the last read, in reading order

    def rows(self) -> list[ClassRow]:
        """Every row of the class, each ``row id`` once (its first copy), rows without one as they are."""
        self.sheets_read = []
        found = self._series(self.class_sheet)
        pointed = list(dict.fromkeys(row.pointer for row in found if row.pointer))
        for name in pointed:
            if name != self.class_sheet:
                found += self._series(name)
        seen: set[str] = set()
        once = []
        for row in found:
            ident = row.cells.get(ROW_ID)
            if ident is not None:
                if ident in seen:
                    continue
                seen.add(ident)
            once.append(row)
        return once

    def _series(self, base: str) -> list[ClassRow]:
        rows: list[ClassRow] = []
        previous: tuple[str, list[ClassRow]] | None = None
        for part in range(1, LARGEST_SHEET_PARTS):
            name = base if part == 1 else f"{base}-{part}"
            these = self._full.get(name)
            if these is None:
                text = self._read(name)
                these = sheet_rows(name, text) if text else []
            if not these:
                break
            if previous is not None:
                self._full.setdefault(*previous)  # it has a continuation: it is full
            previous = (name, these)
            self.sheets_read.append(name)
            rows += these
        return rows


@dataclass
class ClassLine:
    """One logger's device, as the class view shows it."""

    label: str
    device: str
    state: str
    last_row: datetime
    interval: float  # seconds
    values: dict[str, float] = field(default_factory=dict)
    values_at: datetime | None = None
    points: list[tuple[datetime, dict[str, float]]] = field(default_factory=list, repr=False)

    def series(self, channel: str) -> list[tuple[datetime, float]]:
        """This line's values of ``channel``, oldest first."""
        return [(when, values[channel]) for when, values in self.points if channel in values]


def _label(cells: dict) -> str | None:
    """Which logger wrote a row: its group, else "logger" and the start of its row id's key (older rows)."""
    group = (cells.get(GROUP) or "").strip()
    if group:
        return group
    ident = cells.get(ROW_ID) or ""
    key, dash, _rest = ident.partition("-")
    return f"logger {key[:6]}" if dash and key else None


def _values(cells: dict) -> dict[str, float]:
    found = {}
    for heading, text in cells.items():
        if heading not in _RESERVED:
            value = _number(text)
            if value is not None:
                found[heading] = value
    return found


def _natural_compare(a: str, b: str) -> int:
    """Compares "group 2" before "group 10": runs of digits as numbers, the rest character by character (as the
    sidebar's naturalCompare does)."""
    left, right = re.findall(r"\d+|\D+", a), re.findall(r"\d+|\D+", b)
    for x, y in zip(left, right):
        if x == y:
            continue
        if x[0].isdigit() and y[0].isdigit():
            p, q = x.lstrip("0") or "0", y.lstrip("0") or "0"
            if len(p) != len(q):
                return len(p) - len(q)
            if p != q:
                return -1 if p < q else 1
            continue  # "07" and "7": the same number
        return -1 if x < y else 1
    if len(left) != len(right):
        return len(left) - len(right)
    return (a > b) - (a < b)


natural = functools.cmp_to_key(_natural_compare)


def _interval(rows: list[tuple[datetime, dict]]) -> float:
    every = number(rows[-1][1].get(EVERY))
    if every is not None and every > 0:
        return every * 60
    instants = sorted({when for when, _cells in rows})[-(GAPS + 1) :]
    gaps = [(later - earlier).total_seconds() for earlier, later in zip(instants, instants[1:])]
    return statistics.median(gaps) if gaps else DEFAULT_INTERVAL


def _state(age: float, interval: float, has_values: bool) -> str:
    if age > SILENT_AFTER * interval:
        return "silent"
    if age > LATE_AFTER * interval:
        return "late"
    return "on time" if has_values else "no readings"


def class_lines(rows: list[ClassRow], now: datetime, local_zone: tzinfo) -> list[ClassLine]:
    """One line per logger and device, the ones that need attention first (see STATES)."""
    by_line: dict[tuple[str, str], list[tuple[datetime, dict]]] = {}
    for row in rows:
        if row.pointer or ROW_ID not in row.cells:
            continue
        label, when = _label(row.cells), row_instant(row.cells, local_zone)
        if label is None or when is None:
            continue
        by_line.setdefault((label, row.cells.get(DEVICE, "")), []).append((when, row.cells))
    lines = []
    for (label, device), found in by_line.items():
        found.sort(key=lambda item: item[0])  # stable: of rows at one moment, the one read later is the last
        points = [(when, _values(cells)) for when, cells in found]
        with_values = [(when, values) for when, values in points if values]
        last_row = found[-1][0]
        interval = _interval(found)
        age = (now - last_row).total_seconds()
        lines.append(
            ClassLine(
                label,
                device,
                _state(age, interval, bool(points[-1][1])),
                last_row,
                interval,
                dict(with_values[-1][1]) if with_values else {},
                with_values[-1][0] if with_values else None,
                with_values,
            )
        )
    lines.sort(key=lambda line: (STATES.index(line.state), natural(line.label), natural(line.device)))
    return lines


def channels(lines: list[ClassLine]) -> list[str]:
    """Every channel some line has a value of, in natural order."""
    return sorted({name for line in lines for _when, values in line.points for name in values}, key=natural)


def default_channel(names: list[str]) -> str:
    return "temperature" if "temperature" in names else (names[0] if names else "")


def read_period(refresh: float, lines: list[ClassLine]) -> float:
    """Seconds between two reads: the chosen ``refresh``, never shorter than the shortest interval of the loggers
    posting on time (reading more often than rows come only loads the server)."""
    intervals = [line.interval for line in lines if line.state == "on time"]
    return max(refresh, min(intervals, default=refresh))


def class_frame(rows: list[ClassRow], tz=None, with_ids: bool = False) -> pd.DataFrame:
    """The class's rows (pointer rows left out) as a DataFrame, oldest first: ``time`` aware in ``tz`` (the kernel's
    zone by default, which also reads the times of rows that do not say their zone), columns of numbers as numbers."""
    pd = load("pandas")
    zone = _parse_tz(tz) or kernel_zone()
    data = [row.cells for row in rows if not row.pointer]
    headings = list(
        dict.fromkeys(h for cells in data for h in cells if h not in (SHEET, *(() if with_ids else (ROW_ID,))))
    )
    frame = pd.DataFrame([[cells.get(h) for h in headings] for cells in data], columns=headings, dtype=object)
    for heading in headings:
        if heading in (TIME, GROUP, DEVICE, NOTE, TIME_ZONE, ROW_ID):
            continue
        cells = frame[heading].map(lambda text: text if text is None else _number_or_text(text))
        # A column of numbers is numbers; one where a person typed words too keeps them beside the numbers.
        numeric = all(isinstance(cell, float) for cell in cells.dropna())
        frame[heading] = pd.to_numeric(cells) if numeric else cells
    if TIME in frame:
        instants = [row_instant(cells, zone) for cells in data]
        frame[TIME] = pd.to_datetime(instants, utc=True).tz_convert(zone)
        frame = frame.sort_values(TIME, kind="stable", na_position="last").reset_index(drop=True)
    return frame
