"""`make demo`'s servers as people get them: Jupyter asks for its token and checks XSRF, and Ctrl+C stops all."""

import queue
import re
import signal
import socket
import subprocess
import sys
import threading
import uuid
from pathlib import Path

import pytest
import requests

sys.path.insert(0, str(Path(__file__).parents[1] / "servers"))
import servers  # noqa: E402

LAB = re.compile(r"JupyterLab:\s+(http://127\.0\.0\.1:(\d+))/lab/tree/01-first-readings\.ipynb\?token=(\w+)\s")
NOTEBOOK = re.compile(r"Notebook 7:\s+http://127\.0\.0\.1:\d+/notebooks/01-first-readings\.ipynb\?token=(\w+)\s")
SHEET = re.compile(r"Class sheet:\s+http://127\.0\.0\.1:(\d+)/demo-class\s")


class Demo:
    """`servers.py demo` in a process of its own, on free ports, its output read line by line as it comes."""

    def __init__(self, workdir: Path):
        self.ethercalc_port = servers.free_port()
        self.jupyter_port = servers.free_port()
        command = [sys.executable, str(servers.ROOT / "test/servers/servers.py"), "demo", "--no-browser"]
        command += ["--workdir", str(workdir), "--ethercalc-port", str(self.ethercalc_port)]
        command += ["--jupyter-port", str(self.jupyter_port)]
        self._start(command)

    def _start(self, command: list[str]) -> None:
        self.proc = subprocess.Popen(
            command, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, start_new_session=True
        )
        self.output = ""
        self._lines: queue.Queue[str | None] = queue.Queue()
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self) -> None:
        for line in self.proc.stdout:
            self._lines.put(line)
        self._lines.put(None)

    def read_until(self, text: str, timeout: float = 180) -> str:
        while text not in self.output:
            try:
                line = self._lines.get(timeout=timeout)
            except queue.Empty:
                pytest.fail(f"the demo did not say {text!r} within {timeout:.0f} s; it said:\n{self.output}")
            if line is None:
                pytest.fail(f"the demo ended (exit {self.proc.wait()}) before saying {text!r}; it said:\n{self.output}")
            self.output += line
        return self.output

    def stop(self) -> int:
        """Ctrl+C, as a person stops it; the exit code."""
        self.proc.send_signal(signal.SIGINT)
        return self.proc.wait(60)

    def kill(self) -> None:
        """After a failed test: SIGTERM lets the demo stop its servers; SIGKILL only if it does not end."""
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(60)
            except subprocess.TimeoutExpired:
                servers.stop(self.proc)


@pytest.fixture
def demo(tmp_path):
    running = Demo(tmp_path / "demo")
    yield running
    running.kill()


def answers(port: int) -> bool:
    with socket.socket() as sock:
        sock.settimeout(2)
        return sock.connect_ex(("127.0.0.1", port)) == 0


def test_the_demo_keeps_jupyters_token_and_xsrf_checks_and_stops_cleanly(demo):
    shown = demo.read_until("Press Ctrl+C to stop.")
    lab = LAB.search(shown)
    assert lab, shown
    url, port, token = lab.group(1), int(lab.group(2)), lab.group(3)
    assert port == demo.jupyter_port != 8888
    assert len(token) >= 32  # a random one
    notebook = NOTEBOOK.search(shown)
    assert notebook and notebook.group(1) == token, shown
    ethercalc_port = int(SHEET.search(shown).group(1))
    assert ethercalc_port == demo.ethercalc_port

    # Another local user, or a web page's script, without the token: refused.
    assert requests.get(f"{url}/api/kernels", timeout=10).status_code == 403
    assert requests.post(f"{url}/api/kernels", json={"name": "python3"}, timeout=10).status_code == 403
    # With the token from the printed address: let in.
    assert requests.get(f"{url}/api/kernels", params={"token": token}, timeout=10).status_code == 200
    assert requests.get(f"{url}/api/kernels", headers={"Authorization": f"token {token}"}, timeout=10).ok

    # A browser that opened the printed address keeps a login cookie. A POST that rides on that
    # cookie without the page's XSRF token (as another site's form would) is refused...
    browser = requests.Session()
    assert browser.get(f"{url}/lab/tree/01-first-readings.ipynb", params={"token": token}, timeout=30).ok
    assert "_xsrf" in browser.cookies
    interrupt = f"{url}/api/kernels/{uuid.uuid4()}/interrupt"  # no such kernel: nothing is changed
    refused = browser.post(interrupt, timeout=10)
    assert refused.status_code == 403
    assert "_xsrf" in refused.text
    # ...and the same POST with the XSRF token, as JupyterLab sends it, gets past the check.
    passed = browser.post(interrupt, headers={"X-XSRFToken": browser.cookies["_xsrf"]}, timeout=10)
    assert passed.status_code == 404, passed.text

    assert demo.stop() == 0
    assert "sensorlab demo stopped." in demo.read_until("sensorlab demo stopped.")
    assert not answers(port), "Jupyter still answers after the demo stopped"
    assert not answers(ethercalc_port), "EtherCalc still answers after the demo stopped"
