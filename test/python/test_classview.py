"""The class view's rules (python_shim/sensorlab/classview.py) on the fixtures the sidebar's class section also runs
(test/fixtures/classview), and on the rows a Logger writes."""

from __future__ import annotations

import json
import time
from datetime import datetime, timedelta, timezone
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
import requests
import sensorlab
from comms import open_comm
from conftest import ETHERCALCS
from sensorlab.classview import ClassReader, channels, class_lines, default_channel, natural
from sensorlab.ethercalc import SlowDown
from sensorlab.schedule import kernel_zone
from test_devices import class_batch
from test_exactly_once import wait_until
from test_faults import servers

FIXTURES = sorted((Path(__file__).parent.parent / "fixtures" / "classview").glob("*.json"))


def utc_text(when: datetime | None) -> str | None:
    return None if when is None else when.astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def test_there_are_fixtures():
    assert len(FIXTURES) >= 5


@pytest.mark.parametrize("path", FIXTURES, ids=[path.stem for path in FIXTURES])
def test_the_class_view_reads_each_fixture_as_the_sidebar_does(path):
    fixture = json.loads(path.read_text())
    reader = ClassReader(fixture["class_sheet"], fixture["sheets"].get)
    rows = reader.rows()
    lines = class_lines(rows, datetime.fromisoformat(fixture["now"]), ZoneInfo(fixture["local_zone"]))
    found = [
        {
            "label": line.label,
            "device": line.device,
            "state": line.state,
            "last_row": utc_text(line.last_row),
            "interval_s": line.interval,
            "values": line.values,
            "values_at": utc_text(line.values_at),
        }
        for line in lines
    ]
    expect = fixture["expect"]
    assert found == expect["lines"]
    assert channels(lines) == expect["channels"]
    assert default_channel(channels(lines)) == expect["channel"]
    assert reader.sheets_read == expect["sheets_read"]


# -- on the real servers --------------------------------------------------------------------------------------------

EVERY = 6.0  # seconds between two rows of each logger: 30 loggers post 5 rows a second in all
STOPS = {7: 6.0, 15: 12.0, 23: 18.0}  # group → seconds after the start at which its laptop lid closes


def temperature_of(group: int) -> float:
    return 20 + group / 10


@pytest.mark.loads_server
def test_a_class_of_30_shows_the_three_that_stopped_and_the_others_latest_values(sheet_url, tmp_path):
    schedule = sensorlab.DaylightSchedule(day_every=EVERY, night_every=EVERY)
    loggers = {
        group: sensorlab.Logger(
            sheet=sheet_url, schedule=schedule, name=f"g{group}", group=f"group {group}", data_dir=tmp_path
        )
        for group in range(1, 31)
    }
    view = sensorlab.ClassView(sheet_url)
    flagged_at: dict[str, float] = {}
    try:
        started = time.monotonic()
        while time.monotonic() - started < max(STOPS.values()) + 2 * EVERY + 4:
            elapsed = time.monotonic() - started
            for group, logger in loggers.items():
                if group in STOPS and elapsed >= STOPS[group]:
                    if not logger._closed:
                        logger.close()
                elif not logger._closed:
                    logger.record(temperature=temperature_of(group), light=group)
            if elapsed > EVERY * 2:  # every logger has posted twice: from here the view is read as a teacher would
                view.refresh_now()
                for line in view.lines:
                    if line["state"] != "on time":
                        flagged_at.setdefault(line["label"], elapsed)
            time.sleep(1.0)
        view.refresh_now()
        table = {line["label"]: line for line in view.lines}
        assert sorted(table, key=natural) == [f"group {group}" for group in range(1, 31)]
        # Exactly the three stopped, each within two of its intervals (plus a read and a post's time) of its last row.
        assert sorted(flagged_at, key=natural) == [f"group {group}" for group in sorted(STOPS)]
        for group, stopped in STOPS.items():
            line = table[f"group {group}"]
            assert line["state"] == "late" and line["interval_s"] == pytest.approx(EVERY, abs=0.01)
            assert flagged_at[f"group {group}"] <= stopped + 2 * EVERY + 3, group
        assert [line["label"] for line in view.lines[:3]] == ["group 7", "group 15", "group 23"]  # attention first
        for group in set(range(1, 31)) - set(STOPS):
            line = table[f"group {group}"]
            assert line["state"] == "on time"
            assert line["values"] == {"light": group, "temperature": temperature_of(group)}
        assert view.channels == ["light", "temperature"] and view.channel == "temperature"
        assert {series["label"] for series in view.series} == set(table)
        frame = sensorlab.Sheet(sheet_url).frame(with_ids=True)
        assert frame["row id"].is_unique and len(frame) > 30 * 2
        assert set(frame["group"]) == set(table) and frame["temperature"].dtype == float
        assert frame["time"].is_monotonic_increasing
    finally:
        view.close()
        for logger in loggers.values():
            logger.close()


