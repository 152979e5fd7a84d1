"""The kernel's side of the protocol, against the examples both sides share."""

import json
from pathlib import Path

import pytest
from sensorlab import protocol

FIXTURES = Path(__file__).parents[1] / "fixtures" / "protocol"


def fixture(name):
    return json.loads((FIXTURES / name).read_text())


def test_open_message():
    data = fixture("open.json")
    assert protocol.parse_open(data) == ("class-7b", data["stream"])


def test_open_from_another_protocol_version_is_refused_with_advice():
    data = dict(fixture("open.json"), protocol=2)
    with pytest.raises(protocol.ProtocolError, match="install the same sensorlab version"):
        protocol.parse_open(data)


def test_batch_message():
    batch = protocol.parse_batch(fixture("batch.json"))
    assert batch.seq == 3
    assert batch.readings == [
        protocol.Reading(1795255200000.0, "simulated", {"temperature": 21.5, "humidity": 40}),
        protocol.Reading(1795255201000.0, "simulated", {"temperature": -0.25, "lux": 0}),
    ]


@pytest.mark.parametrize("case", fixture("invalid-batches.json"), ids=lambda c: c["why"])
def test_invalid_batches_are_refused(case):
    with pytest.raises(protocol.ProtocolError):
        protocol.parse_batch(case["message"])


def test_huge_batches_are_refused():
    readings = [{"time": 1, "values": {"t": 1}, "source": "s"}] * (protocol.MAX_BATCH_READINGS + 1)
    with pytest.raises(protocol.ProtocolError, match="at most"):
        protocol.parse_batch({"type": "batch", "seq": 0, "readings": readings})


def test_unknown_fields_are_ignored():
    message = dict(fixture("batch.json"), extra="x")
    assert protocol.parse_batch(message).seq == 3


def test_kernel_messages_match_the_shared_examples():
    assert protocol.hello("class-7b") == fixture("hello.json")
    assert protocol.ack(3) == fixture("ack.json")
    assert protocol.refused(4, "readings must be a list") == fixture("refused.json")
    assert protocol.not_stored(5, "database is locked") == fixture("not_stored.json")
    assert protocol.not_stored(5, "disk I/O error", "s-1") == {
        "type": "not_stored",
        "seq": 5,
        "reason": "disk I/O error",
        "stream": "s-1",
    }


def test_refusal_reason_of_the_shared_example_is_what_the_kernel_says():
    with pytest.raises(protocol.ProtocolError) as error:
        protocol.parse_batch({"type": "batch", "seq": 4, "readings": {}})
    assert str(error.value) == fixture("refused.json")["reason"]


def test_device_requests_and_results_match_the_shared_examples():
    assert protocol.device_request(1, "send_line", line="target 21.5") == fixture("device_request-send_line.json")
    assert protocol.device_request(3, "set_period", ms=1000) == fixture("device_request-set_period.json")
    assert protocol.parse_message(fixture("device_result.json")) == protocol.DeviceResult(1, None, None)
    error = fixture("device_result-error.json")
    assert protocol.parse_message(error) == protocol.DeviceResult(2, error["error"], None)
    assert protocol.parse_message(fixture("device_result-period.json")) == protocol.DeviceResult(3, None, 992)


@pytest.mark.parametrize("case", fixture("invalid-device-results.json"), ids=lambda c: c["why"])
def test_invalid_device_results_are_refused(case):
    with pytest.raises(protocol.ProtocolError):
        protocol.parse_message(case["message"])


def test_a_batch_left_by_an_earlier_page_names_its_stream():
    batch = protocol.parse_batch(fixture("batch-left-by-an-earlier-page.json"))
    assert batch.stream == "1c7e2f40-8f7e-4b8a-9d7e-0b6d2a1f3c55" and batch.seq == 7
    assert protocol.ack(7, batch.stream) == fixture("ack-left-by-an-earlier-page.json")
    with pytest.raises(protocol.ProtocolError, match="stream"):
        protocol.parse_batch(dict(fixture("batch.json"), stream=""))


def _one_reading_at(stamp):
    return {"type": "batch", "seq": 0, "readings": [{"time": stamp, "values": {"t": 1}, "source": "s"}]}


def test_reading_times_from_2000_to_a_day_ahead_are_taken_and_others_refused_with_a_reason():
    import time

    now = time.time() * 1000
    for good in (946684800000, now, now + 23 * 3600_000):
        assert protocol.parse_batch(_one_reading_at(good)).readings[0].time == good
    for bad in (946684799999, now + 25 * 3600_000, 1e300):
        with pytest.raises(protocol.ProtocolError, match="is not between 2000-01-01 and tomorrow: check the clock"):
            protocol.parse_batch(_one_reading_at(bad))


def test_a_batch_from_several_devices_keeps_each_readings_device_name():
    batch = protocol.parse_batch(fixture("batch-from-several-devices.json"))
    assert [(r.source, r.device) for r in batch.readings] == [
        ("microbit-1923449", "group 1"),
        ("microbit--52381702", None),
        ("serial-2", "Bench A 🌡️"),
        ("bluetooth-1", "x" * 64),
    ]


@pytest.mark.parametrize("case", fixture("device-names.json"), ids=lambda c: c["why"])
def test_device_names_as_typed_become_what_both_sides_keep(case):
    assert protocol.device_name(case["typed"]) == case["name"]


def test_readings_made_in_python_go_to_the_widget_as_the_shared_example_says():
    assert protocol.recorded(
        [
            protocol.Reading(1795255200000, "python-pi", {"temperature": 21.5, "humidity": 40}, "pi"),
            protocol.Reading(1795255260000, "python", {"temperature": 21.25}),
        ]
    ) == fixture("recorded.json")
