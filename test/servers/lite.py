"""Build the zero-install class site (JupyterLite with the Pyodide kernel) and serve it on 127.0.0.1.

    lite.py build          build build/lite/ from the built wheel (dist/sensorlab-*.whl), the
                           lessons (examples/) and pinned downloads kept in build/lite-cache/;
                           run with .venv-lite's Python (`make lite`)
    lite.py run -- CMD...  serve build/lite/ and start the EtherCalc servers, run CMD with
                           SENSORLAB_LITE (the site's address) and SENSORLAB_ETHERCALCS in the
                           environment, stop them by process id when CMD ends
    lite.py demo [--port N] [--ethercalc-port N] [--workdir DIR]
                           serve build/lite/ and start the 2020 EtherCalc until Ctrl+C (`make lite-demo`)

The site runs offline. Its Pyodide lock (static/pyodide/pyodide-lock.json) names local wheels for
what the kernel loads at start and for sensorlab with everything it imports, so `import sensorlab`
in a first cell loads them all from the site (the kernel loads a cell's imports from the lock), and
so does `%pip install sensorlab`. They are Pyodide's core (the npm `pyodide` package), the
registry's wheels of the lock's versions of micropip, ipython, jedi, requests and tzdata (and
their dependencies), the wheels of test/servers/lite/wheels.txt and sensorlab's. The lock's other
packages (numpy, pandas, matplotlib, ...) are not published on a registry reached here, so the
site's lock points them at Pyodide's CDN: they load when the student is online.

Each build starts from an empty build/lite/ (an incremental JupyterLite build once lost the
Pyodide address) in a staging folder that is removed afterwards; a build with a full cache needs
no network.
"""

from __future__ import annotations

import argparse
import base64
import contextlib
import email.parser
import hashlib
import json
import os
import re
import shutil
import subprocess
import sys
import tarfile
import tempfile
import time
import zipfile
from pathlib import Path

from servers import ROOT, _stop_on_signals, free_port, start, start_ethercalcs, stop, wait_until_answers

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
# Pyodide has no time zone database of its own: a `tz=` schedule needs tzdata.
EXTRA_DEPENDS = {"sensorlab": ["tzdata"]}


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
    """A project name as the lock's keys spell it (PEP 503)."""
    return re.sub(r"[-_.]+", "-", name).lower()


def lock_closure(packages: dict, roots: tuple[str, ...]) -> set[str]:
    """The lock's keys of ``roots`` and of everything they depend on."""
    shipped, todo = set(), list(roots)
    while todo:
        name = normalized(todo.pop())
        if name not in shipped:
            shipped.add(name)
            todo += packages[name]["depends"]
    return shipped


def wheel_project(wheel: Path) -> tuple[str, str]:
    """A wheel's (normalized project name, version), from its file name."""
    name, version = wheel.name.split("-")[:2]
    return normalized(name), version


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def lock_entry(wheel: Path, shipped: set[str]) -> dict:
    """A lock entry for a pure-Python wheel; it depends on what it requires that the site ships.

    What it requires and the site does not ship is left to the kernel (its own stand-ins for
    ipykernel and widgetsnbextension) or to a later import (pandas from the CDN).
    """
    with zipfile.ZipFile(wheel) as archive:
        files = archive.namelist()
        metadata_file = next(name for name in files if name.endswith(".dist-info/METADATA"))
        metadata = email.parser.HeaderParser().parsestr(archive.read(metadata_file).decode())
    name = normalized(metadata["Name"])
    requires = [
        normalized(re.match(r"[A-Za-z0-9._-]+", requirement).group())
        for requirement in metadata.get_all("Requires-Dist", [])
        if "extra ==" not in requirement
    ]
    tops = {path.split("/")[0] for path in files}
    return {
        "name": metadata["Name"],
        "version": metadata["Version"],
        "file_name": wheel.name,
        "install_dir": "site",
        "sha256": sha256(wheel),
        "package_type": "package",
        "imports": sorted(top.removesuffix(".py") for top in tops if not top.endswith((".dist-info", ".data"))),
        "depends": sorted({*(r for r in requires if r in shipped), *EXTRA_DEPENDS.get(name, [])}),
        "unvendored_tests": False,
    }


