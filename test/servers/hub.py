"""Start a real JupyterHub for a class on 127.0.0.1 (the browser test, `make hub-demo`), and stop all of it.

    hub.py run -- CMD...   start a hub whose students' kernels post to the EtherCalc named by
                           SENSORLAB_ETHERCALC, run CMD with SENSORLAB_HUB_* in the environment,
                           stop the hub and everything it started when CMD ends
    hub.py demo [--students N] [--port N] [--ethercalc-port N] [--workdir DIR]
                           start a local EtherCalc and a hub for a class trial until Ctrl+C

The hub is jupyterhub from PyPI with configurable-http-proxy from npm (test/servers/hub/), the
shared-password authenticator and the simple local spawner. Each student's server runs from
.venv/hub-user, a Python environment made the way a hub's user image is made: `pip install` of
the built wheel (dist/sensorlab-*.whl), no Node.js (`make build` makes it).

Everything is stopped through process ids: the hub, then every process it started (the proxy,
the students' servers, their kernels) that is still there, found as the hub's descendants and
as processes working inside the hub's own folder; stopping fails loudly if any one is left.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import secrets
import shutil
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
import uuid
from pathlib import Path

import psutil
from servers import ROOT, _stop_on_signals, free_port, start, start_ethercalcs, wait_until_answers

USER_ENV = ROOT / ".venv" / "hub-user"
PROXY = ROOT / "test/servers/hub/node_modules/.bin/configurable-http-proxy"
BIN = Path(sys.executable).parent
# The hub's own API, for the test: start, look at and stop the students' servers.
SERVICE = "sensorlab-test"
SERVICE_SCOPES = ["admin:users", "admin:servers", "admin:server_state", "tokens", "access:servers", "list:users"]
STOP_WAIT = 30  # seconds the hub gets to stop its servers and the proxy before they are stopped by pid


def students_named(count: int) -> list[str]:
    return [f"student{n}" for n in range(1, count + 1)]


CLASS = students_named(3)  # the browser test's class


def hub_config(workdir: Path, port: int, students: list[str], password: str, token: str, environment: dict) -> str:
    """The hub's configuration file: everything on 127.0.0.1, every file inside ``workdir``."""
    singleuser = USER_ENV / "bin" / "jupyterhub-singleuser"
    settings = {
        "bind_url": f"http://127.0.0.1:{port}",
        "hub_bind_url": f"http://127.0.0.1:{free_port()}",
        "proxy_api": f"http://127.0.0.1:{free_port()}",
        "proxy": [str(PROXY)],
        "proxy_pid": str(workdir / "proxy.pid"),
        "db": f"sqlite:///{workdir / 'jupyterhub.sqlite'}",
        "cookie_secret": str(workdir / "jupyterhub_cookie_secret"),
        "students": students,
        "password": password,
        "services": [{"name": SERVICE, "api_token": token}],
        "roles": [{"name": SERVICE, "scopes": SERVICE_SCOPES, "services": [SERVICE]}],
        "cmd": [str(singleuser)],
        "home": str(workdir / "home" / "{username}"),
        # The user environment's programs first; the test's venv (and its Node.js tools) is not on it.
        "environment": dict(
            environment, PATH=f"{USER_ENV / 'bin'}:/usr/bin:/bin", VIRTUAL_ENV=str(USER_ENV), PYTHONNOUSERSITE="1"
        ),
    }
    return f"""# Written by test/servers/hub.py for one run.
settings = {json.dumps(settings, indent=2)}
c.JupyterHub.bind_url = settings["bind_url"]
c.JupyterHub.hub_bind_url = settings["hub_bind_url"]
c.JupyterHub.db_url = settings["db"]
c.JupyterHub.cookie_secret_file = settings["cookie_secret"]
c.ConfigurableHTTPProxy.api_url = settings["proxy_api"]
c.ConfigurableHTTPProxy.command = settings["proxy"]
c.ConfigurableHTTPProxy.pid_file = settings["proxy_pid"]
c.JupyterHub.authenticator_class = "shared-password"
c.SharedPasswordAuthenticator.user_password = settings["password"]
c.Authenticator.allowed_users = set(settings["students"])
c.JupyterHub.spawner_class = "simple"
c.SimpleLocalProcessSpawner.home_dir_template = settings["home"]
c.Spawner.cmd = settings["cmd"]
c.Spawner.args = ["--allow-root", "--LabApp.expose_app_in_browser=True"]
c.Spawner.default_url = "/lab"
c.Spawner.environment = settings["environment"]
# Two cores shared by a whole class: give a server time to start.
c.Spawner.start_timeout = 180
c.Spawner.http_timeout = 180
c.JupyterHub.services = settings["services"]
c.JupyterHub.load_roles = settings["roles"]
"""


