"""The kernel-side Logger, fed through its readings comm handler as the browser feeds it."""

import json
import re
import threading
import time
from datetime import datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
import sensorlab
from comms import batch, deliver_from_threads, measured, open_comm
from ipywidgets import DOMWidget
from sensorlab import logger as logger_module

FIXTURES = Path(__file__).parents[1] / "fixtures" / "protocol"
# What an open page sends the Logger's widget every 20 s (the browser's own fixture).
ALIVE = json.loads((FIXTURES / "alive.json").read_text())


def test_batches_are_stored_and_acked(logger):
    comm = open_comm("unit")
    comm.deliver(batch(0))
    comm.deliver(batch(1, start=3))
    assert comm.sent[1:] == [{"type": "ack", "seq": 0}, {"type": "ack", "seq": 1}]
    data = logger.data
    assert list(data.columns) == ["time", "source", "device", "temperature", "humidity", "received"]
    assert list(data["device"]) == ["simulated"] * 6  # no name given or sent: the device's id
    assert len(data) == 6
    assert list(data["temperature"]) == [20, 21, 22, 20, 21, 22]
    assert str(data["time"].dt.tz) != "None"
    assert data["time"].iloc[0].timestamp() == 1795255200


@pytest.mark.parametrize("case", json.loads((FIXTURES / "invalid-batches.json").read_text()), ids=lambda c: c["why"])
def test_bad_messages_are_refused_and_the_logger_keeps_going(logger, case):
    comm = open_comm("unit")
    comm.deliver(case["message"])
    assert comm.sent[-1]["type"] == "refused"
    assert comm.sent[-1]["reason"]
    assert logger.status["errors"] == 1
    assert "refused" in logger.status["last_error"]
    comm.deliver(batch(5))
    assert comm.sent[-1] == {"type": "ack", "seq": 5}
    assert len(logger.data) == 3


def test_a_refused_batch_counts_as_handled(logger):
    comm = open_comm("unit")
    comm.deliver({"type": "batch", "seq": 0, "readings": "garbage"})
    for seq in range(1, 5):
        comm.deliver(batch(seq, start=3 * seq))
    # The same numbers again (a browser resending after a reload): acked, stored once.
    comm.deliver(batch(0))
    for seq in range(1, 5):
        comm.deliver(batch(seq, start=3 * seq))
    assert len(logger.data) == 12
    assert comm.sent[-1] == {"type": "ack", "seq": 4}
    # A bad seq is refused with seq null, which the browser understands.
    comm.deliver({"type": "batch", "seq": -1, "readings": []})
    assert comm.sent[-1]["seq"] is None


def test_channels_that_appear_later_get_their_own_column(logger):
    comm = open_comm("unit")
    comm.deliver(batch(0, count=2))
    comm.deliver(
        {"type": "batch", "seq": 1, "readings": [{"time": 1795255205000, "values": {"lux": 300}, "source": "s"}]}
    )
    data = logger.data
    assert list(data["lux"].isna()) == [True, True, False]
    assert data["temperature"].isna().tolist() == [False, False, True]


def test_handlers_are_thread_safe(logger):
    """Comm messages run on a subshell thread; several streams at once lose nothing."""
    comms = deliver_from_threads("unit", 6, 150)
    assert len(logger.data) == 6 * 150 * 3
    assert all(len(c.sent) == 151 for c in comms)


def test_a_new_logger_with_the_same_name_replaces_the_old_one(logger):
    comm = open_comm("unit")
    replacement = sensorlab.Logger(name="unit")
    try:
        assert "closed or replaced" in comm.closed_with["reason"]
        assert open_comm("unit").sent == [{"type": "hello", "logger": "unit"}]
    finally:
        replacement.close()


def test_arguments_are_checked():
    with pytest.raises(ValueError, match="source must be one of simulated, serial, bluetooth"):
        sensorlab.Logger(source="usb")
    with pytest.raises(ValueError, match="a sheet address looks like"):
        sensorlab.Logger(sheet="class-7b")
    with pytest.raises(ValueError, match="forward_every must be"):
        sensorlab.Logger(forward_every="soon")
    with pytest.raises(ValueError, match="schedule must be a sensorlab.DaylightSchedule"):
        sensorlab.Logger(schedule="15min")


