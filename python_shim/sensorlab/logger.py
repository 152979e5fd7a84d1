"""The Logger widget: what a notebook sees of a sensor; it wires the readings channel, the
readings, device requests and the outbox together and posts rows when the schedule says."""

from __future__ import annotations

import logging
import threading
import time
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING

from ipywidgets import DOMWidget

from . import protocol
from .cells import replace_earlier_run
from .channel import ReadingsChannel
from .device import DeviceRequests
from .devices import DeviceNames, DeviceRows, given_name
from .devicesheets import DeviceSheets
from .ethercalc import Sheet
from .i18n import _, ngettext
from .outbox import Outbox, posting_status, row_key
from .pandas_loader import PandasMissing
from .readings import Readings, notes_frame, readings_csv
from .record import from_frame, from_values
from .rows import default_group, logger_columns, no_readings_since
from .schedule import DaylightSchedule, LastPost, parse_interval
from .status import STATUS_EVERY, Throttle, iso, iso_ms
from .store import LoggerFile, default_data_dir
from .timers import Repeating
from .widgetstate import SEVERAL, LoggerState

if TYPE_CHECKING:
    import pandas as pd

__all__ = ["Logger"]

log = logging.getLogger("sensorlab")

REQUEST_TIMEOUT = 10.0  # seconds logger.send and set_period wait for the browser
CHARTED = 1000  # readings made in Python sent to the widget's chart at most at once
# Seconds between two looks for a row due while no batch comes: longer than the 20 s between two
# "alive" messages of an open page, so a page open since the previous look has said so in between.
QUIET_CHECK_EVERY = 30.0


