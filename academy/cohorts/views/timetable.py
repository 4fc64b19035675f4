"""Timetable and attendance pages for staff; the trainee's schedule and calendar feed."""

from __future__ import annotations

import hmac
from datetime import datetime
from zoneinfo import ZoneInfo

from flask import Response, abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import force_locale
from flask_babel import gettext as _
from itsdangerous import BadSignature, URLSafeSerializer
from sqlalchemy import select

from academy.audit.service import record
from academy.auth.models import User
from academy.auth.service import new_feed_key
from academy.cohorts import bp, queries
from academy.cohorts.calendar import calendar_text
from academy.cohorts.forms import SessionForm
from academy.cohorts.models import CohortSession
from academy.cohorts.timetable import delete_session, record_attendance, save_session
from academy.cohorts.views.common import managed_cohort
from academy.extensions import db
from academy.forms import carry_out
from academy.permissions import current_actor, public, requires
from academy.security import MAX_ID

LOCAL = ZoneInfo("Asia/Shanghai")  # Shenzhen and Hong Kong keep the same clock
FEED_SALT = "academy.schedule-feed"


def _session_of(cohort, session_id: int) -> CohortSession:
    session = db.session.get(CohortSession, session_id)
    if session is None or session.cohort_id != cohort.id:
        abort(404)
    return session


def _save(cohort, form: SessionForm, session: CohortSession | None) -> bool:
    def save():
        save_session(
            current_actor(),
            cohort,
            title=form.title.data,
            starts_at=datetime.combine(form.day.data, form.starts.data, LOCAL),
            ends_at=datetime.combine(form.day.data, form.ends.data, LOCAL),
            place=form.place.data,
            location=form.location.data or "",
            meeting_url=form.meeting_url.data or "",
            session=session,
        )

    return carry_out(form, save, {"starts_at": "starts", "ends_at": "ends"}).ok


@bp.route("/cohorts/<int:cohort_id>/sessions", methods=["GET", "POST"])
@requires("cohort.attendance")
def sessions(cohort_id: int):
    """The cohort's timetable, with a form to add a session."""
    cohort = managed_cohort(cohort_id)
    form = SessionForm()
    if form.validate_on_submit() and _save(cohort, form, None):
        flash(_("Session added."), "success")
        return redirect(url_for("cohorts.sessions", cohort_id=cohort.id))
    status = 422 if form.errors else 200
    return render_template(
        "cohorts/sessions.html", cohort=cohort, sessions=queries.sessions(cohort.id), form=form
    ), status


@bp.route("/cohorts/<int:cohort_id>/sessions/<int:session_id>/edit", methods=["GET", "POST"])
@requires("cohort.attendance")
def edit_session(cohort_id: int, session_id: int):
    cohort = managed_cohort(cohort_id)
    session = _session_of(cohort, session_id)
    starts, ends = session.starts_at.astimezone(LOCAL), session.ends_at.astimezone(LOCAL)
    form = SessionForm(
        data={
            "title": session.title,
            "day": starts.date(),
            "starts": starts.time(),
            "ends": ends.time(),
            "place": session.place,
            "location": session.location,
            "meeting_url": session.meeting_url,
        }
    )
    if form.validate_on_submit() and _save(cohort, form, session):
        flash(_("Session saved."), "success")
        return redirect(url_for("cohorts.sessions", cohort_id=cohort.id))
    status = 422 if form.errors else 200
    return render_template(
        "cohorts/session_form.html", cohort=cohort, session=session, form=form
    ), status


@bp.post("/cohorts/<int:cohort_id>/sessions/<int:session_id>/delete")
@requires("cohort.attendance")
def remove_session(cohort_id: int, session_id: int):
    cohort = managed_cohort(cohort_id)
    delete_session(current_actor(), _session_of(cohort, session_id))
    db.session.commit()
    flash(_("Session removed."), "success")
    return redirect(url_for("cohorts.sessions", cohort_id=cohort.id))


@bp.route("/cohorts/<int:cohort_id>/sessions/<int:session_id>/attendance", methods=["GET", "POST"])
@requires("cohort.attendance")
def attendance(cohort_id: int, session_id: int):
    """Tick who was there; saving again corrects earlier marks."""
    cohort = managed_cohort(cohort_id)
    session = _session_of(cohort, session_id)
    sheet = queries.attendance_sheet(session)
    if request.method == "POST":
        present = set(request.form.getlist("present"))
        marks = {enrolment.id: str(enrolment.id) in present for enrolment, _u, _p in sheet}
        changes = record_attendance(current_actor(), session, marks)
        db.session.commit()
        flash(_("Attendance saved (%(n)d changes).", n=changes), "success")
        return redirect(url_for("cohorts.attendance", cohort_id=cohort.id, session_id=session.id))
    return render_template("cohorts/attendance.html", cohort=cohort, session=session, sheet=sheet)


def _feed_serializer() -> URLSafeSerializer:
    return URLSafeSerializer(current_app.config["SECRET_KEY"], salt=FEED_SALT)


@bp.get("/schedule")
@requires("learning.own")
def schedule():
    """The trainee's class sessions and whether they were marked present."""
    user = current_actor()
    key = db.session.scalar(select(User.feed_key).where(User.id == user.id))
    token = _feed_serializer().dumps([user.id, key or ""])
    return render_template(
        "cohorts/schedule.html",
        rows=queries.schedule_for(user.id),
        feed_url=url_for("cohorts.schedule_feed", token=token, _external=True),
    )


@bp.post("/schedule/feed/new")
@requires("learning.own")
def new_feed_address():
    """Replace the calendar feed's address: the old one stops working at once."""
    user = db.session.get(User, current_actor().id)
    new_feed_key(user)
    record(user, "schedule.feed_replaced", "user", user.id)
    db.session.commit()
    flash(
        _("Your calendar has a new address: subscribe to it again; the old one no longer works."),
        "success",
    )
    return redirect(url_for("cohorts.schedule"))


def _feed_holder(token: str) -> User | None:
    try:
        held = _feed_serializer().loads(token)
    except BadSignature:
        return None
    if isinstance(held, int):  # an address made before keys: good until a key is set
        user_id, key = held, ""
    elif isinstance(held, list) and len(held) == 2:
        user_id, key = held
    else:
        return None
    if not isinstance(user_id, int) or isinstance(user_id, bool) or not isinstance(key, str):
        return None
    user = db.session.get(User, user_id) if 0 < user_id <= MAX_ID else None
    if user is None or not user.is_active_account:
        return None
    return user if hmac.compare_digest(key, user.feed_key or "") else None


@bp.get("/schedule/<token>.ics")
@public
def schedule_feed(token: str):
    """iCalendar feed: calendar apps send no cookies, so the signed token is the key."""
    user = _feed_holder(token)
    if user is None:
        abort(404)
    # In the holder's saved language: a calendar app's own headers say nothing of theirs.
    with force_locale(user.locale or current_app.config["BABEL_DEFAULT_LOCALE"]):
        text = calendar_text(queries.schedule_for(user.id))
    return Response(
        text,
        mimetype="text/calendar",
        headers={"Content-Disposition": 'inline; filename="academy-schedule.ics"'},
    )
