"""Seats, waitlists and the enrolment status history.

A seat is taken with one conditional UPDATE on the cohort's seat counter
(`seats_taken < capacity`), so two requests can never both take the last seat, on SQLite
or PostgreSQL; the check constraint `seats_taken <= capacity` backs it in the database.
"""

from __future__ import annotations

from flask_babel import gettext as _
from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError

from academy.audit.service import record
from academy.auth.models import User
from academy.cohorts.models import Cohort
from academy.dates import local_today
from academy.enrolments.models import SEATED, Enrolment, EnrolmentEvent
from academy.errors import Conflict, Invalid
from academy.extensions import db, utcnow


def _take_seat(cohort_id: int) -> bool:
    result = db.session.execute(
        update(Cohort)
        .where(Cohort.id == cohort_id, Cohort.seats_taken < Cohort.capacity)
        .values(seats_taken=Cohort.seats_taken + 1)
        .execution_options(synchronize_session=False)
    )
    return result.rowcount == 1


def _release_seat(cohort_id: int) -> None:
    db.session.execute(
        update(Cohort)
        .where(Cohort.id == cohort_id, Cohort.seats_taken > 0)
        .values(seats_taken=Cohort.seats_taken - 1)
        .execution_options(synchronize_session=False)
    )


def _expire_seats(cohort: Cohort) -> None:
    db.session.expire(cohort, ["seats_taken"])


def transition(
    enrolment: Enrolment, to_status: str, actor: User | None, reason: str = ""
) -> EnrolmentEvent:
    """Move an enrolment to a new status and append the change to its history."""
    event = EnrolmentEvent(
        enrolment_id=enrolment.id,
        from_status=enrolment.status,
        to_status=to_status,
        actor_id=actor.id if actor else None,
        reason=reason,
    )
    enrolment.status = to_status
    enrolment.status_changed_at = utcnow()
    db.session.add(event)
    return event


def enrol(actor: User | None, cohort: Cohort, trainee: User, reason: str = "") -> Enrolment:
    """Give the trainee a seat, or a waitlist place when the cohort is full.

    Raises Conflict when the trainee is already enrolled or waitlisted. A withdrawn trainee
    comes back on the same enrolment, so earlier progress is kept.
    """
    if not trainee.has_role("trainee"):
        raise Invalid(_("Only trainees can be enrolled."), {"user_id": [_("Not a trainee.")]})
    enrolment = db.session.scalar(
        select(Enrolment).where(Enrolment.cohort_id == cohort.id, Enrolment.user_id == trainee.id)
    )
    if enrolment is not None and enrolment.status != "withdrawn":
        raise Conflict(f"{trainee.name} is already in cohort {cohort.code} ({enrolment.status}).")
    now = utcnow()
    if enrolment is None:
        enrolment = Enrolment(
            cohort_id=cohort.id, user_id=trainee.id, status="waitlisted", queued_at=now
        )
        try:
            with db.session.begin_nested():
                db.session.add(enrolment)
                db.session.flush()
        except IntegrityError:
            raise Conflict(f"{trainee.name} is already in cohort {cohort.code}.") from None
        from_status = None
    else:
        from_status = enrolment.status
        # Claim the row, so two concurrent re-enrolments of one person cannot both pass.
        claimed = db.session.execute(
            update(Enrolment)
            .where(Enrolment.id == enrolment.id, Enrolment.status == "withdrawn")
            .values(queued_at=now)
            .execution_options(synchronize_session=False)
        ).rowcount
        if not claimed:
            raise Conflict(f"{trainee.name} is already in cohort {cohort.code}.")
        enrolment.queued_at = now
    seated = _take_seat(cohort.id)
    event = transition(enrolment, "enrolled" if seated else "waitlisted", actor, reason)
    event.from_status = from_status
    _expire_seats(cohort)
    record(
        actor,
        "enrolment.create",
        "enrolment",
        enrolment.id,
        cohort=cohort.code,
        user_id=trainee.id,
        status=enrolment.status,
    )
    return enrolment


def withdraw(actor: User | None, enrolment: Enrolment, reason: str = "") -> Enrolment:
    """Withdraw the trainee; a freed seat goes to the oldest waitlisted at once."""
    if enrolment.status == "withdrawn":
        raise Conflict(_("This enrolment is already withdrawn."))
    if enrolment.status == "completed":
        raise Conflict(_("A completed enrolment cannot be withdrawn; revoke the completion first."))
    held_seat = enrolment.status in SEATED
    claimed = db.session.execute(
        update(Enrolment)
        .where(Enrolment.id == enrolment.id, Enrolment.status == enrolment.status)
        .values(status="withdrawn")
        .execution_options(synchronize_session=False)
    ).rowcount
    if not claimed:
        raise Conflict(_("This enrolment changed meanwhile; reload and try again."))
    transition(enrolment, "withdrawn", actor, reason)
    record(actor, "enrolment.withdraw", "enrolment", enrolment.id, reason=reason)
    if held_seat:
        _release_seat(enrolment.cohort_id)
        promote_waitlist(actor, enrolment.cohort_id)
    return enrolment


