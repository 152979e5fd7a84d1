"""sensorlab: log classroom sensors read by the browser into a shared EtherCalc sheet."""

from ._version import __version__
from .channel import register_comm_target
from .classwidget import ClassView
from .ethercalc import Sheet, SheetError
from .logger import Logger
from .pandas_loader import explain_missing_packages
from .schedule import DaylightSchedule

__all__ = ["__version__", "ClassView", "Sheet", "SheetError", "DaylightSchedule", "Logger"]


def _jupyter_labextension_paths():
    return [{"src": "labextension", "dest": "sensorlab"}]


register_comm_target()
explain_missing_packages()
