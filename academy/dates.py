"""The years the academy keeps records for: its programme years, 2000 to 2100.

Reports cover no other year, so a cohort, session or completion dated outside them could
never be counted; and a date in year 1 cannot even be converted to UTC.
"""

from datetime import date

from flask_babel import gettext as _

MIN_YEAR, MAX_YEAR = 2000, 2100


def out_of_span(day: date | None) -> list[str] | None:
    """A field's error for a day outside the programme years, or None."""
    if day is None or MIN_YEAR <= day.year <= MAX_YEAR:
        return None
    return [_("Choose a date from %(a)s to %(b)s.", a=MIN_YEAR, b=MAX_YEAR)]
