"""``ClassView``: the teacher's notebook widget of a whole class, read from the class sheet (see classview)."""

from __future__ import annotations

import logging
import threading
import time
from datetime import datetime, timezone
from typing import TYPE_CHECKING

from traitlets import Float, List, Unicode, observe

from .cells import replace_earlier_run
from .classview import ClassLine, ClassReader, channels, class_lines, default_channel, natural, read_period
from .ethercalc import Sheet, SheetError, SlowDown
from .i18n import _
from .pandas_loader import load
from .schedule import _parse_tz, kernel_zone, parse_interval
from .timers import Repeating
from .widgetstate import SensorlabWidget

if TYPE_CHECKING:
    import pandas as pd

__all__ = ["ClassView"]

log = logging.getLogger("sensorlab")

TICK = 10.0  # seconds between two looks at the states, which change as time passes, without reading the sheet
LONGEST_WAIT = 600.0  # the longest wait between two reads after the server asked for fewer


def _ms(when: datetime | None) -> float | None:
    return None if when is None else when.timestamp() * 1000


class ClassView(SensorlabWidget):
    """Every logger of a class at a glance, from the class sheet alone: one line per logger and device with its
    latest values, the time of its last row and its state, the ones that need attention first; and every group on
    one chart for a chosen channel.

    A logger is "late" when its last row is older than two of its intervals, "silent" when older than six, and
    "no readings" when it posts but its last row holds no values (its board sends nothing). A logger's interval is
    what its rows say (``every (min)``: the minutes until its next row, as its schedule said); for rows of older
    sensorlab versions, the median gap between its last rows.

    Parameters
    ----------
    sheet : Sheet or str
        The class sheet (its continuations ``-2``, ``-3``… and the device sheets it points to are read too).
    refresh : seconds or text like "1min"
        How often the sheet is read; never more often than the loggers post. The states are
        looked at again every 10 s in between.
    channel : str, optional
        The channel the chart shows; ``temperature`` when there is one.
    tz : str, optional
        The zone of times in rows that do not say theirs; the kernel's by default.
    """

    _model_name = Unicode("ClassViewModel").tag(sync=True)
    _view_name = Unicode("ClassViewView").tag(sync=True)

    sheet_url = Unicode("", help="The class sheet's address for people.").tag(sync=True)
    lines = List(help="One dict per logger and device, in the order shown.").tag(sync=True)
    channels = List(Unicode(), help="The channels some logger has values of.").tag(sync=True)
    channel = Unicode("", help="The channel the chart shows.").tag(sync=True)
    series = List(help="Each line's times (epoch ms) and values of the chart's channel.").tag(sync=True)
    read_at = Float(None, allow_none=True, help="When the sheet was last read (epoch ms).").tag(sync=True)
    next_read = Float(None, allow_none=True, help="When the sheet is read next (epoch ms).").tag(sync=True)
    problem = Unicode("", help="Why the last read failed, in words; empty when it worked.").tag(sync=True)

    def __init__(self, sheet, refresh="1min", channel=None, tz=None):
        sheet = Sheet.of(sheet)
        if sheet is None:
            raise ValueError(_('ClassView needs the class sheet, e.g. ClassView("http://127.0.0.1:8000/class-7b")'))
        self.sheet = sheet
        self.refresh = parse_interval(refresh, "refresh").total_seconds()
        self._zone = _parse_tz(tz) or kernel_zone()
        self._reader = ClassReader(sheet.name, sheet.read_sibling)
        self._lock = threading.RLock()
        self._rows: list = []
        self._found: list[ClassLine] = []
        self._read_due = 0.0  # monotonic
        self._slowdowns = 0
        self._just_read = False
        self._ticks: Repeating | None = None
        super().__init__(sheet_url=sheet.url, channel=channel or "")
        replace_earlier_run(self)  # running the cell again replaces the view rather than adding a second reader
        self._ticks = Repeating(TICK, self._tick, first=0.0)

    def refresh_now(self) -> None:
        """Read the sheet now, whenever the next read was due."""
        with self._lock:
            self._read()
            self._show()

    def table(self) -> pd.DataFrame:
        """What the view shows, as a DataFrame: group, device, state, last row, interval (min), then the latest
        values."""
        pd = load("pandas")
        with self._lock:
            found = list(self._found)
        return pd.DataFrame(
            [
                {
                    "group": line.label,
                    "device": line.device,
                    "state": line.state,
                    "last row": pd.Timestamp(line.last_row).tz_convert(self._zone),
                    "interval (min)": line.interval / 60,
                    **line.values,
                }
                for line in found
            ]
        )

    def close(self):
        if self._ticks:
            self._ticks.cancel()
        super().close()

    def _tick(self) -> float:
        with self._lock:
            if time.monotonic() >= self._read_due:
                self._read()
            self._show()
            return max(0.5, min(TICK, self._read_due - time.monotonic()))

    def _read(self) -> None:
        try:
            self._rows = self._reader.rows()
        except SlowDown as error:
            self._slowdowns += 1
            wait = max(error.retry_after or 0.0, min(self.refresh * 2**self._slowdowns, LONGEST_WAIT))
            self._problem(
                _("The sheet server asks to be read less often: the class view reads it again in {wait:g} s.").format(
                    wait=round(wait)
                ),
                wait,
            )
            return
        except SheetError as error:
            log.warning("sensorlab class view: %s", error)
            self._problem(
                _(
                    "The class view cannot read the sheet {url} just now: the server does not answer, or answers "
                    "with an error. It shows what it read last and tries again in {wait:g} s."
                ).format(url=self.sheet.url, wait=round(self.refresh)),
                self.refresh,
            )
            return
        self._slowdowns = 0
        self.problem = ""
        self.read_at = time.time() * 1000
        self._just_read = True  # the next lines say when to read again

    def _problem(self, words: str, wait: float) -> None:
        self.problem = words
        self._next_read_in(wait)

    def _next_read_in(self, seconds: float) -> None:
        self._read_due = time.monotonic() + seconds
        self.next_read = time.time() * 1000 + seconds * 1000

    def _show(self) -> None:
        found = class_lines(self._rows, datetime.now(timezone.utc), self._zone)
        if self._just_read:
            self._just_read = False
            self._next_read_in(read_period(self.refresh, found))
        names = channels(found)
        self._found = found
        self.lines = [
            {
                "label": line.label,
                "device": line.device,
                "state": line.state,
                "last_row": _ms(line.last_row),
                "interval_s": line.interval,
                "values": line.values,
                "values_at": _ms(line.values_at),
            }
            for line in found
        ]
        self.channels = names
        wanted = self.channel if self.channel in names else default_channel(names)
        if wanted != self.channel:
            self.channel = wanted  # its observer sends the series
        else:
            self._send_series()

    def _send_series(self) -> None:
        # In name order, not state order: each group keeps its colour on the chart when its state changes.
        by_name = sorted(self._found, key=lambda line: (natural(line.label), natural(line.device)))
        self.series = [
            {
                "label": line.label,
                "device": line.device,
                "times": [_ms(when) for when, _value in line.series(self.channel)],
                "values": [value for _when, value in line.series(self.channel)],
            }
            for line in by_name
        ]

    @observe("channel")
    def _chart_channel(self, _change):
        with self._lock:
            self._send_series()
