"""The timetable of a cohort (class sessions) and attendance taken at them."""

from __future__ import annotations

from datetime import datetime
from urllib.parse import urlsplit

from flask_babel import gettext as _
from sqlalchemy import func, select

from academy.audit.service import record
from academy.auth.models import User
from academy.cohorts.models import PLACES, Attendance, Cohort, CohortSession
from academy.dates import out_of_span
from academy.enrolments.models import SEATED, Enrolment
from academy.errors import Conflict, Invalid
from academy.extensions import db, utcnow


def _is_web_link(url: str) -> bool:
    # No space or control character either: a link is shown, mailed and put in calendar feeds.
    if any(char.isspace() or not char.isprintable() for char in url):
        return False
    parts = urlsplit(url)
    return parts.scheme in ("https", "http") and bool(parts.netloc)


def _validate(title: str, starts_at: datetime, ends_at: datetime, place: str, url: str) -> None:
    fields: dict[str, list[str]] = {}
    if not (title or "").strip() or len(title.strip()) > 200:
        fields["title"] = [_("Enter a title of 1 to 200 characters.")]
    if starts_at is None or ends_at is None:
        fields["starts_at"] = [_("Give a start and an end.")]
    elif problem := out_of_span(starts_at.date()):
        fields["starts_at"] = problem
    elif ends_at <= starts_at:
        fields["ends_at"] = [_("The session must end after it starts.")]
    if place not in PLACES:
        fields["place"] = [_("Choose one of: %(choices)s.", choices=", ".join(PLACES))]
    if url and not _is_web_link(url):
        fields["meeting_url"] = [_("A meeting link starts with https:// and has no spaces.")]
    if place == "online" and not url:
        fields["meeting_url"] = [_("An online session needs a meeting link.")]
    if fields:
        raise Invalid(_("The session could not be saved."), fields)


def save_session(
    actor: User,
    cohort: Cohort,
    *,
    title: str,
    starts_at: datetime,
    ends_at: datetime,
    place: str,
    location: str = "",
    meeting_url: str = "",
    session: CohortSession | None = None,
) -> CohortSession:
    """Add a session to the timetable, or change one (`session`)."""
    location, meeting_url = (location or "").strip()[:300], (meeting_url or "").strip()[:500]
    _validate(title, starts_at, ends_at, place, meeting_url)
    created = session is None
    if session is None:
        session = CohortSession(cohort_id=cohort.id)
        db.session.add(session)
    session.title = title.strip()
    session.starts_at, session.ends_at = starts_at, ends_at
    session.place, session.location, session.meeting_url = place, location, meeting_url
    db.session.flush()
    record(
        actor,
        "session.create" if created else "session.update",
        "cohort_session",
        session.id,
        cohort=cohort.code,
    )
    return session


def delete_session(actor: User, session: CohortSession) -> None:
    """Remove a session that nobody has taken attendance at (attendance is never thrown away)."""
    taken = db.session.scalar(
        select(func.count(Attendance.id)).where(Attendance.session_id == session.id)
    )
    if taken:
        raise Conflict(_("Attendance has been taken at this session; it cannot be removed."))
    record(actor, "session.delete", "cohort_session", session.id, title=session.title)
    db.session.delete(session)
    db.session.flush()


def record_attendance(actor: User, session: CohortSession, present: dict[int, bool]) -> int:
    """Set who was present, per enrolment; rows are updated in place or added. Returns changes."""
    seated = set(
        db.session.scalars(
            select(Enrolment.id).where(
                Enrolment.cohort_id == session.cohort_id, Enrolment.status.in_(SEATED)
            )
        )
    )
    strangers = set(present) - seated
    if strangers:
        raise Invalid(_("Attendance can only be taken for trainees with a seat in this cohort."))
    rows = {
        row.enrolment_id: row
        for row in db.session.scalars(select(Attendance).where(Attendance.session_id == session.id))
    }
    now = utcnow()
    # Attendance can decide a completion: the audit event says who was marked what, and what
    # a correction replaced, so how a completion was earned or lost can be traced.
    marked: dict[str, list[int]] = {"present": [], "absent": []}
    corrected: list[dict] = []
    for enrolment_id, here in present.items():
        row = rows.get(enrolment_id)
        if row is None:
            db.session.add(
                Attendance(
                    session_id=session.id,
                    enrolment_id=enrolment_id,
                    present=here,
                    recorded_by_id=actor.id,
                    recorded_at=now,
                )
            )
            marked["present" if here else "absent"].append(enrolment_id)
        elif row.present != here:
            corrected.append(
                {"enrolment_id": enrolment_id, "was": row.present, "by": row.recorded_by_id}
            )
            row.present, row.recorded_by_id, row.recorded_at = here, actor.id, now
    db.session.flush()
    changes = len(marked["present"]) + len(marked["absent"]) + len(corrected)
    record(
        actor,
        "attendance.record",
        "cohort_session",
        session.id,
        changes=changes,
        marked=marked,
        corrected=corrected,
    )
    _complete_where_attendance_was_missing(
        actor, session, [e for e, here in present.items() if here]
    )
    return changes


def _complete_where_attendance_was_missing(
    actor: User, session: CohortSession, present: list[int]
) -> None:
    """Attendance may be the last criterion a trainee meets: issue those completions now."""
    from academy.courses.models import Course
    from academy.progress.learning import complete_if_met

    cohort = db.session.get(Cohort, session.cohort_id)
    min_attendance = db.session.scalar(
        select(Course.min_attendance).where(Course.id == cohort.course_id)
    )
    if not min_attendance or not cohort.is_in_person:
        return
    for enrolment_id in present:
        complete_if_met(actor, enrolment_id)
