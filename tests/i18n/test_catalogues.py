"""Every message in the source has a real translation in both Chinese catalogues.

What is checked: each string marked in templates and Python (extracted with babel's own API and
babel.cfg, the same way `make translations-update` does) is present, not empty and not fuzzy in
zh_Hans and zh_Hant, and keeps its %(name)s placeholders.

Not translated, on purpose: the API's error messages. The API speaks English whatever the
client's Accept-Language (academy.i18n.select_locale): its messages are for programs, which
match on the error code. CLI output and stored audit reasons are English too.
"""

import re
import shlex
from pathlib import Path

import pytest
from babel.messages.extract import DEFAULT_KEYWORDS, extract_from_dir
from babel.messages.frontend import parse_keywords, parse_mapping_cfg
from babel.messages.pofile import read_po

ROOT = Path(__file__).resolve().parents[2]
TRANSLATIONS = ROOT / "academy" / "translations"
LOCALES = ("zh_Hans", "zh_Hant")
PLACEHOLDER = re.compile(r"%\((\w+)\)[sdif]")
TOKEN = re.compile(r"%\(\w+\)[sdif]|%%")


def _makefile_keywords() -> dict:
    """The extra marker functions, read from the Makefile so the test and pybabel agree."""
    line = next(
        line for line in (ROOT / "Makefile").read_text().splitlines() if "BABEL_KEYWORDS :=" in line
    )
    args = shlex.split(line.split(":=", 1)[1])
    names = [args[i + 1] for i, arg in enumerate(args) if arg == "-k"]
    return {**DEFAULT_KEYWORDS, **parse_keywords(names)}


def _source_messages() -> dict:
    """{msgid: where} for every marked string; a plural's msgid is the (singular, plural) pair."""
    with (ROOT / "babel.cfg").open() as cfg:
        method_map, options_map = parse_mapping_cfg(cfg)
    found: dict = {}
    for filename, lineno, message, _comments, _context in extract_from_dir(
        str(ROOT), method_map, options_map, keywords=_makefile_keywords()
    ):
        msgid = message if isinstance(message, str) else tuple(message[:2])
        if msgid:
            found.setdefault(msgid, f"{filename}:{lineno}")
    return found


def _catalogue(locale: str):
    with (TRANSLATIONS / locale / "LC_MESSAGES" / "messages.po").open("rb") as po:
        return read_po(po, locale=locale)


@pytest.fixture(scope="module")
def source_messages():
    return _source_messages()


def test_extraction_finds_templates_python_and_library_messages(source_messages):
    # Guards the test itself: a broken babel.cfg would find nothing and pass vacuously.
    assert len(source_messages) > 500
    assert "Skip to content" in source_messages  # base.html
    assert "Catalogue" in source_messages  # lazy_gettext in academy/templating.py
    assert "This field is required." in source_messages  # WTForms, via academy/i18n.py
    assert ("%(num)d course", "%(num)d courses") in source_messages  # ngettext in a template


@pytest.mark.parametrize("locale", LOCALES)
def test_every_source_message_is_translated(locale, source_messages):
    catalogue = _catalogue(locale)
    problems = []
    for msgid, where in sorted(source_messages.items(), key=lambda item: str(item[0])):
        key = msgid[0] if isinstance(msgid, tuple) else msgid
        entry = catalogue.get(key)
        if entry is None:
            problems.append(f"missing    {where}: {msgid!r}")
            continue
        strings = entry.string if isinstance(entry.string, tuple) else (entry.string,)
        if entry.fuzzy:
            problems.append(f"fuzzy      {where}: {msgid!r}")
        elif not all(s.strip() for s in strings):
            problems.append(f"untranslated {where}: {msgid!r}")
    assert not problems, (
        f"{len(problems)} message(s) lack a {locale} translation; run `make translations-update` "
        "and translate them in academy/translations/"
        + locale
        + "/LC_MESSAGES/messages.po:\n"
        + "\n".join(problems)
    )


@pytest.mark.parametrize("locale", LOCALES)
def test_translations_keep_their_placeholders(locale):
    catalogue = _catalogue(locale)
    wrong = []
    for entry in catalogue:
        if not entry.id:
            continue
        ids = entry.id if isinstance(entry.id, tuple) else (entry.id,)
        strings = entry.string if isinstance(entry.string, tuple) else (entry.string,)
        expected = {name for text in ids for name in PLACEHOLDER.findall(text)}
        for text in strings:
            if set(PLACEHOLDER.findall(text)) != expected:
                wrong.append(f"{entry.id!r} -> {text!r}")
            # A lone % would break the "%" formatting Flask-Babel applies to python-format text.
            if "python-format" in entry.flags and "%" in TOKEN.sub("", text):
                wrong.append(f"stray % in {text!r}")
    assert not wrong, "\n".join(wrong)
    assert not [error for _msg, errors in catalogue.check() for error in errors]


@pytest.mark.parametrize("locale", LOCALES)
def test_catalogue_header_has_one_plural_form_and_no_stale_entries(locale):
    catalogue = _catalogue(locale)
    assert catalogue.num_plurals == 1
    assert "nplurals=1; plural=0;" in catalogue.plural_forms
    assert not catalogue.obsolete, "obsolete entries left in the catalogue"


def test_compiled_catalogues_are_built_not_committed():
    makefile = (ROOT / "Makefile").read_text()
    test_target = next(line for line in makefile.splitlines() if line.startswith("test:"))
    assert "translations" in test_target.split("##")[0]
    assert "*.mo" in (ROOT / ".gitignore").read_text().splitlines()