def wait_for_route(url: str, log: Path, timeout: float = 60) -> None:
    """The proxy answers before the hub has given it the route to the hub: wait for the hub's own answer."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        with contextlib.suppress(urllib.error.URLError, OSError):
            with urllib.request.urlopen(url, timeout=2) as answer:
                if answer.status == 200:
                    return
        time.sleep(0.2)
    raise RuntimeError(
        f"JupyterHub did not answer at {url} within {timeout:.0f} s; its log:\n{log.read_text()[-3000:]}"
    )


def check_user_env() -> None:
    if not (USER_ENV / "bin" / "jupyterhub-singleuser").exists():
        raise RuntimeError(f"The students' Python environment {USER_ENV} is missing: run `make build` first.")
    if not PROXY.exists():
        raise RuntimeError(f"configurable-http-proxy is missing ({PROXY}): run `make install` first.")


def processes_of(hub: psutil.Process | None, workdir: Path) -> list[psutil.Process]:
    """The hub's descendants, and every process working inside the hub's folder (one the hub lost track of)."""
    found = {}
    if hub is not None:
        with contextlib.suppress(psutil.NoSuchProcess):
            found.update((p.pid, p) for p in hub.children(recursive=True))
    inside = str(workdir.resolve())
    for proc in psutil.process_iter():
        with contextlib.suppress(psutil.Error):
            if proc.cwd() == inside or proc.cwd().startswith(inside + os.sep):
                found.setdefault(proc.pid, proc)
    found.pop(os.getpid(), None)
    return list(found.values())


def stop_all(hub: subprocess.Popen, workdir: Path) -> None:
    """Stop the hub and everything it started, each by its own process id; fail if one is left."""
    hub_process = None
    with contextlib.suppress(psutil.NoSuchProcess):
        hub_process = psutil.Process(hub.pid)
    started = processes_of(hub_process, workdir)
    # The hub stops the students' servers (which stop their kernels) and the proxy itself.
    if hub.poll() is None:
        hub.terminate()
        try:
            hub.wait(STOP_WAIT)
        except subprocess.TimeoutExpired:
            hub.kill()
            hub.wait(5)
    left = [p for p in started if p.is_running()]
    for proc in left:
        with contextlib.suppress(psutil.NoSuchProcess):
            proc.terminate()
    _, alive = psutil.wait_procs(left, timeout=10)
    for proc in alive:
        with contextlib.suppress(psutil.NoSuchProcess):
            proc.kill()
    psutil.wait_procs(alive, timeout=5)
    remaining = [p for p in processes_of(None, workdir) if p.is_running() and p.status() != psutil.STATUS_ZOMBIE]
    if remaining:
        raise RuntimeError(f"These processes of the hub are still running: {[p.pid for p in remaining]}")


@contextlib.contextmanager
def hub(
    workdir: Path,
    sheet_server: str,
    students: list[str] = CLASS,
    port: int | None = None,
    sheet: str | None = None,
    password: str | None = None,
):
    """Yield the environment that names a running hub whose students' lessons post to one class sheet.

    Every student's folder starts with the lessons (examples/); their kernels see SENSORLAB_SHEET
    (one sheet for the class, on ``sheet_server``), SENSORLAB_DEMO (a row every 20 s) and
    SENSORLAB_GROUP_FROM_LOGIN (each login labels its rows).
    """
    check_user_env()
    workdir.mkdir(parents=True, exist_ok=True)
    sheet_url = f"{sheet_server}/{sheet or 'hub-class-' + uuid.uuid4().hex[:10]}"
    for student in students:
        home = workdir / "home" / student
        if not home.exists():  # a student's work of an earlier class trial stays as it is
            shutil.copytree(ROOT / "examples", home)
    hub_port = free_port(port)
    password = password or secrets.token_urlsafe(9)
    token = secrets.token_hex(24)
    # The class's teacher lets each login label its rows in the class sheet (off by default: sheets have no password).
    environment = {"SENSORLAB_SHEET": sheet_url, "SENSORLAB_DEMO": "1", "SENSORLAB_GROUP_FROM_LOGIN": "1"}
    # It holds the password and the hub's token: for this user's eyes only.
    config = os.open(workdir / "jupyterhub_config.py", os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(config, "w") as file:
        file.write(hub_config(workdir, hub_port, students, password, token, environment))
    log = workdir / "jupyterhub.log"
    proc = start(
        [str(BIN / "jupyterhub"), "-f", str(workdir / "jupyterhub_config.py")],
        workdir,
        log,
        # The proxy's token: in the environment, where no other local user can read it.
        dict(os.environ, CONFIGPROXY_AUTH_TOKEN=secrets.token_hex(24)),
    )
    try:
        url = f"http://127.0.0.1:{hub_port}"
        wait_until_answers(f"{url}/hub/api", proc, "JupyterHub", log, timeout=120)
        wait_for_route(f"{url}/hub/api", log)
        yield {
            "SENSORLAB_HUB": url,
            "SENSORLAB_HUB_STUDENTS": ",".join(students),
            "SENSORLAB_HUB_PASSWORD": password,
            "SENSORLAB_HUB_TOKEN": token,
            "SENSORLAB_HUB_SHEET": sheet_url,
            "SENSORLAB_HUB_PID": str(proc.pid),
            "SENSORLAB_HUB_PROXY_PID": (workdir / "proxy.pid").read_text().strip(),
        }
    finally:
        stop_all(proc, workdir)


def run(cmd: list[str]) -> int:
    _stop_on_signals()
    sheet_server = os.environ.get("SENSORLAB_ETHERCALC")
    if not sheet_server:
        sys.exit("hub.py run needs SENSORLAB_ETHERCALC: run it under `test/servers/servers.py run -- ...`.")
    with tempfile.TemporaryDirectory(prefix="sensorlab-hub-") as tmp:
        with hub(Path(tmp), sheet_server) as env:
            return subprocess.call(cmd, env=dict(os.environ, **env))


def demo(students: int, port: int, ethercalc_port: int, workdir: Path) -> int:
    """A hub and a local EtherCalc for a class trial on this computer, until Ctrl+C (or SIGTERM)."""
    _stop_on_signals()
    workdir.mkdir(parents=True, exist_ok=True)
    ethercalcs = []
    try:
        ethercalcs = start_ethercalcs(workdir, ethercalc_port, kinds=("2020",))
        with hub(workdir / "hub", ethercalcs[0].url, students_named(students), port, sheet="hub-class") as env:
            print(
                f"""
