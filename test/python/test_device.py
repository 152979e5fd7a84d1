"""Device requests alone: numbered, sent, and answered to the thread that waits."""

import threading

import pytest
from sensorlab import protocol
from sensorlab.device import DeviceRequests


def answering(sent, requests, error=None, value=None):
    """Answer the next request from another thread, as the browser's comm handler would."""

    def answer():
        while not sent:
            threading.Event().wait(0.01)
        requests.answer(protocol.DeviceResult(sent[-1]["id"], error, value))

    thread = threading.Thread(target=answer)
    thread.start()
    return thread


def test_requests_are_numbered_and_sent():
    sent = []
    requests = DeviceRequests(sent.append)
    assert requests.ask("send_line", 1, wait=False, line="a") is None
    assert requests.ask("set_period", 1, wait=False, ms=5) is None
    assert sent == [
        {"type": "device_request", "id": 1, "action": "send_line", "line": "a"},
        {"type": "device_request", "id": 2, "action": "set_period", "ms": 5},
    ]


def test_a_request_not_waited_for_gets_no_answer_through():
    requests = DeviceRequests(lambda message: None)
    requests.ask("send_line", 1, wait=False, line="a")
    assert requests.answer(protocol.DeviceResult(1, "not connected", None)) is False


def test_the_waiting_thread_gets_the_value():
    sent = []
    requests = DeviceRequests(sent.append)
    thread = answering(sent, requests, value=992)
    assert requests.ask("set_period", 5, wait=True, ms=1000) == 992
    thread.join()


def test_the_waiting_thread_gets_the_error():
    sent = []
    requests = DeviceRequests(sent.append)
    thread = answering(sent, requests, error="The USB device is not connected.")
    with pytest.raises(RuntimeError, match="The USB device is not connected"):
        requests.ask("send_line", 5, wait=True, line="x")
    thread.join()


def test_no_answer_in_time_is_a_clear_timeout_and_a_late_answer_is_nobody_s():
    sent = []
    requests = DeviceRequests(sent.append)
    with pytest.raises(TimeoutError, match="did not answer within 0.1 s"):
        requests.ask("send_line", 0.1, wait=True, line="x")
    assert requests.answer(protocol.DeviceResult(sent[-1]["id"], None, None)) is False
