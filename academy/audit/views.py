"""The audit log page for admins: filters, and pages of events newest first."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from flask import current_app, render_template, request, url_for
from flask_babel import gettext as _

from academy.audit import bp
from academy.audit.queries import AuditFilter, audit_page
from academy.forms import whole_number
from academy.permissions import requires
from academy.security import MAX_ID

PAGE_SIZE = 100
EARLIEST, LATEST = date(1900, 1, 1), date(2200, 12, 31)
FILTERS = ("action", "actor", "object_type", "object_id", "start", "end")


def _day(name: str, errors: list[str]) -> date | None:
    value = request.args.get(name, "").strip()
    if not value:
        return None
    try:
        # Clamped: nothing is logged outside these years, and day arithmetic stays in range.
        return min(max(date.fromisoformat(value), EARLIEST), LATEST)
    except ValueError:
        errors.append(_("“%(value)s” is not a date (use YYYY-MM-DD); it was ignored.", value=value))
        return None


def _utc_midnight(day: date) -> datetime:
    """The start of a day in the academy's time zone (the zone times are shown in), in UTC."""
    zone = ZoneInfo(current_app.config["BABEL_DEFAULT_TIMEZONE"])
    return datetime.combine(day, time.min, tzinfo=zone).astimezone(ZoneInfo("UTC"))


def _before() -> int | None:
    value = request.args.get("before", "")
    return whole_number(value, MAX_ID)


@bp.get("/admin/audit")
@requires("admin.operate")
def index():
    args = {
        # Every action is lower case; SQLite's LIKE ignored case here, so "User" still finds them.
        "action": request.args.get("action", "").strip().lower()[:60],
        "actor": request.args.get("actor", "").strip().lower()[:254],
        "object_type": request.args.get("object_type", "").strip()[:40],
        "object_id": request.args.get("object_id", "").strip()[:40],
    }
    errors: list[str] = []
    start, end = _day("start", errors), _day("end", errors)
    where = AuditFilter(
        **args,
        start_at=_utc_midnight(start) if start else None,
        # inclusive: up to the end of that day
        end_at=_utc_midnight(end + timedelta(days=1)) if end else None,
    )
    before = _before()
    # One row more than a page says whether an older page exists, without counting them all.
    rows = audit_page(where, before=before, size=PAGE_SIZE + 1)
    kept = {k: v for k, v in {**args, "start": start, "end": end}.items() if v}
    older = None
    if len(rows) > PAGE_SIZE:
        rows = rows[:PAGE_SIZE]
        older = url_for("audit.index", **kept, before=rows[-1][0].id)
    newest = url_for("audit.index", **kept) if before is not None else None
    return render_template(
        "audit/index.html",
        rows=rows,
        errors=errors,
        start=start,
        end=end,
        older=older,
        newest=newest,
        **args,
    )
