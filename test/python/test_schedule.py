from datetime import datetime, time, timedelta, timezone
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from sensorlab import DaylightSchedule
from sensorlab.schedule import _zone_in_file, kernel_zone, parse_interval

UTC = timezone.utc


def at(hour, minute=0, second=0, day=21, tz=UTC):
    return datetime(2026, 11, day, hour, minute, second, tzinfo=tz)


@pytest.mark.parametrize(
    "value, seconds",
    [
        (900, 900),
        (90.5, 90.5),
        ("90", 90),
        ("90s", 90),
        ("15min", 900),
        ("15 min", 900),
        ("1h", 3600),
        ("1h30min", 5400),
        ("2 hours", 7200),
        ("1d", 86400),
        (timedelta(minutes=5), 300),
        ("0.5s", 0.5),
    ],
)
def test_intervals_in_every_accepted_form(value, seconds):
    assert parse_interval(value) == timedelta(seconds=seconds)


@pytest.mark.parametrize(
    "value", [0, -5, "0s", "", "fast", "15 parsecs", "15min extra", None, True, float("nan"), [15]]
)
def test_bad_intervals_are_refused_with_a_clear_message(value):
    with pytest.raises(ValueError, match=r"day_every must be"):
        DaylightSchedule(day_every=value)


@pytest.mark.parametrize(
    "kwargs, message",
    [
        ({"day_start": "8am"}, "day_start must be a time of day"),
        ({"day_end": "25:00"}, "day_end must be a time of day"),
        ({"day_start": "08:00", "day_end": "08:00"}, "must differ"),
        ({"tz": "Mars/Olympus"}, "tz must be a time zone name"),
    ],
)
def test_bad_settings_are_refused(kwargs, message):
    with pytest.raises(ValueError, match=message):
        DaylightSchedule(**kwargs)


def test_day_is_start_inclusive_and_end_exclusive():
    s = DaylightSchedule(tz="UTC")
    assert s.interval_at(at(7, 59, 59)) == timedelta(minutes=60)
    assert s.interval_at(at(8, 0)) == timedelta(minutes=15)
    assert s.interval_at(at(19, 59, 59)) == timedelta(minutes=15)
    assert s.interval_at(at(20, 0)) == timedelta(minutes=60)


def test_a_day_that_wraps_past_midnight():
    s = DaylightSchedule(day_start="22:00", day_end="06:00", day_every="1min", night_every="1h", tz="UTC")
    assert s.interval_at(at(23)) == timedelta(minutes=1)
    assert s.interval_at(at(3)) == timedelta(minutes=1)
    assert s.interval_at(at(12)) == timedelta(hours=1)


def test_is_due():
    s = DaylightSchedule(tz="UTC")
    assert s.is_due(None, at(10))
    assert not s.is_due(at(10), at(10, 14, 59))
    assert s.is_due(at(10), at(10, 15))
    assert not s.is_due(at(21), at(21, 59))
    assert s.is_due(at(21), at(22))


def test_elapsed_time_is_measured_across_days():
    """The original notebook used timedelta.seconds, which wraps after a day."""
    s = DaylightSchedule(tz="UTC")
    last = at(10, day=1)
    assert s.is_due(last, at(10, 5, day=2))  # 24 h 5 min later: .seconds would say 5 min
    assert s.is_due(last, at(10, 0, day=20))


def test_next_post_by_day_and_night_and_across_boundaries():
    s = DaylightSchedule(tz="UTC")
    assert s.next_post(None, at(10)) == at(10)
    assert s.next_post(at(10), at(10, 1)) == at(10, 15)
    assert s.next_post(at(21), at(21, 30)) == at(22)
    # Posted at night at 07:30: the day's 15 min interval starts at 08:00, so 08:00 is due.
    assert s.next_post(at(7, 30), at(7, 31)) == at(8)
    # Posted at 19:55 by day: from 20:00 on, the night's hour is in force.
    assert s.next_post(at(19, 55), at(19, 56)) == at(20, 55)
    # Overdue: due now.
    assert s.next_post(at(10), at(12)) == at(12)


def test_next_post_agrees_with_is_due():
    s = DaylightSchedule(day_every="7min", night_every="50min", tz="UTC")
    last = at(6, 40)
    nxt = s.next_post(last, at(6, 41))
    assert s.is_due(last, nxt)
    assert not s.is_due(last, nxt - timedelta(seconds=1))


