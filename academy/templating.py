"""Template globals: navigation per role, the permission check, language and formatting."""

from datetime import UTC, tzinfo
from functools import lru_cache, partial
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from babel import Locale, dates
from flask import Flask, has_request_context, request, url_for
from flask_babel import format_date, format_decimal, format_percent, get_locale, get_timezone
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from jinja2 import pass_context

from academy.i18n import default_zone, language_context, register_form_translations
from academy.memo import remembered
from academy.permissions import allowed
from academy.security import csrf_token

# (endpoint, label, permission) for the main navigation; an entry shows only when its
# endpoint exists and the signed-in person's role may use it.
NAV = (
    ("courses.catalogue", _l("Catalogue"), "public"),
    ("progress.my_learning", _l("My learning"), "learning.own"),
    ("cohorts.schedule", _l("Schedule"), "learning.own"),
    ("cohorts.index", _l("Cohorts"), "cohort.list"),
    ("reporting.dashboard", _l("Headcount"), "headcount.view"),
    ("partners.index", _l("Partners"), "partner.manage"),
    ("partners.portal", _l("Partner portal"), "partner.report"),
    ("auth.admin_home", _l("Administration"), "admin.operate"),
)

# Codes stored in the database (statuses, roles, places, kinds) and how a page names them;
# `{{ value|label }}` shows the code itself when it is not listed here.
LABELS = {
    "waitlisted": _l("waitlisted"),
    "enrolled": _l("enrolled"),
    "completed": _l("completed"),
    "withdrawn": _l("withdrawn"),
    "trainee": _l("trainee"),
    "instructor": _l("instructor"),
    "manager": _l("programme manager"),
    "partner": _l("partner"),
    "admin": _l("administrator"),
    "online": _l("Online"),
    "shenzhen": _l("Shenzhen"),
    "hong_kong": _l("Hong Kong"),
    "hybrid": _l("Hybrid"),
    "professional": _l("professional"),
    "student": _l("student"),
    "other": _l("elsewhere"),
    # Enrolment policies, named as the cohort form names them.
    "open": _l("Open: anyone may join"),
    "invite": _l("Invite code"),
    "staff": _l("Staff enrol trainees"),
}


def label(value, locale: str | None = None) -> str:
    """The translated name of a stored code, in `locale` (by default the page's language)."""
    if value is None:
        return ""
    return _labels(locale or str(get_locale())).get(value) or str(value)


@lru_cache(maxsize=8)
def _labels(locale: str) -> dict[str, str]:
    # A roster shows a label per row; the catalogues do not change while the process runs.
    return {code: str(text) for code, text in LABELS.items()}


def date(value, fmt: str = "medium") -> str:
    """A date (or the day of a UTC datetime in the academy's zone) in the page's language."""
    return format_date(value, fmt) if value else ""


def datetime_(value, fmt: str = "medium", locale: str | None = None, zone=None) -> str:
    """A UTC datetime shown in the academy's time zone, in the page's language.

    Gives what flask_babel.format_datetime gives, for a fraction of the cost: patterns are
    worked out once per format and language, and for the short and medium formats the date
    half and the time-of-day half are each formatted once and then reused (a roster formats
    a hundred times per page, mostly the same few days). `locale` and `zone` default to the
    page's; the template filters pass them in, read once per render.
    """
    if not value:
        return ""
    locale = locale or str(get_locale())
    if value.tzinfo is None:
        value = value.replace(tzinfo=UTC)
    local = value.astimezone(_fast_zone(zone or get_timezone()))
    glue = _glue(fmt, locale)
    if glue is None:
        return _pattern(fmt, locale).apply(local, Locale.parse(locale))
    moment = local.time().replace(microsecond=0)
    return glue.replace("{0}", _time_text(fmt, locale, moment)).replace(
        "{1}", _date_text(fmt, locale, local.date())
    )


@lru_cache(maxsize=16)
def _fast_zone(zone: tzinfo) -> tzinfo:
    """The same zone as the standard library's zoneinfo, whose conversion runs in C.

    Flask-Babel hands out pytz zones, which convert in Python: 2.3 µs a time against 0.3 µs,
    and a roster converts a time per trainee.
    """
    try:
        return ZoneInfo(str(zone))
    except (ZoneInfoNotFoundError, ValueError):
        return zone


# Fields that make a time's text depend on more than its hour, minute and second.
_ZONE_OR_FRACTION = set("zZvVOXxS")


