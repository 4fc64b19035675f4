"""The full-year completions export: one CSV row per completion record dated in the year.

Revoked records are included and flagged with their revocation date (empty while the record
stands): records are never deleted, and the people who audit the headcount need to see what
was taken back. The people counted as "trained" are the distinct ``user_id`` of the rows
whose ``revoked_on`` is empty.

Rows come from the database ``yield_per`` rows at a time (a server-side cursor on PostgreSQL),
so memory stays flat however many completions the year holds.
"""

from __future__ import annotations

from collections.abc import Iterator

from sqlalchemy import func, select

from academy.auth.models import TraineeProfile, User
from academy.cohorts.models import Cohort
from academy.courses.models import Course, Track
from academy.extensions import db
from academy.partners.models import Partner
from academy.progress.models import CompletionRecord
from academy.reporting.headcount import DEFAULT_KIND, DEFAULT_REGION, Period

HEADER = (
    "certificate_code",
    "completed_on",
    "name",
    "email",
    "kind",
    "region",
    "organisation",
    "course",
    "track",
    "cohort",
    "sponsor_partner",
    "score",
    "revoked_on",
)
BATCH = 1000


def completion_rows(period: Period) -> Iterator[tuple]:
    """The period's completion records as HEADER-ordered tuples, by date, streamed."""
    stmt = (
        select(
            CompletionRecord.certificate_code,
            CompletionRecord.completed_on,
            User.name,
            User.email,
            func.coalesce(TraineeProfile.kind, DEFAULT_KIND),
            func.coalesce(TraineeProfile.region, DEFAULT_REGION),
            TraineeProfile.organisation,
            Course.slug,
            Track.slug,
            Cohort.code,
            Partner.name,
            CompletionRecord.score,
            CompletionRecord.revoked_at,
        )
        .select_from(CompletionRecord)
        .join(User, User.id == CompletionRecord.user_id)
        .join(Course, Course.id == CompletionRecord.course_id)
        .join(Track, Track.id == Course.track_id)
        .outerjoin(TraineeProfile, TraineeProfile.user_id == CompletionRecord.user_id)
        .outerjoin(Cohort, Cohort.id == CompletionRecord.cohort_id)
        .outerjoin(Partner, Partner.id == Cohort.sponsor_partner_id)
        .where(
            CompletionRecord.completed_on >= period.starts_on,
            CompletionRecord.completed_on < period.ends_on,
        )
        .order_by(CompletionRecord.completed_on, CompletionRecord.id)
    )
    result = db.session.execute(stmt, execution_options={"yield_per": BATCH})
    for row in result:
        *head, revoked_at = row
        yield (*head, revoked_at.date().isoformat() if revoked_at else "")
