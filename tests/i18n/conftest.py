"""Compiled catalogues for the page tests, even when pytest runs without `make test`."""

from pathlib import Path

import pytest
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po

from academy.templating import _labels

TRANSLATIONS = Path(__file__).resolve().parents[2] / "academy" / "translations"
LOCALES = ("zh_Hans", "zh_Hant")


@pytest.fixture(scope="session", autouse=True)
def compiled_catalogues(app):
    """`make test` compiles them first; a bare `pytest` on a fresh clone compiles them here."""
    stale = False
    for locale in LOCALES:
        po = TRANSLATIONS / locale / "LC_MESSAGES" / "messages.po"
        mo = po.with_suffix(".mo")
        if not mo.exists() or mo.stat().st_mtime < po.stat().st_mtime:
            with po.open("rb") as source:
                catalog = read_po(source, locale=locale)
            with mo.open("wb") as target:
                write_mo(target, catalog)
            stale = True
    if stale:
        # Flask-Babel keeps loaded catalogues per locale, and the label filter the names it
        # looked up in them; drop any loaded before compiling.
        with app.app_context():
            app.extensions["babel"].instance.domain_instance.cache.clear()
        _labels.cache_clear()
