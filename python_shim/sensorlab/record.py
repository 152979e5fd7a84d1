"""Readings made in Python (``logger.record``, ``logger.record_many``), checked as the browser's readings are."""

from __future__ import annotations

import math
import numbers
import time as clock
from collections.abc import Callable
from datetime import datetime, timezone
from typing import TYPE_CHECKING

from . import protocol
from .devices import DEVICE_COLUMN, given_name
from .i18n import _, ngettext
from .pandas_loader import load
from .schedule import clocks_jump

if TYPE_CHECKING:
    import numpy as np
    import pandas as pd

__all__ = ["PYTHON_SOURCE", "from_frame", "from_values"]

PYTHON_SOURCE = "python"  # the id of readings made in Python; "python-<name>" for a named device


def source_of(device: str | None) -> str:
    return f"{PYTHON_SOURCE}-{device}" if device else PYTHON_SOURCE


def _device(name) -> str | None:
    return given_name(name, _('device is the name of what measured the values (e.g. device="pi"), not {name!r:.80}'))


def _row(place: int) -> str:
    """How messages name a row of a DataFrame given to ``record_many``."""
    return _("Row {place}").format(place=place)


def _epoch_ms(times: pd.Series, tz, at: Callable[[int], str]) -> np.ndarray:
    """Moments (datetimes, pandas Timestamps or ISO text) in epoch milliseconds, NaN for none. A time without a
    zone is one the clocks of ``tz`` showed (see ``_shown_in``); ``at(place)`` names a refused one."""
    pd, np = load("pandas"), load("numpy")
    times = pd.to_datetime(times)
    zoned = times if times.dt.tz is not None else times.dt.tz_localize(tz, ambiguous="NaT", nonexistent="NaT")
    stamps = ((zoned - pd.Timestamp(0, tz="UTC")) / pd.Timedelta(milliseconds=1)).to_numpy(copy=True)  # NaT → NaN
    # pandas leaves to us the times the clocks showed twice (going back in autumn) or skipped (going forward).
    for place in np.flatnonzero(np.isnan(stamps) & times.notna().to_numpy()):
        stamps[place] = _shown_in(times.iloc[place].to_pydatetime(warn=False), tz, at(place)).timestamp() * 1000
    return stamps


def _shown_in(when: datetime, tz, at: str) -> datetime:
    """``when``, a time without a zone, as the moment the clocks of ``tz`` showed it: the first of the two
    when they showed it twice. ValueError when they skipped it, saying why and what to do."""
    moment = when.replace(tzinfo=tz, fold=0)
    if moment.astimezone(timezone.utc).astimezone(tz).replace(tzinfo=None) == when:
        return moment
    # fold 1 reads it with the offset after the jump, fold 0 with the one before: the jump is between.
    later = moment.replace(fold=1)
    forward = later.utcoffset() - moment.utcoffset()
    after = clocks_jump(tz, later.astimezone(timezone.utc), moment.astimezone(timezone.utc)).astimezone(tz)
    raise ValueError(
        # TRANSLATORS: {at} is "The reading" or "Row 3"; {zone} a time zone such as Europe/Berlin.
        _(
            "{at} was not recorded: its time {when:%Y-%m-%d %H:%M} never happened in {zone}: that night the clocks "
            "there jumped from {jumped:%H:%M} straight to {after:%H:%M} (summer time began). If the time came from a "
            "clock that was not put forward, the real time was {real:%H:%M}: use that, or give times with their "
            "time zone (e.g. in UTC)."
        ).format(at=at, when=when, zone=tz, jumped=after - forward, after=after, real=when + forward)
    )


