"""Dates and labels on pages: the quick paths give exactly what Babel gives."""

from datetime import UTC, datetime

import flask_babel
import pytest
import pytz
from babel import dates
from hypothesis import given, settings
from hypothesis import strategies as st

from academy.templating import LABELS, datetime_, label

LOCALES = ("en", "zh_Hans", "zh_Hant")
FORMATS = ("short", "medium", "long", "full", "yyyy-MM-dd HH:mm", "HH:mm", "EEE d MMM")


@pytest.mark.parametrize("locale", LOCALES)
@settings(max_examples=40, deadline=None)
@given(
    moment=st.datetimes(min_value=datetime(1990, 1, 1), max_value=datetime(2100, 1, 1)),
    fmt=st.sampled_from(FORMATS),
)
def test_datetimes_read_as_flask_babel_writes_them(app, locale, moment, fmt):
    moment = moment.replace(tzinfo=UTC)
    with app.test_request_context("/"), flask_babel.force_locale(locale):
        assert datetime_(moment, fmt) == flask_babel.format_datetime(moment, fmt)
        # A naive value is taken as UTC, as Flask-Babel takes it.
        assert datetime_(moment.replace(tzinfo=None), fmt) == flask_babel.format_datetime(
            moment, fmt
        )


@settings(max_examples=200, deadline=None)
@given(
    # pytz's tables stop at 2037; zoneinfo carries the summer-time rule on past it.
    moment=st.datetimes(min_value=datetime(1970, 1, 1), max_value=datetime(2037, 12, 31)),
    fmt=st.sampled_from(FORMATS),
    zone=st.sampled_from(("Europe/London", "America/New_York", "Asia/Shanghai", "Asia/Hong_Kong")),
)
def test_a_zone_with_summer_time_converts_as_babel_converts_it(moment, fmt, zone):
    # Flask-Babel hands out pytz zones; datetime_ converts with zoneinfo's equivalent.
    moment = moment.replace(tzinfo=UTC)
    where = pytz.timezone(zone)
    assert datetime_(moment, fmt, "en", where) == dates.format_datetime(
        moment, fmt, tzinfo=where, locale="en"
    )


def test_a_time_is_shown_in_the_academys_zone(app):
    with app.test_request_context("/"):
        assert datetime_(datetime(2026, 3, 4, 23, 30, tzinfo=UTC), "yyyy-MM-dd HH:mm") == (
            "2026-03-05 07:30"
        )


def test_labels_follow_the_page_language(app):
    shown = {}
    for locale in LOCALES:
        with app.test_request_context("/"), flask_babel.force_locale(locale):
            shown[locale] = label("manager")
            assert shown[locale] == flask_babel.gettext("programme manager")
            assert all(label(code) == str(text) for code, text in LABELS.items())
            assert label("no-such-code") == "no-such-code"
            assert label(None) == ""
    assert len(set(shown.values())) == len(LOCALES)


PAGE = "{{ code|label }}|{{ moment|datetime('short') }}|{{ moment|cohort_time }}"


@pytest.mark.parametrize(
    ("accept", "forced"), [("en", None), ("zh-CN", None), ("en", "zh_Hant"), ("zh-HK", "en")]
)
def test_template_filters_use_the_language_the_template_renders_in(app, accept, forced):
    # A mail is rendered in its recipient's language inside someone else's request.
    from contextlib import nullcontext

    from flask import render_template_string

    moment = datetime(2026, 3, 5, 16, 30, tzinfo=UTC)
    request = app.test_request_context("/", headers={"Accept-Language": accept})
    with request, flask_babel.force_locale(forced) if forced else nullcontext():
        shown = render_template_string(PAGE, code="enrolled", moment=moment)
        expected = [
            flask_babel.gettext("enrolled"),
            flask_babel.format_datetime(moment, "short"),
            flask_babel.format_datetime(moment, "short"),
        ]
    assert shown.split("|") == expected


def test_a_partner_reports_month_reads_in_the_languages_own_order(app):
    from flask_babel import force_locale

    from academy.partners.tables import _month_label

    with app.test_request_context("/"):
        labels = {}
        for locale in ("en", "zh_Hans", "zh_Hant"):
            with force_locale(locale):
                labels[locale] = _month_label("2026-10")
    assert labels == {"en": "Oct 2026", "zh_Hans": "2026年10月", "zh_Hant": "2026年10月"}


def test_a_quarters_label_reads_in_the_pages_language(app):
    from flask_babel import force_locale

    from academy.partners.tables import shown_period

    with app.test_request_context("/"):
        with force_locale("zh_Hans"):
            assert shown_period("2026 Q4") == "2026年第4季度"
            assert shown_period("2026") == "2026"
            assert shown_period("2026-01-01 – 2026-02-01") == "2026-01-01 – 2026-02-01"
        with force_locale("en"):
            assert shown_period("2026 Q4") == "2026 Q4"