def logged_row(group: str, when: str, ident: str, **values) -> dict:
    """A row as a Logger of another kernel writes it."""
    return {"time": when, "group": group, **values, "every (min)": 15, "time zone": "UTC+01:00", "row id": ident}


def test_the_view_follows_continued_sheets_and_the_device_sheets_the_class_sheet_points_to(sheet_url):
    name = sheet_url.rsplit("/", 1)[1]
    class_sheet = sensorlab.Sheet(sheet_url)
    now = datetime.now(timezone(timedelta(hours=1))).replace(microsecond=0, tzinfo=None)
    recent = [(now - timedelta(minutes=minutes)).isoformat(sep=" ") for minutes in (20, 5)]
    class_sheet.append([logged_row("group 1", recent[0], "k1-1", temperature=19.5)])
    sensorlab.Sheet(f"{sheet_url}-2").append([logged_row("group 2", recent[1], "k2-1", temperature=20.5)])
    # A logger with a sheet per device: its pointer rows go to the class sheet (the full one here: it continues).
    apart = sensorlab.Logger(sheet=sheet_url, name="apart", group="bench B", sheet_per_device=True)
    try:
        apart.name_devices({10: "group 3", 20: "group 4"})
        open_comm("apart").deliver(class_batch(0, [10, 20]))
        assert apart.flush(timeout=60)
    finally:
        apart.close()
    group_4 = f"{name}-group_4"
    sensorlab.Sheet(f"{sheet_url}-group_4-2").append(
        [{**logged_row("bench B", recent[1], "kb-9", temperature=23.5), "device": "group 4"}]
    )
    view = sensorlab.ClassView(sheet_url)
    try:
        view.refresh_now()
        assert view._reader.sheets_read == [name, f"{name}-2", f"{name}-group_3", group_4, f"{group_4}-2"]
        lines = {(line["label"], line["device"]): line for line in view.lines}
        assert {key: line["values"] for key, line in lines.items()} == {
            ("group 1", ""): {"temperature": 19.5},
            ("group 2", ""): {"temperature": 20.5},
            ("bench B", "group 3"): {"temperature": 20.0},
            ("bench B", "group 4"): {"temperature": 23.5},  # from the device sheet's continuation
        }
        assert {key: line["state"] for key, line in lines.items()}[("group 1", "")] == "on time"
        # Full sheets do not change: the next refresh reads only the last sheet of each series.
        assert set(view._reader._full) == {name, group_4}
        frame = sensorlab.Sheet(sheet_url).frame()
        assert len(frame) == 5 and "sheet" not in frame  # the pointer rows are not data
        assert frame["time"].is_monotonic_increasing and str(frame["time"].dt.tz) == str(kernel_zone())
    finally:
        view.close()


def rate_limited_server_is_read_less_often(tmp_path):
    server = servers.EtherCalc("2026", tmp_path / "limited", env={"ETHERCALC_RATELIMIT": "10:10"}).start()
    try:
        url = f"{server.url}/limited"
        now = datetime.now(timezone(timedelta(hours=1))).replace(microsecond=0, tzinfo=None).isoformat(sep=" ")
        deadline = time.monotonic() + 60
        sheet = sensorlab.Sheet(url)
        while True:  # writing a first row's headings takes more requests than the limit lets at once
            try:
                sheet.append([logged_row("group 1", now, "k1-1", temperature=21.0)])
                break
            except SlowDown as slow:
                assert time.monotonic() < deadline, "the rate-limited server never took the row"
                time.sleep(max(slow.retry_after or 0.0, 10.0))  # the whole allowance back: 10 requests at once
        view = sensorlab.ClassView(url, refresh="1s")
        try:
            while not view.problem:  # another reader at the school's address used up the server's allowance
                requests.get(f"{server.url}/_/limited/csv", timeout=10)
                view.refresh_now()
            assert view.problem.startswith("The sheet server asks to be read less often")
            assert view.next_read >= time.time() * 1000 + 1000  # it waits, more each time it is asked
            time.sleep(max(0.0, view.next_read / 1000 - time.time()) + 1)
            view.refresh_now()
            assert view.problem == ""
            lines = [(line["label"], line["values"]) for line in view.lines]
            assert lines == [("group 1", {"temperature": 21.0})], requests.get(f"{server.url}/_/limited/csv").text
        finally:
            view.close()
    finally:
        server.stop()


