"""Shared fixtures: the real EtherCalc started by test/servers/servers.py."""

import os
import uuid

import pytest


@pytest.fixture(autouse=True)
def notebook_folder(tmp_path, monkeypatch):
    """Each test runs where a notebook would: loggers keep their data in .sensorlab/ there."""
    monkeypatch.chdir(tmp_path)
    return tmp_path


@pytest.fixture(scope="session")
def ethercalc() -> str:
    url = os.environ.get("SENSORLAB_ETHERCALC")
    if not url:
        # Never skip: a run without the real server would test nothing about it.
        pytest.fail(
            "SENSORLAB_ETHERCALC is not set: run the tests with `make test` "
            "(it starts a local EtherCalc), or through test/servers/servers.py run -- pytest"
        )
    return url


@pytest.fixture
def sheet_url(ethercalc) -> str:
    """A new, empty sheet on the local EtherCalc."""
    return f"{ethercalc}/test-{uuid.uuid4().hex[:12]}"