def promote_waitlist(actor: User | None, cohort_id: int) -> list[Enrolment]:
    """Fill free seats from the waitlist, oldest first."""
    promoted: list[Enrolment] = []
    skipped: set[int] = set()
    while True:
        query = (
            select(Enrolment)
            .where(Enrolment.cohort_id == cohort_id, Enrolment.status == "waitlisted")
            .order_by(Enrolment.queued_at, Enrolment.id)
            .limit(1)
        )
        if skipped:
            query = query.where(Enrolment.id.not_in(skipped))
        candidate = db.session.scalar(query)
        if candidate is None or not _take_seat(cohort_id):
            break
        claimed = db.session.execute(
            update(Enrolment)
            .where(Enrolment.id == candidate.id, Enrolment.status == "waitlisted")
            .values(status="enrolled")
            .execution_options(synchronize_session=False)
        ).rowcount
        if not claimed:  # someone else moved this person meanwhile
            _release_seat(cohort_id)
            skipped.add(candidate.id)
            continue
        candidate.status = "waitlisted"
        transition(candidate, "enrolled", actor, "Promoted from the waitlist")
        record(actor, "enrolment.promote", "enrolment", candidate.id)
        promoted.append(candidate)
    cohort = db.session.get(Cohort, cohort_id)
    if cohort is not None:
        _expire_seats(cohort)
    return promoted


def set_capacity(actor: User | None, cohort: Cohort, capacity: int) -> list[Enrolment]:
    """Change a cohort's capacity; raising it promotes from the waitlist."""
    # Locked, so a seat taken meanwhile is counted here rather than breaking the database's
    # capacity check at the UPDATE (a 500 on PostgreSQL, where the two could interleave).
    db.session.refresh(cohort, ["seats_taken"], with_for_update=True)
    taken = cohort.seats_taken
    if capacity < taken:
        raise Invalid(
            _("%(n)s seats are taken; capacity cannot go below that.", n=taken),
            {"capacity": [_("At least %(n)s.", n=taken)]},
        )
    old = cohort.capacity
    cohort.capacity = capacity
    db.session.flush()
    record(actor, "cohort.capacity", "cohort", cohort.id, old=old, new=capacity)
    return promote_waitlist(actor, cohort.id) if capacity > old else []


def mark_completed(actor: User | None, enrolment: Enrolment, reason: str = "") -> None:
    if enrolment.status != "completed":
        transition(enrolment, "completed", actor, reason)


def reopen(actor: User | None, enrolment: Enrolment, reason: str) -> None:
    """A revoked completion puts the enrolment back to enrolled (it keeps its seat)."""
    if enrolment.status == "completed":
        transition(enrolment, "enrolled", actor, reason)


def join(trainee: User, cohort: Cohort, invite_code: str | None = None) -> Enrolment:
    """A trainee asks for a seat themselves: open cohorts, or invite cohorts with their code.

    Staff-only cohorts are filled by staff; a full cohort puts the trainee on its waitlist.
    """
    import hmac

    from academy.errors import Forbidden

    if cohort.policy == "staff":
        raise Forbidden(_("Staff enrol people in this cohort; it cannot be joined directly."))
    confirmed = db.session.scalar(select(User.email_confirmed_at).where(User.id == trainee.id))
    if confirmed is None:
        # A certificate carries the account's name and is publicly verifiable: whoever earns
        # one must at least hold the address they signed up with. Staff enrolments vouch.
        raise Forbidden(
            _(
                "Confirm your email address before joining a cohort: open the link we sent "
                "you, or send a new one from your profile."
            )
        )
    if cohort.policy == "invite":
        given = (invite_code or "").strip().upper().encode()
        expected = (cohort.invite_code or "").strip().upper().encode()
        if not expected or not hmac.compare_digest(given, expected):
            raise Invalid(
                _("That invite code does not open this cohort."),
                {"invite_code": [_("Check the code you were given.")]},
            )
    if cohort.end_on < local_today():
        raise Conflict(_("This cohort has already ended."))
    return enrol(trainee, cohort, trainee, "Joined by the trainee")
