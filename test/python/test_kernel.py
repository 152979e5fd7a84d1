"""The Logger in a real ipykernel: posting happens on a worker thread, never in a cell's way."""

import time
import uuid

import pytest
from comms import open_readings_comm
from jupyter_client.manager import start_new_kernel
from proxy import Proxy

FEED = """
import sensorlab
from sensorlab import channel as _impl

class _Comm:
    def __init__(self): self.sent = []
    def on_msg(self, cb): self.cb = cb
    def on_close(self, cb): pass
    def send(self, data): self.sent.append(data)
    def close(self, data=None): pass

logger = sensorlab.Logger(sheet={sheet!r}, name="in-kernel")
_comm = _Comm()
_impl._open_readings_comm(_comm, {{"content": {{"data": {{"protocol": 1, "logger": "in-kernel", "stream": "s"}}}}}})
_comm.cb({{"content": {{"data": {{"type": "batch", "seq": 0, "readings": [
    {{"time": 1795255200000, "values": {{"temperature": 21.5}}, "source": "simulated"}}]}}}}}})
"""


def run(kc, code, timeout=30, cell=None):
    """Execute code (as the notebook cell ``cell``, if given), return its stdout; fail on an error or a time-out."""
    if cell is None:
        msg_id = kc.execute(code)
    else:  # as JupyterLab and Notebook 7 send it
        request = kc.session.msg("execute_request", {"code": code, "silent": False, "store_history": True})
        request["metadata"]["cellId"] = cell
        kc.shell_channel.send(request)
        msg_id = request["header"]["msg_id"]
    out = []
    deadline = time.monotonic() + timeout
    while True:
        remaining = deadline - time.monotonic()
        assert remaining > 0, f"the kernel did not finish {code[:60]!r}"
        msg = kc.get_iopub_msg(timeout=remaining)
        if msg["parent_header"].get("msg_id") != msg_id:
            continue
        if msg["msg_type"] == "stream":
            out.append(msg["content"]["text"])
        elif msg["msg_type"] == "error":
            pytest.fail("\n".join(msg["content"]["traceback"]))
        elif msg["msg_type"] == "status" and msg["content"]["execution_state"] == "idle":
            return "".join(out)


@pytest.fixture
def kernel(notebook_folder):
    km, kc = start_new_kernel(kernel_name="python3", cwd=str(notebook_folder))
    yield kc
    kc.stop_channels()
    km.shutdown_kernel(now=True)


def test_cells_run_while_a_post_is_in_flight(kernel, ethercalc):
    proxy = Proxy(ethercalc)
    try:
        proxy.hold()  # every request to the sheet now waits until released
        sheet = f"{proxy.url}/kernel-{uuid.uuid4().hex[:8]}"
        run(kernel, FEED.format(sheet=sheet))
        deadline = time.monotonic() + 10
        while proxy.held == 0:
            assert time.monotonic() < deadline, "the logger never started posting"
            time.sleep(0.05)

        # The post is stuck in the network; a cell must still run to the end.
        out = run(kernel, "print(sum(range(10)), logger.status['pending'])")
        assert out.split() == ["45", "1"]
        assert proxy.held >= 1, "the post should still be in flight while the cell ran"

        proxy.release()
        assert run(kernel, "print(logger.flush(timeout=30))").strip() == "True"
        rows = "[(r['time'], r['temperature']) for r in sensorlab.Sheet(logger.sheet.url).rows()]"
        posted = f"[('{time.strftime('%Y-%m-%d %H:%M:%S', time.localtime(1795255200))}', 21.5)]"
        assert run(kernel, f"print({rows})").strip() == posted
    finally:
        proxy.close()


HOSTILE = [
    ("wrong type", {"type": "batch", "seq": "1", "readings": []}),
    ("unknown type", {"type": "drop_tables"}),
    ("negative seq", {"type": "batch", "seq": -5, "readings": []}),
    ("huge batch", {"type": "batch", "seq": 1, "readings": [{"time": 1, "values": {"t": 1}, "source": "s"}] * 100_001}),
    (
        "not a number",
        {"type": "batch", "seq": 2, "readings": [{"time": 1795255200000, "values": {"t": "DROP"}, "source": "s"}]},
    ),
    (
        "nested junk",
        {"type": "batch", "seq": 3, "readings": [{"time": 1795255200000, "values": {"t": {"$gt": 1}}, "source": "s"}]},
    ),
    ("not an object", ["batch", 1]),
]