class Logger(LoggerState):
    """Logs a sensor read by the browser, and posts rows to a sheet on a schedule.

    Parameters
    ----------
    sheet : Sheet or str, optional
        Where rows go, e.g. ``"http://127.0.0.1:8000/class-7b"``. Without a sheet,
        readings are kept in the notebook only.
    schedule : DaylightSchedule, optional
        When rows are due; by default every 15 min from 08:00 to 20:00 and every 60 min
        otherwise.
    source : {"simulated", "serial", "bluetooth", "simulated-class", "all"}
        Which kind of sensor the widget connects to: "simulated-class" is a class of 30 simulated
        micro:bits sending through a radio gateway, "all" every device of the browser tab.
    devices : list of str, optional
        Log only these devices (names or ids such as "serial-1" or "microbit-1923449"); all of
        that kind by default. With several devices, each interval gives a row per device.
    sheet_per_device : bool
        Post each device's rows to a sheet of its own named after ``sheet`` (class-7b-group-1)
        rather than all of them to ``sheet`` with a ``device`` column.
    name : str, optional
        Names this logger; a new Logger with the same name replaces the old one.
        Defaults to the sheet's name, or "sensorlab" without a sheet.
    forward_every : seconds or text like "5s", optional
        How often the browser sends what it has read to the kernel; by default the
        "Forward interval" of sensorlab's settings (5 s).
    baud : int
        Serial speed in bits per second, 9600 to 1,000,000 (USB boards; default 115200).
    format : {"auto", "plotter", "labels", "tuple", "radio", "semicolon", "keyvalue", "csv", "json"}
        How a USB board's lines are read: Arduino Serial Plotter lines (``temp:21.5``),
        ``Temperature: 21.5``, Python tuples ``(21.5, 40)``, MakeCode radio packets,
        ``21,5;40,2``, ``temp=21.5``, a CSV header then rows, or one JSON object per line
        (see the README). "auto" finds out from the board's first readable line.
    channels : list of str
        Names for values a board prints without labels (``21.5 40`` → temperature, humidity).
    usb_vendor_id, usb_product_id : int, optional
        Offer only boards with these USB ids in the browser's chooser.
    name_prefix : str, optional
        Offer only Bluetooth sensors whose name starts with this.
    poll_every : seconds or text like "2s", optional
        Read a Bluetooth sensor at this period instead of waiting for its notifications.
    data_dir : str or Path, optional
        Where the logger keeps its readings and the rows still to post, so that a
        restarted kernel finds them again; ``.sensorlab`` beside the notebook by default.
    row : {"latest", "mean"}
        What a row holds of the values read since the previous row (a channel with none stays
        empty): each channel's latest value, or its mean with ``<name> min`` and ``<name> max``.
    group : str, optional
        Who logs, as the teacher will recognise it in the sheet's ``group`` column and in the class
        view: "group 3", "bench A" (a group, not a child's full name: sheets have no password).
        Without it, rows say "logger" and a short code that stays the same for this logger's file;
        on a JupyterHub where the teacher turned on ``SENSORLAB_GROUP_FROM_LOGIN``, the login.
    """

    def __init__(
        self,
        sheet=None,
        schedule=None,
        source="simulated",
        name=None,
        forward_every=None,
        poll_every=None,
        data_dir=None,
        row="latest",
        devices=None,
        sheet_per_device=False,
        group=None,
        **kwargs,
    ):
        # Set first: close() runs from __del__ even when a check below fails.
        self._lock = threading.RLock()
        self._readings = Readings()
        self._file: LoggerFile | None = None
        self._channel: ReadingsChannel | None = None
        # The status goes to the views soon after a change, at most every STATUS_EVERY seconds.
        self._status_throttle = Throttle(STATUS_EVERY, self._publish_status)
        self._closed = False
        self._pending_at_close = 0
        self._outbox = None
        self._quiet_looks: Repeating | None = None
        # On the widget's own comm: a message the kernel sends on the readings comm from a
        # cell makes ipykernel route the browser's next messages there to the cell's
        # thread, and the answer could then not arrive while this cell waits.
        self._requests = DeviceRequests(lambda message: DOMWidget.send(self, message))  # send() is ours
        self._sheet = sheet = Sheet.of(sheet)
        group_given = given_name(
            group,
            ngettext(
                'group must be some text (at most {limit} character) such as "group 3", not {name!r:.80}',
                'group must be some text (at most {limit} characters) such as "group 3", not {name!r:.80}',
                protocol.MAX_DEVICE_NAME_LENGTH,
            ),
            limit=protocol.MAX_DEVICE_NAME_LENGTH,
        )
        self.schedule = DaylightSchedule.of(schedule)
        self._row_values = DeviceRows(row)
        self._sheet_per_device = bool(sheet_per_device)
        one = isinstance(devices, (str, int))  # devices="serial-1" means the one device, not its letters
        kwargs["devices"] = [str(device) for device in ([devices] if one else devices or [])]
        forward_seconds = (
            None if forward_every is None else parse_interval(forward_every, "forward_every").total_seconds()
        )
        if poll_every is not None:
            kwargs["poll_every"] = parse_interval(poll_every, "poll_every").total_seconds()
        name = name or (sheet.name if sheet else "sensorlab")
        super().__init__(
            name=name,
            source=source,
            forward_every=forward_seconds,
            sheet_url=sheet.url if sheet else "",
            **kwargs,
        )
        replace_earlier_run(self)  # before taking the file: the Logger it replaces may hold it
        # What an earlier kernel left: its readings, its last post, the rows it did not post.
        self._file = LoggerFile(Path(data_dir) if data_dir is not None else default_data_dir(), name)
        self._errors, self._last_error = (1, self._file.problem) if self._file.problem else (0, "")
        for reading, received in self._file.readings():
            self._readings.add(reading, received)
        self._names = DeviceNames(self._file)
        self.group = group_given or default_group(row_key(self._file))
        self._note = self._file.get("note") or ""
        self._post_notice = ""  # why post_now posted nothing, until a row goes
        # Monotonic: when a page last said it shows this logger, and when the logger last looked for quiet.
        self._page_seen = float("-inf")
        self._looked_at = time.monotonic()
        self._notes = self._file.notes()
        last_post = self._file.get("last_post")
        self._last_post = LastPost(datetime.fromisoformat(last_post) if last_post else None)
        posting = DeviceSheets if sheet_per_device else Outbox
        self._outbox = posting(sheet, self._file, on_change=self._status_throttle.changed) if sheet else None
        self.on_msg(self._on_widget_msg)
        self._channel = ReadingsChannel(
            name,
            self._file,
            on_readings=self._take_readings,
            on_device_result=self._on_device_result,
            on_error=self._record_error,
            on_replaced=self.close,
        )
        self._channel.open()
        if sheet:
            self._readings_at_last_look = len(self._readings)
            self._quiet_looks = Repeating(QUIET_CHECK_EVERY, self._post_if_quiet)
        self._publish_status()

    # -- what users read --------------------------------------------------------

    @property
    def data(self) -> pd.DataFrame:
        """Every reading received so far: time, source (the device's id), device (its name), one column per
        channel, received."""
        with self._lock:
            return self._readings.frame(self.schedule.zone, self._names.name_of)

    @property
    def sheet(self) -> Sheet | None:
        """The sheet rows go to: when a sheet is full, the one that continues it."""
        return self._outbox.sheet if self._outbox else self._sheet

    @property
    def status(self) -> dict:
        """What the logger does: connected, device, readings, last_post, next_post, pending, posted, errors,
        last_error, next_retry, sheet (where rows go now), sheet_notice (a full sheet goes on in a new one),
        post_notice (why the last post_now posted nothing, until a row goes),
        the device's device_problem, bad_lines, bad_values and last_bad_line (lines it could not read), and
        devices (the id of each device heard → its name)."""
        with self._lock:
            now = datetime.now().astimezone()
            outbox = self._outbox
            status = {
                "connected": self.device.get("state") == "connected",
                "device": self.device.get("state", "not connected"),
                "readings": len(self._readings),
                "last_reading": iso_ms(self._readings.latest_time),
                "last_post": iso(self._last_post.when),
                "next_post": iso(self.schedule.next_post(self._last_post.seen_from(now), now)) if self.sheet else None,
                **posting_status(outbox),
                "errors": self._errors + (outbox.errors if outbox else 0),
                "last_error": (outbox.last_error if outbox and outbox.last_error else self._last_error),
                "device_problem": self.device.get("problem", "") or self._readings.over_cap_problem,
                "bad_lines": self.device.get("bad_lines", 0),
                "bad_values": self.device.get("bad_values", 0) + self._readings.values_over_cap,
                "last_bad_line": self.device.get("last_bad_line"),
                "note": self._note,
                "post_notice": self._post_notice,
                "devices": {source: self._names.name_of(source, device) for source, device in self._readings.devices},
            }
            if self._closed:
                status["pending"] = self._pending_at_close
            return status

    def name_devices(self, names: dict) -> None:
        """Give devices names for people, e.g. ``logger.name_devices({1923449: "group 1", "serial-1": "bench A"})``.

        A key is a micro:bit's serial number or a device's id (``logger.data``'s source column);
        the names show in ``logger.data``, the status and the rows from now on (None forgets one).
        """
        with self._lock:
            self._names.update(names)
        self._status_throttle.changed()

    def record(self, device: str | None = None, time=None, **values) -> None:
        """Add a reading made in Python, e.g. ``logger.record(temperature=21.5, humidity=40, device="pi")``.

        It is kept, charted and posted like the browser's readings; ``time`` (a datetime) is now by default.
        """
        self._add_readings([from_values(values, device, time, self.schedule.zone)])

    def record_many(self, frame: pd.DataFrame) -> int:
        """Add the readings of a DataFrame: a ``time`` column (or times as the index), a column per
        value, and optionally a ``device`` column. Returns how many readings were added."""
        readings = from_frame(frame, self.schedule.zone)
        self._add_readings(readings)
        return len(readings)

    def note(self, text: str) -> None:
        """Write ``text`` in the ``note`` column of the next row, e.g. ``logger.note("window opened")``."""
        if not isinstance(text, str) or not text.strip():
            raise ValueError(_('a note is some text, e.g. logger.note("window opened")'))
        with self._lock:
            self._refuse_if_closed()
            self._note = text.strip()[: protocol.MAX_NOTE_LENGTH]
            self._file.set("note", self._note)
            when = time.time()
            self._file.add_note(when, self._note)
            self._notes.append((when, self._note))
        self._status_throttle.changed()

    @property
    def notes(self) -> pd.DataFrame:
        """Every note written with ``note()`` or the widget's note box: time and text."""
        with self._lock:
            notes = list(self._notes)
        return notes_frame(notes, self.schedule.zone)

    def to_csv(self, path=None) -> str | None:
        """Every reading as CSV, with its time and the notes beside the readings they came before.

        Returns the text, or writes it to ``path``.
        """
        return readings_csv(self.data, self.notes, path)

    def post_now(self) -> dict | list[dict] | None:
        """Queue a row with the values read since the previous row now, whatever the schedule; returns the row
        (a list of rows, one per device, when the logger logs several devices).

        With nothing read since the previous row and no note, nothing is posted: the status's
        ``post_notice`` and the log say so, and it returns None.
        """
        with self._lock:
            self._refuse_if_closed()
            now = datetime.now().astimezone()
            row = self._queue_row(now)
            if row is None and self._outbox is not None:
                latest = self._readings.latest_time
                why = _("no readings yet") if latest is None else no_readings_since(latest, now, self.schedule.zone)
                # TRANSLATORS: {why} is "no readings yet" or "no readings since 10:15".
                notice = _("Nothing posted at {time:%H:%M}: {why}. Is the sensor connected and started?")
                self._post_notice = notice.format(time=now.astimezone(self.schedule.zone), why=why)
                log.warning("sensorlab: %s", self._post_notice)
        self._status_throttle.changed()
        return row

    def send(self, line: str, timeout: float = REQUEST_TIMEOUT) -> None:
        """Write a line to the device, e.g. ``logger.send("target 21.5")``.

        Raises RuntimeError with the reason when the browser cannot send it (no page
        open, no device connected), and TimeoutError when the browser does not answer.
        """
        if not isinstance(line, str) or "\n" in line.rstrip("\n"):
            raise ValueError(_('send takes one line of text, e.g. logger.send("target 21.5")'))
        self._device_request("send_line", timeout, line=line.rstrip("\n"))

    def set_period(self, ms: int, timeout: float = REQUEST_TIMEOUT) -> int | None:
        """Ask a micro:bit over Bluetooth to measure every ``ms`` milliseconds.

        Returns the period the micro:bit chose (it rounds), or None when the answer
        cannot arrive while this cell runs (then errors show in ``logger.status``).
        """
        if isinstance(ms, bool) or not isinstance(ms, int) or not 1 <= ms <= 65535:
            raise ValueError(_("set_period takes whole milliseconds from 1 to 65535, not {ms!r}").format(ms=ms))
        value = self._device_request("set_period", timeout, ms=ms)
        return None if value is None else int(value)

    def flush(self, timeout: float | None = None) -> bool:
        """Wait until every queued row is in the sheet; False if ``timeout`` seconds passed first."""
        if self._closed:
            return self._pending_at_close == 0
        return self._outbox.flush(timeout) if self._outbox else True

    def close(self):
        if self._channel:  # first, and outside our lock: a batch being stored takes it
            self._channel.close()
        with self._lock:
            if self._closed:
                return
            self._closed = True
        self._status_throttle.stop()
        if self._quiet_looks:
            self._quiet_looks.cancel()
        if self._outbox:
            self._outbox.close()  # waits a while for the post in progress, so the next owner finds it done
            self._pending_at_close = self._outbox.pending
        if self._file:  # after the outbox: its worker touches the file only while not closed
            self._file.close()
        super().close()

    # -- wiring ------------------------------------------------------------------

    def _refuse_if_closed(self) -> None:
        if self._closed:
            raise RuntimeError(
                _('The logger "{name}" was closed: create a new Logger to go on logging.').format(name=self.name)
            )

    def _device_request(self, action: str, timeout: float, **params):
        """Ask the browser to do something with the device and, where it can answer in time, wait."""
        if not (self._channel and self._channel.attached):
            raise RuntimeError(
                _(
                    "No browser page is showing this logger: display it (run the cell with `logger`) "
                    "in an open notebook, connect the device, then try again."
                )
            )
        # Only wait when the answer can arrive while this cell runs (a comm subshell).
        wait = self._channel.concurrent and threading.current_thread() is threading.main_thread()
        return self._requests.ask(action, timeout, wait=wait, **params)

    def _on_device_result(self, result: protocol.DeviceResult) -> None:
        if not self._requests.answer(result) and result.error:  # nobody waits: say it in the status
            self._record_error(_("The device could not do what was asked: {error}").format(error=result.error))

    def _add_readings(self, readings: list[protocol.Reading]) -> None:
        """Readings made in Python: stored, then taken like a batch's; the widget charts them."""
        with self._lock:
            self._refuse_if_closed()
            received = time.time()
            self._file.add_readings(readings, received)
            self._take_readings(readings, received)
        DOMWidget.send(self, protocol.recorded(readings[-CHARTED:]))

    def _take_readings(self, readings: list[protocol.Reading], received: float) -> None:
        """A new batch's readings (none when nothing came): keep them, and queue rows if the schedule says
        they are due."""
        with self._lock:
            for reading in readings:
                values = self._readings.add(reading, received)  # a device's channels past the cap left out
                self._row_values.add(reading, values)
            now = datetime.now().astimezone()
            if self.sheet and self.schedule.is_due(self._last_post.seen_from(now), now):
                self._queue_row(now, on_schedule=True)
        self._status_throttle.changed()

    def _post_if_quiet(self) -> None:
        """Posts a row that is due when no batch comes to post it (a board unplugged, a program printing
        nothing): the row then says since when nothing was read. Only while a page shows the logger with its
        sensor started, and after a whole look with nothing arriving: a batch may be on its way."""
        with self._lock:
            arrived = len(self._readings)
            quiet, self._readings_at_last_look = arrived == self._readings_at_last_look, arrived
            # A tab closed while its kernel runs on is no unplugged board: no row says so.
            page_open, self._looked_at = self._page_seen > self._looked_at, time.monotonic()
            started = page_open and self._channel.attached and self.device.get("state", "stopped") != "stopped"
            if quiet and started and not self._closed:
                self._take_readings([], time.time())

    def _queue_row(self, now: datetime, on_schedule: bool = False) -> dict | list[dict] | None:
        """Queue the rows since the previous one (on the schedule also one per device that sent nothing
        since), or the note alone; None when there is nothing to post."""
        if self._outbox is None:
            return None
        several = self._sheet_per_device or self.source in SEVERAL or len(self.devices) > 1
        per_device = several or len(self._readings.sources) > 1
        rows = self._row_values.take(now, self.schedule.zone, self._names.name_of, per_device, self._note, on_schedule)
        if not rows:
            return None
        if self._note:
            self._note = ""
            self._file.set("note", "")
        self._post_notice = ""
        every = (self.schedule.next_post(now, now) - now).total_seconds() / 60
        rows = [logger_columns(row, self.group, round(every, 4)) for row in rows]
        for row in rows:
            self._outbox.put(row)
        self._last_post.set(now)
        self._file.set("last_post", now.isoformat())
        return rows[0] if len(rows) == 1 and "device" not in rows[0] else rows

    def _on_widget_msg(self, _widget, content, buffers) -> None:
        kind = content.get("type") if isinstance(content, dict) else None
        if kind == "alive":
            self._page_seen = time.monotonic()
        elif kind == "post_now":
            self.post_now()
        elif kind == "export":
            # The page asked for the download: the CSV goes back as a buffer.
            try:
                csv = self.to_csv()
            except PandasMissing as error:  # a class site offline: the status says why nothing came
                self._record_error(str(error))
                return
            DOMWidget.send(self, {"type": "export", "filename": f"{self.name}.csv"}, buffers=[csv.encode("utf-8")])
        elif kind == "note":
            try:
                self.note(protocol.parse_note(content))
            except protocol.ProtocolError as error:
                self._record_error(_("A note from the page was refused: {error}").format(error=error))

    # -- status ------------------------------------------------------------------

    def _record_error(self, message: str) -> None:
        log.warning("sensorlab: %s", message)
        with self._lock:
            self._errors += 1
            self._last_error = message
        self._status_throttle.changed()

    def _publish_status(self) -> None:
        with self._lock:
            if self._closed:
                return
            status = self.status
        try:
            self.sheet_url = status["sheet"] or ""
            self._status = status
        except Exception:  # the widget's comm may be gone (kernel shutting down)
            log.debug("sensorlab: status not sent", exc_info=True)
