"""Choosing the interface language: saved preference, then the switcher, then the browser."""

from babel import Locale
from flask import Flask, current_app, g, has_request_context, request, session
from flask_babel import get_locale, get_translations
from flask_login import current_user
from jinja2 import pass_eval_context
from markupsafe import Markup

from academy.extensions import babel as flask_babel
from academy.memo import remembered

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


def _from_tag(tag: str) -> str | None:
    tag = tag.lower().replace("_", "-")
    if tag in _TAGS:
        return _TAGS[tag]
    parts = tag.split("-")
    # "zh-Hant-HK", "zh-Hans-CN": the script decides, whatever the region.
    if len(parts) > 2 and "-".join(parts[:2]) in _TAGS:
        return _TAGS["-".join(parts[:2])]
    return _TAGS.get(parts[0])


def select_locale() -> str:
    config = current_app.config
    default = config["BABEL_DEFAULT_LOCALE"]
    # CLI commands and jobs have no visitor; mail picks its recipient's language itself.
    if not has_request_context():
        return default
    # Each proxy used once: every page chooses its language.
    visit = request._get_current_object()
    # The API speaks English whatever the client's headers: its messages are for programs,
    # which match on the error code, and a reply must not change with a browser setting.
    if visit.path.startswith("/api/"):
        return default
    languages = config["LANGUAGES"]
    saved = getattr(current_user._get_current_object(), "locale", None)
    if saved in languages:
        return saved
    chosen = session.get("locale")
    if chosen in languages:
        return chosen
    for tag, _quality in visit.accept_languages:
        locale = _from_tag(tag)
        if locale in languages:
            return locale
    return default


_LOCALES: dict[str, Locale] = {}
_ZONES: dict = {}


def locale_for_request() -> Locale:
    """select_locale's choice, parsed once per language: Flask-Babel parses a name it is
    given on every request, and a Locale it is given not at all."""
    code = select_locale()
    return remembered(_LOCALES, code, lambda: Locale.parse(code))


def default_zone():
    """The configured time zone, looked up once (Flask-Babel looks it up on every request)."""
    name = current_app.config["BABEL_DEFAULT_TIMEZONE"]
    return remembered(_ZONES, name, lambda: flask_babel.default_timezone)


class _FormMessages:
    """WTForms' built-in messages, looked up in the academy's own catalogues.

    Flask-WTF would load WTForms' bundled catalogues, which have no Hong Kong Chinese: for
    zh_Hant they fall back to simplified "zh". Looking up through Flask-Babel keeps every
    message in the page's language, and the completeness test covers them (see below).
    """

    def ugettext(self, string: str) -> str:
        return get_translations().ugettext(string)

    def ungettext(self, singular: str, plural: str, n: int) -> str:
        return get_translations().ungettext(singular, plural, n)


_FORM_MESSAGES = _FormMessages()


def register_form_translations(app: Flask) -> None:
    """Per request: a fresh locale choice, and Flask-WTF pointed at the academy's catalogues."""

    @app.before_request
    def _form_translations():
        # Flask-Babel keeps the chosen locale on g, which outlives a request when one app
        # context serves several (tests, scripts): each request chooses again.
        g.pop("_flask_babel", None)
        request.wtforms_translations = _FORM_MESSAGES


def language_context(store: dict) -> dict:
    """What a page needs of its language, built once per language and kept in `store` (one
    per app): `_`, `gettext` and `ngettext` bound to its catalogue, `current_locale`
    ("zh_Hant") and `html_lang` ("zh-Hant").

    Flask-Babel's template functions find the catalogue again on every call (about 25 us
    each); a page calls them dozens of times. These behave as Jinja's "newstyle" gettext
    (variables formatted in, escaped when the template autoescapes) and are handed to each
    render by a context processor, so a page rendered in another language (mail, under
    force_locale) gets that language's. Keyed by the Locale Flask-Babel chose, which is all
    its catalogue lookup goes by too: asking it for the catalogue itself costs a lesson page
    2 % of its work.
    """
    locale = get_locale()
    return remembered(store, locale, lambda: _language(str(locale or "en")))


def _language(code: str) -> dict:
    return {
        **_bound_to(get_translations()),
        "current_locale": code,
        "html_lang": HTML_LANG.get(code, "en"),
    }


def _bound_to(translations) -> dict:
    @pass_eval_context
    def gettext(eval_ctx, string: str, **variables):
        text = translations.ugettext(string)
        return (Markup(text) if eval_ctx.autoescape else text) % variables

    @pass_eval_context
    def ngettext(eval_ctx, singular: str, plural: str, num: int, **variables):
        variables.setdefault("num", num)
        text = translations.ungettext(singular, plural, num)
        return (Markup(text) if eval_ctx.autoescape else text) % variables

    return {"_": gettext, "gettext": gettext, "ngettext": ngettext}


def N_(string: str) -> str:
    """Marks a message for extraction only; WTForms translates it itself at run time."""
    return string


def N_plural(singular: str, plural: str) -> tuple[str, str]:
    """Marks a plural pair for extraction only (the `N_plural:1,2` keyword of pybabel)."""
    return singular, plural


# The WTForms and Flask-WTF messages our forms can show, so `pybabel extract` puts them in the
# catalogues; they must stay exactly as the libraries spell them.
WTFORMS_MESSAGES = (
    N_("This field is required."),
    N_("Invalid email address."),
    N_("Invalid input."),
    N_("Invalid URL."),
    N_("Field must be equal to %(other_name)s."),
    N_("Field must be between %(min)d and %(max)d characters long."),
    N_("Number must be at least %(min)s."),
    N_("Number must be at most %(max)s."),
    N_("Number must be between %(min)s and %(max)s."),
    N_("Not a valid choice."),
    N_("Invalid Choice: could not coerce."),
    N_("Invalid choice(s): one or more data inputs could not be coerced."),
    N_("Not a valid integer value."),
    N_("Not a valid decimal value."),
    N_("Not a valid date value."),
    N_("Not a valid time value."),
    N_("Not a valid datetime value."),
    N_("File does not have an approved extension."),
)
WTFORMS_PLURALS = (
    N_plural(
        "Field must be at least %(min)d character long.",
        "Field must be at least %(min)d characters long.",
    ),
    N_plural(
        "Field cannot be longer than %(max)d character.",
        "Field cannot be longer than %(max)d characters.",
    ),
    N_plural(
        "Field must be exactly %(max)d character long.",
        "Field must be exactly %(max)d characters long.",
    ),
    N_plural(
        "'%(value)s' is not a valid choice for this field.",
        "'%(value)s' are not valid choices for this field.",
    ),
)
