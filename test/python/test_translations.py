"""The kernel's words: every message the package shows a student goes through sensorlab.i18n, which speaks the
page's language once a widget has said it, else the environment's."""

import ast
import string
from pathlib import Path

import pytest
from babel.messages.catalog import Catalog
from babel.messages.mofile import write_mo
from sensorlab import i18n
from sensorlab.widgetstate import LoggerState

PACKAGE = Path(__file__).parents[2] / "python_shim" / "sensorlab"

# -- a message that escapes translation fails ------------------------------------------------------------------------

TRANSLATE = {"_", "ngettext"}
# Methods whose first argument is a message for the status line (logger.status["last_error"]).
REPORTS = {"_record_error", "_on_error", "_failed"}
# Names and attributes that hold words for people: a file's problem, a sheet_notice, a last_error.
HOLDS_WORDS = ("problem", "notice", "error")


def _written_out(node) -> bool:
    """Words written out where they are used, in English: a str literal, an f-string or "...".format(...)."""
    if isinstance(node, ast.Constant):
        return isinstance(node.value, str) and any(c.isalpha() for c in node.value)
    if isinstance(node, ast.JoinedStr):
        return any(_written_out(part) for part in node.values)
    if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr == "format":
        return _written_out(node.func.value)
    if isinstance(node, ast.BinOp):
        return _written_out(node.left) or _written_out(node.right)
    if isinstance(node, ast.IfExp):
        return _written_out(node.body) or _written_out(node.orelse)
    return False


def _called(node) -> str | None:
    """The name of the function or method a call calls."""
    if not isinstance(node, ast.Call):
        return None
    return node.func.id if isinstance(node.func, ast.Name) else getattr(node.func, "attr", None)


def _messages(node):
    """(place, message) of every message ``node`` shows people: what it raises, warns, reports to the status,
    closes a comm with, or keeps in a name for words."""
    if isinstance(node, ast.Raise) and isinstance(node.exc, ast.Call) and node.exc.args:
        yield "raise", node.exc.args[0]
    elif _called(node) in ("warn", *REPORTS) and node.args:
        yield f"{_called(node)}()", node.args[0]
    elif isinstance(node, ast.Dict):
        for key, value in zip(node.keys, node.values):
            if isinstance(key, ast.Constant) and key.value == "reason":
                yield '"reason"', value
    elif isinstance(node, (ast.Assign, ast.AnnAssign)):
        targets = node.targets if isinstance(node, ast.Assign) else [node.target]
        for target in targets:
            name = target.id if isinstance(target, ast.Name) else getattr(target, "attr", "")
            if name.endswith(HOLDS_WORDS) and node.value is not None:
                yield name, node.value


def _placeholders(message: str) -> set[str]:
    return {field for _, field, _, _ in string.Formatter().parse(message) if field is not None}


def _translation_problems(node) -> list[str]:
    """What is wrong with a call of _() or ngettext(): words Babel cannot see, or placeholders a translator
    cannot move."""
    count = 2 if _called(node) == "ngettext" else 1
    messages = node.args[:count]
    if len(messages) < count or not all(isinstance(m, ast.Constant) and isinstance(m.value, str) for m in messages):
        return [f"{_called(node)}() of something other than written-out text: Babel cannot extract it"]
    fields = set().union(*(_placeholders(m.value) for m in messages))
    if any(not field or field.isdigit() for field in fields):
        return ["a placeholder without a name ({} or {0}): a translation cannot move it"]
    return []


FUNCTIONS = (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda)
# What has names of its own: a name bound in it is not the function's around it.
SCOPES = (*FUNCTIONS, ast.ClassDef, ast.ListComp, ast.SetComp, ast.DictComp, ast.GeneratorExp)


def _within(nodes, stop: tuple) -> list:
    """``nodes`` and every node inside them, but not inside a node of the kinds ``stop``."""
    found, waiting = [], list(nodes)
    while waiting:
        node = waiting.pop()
        found.append(node)
        waiting.extend(child for child in ast.iter_child_nodes(node) if not isinstance(child, stop))
    return found


def _translates(node) -> bool:
    return isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id in TRANSLATE


