"""Changes in the partners domain: organisations, their users, issued report snapshots."""

from __future__ import annotations

import hashlib
import json

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from academy.audit.service import record, record_during_read
from academy.auth.models import User
from academy.auth.service import create_user
from academy.errors import Conflict, Invalid
from academy.extensions import db
from academy.partners import queries
from academy.partners.models import PARTNER_KINDS, Partner, ReportSnapshot
from academy.partners.queries import ReportPeriod

MAX_NAME = 200
NAME_TAKEN = _l("That partner name is already in use.")


def _checked(name: str, kind: str) -> tuple[str, str]:
    fields: dict[str, list[str]] = {}
    name = (name or "").strip()
    if not name or len(name) > MAX_NAME:
        fields["name"] = [_("Enter a name of 1 to %(max)s characters.", max=MAX_NAME)]
    if kind not in PARTNER_KINDS:
        fields["kind"] = [_("Choose one of: %(choices)s.", choices=", ".join(PARTNER_KINDS))]
    if fields:
        raise Invalid(_("The partner could not be saved."), fields)
    return name, kind


def _name_taken(name: str, except_id: int | None = None) -> bool:
    stmt = select(Partner.id).where(func.lower(Partner.name) == name.lower())
    if except_id is not None:
        stmt = stmt.where(Partner.id != except_id)
    return db.session.scalar(stmt) is not None


def _flush_unique(obj) -> None:
    """Flush inside a savepoint so a racing duplicate becomes a Conflict, not a 500."""
    try:
        with db.session.begin_nested():
            db.session.add(obj)
            db.session.flush()
    except IntegrityError as error:
        raise Conflict(NAME_TAKEN, {"name": [_("Already in use.")]}) from error


def create_partner(actor: User, *, name: str, kind: str) -> Partner:
    name, kind = _checked(name, kind)
    if _name_taken(name):
        raise Conflict(NAME_TAKEN, {"name": [_("Already in use.")]})
    partner = Partner(name=name, kind=kind)
    _flush_unique(partner)
    record(actor, "partner.create", "partner", partner.id, name=name, kind=kind)
    return partner


def update_partner(actor: User, partner: Partner, *, name: str, kind: str) -> Partner:
    name, kind = _checked(name, kind)
    if _name_taken(name, except_id=partner.id):
        raise Conflict(NAME_TAKEN, {"name": [_("Already in use.")]})
    before = {"name": partner.name, "kind": partner.kind}
    partner.name, partner.kind = name, kind
    _flush_unique(partner)
    record(actor, "partner.update", "partner", partner.id, before=before, name=name, kind=kind)
    return partner


def create_partner_user(actor: User, partner: Partner, *, email: str, name: str) -> User:
    """An account with the partner role, tied to this partner only."""
    return create_user(actor, email=email, name=name, roles=["partner"], partner_id=partner.id)


def canonical_json(payload: dict) -> str:
    return json.dumps(payload, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def content_hash(payload: dict) -> str:
    """SHA-256 of the canonical JSON: anyone holding the payload can check it."""
    return hashlib.sha256(canonical_json(payload).encode("utf-8")).hexdigest()


def issue_snapshot(actor: User, partner: Partner, period: ReportPeriod) -> ReportSnapshot:
    """Freeze the partner's quarterly report as computed now, under the next number."""
    if period.quarter is None:
        raise Invalid(_("A report is issued for a quarter."), {"quarter": [_("Choose a quarter.")]})
    payload = queries.talent_supply(partner, period)
    # Round-trip so the stored payload is exactly what its hash describes.
    payload = json.loads(canonical_json(payload))
    number = (
        db.session.scalar(
            select(func.max(ReportSnapshot.number)).where(ReportSnapshot.partner_id == partner.id)
        )
        or 0
    ) + 1
    snapshot = ReportSnapshot(
        partner_id=partner.id,
        number=number,
        title=period.label,
        period_start=period.start,
        period_end=period.end,
        payload=payload,
        content_hash=content_hash(payload),
        issued_by_id=actor.id,
    )
    try:
        with db.session.begin_nested():
            db.session.add(snapshot)
            db.session.flush()
    except IntegrityError as error:
        raise Conflict(_("Another report was issued at the same moment; try again.")) from error
    record(
        actor,
        "report.issue",
        "partner",
        partner.id,
        number=number,
        period=period.label,
        content_hash=snapshot.content_hash,
    )
    return snapshot


def record_export(actor: User, partner: Partner, fmt: str, period_label: str, **detail) -> None:
    """Audit an export; commits (see audit.service.record_during_read)."""
    record_during_read(
        actor, "report.export", "partner", partner.id, format=fmt, period=period_label, **detail
    )