def test_rows_are_posted_when_due_and_on_demand(sheet_url):
    schedule = sensorlab.DaylightSchedule(day_every="1h", night_every="1h")
    logger = sensorlab.Logger(sheet=sheet_url, schedule=schedule, name="posting")
    try:
        comm = open_comm("posting")
        comm.deliver(batch(0))  # nothing posted yet: a row is due at once
        comm.deliver(batch(1, start=3))  # within the hour: not due
        assert logger.flush(timeout=60)
        rows = sensorlab.Sheet(sheet_url).rows()
        assert len(rows) == 1
        assert rows[0]["temperature"] == 22.0 and rows[0]["humidity"] == 40.5
        header = ["time", "group", "humidity", "temperature", "every (min)", "time zone", "row id"]
        assert sensorlab.Sheet(sheet_url).header() == header
        assert rows[0]["group"] == f"logger {logger._file.get('row_key')[:6]}"  # no group given: a short stable label
        assert rows[0]["every (min)"] == 60.0 and measured(rows[0])
        logger.post_now()
        assert logger.flush(timeout=60)
        assert len(sensorlab.Sheet(sheet_url).rows()) == 2
        status = logger.status
        assert status["posted"] == 2 and status["pending"] == 0 and status["errors"] == 0
        assert status["last_post"] is not None and status["next_post"] > status["last_post"]
    finally:
        logger.close()


# batch(0)'s latest reading, 2026-11-21 10:00:02 UTC, as a Berlin logger says it.
BATCH_0_IN_BERLIN = "2026-11-21 11:00"


def test_post_now_with_nothing_new_posts_nothing_and_says_so_but_a_note_alone_makes_a_row(sheet_url, caplog):
    schedule = sensorlab.DaylightSchedule(day_every="1h", night_every="1h", tz="Europe/Berlin")
    logger = sensorlab.Logger(sheet=sheet_url, schedule=schedule, name="nothing-new")
    try:
        assert logger.post_now() is None
        assert re.fullmatch(r"Nothing posted at \d\d:\d\d: no readings yet\. .+", logger.status["post_notice"])
        open_comm("nothing-new").deliver(batch(0))  # the first row, due at once
        assert logger.post_now() is None  # nothing read since that row
        notice = logger.status["post_notice"]
        said = f"no readings since {BATCH_0_IN_BERLIN}. Is the sensor connected and started?"
        assert notice.startswith("Nothing posted at ") and notice.endswith(said)
        assert notice in caplog.text  # the log says it too
        assert logger.status["pending"] + logger.status["posted"] == 1

        logger.note("window opened")
        row = logger.post_now()
        assert set(measured(row)) == {"time", "note"} and row["note"] == "window opened"
        assert logger.status["post_notice"] == ""  # a row went
        assert logger.flush(timeout=60)
        rows = sensorlab.Sheet(sheet_url).rows()
        assert [(r.get("temperature"), r.get("note")) for r in rows] == [(22.0, None), (None, "window opened")]
    finally:
        logger.close()


def test_the_post_now_button_says_why_nothing_was_posted(sheet_url):
    logger = sensorlab.Logger(sheet=sheet_url, name="button")
    try:
        logger._on_widget_msg(None, {"type": "post_now"}, [])
        assert logger.status["post_notice"].startswith("Nothing posted at ")
        assert "no readings yet" in logger.status["post_notice"] and logger.status["pending"] == 0
    finally:
        logger.close()


def test_a_row_due_while_the_board_is_unplugged_says_since_when_nothing_was_read(sheet_url, monkeypatch):
    monkeypatch.setattr(logger_module, "QUIET_CHECK_EVERY", 0.1)
    schedule = sensorlab.DaylightSchedule(day_every="1s", night_every="1s", tz="Europe/Berlin")
    logger = sensorlab.Logger(sheet=sheet_url, schedule=schedule, name="unplugged")
    try:
        open_comm("unplugged").deliver(batch(0))  # the first row, due at once
        logger.device = {"state": "stopped"}  # as the page says: Stop was pressed, so no row is due
        time.sleep(1.5)
        assert logger.status["pending"] + logger.status["posted"] == 1
        logger.note("board unplugged")
        logger.device = {"state": "waiting"}  # the page's board went away: rows are due again
        deadline = time.monotonic() + 10
        while logger.status["pending"] + logger.status["posted"] < 2 and time.monotonic() < deadline:
            logger._on_widget_msg(logger, ALIVE, [])  # the page is open
            time.sleep(0.1)
        logger.device = {"state": "stopped"}
        assert logger.flush(timeout=60)
        first, *quiet = sensorlab.Sheet(sheet_url).rows()
        assert first["temperature"] == 22.0 and "note" not in first
        assert quiet and all(set(measured(row)) == {"time", "note"} for row in quiet)
        since = f"no readings since {BATCH_0_IN_BERLIN}"
        assert [row["note"] for row in quiet] == [f"board unplugged; {since}"] + [since] * (len(quiet) - 1)
        now = datetime.now(ZoneInfo("Europe/Berlin")).replace(tzinfo=None)
        assert all(now - datetime.fromisoformat(row["time"]) < timedelta(minutes=1) for row in quiet)  # when posted
    finally:
        logger.close()


