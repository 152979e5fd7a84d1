"""The notebook cell each Logger was made in: running that cell again replaces the Loggers it made.

A student who fixes a typo in the sheet's name and runs the cell again means the new Logger,
not a second one: the old one would go on posting to the wrong sheet. JupyterLab and Notebook 7
send the running cell's id with each execution; a Logger made in another cell, or in the same
run of the cell, is a second Logger and stays.
"""

from __future__ import annotations

import threading
import weakref

__all__ = ["replace_earlier_run"]

# Cell id → (the execution that last made Loggers in it, those Loggers).
_made: dict[str, tuple[str, list[weakref.ref]]] = {}
_lock = threading.Lock()


def _running_cell() -> tuple[str | None, str | None]:
    """The id of the notebook cell running now and of its execution, or None outside a notebook."""
    try:
        from ipykernel.kernelbase import Kernel

        if not Kernel.initialized():
            return None, None
        parent = Kernel.instance().get_parent() or {}
    except Exception:  # another kernel (a class site's stand-in ipykernel has no kernelbase), or none: no cell to go by
        return None, None
    cell = (parent.get("metadata") or {}).get("cellId")
    execution = (parent.get("header") or {}).get("msg_id")
    return (cell, execution) if isinstance(cell, str) and cell else (None, None)


def replace_earlier_run(logger) -> None:
    """Close the Loggers an earlier run of the running cell made, and remember ``logger`` as made by this run."""
    cell, execution = _running_cell()
    if cell is None:
        return
    with _lock:
        made_by, loggers = _made.get(cell, (execution, []))
        if made_by != execution:
            earlier, loggers = loggers, []
        else:
            earlier = []
        loggers.append(weakref.ref(logger))
        _made[cell] = (execution, loggers)
    for ref in earlier:
        old = ref()
        if old is not None and old is not logger:
            old.close()
