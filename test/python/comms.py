"""A stand-in for the comms the browser opens (the device boundary of the unit tests), batches to send, and a
readings comm opened in a real kernel straight from a client, as a page opens it."""

import re
import threading
import uuid

from sensorlab import channel


class FakeComm:
    """Stands in for a comm the browser opened (the device boundary of these unit tests)."""

    def __init__(self):
        self.sent, self.closed_with = [], None
        self._on_msg = self._on_close = None

    def on_msg(self, callback):
        self._on_msg = callback

    def on_close(self, callback):
        self._on_close = callback

    def send(self, data):
        self.sent.append(data)

    def close(self, data=None):
        self.closed_with = data

    def deliver(self, data, subshell=True):
        # JupyterLab sends readings on a kernel subshell; its id is in the header.
        header = {"msg_type": "comm_msg", "subshell_id": "sub-1" if subshell else None}
        self._on_msg({"header": header, "content": {"data": data}})


def open_comm(name, stream="stream-1", protocol_version=1):
    comm = FakeComm()
    channel._open_readings_comm(
        comm, {"content": {"data": {"protocol": protocol_version, "logger": name, "stream": stream}}}
    )
    return comm


def batch(seq, start=0, count=3, source="simulated"):
    return {
        "type": "batch",
        "seq": seq,
        "readings": [
            {
                "time": 1795255200000 + 1000 * (start + i),
                "values": {"temperature": 20 + i, "humidity": 40.5},
                "source": source,
            }
            for i in range(count)
        ],
    }


def deliver_from_threads(name: str, streams: int, batches: int) -> list[FakeComm]:
    """Open ``streams`` comms to ``name`` and send ``batches`` batches on each, all streams at once."""
    comms = [open_comm(name, f"stream-{i}") for i in range(streams)]

    def send(comm):
        for seq in range(batches):
            comm.deliver(batch(seq, start=seq * 3))

    threads = [threading.Thread(target=send, args=(c,)) for c in comms]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return comms


def open_readings_comm(kc, logger, stream="attacker"):
    """Open a readings comm the way a page does, but straight from a client: its id."""
    comm_id = uuid.uuid4().hex
    kc.shell_channel.send(
        kc.session.msg(
            "comm_open",
            {
                "comm_id": comm_id,
                "target_name": "sensorlab.readings",
                "data": {"protocol": 1, "logger": logger, "stream": stream},
            },
        )
    )
    return comm_id


LOGGER_COLUMNS = ("group", "every (min)", "time zone")


def measured(row: dict) -> dict:
    """A row a Logger posted without the columns every such row has, after checking them: its group, the minutes to
    its next row and its time's zone. What is left is its time, device, values and note."""
    assert isinstance(row.get("group"), str) and row["group"], row
    assert isinstance(row.get("every (min)"), float) and row["every (min)"] > 0, row
    assert re.fullmatch(r"UTC[+-]\d\d:\d\d", row.get("time zone", "")), row
    return {key: value for key, value in row.items() if key not in LOGGER_COLUMNS}
