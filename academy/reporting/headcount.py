"""The headcount: people trained in a period, and its breakdowns, counted by the database.

Every figure that reports "trained" (the dashboard, its exports, the CLI, the API and the
partner talent-supply report) is built from the functions here, so they always agree.

Reusable building blocks (all aggregate in SQL; none loads completion rows):

- ``Filters(track=, region=, kind=, partner_id=)``: narrows every count. ``track`` is a track
  slug (the completed course's track), ``region``/``kind`` are the trainee's profile,
  ``partner_id`` is the sponsor of the cohort the completion was earned in.
- ``trained_count(start, end, *, filters)``: distinct people with at least one non-revoked
  completion dated in ``[start, end)``.
- ``completion_count(start, end, *, filters)``: non-revoked completion records in the period.
- ``breakdown(dimension, start, end, *, filters, limit=None)``: ``[Bucket(key, label, n)]``,
  distinct people per value of ``dimension`` (see ``DIMENSIONS``). A person counts once per
  value, so by kind/region the buckets sum to the total; by track, delivery, partner or
  level a person who completed in two of them appears in both.
- ``months(start, end, *, filters)``: 12 ints, people whose *first* completion of the period
  fell in each month, so they add up to ``trained_count``.
- ``trained_people(start, end, *, filters)``: the same people as a subquery of user ids, for
  "already counted" conditions elsewhere.

The dashboard and the partner report need most of these at once: ``one_pass.period_figures``
gives the same answers from a single read of the period's completions (tests hold them equal).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import ColumnElement, Select, distinct, extract, func, literal, select

from academy.auth.models import KINDS, REGIONS, TraineeProfile
from academy.cohorts.models import Cohort
from academy.courses.models import Course, Track
from academy.database import prepared
from academy.extensions import db
from academy.partners.models import Partner
from academy.progress.models import CompletionRecord
from academy.reporting import cache
from academy.reporting.models import ProgrammeYear

# A trainee without a profile row counts under the profile defaults, so the buckets by kind
# and region still add up to the total.
DEFAULT_KIND, DEFAULT_REGION = "professional", "other"


@dataclass(frozen=True)
class Filters:
    """What to narrow the headcount to; None means everyone."""

    track: str | None = None
    region: str | None = None
    kind: str | None = None
    partner_id: int | None = None

    def as_query(self) -> dict[str, str | int]:
        """The filters as the dashboard's URL query arguments (only those set), named as its
        filter form names them: a link that named one otherwise would drop that filter."""
        return {QUERY_NAMES.get(k, k): v for k, v in vars(self).items() if v is not None}


# Filters' fields whose query argument (academy.reporting.forms.FilterForm) has another name.
QUERY_NAMES = {"partner_id": "partner"}


@dataclass(frozen=True)
class Period:
    """A programme year: [starts_on, ends_on), its target, and whether a row stores it."""

    year: int
    target: int
    starts_on: date
    ends_on: date
    stored: bool = False

    def elapsed(self, today: date) -> float:
        """Share of the year gone by at the end of `today`, from 0 (not begun) to 1 (over).

        Today counts: the headcount counts today's completions, so what is expected by now
        includes today's share (on the last day of the year, the whole target).
        """
        span = (self.ends_on - self.starts_on).days
        done = (today - self.starts_on).days + 1
        return min(max(done / span, 0.0), 1.0)


@dataclass(frozen=True)
class Bucket:
    key: str
    label: str
    n: int


def default_period(year: int) -> Period:
    """The calendar year with the configured default target, before anyone stores a row."""
    return Period(
        year=year,
        target=current_app.config["ACADEMY_DEFAULT_TARGET"],
        starts_on=date(year, 1, 1),
        ends_on=date(year + 1, 1, 1),
    )


def periods(years: list[int]) -> dict[int, Period]:
    """Each year's period in one query: the stored row, else the calendar-year default."""
    rows = db.session.scalars(select(ProgrammeYear).where(ProgrammeYear.year.in_(years))).all()
    found = {
        row.year: Period(row.year, row.target, row.starts_on, row.ends_on, stored=True)
        for row in rows
    }
    return {year: found.get(year) or default_period(year) for year in years}


def period_for(year: int) -> Period:
    # Every report reads its year's period before it can look its answer up in the cache; in
    # a request the cache's data versions are read once, so a cached period costs no query.
    return cache.remember("period", (year,), lambda: periods([year])[year])


# dimension -> (key column, label column); labels that need no lookup reuse the key.
def dimension_columns(name: str) -> tuple[ColumnElement, ColumnElement]:
    if name == "track":
        return Track.slug, Track.name
    if name == "kind":
        column = func.coalesce(TraineeProfile.kind, DEFAULT_KIND)
        return column, column
    if name == "region":
        column = func.coalesce(TraineeProfile.region, DEFAULT_REGION)
        return column, column
    if name == "delivery":
        column = func.coalesce(Cohort.delivery, "none")
        return column, column
    if name == "partner":
        return func.coalesce(Cohort.sponsor_partner_id, 0), func.coalesce(Partner.name, "")
    if name == "organisation":
        return TraineeProfile.organisation, TraineeProfile.organisation
    if name == "level":
        return Course.level, Course.level
    raise ValueError(f"unknown dimension {name!r}")


