"""Bulk enrolment from a CSV: check every row, preview the outcome, then apply all or nothing.

The file's header is exactly `email,name,kind,region,organisation,consent_share`; its rows
are read and checked in import_rows. Applying runs in the caller's transaction with bulk
INSERTs, so ten thousand rows take a few seconds, and any failure rolls back everything.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import timedelta

from flask import has_request_context, request
from flask_babel import gettext as _
from flask_babel import ngettext
from sqlalchemy import func, insert, select, update

from academy.audit.models import AuditEvent
from academy.audit.service import record
from academy.auth.models import ConsentEvent, TraineeProfile, User, UserRole
from academy.cohorts.encodings import ImportFileError
from academy.cohorts.import_rows import (
    HEADER,
    ImportRow,
    decode,
    max_bytes,
    megabytes,
    parse,
    read,
)
from academy.cohorts.models import Cohort
from academy.enrolments import service as enrolments
from academy.enrolments.models import Enrolment, EnrolmentEvent
from academy.errors import Conflict, Invalid
from academy.extensions import db, utcnow

CHUNK = 1000

Progress = Callable[[str], None]

# What callers use; reading and checking rows lives in import_rows.
__all__ = [
    "HEADER",
    "ImportFileError",
    "ImportPlan",
    "ImportRow",
    "apply",
    "decode",
    "max_bytes",
    "megabytes",
    "parse",
    "plan",
    "read",
]


@dataclass
class ImportPlan:
    rows: list[ImportRow] = field(default_factory=list)
    errors: list[tuple[int, str]] = field(default_factory=list)
    cohort: Cohort | None = None
    new_users: int = 0
    existing_users: int = 0
    already_in: list[ImportRow] = field(default_factory=list)
    to_enrol: list[ImportRow] = field(default_factory=list)
    seats: int = 0
    waitlisted: int = 0

    @property
    def ok(self) -> bool:
        return not self.errors

    @property
    def bad_rows(self) -> int:
        """Rows with at least one problem (a row can have several)."""
        return len({number for number, _reason in self.errors})

    @property
    def rows_read(self) -> int:
        return len(self.rows) + self.bad_rows


def _chunks(items: list, size: int = CHUNK):
    for start in range(0, len(items), size):
        yield items[start : start + size]


def plan(text: str, cohort: Cohort | None) -> ImportPlan:
    """What applying the file would do, against the database as it is now."""
    rows, errors = parse(text)
    result = ImportPlan(rows=rows, errors=errors, cohort=cohort)
    by_email = {row.email: row for row in rows}
    roles: dict[int, set[str]] = {}
    for chunk in _chunks(list(by_email)):
        matched = db.session.execute(
            select(User.id, User.email, UserRole.role)
            .outerjoin(UserRole, UserRole.user_id == User.id)
            .where(User.email.in_(chunk))
        )
        for user_id, email, role in matched:
            by_email[email].user_id = user_id
            roles.setdefault(user_id, set()).add(role)
    for row in rows:
        if row.user_id is not None and "trainee" not in roles[row.user_id]:
            staff = ", ".join(sorted(r for r in roles[row.user_id] if r)) or _("no role")
            errors.append(
                (
                    row.row,
                    _(
                        "%(email)s is an existing account (%(roles)s), not a trainee",
                        email=row.email,
                        roles=staff,
                    ),
                )
            )
    errors.sort()
    result.existing_users = sum(1 for row in rows if row.user_id is not None)
    result.new_users = len(rows) - result.existing_users
    if cohort is None:
        return result
    status: dict[int, tuple[int, str]] = {}
    existing_ids = [row.user_id for row in rows if row.user_id is not None]
    for chunk in _chunks(existing_ids):
        for enrolment_id, user_id, state in db.session.execute(
            select(Enrolment.id, Enrolment.user_id, Enrolment.status).where(
                Enrolment.cohort_id == cohort.id, Enrolment.user_id.in_(chunk)
            )
        ):
            status[user_id] = (enrolment_id, state)
    for row in rows:
        enrolment_id, state = status.get(row.user_id, (None, None))
        if state is not None and state != "withdrawn":
            result.already_in.append(row)
            continue
        row.enrolment_id = enrolment_id
        result.to_enrol.append(row)
    capacity, taken = db.session.execute(
        select(Cohort.capacity, Cohort.seats_taken).where(Cohort.id == cohort.id)
    ).one()
    result.seats = min(max(capacity - taken, 0), len(result.to_enrol))
    result.waitlisted = len(result.to_enrol) - result.seats
    return result


def apply(
    actor: User | None, text: str, cohort: Cohort | None, progress: Progress | None = None
) -> ImportPlan:
    """Create the new trainees and enrol everyone, or raise and change nothing.

    Runs inside the caller's transaction; the caller commits. The cohort row is locked first
    so the seats counted here are the seats given out.
    """
    say = progress or (lambda _message: None)
    if cohort is not None:
        # Take the cohort's row lock (PostgreSQL) before counting seats; on SQLite the
        # transaction already holds the write lock.
        db.session.execute(
            update(Cohort).where(Cohort.id == cohort.id).values(seats_taken=Cohort.seats_taken)
        )
        enrolments.promote_waitlist(actor, cohort.id)
    result = plan(text, cohort)
    say(f"Checked {result.rows_read} rows.")
    if result.errors:
        raise Invalid(
            ngettext(
                "%(num)d row is not valid; nothing was imported.",
                "%(num)d rows are not valid; nothing was imported.",
                result.bad_rows,
            ),
            {
                "rows": [
                    _("Row %(n)s: %(reason)s", n=n, reason=reason) for n, reason in result.errors
                ]
            },
        )
    now = utcnow()
    ip = request.remote_addr if has_request_context() else None
    actor_id = actor.id if actor else None
    _create_users(result, now, actor_id, ip, say)
    if cohort is not None:
        _enrol(result, cohort, now, actor_id, ip, say)
    record(
        actor,
        "cohort.import" if cohort else "user.import",
        "cohort" if cohort else "user",
        cohort.id if cohort else None,
        new_users=result.new_users,
        existing_users=result.existing_users,
        enrolled=result.seats,
        waitlisted=result.waitlisted,
        already_in=len(result.already_in),
    )
    return result


def _create_users(result: ImportPlan, now, actor_id, ip, say: Progress) -> None:
    new = [row for row in result.rows if row.user_id is None]
    done = 0
    for chunk in _chunks(new):
        taken = db.session.scalar(
            select(func.count(User.id)).where(User.email.in_([r.email for r in chunk]))
        )
        if taken:
            raise Conflict(_("Some of these accounts were created meanwhile; preview again."))
        ids = db.session.execute(
            insert(User).returning(User.id, sort_by_parameter_order=True),
            [{"email": r.email, "name": r.name, "created_at": now} for r in chunk],
        ).scalars()
        for row, user_id in zip(chunk, ids, strict=True):
            row.user_id = user_id
        db.session.execute(
            insert(UserRole), [{"user_id": r.user_id, "role": "trainee"} for r in chunk]
        )
        db.session.execute(
            insert(TraineeProfile),
            [
                {
                    "user_id": r.user_id,
                    "kind": r.kind,
                    "region": r.region,
                    "organisation": r.organisation,
                    "consent_share": r.consent,
                    "consent_changed_at": now if r.consent else None,
                }
                for r in chunk
            ],
        )
        consents = [{"user_id": r.user_id, "given": True, "at": now} for r in chunk if r.consent]
        if consents:
            db.session.execute(insert(ConsentEvent), consents)
        _audit(
            [
                (actor_id, "user.create", "user", r.user_id, {"email": r.email, "via": "import"})
                for r in chunk
            ],
            now,
            ip,
        )
        done += len(chunk)
        say(f"Created {done} of {len(new)} new trainees.")


def _enrol(result: ImportPlan, cohort: Cohort, now, actor_id, ip, say: Progress) -> None:
    seated = set(id(row) for row in result.to_enrol[: result.seats])
    db.session.execute(
        update(Cohort)
        .where(Cohort.id == cohort.id)
        .values(seats_taken=Cohort.seats_taken + result.seats)
        .execution_options(synchronize_session=False)
    )
    db.session.expire(cohort, ["seats_taken"])
    done = seated_so_far = 0
    # Arrival order is file order: queued_at steps by a microsecond per row.
    queued = {id(row): now + timedelta(microseconds=i) for i, row in enumerate(result.to_enrol)}
    for chunk in _chunks(result.to_enrol):
        fresh = [row for row in chunk if row.enrolment_id is None]
        if fresh:
            ids = db.session.execute(
                insert(Enrolment).returning(Enrolment.id, sort_by_parameter_order=True),
                [
                    {
                        "cohort_id": cohort.id,
                        "user_id": row.user_id,
                        "status": "enrolled" if id(row) in seated else "waitlisted",
                        "queued_at": queued[id(row)],
                        "created_at": now,
                        "status_changed_at": now,
                    }
                    for row in fresh
                ],
            ).scalars()
            for row, enrolment_id in zip(fresh, ids, strict=True):
                row.enrolment_id = enrolment_id
            from_status = dict.fromkeys((id(row) for row in fresh), None)
        else:
            from_status = {}
        for row in chunk:
            if id(row) in from_status:
                continue
            claimed = db.session.execute(
                update(Enrolment)
                .where(Enrolment.id == row.enrolment_id, Enrolment.status == "withdrawn")
                .values(
                    status="enrolled" if id(row) in seated else "waitlisted",
                    queued_at=queued[id(row)],
                    status_changed_at=now,
                )
                .execution_options(synchronize_session=False)
            ).rowcount
            if not claimed:
                raise Conflict(
                    _("Row %(n)s: this enrolment changed meanwhile; preview again.", n=row.row)
                )
            from_status[id(row)] = "withdrawn"
        db.session.execute(
            insert(EnrolmentEvent),
            [
                {
                    "enrolment_id": row.enrolment_id,
                    "from_status": from_status[id(row)],
                    "to_status": "enrolled" if id(row) in seated else "waitlisted",
                    "actor_id": actor_id,
                    "reason": "Bulk enrolment from CSV",
                    "at": now,
                }
                for row in chunk
            ],
        )
        _audit(
            [
                (
                    actor_id,
                    "enrolment.create",
                    "enrolment",
                    row.enrolment_id,
                    {"cohort": cohort.code, "user_id": row.user_id, "via": "import"},
                )
                for row in chunk
            ],
            now,
            ip,
        )
        done += len(chunk)
        seated_so_far += sum(1 for row in chunk if id(row) in seated)
        say(
            f"Placed {done} of {len(result.to_enrol)}: {seated_so_far} enrolled, "
            f"{done - seated_so_far} waitlisted."
        )


def _audit(events, now, ip) -> None:
    db.session.execute(
        insert(AuditEvent),
        [
            {
                "actor_id": actor_id,
                "action": action,
                "object_type": object_type,
                "object_id": str(object_id),
                "detail": detail,
                "ip": ip,
                "at": now,
            }
            for actor_id, action, object_type, object_id, detail in events
        ],
    )