def test_a_tab_closed_while_its_kernel_runs_posts_no_rows_about_missing_readings(sheet_url, monkeypatch):
    # The page says every 20 s that it shows the logger; once it is gone, a board that "sends nothing"
    # is a closed tab, not an unplugged board, and nothing is posted.
    monkeypatch.setattr(logger_module, "QUIET_CHECK_EVERY", 0.1)
    schedule = sensorlab.DaylightSchedule(day_every="1s", night_every="1s")
    logger = sensorlab.Logger(sheet=sheet_url, schedule=schedule, name="closed-tab")
    try:
        open_comm("closed-tab").deliver(batch(0))  # the first row, due at once
        logger._on_widget_msg(logger, ALIVE, [])  # the page's last word before its tab was closed
        logger.device = {"state": "connected"}  # it never said Stop
        time.sleep(2.0)
        assert logger.flush(timeout=60)
        rows = sensorlab.Sheet(sheet_url).rows()
        assert len(rows) == 1 and "note" not in rows[0]
    finally:
        logger.close()


def test_a_logger_fed_from_python_alone_posts_only_what_it_records(sheet_url, monkeypatch):
    monkeypatch.setattr(logger_module, "QUIET_CHECK_EVERY", 0.1)
    schedule = sensorlab.DaylightSchedule(day_every="1s", night_every="1s")
    logger = sensorlab.Logger(sheet=sheet_url, schedule=schedule, name="python-only")
    try:
        logger.record(temperature=21.5)
        time.sleep(1.5)  # no page shows it: nothing can be unplugged
        assert logger.flush(timeout=60)
        assert [set(measured(row)) for row in sensorlab.Sheet(sheet_url).rows()] == [{"time", "temperature"}]
    finally:
        logger.close()


def test_serial_settings_are_checked():
    assert sensorlab.Logger(source="serial", baud=9600, format="csv", channels=["t", "rh"], name="s1").baud == 9600
    with pytest.raises(Exception, match="baud must be a speed from 9600 to 1000000"):
        sensorlab.Logger(source="serial", baud=300, name="s2")
    for i, line_format in enumerate(("labels", "tuple", "radio", "semicolon", "keyvalue")):
        assert sensorlab.Logger(source="serial", format=line_format, name=f"f{i}").format == line_format
    with pytest.raises(
        Exception, match="format must be one of auto, plotter, labels, tuple, radio, semicolon, keyvalue, csv, json"
    ):
        sensorlab.Logger(source="serial", format="xml", name="s3")
    with pytest.raises(Exception, match="channel names must be text"):
        sensorlab.Logger(source="serial", channels=[""], name="s4")


def test_send_without_a_browser_page_says_what_to_do(logger):
    with pytest.raises(RuntimeError, match="No browser page is showing this logger"):
        logger.send("target 21.5")
    with pytest.raises(ValueError, match="one line of text"):
        logger.send("a\nb")


def sent_lines(logger, monkeypatch):
    """Capture the widget's custom messages (the widget comm is the device boundary here)."""
    sent = []
    monkeypatch.setattr(DOMWidget, "send", lambda self, content, buffers=None: sent.append(content))
    return sent


def test_send_waits_for_the_browser_and_raises_its_error(logger, monkeypatch):
    sent = sent_lines(logger, monkeypatch)
    comm = open_comm("unit")
    comm.deliver(batch(0))  # readings came on a subshell: answers can arrive during a cell

    def answer(error):
        while not sent:
            threading.Event().wait(0.01)
        comm.deliver({"type": "device_result", "id": sent[-1]["id"], "error": error, "value": None})

    threading.Thread(target=answer, args=(None,)).start()
    logger.send("target 21.5")
    assert sent[-1] == {"type": "device_request", "id": sent[-1]["id"], "action": "send_line", "line": "target 21.5"}

    sent.clear()
    threading.Thread(
        target=answer, args=("The USB device is not connected: press Connect and choose it first.",)
    ).start()
    with pytest.raises(RuntimeError, match="The USB device is not connected"):
        logger.send("target 20")


