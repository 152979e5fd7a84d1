"""A row holds what was read since the previous row: each channel's latest value, or its mean, min and max."""

from zoneinfo import ZoneInfo

import pytest
import sensorlab
from comms import batch, open_comm
from sensorlab.rows import RowValues

HOURLY = sensorlab.DaylightSchedule(day_every="1h", night_every="1h")


def reading(seq, values, source="simulated", at=0):
    return {"type": "batch", "seq": seq, "readings": [{"time": 1795255200000 + at, "values": values, "source": source}]}


def test_a_row_holds_only_values_read_since_the_previous_row(sheet_url):
    logger = sensorlab.Logger(sheet=sheet_url, schedule=HOURLY, name="fresh")
    try:
        comm = open_comm("fresh")
        comm.deliver(batch(0))  # the first row: due at once
        comm.deliver(reading(1, {"lux": 300}, source="other board", at=5000))
        logger.post_now()  # only the other board spoke since the first row
        assert logger.post_now() is None  # nothing was read since: no row
        assert logger.flush(timeout=60)
        first, second = sensorlab.Sheet(sheet_url).rows()
        assert first["temperature"] == 22.0 and first["humidity"] == 40.5 and "lux" not in first
        assert second["lux"] == 300.0 and "temperature" not in second and "humidity" not in second
        # A second device spoke: from then on each row says whose values it holds.
        assert "device" not in first and second["device"] == "other board"
    finally:
        logger.close()


def test_readings_replayed_from_disk_are_not_posted_as_current(sheet_url):
    earlier = sensorlab.Logger(name="replayed")  # a kernel that read, then stopped before a row
    open_comm("replayed").deliver(batch(0))
    earlier.close()
    logger = sensorlab.Logger(sheet=sheet_url, schedule=HOURLY, name="replayed")
    try:
        assert len(logger.data) == 3
        assert logger.post_now() is None  # they were read by a kernel before: nothing new
        open_comm("replayed", stream="page-2").deliver(reading(0, {"humidity": 41.0}))  # the first row: due at once
        assert logger.flush(timeout=60)
        [row] = sensorlab.Sheet(sheet_url).rows()
        assert row["humidity"] == 41.0 and "temperature" not in row
    finally:
        logger.close()


def test_mean_rows_hold_the_mean_min_and_max_of_the_interval(sheet_url):
    logger = sensorlab.Logger(sheet=sheet_url, schedule=HOURLY, name="means", row="mean")
    try:
        comm = open_comm("means")
        comm.deliver(batch(0))  # 20, 21, 22: one batch, one row
        comm.deliver(batch(1, start=3, count=2))  # 20, 21
        logger.post_now()
        assert logger.flush(timeout=60)
        first, second = sensorlab.Sheet(sheet_url).rows()
        assert (first["temperature"], first["temperature min"], first["temperature max"]) == (21.0, 20.0, 22.0)
        assert (second["temperature"], second["temperature min"], second["temperature max"]) == (20.5, 20.0, 21.0)
        assert second["humidity"] == second["humidity min"] == second["humidity max"] == 40.5
        assert sensorlab.Sheet(sheet_url).header()[:5] == ["time", "group", "humidity", "humidity min", "humidity max"]
    finally:
        logger.close()


def test_row_values_start_afresh_after_each_row():
    from datetime import datetime, timezone

    now = datetime(2026, 11, 21, 12, tzinfo=timezone.utc)
    latest = RowValues()
    latest.add(1795255200000, {"t": 1.0, "time": 5.0})
    latest.add(1795255201000, {"t": 2.0})
    utc = {"time zone": "UTC+00:00"}
    assert latest.take(now, timezone.utc) == {"time": "2026-11-21 10:00:01", **utc, "device time": 5.0, "t": 2.0}
    assert latest.take(now, timezone.utc) == {"time": "2026-11-21 12:00:00", **utc}
    mean = RowValues("mean")
    for value in (3.0, -1.0, 4.0):
        mean.add(1795255200000, {"t": value})
    assert mean.take(now, timezone.utc) == {"time": "2026-11-21 10:00:00", **utc, "t": 2.0, "t min": -1.0, "t max": 4.0}
    assert mean.take(now, ZoneInfo("America/New_York")) == {"time": "2026-11-21 07:00:00", "time zone": "UTC-05:00"}


def test_an_unknown_row_kind_is_refused_with_the_choices():
    with pytest.raises(ValueError, match='row must be "latest"'):
        sensorlab.Logger(name="kinds", row="median")
