"""The words the kernel shows a student, in the page's language once a widget has said it (``use_language``),
before that in the environment's (``LANGUAGE``, ``LC_ALL``, ``LC_MESSAGES``, ``LANG``).

The catalogues are the page's: ``locale/<ll_CC>/LC_MESSAGES/sensorlab.mo`` beside this file, compiled from the
same ``.po`` files as the page's ``sensorlab.json`` (``make translations``). Only words go through here: the
sheet's headings, ``logger.status`` keys and ``logger.data`` columns are data and stay the same in every
language, so loggers in two languages write one class sheet.
"""

from __future__ import annotations

import gettext
import os
from pathlib import Path

__all__ = ["_", "language", "ngettext", "use_language"]

DOMAIN = "sensorlab"
LOCALE_DIR = Path(__file__).parent / "locale"

_catalogue: gettext.NullTranslations | None = None  # None: not chosen yet
_language = ""


def _shipped() -> list[str]:
    """The catalogues that ship, by folder name ("de_DE", "es_ES", "fr_FR")."""
    if not LOCALE_DIR.is_dir():
        return []
    return sorted(p.parent.parent.name for p in LOCALE_DIR.glob(f"*/LC_MESSAGES/{DOMAIN}.mo"))


def _folder_for(tag: str) -> str | None:
    """The shipped catalogue for a language tag ("fr-FR", "fr_CA.UTF-8", "de"): the same region, else the language."""
    tag = tag.split(".")[0].split("@")[0].replace("-", "_")
    if not tag or tag in ("C", "POSIX"):
        return None
    shipped = _shipped()
    wanted = tag.split("_")[0].lower()
    if tag in shipped:
        return tag
    return next((folder for folder in shipped if folder.split("_")[0].lower() == wanted), None)


def _from_environment() -> str:
    for variable in ("LANGUAGE", "LC_ALL", "LC_MESSAGES", "LANG"):
        value = os.environ.get(variable)
        if value:
            # LANGUAGE may list several, in order of preference.
            return next((f for f in map(_folder_for, value.split(":")) if f), "")
    return ""


def use_language(tag: str | None) -> None:
    """Speak the language of ``tag`` (the page's "fr-FR"); English where it is not shipped; None: the environment's."""
    global _catalogue, _language
    folder = _folder_for(tag) if tag is not None else _from_environment()
    _language = folder or "en"
    _catalogue = (
        gettext.translation(DOMAIN, localedir=LOCALE_DIR, languages=[folder]) if folder else gettext.NullTranslations()
    )


def language() -> str:
    """The catalogue in use: "fr_FR", or "en" for the words as written."""
    if _catalogue is None:
        use_language(None)
    return _language


def _(message: str) -> str:
    """``message`` in the current language."""
    if _catalogue is None:
        use_language(None)
    return _catalogue.gettext(message)


def ngettext(singular: str, plural: str, n: int) -> str:
    """The form of ``singular``/``plural`` for ``n`` in the current language (French says "1 ligne", "0 ligne")."""
    if _catalogue is None:
        use_language(None)
    return _catalogue.ngettext(singular, plural, n)
