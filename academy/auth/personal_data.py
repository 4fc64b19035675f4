"""Everything the academy holds about one person, as JSON-ready data ("download my data")."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import joinedload

from academy.auth.models import ApiToken, ConsentEvent, LoginSession, TraineeProfile, User
from academy.cohorts.models import Attendance, Cohort
from academy.courses.models import Lesson
from academy.enrolments.models import Enrolment, EnrolmentEvent
from academy.extensions import db
from academy.progress.models import CompletionRecord, LessonProgress, QuizAttempt


def _iso(value):
    return value.isoformat() if value is not None else None


def personal_data(user: User) -> dict:
    """A fixed number of queries, however much the person has done."""
    profile = db.session.get(TraineeProfile, user.id)
    enrolments = list(
        db.session.scalars(
            select(Enrolment)
            .where(Enrolment.user_id == user.id)
            .options(joinedload(Enrolment.cohort).joinedload(Cohort.course))
            .order_by(Enrolment.id)
        )
    )
    ids = [e.id for e in enrolments]
    events, progress, attempts, attendance = {}, {}, {}, {}
    for bucket in (events, progress, attempts, attendance):
        for i in ids:
            bucket[i] = []
    if ids:
        for event in db.session.scalars(
            select(EnrolmentEvent)
            .where(EnrolmentEvent.enrolment_id.in_(ids))
            .order_by(EnrolmentEvent.id)
        ):
            events[event.enrolment_id].append(
                {
                    "from": event.from_status,
                    "to": event.to_status,
                    "at": _iso(event.at),
                    "reason": event.reason,
                }  # fmt: skip
            )
        for row, slug in db.session.execute(
            select(LessonProgress, Lesson.slug)
            .join(Lesson, Lesson.id == LessonProgress.lesson_id)
            .where(LessonProgress.enrolment_id.in_(ids))
            .order_by(LessonProgress.id)
        ):
            progress[row.enrolment_id].append(
                {"lesson": slug, "done_at": _iso(row.done_at), "best_score": row.best_score,
                 "quiz_passed": row.quiz_passed, "last_activity_at": _iso(row.last_activity_at)}
            )  # fmt: skip
        for row, slug in db.session.execute(
            select(QuizAttempt, Lesson.slug)
            .join(Lesson, Lesson.id == QuizAttempt.lesson_id)
            .where(QuizAttempt.enrolment_id.in_(ids))
            .order_by(QuizAttempt.id)
        ):
            attempts[row.enrolment_id].append(
                {"lesson": slug, "answers": row.answers, "score": row.score,
                 "passed": row.passed, "at": _iso(row.at)}
            )  # fmt: skip
        for row in db.session.scalars(
            select(Attendance).where(Attendance.enrolment_id.in_(ids)).order_by(Attendance.id)
        ):
            attendance[row.enrolment_id].append(
                {"session_id": row.session_id, "present": row.present,
                 "recorded_at": _iso(row.recorded_at)}
            )  # fmt: skip
    completions = db.session.scalars(
        select(CompletionRecord)
        .where(CompletionRecord.user_id == user.id)
        .options(joinedload(CompletionRecord.course))
        .order_by(CompletionRecord.id)
    )
    consent = db.session.scalars(
        select(ConsentEvent).where(ConsentEvent.user_id == user.id).order_by(ConsentEvent.id)
    )
    sessions = db.session.scalars(
        select(LoginSession).where(LoginSession.user_id == user.id).order_by(LoginSession.id)
    )
    tokens = db.session.scalars(
        select(ApiToken).where(ApiToken.user_id == user.id).order_by(ApiToken.id)
    )
    return {
        "account": {
            "id": user.id,
            "email": user.email,
            "name": user.name,
            "roles": sorted(user.roles),
            "locale": user.locale,
            "partner_id": user.partner_id,
            "email_confirmed_at": _iso(user.email_confirmed_at),
            "created_at": _iso(user.created_at),
        },
        "profile": None
        if profile is None
        else {
            "kind": profile.kind,
            "region": profile.region,
            "organisation": profile.organisation,
            "consent_share": profile.consent_share,
            "consent_changed_at": _iso(profile.consent_changed_at),
        },
        "consent_events": [{"given": e.given, "at": _iso(e.at)} for e in consent],
        "enrolments": [
            {
                "id": e.id,
                "course": e.cohort.course.slug,
                "cohort": e.cohort.code,
                "status": e.status,
                "created_at": _iso(e.created_at),
                "history": events[e.id],
                "progress": progress[e.id],
                "quiz_attempts": attempts[e.id],
                "attendance": attendance[e.id],
            }
            for e in enrolments
        ],
        "completions": [
            {
                "course": c.course.slug,
                "holder_name": c.holder_name,
                "completed_on": _iso(c.completed_on),
                "score": c.score,
                "certificate_code": c.certificate_code,
                "revoked_at": _iso(c.revoked_at),
                "revoke_reason": c.revoke_reason,
            }
            for c in completions
        ],
        "sign_in_sessions": [
            {"created_at": _iso(s.created_at), "ended_at": _iso(s.revoked_at)} for s in sessions
        ],
        "api_tokens": [
            {"name": t.name, "created_at": _iso(t.created_at), "revoked_at": _iso(t.revoked_at)}
            for t in tokens
        ],
    }
