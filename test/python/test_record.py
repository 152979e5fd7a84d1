"""Readings made in Python: logger.record and logger.record_many, kept, charted and posted like the browser's."""

import math
from datetime import datetime, timedelta
from types import SimpleNamespace

import pandas as pd
import pytest
import sensorlab
from ipywidgets import DOMWidget
from sensorlab import protocol

HOURLY = sensorlab.DaylightSchedule(day_every="1h", night_every="1h")


@pytest.fixture
def charted(monkeypatch):
    """What the logger sends to its widget (the widget comm is the device boundary here)."""
    sent = []
    monkeypatch.setattr(DOMWidget, "send", lambda self, content, buffers=None: sent.append(content))
    return sent


def test_a_recorded_reading_is_kept_charted_and_posted(sheet_url, charted, notebook_folder):
    logger = sensorlab.Logger(sheet=sheet_url, schedule=HOURLY, name="pi")
    try:
        before = datetime.now().astimezone()
        logger.record(temperature=21.5, humidity=40, device="pi")
        data = logger.data
        assert list(data.columns) == ["time", "source", "device", "temperature", "humidity", "received"]
        assert (data["source"][0], data["device"][0], data["temperature"][0]) == ("python-pi", "pi", 21.5)
        assert before - timedelta(seconds=1) <= data["time"][0] <= datetime.now().astimezone()
        [message] = charted
        assert message["type"] == "recorded"
        assert message["readings"][0]["values"] == {"temperature": 21.5, "humidity": 40.0}
        assert message["readings"][0]["device"] == "pi" and message["readings"][0]["source"] == "python-pi"
        assert logger.flush(timeout=30)  # the first row was due at once, as for the browser's readings
        [row] = sensorlab.Sheet(sheet_url).rows()
        assert row["temperature"] == 21.5 and row["humidity"] == 40.0
    finally:
        logger.close()
    again = sensorlab.Logger(name="pi")  # a restarted kernel has it too
    try:
        assert list(again.data["device"]) == ["pi"]
    finally:
        again.close()


def test_readings_from_python_and_from_the_browser_get_a_row_each(sheet_url, charted):
    from comms import batch, open_comm

    logger = sensorlab.Logger(sheet=sheet_url, schedule=HOURLY, name="mixed")
    try:
        open_comm("mixed").deliver(batch(0, count=1))
        logger.record(co2=612)  # no device name: the device is "python"
        logger.post_now()
        # As long as the other tests wait: a server busy with the other worker's tests can take longer than 30 s.
        assert logger.flush(timeout=60)
        rows = sensorlab.Sheet(sheet_url).rows()
        assert [(r.get("device"), r.get("co2"), r.get("temperature")) for r in rows] == [
            (None, None, 20.0),  # the first row, while one device had spoken
            ("python", 612.0, None),
        ]
    finally:
        logger.close()


@pytest.mark.parametrize(
    "values, said",
    [
        ({"temperature": "21.5"}, "temperature must be a number"),
        ({"temperature": math.nan}, "temperature must be a number"),
        ({"temperature": True}, "temperature must be a number"),
        ({}, "has no values"),
        ({f"c{i}": 1 for i in range(65)}, "at most 64"),
        ({"x" * 65: 1}, "1 to 64 characters"),
    ],
)
def test_values_that_are_not_numbers_are_refused_and_nothing_is_kept(logger, charted, values, said):
    with pytest.raises(ValueError, match=said):
        logger.record(**values)
    assert len(logger.data) == 0 and charted == []


@pytest.mark.parametrize("when", [datetime(1999, 12, 31, 23, 0), datetime.now() + timedelta(days=2)])
def test_a_time_outside_2000_to_tomorrow_is_refused_with_the_reason(logger, when):
    with pytest.raises(ValueError, match="is not between 2000-01-01 and tomorrow: check the clock"):
        logger.record(temperature=20, time=when)
    assert len(logger.data) == 0


def test_a_time_without_a_zone_is_the_loggers_zone(notebook_folder):
    logger = sensorlab.Logger(name="zoned", schedule=sensorlab.DaylightSchedule(tz="Europe/Berlin"))
    try:
        logger.record(temperature=20, time=datetime(2026, 3, 10, 12, 0))
        assert logger.data["time"][0] == pd.Timestamp("2026-03-10 11:00", tz="UTC")
    finally:
        logger.close()


