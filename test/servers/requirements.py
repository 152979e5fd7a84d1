"""Print every Python package the build, the product and the tests need, from pyproject.toml."""

from pathlib import Path

import tomllib

project = tomllib.loads((Path(__file__).parents[2] / "pyproject.toml").read_text())
for requirement in (
    project["build-system"]["requires"]
    + project["project"]["dependencies"]
    + project["project"]["optional-dependencies"]["test"]
    + project["project"]["optional-dependencies"]["examples"]
    + project["project"]["optional-dependencies"]["languages"]
):
    print(requirement)
