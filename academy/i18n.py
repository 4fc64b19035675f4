"""Choosing the interface language: saved preference, then the switcher, then the browser."""

from flask import current_app, request, session
from flask_login import current_user

# Browser language tags and the catalogue each maps to.
_TAGS = {
    "en": "en",
    "zh-hans": "zh_Hans",
    "zh-cn": "zh_Hans",
    "zh-sg": "zh_Hans",
    "zh": "zh_Hans",
    "zh-hant": "zh_Hant",
    "zh-tw": "zh_Hant",
    "zh-hk": "zh_Hant",
    "zh-mo": "zh_Hant",
}

HTML_LANG = {"en": "en", "zh_Hans": "zh-Hans", "zh_Hant": "zh-Hant"}


def select_locale() -> str:
    languages = current_app.config["LANGUAGES"]
    saved = getattr(current_user, "locale", None) if current_user else None
    if saved in languages:
        return saved
    chosen = session.get("locale")
    if chosen in languages:
        return chosen
    for tag, _quality in request.accept_languages:
        tag = tag.lower()
        if tag in _TAGS:
            return _TAGS[tag]
        if tag.split("-")[0] in _TAGS:
            return _TAGS[tag.split("-")[0]]
    return current_app.config["BABEL_DEFAULT_LOCALE"]