def test_send_times_out_with_a_clear_message(logger, monkeypatch):
    sent_lines(logger, monkeypatch)
    comm = open_comm("unit")
    comm.deliver(batch(0))
    with pytest.raises(TimeoutError, match="The browser did not answer within 0.2 s"):
        logger.send("target 1", timeout=0.2)


def test_without_subshells_send_does_not_wait_and_errors_reach_the_status(logger, monkeypatch):
    sent = sent_lines(logger, monkeypatch)
    comm = open_comm("unit")
    comm.deliver(batch(0), subshell=False)
    logger.send("target 1")  # returns at once: the answer could only come after this cell
    comm.deliver(
        {"type": "device_result", "id": sent[-1]["id"], "error": "The USB device is not connected.", "value": None},
        subshell=False,
    )
    assert "The device could not do what was asked: The USB device" in logger.status["last_error"]


def test_device_problems_from_the_browser_show_in_the_status(logger):
    logger.device = {
        "id": "serial",
        "transport": "serial",
        "label": "micro:bit (USB)",
        "state": "waiting",
        "problem": "The device was unplugged",
        "lines": 10,
        "readings": 8,
        "bad_lines": 1,
        "bad_values": 1,
        "last_bad_line": {"reason": "not UTF-8 text", "text": "t:?"},
    }
    status = logger.status
    assert status["device"] == "waiting" and status["connected"] is False
    assert (status["bad_lines"], status["bad_values"]) == (1, 1)
    assert status["last_bad_line"] == {"reason": "not UTF-8 text", "text": "t:?"}
    assert status["device_problem"] == "The device was unplugged"


def test_set_period_returns_the_period_the_device_chose(logger, monkeypatch):
    sent = sent_lines(logger, monkeypatch)
    comm = open_comm("unit")
    comm.deliver(batch(0))

    def answer():
        while not sent:
            threading.Event().wait(0.01)
        comm.deliver({"type": "device_result", "id": sent[-1]["id"], "error": None, "value": 992})

    threading.Thread(target=answer).start()
    assert logger.set_period(1000) == 992
    assert sent[-1]["action"] == "set_period" and sent[-1]["ms"] == 1000
    with pytest.raises(ValueError, match="whole milliseconds from 1 to 65535"):
        logger.set_period(0)


def test_bluetooth_settings():
    logger = sensorlab.Logger(source="bluetooth", name_prefix="BBC", poll_every="2s", name="ble")
    try:
        assert (logger.name_prefix, logger.poll_every) == ("BBC", 2.0)
    finally:
        logger.close()
    with pytest.raises(ValueError, match="poll_every must be"):
        sensorlab.Logger(source="bluetooth", poll_every="often")


def test_a_device_channel_called_time_is_kept_beside_the_timestamp(sheet_url):
    logger = sensorlab.Logger(sheet=sheet_url, name="clock")
    try:
        comm = open_comm("clock")
        comm.deliver(
            {
                "type": "batch",
                "seq": 0,
                "readings": [
                    {
                        "time": 1795255200000,
                        "values": {"time": 6, "millis": 1234, "source": 2, "temp": 21},
                        "source": "serial",
                    }
                ],
            }
        )
        data = logger.data
        assert list(data.columns) == [
            "time",
            "source",
            "device",
            "device time",
            "millis",
            "device source",
            "temp",
            "received",
        ]
        assert data["time"].iloc[0].timestamp() == 1795255200 and data["device time"].iloc[0] == 6
        assert logger.flush(timeout=60)
        row = sensorlab.Sheet(sheet_url).rows()[0]
        assert row["device time"] == 6.0 and row["time"].startswith("20")
    finally:
        logger.close()


def test_a_new_kernel_finds_the_readings_and_rows_of_the_old_one(sheet_url, notebook_folder):
    schedule = sensorlab.DaylightSchedule(day_every="1h", night_every="1h")
    first = sensorlab.Logger(sheet=sheet_url, schedule=schedule, name="durable")
    comm = open_comm("durable", stream="page-1")
    comm.deliver(batch(0))
    comm.deliver(batch(1, start=3))
    assert first.flush(timeout=60)
    first.close()
    assert (notebook_folder / ".sensorlab" / "durable.sqlite3").exists()

    # A restarted kernel: the module's loggers are gone, the folder is not.
    second = sensorlab.Logger(sheet=sheet_url, schedule=schedule, name="durable")
    try:
        assert len(second.data) == 6
        assert second.status["last_post"] == first.status["last_post"]
        # The browser resends what it was not sure of: nothing twice.
        comm = open_comm("durable", stream="page-1")
        comm.deliver(batch(1, start=3))
        comm.deliver(batch(2, start=6))
        assert len(second.data) == 9
        assert second.status["pending"] == 0  # within the hour: no new row due
        assert len(sensorlab.Sheet(sheet_url).rows()) == 1
    finally:
        second.close()


