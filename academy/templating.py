"""Template globals: navigation per role, the permission check, language and formatting."""

from flask import Flask, current_app, request
from flask_babel import format_date, format_decimal, get_locale
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from academy.i18n import HTML_LANG
from academy.permissions import allowed

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


def register_template_helpers(app: Flask) -> None:
    @app.context_processor
    def globals_():
        user = current_user if current_user.is_authenticated else None
        nav = [
            (endpoint, label)
            for endpoint, label, permission in NAV
            if endpoint in current_app.view_functions and allowed(user, permission)
        ]
        locale = str(get_locale() or "en")
        return {
            "nav_items": nav,
            "can": lambda action: allowed(user, action),
            "html_lang": HTML_LANG.get(locale, "en"),
            "current_locale": locale,
            "languages": app.config["LANGUAGES"],
            "current_path": request.full_path.rstrip("?") if request else "/",
        }

    app.jinja_env.filters["date"] = lambda value, fmt="medium": (
        format_date(value, fmt) if value else ""
    )
    app.jinja_env.filters["number"] = lambda value: (
        format_decimal(value) if value is not None else ""
    )