DIMENSIONS = ("track", "kind", "region", "delivery", "partner", "organisation", "level")


def scoped(start: date, end: date, filters: Filters, *columns) -> Select:
    """SELECT columns FROM the period's non-revoked completions, joined to what filters need."""
    stmt = (
        select(*columns)
        .select_from(CompletionRecord)
        .join(Course, Course.id == CompletionRecord.course_id)
        .join(Track, Track.id == Course.track_id)
        .outerjoin(TraineeProfile, TraineeProfile.user_id == CompletionRecord.user_id)
        .outerjoin(Cohort, Cohort.id == CompletionRecord.cohort_id)
        .where(
            CompletionRecord.revoked_at.is_(None),
            CompletionRecord.completed_on >= start,
            CompletionRecord.completed_on < end,
        )
    )
    return stmt.where(*filter_conditions(filters, partner_column=Cohort.sponsor_partner_id))


def filter_conditions(filters: Filters, *, partner_column) -> list[ColumnElement]:
    """Conditions for a statement that joins Track and (outer) TraineeProfile."""
    conditions: list[ColumnElement] = []
    if filters.track is not None:
        conditions.append(Track.slug == filters.track)
    if filters.kind is not None:
        conditions.append(func.coalesce(TraineeProfile.kind, DEFAULT_KIND) == filters.kind)
    if filters.region is not None:
        conditions.append(func.coalesce(TraineeProfile.region, DEFAULT_REGION) == filters.region)
    if filters.partner_id is not None:
        conditions.append(partner_column == filters.partner_id)
    return conditions


def trained_people(start: date, end: date, *, filters: Filters = Filters()) -> Select:
    """The distinct user ids trained in the period, as a subquery for IN (...) conditions."""
    return scoped(start, end, filters, CompletionRecord.user_id).distinct()


def trained_count(start: date, end: date, *, filters: Filters = Filters()) -> int:
    """Distinct people with at least one non-revoked completion dated in [start, end)."""
    stmt = scoped(start, end, filters, func.count(distinct(CompletionRecord.user_id)))
    return db.session.scalar(stmt) or 0


def completion_count(start: date, end: date, *, filters: Filters = Filters()) -> int:
    """Non-revoked completion records dated in [start, end)."""
    return db.session.scalar(scoped(start, end, filters, func.count(CompletionRecord.id))) or 0


def breakdown(
    dimension: str,
    start: date,
    end: date,
    *,
    filters: Filters = Filters(),
    limit: int | None = None,
) -> list[Bucket]:
    """Distinct people trained per value of `dimension`, largest first."""
    key, label = dimension_columns(dimension)
    n = func.count(distinct(CompletionRecord.user_id)).label("n")
    stmt = scoped(start, end, filters, key.label("key"), label.label("label"), n)
    if dimension == "partner":
        stmt = stmt.outerjoin(Partner, Partner.id == Cohort.sponsor_partner_id)
    if dimension == "organisation":
        stmt = stmt.where(TraineeProfile.organisation.is_not(None))
    stmt = stmt.group_by(key, label).order_by(n.desc(), key)
    if limit is not None:
        stmt = stmt.limit(limit)
    return [Bucket(str(row.key), row.label or "", row.n) for row in db.session.execute(stmt)]


def complete_buckets(buckets: list[Bucket], keys: tuple[str, ...]) -> dict[str, int]:
    """{key: n} for every expected key, zero where nobody was trained."""
    found = {b.key: b.n for b in buckets}
    return {key: found.get(key, 0) for key in keys}


def by_kind(start: date, end: date, *, filters: Filters = Filters()) -> dict[str, int]:
    return complete_buckets(breakdown("kind", start, end, filters=filters), KINDS)


def by_region(start: date, end: date, *, filters: Filters = Filters()) -> dict[str, int]:
    return complete_buckets(breakdown("region", start, end, filters=filters), REGIONS)


def months(start: date, end: date, *, filters: Filters = Filters()) -> list[int]:
    """People whose first completion in the period fell in each of its 12 months."""
    first = (
        scoped(
            start,
            end,
            filters,
            CompletionRecord.user_id,
            func.min(CompletionRecord.completed_on).label("first_on"),
        )
        .group_by(CompletionRecord.user_id)
        .subquery()
    )
    # Months since the period's first month, so a programme year need not start in January.
    index = (
        extract("year", first.c.first_on) * 12
        + extract("month", first.c.first_on)
        - literal(start.year * 12 + start.month)
    ).label("m")
    stmt = select(index, func.count().label("n")).select_from(first).group_by(index)
    buckets = [0] * 12
    for row in db.session.execute(stmt):
        buckets[min(max(int(row.m), 0), 11)] += row.n
    return buckets


def track_names() -> dict[str, str]:
    """{slug: name} of every track, for complete by_track objects and filter choices."""
    rows = db.session.execute(_tracks())
    # Names are stored in English; pages show them in the reader's language (the API reads English).
    return {slug: _(name) for slug, name in rows}


def partner_names() -> dict[int, str]:
    return dict(db.session.execute(_partners()).all())


# Every dashboard request lists both for its filters; built once (academy.database.prepared).


@prepared
def _tracks():
    return select(Track.slug, Track.name).order_by(Track.name)


@prepared
def _partners():
    return select(Partner.id, Partner.name).order_by(Partner.name)
