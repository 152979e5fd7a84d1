"""`make hub-demo`: a class hub lets students in with the printed password, and Ctrl+C stops all of it."""

import re
import sys
import time
from pathlib import Path

import psutil
import pytest
import requests
from test_demo import Demo, answers

sys.path.insert(0, str(Path(__file__).parents[1] / "servers"))
import servers  # noqa: E402

LOGIN = re.compile(r"Log in at:\s+(http://127\.0\.0\.1:(\d+))/hub/login\s")
PASSWORD = re.compile(r"Password:\s+(\S+)\s")
SHEET = re.compile(r"Class sheet:\s+http://127\.0\.0\.1:(\d+)/hub-class\s")


class HubDemo(Demo):
    """`hub.py demo` for two students, in a process of its own, on free ports."""

    def __init__(self, workdir):
        self.hub_port = servers.free_port()
        self.ethercalc_port = servers.free_port()
        command = [sys.executable, str(servers.ROOT / "test/servers/hub.py"), "demo", "--students", "2"]
        command += ["--workdir", str(workdir), "--port", str(self.hub_port)]
        command += ["--ethercalc-port", str(self.ethercalc_port)]
        self._start(command)


@pytest.fixture
def hub_demo(tmp_path):
    running = HubDemo(tmp_path / "hub-demo")
    yield running
    running.kill()


def log_in(hub: str, student: str, password: str) -> tuple[requests.Session, requests.Response]:
    """Log in as a browser does: the login form with its XSRF field."""
    browser = requests.Session()
    form = browser.get(f"{hub}/hub/login", timeout=30)
    xsrf = re.search(r'name="_xsrf" value="([^"]+)"', form.text).group(1)
    answer = browser.post(
        f"{hub}/hub/login", data={"username": student, "password": password, "_xsrf": xsrf}, timeout=60
    )
    return browser, answer


def opened_when_started(browser: requests.Session, url: str, timeout: float = 180) -> requests.Response:
    """A page of the student's server, once the hub has started it (until then it shows a waiting page)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        page = browser.get(url, timeout=60)
        if page.ok and page.url == url:
            return page
        time.sleep(1)
    pytest.fail(f"{url} did not open within {timeout:.0f} s: the hub showed {page.url}")


def test_the_hub_demo_lets_students_in_and_ctrl_c_stops_every_process(hub_demo):
    shown = hub_demo.read_until("Press Ctrl+C to stop.")
    login = LOGIN.search(shown)
    assert login and int(login.group(2)) == hub_demo.hub_port, shown
    hub = login.group(1)
    password = PASSWORD.search(shown).group(1)
    assert len(password) >= 8
    assert int(SHEET.search(shown).group(1)) == hub_demo.ethercalc_port
    assert "student1, student2" in shown

    page = requests.get(f"{hub}/hub/login", timeout=30)
    assert page.status_code == 200 and 'id="password_input"' in page.text
    _, refused = log_in(hub, "student1", "not-the-password")
    assert refused.status_code == 403

    # student1 logs in: the hub starts their server, with sensorlab in JupyterLab, and a kernel.
    browser, answer = log_in(hub, "student1", password)
    assert answer.ok, answer.text
    lab = opened_when_started(browser, f"{hub}/user/student1/lab")
    assert '"sensorlab"' in lab.text
    kernel = browser.post(
        f"{hub}/user/student1/api/kernels",
        json={"name": "python3"},
        headers={"X-XSRFToken": browser.cookies.get("_xsrf", path="/user/student1/")},
        timeout=60,
    )
    assert kernel.status_code == 201, kernel.text

    processes = psutil.Process(hub_demo.proc.pid).children(recursive=True)
    commands = " ".join(" ".join(p.cmdline()) for p in processes)
    for part in ("jupyterhub", "configurable-http-proxy", "jupyterhub-singleuser", "ipykernel_launcher", "ethercalc"):
        assert part in commands, commands

    assert hub_demo.stop() == 0
    assert "sensorlab class hub stopped." in hub_demo.read_until("sensorlab class hub stopped.")
    left = [p for p in processes if p.is_running() and p.status() != psutil.STATUS_ZOMBIE]
    assert left == [], f"still running after Ctrl+C: {[(p.pid, p.cmdline()) for p in left]}"
    assert not answers(hub_demo.hub_port), "the hub still answers after Ctrl+C"
    assert not answers(hub_demo.ethercalc_port), "EtherCalc still answers after Ctrl+C"
