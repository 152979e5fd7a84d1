"""pandas and numpy, imported where a table is made: the Python of a class site in the browser (JupyterLite)
may have neither, and everything else sensorlab does works without them."""

from __future__ import annotations

import importlib

__all__ = ["PandasMissing", "load"]

PANDAS_MISSING = (
    "sensorlab could not load pandas. It needs pandas for tables: logger.data, logger.notes, logger.to_csv(), "
    "logger.record_many(), a time given to logger.record(), and the widget's Download CSV. "
    "In a class site that runs in the browser with internet, run `import pandas` in a cell of its own, then run "
    "this cell again: the site fetches pandas the first time a cell imports it. Without internet it cannot: "
    "read the rows in the sheet instead. On a Jupyter server, your teacher can install pandas. "
    "Everything else works without pandas: the sensor keeps logging, rows still go to the sheet, and the widget "
    "shows the readings."
)


class PandasMissing(ImportError):
    """pandas, or numpy that it is built on, cannot be imported here."""


def load(module: str):
    """``pandas`` or ``numpy``, imported now; PandasMissing says what to do when it cannot be."""
    try:
        return importlib.import_module(module)
    except ImportError as error:
        raise PandasMissing(PANDAS_MISSING) from error
