"""What `pip install sensorlab` gives a user: a prebuilt extension, no Node.js needed."""

import json
import os
import subprocess
import venv
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).parents[2]
# The one place the version is written; the wheel, Python and the extension must all say it.
VERSION = json.loads((ROOT / "package.json").read_text())["version"]


@pytest.fixture(scope="module")
def wheel() -> Path:
    wheels = sorted((ROOT / "dist").glob("sensorlab-*.whl"))
    if not wheels:
        pytest.fail("no wheel in dist/: `make build` makes it (make test runs it first)")
    assert [w.name for w in wheels] == [f"sensorlab-{VERSION}-py3-none-any.whl"]
    return wheels[0]


def test_the_wheel_ships_the_prebuilt_extension(wheel):
    names = zipfile.ZipFile(wheel).namelist()
    data = f"sensorlab-{VERSION}.data/data/share/jupyter/labextensions/sensorlab/"
    assert data + "package.json" in names
    assert data + "install.json" in names
    assert any(n.startswith(data + "static/remoteEntry.") and n.endswith(".js") for n in names)
    assert "sensorlab/__init__.py" in names
    assert not any("node_modules" in n for n in names)


def test_a_fresh_environment_shows_the_extension_enabled_and_ok(wheel, tmp_path):
    env_dir = tmp_path / "fresh"
    venv.create(env_dir, with_pip=True)
    bin_dir = env_dir / "bin"
    # Only the new environment on PATH: no Node.js, no npm, nothing of the build's.
    env = {"PATH": str(bin_dir), "HOME": str(tmp_path), "PIP_DISABLE_PIP_VERSION_CHECK": "1"}
    for key in ("PIP_INDEX_URL", "PIP_EXTRA_INDEX_URL", "PIP_CONFIG_FILE", "XDG_CACHE_HOME"):
        if key in os.environ:
            env[key] = os.environ[key]
    env.setdefault("PIP_CACHE_DIR", str(Path.home() / ".cache" / "pip"))
    subprocess.run(
        [bin_dir / "python", "-m", "pip", "install", "-q", str(wheel), "jupyterlab>=4.6,<5"], check=True, env=env
    )
    listing = subprocess.run(
        [bin_dir / "jupyter", "labextension", "list"], env=env, capture_output=True, text=True, check=True
    )
    text = listing.stdout + listing.stderr
    line = next((row for row in text.splitlines() if f"sensorlab v{VERSION}" in row), "")
    assert "enabled" in line and "OK" in line, text
    assert "incompatible" not in text, text
    imported = subprocess.run(
        [
            bin_dir / "python",
            "-c",
            "import sensorlab, sensorlab._version as v; print(sensorlab.__version__, v.MODULE_VERSION)",
        ],
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    assert imported.stdout.split() == [VERSION, f"^{VERSION}"]