sensorlab class hub is running.
  Log in at:     {env["SENSORLAB_HUB"]}/hub/login
  Students:      {", ".join(env["SENSORLAB_HUB_STUDENTS"].split(","))}
  Password:      {env["SENSORLAB_HUB_PASSWORD"]}  (the same for every student; a new one each start)
  Class sheet:   {env["SENSORLAB_HUB_SHEET"]}
Each student opens 01-first-readings.ipynb, runs it and presses Start; rows reach the class
sheet every 20 seconds. Use one browser window (or profile) per student.
Students' folders are in {workdir / "hub" / "home"}.
Press Ctrl+C to stop.""",
                flush=True,
            )
            while True:
                time.sleep(3600)
    except KeyboardInterrupt:
        print("\nsensorlab class hub stopped.", flush=True)
        return 0
    finally:
        for server in ethercalcs:
            server.stop()


def main(args: list[str]) -> int:
    cmd = args[args.index("--") + 1 :] if "--" in args else []
    parser = argparse.ArgumentParser(prog="hub.py", description="A local JupyterHub for a class.")
    commands = parser.add_subparsers(dest="command", required=True)
    commands.add_parser("run", help="run a command (after --) while a class hub runs")
    trial = commands.add_parser("demo", help="start a class hub and a local EtherCalc until Ctrl+C")
    trial.add_argument("--students", type=int, default=5, help="how many students (student1, student2, …)")
    trial.add_argument("--port", type=int, default=8100, help="tried first for the hub")
    trial.add_argument("--ethercalc-port", type=int, default=8000, help="tried first for EtherCalc")
    trial.add_argument("--workdir", type=Path, default=ROOT / ".hub-demo", help="where the servers keep their files")
    options = vars(parser.parse_args(args[: len(args) - len(cmd) - 1] if cmd else args))
    if options.pop("command") == "demo":
        return demo(**options)
    if not cmd:
        parser.error("run needs the command to run after --")
    return run(cmd)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