def test_rows_left_by_a_stopped_kernel_are_posted_by_the_next(sheet_url, notebook_folder, ethercalc):
    unreachable = "http://127.0.0.1:9/" + sheet_url.rsplit("/", 1)[1]
    first = sensorlab.Logger(sheet=unreachable, name="leftover")
    comm = open_comm("leftover")
    comm.deliver(batch(0))
    comm.deliver(batch(1, start=3))
    first.post_now()
    assert first.status["pending"] == 2
    first.close()

    second = sensorlab.Logger(sheet=sheet_url, name="leftover")
    try:
        assert second.flush(timeout=30)
        assert [r["temperature"] for r in sensorlab.Sheet(sheet_url).rows()] == [22.0, 22.0]
    finally:
        second.close()


def test_a_batch_an_earlier_page_left_is_stored_once_under_its_own_stream(logger):
    """After a reload the new page sends what the old one held, under the old page's stream."""
    old_page = open_comm("unit", stream="page-1")
    old_page.deliver(batch(0))
    new_page = open_comm("unit", stream="page-2")
    left = dict(batch(0), stream="page-1")  # already stored: acked again, not stored twice
    new_page.deliver(left)
    new_page.deliver(dict(batch(1, start=3), stream="page-1"))
    new_page.deliver(batch(0, start=10))  # the new page's own first batch
    assert new_page.sent[1:] == [
        {"type": "ack", "seq": 0, "stream": "page-1"},
        {"type": "ack", "seq": 1, "stream": "page-1"},
        {"type": "ack", "seq": 0},
    ]
    assert len(logger.data) == 9
    new_page.deliver({"type": "batch", "seq": 2, "readings": "bad", "stream": "page-1"})
    assert new_page.sent[-1]["stream"] == "page-1" and new_page.sent[-1]["type"] == "refused"


def test_a_note_goes_into_the_next_row_and_the_export(sheet_url):
    schedule = sensorlab.DaylightSchedule(day_every="1h", night_every="1h")
    logger = sensorlab.Logger(sheet=sheet_url, schedule=schedule, name="notes")
    try:
        comm = open_comm("notes")
        comm.deliver(batch(0))
        logger._on_widget_msg(None, {"type": "note", "text": "  window opened "}, [])
        assert logger.status["note"] == "window opened"
        comm.deliver(batch(1, start=3))
        logger.post_now()
        assert logger.flush(timeout=60)
        rows = sensorlab.Sheet(sheet_url).rows()
        assert "note" not in rows[0] and rows[1]["note"] == "window opened"
        assert logger.status["note"] == ""
        assert list(logger.notes["note"]) == ["window opened"]

        text = logger.to_csv()
        lines = text.strip().splitlines()
        assert lines[0] == "time,source,device,temperature,humidity,note"
        assert len(lines) == 7
        assert sum(1 for line in lines if line.endswith(",window opened")) == 1
        logger._on_widget_msg(None, {"type": "note", "text": ""}, [])
        assert "note from the page was refused" in logger.status["last_error"]
    finally:
        logger.close()


def _open_handles(path: Path) -> int:
    """How many of this process's file descriptors point at ``path`` (Linux /proc)."""
    fds = Path("/proc/self/fd")
    if not fds.is_dir():
        pytest.fail("this test reads /proc/self/fd, which only Linux has")
    return sum(1 for fd in fds.iterdir() if Path(fd).resolve(strict=False) == path.resolve())


def test_closing_a_logger_closes_its_file_and_keeps_what_it_read(notebook_folder):
    made = sensorlab.Logger(name="closing")
    comm = open_comm("closing")
    comm.deliver(batch(1))
    made.note("window opened")
    path = notebook_folder / ".sensorlab" / "closing.sqlite3"
    assert _open_handles(path) >= 1
    made.close()
    assert _open_handles(path) == 0
    assert len(made.data) == 3 and list(made.notes["note"]) == ["window opened"]
    assert made.status["pending"] == 0
    with pytest.raises(RuntimeError, match="was closed"):
        made.post_now()
