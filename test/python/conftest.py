"""Shared fixtures: the real EtherCalc servers started by test/servers/servers.py, a notebook folder, a plain Logger."""

import json
import os
import uuid

import pytest


def _ethercalcs() -> dict[str, str]:
    """{"2020": url, "2026": url} of the servers that run; the 2026 one may be missing (servers.py says so)."""
    named = os.environ.get("SENSORLAB_ETHERCALCS")
    if named:
        return json.loads(named)
    single = os.environ.get("SENSORLAB_ETHERCALC")
    return {"2020": single} if single else {}


ETHERCALCS = _ethercalcs()


@pytest.fixture(autouse=True)
def notebook_folder(tmp_path, monkeypatch):
    """Each test runs where a notebook would: loggers keep their data in .sensorlab/ there."""
    monkeypatch.chdir(tmp_path)
    return tmp_path


@pytest.fixture(scope="session", params=sorted(ETHERCALCS) or ["none"])
def ethercalc_kind(request) -> str:
    """Each test that talks to EtherCalc runs once per server: "2020" (npm) and "2026" (ethercalc.net's)."""
    if request.param == "none":
        # Never skip: a run without the real server would test nothing about it.
        pytest.fail(
            "SENSORLAB_ETHERCALCS is not set: run the tests with `make test` "
            "(it starts the local EtherCalc servers), or through test/servers/servers.py run -- pytest"
        )
    return request.param


@pytest.fixture(scope="session")
def ethercalc(ethercalc_kind) -> str:
    return ETHERCALCS[ethercalc_kind]


@pytest.fixture
def sheet_url(ethercalc) -> str:
    """A new, empty sheet on the local EtherCalc."""
    return f"{ethercalc}/test-{uuid.uuid4().hex[:12]}"


@pytest.fixture
def set_kernel_zone():
    """Sets the kernel's time zone (``TZ``: what naive datetimes mean) for one test."""
    import time

    before = os.environ.get("TZ")

    def set_zone(name):
        os.environ["TZ"] = name
        time.tzset()

    yield set_zone
    if before is None:
        os.environ.pop("TZ", None)
    else:
        os.environ["TZ"] = before
    time.tzset()


@pytest.fixture
def logger():
    """A Logger named "unit", without a sheet, closed after the test."""
    import sensorlab

    made = sensorlab.Logger(name="unit")
    yield made
    made.close()