# Times on the clocks of Berlin and Sydney in 2025 → the moments (UTC) they were. In spring the clocks
# skip an hour: 01:30 and 03:30 are an hour apart. In autumn they show an hour twice: its 02:30 is the
# first one. January and July: winter and summer (summer and winter in Sydney).
CLOCKS = {
    "Europe/Berlin": {
        "2025-03-30 01:30": "2025-03-30 00:30",
        "2025-03-30 03:30": "2025-03-30 01:30",
        "2025-10-26 01:30": "2025-10-25 23:30",
        "2025-10-26 02:30": "2025-10-26 00:30",
        "2025-10-26 03:30": "2025-10-26 02:30",
        "2025-01-15 12:00": "2025-01-15 11:00",
        "2025-07-15 12:00": "2025-07-15 10:00",
    },
    "Australia/Sydney": {
        "2025-10-05 01:30": "2025-10-04 15:30",
        "2025-10-05 03:30": "2025-10-04 16:30",
        "2025-04-06 01:30": "2025-04-05 14:30",
        "2025-04-06 02:30": "2025-04-05 15:30",
        "2025-04-06 03:30": "2025-04-05 17:30",
        "2025-01-15 12:00": "2025-01-15 01:00",
        "2025-07-15 12:00": "2025-07-15 02:00",
    },
}
SKIPPED = {"Europe/Berlin": "2025-03-30 02:30", "Australia/Sydney": "2025-10-05 02:30"}  # clocks went 02:00 → 03:00


@pytest.fixture(params=["schedule tz", "kernel zone"])
def logger_in(request, set_kernel_zone):
    """Makes a logger in a zone: its schedule's tz (while the kernel is in another zone), or the kernel's zone."""
    made = []

    def make(zone):
        by_schedule = request.param == "schedule tz"
        set_kernel_zone("America/New_York" if by_schedule else zone)
        schedule = sensorlab.DaylightSchedule(tz=zone if by_schedule else None)
        made.append(sensorlab.Logger(name="zoned", schedule=schedule))
        return made[-1]

    yield make
    for logger in made:
        logger.close()


def _record(logger, how, times):
    """Records a reading at each of ``times`` (text without a zone) with record() or with record_many()."""
    if how == "record":
        for when in times:
            logger.record(temperature=20, time=datetime.fromisoformat(when))
    else:
        logger.record_many(pd.DataFrame({"time": pd.to_datetime(times), "temperature": 20.0}))


@pytest.mark.parametrize("how", ["record", "record_many"])
@pytest.mark.parametrize("zone", CLOCKS)
def test_times_without_a_zone_follow_the_clock_changes_of_the_loggers_zone(logger_in, zone, how):
    logger = logger_in(zone)
    _record(logger, how, list(CLOCKS[zone]))
    times = logger.data["time"]
    assert list(times.dt.tz_convert("UTC")) == [pd.Timestamp(moment, tz="UTC") for moment in CLOCKS[zone].values()]
    assert list(times.dt.strftime("%Y-%m-%d %H:%M")) == list(CLOCKS[zone])  # shown as the clocks showed them


@pytest.mark.parametrize("how", ["record", "record_many"])
@pytest.mark.parametrize("zone", SKIPPED)
def test_a_time_the_clocks_skipped_is_refused_saying_why(logger_in, zone, how):
    logger = logger_in(zone)
    with pytest.raises(ValueError) as refused:
        _record(logger, how, ["2025-01-15 12:00", SKIPPED[zone]])
    said = str(refused.value)
    where = "The reading" if how == "record" else "Row 1"
    assert f"{where} was not recorded: its time {SKIPPED[zone]} never happened in {zone}" in said
    assert "the clocks there jumped from 02:00 straight to 03:00 (summer time began)" in said
    assert "a clock that was not put forward, the real time was 03:30" in said
    assert len(logger.data) == (1 if how == "record" else 0)  # record() kept the reading before