def _binds_the_translator(function) -> bool:
    """Whether a function makes ``_`` a name of its own (a parameter, ``for _ in``), so that ``_()`` in it fails."""
    arguments = function.args
    if any(a.arg == "_" for a in (*arguments.posonlyargs, *arguments.args, *arguments.kwonlyargs)):
        return True
    return any(
        isinstance(node, ast.Name) and node.id == "_" and isinstance(node.ctx, ast.Store)
        for node in _within(function.body, SCOPES)
    )


def untranslated(source: str, filename: str) -> list[str]:
    """file:line and what, for every message in ``source`` that does not go through _() or ngettext()."""
    tree = ast.parse(source, filename)
    found = []
    imports_translator = any(
        isinstance(node, ast.ImportFrom) and node.module == "i18n" and any(a.name == "_" for a in node.names)
        for node in ast.walk(tree)
    )
    for node in ast.walk(tree):
        for place, message in _messages(node):
            if _written_out(message):
                found.append(f"{filename}:{message.lineno}: {place} in English only: wrap it in _() or ngettext()")
        if _translates(node):
            found += [f"{filename}:{node.lineno}: {problem}" for problem in _translation_problems(node)]
        if isinstance(node, ast.Call) and _called(node) == "format" and _called(node.func.value) in TRANSLATE:
            message_node = node.func.value
            messages = [m.value for m in message_node.args[:2] if isinstance(m, ast.Constant)]
            wanted = set().union(*map(_placeholders, messages))
            given = {keyword.arg for keyword in node.keywords}
            if node.args or not wanted <= given:
                found.append(f"{filename}:{node.lineno}: .format() must name each placeholder: {sorted(wanted)}")
        if (
            imports_translator
            and isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef))
            and _binds_the_translator(node)
        ):
            found.append(f"{filename}:{node.lineno}: {node.name}() makes _ a name of its own: _() fails in it")
    for node in _within([tree], FUNCTIONS):
        if _translates(node):
            found.append(f"{filename}:{node.lineno}: translated on import: it would stay in the language of then")
    return sorted(found, key=lambda problem: int(problem.split(":")[1]))


def test_every_message_of_the_package_goes_through_translation():
    modules = sorted(PACKAGE.glob("*.py"))
    assert len(modules) > 20  # the package, not an empty folder
    found = [problem for path in modules for problem in untranslated(path.read_text(), path.name)]
    assert not found, "\n".join(found)


# Each way a message can escape translation, as a change to the package could, and what the check says.
ESCAPES = [
    ('raise ValueError("a note is some text")', "raise in English only"),
    ('raise ValueError(f"set_period takes whole milliseconds, not {ms!r}")', "raise in English only"),
    ('raise SheetError("The sheet {url} is full.".format(url=url)) from None', "raise in English only"),
    ('warnings.warn("This browser cannot wait inside a cell.")', "warn() in English only"),
    ('self._record_error(f"The device could not do what was asked: {error}")', "_record_error() in English only"),
    ('comm.close({"reason": "The logger was closed or replaced."})', '"reason" in English only'),
    ('self.problem = f"The data file {path} is damaged"', "problem in English only"),
    ('self._post_notice = "Nothing posted: " + why', "_post_notice in English only"),
    ('def notice(at): return _(f"Nothing posted at {at}")', "_() of something other than written-out text"),
    ('def rows(n, plural): return ngettext("one row", plural, n)', "ngettext() of something other than written-out"),
    ('def rows(n): return _("{} rows waiting").format(n)', "a placeholder without a name"),
    ('def rows(n): return _("{count} rows waiting").format(n=n)', ".format() must name each placeholder"),
    ("def on_message(self, _, content): pass", "on_message() makes _ a name of its own"),
    ('PANDAS_MISSING = _("sensorlab could not load pandas.")', "translated on import"),
]

