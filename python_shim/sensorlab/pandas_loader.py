"""pandas and numpy, imported where a table is made: the Python of a class site in the browser (JupyterLite)
may have neither, and everything else sensorlab does works without them.

On a class site they come from Pyodide's package server (on the internet) the first time they are needed:
``load()`` fetches them itself, so ``logger.data`` works in a cell that imports nothing. Where they cannot
be fetched (no internet), ``load()`` and a lesson's own ``import pandas`` say so in words, not with a bare
"No module named 'pandas'".
"""

from __future__ import annotations

import importlib
import importlib.abc
import sys

from . import timers
from .i18n import _

__all__ = ["PandasMissing", "load", "explain_missing_packages"]


class PandasMissing(ImportError):
    """pandas, or numpy that it is built on, cannot be imported here."""


def _fetch(package: str) -> None:
    """On a class site that can wait (JSPI), fetch a package of Pyodide's from its server; quiet if it cannot."""
    if sys.platform != "emscripten" or not timers.can_suspend():
        return
    import pyodide_js
    from pyodide.ffi import run_sync

    try:
        run_sync(pyodide_js.loadPackage(package))
    except Exception:  # offline: the import that follows says so
        pass


def load(module: str):
    """``pandas`` or ``numpy``, imported now; PandasMissing says what to do when it cannot be."""
    try:
        return importlib.import_module(module)
    except ImportError:
        _fetch(module.split(".")[0])
    try:
        return importlib.import_module(module)
    except ImportError as error:
        raise PandasMissing(
            _(
                "sensorlab could not load pandas. It needs pandas for tables: logger.data, logger.notes, "
                "logger.to_csv(), logger.record_many(), a time given to logger.record(), and the widget's Download "
                "CSV. A class site in the browser fetches pandas from the internet the first time it is needed, and "
                "this computer could not reach it: check the internet connection, run `import pandas` in a cell of "
                "its own, then run this cell again. Without internet, read the rows in the sheet instead. On a "
                "Jupyter server, your teacher can install pandas. Everything else works without pandas: the sensor "
                "keeps logging, rows still go to the sheet, and the widget shows the readings."
            )
        ) from error


class _ExplainMissing(importlib.abc.MetaPathFinder):
    """Last on ``sys.meta_path``: asked only when no other finder has the package."""

    def find_spec(self, name, path=None, target=None):
        # What a lesson imports that a class site fetches from the internet, and what for.
        # TRANSLATORS: what a lesson uses pandas, numpy and matplotlib for, in "could not load pandas (for tables)".
        purposes = {"pandas": _("tables"), "numpy": _("numbers"), "matplotlib": _("plots")}
        if name not in purposes:
            return None
        raise ModuleNotFoundError(
            _(
                "This class site could not load {name} (for {purpose}): the site fetches it from the "
                "internet the first time a cell imports it, and this computer could not reach it. Check the "
                "internet connection and run the cell again. Without internet, sensorlab still logs and posts "
                "rows to the sheet; the cells that need it wait until you are online."
            ).format(name=name, purpose=purposes[name]),
            name=name,
        )


def explain_missing_packages() -> None:
    """On a class site, make a failed ``import pandas`` (numpy, matplotlib) say why, once per kernel."""
    if sys.platform == "emscripten" and not any(isinstance(f, _ExplainMissing) for f in sys.meta_path):
        sys.meta_path.append(_ExplainMissing())
