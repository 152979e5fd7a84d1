"""Build the zero-install class site (JupyterLite with the Pyodide kernel) and serve it on 127.0.0.1.

    lite.py build          build build/lite/ from the built wheel (dist/sensorlab-*.whl), the
                           lessons (examples/) and pinned downloads kept in build/lite-cache/;
                           run with .venv-lite's Python (`make lite`)
    lite.py demo [--port N] [--ethercalc-port N] [--workdir DIR]
                           serve build/lite/ and start the 2020 EtherCalc until Ctrl+C (`make lite-demo`)

The site runs offline: it ships Pyodide's core (the npm `pyodide` package), the wheels Pyodide's
lock file names for what the kernel loads at start and what sensorlab imports (requests, tzdata),
and the kernel's piplite wheels (test/servers/lite/kernel-wheels.txt and sensorlab's own). The
lock's other packages (numpy, pandas, matplotlib, ...) are not published on a registry reached
here, so the site's lock points them at Pyodide's CDN: they load when the student is online.

Each build starts from an empty build/lite/ (an incremental JupyterLite build once lost the
Pyodide address) in a staging folder that is removed afterwards; a build with a full cache needs
no network.
"""

from __future__ import annotations

import argparse
import base64
import hashlib
import json
import re
import shutil
import subprocess
import sys
import tarfile
import tempfile
import time
from pathlib import Path

from servers import ROOT, EtherCalc, _stop_on_signals, free_port, start, stop, wait_until_answers

CONFIG = ROOT / "test/servers/lite"
OUTPUT = ROOT / "build/lite"
CACHE = ROOT / "build/lite-cache"
EXAMPLES = ROOT / "examples"

PYODIDE_VERSION = "314.0.6"  # the one the pinned jupyterlite-pyodide-kernel is made for
PYODIDE_INTEGRITY = "sha512-BKDTJyIqFxC4BExLqeRS3f5xvXZIjOt8C3zGLN/Cc7tFxSwvKVhVkchQQ2AGLOtR4YrVOIFxbV8poyDOOmWwxQ=="
# The npm package's files that a page loads; the rest are docs, types and a console page.
PYODIDE_RUNTIME = ("pyodide.mjs", "pyodide.asm.mjs", "pyodide.asm.wasm", "python_stdlib.zip", "pyodide-lock.json")
# What the kernel loads from the lock at start (micropip; piplite's installs of ipython and jedi)
# and what sensorlab imports from it; their dependencies follow from the lock.
LOCK_PACKAGES_SHIPPED = ("micropip", "ipython", "jedi", "requests", "tzdata")


def pip_download(args: list[str], dest: Path) -> None:
    """Download wheels for Pyodide's Python into ``dest``, from ``dest`` alone when it has them all."""
    dest.mkdir(parents=True, exist_ok=True)
    # Pure-Python wheels only ("any" platform): the registry's platform wheels are not for WebAssembly.
    pip = [sys.executable, "-m", "pip", "download", "-q", "--no-deps", "--only-binary", ":all:"]
    pip += ["--python-version", "3.14", "--platform", "any", "-d", str(dest), *args]
    offline = subprocess.run([*pip, "--no-index", "--find-links", str(dest)], capture_output=True)
    if offline.returncode != 0:
        # pip's own cache stays inside ours.
        subprocess.run([*pip, "--cache-dir", str(CACHE / "pip")], check=True)


def pyodide_package() -> Path:
    """The npm `pyodide` tarball, checked against its pinned integrity."""
    tarball = CACHE / f"pyodide-{PYODIDE_VERSION}.tgz"
    if not tarball.exists():
        CACHE.mkdir(parents=True, exist_ok=True)
        npm_pack = ["npm", "pack", "--silent", f"pyodide@{PYODIDE_VERSION}", "--pack-destination", CACHE]
        subprocess.run([*npm_pack, "--cache", CACHE / "npm"], check=True, stdout=subprocess.DEVNULL)
    digest = "sha512-" + base64.b64encode(hashlib.sha512(tarball.read_bytes()).digest()).decode()
    if digest != PYODIDE_INTEGRITY:
        tarball.unlink()
        sys.exit(f"{tarball.name} is not the pinned package (got {digest}); removed it, run again.")
    return tarball


