"""sensorlab.Sheet against the real local EtherCalc."""

import csv
import io
import socket
import threading
import time
from datetime import datetime, timezone

import pytest
import requests
from sensorlab import Sheet, SheetError
from sensorlab.ethercalc import ROW_ID

AWKWARD_TEXTS = [
    "plain",
    "with, commas",
    'with "quotes"',
    "=1+2",
    '=HYPERLINK("http://x")',
    "+33 6 12",
    "-minus",
    "@mention",
    "ünïcödé ☀ 温度",
    "tab\there",
    "colon: here",
    "back\\slash",
    "line one\nline two",
    "  spaces  ",
    "21.5",
    "2026-11-21",
    "TRUE",
    "'quoted",
]
NUMBERS = [21.5, -3.75, 0, 1e-12, -1e-9, 123456789012345.0, 7]


def csv_rows(sheet: Sheet):
    text = requests.get(f"{sheet.api}/csv", timeout=10).text
    return list(csv.reader(io.StringIO(text)))


def csv_text(kind: str, text: str) -> str:
    """What a server's /csv shows of a text cell: the 2026 server puts ' before = + - @ and tab."""
    return "'" + text if kind == "2026" and text[:1] in ("=", "+", "-", "@", "\t") else text


@pytest.mark.parametrize(
    "url, server, name",
    [
        ("https://ethercalc.net/room-7b", "https://ethercalc.net", "room-7b"),
        ("http://127.0.0.1:8000/room-7b", "http://127.0.0.1:8000", "room-7b"),
        ("http://127.0.0.1:8000/_/room-7b", "http://127.0.0.1:8000", "room-7b"),
        ("https://calc.school.example:8443/_/class_3.A/", "https://calc.school.example:8443", "class_3.A"),
        ("  http://localhost:8000/x  ", "http://localhost:8000", "x"),
    ],
)
def test_accepted_addresses(url, server, name):
    sheet = Sheet(url)
    assert (sheet.server, sheet.name) == (server, name)
    assert sheet.url == f"{server}/{name}"
    assert sheet.api == f"{server}/_/{name}"


@pytest.mark.parametrize(
    "url",
    [
        "ethercalc.net/room-7b",
        "ftp://ethercalc.net/room",
        "http://127.0.0.1:8000/",
        "http://127.0.0.1:8000",
        "http://127.0.0.1:8000/a/b",
        "http://127.0.0.1:8000/_/a/b",
        "http://127.0.0.1:8000/room?x=1",
        "http://127.0.0.1:8000/room#top",
        "http://127.0.0.1:abc/room",
        "http:///room",
        "http://host/room with space",
        "",
        42,
        None,
    ],
)
def test_refused_addresses_say_what_a_valid_one_looks_like(url):
    with pytest.raises(ValueError, match="a sheet address looks like https://ethercalc.net/room-7b"):
        Sheet(url)


def test_awkward_values_round_trip_exactly(sheet_url, ethercalc_kind):
    sheet = Sheet(sheet_url)
    when = datetime(2026, 11, 21, 10, 0, 5)
    rows = []
    for i, text in enumerate(AWKWARD_TEXTS):
        rows.append({"time": when.replace(minute=i), "note": text, "value": NUMBERS[i % len(NUMBERS)]})
    assert sheet.append(rows) == len(rows)

    expected = [
        {"time": f"2026-11-21 10:{i:02d}:05", "note": text, "value": float(NUMBERS[i % len(NUMBERS)])}
        for i, text in enumerate(AWKWARD_TEXTS)
    ]
    assert sheet.rows() == expected
    back = sheet.rows()
    assert all(isinstance(r["value"], float) for r in back)
    assert all(isinstance(r["note"], str) and isinstance(r["time"], str) for r in back)

    # The sheet's own CSV export shows the same: times as posted, numbers as numbers, text as text.
    exported = csv_rows(sheet)
    assert exported[0] == ["time", "note", "value", ROW_ID]
    assert len(exported) == len(rows) + 1
    for line, want in zip(exported[1:], expected):
        assert line[0] == want["time"]
        assert line[1] == csv_text(ethercalc_kind, want["note"])
        assert float(line[2]) == pytest.approx(want["value"], rel=1e-12, abs=0)


CARRIAGE_RETURNS = ["ends in cr\r", "\r", "\r\r", "a\rb", "\rstart", "x\r\ny", "q\r\n", "colon:\r", "back\\\r"]


