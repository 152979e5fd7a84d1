"""Nothing lost, nothing twice: posting through a stopped, failing, slow or silent EtherCalc."""

import multiprocessing
import sys
import time
import uuid
from pathlib import Path

import pytest
import sensorlab
from proxy import Proxy
from sensorlab import outbox as outbox_module
from sensorlab.store import LoggerFile

sys.path.insert(0, str(Path(__file__).parents[1] / "servers"))
import servers  # noqa: E402


@pytest.fixture
def own_ethercalc(tmp_path, ethercalc_kind):
    """A real EtherCalc of this test's own (of each kind), which the test can stop and start again."""
    server = servers.EtherCalc(ethercalc_kind, tmp_path / "own-ethercalc").start()
    yield server
    server.stop()


@pytest.fixture(autouse=True)
def quick_retries(monkeypatch):
    # The same backoff, capped lower, so a test of a few outages takes seconds.
    monkeypatch.setattr(outbox_module, "RETRY_MAX", 2.0)


class Feeder:
    """Plays the browser: a reading every 0.1 s on a readings comm; records the rows the logger queues."""

    def __init__(self, logger):
        from test_logger import open_comm  # the same fake comm as the Logger's unit tests

        self.logger = logger
        self.comm = open_comm(logger.name)
        self.queued = []
        put = logger._outbox.put
        logger._outbox.put = lambda row: (self.queued.append(dict(row)), put(row))[1]
        self.seq = 0

    def run(self, seconds):
        end = time.monotonic() + seconds
        while time.monotonic() < end:
            self.comm.deliver(
                {
                    "type": "batch",
                    "seq": self.seq,
                    "readings": [
                        {"time": 1795255200000 + 1000 * self.seq, "values": {"n": self.seq}, "source": "simulated"}
                    ],
                }
            )
            self.seq += 1
            time.sleep(0.1)


def every_row_once_in_order(logger, feeder, sheet_url):
    assert logger.flush(timeout=120), logger.status
    rows = sensorlab.Sheet(sheet_url).rows()
    assert [r["n"] for r in rows] == [float(r["n"]) for r in feeder.queued]
    assert [r["time"] for r in rows] == [r["time"] for r in feeder.queued]
    # The figures the reliability report quotes (shown with `pytest -rP`).
    print(f"{len(rows)} rows in the sheet, each once and in order; {logger.status['errors']} errors counted and shown")
    return rows


def logger_for(sheet_url, name):
    schedule = sensorlab.DaylightSchedule(day_every="0.5s", night_every="0.5s")
    return sensorlab.Logger(sheet=sheet_url, schedule=schedule, name=name)


def test_ethercalc_stopped_and_started_again_several_times(own_ethercalc):
    sheet_url = f"{own_ethercalc.url}/outage-{uuid.uuid4().hex[:8]}"
    logger = logger_for(sheet_url, "outage")
    try:
        feeder = Feeder(logger)
        for _ in range(3):
            feeder.run(1.5)
            own_ethercalc.stop()
            feeder.run(2)
            own_ethercalc.start()
        feeder.run(1)
        rows = every_row_once_in_order(logger, feeder, sheet_url)
        assert len(rows) >= 12
        assert logger.status["errors"] >= 3  # the outages were seen, and said
    finally:
        logger.close()


def test_rows_queued_after_a_write_whose_answer_was_lost_are_posted_once(ethercalc, tmp_path):
    # The write lands but its answer is lost; more rows queue meanwhile. The next post must
    # send only those, not the landed row again with them.
    proxy = Proxy(ethercalc)
    sheet_url = f"{proxy.url}/lost-answer-{uuid.uuid4().hex[:8]}"
    outbox = outbox_module.Outbox(sensorlab.Sheet(sheet_url), LoggerFile(tmp_path, "lost-answer"))
    try:
        outbox.put({"time": "t0", "n": 0})
        assert outbox.flush(30)
        proxy.drop_write_answers = True
        outbox.put({"time": "t1", "n": 1})
        deadline = time.monotonic() + 30
        while outbox.errors == 0 and time.monotonic() < deadline:
            time.sleep(0.05)
        assert outbox.errors >= 1
        outbox.put({"time": "t2", "n": 2})
        outbox.put({"time": "t3", "n": 3})
        proxy.drop_write_answers = False
        assert outbox.flush(60), outbox.last_error
        assert [r["n"] for r in sensorlab.Sheet(sheet_url).rows()] == [0, 1, 2, 3]
        print(f"answer lost: 4 rows in the sheet, each once; {outbox.errors} errors counted")
    finally:
        outbox.close()
        proxy.close()


@pytest.mark.parametrize("fault", ["answers 500", "answers after 10 s", "hangs up after writing"])
def test_a_failing_slow_or_silent_server(ethercalc, fault):
    proxy = Proxy(ethercalc)
    sheet_url = f"{proxy.url}/fault-{uuid.uuid4().hex[:8]}"
    logger = logger_for(sheet_url, "fault")
    try:
        feeder = Feeder(logger)
        feeder.run(1.5)
        if fault == "answers 500":
            proxy.fail_status = 500
        elif fault == "answers after 10 s":
            proxy.delay = 10
        else:
            proxy.drop_answers = True
        feeder.run(3)
        proxy.fail_status, proxy.delay, proxy.drop_answers = None, 0, False
        feeder.run(1)
        every_row_once_in_order(logger, feeder, sheet_url)
        if fault != "answers after 10 s":
            assert logger.status["errors"] >= 1
    finally:
        logger.close()
        proxy.close()


def _one_student(sheet_url, data_dir, student, rows, start_at):
    """A whole class: each student's kernel is a process of its own."""
    import sensorlab
    from sensorlab import channel as impl

    class Comm:
        def on_msg(self, cb):
            self.cb = cb

        def on_close(self, cb):
            pass

        def send(self, data):
            pass

        def close(self, data=None):
            pass

    logger = sensorlab.Logger(sheet=sheet_url, name=f"student-{student}", data_dir=data_dir)
    comm = Comm()
    impl._open_readings_comm(comm, {"content": {"data": {"protocol": 1, "logger": logger.name, "stream": "s"}}})
    while time.time() < start_at:  # all at the same moment
        time.sleep(0.01)
    for n in range(rows):
        comm.cb(
            {
                "header": {},
                "content": {
                    "data": {
                        "type": "batch",
                        "seq": n,
                        "readings": [
                            {
                                "time": 1795255200000 + n * 1000,
                                "values": {"student": student, "n": n},
                                "source": "simulated",
                            }
                        ],
                    }
                },
            }
        )
        logger.post_now()
    ok = logger.flush(timeout=240)
    logger.close()
    return ok


def test_a_whole_class_posting_to_one_sheet(ethercalc, tmp_path):
    sheet_url = f"{ethercalc}/class-{uuid.uuid4().hex[:8]}"
    students, rows = 30, 4
    start_at = time.time() + 8
    context = multiprocessing.get_context("spawn")
    with context.Pool(students) as pool:
        results = pool.starmap(
            _one_student, [(sheet_url, str(tmp_path / str(s)), s, rows, start_at) for s in range(students)]
        )
    assert all(results)
    back = sensorlab.Sheet(sheet_url).rows()
    posted = sorted((int(r["student"]), int(r["n"])) for r in back if "student" in r)
    assert posted == sorted((s, n) for s in range(students) for n in range(rows))
    # The first reading is also due by the schedule, so the post_now after it finds nothing read
    # since and posts nothing.
    assert len(back) == len(posted)
    print(f"{students} processes x {rows} rows at once: {len(posted)} rows each once, {len(back)} rows in all")
