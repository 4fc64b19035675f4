"""Creating and changing cohorts, invite codes, and moving a trainee between cohorts."""

from __future__ import annotations

import re
import secrets
from datetime import date

from flask_babel import gettext as _
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from academy.audit.service import record
from academy.auth.models import User, UserRole
from academy.cohorts.models import DELIVERIES, MAX_CAPACITY, POLICIES, Cohort
from academy.courses.models import Course
from academy.dates import out_of_span
from academy.enrolments import service as enrolments
from academy.enrolments.models import Enrolment
from academy.errors import Conflict, Invalid
from academy.extensions import db
from academy.partners.models import Partner
from academy.progress.models import LessonProgress

CODE_PATTERN = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,39}$")
# No 0/O or 1/I/L: invite codes are read aloud and typed from slides.
INVITE_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"
INVITE_LENGTH = 10


def new_invite_code() -> str:
    return "".join(secrets.choice(INVITE_ALPHABET) for _ in range(INVITE_LENGTH))


def _validate(
    *,
    code: str,
    name: str,
    start_on: date | None,
    end_on: date | None,
    capacity: int | None,
    delivery: str,
    policy: str,
) -> dict[str, list[str]]:
    fields: dict[str, list[str]] = {}
    if not CODE_PATTERN.match(code or ""):
        fields["code"] = [_("1 to 40 letters, digits, dots, dashes or underscores.")]
    if not (name or "").strip() or len(name.strip()) > 200:
        fields["name"] = [_("Enter a name of 1 to 200 characters.")]
    if start_on is None:
        fields["start_date"] = [_("Required.")]
    if end_on is None:
        fields["end_date"] = [_("Required.")]
    elif start_on is not None and end_on < start_on:
        fields["end_date"] = [_("The end date cannot be before the start date.")]
    for name, day in (("start_date", start_on), ("end_date", end_on)):
        if name not in fields and (problem := out_of_span(day)):
            fields[name] = problem
    if capacity is None or isinstance(capacity, bool) or not 0 <= capacity <= MAX_CAPACITY:
        fields["capacity"] = [_("A whole number from 0 to %(max)s.", max=MAX_CAPACITY)]
    if delivery not in DELIVERIES:
        fields["delivery"] = [f"One of {', '.join(DELIVERIES)}."]
    if policy not in POLICIES:
        fields["policy"] = [f"One of {', '.join(POLICIES)}."]
    return fields


def _instructors(ids: list[int]) -> list[User]:
    ids = list(dict.fromkeys(ids))
    if not ids:
        return []
    found = db.session.scalars(
        select(User)
        .join(UserRole, UserRole.user_id == User.id)
        .where(User.id.in_(ids), UserRole.role == "instructor")
    ).all()
    if len(found) != len(ids):
        missing = sorted(set(ids) - {u.id for u in found})
        raise Invalid(
            _("Instructors must be existing users with the instructor role."),
            {"instructor_ids": [f"Not an instructor: {', '.join(map(str, missing))}."]},
        )
    return list(found)


def _check_partner(partner_id: int | None) -> None:
    if partner_id is not None and db.session.get(Partner, partner_id) is None:
        raise Invalid(_("No such partner."), {"sponsor_partner_id": [_("No such partner.")]})


def _code_taken(code: str, except_id: int | None = None) -> bool:
    query = select(Cohort.id).where(func.lower(Cohort.code) == code.lower())
    if except_id is not None:
        query = query.where(Cohort.id != except_id)
    return db.session.scalar(query) is not None


def create_cohort(
    actor: User,
    *,
    code: str,
    name: str,
    course: Course | None,
    start_on: date,
    end_on: date,
    capacity: int,
    delivery: str = "online",
    policy: str = "open",
    sponsor_partner_id: int | None = None,
    instructor_ids: list[int] | None = None,
) -> Cohort:
    """Open a new run of a course. Invite-only cohorts get an invite code at once."""
    code = (code or "").strip()
    fields = _validate(
        code=code,
        name=name,
        start_on=start_on,
        end_on=end_on,
        capacity=capacity,
        delivery=delivery,
        policy=policy,
    )
    if course is None:
        fields["course"] = [_("No such course.")]
    if fields:
        raise Invalid(_("The cohort could not be created."), fields)
    _check_partner(sponsor_partner_id)
    instructors = _instructors(instructor_ids or [])
    if _code_taken(code):
        raise Conflict(
            _("A cohort with code %(code)s already exists.", code=code),
            {"code": [_("Already in use.")]},
        )
    cohort = Cohort(
        code=code,
        name=name.strip(),
        course_id=course.id,
        start_on=start_on,
        end_on=end_on,
        capacity=capacity,
        seats_taken=0,
        delivery=delivery,
        policy=policy,
        sponsor_partner_id=sponsor_partner_id,
        invite_code=new_invite_code() if policy == "invite" else None,
    )
    cohort.instructors = instructors
    try:
        with db.session.begin_nested():
            db.session.add(cohort)
            db.session.flush()
    except IntegrityError:
        # Two managers racing for the same code: the unique key decides.
        raise Conflict(
            _("A cohort with code %(code)s already exists.", code=code),
            {"code": [_("Already in use.")]},
        ) from None
    record(actor, "cohort.create", "cohort", cohort.id, code=code, course=course.slug)
    return cohort


