"""The dashboard's charts, drawn from the same Dashboard its tables come from."""

from __future__ import annotations

from flask_babel import gettext as _
from markupsafe import Markup

from academy.reporting.charts import DASHES, PALETTE, Line, bar_chart, line_chart
from academy.reporting.queries import Dashboard
from academy.reporting.tables import Table, month_names


def _progress_points(cumulative: list[int], elapsed: float) -> list[tuple[float, float]]:
    """(0, 0), then each finished month's total, ending at today's share of the year."""
    if elapsed <= 0:
        return []
    if elapsed >= 1:
        return [(0, 0)] + [(i + 1, v) for i, v in enumerate(cumulative)]
    position = elapsed * 12
    done = int(position)
    points = [(0.0, 0.0)] + [(i + 1, cumulative[i]) for i in range(done)]
    points.append((position, cumulative[min(done, 11)]))
    return points


def headline_chart(dash: Dashboard) -> Markup:
    s, pace = dash.summary, dash.pace
    labels = ["", *month_names(dash.period.starts_on)]
    this_year = dash.years[dash.period.year]
    trained = _progress_points(this_year, pace.elapsed)
    lines = [
        Line(_("Trained (cumulative)"), trained, PALETTE[0]),
        Line(_("Target pace"), [(0, 0), (12, s["target"])], PALETTE[1], DASHES[1]),
    ]
    if 0 < pace.elapsed < 1 and trained:
        x, y = trained[-1]
        lines.append(Line(_("Forecast"), [(x, y), (12, s["forecast"])], PALETTE[2], DASHES[2]))
    elif pace.elapsed == 0 and s["forecast"]:
        lines.append(Line(_("Forecast"), [(0, 0), (12, s["forecast"])], PALETTE[2], DASHES[2]))
    description = _(
        "%(trained)s of %(target)s trained; %(expected)s expected by now; forecast %(forecast)s.",
        trained=s["trained"],
        target=s["target"],
        expected=s["expected_to_date"],
        forecast=s["forecast"],
    )
    return line_chart(_("Trained against the target"), description, labels, lines)


def years_chart(dash: Dashboard) -> Markup:
    labels = ["", *month_names(dash.period.starts_on)]
    lines = []
    for i, (year, values) in enumerate(sorted(dash.years.items(), reverse=True)):
        elapsed = dash.pace.elapsed if year == dash.period.year else 1.0
        if year > dash.period.year:
            continue
        points = _progress_points(values, elapsed) or [(0, 0)]
        lines.append(Line(str(year), points, PALETTE[i % len(PALETTE)], DASHES[i % len(DASHES)]))
    description = _("Cumulative people trained by month, one line per year.")
    return line_chart(_("Year over year"), description, labels, lines)


def table_chart(table: Table, column: int = 1) -> Markup:
    """A bar per row of a (label, number, ...) table."""
    bars = [(str(row[0]), int(row[column])) for row in table.rows]
    description = "; ".join(f"{label}: {value}" for label, value in bars) or _("No data.")
    return bar_chart(table.title, description, bars)


def all_charts(dash: Dashboard, tables: dict[str, Table]) -> dict[str, Markup]:
    charts = {"months": headline_chart(dash), "years": years_chart(dash)}
    for name in ("track", "kind", "region", "delivery", "partner", "organisation", "funnel"):
        charts[name] = table_chart(tables[name])
    return charts