def test_carriage_returns_round_trip_exactly(sheet_url):
    """SocialCalc has no escape for \\r and cuts lines at \\r\\n: a text ending in \\r lost it."""
    sheet = Sheet(sheet_url)
    rows = [{"time": f"t{i}", "note": text, "last": text} for i, text in enumerate(CARRIAGE_RETURNS)]
    assert sheet.append(rows) == len(rows)
    assert sheet.rows() == rows


def test_the_first_append_writes_the_header_in_row_one(sheet_url):
    sheet = Sheet(sheet_url)
    sheet.append([{"temperature": 20.5, "time": "2026-11-21 08:00:00", "humidity": 40}])
    exported = csv_rows(sheet)
    assert exported[0] == ["time", "temperature", "humidity", ROW_ID]
    assert exported[1][:3] == ["2026-11-21 08:00:00", "20.5", "40"]


def test_new_channels_extend_the_header_and_rows_stay_aligned(sheet_url):
    sheet = Sheet(sheet_url)
    sheet.append([{"time": "t1", "temperature": 20}])
    sheet.append([{"time": "t2", "lux": 300, "temperature": 21}])
    assert sheet.header() == ["time", "temperature", ROW_ID, "lux"]
    assert sheet.rows() == [{"time": "t1", "temperature": 20.0}, {"time": "t2", "temperature": 21.0, "lux": 300.0}]


def test_aware_times_are_written_in_their_own_zone(sheet_url):
    sheet = Sheet(sheet_url)
    sheet.append([{"time": datetime(2026, 11, 21, 9, 30, tzinfo=timezone.utc), "t": 1}])
    assert sheet.rows()[0]["time"] == "2026-11-21 09:30:00"


def test_missing_finds_the_rows_not_posted_yet_by_their_id(sheet_url):
    sheet = Sheet(sheet_url)
    a, b, c = ({"time": t, "v": 1, ROW_ID: f"id-{t}"} for t in "abc")
    assert sheet.missing([a]) == [a]
    sheet.append([a, b])
    assert sheet.missing([a]) == []
    assert sheet.missing([b, a]) == []
    # Rows queued after a failed post join the batch: only they are missing.
    assert sheet.missing([a, b, c]) == [c]
    # Equal values under another id are another row.
    twin = dict(a, **{ROW_ID: "id-twin"})
    assert sheet.missing([twin]) == [twin]


def test_rows_that_leave_columns_empty_equal_others_or_add_columns_land_once(sheet_url):
    # The bug: after one row with a note, a row without one never confirmed (its empty note
    # read back as "") and was posted again and again.
    sheet = Sheet(sheet_url, confirm_within=3)
    sheet.append([{"time": "t1", "v": 1, "note": "window opened"}])
    sheet.append([{"time": "t2", "v": 2}])
    sheet.append([{"time": "t2", "v": 2}])  # the same values from another logger
    sheet.append([{"time": "t3", "v": 3, "lux": 300}])
    assert Sheet(sheet_url).rows() == [
        {"time": "t1", "v": 1.0, "note": "window opened"},
        {"time": "t2", "v": 2.0},
        {"time": "t2", "v": 2.0},
        {"time": "t3", "v": 3.0, "lux": 300.0},
    ]


def test_posts_bigger_than_the_servers_limit_are_split(sheet_url, monkeypatch):
    # 600 rows with long notes are about 1.6 MB: more than the 2026 server takes in one request.
    rows = [{"time": f"t{i}", "n": i, "note": "x" * 2500} for i in range(600)]
    assert Sheet(sheet_url).append(rows) == 600
    assert [r["n"] for r in Sheet(sheet_url).rows()] == list(range(600))
    # Both servers refuse a request past 1 MiB (the 2026 one answers 413, the 2020 one answers 413 or
    # hangs up): with sensorlab's own cut off, the post is halved until it fits.
    from sensorlab import ethercalc as impl

    monkeypatch.setattr(impl, "MAX_BODY_BYTES", 50_000_000)
    monkeypatch.setattr(impl, "MAX_INSERTS", 10_000)
    refused = []
    command = impl.Sheet._command

    def counting(self, commands):
        try:
            return command(self, commands)
        except impl.SheetTooLarge:
            refused.append(len(commands))
            raise

    monkeypatch.setattr(impl.Sheet, "_command", counting)
    more = [{"time": f"u{i}", "n": 600 + i, "note": "y" * 2500} for i in range(500)]
    assert Sheet(sheet_url).append(more) == 500
    assert [r["n"] for r in Sheet(sheet_url).rows()] == list(range(1100))
    assert refused