def update_cohort(actor: User, cohort: Cohort, **changes) -> Cohort:
    """Edit a cohort (loaded with its instructors). Capacity goes through the seat rules."""
    current = {
        "code": cohort.code,
        "name": cohort.name,
        "start_on": cohort.start_on,
        "end_on": cohort.end_on,
        "capacity": cohort.capacity,
        "delivery": cohort.delivery,
        "policy": cohort.policy,
    }
    wanted = {key: changes.get(key, value) for key, value in current.items()}
    wanted["code"] = (wanted["code"] or "").strip()
    fields = _validate(**wanted)
    if fields:
        raise Invalid(_("The cohort could not be saved."), fields)
    if wanted["code"] != cohort.code and _code_taken(wanted["code"], cohort.id):
        raise Conflict(
            _("A cohort with code %(code)s already exists.", code=wanted["code"]),
            {"code": [_("Already in use.")]},
        )
    changed = sorted(k for k in current if wanted[k] != current[k])
    if "course" in changes and changes["course"] is not None:
        course = changes["course"]
        if course.id != cohort.course_id:
            has_trainees = db.session.scalar(
                select(func.count(Enrolment.id)).where(Enrolment.cohort_id == cohort.id)
            )
            if has_trainees:
                raise Invalid(
                    _("A cohort with trainees cannot switch course; their progress belongs to it."),
                    {"course": [_("This cohort already has trainees.")]},
                )
            cohort.course_id = course.id
            changed.append("course")
    if "sponsor_partner_id" in changes:
        _check_partner(changes["sponsor_partner_id"])
        if changes["sponsor_partner_id"] != cohort.sponsor_partner_id:
            cohort.sponsor_partner_id = changes["sponsor_partner_id"]
            changed.append("sponsor")
    if "instructor_ids" in changes:
        instructors = _instructors(changes["instructor_ids"] or [])
        if {u.id for u in instructors} != {u.id for u in cohort.instructors}:
            cohort.instructors = instructors
            changed.append("instructors")
    for key in ("code", "name", "start_on", "end_on", "delivery", "policy"):
        setattr(cohort, key, wanted[key].strip() if key == "name" else wanted[key])
    if cohort.policy == "invite" and not cohort.invite_code:
        cohort.invite_code = new_invite_code()
    db.session.flush()
    if wanted["capacity"] != current["capacity"]:
        enrolments.set_capacity(actor, cohort, wanted["capacity"])
    if changed:
        record(actor, "cohort.update", "cohort", cohort.id, changed=changed)
    return cohort


def regenerate_invite_code(actor: User, cohort: Cohort) -> str:
    """A new code; the old one stops working at once."""
    cohort.invite_code = new_invite_code()
    db.session.flush()
    record(actor, "cohort.invite_code", "cohort", cohort.id)
    return cohort.invite_code


def move_trainee(
    actor: User, enrolment: Enrolment, source: Cohort, target: Cohort, trainee: User, reason: str
) -> Enrolment:
    """Withdraw from one cohort and enrol in another of the same course, keeping progress."""
    reason = (reason or "").strip()
    if target.id == source.id:
        raise Invalid(_("Choose another cohort."), {"target": [_("That is the same cohort.")]})
    if target.course_id != source.course_id:
        raise Invalid(
            _("A trainee can only move to a cohort of the same course."),
            {"target": [_("That cohort runs another course.")]},
        )
    enrolments.withdraw(actor, enrolment, f"Moved to {target.code}. {reason}".strip())
    moved = enrolments.enrol(actor, target, trainee, f"Moved from {source.code}. {reason}".strip())
    copied = copy_progress(enrolment.id, moved.id)
    record(
        actor,
        "enrolment.move",
        "enrolment",
        moved.id,
        source=source.code,
        target=target.code,
        user_id=trainee.id,
        progress_rows=copied,
        reason=reason,
    )
    return moved


def copy_progress(from_enrolment_id: int, to_enrolment_id: int) -> int:
    """Carry lesson progress over; where both have a lesson, the better result stays."""
    source_rows = db.session.scalars(
        select(LessonProgress).where(LessonProgress.enrolment_id == from_enrolment_id)
    ).all()
    existing = {
        row.lesson_id: row
        for row in db.session.scalars(
            select(LessonProgress).where(LessonProgress.enrolment_id == to_enrolment_id)
        )
    }
    copied = 0
    for row in source_rows:
        mine = existing.get(row.lesson_id)
        if mine is None:
            db.session.add(
                LessonProgress(
                    enrolment_id=to_enrolment_id,
                    lesson_id=row.lesson_id,
                    done_at=row.done_at,
                    best_score=row.best_score,
                    quiz_passed=row.quiz_passed,
                    last_activity_at=row.last_activity_at,
                )
            )
            copied += 1
            continue
        if mine.done_at is None or (row.done_at is not None and row.done_at < mine.done_at):
            mine.done_at = row.done_at or mine.done_at
        if row.best_score is not None and (mine.best_score or -1) < row.best_score:
            mine.best_score = row.best_score
        mine.quiz_passed = mine.quiz_passed or row.quiz_passed
        mine.last_activity_at = max(mine.last_activity_at, row.last_activity_at)
    db.session.flush()
    return copied
