"""Everything one dashboard, API answer or CLI run shows, assembled from aggregate queries.

The number of SQL statements is fixed: it depends on how many charts there are, never on how
many people, cohorts or completions the academy holds.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta

from sqlalchemy import case, distinct, exists, func, select

from academy.auth.models import KINDS, REGIONS, TraineeProfile, User
from academy.cohorts.models import Cohort
from academy.courses.models import Course, Lesson, Track
from academy.enrolments.models import SEATED, Enrolment
from academy.extensions import db, utcnow
from academy.progress.models import CompletionRecord, LessonProgress
from academy.reporting import cache
from academy.reporting import forecast as forecasting
from academy.reporting.headcount import (
    DEFAULT_KIND,
    DEFAULT_REGION,
    Bucket,
    Filters,
    Period,
    complete_buckets,
    filter_conditions,
    months,
    periods,
    track_names,
    trained_people,
)
from academy.reporting.one_pass import period_figures

ACTIVE_DAYS = 30
YEARS_COMPARED = 3  # this year and the two before it
TOP_ORGANISATIONS = 10
# A running cohort is at risk when its lessons done trail the share of its dates gone by
# by more than this many percentage points.
RISK_MARGIN = 0.2


HEADLINE_PARTS = ("track", "kind", "region")


def headline(period: Period, today: date, filters: Filters = Filters()) -> dict:
    """The object GET /api/v1/headcount answers and `academy headcount --json` prints."""
    figures = cache.remember(
        "headline-records", (period, filters), lambda: _completion_figures(period, filters)
    )
    pace = pace_for(period, figures["trained"], today, filters)
    return _headline(period, pace, figures)


def pace_for(period: Period, trained: int, today: date, filters: Filters) -> forecasting.Forecast:
    """The forecast, cached apart from the completion figures: it reads enrolments too, which
    change with every join, and those leave the completion figures (the costly part) cached."""
    return cache.remember(
        "forecast",
        (period, trained, today, filters),
        lambda: forecasting.forecast(period, trained, today, filters),
        scopes=(cache.RECORDS, cache.ENROLMENTS),
    )


def _completion_figures(
    period: Period, filters: Filters, parts=HEADLINE_PARTS, limits: dict | None = None
) -> dict:
    """What the headline reads from completion records alone (in one pass over them)."""
    found = period_figures(
        period.starts_on, period.ends_on, filters=filters, dimensions=parts, limits=limits
    )
    return {
        "trained": found.trained,
        "parts": found.parts,
        "by_month": found.months,
        "tracks": track_names(),
    }


def _headline(period: Period, pace: forecasting.Forecast, figures: dict) -> dict:
    trained, parts, tracks = figures["trained"], figures["parts"], figures["tracks"]
    return {
        "year": period.year,
        "target": period.target,
        "trained": trained,
        "remaining": max(period.target - trained, 0),
        "percent": round(100 * trained / period.target, 1) if period.target else None,
        "expected_to_date": pace.expected_to_date,
        "forecast": pace.forecast,
        "by_track": complete_buckets(parts["track"], tuple(tracks)),
        "by_kind": complete_buckets(parts["kind"], KINDS),
        "by_region": complete_buckets(parts["region"], REGIONS),
        "by_month": figures["by_month"],
        "starts_on": period.starts_on.isoformat(),
        "ends_on": period.ends_on.isoformat(),
        "ahead_by": pace.ahead_by,
        "scheduled": pace.scheduled_expected,
        "cohorts_needed": pace.cohorts_needed,
    }


@dataclass
class CohortStat:
    id: int
    code: str
    name: str
    course: str
    track: str
    start_on: date
    end_on: date
    seated: int
    completed: int
    lessons_done: int
    lessons_total: int
    elapsed: float = 0.0
    progress: float = 0.0
    at_risk: bool = False

    @property
    def rate(self) -> float | None:
        return self.completed / self.seated if self.seated else None


def _people_condition(filters: Filters):
    """Region/kind as a condition on Enrolment.user_id (the statement need not join profiles)."""
    conditions = []
    if filters.kind is not None:
        conditions.append(func.coalesce(TraineeProfile.kind, DEFAULT_KIND) == filters.kind)
    if filters.region is not None:
        conditions.append(func.coalesce(TraineeProfile.region, DEFAULT_REGION) == filters.region)
    if not conditions:
        return None
    # Outer join semantics: someone without a profile has the defaults.
    return Enrolment.user_id.in_(
        select(User.id)
        .outerjoin(TraineeProfile, TraineeProfile.user_id == User.id)
        .where(*conditions)
    )


def cohort_stats(period: Period, today: date, filters: Filters) -> list[CohortStat]:
    """Cohorts running during the year with seats, completions and lesson progress (1 query)."""
    people = _people_condition(filters)
    seated = [Enrolment.cohort_id == Cohort.id, Enrolment.status.in_(SEATED)]
    if people is not None:
        seated.append(people)
    # Correlated to the cohort two levels up as well as to the enrolment: left to itself,
    # SQLAlchemy correlates only to the enclosing count and gives the EXISTS its own cohorts,
    # so that a completion of any course would do.
    holds = (
        exists()
        .where(
            CompletionRecord.user_id == Enrolment.user_id,
            CompletionRecord.course_id == Cohort.course_id,
            CompletionRecord.revoked_at.is_(None),
        )
        .correlate(Enrolment, Cohort)
    )
    live_required = [Lesson.required.is_(True), Lesson.retired_at.is_(None)]
    stmt = (
        select(
            Cohort.id,
            Cohort.code,
            Cohort.name,
            Cohort.start_on,
            Cohort.end_on,
            Course.title.label("course"),
            Track.slug.label("track"),
            select(func.count(Enrolment.id)).where(*seated).scalar_subquery().label("seated"),
            select(func.count(distinct(Enrolment.user_id)))
            .where(*seated, holds)
            .scalar_subquery()
            .label("completed"),
            select(func.count())
            .select_from(LessonProgress)
            .join(Enrolment, Enrolment.id == LessonProgress.enrolment_id)
            .join(Lesson, Lesson.id == LessonProgress.lesson_id)
            .where(*seated, LessonProgress.done_at.is_not(None), *live_required)
            .scalar_subquery()
            .label("done"),
            select(func.count(Lesson.id))
            .where(Lesson.course_id == Cohort.course_id, *live_required)
            .scalar_subquery()
            .label("lessons"),
        )
        .join(Course, Course.id == Cohort.course_id)
        .join(Track, Track.id == Course.track_id)
        .where(Cohort.start_on < period.ends_on, Cohort.end_on >= period.starts_on)
        .order_by(Cohort.start_on, Cohort.code)
    )
    if filters.track is not None:
        stmt = stmt.where(Track.slug == filters.track)
    if filters.partner_id is not None:
        stmt = stmt.where(Cohort.sponsor_partner_id == filters.partner_id)
    stats = []
    for row in db.session.execute(stmt):
        stat = CohortStat(
            row.id,
            row.code,
            row.name,
            row.course,
            row.track,
            row.start_on,
            row.end_on,
            row.seated,
            row.completed,
            row.done,
            row.lessons,
        )
        span = (stat.end_on - stat.start_on).days
        stat.elapsed = min(max((today - stat.start_on).days / span, 0.0), 1.0) if span else 1.0
        possible = stat.seated * stat.lessons_total
        stat.progress = stat.lessons_done / possible if possible else 0.0
        stat.at_risk = (
            stat.start_on <= today <= stat.end_on
            and possible > 0
            and stat.progress < stat.elapsed - RISK_MARGIN
        )
        stats.append(stat)
    return stats


def track_rates(stats: list[CohortStat]) -> list[tuple[str, int, int]]:
    """(track, seated, completed) summed over the year's cohort rows."""
    totals: dict[str, list[int]] = {}
    for stat in stats:
        row = totals.setdefault(stat.track, [0, 0])
        row[0] += stat.seated
        row[1] += stat.completed
    return [(track, seated, done) for track, (seated, done) in sorted(totals.items())]


