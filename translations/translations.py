"""The catalogues of sensorlab's words, one domain ("sensorlab") for the page and the kernel.

    translations.py extract   find every word in src/ (trans.__, trans._n, trans._p), python_shim/sensorlab/
                              (_, ngettext) and the settings schemas; write sensorlab.pot and bring each
                              <ll_CC>.po up to date (new words are empty, changed ones fuzzy, gone ones obsolete)
    translations.py compile   write python_shim/sensorlab/locale/<ll_CC>/LC_MESSAGES/sensorlab.mo (the kernel's)
                              and sensorlab.json (the page's, the form JupyterLab's translator reads)
    translations.py check [ll_CC ...]
                              fail, saying which, when a word escapes translation in the page's code, or a
                              language misses a word, has a fuzzy one, or drops or adds a placeholder
    translations.py set FILE  write a translator's batch, JSON {"fr_FR": {word: translation}}, into the .po files

Babel does the extracting and compiling; the .po files beside this script are what translators edit.
"""

from __future__ import annotations

import json
import re
import sys
from io import BytesIO
from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.extract import extract
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po, write_po

HERE = Path(__file__).parent
ROOT = HERE.parent
DOMAIN = "sensorlab"
POT = HERE / f"{DOMAIN}.pot"
LOCALE_DIR = ROOT / "python_shim" / "sensorlab" / "locale"
VERSION = json.loads((ROOT / "package.json").read_text())["version"]

TS_KEYWORDS = {"__": None, "_n": (1, 2), "_p": ((1, "c"), 2)}
PY_KEYWORDS = {"_": None, "ngettext": (1, 2)}
# A placeholder: the page's %1, %2 and the kernel's {name} or {name:.80}.
PLACEHOLDER = re.compile(r"%\d|\{[a-z_]*(?:[!:][^}]*)?\}")


def languages() -> list[str]:
    return sorted(p.stem for p in HERE.glob("*_*.po"))


def _sources():
    """(file, method, keywords) for every file whose words are shown to people."""
    for path in sorted((ROOT / "src").rglob("*.ts")):
        yield path, "javascript", TS_KEYWORDS
    for path in sorted((ROOT / "python_shim" / "sensorlab").glob("*.py")):
        yield path, "python", PY_KEYWORDS


def template() -> Catalog:
    """Every word of the page, the kernel and the settings, with where it is."""
    catalog = Catalog(domain=DOMAIN, project=DOMAIN, version=VERSION, charset="utf-8")
    for path, method, keywords in _sources():
        where = str(path.relative_to(ROOT))
        with path.open("rb") as source:
            for _line, message, comments, context in extract(
                method, source, keywords=keywords, comment_tags=("TRANSLATORS:",), strip_comment_tags=True
            ):
                # Files without line numbers: a .po changes when a word does, not when code moves.
                catalog.add(message, locations=[(where, None)], auto_comments=comments, context=context)
    # The settings' words JupyterLab's server translates, in the contexts it asks for (jupyterlab_server's
    # DEFAULT_SCHEMA_SELECTORS).
    for path in sorted((ROOT / "schema").glob("*.json")):
        schema = json.loads(path.read_text())
        where = str(path.relative_to(ROOT))
        for key in ("title", "description"):
            if key in schema:
                catalog.add(schema[key], locations=[(where, None)], context="schema")
        if "jupyter.lab.setting-icon-label" in schema:
            catalog.add(schema["jupyter.lab.setting-icon-label"], locations=[(where, None)], context="settings")
        for prop in schema.get("properties", {}).values():
            for key in ("title", "description"):
                if key in prop:
                    catalog.add(prop[key], locations=[(where, None)], context="settings")
    return catalog


def _read(path: Path) -> Catalog:
    with path.open("rb") as file:
        return read_po(file, domain=DOMAIN)


def _write(catalog: Catalog, path: Path, **options) -> None:
    buffer = BytesIO()
    write_po(buffer, catalog, width=100, **options)
    path.write_bytes(buffer.getvalue())


def extract_and_update() -> None:
    pot = template()
    _write(pot, POT, omit_header=False)
    for language in languages():
        path = HERE / f"{language}.po"
        catalog = _read(path)
        catalog.update(pot, no_fuzzy_matching=False)
        catalog.version = VERSION
        _write(catalog, path, ignore_obsolete=True, include_previous=True)
        print(f"{path.name}: {_missing_count(catalog)} of {len(catalog)} words to translate")


def _missing_count(catalog: Catalog) -> int:
    return sum(1 for m in catalog if m.id and (m.fuzzy or not _translated(m)))


