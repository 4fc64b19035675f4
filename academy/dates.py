"""The academy's calendar: its programme years (2000 to 2100) and its own "today".

Reports cover no other years, so a cohort, session or completion dated outside them could
never be counted; and a date in year 1 cannot even be converted to UTC.
"""

from datetime import date, datetime
from zoneinfo import ZoneInfo

from flask import current_app
from flask_babel import gettext as _

MIN_YEAR, MAX_YEAR = 2000, 2100


def local_today() -> date:
    """Today in the academy's time zone (BABEL_DEFAULT_TIMEZONE), not the server's.

    A server usually keeps UTC, eight hours behind Shenzhen and Hong Kong: with its date, a
    course completed at 01:00 on 1 January would be dated 31 December and counted in the
    year before.
    """
    return datetime.now(ZoneInfo(current_app.config["BABEL_DEFAULT_TIMEZONE"])).date()


def out_of_span(day: date | None) -> list[str] | None:
    """A field's error for a day outside the programme years, or None."""
    if day is None or MIN_YEAR <= day.year <= MAX_YEAR:
        return None
    return [_("Choose a date from %(a)s to %(b)s.", a=MIN_YEAR, b=MAX_YEAR)]