if "2026" in ETHERCALCS:
    test_a_rate_limited_server_is_read_less_often = rate_limited_server_is_read_less_often


def test_frame_reads_each_time_in_its_own_zone_numbers_as_numbers_and_each_row_once(sheet_url):
    sheet = sensorlab.Sheet(sheet_url)
    # The hour that repeats when summer time ends in Berlin, written in the sheet's order the other way round.
    second = {**logged_row("group 1", "2026-10-25 02:30:00", "k1-2", temperature=-1.5), "time zone": "UTC+01:00"}
    first = {**logged_row("group 1", "2026-10-25 02:30:00", "k1-1", temperature=12), "time zone": "UTC+02:00"}
    sheet.append([second, first])
    sheet.append([first])  # a late copy of a write
    sheet._command(["set A5 text t 2026-10-25 01:00:00", "set C5 text t not measured"])  # typed by a person
    wait_until(lambda: len(sheet.rows()) == 3)
    frame = sheet.frame(tz="Europe/Berlin")
    assert list(frame["temperature"]) == ["not measured", 12, -1.5]  # text in the column: kept as it is
    moments = list(frame["time"])
    assert [str(m) for m in moments] == [
        "2026-10-25 01:00:00+02:00",  # a row that does not say its zone: read in the zone asked for
        "2026-10-25 02:30:00+02:00",
        "2026-10-25 02:30:00+01:00",
    ]
    assert list(frame.columns) == ["time", "group", "temperature", "every (min)", "time zone"]
    assert frame["every (min)"].dtype == float and list(frame["every (min)"].dropna()) == [15.0, 15.0]
    numbers = sheet.frame(with_ids=True).dropna(subset=["row id"])
    assert list(numbers["row id"]) == ["k1-1", "k1-2"] and numbers["temperature"].tolist() == [12, -1.5]


def test_a_logger_without_a_group_is_labelled_by_its_key_or_on_a_hub_by_the_login_if_the_teacher_allows(monkeypatch):
    from sensorlab.rows import default_group

    monkeypatch.setenv("JUPYTERHUB_USER", "ada")
    monkeypatch.delenv("SENSORLAB_GROUP_FROM_LOGIN", raising=False)
    assert default_group("3f2a9c1b") == "logger 3f2a9c"  # off by default: sheets have no password
    monkeypatch.setenv("SENSORLAB_GROUP_FROM_LOGIN", "1")
    assert default_group("3f2a9c1b") == "ada"
    monkeypatch.delenv("JUPYTERHUB_USER")
    assert default_group("3f2a9c1b") == "logger 3f2a9c"
    with pytest.raises(ValueError, match='group must be some text .* such as "group 3"'):
        sensorlab.Logger(name="labelled", group=7)


def test_the_view_reads_once_a_minute_and_never_more_often_than_the_loggers_post():
    from sensorlab.classview import ClassLine, read_period

    now = datetime(2026, 12, 7, 10, tzinfo=timezone.utc)

    def line(state: str, interval: float) -> ClassLine:
        return ClassLine("group", "", state, now, interval)

    assert read_period(60, []) == 60
    assert read_period(60, [line("on time", 5), line("on time", 900)]) == 60  # a logger posting every 5 s
    assert read_period(60, [line("on time", 900), line("on time", 3600)]) == 900  # rows come every 15 min at most
    assert read_period(60, [line("silent", 5), line("late", 30)]) == 60  # only loggers posting on time count


def test_groups_are_in_the_order_people_count_them_as_the_sidebar_orders_them():
    names = ["group 10", "group 2", "Group 3", "group 02b", "bench A", "group-1", "group 1"]
    # As src/classview/model.ts's naturalCompare: digits as numbers, the rest character by character.
    assert sorted(names, key=natural) == [
        "Group 3",
        "bench A",
        "group 1",
        "group 2",
        "group 02b",
        "group 10",
        "group-1",
    ]