def test_time_zones():
    berlin = ZoneInfo("Europe/Berlin")
    s = DaylightSchedule(tz="Europe/Berlin")
    # 07:30 UTC is 08:30 in Berlin in November: day.
    assert s.interval_at(at(7, 30)) == timedelta(minutes=15)
    assert s.interval_at(datetime(2026, 11, 21, 7, 59, tzinfo=berlin)) == timedelta(minutes=60)
    assert DaylightSchedule(tz=UTC).interval_at(at(7, 30)) == timedelta(minutes=60)


def test_naive_times_are_kernel_local_time():
    s = DaylightSchedule()
    assert s.interval_at(datetime(2026, 11, 21, 9, 0)) == timedelta(minutes=15)
    assert s.interval_at(datetime(2026, 11, 21, 23, 0)) == timedelta(minutes=60)


def _zone_file(name):
    """The tz file of a zone, as /etc/localtime links to one (from the tzdata package: there on every system)."""
    import tzdata

    return Path(tzdata.__file__).parent / "zoneinfo" / name


def _summer_and_winter(zone):
    return [datetime(2026, month, 15, 12, tzinfo=zone).utcoffset() for month in (1, 7)]


@pytest.mark.parametrize(
    "tz, name",
    [
        ("Europe/Berlin", "Europe/Berlin"),
        (":Australia/Sydney", "Australia/Sydney"),  # a name as a file below the system's zone files
        (str(_zone_file("America/New_York")), "America/New_York"),
    ],
)
def test_the_kernel_zone_is_the_one_tz_names_with_its_summer_time(set_kernel_zone, tz, name):
    set_kernel_zone(tz)
    assert str(kernel_zone()) == name
    assert _summer_and_winter(kernel_zone()) == _summer_and_winter(ZoneInfo(name))


def test_the_kernel_zone_of_a_linked_or_copied_localtime_file_has_its_summer_time(tmp_path):
    linked, copied = tmp_path / "linked", tmp_path / "copied"
    linked.symlink_to(_zone_file("Europe/Berlin"))
    copied.write_bytes(_zone_file("Europe/Berlin").read_bytes())
    assert str(_zone_in_file(str(linked))) == "Europe/Berlin"
    assert _summer_and_winter(_zone_in_file(str(copied))) == [timedelta(hours=1), timedelta(hours=2)]


def test_without_a_zone_name_the_kernel_zone_is_its_offset_now(set_kernel_zone):
    set_kernel_zone("CET-1CEST,M3.5.0,M10.5.0/3")  # a rule, not a name: Python knows no zone of it
    assert kernel_zone() == datetime.now().astimezone().tzinfo


def test_times_of_day_objects_and_repr():
    s = DaylightSchedule(day_start=time(7, 30), day_end="18:00", tz="UTC")
    assert s.interval_at(at(7, 30)) == timedelta(minutes=15)
    assert "07:30" in repr(s) and "tz='UTC'" in repr(s)


def test_pandas_timestamps_naive_and_aware():
    # Rows of logger.data (aware) and of a sheet read with pandas (naive) go straight in.
    import pandas as pd

    schedule = DaylightSchedule(tz="UTC")
    assert schedule.is_day(pd.Timestamp("2026-03-10 10:00", tz="UTC"))
    assert not schedule.is_day(pd.Timestamp("2026-03-10 21:00", tz="UTC"))
    local = DaylightSchedule()
    naive = pd.Timestamp("2026-03-10 10:00")
    assert local.is_day(naive) == local.is_day(naive.to_pydatetime())
    assert local.interval_at(pd.Timestamp("2026-03-10 23:00")) == timedelta(minutes=60)
    assert local.next_post(pd.Timestamp("2026-03-10 10:00"), pd.Timestamp("2026-03-10 10:05")) == local.next_post(
        datetime(2026, 3, 10, 10), datetime(2026, 3, 10, 10, 5)
    )


# Daylight saving time: (zone, the last post and the moments after it, in UTC). Each night the
# clocks change, and intervals must count real minutes, not the wall clock's.
UTC_TIME = datetime.fromisoformat
DST_NIGHTS = {
    # Berlin, 25 Oct 2026: 03:00 summer time becomes 02:00 winter time (01:00 UTC).
    "Berlin autumn": ("Europe/Berlin", UTC_TIME("2026-10-25T00:00+00:00")),
    # Berlin, 29 Mar 2026: 02:00 winter time becomes 03:00 summer time (01:00 UTC).
    "Berlin spring": ("Europe/Berlin", UTC_TIME("2026-03-29T00:45+00:00")),
    # Sydney, 5 Apr 2026: 03:00 summer time becomes 02:00 standard time (16:00 UTC the day before).
    "Sydney autumn": ("Australia/Sydney", UTC_TIME("2026-04-04T15:00+00:00")),
    # Sydney, 4 Oct 2026: 02:00 standard time becomes 03:00 summer time (16:00 UTC the day before).
    "Sydney spring": ("Australia/Sydney", UTC_TIME("2026-10-03T15:45+00:00")),
}


