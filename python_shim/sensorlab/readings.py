"""The readings a logger keeps in memory, as a pandas DataFrame, and their CSV export."""

from __future__ import annotations

import math
from array import array
from typing import TYPE_CHECKING

from . import columns, protocol
from .i18n import ngettext
from .pandas_loader import load

if TYPE_CHECKING:
    import pandas as pd

__all__ = ["RESERVED_COLUMNS", "Readings", "channel_values", "neutralise", "notes_frame", "readings_csv"]

# Columns sensorlab fills itself, in logger.data or in a sheet; a device channel of the same name is renamed
# "device <name>".
RESERVED_COLUMNS = (*columns.RESERVED, "source", "received")
_RESERVED = frozenset(RESERVED_COLUMNS)


def channel_values(values: dict) -> dict:
    """A reading's values with channel names that cannot clash with sensorlab's own columns."""
    if _RESERVED.isdisjoint(values):  # the usual case, checked in C: this runs for every reading
        return values
    return {(f"device {name}" if name in RESERVED_COLUMNS else name): value for name, value in values.items()}


class Readings:
    """Every reading, column by column (an array of floats per channel, NaN where absent).

    Each device (a reading's ``source``) has at most ``protocol.MAX_CHANNELS`` channels, as one
    reading has: a noisy board printing a new name every line would otherwise make a column per
    name (4,000 names held 133 MB). Values of further names are left out and counted in
    ``values_over_cap``; ``over_cap_problem`` says so in words.
    """

    def __init__(self):
        self.time = array("d")
        self.received = array("d")
        # Each reading's (source, device name it came with), as a place in ``devices``: keeping each
        # reading's own strings would cost about as much memory as all the values together.
        self.device = array("i")
        self.devices: list[tuple[str, str | None]] = []
        self._device_places: dict[tuple[str, str | None], int] = {}
        self.channels: dict[str, array] = {}
        self.latest_time: float | None = None
        self._device_channels: dict[str, set[str]] = {}
        self.values_over_cap = 0
        self.over_cap_problem = ""

    def __len__(self):
        return len(self.time)

    def add(self, reading: protocol.Reading, received: float) -> dict:
        """Keep a reading; returns its values as kept (a device's names past the cap left out)."""
        count = len(self.time)
        values = self._within_cap(reading.source, channel_values(reading.values))
        for name in values:
            if name not in self.channels:
                self.channels[name] = array("d", [math.nan]) * count
        self.time.append(reading.time)
        self.received.append(received)
        key = (reading.source, reading.device)
        place = self._device_places.get(key)
        if place is None:
            place = self._device_places[key] = len(self.devices)
            self.devices.append(key)
        self.device.append(place)
        for name, column in self.channels.items():
            column.append(float(values.get(name, math.nan)))
        self.latest_time = reading.time
        return values

    def _within_cap(self, source: str, values: dict) -> dict:
        names = self._device_channels.get(source)
        if names is None:
            names = self._device_channels[source] = set()
        if names.issuperset(values):  # the usual case, checked in C
            return values
        kept = {}
        for name, value in values.items():
            if name in names or len(names) < protocol.MAX_CHANNELS:
                names.add(name)
                kept[name] = value
            else:
                self.values_over_cap += 1
                self.over_cap_problem = ngettext(
                    'The device "{source}" sends more than {most} channel name (the latest: "{name}"): values of '
                    "further names are not kept. Check the names the board prints (a number or the time inside a "
                    "name makes a new one each line).",
                    'The device "{source}" sends more than {most} channel names (the latest: "{name}"): values of '
                    "further names are not kept. Check the names the board prints (a number or the time inside a "
                    "name makes a new one each line).",
                    protocol.MAX_CHANNELS,
                ).format(source=source, most=protocol.MAX_CHANNELS, name=name)
        return kept

    @property
    def sources(self) -> set[str]:
        """Every device (source id) heard."""
        return {source for source, _ in self.devices}

    def frame(self, tz, name_of) -> pd.DataFrame:
        """time, source, device (``name_of(source, device)``), one column per channel, received; times in
        the zone ``tz``."""
        pd, np = load("pandas"), load("numpy")
        places = np.frombuffer(self.device, dtype=np.int32) if len(self.device) else np.zeros(0, dtype=np.int32)
        sources = np.array([source for source, _ in self.devices] or [""], dtype=object)
        names = np.array([name_of(source, device) for source, device in self.devices] or [""], dtype=object)
        columns = {
            "time": pd.to_datetime(list(self.time), unit="ms", utc=True).tz_convert(tz),
            "source": sources[places],
            "device": names[places],
        }
        for name, column in self.channels.items():
            columns[name] = list(column)
        columns["received"] = pd.to_datetime(list(self.received), unit="s", utc=True).tz_convert(tz)
        return pd.DataFrame(columns)


def notes_frame(notes: list[tuple[float, str]], tz) -> pd.DataFrame:
    """Notes given as (epoch seconds, text): a DataFrame of time and note."""
    pd = load("pandas")
    return pd.DataFrame(
        {
            "time": pd.to_datetime([t for t, _ in notes], unit="s", utc=True).tz_convert(tz),
            "note": [text for _, text in notes],
        }
    )


# A text cell starting with one of these is run as a formula by spreadsheet programs (OWASP's
# "CSV injection"): a ' before it makes it plain text.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def neutralise(text: str) -> str:
    """``text`` as a spreadsheet program shows it and never runs it."""
    return "'" + text if text.startswith(FORMULA_STARTS) else text


def readings_csv(data: pd.DataFrame, notes: pd.DataFrame, path=None) -> str | None:
    """Readings as CSV, each note beside the first reading at or after it (else the last one);
    text that a spreadsheet program would run as a formula is written as plain text.

    Returns the text, or writes it to ``path``. The notebook widget's Download CSV sends this too.
    """
    data = data.drop(columns=["received"])
    data.insert(len(data.columns), "note", "")
    for when, text in notes.itertuples(index=False):
        after = data.index[data["time"] >= when]
        at = after[0] if len(after) else (data.index[-1] if len(data) else None)
        if at is not None:
            data.loc[at, "note"] = f"{data.loc[at, 'note']}; {text}" if data.loc[at, "note"] else text
    data["time"] = data["time"].dt.strftime("%Y-%m-%d %H:%M:%S.%f").str[:-3]
    for column in ("source", "device", "note"):  # the text columns; the others hold times and numbers
        data[column] = data[column].map(neutralise)
    data.columns = [neutralise(str(name)) for name in data.columns]  # channel names come from devices
    # Lines end in \r\n as RFC 4180 says, so a text holding \r is quoted like one holding \n.
    return data.to_csv(path, index=False, lineterminator="\r\n")