def funnel(period: Period, now: datetime, filters: Filters) -> dict[str, int]:
    """People enrolled in the year's cohorts → active in the last 30 days → trained (1 query)."""
    recent = exists().where(
        LessonProgress.enrolment_id == Enrolment.id,
        LessonProgress.last_activity_at >= now - timedelta(days=ACTIVE_DAYS),
    )
    trained = trained_people(period.starts_on, period.ends_on, filters=filters)
    stmt = (
        select(
            func.count(distinct(Enrolment.user_id)).label("enrolled"),
            func.count(distinct(case((recent, Enrolment.user_id)))).label("active"),
            func.count(distinct(case((Enrolment.user_id.in_(trained), Enrolment.user_id)))).label(
                "completed"
            ),
        )
        .select_from(Enrolment)
        .join(Cohort, Cohort.id == Enrolment.cohort_id)
        .join(Course, Course.id == Cohort.course_id)
        .join(Track, Track.id == Course.track_id)
        .outerjoin(TraineeProfile, TraineeProfile.user_id == Enrolment.user_id)
        .where(
            Enrolment.status != "waitlisted",
            Cohort.start_on < period.ends_on,
            Cohort.end_on >= period.starts_on,
            *filter_conditions(filters, partner_column=Cohort.sponsor_partner_id),
        )
    )
    row = db.session.execute(stmt).one()
    return {"enrolled": row.enrolled, "active": row.active, "completed": row.completed}