def test_a_long_append_inserts_few_rows_per_request(sheet_url, monkeypatch):
    # The 2026 server inserts each row of a post on its own, with a pass over the whole sheet:
    # 500 rows in one request took it longer than the request may (and were then sent again).
    from sensorlab import ethercalc as impl

    inserts = []
    command = impl.Sheet._command

    def counting(self, commands):
        inserts.append(sum(c.startswith("insertrow") for c in commands))
        return command(self, commands)

    monkeypatch.setattr(impl.Sheet, "_command", counting)
    assert Sheet(sheet_url).append([{"time": f"t{i}", "n": i} for i in range(120)]) == 120
    assert [r["n"] for r in Sheet(sheet_url).rows()] == list(range(120))
    assert max(inserts) <= impl.MAX_INSERTS


def test_concurrent_appenders_lose_nothing(sheet_url):
    Sheet(sheet_url).append([{"time": "start", "writer": -1, "n": -1}])
    errors = []

    def write(writer):
        sheet = Sheet(sheet_url)
        try:
            for n in range(5):
                sheet.append([{"time": f"w{writer}-{n}", "writer": writer, "n": n}])
        except Exception as error:  # collected, then asserted below
            errors.append(error)

    threads = [threading.Thread(target=write, args=(w,)) for w in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    times = [r["time"] for r in Sheet(sheet_url).rows()]
    # Every row exactly once: none overwritten by another writer, before or after it was confirmed.
    assert sorted(times) == sorted(["start"] + [f"w{w}-{n}" for w in range(8) for n in range(5)])


def test_an_empty_append_writes_nothing(sheet_url):
    assert Sheet(sheet_url).append([]) == 0
    assert Sheet(sheet_url).rows() == []


def test_an_unreachable_server_gives_a_clear_error():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    sheet = Sheet(f"http://127.0.0.1:{port}/nowhere", timeout=2)
    with pytest.raises(SheetError, match="Cannot reach the sheet server"):
        sheet.append([{"time": "x", "v": 1}])


def test_a_sheet_cleared_by_a_person_gets_its_header_back(sheet_url, monkeypatch):
    from sensorlab import ethercalc as impl

    monkeypatch.setattr(impl, "RECHECK_EVERY", 0.0)
    sheet = Sheet(sheet_url)
    sheet.append([{"time": "t1", "v": 1}, {"time": "t2", "v": 2}])
    sheet._command(["erase A1:Z50 all"])  # a teacher selects everything and deletes it
    sheet.append([{"time": "t3", "v": 3}])
    again = Sheet(sheet_url)
    assert again.header() == ["time", "v", ROW_ID]
    assert again.rows() == [{"time": "t3", "v": 3.0}]


def test_a_heading_overwritten_after_it_stood_gets_its_values_moved_into_a_column_of_their_own(sheet_url, monkeypatch):
    # Another logger's heading write, held up on the way, lands on our new heading after we saw it stand
    # and wrote our row: our value stands under its heading until we move it into a column of our own.
    from sensorlab import ethercalc as impl

    monkeypatch.setattr(impl, "HEADINGS_SETTLE", 0.3)
    Sheet(sheet_url).append([{"time": "start", "v": 0}])
    ours = Sheet(sheet_url)
    ours.grid()
    confirm = impl.Sheet._confirm
    other = {"done": False}

    def confirm_then_the_other_logger_writes(self, ids, column, first):
        confirm(self, ids, column, first)
        if not other["done"]:  # once: the other logger's heading lands in the same cell
            other["done"] = True
            Sheet(sheet_url)._command(["set D1 text t co2"])
            _wait_for_cell(sheet_url, "D1", "co2")

    monkeypatch.setattr(impl.Sheet, "_confirm", confirm_then_the_other_logger_writes)
    ours.append([{"time": "t1", "v": 1, "note": "window opened"}])
    ours.append([{"time": "t2", "v": 2, "note": "door closed"}])
    time.sleep(1.0)  # the 2020 server applies a write after answering it
    again = Sheet(sheet_url)
    assert again.header() == ["time", "v", ROW_ID, "co2", "note"]
    assert again.rows() == [
        {"time": "start", "v": 0.0},
        {"time": "t1", "v": 1.0, "note": "window opened"},
        {"time": "t2", "v": 2.0, "note": "door closed"},
    ]


def _wait_for_cell(sheet_url, coord, text):
    """The 2020 server applies a write after answering it."""
    sheet = Sheet(sheet_url)
    deadline = time.monotonic() + 10
    while (
        sheet._conn.json(f"/cells/{coord}") in (None, {})
        or sheet._conn.json(f"/cells/{coord}").get("datavalue") != text
    ):
        assert time.monotonic() < deadline
        time.sleep(0.05)
