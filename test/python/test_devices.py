"""Many devices in one logger: names, a row per device per interval, a sheet per device, the kinds asked for."""

import hashlib
import itertools
import re
import time
import uuid

import pytest
import sensorlab
from comms import measured, open_comm
from sensorlab.devices import device_sheet_name
from sensorlab.outbox import next_sheet_name

HOURLY = sensorlab.DaylightSchedule(day_every="1h", night_every="1h")
T0 = 1795255200000


def class_batch(seq, senders, at=0, sent_names=None):
    """A batch as the page sends a gateway's packets: one reading per sender, source microbit-<serial>."""
    sent_names = sent_names or {}
    readings = []
    for n, serial in enumerate(senders):
        reading = {"time": T0 + at + n, "values": {"temperature": 20 + n}, "source": f"microbit-{serial}"}
        if serial in sent_names:
            reading["device"] = sent_names[serial]
        readings.append(reading)
    return {"type": "batch", "seq": seq, "readings": readings}


def test_names_given_in_python_come_before_names_the_devices_sent_and_stay_after_a_restart(notebook_folder):
    logger = sensorlab.Logger(name="class", source="simulated-class")
    try:
        comm = open_comm("class")
        comm.deliver(class_batch(0, [1923449, -52381702, 777], sent_names={777: "Ada's group"}))
        comm.deliver({"type": "batch", "seq": 1, "readings": [{"time": T0, "values": {"t": 1}, "source": "serial-1"}]})
        # No names yet: the name a sender program sent, else the device's id.
        assert list(logger.data["device"]) == ["microbit-1923449", "microbit--52381702", "Ada's group", "serial-1"]
        logger.name_devices({1923449: "group 1", "-52381702": "group 2", "serial-1": "bench A", 777: "group 3"})
        assert list(logger.data["device"]) == ["group 1", "group 2", "group 3", "bench A"]
        assert list(logger.data["source"]) == ["microbit-1923449", "microbit--52381702", "microbit-777", "serial-1"]
        assert logger.status["devices"] == {
            "microbit-1923449": "group 1",
            "microbit--52381702": "group 2",
            "microbit-777": "group 3",
            "serial-1": "bench A",
        }
        logger.name_devices({777: None})  # None forgets a name: the one the sender sent shows again
        assert logger.data["device"][2] == "Ada's group"
    finally:
        logger.close()
    again = sensorlab.Logger(name="class", source="simulated-class")  # a restarted kernel
    try:
        assert list(again.data["device"]) == ["group 1", "group 2", "Ada's group", "bench A"]
    finally:
        again.close()


@pytest.mark.parametrize(
    "names, said",
    [
        ([("group 1", "x")], "name_devices takes a dict"),
        ({1.5: "group 1"}, "serial number"),
        ({"": "group 1"}, "serial number"),
        ({True: "group 1"}, "serial number"),
        ({1923449: "   "}, "must be some text"),
        ({1923449: 7}, "must be some text"),
    ],
)
def test_names_that_cannot_be_used_are_refused_with_what_to_write(logger, names, said):
    with pytest.raises(ValueError, match=said):
        logger.name_devices(names)


def test_a_long_name_is_cut_to_64_characters(logger):
    logger.name_devices({"serial-1": "g" * 80})
    open_comm("unit").deliver(
        {"type": "batch", "seq": 0, "readings": [{"time": T0, "values": {"t": 1}, "source": "serial-1"}]}
    )
    assert logger.data["device"][0] == "g" * 64


def test_each_device_gets_its_row_in_the_class_sheet_and_later_rows_use_new_names(sheet_url):
    logger = sensorlab.Logger(sheet=sheet_url, schedule=HOURLY, name="rows", source="simulated-class")
    try:
        comm = open_comm("rows")
        comm.deliver(class_batch(0, [30, 10, 20]))  # the first rows are due at once
        logger.name_devices({10: "group 1", 20: "group 2"})
        comm.deliver(class_batch(1, [10, 20], at=1000))
        later = logger.post_now()
        assert [row["device"] for row in later] == ["group 1", "group 2"]  # only devices that spoke since
        assert logger.flush(timeout=30)
        sheet = sensorlab.Sheet(sheet_url)
        assert sheet.header() == ["time", "group", "device", "temperature", "every (min)", "time zone", "row id"]
        rows = [(row["device"], row["temperature"]) for row in map(measured, sheet.rows())]
        assert rows == [
            ("microbit-10", 21.0),
            ("microbit-20", 22.0),
            ("microbit-30", 20.0),
            ("group 1", 20.0),
            ("group 2", 21.0),
        ]
    finally:
        logger.close()