def _as(form, moment, zone):
    """``moment`` (UTC) as given to the schedule: in UTC, in the zone, or naive local time."""
    if form == "utc":
        return moment
    local = moment.astimezone(ZoneInfo(zone))  # fold set: the repeated hour is told apart
    return local if form == "zone" else local.replace(tzinfo=None)


@pytest.mark.parametrize("form", ["utc", "zone", "naive"])
@pytest.mark.parametrize("tz_given", [True, False], ids=["tz given", "kernel zone"])
@pytest.mark.parametrize("night", DST_NIGHTS, ids=list(DST_NIGHTS))
def test_intervals_are_real_time_across_daylight_saving_changes(night, tz_given, form, set_kernel_zone):
    zone, last = DST_NIGHTS[night]
    set_kernel_zone(zone)
    schedule = DaylightSchedule(night_every="60min", tz=zone if tz_given else None)

    def due_after(minutes):
        return schedule.is_due(_as(form, last, zone), _as(form, last + timedelta(minutes=minutes), zone))

    for minutes in (30, 59, 59.9):
        assert not due_after(minutes), f"due {minutes} real minutes after a post"
    for minutes in (60, 61, 119):
        assert due_after(minutes), f"not due {minutes} real minutes after a post"
    shortly = _as(form, last + timedelta(minutes=5), zone)
    due = schedule.next_post(_as(form, last, zone), shortly)
    assert due.astimezone(UTC) == last + timedelta(minutes=60)
    assert schedule.is_due(_as(form, last, zone), due) and not schedule.is_due(
        _as(form, last, zone), due - timedelta(seconds=1)
    )


# The nights the clocks change in 2026: the zone, the moment they jump (UTC), and two times of day in
# the hour (half hour on Lord Howe Island) they skip in spring or show twice in autumn.
CLOCK_CHANGES = {
    "Berlin spring": ("Europe/Berlin", "2026-03-29T01:00+00:00", "02:15", "02:45"),
    "Berlin autumn": ("Europe/Berlin", "2026-10-25T01:00+00:00", "02:15", "02:45"),
    "New York spring": ("America/New_York", "2026-03-08T07:00+00:00", "02:15", "02:45"),
    "New York autumn": ("America/New_York", "2026-11-01T06:00+00:00", "01:15", "01:45"),
    "Sydney autumn": ("Australia/Sydney", "2026-04-04T16:00+00:00", "02:15", "02:45"),
    "Sydney spring": ("Australia/Sydney", "2026-10-03T16:00+00:00", "02:15", "02:45"),
    "Lord Howe autumn": ("Australia/Lord_Howe", "2026-04-04T15:00+00:00", "01:40", "01:50"),
    "Lord Howe spring": ("Australia/Lord_Howe", "2026-10-03T15:30+00:00", "02:10", "02:20"),
}


def _posts(schedule, minutes):
    """The minutes at which a logger that checks is_due every minute posts, the first minute's post first."""
    posts = [minutes[0]]
    for now in minutes[1:]:
        if schedule.is_due(posts[-1], now):
            posts.append(now)
    return posts


@pytest.mark.parametrize("every", [("15min", "60min"), ("7min", "45min")], ids=["15-60", "7-45"])
@pytest.mark.parametrize("change", CLOCK_CHANGES, ids=list(CLOCK_CHANGES))
def test_next_post_is_the_minute_a_logger_posts_while_the_clocks_change(change, every):
    """next_post, asked at any minute, is the first minute from then on at which is_due is true: the
    minute a logger posts. The day starts, or ends, at a time the clocks skip or show twice."""
    zone, jump, early, late = CLOCK_CHANGES[change]
    minute = timedelta(minutes=1)
    minutes = [UTC_TIME(jump) + k * minute for k in range(-120, 120)]
    # The day starts then, ends then (it began the day before), or starts and ends in that hour.
    for day_start, day_end in ((late, "20:00"), ("08:00", late), (early, late)):
        schedule = DaylightSchedule(day_start, day_end, *every, tz=zone)
        for first in (0, 7):  # the logger's first post, at two places in the interval
            posts = _posts(schedule, minutes[first:])
            for last, following in zip(posts, posts[1:]):
                for now in (last + k * minute for k in range(1, (following - last) // minute + 1)):
                    # In UTC: an aware time inside the repeated hour never equals one of another zone.
                    assert schedule.next_post(last, now).astimezone(UTC) == following, (schedule, last, now)
