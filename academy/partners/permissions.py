"""Who may see which partner: the same rule as a check and as a query."""

from __future__ import annotations

from sqlalchemy import Select, false, select

from academy.auth.models import User
from academy.extensions import db
from academy.partners.models import Partner
from academy.permissions import require

PROGRAMME_ROLES = ("manager", "admin")


def can_view_report(user: User | None, partner_id: int) -> bool:
    """Programme staff see every partner's report; a partner user only their own."""
    if user is None:
        return False
    if user.has_role(*PROGRAMME_ROLES):
        return True
    return user.has_role("partner") and user.partner_id == partner_id


def visible_partners(user: User | None) -> Select:
    """The partners whose reports the user may open (can_view_report as SQL)."""
    stmt = select(Partner)
    if user is None:
        return stmt.where(false())
    if user.has_role(*PROGRAMME_ROLES):
        return stmt
    if user.has_role("partner") and user.partner_id is not None:
        return stmt.where(Partner.id == user.partner_id)
    return stmt.where(false())


def report_partner_or_404(user: User | None, partner_id: int) -> Partner:
    """The partner if the user may see its report; otherwise 404, so others' ids reveal nothing."""
    partner = db.session.scalar(visible_partners(user).where(Partner.id == partner_id))
    require(partner is not None and can_view_report(user, partner.id))
    return partner