def _translated(message) -> bool:
    return all(message.string) if isinstance(message.string, tuple | list) else bool(message.string)


def page_catalogue(catalog: Catalog, language: str) -> dict:
    """The page's form of a catalogue: JupyterLab's translator reads msgid (with "context\\x04" before
    it) → [singular] or [each plural form], and the plural rule from the header."""
    result: dict = {
        "": {
            "domain": DOMAIN,
            "version": VERSION,
            "language": language.replace("_", "-"),
            "plural_forms": catalog.plural_forms,
        }
    }
    for message in catalog:
        if not message.id or message.fuzzy or not _translated(message):
            continue
        key = message.id[0] if isinstance(message.id, tuple | list) else message.id
        if message.context:
            key = f"{message.context}\x04{key}"
        result[key] = list(message.string) if isinstance(message.string, tuple | list) else [message.string]
    return result


def compile_all() -> None:
    for language in languages():
        catalog = _read(HERE / f"{language}.po")
        folder = LOCALE_DIR / language / "LC_MESSAGES"
        folder.mkdir(parents=True, exist_ok=True)
        with (folder / f"{DOMAIN}.mo").open("wb") as mo:
            write_mo(mo, catalog, use_fuzzy=False)
        (folder / f"{DOMAIN}.json").write_text(
            json.dumps(page_catalogue(catalog, language), ensure_ascii=False, indent=1, sort_keys=True)
        )


# A call whose words are not a literal string: extraction cannot see them, so they would stay English.
NOT_LITERAL = re.compile(r"\btrans\.(?:__|_n|_p)\(\s*(?![\s'\"])")


def problems(only: list[str] | None = None) -> list[str]:
    """Every reason the catalogues (or those of the languages `only`) are not complete, in words."""
    found = []
    for path, method, _ in _sources():
        if method == "javascript":
            # The whole text: a long string goes on the line after its call.
            text = path.read_text()
            for call in NOT_LITERAL.finditer(text):
                number = text.count("\n", 0, call.start()) + 1
                line = text.splitlines()[number - 1]
                found.append(f"{path.relative_to(ROOT)}:{number}: translate a literal string, not {line.strip()}")
    pot = template()
    for language in only or languages():
        catalog = _read(HERE / f"{language}.po")
        for wanted in pot:
            if not wanted.id:
                continue
            message = catalog.get(wanted.id, context=wanted.context)
            name = f"{language}: {wanted.id if isinstance(wanted.id, str) else wanted.id[0]!r}"
            if message is None or not _translated(message):
                found.append(f"{name} is not translated")
            elif message.fuzzy:
                found.append(f"{name} is marked fuzzy: check the translation, then remove the mark")
            else:
                want = sorted(set(PLACEHOLDER.findall(" ".join(_forms(wanted.id)))))
                for form in _forms(message.string):
                    got = sorted(set(PLACEHOLDER.findall(form)))
                    # A plural form may leave out the count ("une ligne"), never add or rename a placeholder.
                    if not set(got) <= set(want) or (len(_forms(message.string)) == 1 and got != want):
                        found.append(f"{name} has placeholders {got}, the English {want}")
    return found


def _forms(value) -> list[str]:
    return list(value) if isinstance(value, tuple | list) else [value]


def set_translations(path: Path) -> None:
    """Write translations given as JSON ({"fr_FR": {msgid: text, or [singular, plural] for a plural}}) into the .po
    files: a translator's batch, checked by ``check`` like any other."""
    given = json.loads(path.read_text(encoding="utf-8"))
    for language, words in given.items():
        po = HERE / f"{language}.po"
        catalog = _read(po)
        for msgid, text in words.items():
            message = next((m for m in catalog if (m.id[0] if isinstance(m.id, tuple) else m.id) == msgid), None)
            if message is None:
                raise SystemExit(f"{language}: {msgid!r} is not in the catalogue: run extract first")
            message.string = tuple(text) if isinstance(text, list) else text
            message.flags.discard("fuzzy")
        _write(catalog, po, ignore_obsolete=True, include_previous=True)


def main(command: str, only: list[str]) -> int:
    if command == "extract":
        extract_and_update()
    elif command == "compile":
        compile_all()
    elif command == "set":
        set_translations(Path(only[0]))
    elif command == "check":
        found = problems(only)
        for problem in found:
            print(problem)
        print(f"{len(found)} problems" if found else "every word is translated in " + ", ".join(only or languages()))
        return 1 if found else 0
    else:
        print(__doc__)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1] if len(sys.argv) > 1 else "", sys.argv[2:]))
