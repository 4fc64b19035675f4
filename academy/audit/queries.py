"""Reads for the audit log page: a page of events, newest first, in a fixed number of queries.

Events are paged by (at, id), which the composite indexes on audit_events end with, so each
filter the page offers reads the page's rows in order from one index instead of sorting every
event that matches.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select, tuple_, union_all

from academy.audit.models import AuditEvent
from academy.auth.models import User
from academy.extensions import db

LAST_CHAR = 0x10FFFF
SURROGATES = range(0xD800, 0xE000)


@dataclass(frozen=True)
class AuditFilter:
    action: str = ""  # a prefix
    actor: str = ""  # an email, lower case
    object_type: str = ""
    object_id: str = ""
    start_at: datetime | None = None
    end_at: datetime | None = None  # exclusive


def prefix_range(prefix: str) -> tuple[str, str | None]:
    """[low, high): the strings that start with `prefix`, in code point order.

    high is the prefix with its last character incremented (None when no string is above them
    all). UTF-8 bytes sort as code points, so this is the order of SQLite's BINARY collation and
    of PostgreSQL's "C" (the collation of audit_events.action there).
    """
    stem = prefix.rstrip(chr(LAST_CHAR))
    if not stem:
        return prefix, None
    following = ord(stem[-1]) + 1
    if following in SURROGATES:  # not characters: the next one is U+E000
        following = SURROGATES.stop
    return prefix, stem[:-1] + chr(following)


def actions_starting(prefix: str) -> list[str]:
    """The distinct actions logged that start with `prefix`: one index seek per action found."""
    low, high = prefix_range(prefix)
    action = AuditEvent.action
    below = [action < high] if high is not None else []
    found = select(func.min(action).label("action")).where(action >= low, *below)
    found = found.cte("found", recursive=True)
    following = select(func.min(action)).where(action > found.c.action, *below)
    found = found.union_all(select(following.scalar_subquery()).where(found.c.action.is_not(None)))
    return list(db.session.scalars(select(found.c.action).where(found.c.action.is_not(None))))


def audit_page(
    where: AuditFilter, *, before: int | None, size: int
) -> list[tuple[AuditEvent, str | None]]:
    """Up to `size` events matching `where` older than event `before`, newest first, with
    their actors' emails. Two queries with an action filter, one without."""
    conditions = []
    if before is not None:
        # After that event in the page order; an id that names no event names no page. First,
        # so SQLite takes it, not the end date, as the top of the index range it reads.
        at = select(AuditEvent.at).where(AuditEvent.id == before).scalar_subquery()
        conditions.append(tuple_(AuditEvent.at, AuditEvent.id) < tuple_(at, before))
    if where.actor:
        actor_id = select(User.id).where(User.email == where.actor).scalar_subquery()
        conditions.append(AuditEvent.actor_id == actor_id)
    if where.object_type:
        conditions.append(AuditEvent.object_type == where.object_type)
    if where.object_id:
        conditions.append(AuditEvent.object_id == where.object_id)
    if where.start_at is not None:
        conditions.append(AuditEvent.at >= where.start_at)
    if where.end_at is not None:
        conditions.append(AuditEvent.at < where.end_at)
    newest_first = (AuditEvent.at.desc(), AuditEvent.id.desc())

    if not where.action:
        query = select(AuditEvent, User.email).where(*conditions)
    else:
        # The range of actions the prefix spans, as the distinct actions in it (seldom more than
        # a few): each one's newest events come in order from the index on (action, at, id),
        # where a range of actions would need every matching event sorted.
        actions = actions_starting(where.action)
        if not actions:
            return []
        newest = [
            select(AuditEvent.id)
            .where(*conditions, AuditEvent.action == action)
            .order_by(*newest_first)
            .limit(size)
            .subquery()
            for action in actions
        ]
        page = union_all(*(select(each) for each in newest)).subquery()
        query = select(AuditEvent, User.email).join(page, page.c.id == AuditEvent.id)
    query = (
        query.outerjoin(User, User.id == AuditEvent.actor_id).order_by(*newest_first).limit(size)
    )
    return [(event, email) for event, email in db.session.execute(query)]