def _checked(values: dict, at: str) -> dict:
    """The values of one reading; ValueError says what is wrong, ``at`` says where."""
    if not values:
        # TRANSLATORS: {at} is "The reading" or "Row 3".
        raise ValueError(_("{at} has no values: e.g. logger.record(temperature=21.5, humidity=40)").format(at=at))
    if len(values) > protocol.MAX_CHANNELS:
        raise ValueError(
            # TRANSLATORS: {at} is "The reading" or "Row 3".
            ngettext(
                "{at} has {count} value; a reading holds at most {most}",
                "{at} has {count} values; a reading holds at most {most}",
                len(values),
            ).format(at=at, count=len(values), most=protocol.MAX_CHANNELS)
        )
    checked = {}
    for name, value in values.items():
        if not isinstance(name, str) or not 0 < len(name) <= protocol.MAX_NAME_LENGTH:
            raise ValueError(
                # TRANSLATORS: {at} is "The reading" or "Row 3".
                ngettext(
                    "{at}: a value's name must be text of 1 to {limit} character, not {name!r:.80}",
                    "{at}: a value's name must be text of 1 to {limit} characters, not {name!r:.80}",
                    protocol.MAX_NAME_LENGTH,
                ).format(at=at, limit=protocol.MAX_NAME_LENGTH, name=name)
            )
        if isinstance(value, bool) or not isinstance(value, numbers.Real) or not math.isfinite(value):
            raise ValueError(
                # TRANSLATORS: {at} is "The reading" or "Row 3"; {name} the value's name, such as temperature.
                _("{at}: {name} must be a number, not {value!r:.40}").format(at=at, name=name, value=value)
            )
        checked[name] = float(value)
    return checked


def _reading(stamp: float, values: dict, device: str | None, latest: float, at: str) -> protocol.Reading:
    problem = protocol.time_problem(stamp, latest)
    if problem:
        # TRANSLATORS: {at} is "The reading" or "Row 3"; {problem} says what is wrong with its time.
        raise ValueError(_("{at} was not recorded: {problem}").format(at=at, problem=problem))
    return protocol.Reading(stamp, source_of(device), values, device)


def from_values(values: dict, device=None, when=None, tz=None) -> protocol.Reading:
    """One reading of ``values`` (name → number) at ``when`` (now by default)."""
    at = _("The reading")
    stamp = clock.time() * 1000 if when is None else _epoch_ms(load("pandas").Series([when]), tz, lambda _: at)[0]
    return _reading(stamp, _checked(values, at), _device(device), protocol.latest_time(), at)


def from_frame(frame: pd.DataFrame, tz) -> list[protocol.Reading]:
    """A reading per row of ``frame``: its time from a ``time`` column or the index, its values from the
    other columns (an empty cell is no value), its device from an optional ``device`` column."""
    pd = load("pandas")
    if not isinstance(frame, pd.DataFrame):
        raise ValueError(_("record_many takes a pandas DataFrame with a time column (or index) and a column per value"))
    if "time" in frame.columns:
        times = frame["time"]
    elif isinstance(frame.index, pd.DatetimeIndex):
        times = frame.index.to_series()
    else:
        raise ValueError(_("record_many needs the readings' times: a column called time, or times as the index"))
    stamps = _epoch_ms(times, tz, _row)
    devices = frame[DEVICE_COLUMN].tolist() if DEVICE_COLUMN in frame.columns else [None] * len(frame)
    devices = [None if not isinstance(d, str) and pd.isna(d) else d for d in devices]  # an empty cell: no name
    values = frame.drop(columns=[c for c in ("time", DEVICE_COLUMN) if c in frame.columns])
    not_numbers = [str(c) for c in values.columns if not pd.api.types.is_numeric_dtype(values[c])]
    if not_numbers:
        raise ValueError(
            _(
                "record_many takes columns of numbers besides time and device; {columns} cannot be recorded: "
                "leave them out with frame.drop"
            ).format(columns=", ".join(not_numbers))
        )
    if values.columns.empty:
        raise ValueError(_("record_many takes columns of numbers besides time and device; there are none"))
    names = [str(c) for c in values.columns]
    latest = protocol.latest_time()
    readings = []
    for place, (stamp, device, row) in enumerate(zip(stamps, devices, values.itertuples(index=False))):
        at = _row(place)
        kept = {name: value for name, value in zip(names, row) if not pd.isna(value)}
        if kept:  # a row of empty cells holds no reading
            readings.append(_reading(float(stamp), _checked(kept, at), _device(device), latest, at))
    return readings
