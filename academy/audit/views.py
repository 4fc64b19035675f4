"""The audit log page for admins."""

from flask import render_template, request
from sqlalchemy import select

from academy.audit import bp
from academy.audit.models import AuditEvent
from academy.auth.models import User
from academy.extensions import db
from academy.permissions import requires

PAGE_SIZE = 100


@bp.get("/admin/audit")
@requires("admin.operate")
def index():
    action = request.args.get("action", "").strip()[:60]
    actor = request.args.get("actor", "").strip().lower()[:254]
    query = (
        select(AuditEvent, User.email)
        .outerjoin(User, User.id == AuditEvent.actor_id)
        .order_by(AuditEvent.id.desc())
        .limit(PAGE_SIZE)
    )
    if action:
        query = query.where(AuditEvent.action.startswith(action, autoescape=True))
    if actor:
        query = query.where(User.email == actor)
    rows = db.session.execute(query).all()
    return render_template("audit/index.html", rows=rows, action=action, actor=actor)
