"""Completion records: issuing (automatically or by hand) and revoking."""

from __future__ import annotations

from datetime import date, datetime

from flask_babel import gettext as _
from sqlalchemy import func, select, update
from sqlalchemy.exc import IntegrityError

from academy.audit.service import record
from academy.auth.models import User
from academy.cohorts.models import Cohort
from academy.courses.models import Course
from academy.dates import local_today, out_of_span
from academy.enrolments import service as enrolments
from academy.enrolments.models import Enrolment
from academy.errors import Conflict, Invalid
from academy.extensions import db, utcnow
from academy.progress.certificates import new_code
from academy.progress.models import CompletionRecord


def live_completion(user_id: int, course_id: int) -> CompletionRecord | None:
    return db.session.scalar(
        select(CompletionRecord).where(
            CompletionRecord.user_id == user_id,
            CompletionRecord.course_id == course_id,
            CompletionRecord.revoked_at.is_(None),
        )
    )


def last_revocation(user_id: int, course_id: int, cohort_id: int) -> datetime | None:
    """When the person's latest revoked record of the course in that cohort was revoked."""
    return db.session.scalar(
        select(func.max(CompletionRecord.revoked_at)).where(
            CompletionRecord.user_id == user_id,
            CompletionRecord.course_id == course_id,
            CompletionRecord.cohort_id == cohort_id,
        )
    )


def issue_completion(
    actor: User | None,
    user: User,
    course: Course,
    *,
    completed_on: date,
    cohort: Cohort | None = None,
    enrolment: Enrolment | None = None,
    score: int | None = None,
    reason: str | None = None,
) -> tuple[CompletionRecord, bool]:
    """Issue the person's completion of the course; (record, created).

    Exactly one standing record per person and course: a unique partial index refuses a
    second, so a double submit returns the record the first one issued.
    """
    if score is not None and not 0 <= score <= 100:
        raise Invalid(_("A score is a percentage from 0 to 100."), {"score": [_("0 to 100.")]})
    existing = live_completion(user.id, course.id)
    if existing is not None:
        return existing, False
    completion = CompletionRecord(
        user_id=user.id,
        holder_name=user.name,
        course_id=course.id,
        cohort_id=cohort.id if cohort else None,
        completed_on=completed_on,
        score=score,
        certificate_code=new_code(),
        issued_by_id=actor.id if actor and actor.id != user.id else None,
        manual_reason=reason,
    )
    try:
        with db.session.begin_nested():
            db.session.add(completion)
            db.session.flush()
    except IntegrityError:
        existing = live_completion(user.id, course.id)
        if existing is None:
            raise
        return existing, False
    if enrolment is not None:
        enrolments.mark_completed(actor, enrolment, reason or "Met the course's criteria")
    record(
        actor,
        "completion.manual" if reason else "completion.issue",
        "completion",
        completion.id,
        user_id=user.id,
        course=course.slug,
        reason=reason,
    )
    return completion, True


def record_manual_completion(
    actor: User,
    user: User,
    course: Course,
    *,
    completed_on: date,
    reason: str,
    cohort: Cohort | None = None,
    score: int | None = None,
) -> CompletionRecord:
    """An instructor or manager records a completion by hand; the reason is required."""
    reason = (reason or "").strip()
    if not reason:
        raise Invalid(_("Give a reason for a manual completion."), {"reason": [_("Required.")]})
    if completed_on > local_today():
        raise Invalid(
            _("A completion cannot be dated in the future."), {"completed_on": [_("Future.")]}
        )
    if problem := out_of_span(completed_on):
        raise Invalid(_("The completion could not be recorded."), {"completed_on": problem})
    if not user.has_role("trainee"):
        # The headcount counts whoever holds a completion: only trainees may be given one.
        raise Invalid(
            _("Completions are recorded for trainees only."), {"user_id": [_("Not a trainee.")]}
        )
    enrolment = None
    if cohort is not None:
        if cohort.course_id != course.id:
            raise Invalid(
                _("That cohort runs another course."), {"cohort_id": [_("Wrong course.")]}
            )
        enrolment = db.session.scalar(
            select(Enrolment).where(Enrolment.cohort_id == cohort.id, Enrolment.user_id == user.id)
        )
        # A completion moves the enrolment to "completed", which holds a seat: a waitlisted
        # or withdrawn person would take one the cohort does not have.
        if enrolment is None or enrolment.status not in ("enrolled", "completed"):
            raise Invalid(
                _("That person holds no seat in this cohort."),
                {"user_id": [_("Not enrolled in this cohort.")]},
            )
        if completed_on < cohort.start_on:
            # Dated earlier, it would count in a year (or a partner's period) the cohort
            # never ran in.
            raise Invalid(
                _("A completion cannot be dated before its cohort started."),
                {"completed_on": [_("Before the cohort's start.")]},
            )
    completion, created = issue_completion(
        actor,
        user,
        course,
        completed_on=completed_on,
        cohort=cohort,
        enrolment=enrolment,
        score=score,
        reason=reason,
    )
    if not created:
        raise Conflict(_("This person already holds a completion of that course."))
    return completion


def revoke_completion(actor: User, completion: CompletionRecord, reason: str) -> CompletionRecord:
    """Revoke a mistaken record. It stays, marked revoked with the reason, for auditors."""
    reason = (reason or "").strip()
    if not reason:
        raise Invalid(_("Give a reason for revoking."), {"reason": [_("Required.")]})
    if completion.revoked_at is not None:
        raise Conflict(_("This completion is already revoked."))
    # Claimed with a conditional UPDATE: of two revocations sent at once (two managers, a
    # retried request) one changes the row and the other is refused, rather than both
    # succeeding and the second reason replacing the first.
    claimed = db.session.execute(
        update(CompletionRecord)
        .where(CompletionRecord.id == completion.id, CompletionRecord.revoked_at.is_(None))
        .values(revoked_at=utcnow(), revoked_by_id=actor.id, revoke_reason=reason[:2000])
        .execution_options(synchronize_session=False)
    ).rowcount
    if not claimed:
        raise Conflict(_("This completion is already revoked."))
    db.session.refresh(completion)
    if completion.cohort_id is not None:
        enrolment = db.session.scalar(
            select(Enrolment).where(
                Enrolment.cohort_id == completion.cohort_id,
                Enrolment.user_id == completion.user_id,
            )
        )
        if enrolment is not None:
            enrolments.reopen(actor, enrolment, f"Completion revoked: {reason}")
    record(actor, "completion.revoke", "completion", completion.id, reason=reason)
    return completion