TRANSLATED = """\
def report(self, ms, size, answer, url, path, comm, reason, name, waiting):
    raise ValueError(_("a note is some text"))
    raise ValueError(_("set_period takes whole milliseconds, not {ms!r}").format(ms=ms))
    raise SheetTooLarge(ngettext("{size} byte too many", "{size} bytes too many", size).format(size=size)) from None
    raise RuntimeError(answer.error)
    raise _not_a_sheet_address(url)
    self.last_error = ""
    self.problem = _("The data file {path} is damaged").format(path=path)
    comm.close({"reason": reason.format(name=name)})
    return [ident for ident, _ in waiting]
"""


@pytest.mark.parametrize("line, said", ESCAPES)
def test_the_check_finds_a_message_that_escapes(line, said):
    found = untranslated(f"from .i18n import _, ngettext\n{line}\n", "escapes.py")
    assert any(problem.startswith(f"escapes.py:2: {said}") for problem in found), found


def test_the_check_finds_nothing_in_translated_messages():
    assert untranslated("from .i18n import _, ngettext\n" + TRANSLATED, "translated.py") == []


# -- sensorlab.i18n ----------------------------------------------------------------------------------------------------

NOTE = 'a note is some text, e.g. logger.note("window opened")'
NO_VALUES = "{at} has no values: e.g. logger.record(temperature=21.5, humidity=40)"
BAUD = "baud must be a speed from 9600 to 1000000, as set in the board's program, not {value!r}"
ROWS = ("{n} row", "{n} rows")
TRANSLATIONS = {
    "fr_FR": {
        NOTE: 'une note est un texte, par exemple logger.note("fenêtre ouverte")',
        "The reading": "La mesure",
        NO_VALUES: "{at} n'a aucune valeur : par exemple logger.record(temperature=21.5, humidity=40)",
        BAUD: "baud est une vitesse de 9600 à 1000000, celle du programme de la carte, pas {value!r}",
        ROWS: ("{n} ligne", "{n} lignes"),
    },
    "de_DE": {
        NOTE: 'Eine Notiz ist ein Text, zum Beispiel logger.note("Fenster geöffnet")',
        ROWS: ("{n} Zeile", "{n} Zeilen"),
    },
}
# The plural rules translations/fr_FR.po and de_DE.po give.
PLURAL_FORMS = {"fr_FR": "nplurals=2; plural=(n > 1);", "de_DE": "nplurals=2; plural=(n != 1);"}


@pytest.fixture
def catalogues(tmp_path, monkeypatch):
    """A French and a German catalogue of a few words, compiled with Babel where i18n looks, and no language
    chosen yet; after the test the language in use before it (English here) comes back."""
    for folder, words in TRANSLATIONS.items():
        catalog = Catalog(locale=folder, domain=i18n.DOMAIN)
        catalog.mime_headers = [("Plural-Forms", PLURAL_FORMS[folder])]
        for message, translation in words.items():
            catalog.add(message, translation)
        (tmp_path / "locale" / folder / "LC_MESSAGES").mkdir(parents=True)
        with (tmp_path / "locale" / folder / "LC_MESSAGES" / f"{i18n.DOMAIN}.mo").open("wb") as mo:
            write_mo(mo, catalog)
    monkeypatch.setattr(i18n, "LOCALE_DIR", tmp_path / "locale")
    monkeypatch.setattr(i18n, "_catalogue", None)
    monkeypatch.setattr(i18n, "_language", "")
    for variable in ("LANGUAGE", "LC_ALL", "LC_MESSAGES", "LANG"):
        monkeypatch.delenv(variable, raising=False)


@pytest.mark.parametrize(
    "tag, folder",
    [("fr-FR", "fr_FR"), ("fr_CA", "fr_FR"), ("de", "de_DE"), ("ja-JP", "en")],
    ids=["its own catalogue", "another region's", "the language alone", "none: English"],
)
def test_the_pages_language_chooses_the_catalogue(catalogues, tag, folder):
    i18n.use_language(tag)
    assert i18n.language() == folder
    assert i18n._(NOTE) == TRANSLATIONS.get(folder, {}).get(NOTE, NOTE)


