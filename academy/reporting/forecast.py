"""Pace and forecast: where the year should be by now, and where it will likely end.

- expected to date = target × share of the year elapsed (0 before it starts, 1 after it ends).
- run-rate projection = trained so far ÷ share elapsed (the pace so far, held all year).
- scheduled = people enrolled now in cohorts that end before the year does, not already
  counted, each weighted by the historical completion rate of their track (cohorts that
  ended in the last two years: enrolments whose person holds a completion of the course
  ÷ all enrolments, withdrawn included). A person enrolled in several tracks is weighted
  once, by one of them.
- forecast = trained so far + the larger of (run-rate projection − trained) and scheduled.
  The people already scheduled are part of what the run rate expects, so adding both would
  count them twice; the larger of the two is the better-informed estimate. In the year's first
  month the run rate is left out: a few days' completions times 365 say nothing of the year.
- cohorts still needed = ceil((target − forecast) ÷ (average cohort size × completion rate)).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import date, timedelta

from sqlalchemy import and_, func, select

from academy.auth.models import TraineeProfile
from academy.cohorts.models import Cohort
from academy.courses.models import Course, Track
from academy.enrolments.models import Enrolment
from academy.extensions import db
from academy.progress.models import CompletionRecord
from academy.reporting.headcount import Filters, Period, filter_conditions, trained_people

HISTORY_DAYS = 730
RUN_RATE_FROM = 1 / 12  # the share of the year after which the pace so far is projected


@dataclass(frozen=True)
class Forecast:
    elapsed: float
    expected_to_date: int
    ahead_by: int  # negative when behind
    run_rate: int
    scheduled_people: int
    scheduled_expected: int
    completion_rate: float | None  # programme-wide, historical
    forecast: int
    average_cohort_size: float | None
    cohorts_needed: int | None


def _enrolments(filters: Filters):
    return (
        select()
        .select_from(Enrolment)
        .join(Cohort, Cohort.id == Enrolment.cohort_id)
        .join(Course, Course.id == Cohort.course_id)
        .join(Track, Track.id == Course.track_id)
        .outerjoin(TraineeProfile, TraineeProfile.user_id == Enrolment.user_id)
        .where(*filter_conditions(filters, partner_column=Cohort.sponsor_partner_id))
    )


def completion_rates(today: date, filters: Filters) -> tuple[dict[int, float], float | None]:
    """Completion rate per track id, and programme-wide, from cohorts ended in the last 2 years.

    Recent cohorts say more about this year than old ones, and the window keeps the query's
    cost flat as programme years accumulate.
    """
    # A join, not an EXISTS per enrolment: a person holds at most one standing completion of
    # a course (uq_completion_records_live), so it matches once or not at all, and the database
    # can hash the two sides instead of probing the index 90,000 times.
    held = and_(
        CompletionRecord.user_id == Enrolment.user_id,
        CompletionRecord.course_id == Cohort.course_id,
        CompletionRecord.revoked_at.is_(None),
    )
    stmt = (
        _enrolments(filters)
        .outerjoin(CompletionRecord, held)
        .add_columns(
            Course.track_id,
            func.count(Enrolment.id).label("total"),
            func.count(CompletionRecord.id).label("done"),
        )
        .where(
            Cohort.end_on < today,
            Cohort.end_on >= today - timedelta(days=HISTORY_DAYS),
            Enrolment.status != "waitlisted",
        )
        .group_by(Course.track_id)
    )
    rows = db.session.execute(stmt).all()
    rates = {row.track_id: row.done / row.total for row in rows if row.total}
    total = sum(row.total for row in rows)
    overall = sum(row.done for row in rows) / total if total else None
    return rates, overall


def scheduled(period: Period, today: date, filters: Filters) -> dict[int, int]:
    """{track id: people} enrolled in cohorts ending before the year does, not yet counted."""
    first_day = max(period.starts_on, today)
    per_person = (
        _enrolments(filters)
        .add_columns(Enrolment.user_id, func.min(Course.track_id).label("track_id"))
        .where(
            Enrolment.status == "enrolled",
            Cohort.end_on >= first_day,
            Cohort.end_on < period.ends_on,
            Enrolment.user_id.not_in(
                trained_people(period.starts_on, period.ends_on, filters=filters)
            ),
        )
        .group_by(Enrolment.user_id)
        .subquery()
    )
    stmt = select(per_person.c.track_id, func.count()).group_by(per_person.c.track_id)
    return {track_id: n for track_id, n in db.session.execute(stmt)}


def average_cohort_size(filters: Filters) -> float | None:
    """Average seats taken in cohorts that seated anyone (track and partner filters apply)."""
    conditions = [Cohort.seats_taken > 0]
    if filters.partner_id is not None:
        conditions.append(Cohort.sponsor_partner_id == filters.partner_id)
    stmt = select(func.avg(Cohort.seats_taken)).where(and_(*conditions))
    if filters.track is not None:
        stmt = (
            stmt.join(Course, Course.id == Cohort.course_id)
            .join(Track, Track.id == Course.track_id)
            .where(Track.slug == filters.track)
        )
    value = db.session.scalar(stmt)
    return float(value) if value is not None else None


def forecast(period: Period, trained: int, today: date, filters: Filters) -> Forecast:
    """Pace and projected year-end headcount (three queries, whatever the data size)."""
    elapsed = period.elapsed(today)
    expected = round(period.target * elapsed)
    rates, overall = completion_rates(today, filters)
    fallback = overall if overall is not None else 1.0
    # Once the year is over, what was trained is the answer and nothing more is scheduled.
    pending = scheduled(period, today, filters) if elapsed < 1 else {}
    weighted = sum(n * rates.get(track_id, fallback) for track_id, n in pending.items())
    run_extra = trained / elapsed - trained if RUN_RATE_FROM <= elapsed < 1 else 0.0
    projected_extra = max(run_extra, weighted)
    result = round(trained + projected_extra)
    size = average_cohort_size(filters)
    gap = max(period.target - result, 0)
    per_cohort = size * fallback if size else None
    if elapsed >= 1:
        needed = None  # the year is over; no cohort can still count toward it
    elif per_cohort:
        needed = math.ceil(gap / per_cohort)
    else:
        needed = 0 if gap == 0 else None
    return Forecast(
        elapsed=elapsed,
        expected_to_date=expected,
        ahead_by=trained - expected,
        run_rate=round(trained / elapsed) if elapsed > 0 else 0,
        scheduled_people=sum(pending.values()),
        scheduled_expected=round(weighted),
        completion_rate=overall,
        forecast=result,
        average_cohort_size=size,
        cohorts_needed=needed,
    )