def test_on_the_schedule_each_device_that_sent_nothing_gets_a_row_saying_since_when(sheet_url):
    schedule = sensorlab.DaylightSchedule(day_every="1s", night_every="1s", tz="Europe/Berlin")
    logger = sensorlab.Logger(sheet=sheet_url, schedule=schedule, name="quiet", source="simulated-class")
    try:
        logger.name_devices({10: "group 1", 20: "group 2", 30: "group 3"})
        comm = open_comm("quiet")
        comm.deliver(class_batch(0, [10, 20, 30]))  # the first rows, due at once
        time.sleep(1.1)
        comm.deliver(class_batch(1, [10], at=60_000))  # the next rows are due: groups 2 and 3 sent nothing
        comm.deliver(class_batch(2, [10], at=61_000))  # not due yet
        [row] = logger.post_now()
        assert measured(row) == {"time": "2026-11-21 11:01:01", "device": "group 1", "temperature": 20.0}
        assert row["time zone"] == "UTC+01:00" and row["every (min)"] == pytest.approx(1 / 60, abs=1e-4)
        assert logger.flush(timeout=30)
        rows = sensorlab.Sheet(sheet_url).rows()
        assert [(r["device"], r.get("temperature"), r.get("note")) for r in rows[3:]] == [
            ("group 1", 20.0, None),
            ("group 2", None, "no readings since 2026-11-21 11:00"),  # its reading at 10:00:00.001 UTC
            ("group 3", None, "no readings since 2026-11-21 11:00"),
            ("group 1", 20.0, None),  # post_now: only what is new, no row for the quiet devices
        ]
        assert sensorlab.Sheet(sheet_url).header() == [
            "time",
            "group",
            "device",
            "temperature",
            "every (min)",
            "time zone",
            "row id",
            "note",
        ]
    finally:
        logger.close()


def test_source_and_devices_are_checked_and_synced_as_text():
    logger = sensorlab.Logger(name="some", source="all", devices=[1923449, "group 2"])
    try:
        assert logger.source == "all" and logger.devices == ["1923449", "group 2"]
        state = logger.get_state()
        assert state["source"] == "all" and state["devices"] == ["1923449", "group 2"]
    finally:
        logger.close()
    one = sensorlab.Logger(name="one", devices="serial-1")  # one device without a list
    try:
        assert one.devices == ["serial-1"]
    finally:
        one.close()
    with pytest.raises(ValueError, match="simulated, serial, bluetooth, simulated-class, all"):
        sensorlab.Logger(name="bad", source="class")
    with pytest.raises(ValueError, match="devices are names or ids"):
        sensorlab.Logger(name="bad", devices=["x" * 65])
    with pytest.raises(ValueError, match="devices are names or ids"):
        sensorlab.Logger(name="bad", devices=[" group 1"])


def test_asking_for_several_devices_gives_rows_with_the_device_even_when_one_spoke(sheet_url):
    logger = sensorlab.Logger(sheet=sheet_url, schedule=HOURLY, name="two", devices=["serial-1", "serial-2"])
    try:
        comm = open_comm("two")
        comm.deliver({"type": "batch", "seq": 0, "readings": [{"time": T0, "values": {"t": 1}, "source": "serial-1"}]})
        assert logger.flush(timeout=30)
        [row] = sensorlab.Sheet(sheet_url).rows()
        assert set(measured(row)) == {"time", "device", "t"} and row["device"] == "serial-1"
    finally:
        logger.close()


def test_each_device_posts_to_a_sheet_named_after_the_class_sheet(sheet_url):
    name = sheet_url.rsplit("/", 1)[1]
    logger = sensorlab.Logger(sheet=sheet_url, schedule=HOURLY, name="apart", sheet_per_device=True, row="mean")
    try:
        logger.name_devices({10: "group 1", 20: "group 2"})
        comm = open_comm("apart")
        comm.deliver(class_batch(0, [10, 20]))
        comm.deliver(class_batch(1, [10], at=1000))
        logger.post_now()
        assert logger.flush(timeout=60)
        one = sensorlab.Sheet(f"{sheet_url}-group-1").rows()
        two = sensorlab.Sheet(f"{sheet_url}-group_2").rows()
        assert [(r["device"], r["temperature"]) for r in one] == [("group 1", 20.0), ("group 1", 20.0)]
        assert [(r["device"], r["temperature"], r["temperature max"]) for r in two] == [("group 2", 21.0, 21.0)]
        # The class sheet gets a row pointing to each device's sheet, for the class view and people.
        pointers = sensorlab.Sheet(sheet_url).rows()
        assert [(r["device"], r["sheet"], "temperature" in r) for r in pointers] == [
            ("group 1", f"{name}-group-1", False),
            ("group 2", f"{name}-group_2", False),
        ]
        assert pointers[0]["note"] == f"The rows of group 1 go to the sheet {name}-group-1."
        status = logger.status
        assert status["posted"] == 5 and status["pending"] == 0 and status["sheet"] == sheet_url
    finally:
        logger.close()


