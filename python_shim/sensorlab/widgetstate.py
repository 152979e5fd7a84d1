"""The Logger widget's state that the browser sees (its traits), and the checks of what people set in it."""

from __future__ import annotations

from ipywidgets import DOMWidget
from traitlets import Dict, Float, Int, List, Unicode, observe, validate

from . import i18n, protocol
from ._version import MODULE_VERSION
from .i18n import _, ngettext

__all__ = ["FORMATS", "SEVERAL", "SOURCES", "LoggerState", "SensorlabWidget"]

SOURCES = ("simulated", "serial", "bluetooth", "simulated-class", "all")
SEVERAL = ("simulated-class", "all")  # kinds that are many devices at once
FORMATS = ("auto", "plotter", "labels", "tuple", "radio", "semicolon", "keyvalue", "csv", "json")


class SensorlabWidget(DOMWidget):
    """What every sensorlab widget shares: the browser module that shows it, and the page's language."""

    _model_module = Unicode("sensorlab").tag(sync=True)
    _view_module = Unicode("sensorlab").tag(sync=True)
    _model_module_version = Unicode(MODULE_VERSION).tag(sync=True)
    _view_module_version = Unicode(MODULE_VERSION).tag(sync=True)
    _language = Unicode("", help="The page's language (BCP 47), set by the page; the kernel's words follow it.").tag(
        sync=True
    )

    @observe("_language")
    def _follow_the_page(self, change):
        if change["new"]:
            i18n.use_language(change["new"])


class LoggerState(SensorlabWidget):
    """The synced traits of ``Logger`` (see its docstring for what each means)."""

    _model_name = Unicode("LoggerModel").tag(sync=True)
    _view_name = Unicode("LoggerView").tag(sync=True)

    name = Unicode(help="The logger's name, unique in this kernel.").tag(sync=True)
    source = Unicode("simulated", help="One of SOURCES.").tag(sync=True)
    devices = List(Unicode(), help="The devices to log (names or ids), or empty for every one.").tag(sync=True)
    forward_every = Float(None, allow_none=True, help="Seconds between two batches, or None for the setting.").tag(
        sync=True
    )
    sheet_url = Unicode("", help="The sheet's address for people, or empty.").tag(sync=True)
    _status = Dict(help="What logger.status says, for the views.").tag(sync=True)
    device = Dict(help="The browser's device: id, transport, label, state, problem, counts.").tag(sync=True)
    baud = Int(115200, help="Serial speed in bits per second.").tag(sync=True)
    format = Unicode("auto", help="auto or one of the line formats in FORMATS.").tag(sync=True)
    channels = List(Unicode(), help="Names for unlabelled values.").tag(sync=True)
    usb_vendor_id = Int(None, allow_none=True, help="Only offer boards with this USB vendor id.").tag(sync=True)
    usb_product_id = Int(None, allow_none=True, help="Only offer boards with this USB product id.").tag(sync=True)
    name_prefix = Unicode("", help="Only offer Bluetooth sensors whose name starts with this.").tag(sync=True)
    poll_every = Float(None, allow_none=True, help="Seconds between reads of a Bluetooth sensor, or None.").tag(
        sync=True
    )

    @validate("source", "format")
    def _valid_choice(self, proposal):
        trait, value = proposal["trait"].name, proposal["value"]
        choices = SOURCES if trait == "source" else FORMATS
        if value not in choices:
            # TRANSLATORS: {trait} is the setting (source, format), {choices} the values it takes, as Python has them.
            message = _("{trait} must be one of {choices}, not {value!r}")
            raise ValueError(message.format(trait=trait, choices=", ".join(choices), value=value))
        return value

    @validate("baud")
    def _valid_baud(self, proposal):
        if not 9600 <= proposal["value"] <= 1_000_000:
            raise ValueError(
                _("baud must be a speed from 9600 to 1000000, as set in the board's program, not {value!r}").format(
                    value=proposal["value"]
                )
            )
        return proposal["value"]

    @validate("channels", "devices")
    def _valid_names(self, proposal):
        # A channel name may have spaces around it (a board prints it so); a device name as both sides keep it not.
        trait, names = proposal["trait"].name, proposal["value"]
        limit = protocol.MAX_NAME_LENGTH
        bad = [n for n in names if (protocol.device_name(n) != n if trait == "devices" else not 0 < len(n) <= limit)]
        if not bad:
            return names
        if trait == "devices":
            message = ngettext(
                'devices are names or ids of 1 to {limit} character such as "group 1" or "serial-1", not {name!r:.80}',
                'devices are names or ids of 1 to {limit} characters such as "group 1" or "serial-1", not {name!r:.80}',
                limit,
            )
        else:
            message = ngettext(
                "channel names must be text of 1 to {limit} character, not {name!r:.80}",
                "channel names must be text of 1 to {limit} characters, not {name!r:.80}",
                limit,
            )
        raise ValueError(message.format(limit=limit, name=bad[0]))

    @validate("name")
    def _valid_name(self, proposal):
        value = proposal["value"]
        if not value or len(value) > protocol.MAX_NAME_LENGTH:
            limit = protocol.MAX_NAME_LENGTH
            message = ngettext(
                "name must be text of 1 to {limit} character", "name must be text of 1 to {limit} characters", limit
            )
            raise ValueError(message.format(limit=limit))
        return value