@lru_cache(maxsize=16)
def _glue(fmt: str, locale: str) -> str | None:
    """How the date and time halves join, when each half can be formatted on its own."""
    if fmt not in ("short", "medium"):
        return None
    where = Locale.parse(locale)
    time_fields = {
        value[0]
        for kind, value in dates.tokenize_pattern(str(dates.get_time_format(fmt, locale=where)))
        if kind == "field"
    }
    if time_fields & _ZONE_OR_FRACTION:
        return None
    # As babel.dates.format_datetime joins them, quotes dropped.
    return str(dates.get_datetime_format(fmt, locale=where)).replace("'", "")


@lru_cache(maxsize=4096)
def _date_text(fmt: str, locale: str, day) -> str:
    return dates.format_date(day, fmt, locale=locale)


@lru_cache(maxsize=4096)
def _time_text(fmt: str, locale: str, moment) -> str:
    return dates.format_time(moment, fmt, locale=locale)


@lru_cache(maxsize=64)
def _pattern(fmt: str, locale: str) -> dates.DateTimePattern:
    if fmt in ("full", "long", "medium", "short"):
        # As babel.dates.format_datetime joins a named date format and time format.
        where = Locale.parse(locale)
        glue = str(dates.get_datetime_format(fmt, locale=where))
        fmt = glue.replace("{0}", str(dates.get_time_format(fmt, locale=where))).replace(
            "{1}", str(dates.get_date_format(fmt, locale=where))
        )
    return dates.parse_pattern(fmt)


# A page's language and time zone, as the context processor below put them in the template
# context: the filters a long table calls per row read them there instead of asking
# Flask-Babel each time (as it renders: right under force_locale too).
@pass_context
def label_filter(context, value) -> str:
    return label(value, context.get("current_locale"))


@pass_context
def datetime_filter(context, value, fmt: str = "medium") -> str:
    return datetime_(value, fmt, context.get("current_locale"), context.get("current_timezone"))


def number(value) -> str:
    return format_decimal(value) if value is not None else ""


def percent(value, digits: int = 0) -> str:
    """A fraction (0.42) as a percentage in the page's language: "42%"."""
    if value is None:
        return ""
    return format_percent(value, "#,##0" + ("." + "0" * digits if digits else "") + "%")


def _has_portal(roles: frozenset[str]) -> bool:
    """Only partner users have a portal; for staff the portal is the partners list again."""
    return "partner" in roles


def navigation(app: Flask, user) -> list[tuple[str, str, str]]:
    """(endpoint, url, label) of the main navigation for this person, in the page's language.

    Built with the page frame (academy/frame.py), which is kept per role set and language.
    """
    roles = frozenset(user.roles) if user is not None else frozenset()
    return [
        (endpoint, url_for(endpoint), str(text))
        for endpoint, text, permission in NAV
        if endpoint in app.view_functions
        and allowed(user, permission)
        and not (endpoint == "partners.portal" and not _has_portal(roles))
    ]


def _remembering_fixed_urls(app: Flask):
    """Templates' url_for, with the URLs that cannot change while the process runs built once
    per mount point: a static file's by its name, and an endpoint's that takes no values
    ("My learning"). Every page links its stylesheets, script and icon; relative endpoints
    (".index"), URLs with values, and every URL once URL defaults are registered, are built
    as usual.
    """
    build = app.url_for
    built: dict[tuple[str, str | None, str], str] = {}

    def url_for(endpoint: str, **values) -> str:
        fixed = not values or (endpoint == "static" and values.keys() == {"filename"})
        if (
            not fixed
            or endpoint.startswith(".")
            or any(app.url_default_functions.values())
            or not has_request_context()
        ):
            return build(endpoint, **values)
        key = (endpoint, values.get("filename"), request.script_root)
        return remembered(built, key, lambda: build(endpoint, **values))

    return url_for


def register_template_helpers(app: Flask) -> None:
    register_form_translations(app)
    app.jinja_env.globals["url_for"] = _remembering_fixed_urls(app)
    from academy.frame import page_frame  # it builds on this module's navigation

    app.jinja_env.globals["page_frame"] = page_frame

    languages = app.extensions.setdefault("academy.languages", {})  # see language_context

    @app.context_processor
    def page_context():
        # Each proxy once: every page renders this, and each use of one costs a lookup chain.
        user = current_user._get_current_object()
        visit = request._get_current_object() if has_request_context() else None
        return {
            **language_context(languages),
            "can": partial(allowed, user if user is not None and user.is_authenticated else None),
            "csrf_token": csrf_token,
            # The academy's zone, as Flask-Babel's selector gives it (get_timezone asks it
            # again through its own context: 1 % of a lesson page).
            "current_timezone": default_zone(),
            "languages": app.config["LANGUAGES"],
            "current_path": visit.full_path.rstrip("?") if visit is not None else "/",
        }

    app.jinja_env.filters.update(
        date=date, datetime=datetime_filter, number=number, percent=percent, label=label_filter
    )
