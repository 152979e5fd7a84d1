"""The readings channel alone: comms from the browser, each batch stored once and acked, no widget."""

import json
import sqlite3
from pathlib import Path

import pytest
from comms import batch, deliver_from_threads, open_comm
from sensorlab import protocol
from sensorlab.channel import ReadingsChannel
from sensorlab.store import LoggerFile

FIXTURES = Path(__file__).parents[1] / "fixtures" / "protocol"


class Receiver:
    """Records what the channel hands on, as a Logger would receive it."""

    def __init__(self):
        self.readings, self.results, self.errors, self.replaced = [], [], [], 0

    def take(self, readings, received):
        self.readings.extend(readings)

    def replace(self):
        self.replaced += 1


def make_channel(tmp_path, name="chan"):
    receiver = Receiver()
    file = LoggerFile(tmp_path, name)
    channel = ReadingsChannel(
        name,
        file,
        on_readings=receiver.take,
        on_device_result=receiver.results.append,
        on_error=receiver.errors.append,
        on_replaced=receiver.replace,
    )
    channel.open()
    return channel, receiver, file


@pytest.fixture
def opened(tmp_path):
    channel, receiver, file = make_channel(tmp_path)
    yield channel, receiver
    channel.close()
    file.close()


def test_opening_says_hello(opened):
    channel, _ = opened
    assert not channel.attached
    comm = open_comm("chan")
    assert comm.sent == [{"type": "hello", "logger": "chan"}]
    assert comm.closed_with is None
    assert channel.attached


def test_an_unknown_logger_is_refused_with_advice():
    comm = open_comm("nobody")
    assert "run the cell that creates it" in comm.closed_with["reason"]


def test_another_protocol_version_is_refused(opened):
    comm = open_comm("chan", protocol_version=99)
    assert "install the same sensorlab version" in comm.closed_with["reason"]


def test_duplicates_are_acked_again_but_handed_on_once(opened):
    _, receiver = opened
    comm = open_comm("chan")
    for seq in (0, 1, 0, 2, 1, 2):
        comm.deliver(batch(seq, start=3 * seq))
    assert len(receiver.readings) == 9
    assert [m["seq"] for m in comm.sent[1:]] == [0, 1, 0, 2, 1, 2]


def test_streams_are_deduplicated_separately(opened):
    _, receiver = opened
    a, b = open_comm("chan", "stream-a"), open_comm("chan", "stream-b")
    a.deliver(batch(0))
    b.deliver(batch(0, start=10))
    assert len(receiver.readings) == 6


def test_out_of_order_batches_are_kept(opened):
    _, receiver = opened
    comm = open_comm("chan")
    for seq in (2, 0, 1):
        comm.deliver(batch(seq, start=3 * seq))
    assert [r.time for r in receiver.readings] == [1795255200000 + 1000 * i for i in (6, 7, 8, 0, 1, 2, 3, 4, 5)]


def test_the_refusal_the_browser_gets_is_the_shared_example(opened):
    _, receiver = opened
    comm = open_comm("chan")
    comm.deliver({"type": "batch", "seq": 4, "readings": {}})
    assert comm.sent[-1] == json.loads((FIXTURES / "refused.json").read_text())
    assert receiver.errors and "refused" in receiver.errors[0]
    comm.deliver(batch(4))  # its number was used up: the same seq is a duplicate now
    assert comm.sent[-1] == {"type": "ack", "seq": 4} and receiver.readings == []


def test_device_results_go_to_their_handler_and_say_if_answers_can_arrive_during_a_cell(opened):
    channel, receiver = opened
    comm = open_comm("chan")
    comm.deliver(batch(0), subshell=False)
    assert channel.concurrent is False
    comm.deliver(batch(1, start=3))
    assert channel.concurrent is True
    comm.deliver({"type": "device_result", "id": 7, "error": None, "value": 992})
    assert receiver.results == [protocol.DeviceResult(7, None, 992)]


def test_a_closed_channel_closes_its_comms_and_stores_nothing(opened):
    channel, receiver = opened
    comm = open_comm("chan")
    channel.close()
    assert "closed or replaced" in comm.closed_with["reason"]
    comm.deliver(batch(0))
    assert receiver.readings == [] and comm.sent == [{"type": "hello", "logger": "chan"}]
    assert "run the cell that creates it" in open_comm("chan").closed_with["reason"]


def test_a_new_channel_of_the_same_name_replaces_the_old_one(opened, tmp_path):
    _, receiver = opened
    newer, _, file = make_channel(tmp_path / "newer")
    try:
        assert receiver.replaced == 1
        comm = open_comm("chan")
        comm.deliver(batch(0))
        assert comm.sent[-1] == {"type": "ack", "seq": 0} and receiver.readings == []
    finally:
        newer.close()
        file.close()


def test_many_streams_at_once_lose_nothing(opened):
    _, receiver = opened
    comms = deliver_from_threads("chan", 4, 100)
    assert len(receiver.readings) == 4 * 100 * 3
    assert all(len(c.sent) == 101 for c in comms)


def test_a_batch_that_cannot_be_stored_is_answered_not_stored_and_stored_when_sent_again(tmp_path):
    channel, receiver, file = make_channel(tmp_path)
    comm = open_comm("chan")
    # Another process holds the data file (a locked disk): storing waits for sqlite's timeout, then fails.
    holder = sqlite3.connect(file.path, isolation_level=None)
    try:
        holder.execute("BEGIN EXCLUSIVE")
        comm.deliver(batch(5))
        holder.rollback()
        assert comm.sent[-1] == json.loads((FIXTURES / "not_stored.json").read_text())
        assert receiver.readings == [] and "could not store" in receiver.errors[-1]
        comm.deliver(batch(5))  # the browser's resend, once the disk is free
        assert comm.sent[-1] == {"type": "ack", "seq": 5} and len(receiver.readings) == 3
    finally:
        holder.close()
        channel.close()
        file.close()
