"""Writing to the audit log."""

from __future__ import annotations

from typing import TYPE_CHECKING

from flask import has_request_context, request

from academy.audit.models import AuditEvent
from academy.extensions import db

if TYPE_CHECKING:
    from academy.auth.models import User


def record(
    actor: User | None, action: str, object_type: str, object_id: object = None, **detail
) -> AuditEvent:
    """Append one audit event; the caller's transaction commits it with the change it describes."""
    event = AuditEvent(
        actor_id=actor.id if actor is not None else None,
        action=action,
        object_type=object_type,
        object_id=None if object_id is None else str(object_id),
        detail=detail,
        ip=request.remote_addr if has_request_context() else None,
    )
    db.session.add(event)
    return event


def record_during_read(
    actor: User | None, action: str, object_type: str, object_id: object = None, **detail
) -> None:
    """Audit a read that must leave a trace (an export), and commit it.

    On SQLite a GET request's transaction starts as a reader; one that then writes fails at
    once if another writer got in first. Ending the read before the insert lets the insert
    queue for the write lock like any other. Loaded objects stay usable afterwards.
    """
    session = db.session()
    session.expire_on_commit = False
    try:
        session.commit()
        record(actor, action, object_type, object_id, **detail)
        session.commit()
    finally:
        session.expire_on_commit = True
