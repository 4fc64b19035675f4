"""Programme years and their targets: setting a target, and its append-only history."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from flask_babel import format_decimal
from flask_babel import gettext as _
from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError

from academy.audit.service import record
from academy.auth.models import User
from academy.dates import MAX_YEAR, MIN_YEAR
from academy.errors import Conflict, Invalid
from academy.extensions import db
from academy.reporting.headcount import default_period
from academy.reporting.models import ProgrammeYear, TargetChange

MAX_TARGET = 1_000_000
MAX_REASON = 500


def check_year(year: int) -> None:
    if not MIN_YEAR <= year <= MAX_YEAR:
        raise Invalid(
            _("The year must be between %(min)s and %(max)s.", min=MIN_YEAR, max=MAX_YEAR),
            {"year": [f"{MIN_YEAR} to {MAX_YEAR}."]},
        )


def ensure_year(year: int) -> ProgrammeYear:
    """The stored programme year, created with the default target the first time it is needed."""
    check_year(year)
    row = db.session.get(ProgrammeYear, year)
    if row is not None:
        return row
    period = default_period(year)
    row = ProgrammeYear(
        year=year, target=period.target, starts_on=period.starts_on, ends_on=period.ends_on
    )
    try:
        with db.session.begin_nested():
            db.session.add(row)
            db.session.flush()
    except IntegrityError:
        # Someone else created it meanwhile; theirs is as good as ours.
        row = db.session.get(ProgrammeYear, year, populate_existing=True)
        if row is None:
            raise
    return row


def set_target(actor: User, year: int, target: int, reason: str = "") -> TargetChange:
    """Set the year's target; the change is appended to its history and audited."""
    if isinstance(target, bool) or not isinstance(target, int):
        raise Invalid(_("The target must be a whole number."), {"target": [_("A whole number.")]})
    if not 0 <= target <= MAX_TARGET:
        raise Invalid(
            _("The target must be between 0 and %(max)s.", max=format_decimal(MAX_TARGET)),
            {"target": [f"0 to {MAX_TARGET:,}."]},
        )
    reason = (reason or "").strip()
    if len(reason) > MAX_REASON:
        raise Invalid(_("Keep the reason under 500 characters."), {"reason": [_("Too long.")]})
    row = ensure_year(year)
    old = row.target
    if old == target:
        raise Invalid(
            _("The target for %(year)s is already %(target)s.", year=year, target=target),
            {"target": [_("Unchanged.")]},
        )
    # Compare-and-set, so two managers saving at once cannot both record the same "old" value.
    changed = db.session.execute(
        update(ProgrammeYear)
        .where(ProgrammeYear.year == year, ProgrammeYear.target == old)
        .values(target=target)
        .execution_options(synchronize_session=False)
    ).rowcount
    if not changed:
        raise Conflict(_("Someone changed this target meanwhile; reload and try again."))
    db.session.expire(row, ["target"])
    change = TargetChange(
        year=year, old_target=old, new_target=target, reason=reason, actor_id=actor.id
    )
    db.session.add(change)
    db.session.flush()
    record(actor, "target.change", "programme_year", year, old=old, new=target, reason=reason)
    return change


@dataclass(frozen=True)
class HistoryEntry:
    at: datetime
    old_target: int | None
    new_target: int
    reason: str
    actor_name: str | None


def target_history(year: int) -> list[HistoryEntry]:
    """The year's target changes, newest first, with who made them (one query)."""
    stmt = (
        select(TargetChange, User.name)
        .outerjoin(User, User.id == TargetChange.actor_id)
        .where(TargetChange.year == year)
        .order_by(TargetChange.at.desc(), TargetChange.id.desc())
    )
    return [
        HistoryEntry(change.at, change.old_target, change.new_target, change.reason, name)
        for change, name in db.session.execute(stmt)
    ]
