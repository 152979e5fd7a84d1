"""Start a real EtherCalc and a real Jupyter server on free loopback ports, and stop them.

    servers.py run -- CMD...   start both, run CMD with their addresses in the environment
                               (SENSORLAB_ETHERCALC, SENSORLAB_JUPYTER, SENSORLAB_JUPYTER_ROOT),
                               stop both by process id when CMD ends, failed or not
    servers.py demo            start both for people and open the first example notebook

Each server runs in a session of its own and is stopped through its own process id, so
nothing else on the machine is touched and two runs can follow each other.
"""

from __future__ import annotations

import contextlib
import json
import os
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


@contextlib.contextmanager
def servers(
    workdir: Path,
    ethercalc_port: int | None = None,
    jupyter_port: int | None = None,
    notebook_dir: Path | None = None,
    sheet: str | None = None,
    demo: bool = True,
    open_notebook: str | None = None,
):
    """Yield the environment that names a running EtherCalc and Jupyter server.

    The Jupyter server's kernels see SENSORLAB_SHEET (a sheet on that EtherCalc, new
    unless ``sheet`` names one) and, with ``demo``, SENSORLAB_DEMO, which makes the
    example notebooks post every 20 s instead of every 15 min.
    """
    if not ETHERCALC.exists():
        raise RuntimeError(f"EtherCalc is not installed at {ETHERCALC}: run `make install` first.")
    procs: list[subprocess.Popen] = []
    try:
        (workdir / "ethercalc").mkdir(parents=True, exist_ok=True)
        ec_port = free_port(ethercalc_port)
        ec_log = workdir / "ethercalc.log"
        procs.append(
            start(
                ["node", str(ETHERCALC), "--host", "127.0.0.1", "--port", str(ec_port), "--cors"],
                workdir / "ethercalc",
                ec_log,
            )
        )
        ethercalc = f"http://127.0.0.1:{ec_port}"
        wait_until_answers(f"{ethercalc}/_/ready-check/csv", procs[-1], "EtherCalc", ec_log)

        root = notebook_dir or workdir / "notebooks"
        if notebook_dir is None:
            shutil.copytree(ROOT / "examples", root, dirs_exist_ok=True)
        jp_port = free_port(jupyter_port)
        jp_log = workdir / "jupyter.log"
        sheet_url = f"{ethercalc}/{sheet or 'class-' + uuid.uuid4().hex[:10]}"
        env = dict(os.environ, SENSORLAB_ETHERCALC=ethercalc, SENSORLAB_SHEET=sheet_url)
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
        procs.append(
            start(
                [
                    str(BIN / "jupyter"),
                    "lab",
                    "--no-browser",
                    "--ip=127.0.0.1",
                    f"--port={jp_port}",
                    "--port-retries=0",
                    "--allow-root",
                    f"--ServerApp.root_dir={root}",
                    "--IdentityProvider.token=",
                    "--ServerApp.password=",
                    "--ServerApp.disable_check_xsrf=True",
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
        )
        jupyter = f"http://127.0.0.1:{jp_port}"
        wait_until_answers(f"{jupyter}/api/status", procs[-1], "Jupyter", jp_log)
        yield {
            "SENSORLAB_ETHERCALC": ethercalc,
            "SENSORLAB_JUPYTER": jupyter,
            "SENSORLAB_SHEET": sheet_url,
            "SENSORLAB_JUPYTER_ROOT": str(root),
            "SENSORLAB_LOGS": str(workdir),
        }
    finally:
        for proc in reversed(procs):
            stop(proc)


def _raise_on_term(*_):
    raise KeyboardInterrupt


def _stop_on_signals():
    # SIGINT too: a shell may start background jobs with it ignored, and Ctrl+C must stop the servers.
    for sig in (signal.SIGTERM, signal.SIGINT):
        signal.signal(sig, _raise_on_term)


def run(cmd: list[str]) -> int:
    _stop_on_signals()
    with tempfile.TemporaryDirectory(prefix="sensorlab-test-") as tmp:
        with servers(Path(tmp)) as env:
            return subprocess.call(cmd, env=dict(os.environ, **env))


def demo() -> int:
    _stop_on_signals()
    workdir = ROOT / ".demo"
    workdir.mkdir(exist_ok=True)
    try:
        with servers(
            workdir, 8000, 8888, ROOT / "examples", sheet="demo-class", open_notebook="01-first-readings.ipynb"
        ) as env:
            print(
                f"""
sensorlab demo is running.
  JupyterLab:   {env["SENSORLAB_JUPYTER"]}/lab/tree/01-first-readings.ipynb
  Notebook 7:   {env["SENSORLAB_JUPYTER"]}/notebooks/01-first-readings.ipynb
  Class sheet:  {env["SENSORLAB_SHEET"]}
Open JupyterLab, run the notebook, press Start in the widget, and watch rows appear in the sheet.
Press Ctrl+C to stop.""",
                flush=True,
            )
            with contextlib.suppress(ImportError):
                import webbrowser

                webbrowser.open(f"{env['SENSORLAB_JUPYTER']}/lab/tree/01-first-readings.ipynb")
            while True:
                time.sleep(3600)
    except KeyboardInterrupt:
        print("\nsensorlab demo stopped.")
        return 0


if __name__ == "__main__":
    args = sys.argv[1:]
    if args[:1] == ["run"] and "--" in args:
        sys.exit(run(args[args.index("--") + 1 :]))
    if args == ["demo"]:
        sys.exit(demo())
    sys.exit(__doc__)