def stage_pyodide(dest: Path, site_wheels: list[Path]) -> None:
    """Pyodide's core and every wheel the site ships in ``dest``, with a lock that names them."""
    # Only the build's environment (.venv-lite) has it; `run` and `demo` go without.
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
    from_lock = lock_closure(packages, LOCK_PACKAGES_SHIPPED)
    lock_wheels = CACHE / "pyodide-wheels"
    pip_download([f"{packages[name]['name']}=={packages[name]['version']}" for name in sorted(from_lock)], lock_wheels)
    by_name = {wheel_project(wheel): wheel for wheel in lock_wheels.glob("*.whl")}
    for name, package in packages.items():
        if name in from_lock:
            # The registry's wheels, not Pyodide's rebuilds of them: other bytes, so other sums.
            wheel = by_name[(name, package["version"])]
            shutil.copy2(wheel, dest / wheel.name)
            package["file_name"] = wheel.name
            package["sha256"] = sha256(wheel)
        else:
            package["file_name"] = f"{constants.PYODIDE_CDN_URL}/{package['file_name']}"
    shipped = from_lock | {wheel_project(wheel)[0] for wheel in site_wheels}
    for wheel in site_wheels:
        shutil.copy2(wheel, dest / wheel.name)
        entry = lock_entry(wheel, shipped)
        packages[normalized(entry["name"])] = entry
    lock_path.write_text(json.dumps(lock, indent=1))


def sensorlab_wheel() -> Path:
    wheels = sorted((ROOT / "dist").glob("sensorlab-*.whl"))
    if len(wheels) != 1:
        sys.exit(f"Expected one sensorlab wheel in dist/, found {len(wheels)}: run `make build` first.")
    return wheels[0]


def build() -> int:
    started = time.monotonic()
    sensorlab = sensorlab_wheel()
    registry_wheels = CACHE / "wheels"
    pip_download(["--require-hashes", "-r", str(CONFIG / "wheels.txt")], registry_wheels)
    site_wheels = [*sorted(registry_wheels.glob("*.whl")), sensorlab]
    widgets_lab = next(registry_wheels.glob("jupyterlab_widgets-*.whl"))
    shutil.rmtree(OUTPUT, ignore_errors=True)
    CACHE.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="lite-", dir=CACHE) as staging:
        lite_dir = Path(staging)
        shutil.copy2(CONFIG / "jupyter-lite.json", lite_dir)
        # Where the Pyodide addon looks for a local Pyodide; it sets the site's pyodideUrl.
        stage_pyodide(lite_dir / "static/pyodide", site_wheels)
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
                # The prebuilt extensions: sensorlab's and the widget manager's, from their wheels.
                *[f"--LiteBuildConfig.federated_extensions={wheel}" for wheel in (sensorlab, widgets_lab)],
            ],
            cwd=lite_dir,
            check=True,
        )
    add_sensorlab_words(sensorlab)
    check_site()
    size = sum(p.stat().st_size for p in OUTPUT.rglob("*") if p.is_file())
    print(f"Class site built in {OUTPUT} ({size / 1e6:.0f} MB) in {time.monotonic() - started:.0f} s.")
    return 0


# The languages a teacher can switch the site to (Settings → Language): JupyterLab's and sensorlab's words.
SITE_LANGUAGES = ("de_DE", "es_ES", "fr_FR")


def add_sensorlab_words(wheel: Path) -> None:
    """Put sensorlab's words beside JupyterLab's in each language of the site.

    The build's translation step takes each language pack's words and, as JupyterLab's server does,
    those of the packages that declare a `jupyterlab.locale` entry point, which it imports; sensorlab
    cannot be imported in this build's environment (it needs ipywidgets), so its words come from its
    wheel here, in the same form."""
    translations = OUTPUT / "api" / "translations"
    with zipfile.ZipFile(wheel) as archive:
        for site_language in sorted(translations.glob("*_*.json")):
            member = f"sensorlab/locale/{site_language.stem}/LC_MESSAGES/sensorlab.json"
            if member not in archive.namelist():
                continue
            pack = json.loads(site_language.read_text())
            pack["data"]["sensorlab"] = json.loads(archive.read(member))
            site_language.write_text(json.dumps(pack))