@pytest.mark.parametrize("zone", CLOCKS)
def test_data_csv_and_notes_show_times_on_the_kernels_clocks_in_every_season(
    logger, zone, set_kernel_zone, monkeypatch
):
    set_kernel_zone(zone)
    moments = [pd.Timestamp(moment, tz="UTC") for moment in CLOCKS[zone].values()]
    logger.record_many(pd.DataFrame({"time": moments, "temperature": 20.0}))
    for moment in moments:  # a note written at each moment
        monkeypatch.setattr(sensorlab.logger, "time", SimpleNamespace(time=moment.timestamp))
        logger.note("window opened")
    shown = list(CLOCKS[zone])
    assert list(logger.data["time"].dt.strftime("%Y-%m-%d %H:%M")) == shown
    assert list(logger.notes["time"].dt.strftime("%Y-%m-%d %H:%M")) == shown
    assert [line[:16] for line in logger.to_csv().splitlines()[1:]] == shown


def test_a_bad_device_name_is_refused(logger):
    with pytest.raises(ValueError, match='device="pi"'):
        logger.record(temperature=20, device="  ")


def test_a_dataframe_of_readings_is_recorded_row_by_row(logger, charted):
    frame = pd.DataFrame(
        {
            "time": pd.to_datetime(["2026-03-10 09:00", "2026-03-10 09:01", "2026-03-10 09:02", "2026-03-10 09:03"]),
            "device": ["window", "door", None, "door"],
            "temperature": [18.5, 21.0, 20.0, math.nan],
            "humidity": [55, 48, 50, math.nan],
        }
    )
    assert logger.record_many(frame) == 3  # the last row is empty: no reading
    data = logger.data
    assert list(data["device"]) == ["window", "door", "python"]
    assert list(data["temperature"]) == [18.5, 21.0, 20.0]
    assert data["time"][1] == pd.Timestamp("2026-03-10 09:01").tz_localize(logger.schedule.zone)
    assert [len(m["readings"]) for m in charted] == [3]


def test_a_dataframe_with_times_as_its_index_is_recorded(logger):
    index = pd.date_range("2026-03-10 09:00", periods=5, freq="1min", tz="UTC")
    frame = pd.DataFrame({"temperature": [20.0, 20.5, 21.0, 21.5, 22.0]}, index=index)
    assert logger.record_many(frame) == 5
    assert list(logger.data["time"].dt.tz_convert("UTC")) == list(index)


@pytest.mark.parametrize(
    "frame, said",
    [
        (pd.DataFrame({"temperature": [20.0]}), "a column called time, or times as the index"),
        (pd.DataFrame({"time": ["2026-03-10 09:00"], "temperature": [20.0], "room": ["7b"]}), "room cannot be"),
        (pd.DataFrame({"time": ["2026-03-10 09:00"]}), "there are none"),
        (pd.DataFrame({"time": ["2026-03-10 09:00", "1990-01-01 09:00"], "temperature": [20.0, 20.0]}), "Row 1"),
        ([{"time": "2026-03-10 09:00", "temperature": 20}], "pandas DataFrame"),
    ],
)
def test_a_dataframe_that_cannot_be_recorded_is_refused_whole(logger, frame, said):
    with pytest.raises(ValueError, match=said):
        logger.record_many(frame)
    assert len(logger.data) == 0


def test_the_channel_cap_holds_for_readings_from_python_too(logger):
    frame = pd.DataFrame({"time": pd.date_range("2026-03-10 09:00", periods=2, freq="1min")})
    for i in range(40):
        frame[f"a{i}"] = [1.0, math.nan]
        frame[f"b{i}"] = [math.nan, 1.0]
    assert logger.record_many(frame) == 2
    status = logger.status
    assert len(logger.data.columns) == 4 + protocol.MAX_CHANNELS  # time, source, device, the channels, received
    assert status["bad_values"] == 80 - protocol.MAX_CHANNELS
    assert 'The device "python" sends more than 64 channel names' in status["device_problem"]


def test_a_closed_logger_records_nothing(logger):
    logger.close()
    with pytest.raises(RuntimeError, match="create a new Logger"):
        logger.record(temperature=20)