def cumulative(values: list[int]) -> list[int]:
    total, out = 0, []
    for value in values:
        total += value
        out.append(total)
    return out


@dataclass
class Dashboard:
    period: Period
    filters: Filters
    today: date
    summary: dict
    pace: forecasting.Forecast
    breakdowns: dict[str, list[Bucket]]
    funnel: dict[str, int]
    cohorts: list[CohortStat]
    track_rates: list[tuple[str, int, int]]
    years: dict[int, list[int]] = field(default_factory=dict)  # year -> cumulative by month
    tracks: dict[str, str] = field(default_factory=dict)
    as_of: datetime | None = None  # when the progress figures (funnel, cohort rows) were read

    @property
    def at_risk(self) -> list[CohortStat]:
        return [c for c in self.cohorts if c.at_risk]


def dashboard(year: int, filters: Filters, today: date) -> Dashboard:
    """Every number on the dashboard; a fixed number of queries whatever the data size."""
    return cache.remember(
        "dashboard",
        (year, filters, today),
        lambda: _compute_dashboard(year, filters, today),
        scopes=(cache.RECORDS, cache.ENROLMENTS, cache.ACTIVITY),
    )


def _compute_dashboard(year: int, filters: Filters, today: date) -> Dashboard:
    # Enrolments and lesson progress change all day and touch only the forecast, the funnel
    # and the cohort rows; the year's completion figures (most of the cost) stay cached until
    # a record they read changes.
    fixed = cache.remember(
        "dashboard-records", (year, filters), lambda: _year_figures(year, filters)
    )
    period = fixed["period"]
    pace = pace_for(period, fixed["trained"], today, filters)
    as_of = utcnow()
    now = datetime.combine(today, time(23, 59), tzinfo=UTC)
    stats = cohort_stats(period, today, filters)
    return Dashboard(
        period=period,
        filters=filters,
        today=today,
        summary=_headline(period, pace, fixed),
        pace=pace,
        breakdowns=fixed["parts"],
        funnel=funnel(period, now, filters),
        cohorts=stats,
        track_rates=track_rates(stats),
        years=fixed["years"],
        tracks=fixed["tracks"],
        as_of=as_of,
    )


def _year_figures(year: int, filters: Filters) -> dict:
    """The dashboard's figures read from completion records alone."""
    years = list(range(year - YEARS_COMPARED + 1, year + 1))
    found = periods(years)
    period = found[year]
    figures = _completion_figures(
        period,
        filters,
        ("track", "kind", "region", "delivery", "partner", "organisation"),
        limits={"organisation": TOP_ORGANISATIONS},
    )
    compared = {year: cumulative(figures["by_month"])}
    for other in years[:-1]:
        p = found[other]
        compared[other] = cumulative(months(p.starts_on, p.ends_on, filters=filters))
    return {**figures, "period": period, "years": dict(sorted(compared.items()))}