def normalized(name: str) -> str:
    """A project name as the lock's keys and wheel indexes spell it (PEP 503)."""
    return re.sub(r"[-_.]+", "-", name).lower()


def lock_closure(packages: dict, roots: tuple[str, ...]) -> list[str]:
    """The lock's keys of ``roots`` and of everything they depend on."""
    shipped, todo = set(), list(roots)
    while todo:
        name = normalized(todo.pop())
        if name not in shipped:
            shipped.add(name)
            todo += packages[name]["depends"]
    return sorted(shipped)


def stage_pyodide(dest: Path) -> None:
    """Pyodide's core and the lock's shipped wheels in ``dest``, with a lock that matches them."""
    # Only the build's environment (.venv-lite) has it; `demo` runs without.
    from jupyterlite_pyodide_kernel import constants

    if constants.PYODIDE_VERSION != PYODIDE_VERSION:
        sys.exit(f"The Pyodide kernel expects Pyodide {constants.PYODIDE_VERSION}, the site pins {PYODIDE_VERSION}.")
    dest.mkdir(parents=True)
    with tarfile.open(pyodide_package()) as tar:
        for name in PYODIDE_RUNTIME:
            (dest / name).write_bytes(tar.extractfile(f"package/{name}").read())
    lock_path = dest / "pyodide-lock.json"
    lock = json.loads(lock_path.read_text())
    packages = lock["packages"]
    shipped = lock_closure(packages, LOCK_PACKAGES_SHIPPED)
    wheels = CACHE / "pyodide-wheels"
    pip_download([f"{packages[name]['name']}=={packages[name]['version']}" for name in shipped], wheels)
    by_name = {name_of(wheel): wheel for wheel in wheels.glob("*.whl")}
    for name, package in packages.items():
        if name in shipped:
            # The registry's wheels, not Pyodide's rebuilds of them: other bytes, so other sums.
            wheel = by_name[(name, package["version"])]
            shutil.copy2(wheel, dest / wheel.name)
            package["file_name"] = wheel.name
            package["sha256"] = hashlib.sha256(wheel.read_bytes()).hexdigest()
        else:
            package["file_name"] = f"{constants.PYODIDE_CDN_URL}/{package['file_name']}"
    lock_path.write_text(json.dumps(lock, indent=1))


def name_of(wheel: Path | str) -> tuple[str, str]:
    """A wheel file's (normalized project name, version)."""
    name, version = Path(wheel).name.split("-")[:2]
    return normalized(name), version


def sensorlab_wheel() -> Path:
    wheels = sorted((ROOT / "dist").glob("sensorlab-*.whl"))
    if len(wheels) != 1:
        sys.exit(f"Expected one sensorlab wheel in dist/, found {len(wheels)}: run `make build` first.")
    return wheels[0]


def build() -> int:
    started = time.monotonic()
    sensorlab = sensorlab_wheel()
    kernel_wheels = CACHE / "kernel-wheels"
    pip_download(["--require-hashes", "-r", str(CONFIG / "kernel-wheels.txt")], kernel_wheels)
    piplite = [*sorted(kernel_wheels.glob("*.whl")), sensorlab]
    widgets_lab = next(kernel_wheels.glob("jupyterlab_widgets-*.whl"))
    shutil.rmtree(OUTPUT, ignore_errors=True)
    CACHE.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="lite-", dir=CACHE) as staging:
        lite_dir = Path(staging)
        shutil.copy2(CONFIG / "jupyter-lite.json", lite_dir)
        # Where the Pyodide addon looks for a local Pyodide; it sets the site's pyodideUrl.
        stage_pyodide(lite_dir / "static/pyodide")
        subprocess.run(
            [
                Path(sys.executable).parent / "jupyter",
                "lite",
                "build",
                "--lite-dir",
                lite_dir,
                "--output-dir",
                OUTPUT,
                "--contents",
                EXAMPLES,
                "--no-sourcemaps",
                *[arg for wheel in piplite for arg in ("--piplite-wheels", wheel)],
                # The prebuilt extensions: sensorlab's and the widget manager's, from their wheels.
                *[f"--LiteBuildConfig.federated_extensions={wheel}" for wheel in (sensorlab, widgets_lab)],
            ],
            cwd=lite_dir,
            check=True,
        )
    check_site()
    size = sum(p.stat().st_size for p in OUTPUT.rglob("*") if p.is_file())
    print(f"Class site built in {OUTPUT} ({size / 1e6:.0f} MB) in {time.monotonic() - started:.0f} s.")
    return 0


