"""Start real EtherCalc servers and a real Jupyter server on free loopback ports, and stop them.

    servers.py run -- CMD...   start them, run CMD with their addresses in the environment
                               (SENSORLAB_ETHERCALC, SENSORLAB_ETHERCALCS, SENSORLAB_JUPYTER,
                               SENSORLAB_JUPYTER_ROOT), stop them by process id when CMD ends,
                               failed or not
    servers.py demo [--workdir DIR] [--ethercalc-port N] [--jupyter-port N] [--no-browser]
                               start the 2020 EtherCalc and Jupyter for people and open the first
                               example notebook; Jupyter keeps a token and its XSRF checks

Two EtherCalc servers run for the tests: the 2020 one from npm (test/servers/ethercalc/) and,
where ../shared/ethercalc-2026/ is beside the checkout, the 2026 one that ethercalc.net runs.
SENSORLAB_ETHERCALCS names every one that runs, as JSON {"2020": url, "2026": url}; without
the 2026 server it says so plainly, and SENSORLAB_REQUIRE_2026=1 (set by CI) makes that an error.

Each server runs in a session of its own and is stopped through its own process id, so
nothing else on the machine is touched and two runs can follow each other.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
ETHERCALC = ROOT / "test/servers/ethercalc/node_modules/ethercalc/bin/ethercalc"
ETHERCALC_2026 = Path(os.environ.get("SENSORLAB_ETHERCALC_2026_START", ROOT.parent / "shared/ethercalc-2026/start"))
BIN = Path(sys.executable).parent


def free_port(preferred: int | None = None) -> int:
    for port in ([preferred] if preferred else []) + [0]:
        with socket.socket() as sock:
            try:
                sock.bind(("127.0.0.1", port))
            except OSError:
                continue
            return sock.getsockname()[1]
    raise RuntimeError("no free port on 127.0.0.1")


def wait_until_answers(url: str, proc: subprocess.Popen, what: str, log: Path, timeout: float = 90) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(
                f"{what} stopped at start-up (exit {proc.returncode}); its log:\n{log.read_text()[-3000:]}"
            )
        try:
            urllib.request.urlopen(url, timeout=2).close()
            return
        except urllib.error.HTTPError:
            return  # it answered, which is all that is asked
        except (urllib.error.URLError, OSError):
            time.sleep(0.2)
    raise RuntimeError(f"{what} did not answer at {url} within {timeout:.0f} s; its log:\n{log.read_text()[-3000:]}")


def start(cmd: list[str], cwd: Path, log: Path, env=None) -> subprocess.Popen:
    with open(log, "wb") as out:
        return subprocess.Popen(cmd, cwd=cwd, stdout=out, stderr=subprocess.STDOUT, env=env, start_new_session=True)


def stop(proc: subprocess.Popen) -> None:
    """Stop a server we started, and the processes it started, by its own process group id."""
    if proc.poll() is not None:
        return
    with contextlib.suppress(ProcessLookupError):
        os.killpg(proc.pid, signal.SIGTERM)
    try:
        proc.wait(10)
    except subprocess.TimeoutExpired:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(proc.pid, signal.SIGKILL)
        proc.wait(5)


def _group_alive(pgid: int) -> bool:
    try:
        os.killpg(pgid, 0)
    except (ProcessLookupError, PermissionError):
        return False
    return True


def stop_group(pgid: int) -> None:
    """Stop a process group whose leader has exited (the 2026 server outlives its start script)."""
    with contextlib.suppress(ProcessLookupError):
        os.killpg(pgid, signal.SIGTERM)
    deadline = time.monotonic() + 10
    while _group_alive(pgid) and time.monotonic() < deadline:
        time.sleep(0.1)
    with contextlib.suppress(ProcessLookupError):
        os.killpg(pgid, signal.SIGKILL)


class EtherCalc:
    """One real EtherCalc server on 127.0.0.1: the 2020 one from npm, or the 2026 one ethercalc.net runs.

    ``start`` and ``stop`` may alternate (the fault tests stop a server and start it again);
    the sheets are kept in ``workdir`` across restarts.
    """

    KINDS = ("2020", "2026")

    def __init__(self, kind: str, workdir: Path, port: int | None = None, env: dict | None = None):
        self.kind = kind
        self.env = dict(os.environ, **(env or {}))
        self.workdir = workdir
        self.port = free_port(port)
        self.url = f"http://127.0.0.1:{self.port}"
        self._proc: subprocess.Popen | None = None
        self._group: int | None = None

    @staticmethod
    def available(kind: str) -> bool:
        return ETHERCALC.exists() if kind == "2020" else ETHERCALC_2026.exists()

    def start(self) -> EtherCalc:
        self.workdir.mkdir(parents=True, exist_ok=True)
        log = self.workdir / "ethercalc.log"
        if self.kind == "2020":
            self._proc = start(
                ["node", str(ETHERCALC), "--host", "127.0.0.1", "--port", str(self.port), "--cors"],
                self.workdir,
                log,
                self.env,
            )
            wait_until_answers(f"{self.url}/_/ready-check/csv", self._proc, "The 2020 EtherCalc", log)
            return self
        # The start script waits until the server answers and leaves it running in the
        # script's own process group, which is how it is stopped.
        script = start(
            ["bash", str(ETHERCALC_2026), str(self.port), str(self.workdir / "data")], self.workdir, log, self.env
        )
        self._group = script.pid
        if script.wait(120) != 0:
            self.stop()
            raise RuntimeError(f"The 2026 EtherCalc did not start; its log:\n{log.read_text()[-3000:]}")
        return self

    def stop(self) -> None:
        if self._proc is not None:
            stop(self._proc)
            self._proc = None
        if self._group is not None:
            stop_group(self._group)
            self._group = None


def start_ethercalcs(workdir: Path, port_2020: int | None = None, kinds=EtherCalc.KINDS) -> list[EtherCalc]:
    """Every EtherCalc of ``kinds`` that is here, started; says plainly which one is missing."""
    started = []
    for kind in kinds:
        if not EtherCalc.available(kind):
            message = (
                f"The {kind} EtherCalc is not available (looked for {ETHERCALC if kind == '2020' else ETHERCALC_2026})"
                f": the tests run without it."
            )
            if kind == "2020" or os.environ.get("SENSORLAB_REQUIRE_2026") == "1":
                for server in started:
                    server.stop()
                raise RuntimeError(
                    message
                    + (
                        " Run `make install` first."
                        if kind == "2020"
                        else " CI requires it (SENSORLAB_REQUIRE_2026=1)."
                    )
                )
            print(f"\n*** {message}\n", flush=True)
            continue
        started.append(EtherCalc(kind, workdir / f"ethercalc-{kind}", port_2020 if kind == "2020" else None))
        try:
            started[-1].start()
        except BaseException:
            for server in started:
                server.stop()
            raise
    return started


@contextlib.contextmanager
def jupyter(
    workdir: Path,
    ethercalc: str,
    jupyter_port: int | None = None,
    notebook_dir: Path | None = None,
    sheet: str | None = None,
    demo: bool = True,
    open_notebook: str | None = None,
    token: bool = False,
):
    """Yield the environment that names a running Jupyter server whose kernels post to ``ethercalc``.

    The kernels see SENSORLAB_ETHERCALC and SENSORLAB_SHEET (a sheet on that EtherCalc, new
    unless ``sheet`` names one) and, with ``demo``, SENSORLAB_DEMO, which makes the example
    notebooks post every 20 s instead of every 15 min.

    With ``token`` Jupyter asks for a new random token (SENSORLAB_JUPYTER_TOKEN) and checks
    XSRF, as it does by default, so no other local user or web page can reach its kernels.
    Without it (the tests, whose browser opens Jupyter's pages directly) it asks for neither.
    """
    workdir.mkdir(parents=True, exist_ok=True)
    root = notebook_dir or workdir / "notebooks"
    if notebook_dir is None:
        shutil.copytree(ROOT / "examples", root, dirs_exist_ok=True)
    jp_port = free_port(jupyter_port)
    jp_log = workdir / "jupyter.log"
    sheet_url = f"{ethercalc}/{sheet or 'class-' + uuid.uuid4().hex[:10]}"
    env = dict(os.environ, SENSORLAB_ETHERCALC=ethercalc, SENSORLAB_SHEET=sheet_url)
    if token:
        # In the environment, not on the command line, where any local user could read it.
        jupyter_token = env["JUPYTER_TOKEN"] = secrets.token_hex(24)
        access = []
    else:
        jupyter_token = ""
        access = ["--IdentityProvider.token=", "--ServerApp.password=", "--ServerApp.disable_check_xsrf=True"]
    if demo:
        env["SENSORLAB_DEMO"] = "1"
    env["JUPYTER_CONFIG_DIR"] = str(workdir / "jupyter-config")
    env["JUPYTER_RUNTIME_DIR"] = str(workdir / "jupyter-runtime")
    # Settings and workspaces of this run only, so one run never sees another's.
    lab_settings = workdir / "lab-user-settings"
    # No "get notified about news?" prompt over the classroom's screen or the screenshots.
    notification = lab_settings / "@jupyterlab" / "apputils-extension" / "notification.jupyterlab-settings"
    notification.parent.mkdir(parents=True, exist_ok=True)
    notification.write_text(json.dumps({"fetchNews": "false"}))
    proc = start(
        [
            str(BIN / "jupyter"),
            "lab",
            "--no-browser",
            "--ip=127.0.0.1",
            f"--port={jp_port}",
            "--port-retries=0",
            "--allow-root",
            f"--ServerApp.root_dir={root}",
            *access,
            "--LabApp.expose_app_in_browser=True",
            "--JupyterNotebookApp.expose_app_in_browser=True",
            f"--LabApp.user_settings_dir={lab_settings}",
            f"--LabApp.workspaces_dir={workdir / 'workspaces'}",
            *([f"--LabApp.default_url=/lab/tree/{open_notebook}"] if open_notebook else []),
        ],
        root,
        jp_log,
        env,
    )
    try:
        url = f"http://127.0.0.1:{jp_port}"
        wait_until_answers(f"{url}/api/status", proc, "Jupyter", jp_log)
        yield {
            "SENSORLAB_ETHERCALC": ethercalc,
            "SENSORLAB_JUPYTER": url,
            "SENSORLAB_JUPYTER_TOKEN": jupyter_token,
            "SENSORLAB_SHEET": sheet_url,
            "SENSORLAB_JUPYTER_ROOT": str(root),
            "SENSORLAB_LOGS": str(workdir),
        }
    finally:
        stop(proc)


@contextlib.contextmanager
def servers(
    workdir: Path,
    ethercalc_port: int | None = None,
    jupyter_port: int | None = None,
    notebook_dir: Path | None = None,
    sheet: str | None = None,
    demo: bool = True,
    open_notebook: str | None = None,
    kinds=EtherCalc.KINDS,
    jupyter_kind: str = "2020",
    token: bool = False,
):
    """Yield the environment that names the running EtherCalc servers and a Jupyter server.

    The Jupyter server's kernels post to the ``jupyter_kind`` EtherCalc; SENSORLAB_ETHERCALCS
    names every EtherCalc that runs, for the tests that talk to each. ``token``: see ``jupyter``.
    """
    ethercalcs = start_ethercalcs(workdir, ethercalc_port, kinds)
    try:
        target = next((s for s in ethercalcs if s.kind == jupyter_kind), None)
        if target is None:
            raise RuntimeError(f"The {jupyter_kind} EtherCalc is not running, so Jupyter cannot post to it.")
        with jupyter(
            workdir / "jupyter", target.url, jupyter_port, notebook_dir, sheet, demo, open_notebook, token
        ) as env:
            yield dict(env, SENSORLAB_ETHERCALCS=json.dumps({s.kind: s.url for s in ethercalcs}))
    finally:
        for server in ethercalcs:
            server.stop()


def _raise_on_term(*_):
    raise KeyboardInterrupt


def _stop_on_signals():
    # SIGINT too: a shell may start background jobs with it ignored, and Ctrl+C must stop the servers.
    for sig in (signal.SIGTERM, signal.SIGINT):
        signal.signal(sig, _raise_on_term)


def run(cmd: list[str]) -> int:
    _stop_on_signals()
    with tempfile.TemporaryDirectory(prefix="sensorlab-test-") as tmp:
        # SENSORLAB_JUPYTER_ETHERCALC=2026 runs the browser tests against the 2026 server.
        with servers(Path(tmp), jupyter_kind=os.environ.get("SENSORLAB_JUPYTER_ETHERCALC", "2020")) as env:
            return subprocess.call(cmd, env=dict(os.environ, **env))


def demo(
    workdir: Path = ROOT / ".demo", ethercalc_port: int = 8000, jupyter_port: int = 8888, open_browser: bool = True
) -> int:
    """Run the demo until Ctrl+C (or SIGTERM); the ports are the ones tried first."""
    _stop_on_signals()
    workdir.mkdir(parents=True, exist_ok=True)
    try:
        with servers(
            workdir,
            ethercalc_port,
            jupyter_port,
            ROOT / "examples",
            sheet="demo-class",
            open_notebook="01-first-readings.ipynb",
            kinds=("2020",),
            token=True,
        ) as env:
            jupyter_url, token = env["SENSORLAB_JUPYTER"], env["SENSORLAB_JUPYTER_TOKEN"]
            lab = f"{jupyter_url}/lab/tree/01-first-readings.ipynb?token={token}"
            print(
                f"""
sensorlab demo is running.
  JupyterLab:   {lab}
  Notebook 7:   {jupyter_url}/notebooks/01-first-readings.ipynb?token={token}
  Class sheet:  {env["SENSORLAB_SHEET"]}
Open JupyterLab, run the notebook, press Start in the widget, and watch rows appear in the sheet.
The Jupyter addresses carry the demo's secret token: do not share them.
Press Ctrl+C to stop.""",
                flush=True,
            )
            if open_browser:
                with contextlib.suppress(ImportError):
                    import webbrowser

                    webbrowser.open(lab)
            while True:
                time.sleep(3600)
    except KeyboardInterrupt:
        print("\nsensorlab demo stopped.", flush=True)
        return 0


def demo_arguments(args: list[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="servers.py demo", description="Start the sensorlab demo.")
    parser.add_argument("--workdir", type=Path, default=ROOT / ".demo", help="where the servers keep their files")
    parser.add_argument("--ethercalc-port", type=int, default=8000, help="tried first for EtherCalc")
    parser.add_argument("--jupyter-port", type=int, default=8888, help="tried first for Jupyter")
    parser.add_argument("--no-browser", dest="open_browser", action="store_false", help="open no browser")
    return parser.parse_args(args)


if __name__ == "__main__":
    args = sys.argv[1:]
    if args[:1] == ["run"] and "--" in args:
        sys.exit(run(args[args.index("--") + 1 :]))
    if args[:1] == ["demo"]:
        sys.exit(demo(**vars(demo_arguments(args[1:]))))
    sys.exit(__doc__)