def check_site() -> None:
    """Fail the build if the site would reach outside itself for sensorlab or the kernel's start."""
    config = json.loads((OUTPUT / "jupyter-lite.json").read_text())["jupyter-config-data"]
    kernel = config["litePluginSettings"]["@jupyterlite/pyodide-kernel-extension:kernel"]
    problems = []
    if kernel.get("pyodideUrl") != "./static/pyodide/pyodide.mjs":
        problems.append(f"pyodideUrl is {kernel.get('pyodideUrl')!r}, not the site's Pyodide")
    if not kernel.get("disablePyPIFallback"):
        problems.append("disablePyPIFallback is not set")
    pyodide = OUTPUT / "static/pyodide"
    packages = json.loads((pyodide / "pyodide-lock.json").read_text())["packages"]
    for package in packages.values():
        if "://" not in package["file_name"] and not (pyodide / package["file_name"]).exists():
            problems.append(f"the lock names {package['file_name']}, which the site lacks")
    local = {name for name, package in packages.items() if "://" not in package["file_name"]}
    needed = lock_closure(packages, ("sensorlab", "comm", *LOCK_PACKAGES_SHIPPED))
    problems += [f"{name} would come from the CDN" for name in sorted(needed - local)]
    for extension in ("sensorlab", "@jupyter-widgets/jupyterlab-manager"):
        if not (OUTPUT / "extensions" / extension / "package.json").exists():
            problems.append(f"the extension {extension} is missing")
    for language in SITE_LANGUAGES:
        path = OUTPUT / "api" / "translations" / f"{language}.json"
        words = json.loads(path.read_text())["data"] if path.exists() else {}
        for domain in ("jupyterlab", "sensorlab"):
            if domain not in words:
                problems.append(f"the site has no {language} words of {domain}")
    if problems:
        sys.exit("The class site is incomplete:\n  " + "\n  ".join(problems))


@contextlib.contextmanager
def class_site(workdir: Path, port: int | None = None):
    """Yield the address of build/lite/ served on 127.0.0.1 (Python's static file server)."""
    if not (OUTPUT / "index.html").exists():
        sys.exit(f"No class site in {OUTPUT}: run `make lite` first.")
    workdir.mkdir(parents=True, exist_ok=True)
    site_port = free_port(port)
    log = workdir / "site.log"
    cmd = [sys.executable, "-m", "http.server", "--bind", "127.0.0.1", "--directory", str(OUTPUT), str(site_port)]
    proc = start(cmd, workdir, log)
    try:
        url = f"http://127.0.0.1:{site_port}"
        wait_until_answers(f"{url}/index.html", proc, "The class site", log)
        yield url
    finally:
        stop(proc)


def run(cmd: list[str]) -> int:
    _stop_on_signals()
    with tempfile.TemporaryDirectory(prefix="sensorlab-lite-") as tmp:
        ethercalcs = start_ethercalcs(Path(tmp))
        try:
            with class_site(Path(tmp) / "site") as url:
                env = dict(
                    os.environ,
                    SENSORLAB_LITE=url,
                    SENSORLAB_ETHERCALC=ethercalcs[0].url,
                    SENSORLAB_ETHERCALCS=json.dumps({s.kind: s.url for s in ethercalcs}),
                )
                return subprocess.call(cmd, env=env)
        finally:
            for server in ethercalcs:
                server.stop()


def demo(port: int, ethercalc_port: int, workdir: Path) -> int:
    """Serve the site and a local EtherCalc until Ctrl+C (or SIGTERM); the ports are the ones tried first."""
    _stop_on_signals()
    ethercalc = None
    try:
        # The lessons post to http://127.0.0.1:8000/class-7b unless told otherwise.
        (ethercalc,) = start_ethercalcs(workdir, ethercalc_port, kinds=("2020",))
        with class_site(workdir / "site", port) as url:
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
        if ethercalc is not None:
            ethercalc.stop()


if __name__ == "__main__":
    args = sys.argv[1:]
    if args[:1] == ["run"] and "--" in args:
        sys.exit(run(args[args.index("--") + 1 :]))
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