def test_rows_a_stopped_kernel_left_go_to_each_devices_sheet(sheet_url, notebook_folder):
    name = sheet_url.rsplit("/", 1)[1]
    first = sensorlab.Logger(sheet=f"http://127.0.0.1:9/{name}", name="left", sheet_per_device=True)
    first.name_devices({10: "group 1", 20: "group 2"})
    open_comm("left").deliver(class_batch(0, [10, 20]))
    assert (
        first.status["pending"] == 4
    )  # the server cannot be reached: the rows (and the pointers to their sheets) wait
    first.close()

    second = sensorlab.Logger(sheet=sheet_url, name="left", sheet_per_device=True)
    try:
        assert second.status["pending"] == 4
        assert second.flush(timeout=60)
        assert len(sensorlab.Sheet(sheet_url).rows()) == 2  # each sheet pointed to once
        assert [r["temperature"] for r in sensorlab.Sheet(f"{sheet_url}-group-1").rows()] == [20.0]
        assert [r["temperature"] for r in sensorlab.Sheet(f"{sheet_url}-group_2").rows()] == [21.0]
    finally:
        second.close()


def test_device_sheet_names_are_made_from_the_names_people_read():
    assert device_sheet_name("class-7b", "group 1") == "class-7b-group-1"
    assert device_sheet_name("class-7b", "Bench A (window)") == "class-7b-bench-a-window"
    # Digits only would read as a full sheet's continuation (class-7b-2).
    assert device_sheet_name("class-7b", "2") == "class-7b-device_2"
    made = device_sheet_name("class-7b", "🌡️")
    assert made.startswith("class-7b-device-") and made != device_sheet_name("class-7b", "🌧️")
    for device in ("group 1", "2", "🌡️", "x" * 64, "group 1 2"):
        sensorlab.Sheet(f"http://127.0.0.1:8000/{device_sheet_name('class-' + uuid.uuid4().hex, device)}")


# What each name's sheet was before names ending in a number could be a continuation: the names
# that do not end in a digit keep it.
SHEETS_BEFORE = {
    "group 1": "class-7b-group-1",
    "Group 1!": "class-7b-group-1",
    "Bench A (window)": "class-7b-bench-a-window",
    "Ada's group": "class-7b-ada-s-group",
    "group 2 (east)": "class-7b-group-2-east",
    "2nd group": "class-7b-2nd-group",
    "1": "class-7b-device-1",
    "group 02": "class-7b-group-02",
    "abc2": "class-7b-abc2",
    "🌡️": "class-7b-device-" + hashlib.sha256("🌡️".encode()).hexdigest()[:8],
}


@pytest.mark.parametrize("device", sorted(SHEETS_BEFORE))
def test_names_that_cannot_be_a_continuation_keep_their_sheet(device):
    assert device_sheet_name("class-7b", device) == SHEETS_BEFORE[device]


@pytest.mark.parametrize(
    "device, sheet",
    [
        ("group 1 2", "class-7b-group-1_2"),  # not group 1's second sheet, class-7b-group-1-2
        ("Group 1.2", "class-7b-group-1_2"),  # the same name but for case and punctuation
        ("group 2", "class-7b-group_2"),
        ("group 12", "class-7b-group_12"),
        ("microbit-1923449", "class-7b-microbit_1923449"),
        ("2", "class-7b-device_2"),
        ("device 2", "class-7b-device_2"),  # digits only are read as "device <digits>"
    ],
)
def test_a_name_ending_in_a_number_from_2_gets_an_underscore_before_it(device, sheet):
    assert device_sheet_name("class-7b", device) == sheet


def test_no_device_sheet_is_the_continuation_of_another_or_of_the_class_sheet():
    words = ["group", "1", "2", "10", "01", "a", "device", "B", "7b", " ", "-", ".", "_", "(x)"]
    names = {" ".join(p) for p in itertools.product(words, repeat=3)} | set(words) | {"".join(words[:4])}
    sheets = {device_sheet_name("class-7b", name) for name in names if name.strip(" -._")}
    bases = sheets | {"class-7b"}
    continuations = {next_sheet_name(base, part) for base in bases for part in (2, 3, 10, 12, 100)}
    assert not sheets & continuations
    assert all(not re.search(r"-([2-9]|[1-9][0-9]+)$", sheet) for sheet in sheets)


def test_rows_of_a_device_named_like_a_continuation_go_to_its_own_sheet(sheet_url):
    logger = sensorlab.Logger(sheet=sheet_url, schedule=HOURLY, name="ends", sheet_per_device=True)
    try:
        logger.name_devices({10: "group 1", 20: "group 1 2"})
        open_comm("ends").deliver(class_batch(0, [10, 20]))
        assert logger.flush(timeout=60)
        assert [r["temperature"] for r in sensorlab.Sheet(f"{sheet_url}-group-1").rows()] == [20.0]
        assert [r["temperature"] for r in sensorlab.Sheet(f"{sheet_url}-group-1_2").rows()] == [21.0]
        assert sensorlab.Sheet(f"{sheet_url}-group-1-2").rows() == []  # where group 1's full sheet goes on
    finally:
        logger.close()