def check_site() -> None:
    """Fail the build if the site would reach outside itself for what the kernel needs at start."""
    config = json.loads((OUTPUT / "jupyter-lite.json").read_text())["jupyter-config-data"]
    kernel = config["litePluginSettings"]["@jupyterlite/pyodide-kernel-extension:kernel"]
    problems = []
    if kernel.get("pyodideUrl") != "./static/pyodide/pyodide.mjs":
        problems.append(f"pyodideUrl is {kernel.get('pyodideUrl')!r}, not the site's Pyodide")
    if not kernel.get("disablePyPIFallback"):
        problems.append("disablePyPIFallback is not set")
    pyodide = OUTPUT / "static/pyodide"
    lock = json.loads((pyodide / "pyodide-lock.json").read_text())
    for package in lock["packages"].values():
        if "://" not in package["file_name"] and not (pyodide / package["file_name"]).exists():
            problems.append(f"the lock names {package['file_name']}, which the site lacks")
    index = json.loads((OUTPUT / "pypi/all.json").read_text())
    for wheel in [*sorted((CACHE / "kernel-wheels").glob("*.whl")), sensorlab_wheel()]:
        if name_of(wheel)[0] not in {normalized(name) for name in index}:
            problems.append(f"{wheel.name} is not in the site's piplite index")
    if not (OUTPUT / "extensions/sensorlab/package.json").exists():
        problems.append("sensorlab's extension is missing")
    if problems:
        sys.exit("The class site is incomplete:\n  " + "\n  ".join(problems))


def demo(port: int, ethercalc_port: int, workdir: Path) -> int:
    """Serve the site and a local EtherCalc until Ctrl+C (or SIGTERM)."""
    if not (OUTPUT / "index.html").exists():
        sys.exit(f"No class site in {OUTPUT}: run `make lite` first.")
    _stop_on_signals()
    workdir.mkdir(parents=True, exist_ok=True)
    ethercalc = EtherCalc("2020", workdir / "ethercalc-2020", ethercalc_port)
    site_port = free_port(port)
    log = workdir / "site.log"
    site = None
    try:
        ethercalc.start()
        site = start(
            [sys.executable, "-m", "http.server", "--bind", "127.0.0.1", "--directory", str(OUTPUT), str(site_port)],
            workdir,
            log,
        )
        url = f"http://127.0.0.1:{site_port}"
        wait_until_answers(f"{url}/index.html", site, "The class site", log)
        print(
            f"""
sensorlab class site is running.
  Class site:   {url}/lab/index.html
  EtherCalc:    {ethercalc.url} (the lessons' sheet: {ethercalc.url}/class-7b)
Open the class site, pick a lesson, run it and press Start in the widget.
Press Ctrl+C to stop.""",
            flush=True,
        )
        while True:
            time.sleep(3600)
    except KeyboardInterrupt:
        print("\nsensorlab class site stopped.", flush=True)
        return 0
    finally:
        if site is not None:
            stop(site)
        ethercalc.stop()


if __name__ == "__main__":
    parser = argparse.ArgumentParser(prog="lite.py", description=__doc__.split("\n")[0])
    commands = parser.add_subparsers(dest="command", required=True)
    commands.add_parser("build", help="build build/lite/")
    demo_parser = commands.add_parser("demo", help="serve build/lite/ with a local EtherCalc")
    demo_parser.add_argument("--port", type=int, default=8080, help="tried first for the site")
    demo_parser.add_argument("--ethercalc-port", type=int, default=8000, help="tried first for EtherCalc")
    demo_parser.add_argument("--workdir", type=Path, default=ROOT / ".lite-demo", help="where the servers keep files")
    args = vars(parser.parse_args())
    command = args.pop("command")
    sys.exit(build() if command == "build" else demo(**args))
