"""The dashboard's numbers as tables: shown beside each chart, and exported as CSV/XLSX/PDF.

One function builds them all from a Dashboard, so a download always matches the page.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from flask_babel import format_date
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from academy.reporting.queries import Dashboard

LABELS = {
    "professional": _l("Professional"),
    "student": _l("University student"),
    "shenzhen": _l("Shenzhen"),
    "hong_kong": _l("Hong Kong"),
    "other": _l("Other"),
    "online": _l("Online"),
    "hybrid": _l("Hybrid"),
    "none": _l("No cohort"),
}


@dataclass
class Table:
    name: str
    title: str
    header: list[str]
    rows: list[list]

    @property
    def numeric(self) -> list[bool]:
        """Which columns hold numbers (right-aligned on the page)."""
        first = self.rows[0] if self.rows else []
        return [isinstance(v, int | float) and not isinstance(v, bool) for v in first]


def label(key: str) -> str:
    return str(LABELS.get(key, key))


def month_names(start: date) -> list[str]:
    """Short names of the period's 12 months, in the user's language."""
    names = []
    for i in range(12):
        month0 = start.month - 1 + i
        names.append(format_date(date(start.year + month0 // 12, month0 % 12 + 1, 1), "MMM"))
    return names


def percent(value: float | None) -> str:
    return "" if value is None else f"{100 * value:.0f}%"


def summary_table(dash: Dashboard) -> Table:
    s, pace = dash.summary, dash.pace
    rows = [
        [_("Year"), str(s["year"])],
        [_("Target"), s["target"]],
        [_("Trained"), s["trained"]],
        [_("Percent of target"), s["percent"] if s["percent"] is not None else ""],
        [_("Remaining"), s["remaining"]],
        [_("Expected by now at an even pace"), s["expected_to_date"]],
        [_("Ahead (+) or behind (−) the pace"), pace.ahead_by],
        [_("Run-rate projection"), pace.run_rate],
        [_("Scheduled (weighted by completion rate)"), pace.scheduled_expected],
        [_("Forecast for the year"), s["forecast"]],
        [_("Cohorts still needed"), "" if pace.cohorts_needed is None else pace.cohorts_needed],
    ]
    return Table("summary", _("Summary"), [_("Measure"), _("Value")], rows)


def months_table(dash: Dashboard) -> Table:
    names = month_names(dash.period.starts_on)
    by_month = dash.summary["by_month"]
    total, rows = 0, []
    for i, name in enumerate(names):
        total += by_month[i]
        pace = round(dash.period.target * (i + 1) / 12)
        rows.append([name, by_month[i], total, pace])
    header = [_("Month"), _("First trained"), _("Cumulative"), _("Target pace")]
    return Table("months", _("Trained by month"), header, rows)


BREAKDOWN_TITLES = {
    "track": _l("By track"),
    "kind": _l("By trainee kind"),
    "region": _l("By region"),
    "delivery": _l("By delivery"),
    "partner": _l("By sponsoring partner"),
    "organisation": _l("By organisation (top 10)"),
}


def breakdown_table(dash: Dashboard, name: str) -> Table:
    buckets = dash.breakdowns[name]
    if name == "track":
        rows = [[dash.tracks.get(b.key, b.key), b.n] for b in buckets]
    elif name == "partner":
        rows = [[b.label or _("Not sponsored"), b.n] for b in buckets]
    else:
        rows = [[label(b.key), b.n] for b in buckets]
    return Table(name, str(BREAKDOWN_TITLES[name]), [_("Group"), _("People")], rows)


def funnel_table(dash: Dashboard) -> Table:
    f = dash.funnel
    base = f["enrolled"]
    rows = [
        [_("Enrolled"), f["enrolled"], percent(1 if base else None)],
        [
            _("Active in the last 30 days"),
            f["active"],
            percent(f["active"] / base if base else None),
        ],
        [_("Trained this year"), f["completed"], percent(f["completed"] / base if base else None)],
    ]
    return Table("funnel", _("Funnel"), [_("Stage"), _("People"), _("Of enrolled")], rows)


def track_rates_table(dash: Dashboard) -> Table:
    rows = [
        [dash.tracks.get(track, track), seated, done, percent(done / seated if seated else None)]
        for track, seated, done in dash.track_rates
    ]
    header = [_("Track"), _("Enrolled"), _("Completed"), _("Completion rate")]
    return Table("track_rates", _("Completion rate by track"), header, rows)


def cohorts_table(dash: Dashboard, only_at_risk: bool = False) -> Table:
    cohorts = dash.at_risk if only_at_risk else dash.cohorts
    rows = [
        [
            c.code,
            c.name,
            c.course,
            c.start_on.isoformat(),
            c.end_on.isoformat(),
            c.seated,
            c.completed,
            percent(c.rate),
            percent(c.progress),
            percent(c.elapsed),
            _("Yes") if c.at_risk else "",
        ]
        for c in cohorts
    ]
    header = [
        _("Code"),
        _("Cohort"),
        _("Course"),
        _("Starts"),
        _("Ends"),
        _("Enrolled"),
        _("Completed"),
        _("Completion rate"),
        _("Lessons done"),
        _("Time elapsed"),
        _("At risk"),
    ]
    name, title = ("at_risk", _("Cohorts at risk")) if only_at_risk else ("cohorts", _("Cohorts"))
    return Table(name, title, header, rows)


def years_table(dash: Dashboard) -> Table:
    names = month_names(dash.period.starts_on)
    years = list(dash.years)
    rows = [[name, *(dash.years[y][i] for y in years)] for i, name in enumerate(names)]
    header = [_("Month"), *(str(y) for y in years)]
    return Table("years", _("Year over year (cumulative)"), header, rows)


def all_tables(dash: Dashboard) -> dict[str, Table]:
    tables = [summary_table(dash), months_table(dash)]
    tables += [breakdown_table(dash, name) for name in BREAKDOWN_TITLES]
    tables += [funnel_table(dash), track_rates_table(dash), cohorts_table(dash), years_table(dash)]
    return {t.name: t for t in tables}