def comm_replies(kc, comm_id, count, timeout=30):
    """The comm messages the kernel sends back on ``comm_id``."""
    replies, deadline = [], time.monotonic() + timeout
    while len(replies) < count:
        remaining = deadline - time.monotonic()
        assert remaining > 0, f"only {len(replies)} answers: {replies}"
        msg = kc.get_iopub_msg(timeout=remaining)
        if msg["msg_type"] == "comm_msg" and msg["content"]["comm_id"] == comm_id:
            replies.append(msg["content"]["data"])
    return replies


def test_hostile_messages_sent_straight_to_the_kernel_are_refused(kernel):
    run(kernel, 'import sensorlab\nlogger = sensorlab.Logger(name="target")')
    comm_id = open_readings_comm(kernel, "target")
    assert comm_replies(kernel, comm_id, 1) == [{"type": "hello", "logger": "target"}]
    for _, data in HOSTILE:
        kernel.shell_channel.send(kernel.session.msg("comm_msg", {"comm_id": comm_id, "data": data}))
    replies = comm_replies(kernel, comm_id, len(HOSTILE))
    assert [r["type"] for r in replies] == ["refused"] * len(HOSTILE)
    assert all(r["reason"] for r in replies)
    assert [r["seq"] for r in replies] == [None, None, None, 1, 2, 3, None]

    # The logger keeps going: a good batch is stored and acked.
    kernel.shell_channel.send(
        kernel.session.msg(
            "comm_msg",
            {
                "comm_id": comm_id,
                "data": {
                    "type": "batch",
                    "seq": 4,
                    "readings": [{"time": 1795255200000, "values": {"t": 20.5}, "source": "s"}],
                },
            },
        )
    )
    assert comm_replies(kernel, comm_id, 1) == [{"type": "ack", "seq": 4}]
    out = run(kernel, "print(len(logger.data), logger.status['errors'], logger.status['last_error'][:40])")
    assert out.startswith(f"1 {len(HOSTILE)} A message from the browser was refused")


def test_a_comm_for_an_unknown_logger_is_closed_with_the_reason(kernel):
    run(kernel, "import sensorlab")
    comm_id = open_readings_comm(kernel, "nobody")
    deadline = time.monotonic() + 30
    while True:
        msg = kernel.get_iopub_msg(timeout=max(0.1, deadline - time.monotonic()))
        if msg["msg_type"] == "comm_close" and msg["content"]["comm_id"] == comm_id:
            assert "run the cell that creates it" in msg["content"]["data"]["reason"]
            return


def test_running_a_cell_again_replaces_the_logger_it_made(kernel):
    # A typo in the sheet's name, fixed, and the cell run again: only the new Logger goes on.
    make = "import sensorlab\nlogger = sensorlab.Logger(sheet='http://127.0.0.1:9/{}', name='{}')\n"
    run(kernel, make.format("clas-7b", "typo") + "first = logger", cell="cell-a")
    run(kernel, "other = sensorlab.Logger(name='bench')", cell="cell-b")
    # Two Loggers made in one run of a cell are two Loggers.
    again = make.format("class-7b", "fixed") + "second = logger\nthird = sensorlab.Logger(name='more')"
    run(kernel, again, cell="cell-a")
    out = run(kernel, "print([l._closed for l in (first, other, second, third)])")
    assert out.strip() == "[True, False, False, False]"
    # Outside a notebook (no cell id) nothing is replaced.
    run(kernel, "a = sensorlab.Logger(name='plain-1')\nb = sensorlab.Logger(name='plain-2')")
    run(kernel, "c = sensorlab.Logger(name='plain-3')")
    assert run(kernel, "print([l._closed for l in (a, b, c)])").strip() == "[False, False, False]"