def test_until_a_page_says_the_environment_chooses(catalogues, monkeypatch):
    monkeypatch.setenv("LANG", "de_DE.UTF-8")
    assert i18n._(NOTE) == TRANSLATIONS["de_DE"][NOTE]  # the first word chooses
    i18n.use_language("fr-FR")
    i18n.use_language(None)
    assert i18n.language() == "de_DE"
    monkeypatch.setenv("LANGUAGE", "ja:fr")  # a list in order of preference: the first that ships
    i18n.use_language(None)
    assert i18n.language() == "fr_FR"


def test_french_counts_0_in_the_singular_and_german_in_the_plural(catalogues):
    i18n.use_language("fr-FR")
    assert [i18n.ngettext(*ROWS, n).format(n=n) for n in (0, 1, 2)] == ["0 ligne", "1 ligne", "2 lignes"]
    i18n.use_language("de-DE")
    assert [i18n.ngettext(*ROWS, n).format(n=n) for n in (0, 1, 2)] == ["0 Zeilen", "1 Zeile", "2 Zeilen"]


def test_an_error_speaks_the_language_in_use_when_it_is_raised(catalogues, logger):
    i18n.use_language("fr-FR")
    with pytest.raises(ValueError) as refused:
        logger.note("  ")
    assert str(refused.value) == TRANSLATIONS["fr_FR"][NOTE]
    with pytest.raises(ValueError) as refused:
        logger.record()
    assert (
        str(refused.value) == "La mesure n'a aucune valeur : par exemple logger.record(temperature=21.5, humidity=40)"
    )
    i18n.use_language("ja-JP")
    with pytest.raises(ValueError) as refused:
        logger.record()
    assert str(refused.value) == "The reading has no values: e.g. logger.record(temperature=21.5, humidity=40)"


def test_the_widget_tells_the_kernel_the_pages_language(catalogues):
    state = LoggerState(name="unit")
    try:
        state._language = "fr-FR"
        assert i18n.language() == "fr_FR"
        with pytest.raises(ValueError, match="^baud est une vitesse de 9600 à 1000000, celle du programme"):
            state.baud = 300
        state._language = ""  # a page that has not said yet leaves the language as it is
        assert i18n.language() == "fr_FR"
    finally:
        state.close()


# -- the catalogues that ship ------------------------------------------------------------------------------------------

ROOT = PACKAGE.parents[1]


def test_every_language_has_every_word_of_the_page_the_kernel_and_the_settings():
    """translations.py check: no word untranslated or fuzzy in fr, de, es; placeholders kept; no word the
    extraction cannot see (a trans call given something other than a literal)."""
    import sys

    sys.path.insert(0, str(ROOT / "translations"))
    try:
        import translations
    finally:
        sys.path.pop(0)
    assert translations.languages() == ["de_DE", "es_ES", "fr_FR"]
    assert translations.problems() == []


@pytest.mark.parametrize("folder", ["de_DE", "es_ES", "fr_FR"])
def test_the_wheel_ships_each_language_for_the_page_and_the_kernel(folder):
    """`make build` compiled each .po into the installed package: sensorlab.json, which JupyterLab's server
    hands the page (through the jupyterlab.locale entry point), and sensorlab.mo, which the kernel reads."""
    import json
    from importlib.metadata import entry_points

    import sensorlab

    (entry,) = [e for e in entry_points(group="jupyterlab.locale") if e.name == "sensorlab"]
    messages = Path(entry.load().__file__).parent / "locale" / folder / "LC_MESSAGES"
    page = json.loads((messages / "sensorlab.json").read_text())
    assert page[""]["language"] == folder.replace("_", "-")
    assert page["no errors"][0] and page["no errors"][0] != "no errors"
    assert (messages / "sensorlab.mo").exists()
    assert Path(sensorlab.__file__).parent == messages.parents[2]


@pytest.mark.parametrize("tag", ["fr-FR", "de-DE", "es-ES"])
def test_the_kernel_speaks_each_shipped_language(tag, logger, monkeypatch):
    monkeypatch.setattr(i18n, "_catalogue", None)
    i18n.use_language(tag)
    try:
        with pytest.raises(ValueError) as refused:
            logger.note("  ")
        assert str(refused.value) != NOTE and "logger.note(" in str(refused.value)
    finally:
        i18n.use_language("en")
