"""Cohort lists, the cohort page, the roster matrix and one trainee's record."""

from __future__ import annotations

from flask import abort, render_template, request
from flask_babel import gettext as _
from sqlalchemy import select

from academy.cohorts import bp, queries
from academy.cohorts import roster as rosters
from academy.cohorts.export import matrix_table
from academy.cohorts.forms import CompletionForm, MoveForm, RevokeForm, WithdrawForm
from academy.cohorts.permissions import manages_all
from academy.cohorts.views.common import managed_cohort, trainee_in
from academy.courses.models import Course
from academy.dates import local_today
from academy.enrolments.models import STATUSES
from academy.exports import csv_response, xlsx_response
from academy.extensions import db
from academy.forms import choices, whole_number
from academy.partners.models import Partner
from academy.permissions import allowed, current_actor, requires
from academy.progress.learning import live_lesson_names
from academy.security import MAX_ID

PER_PAGE = 25


def _int_arg(name: str) -> int | None:
    value = request.args.get(name, "")
    return whole_number(value, MAX_ID)


@bp.get("/cohorts")
@requires("cohort.list")
def index():
    """Instructors: the cohorts they teach. Managers: every cohort, filtered and paged."""
    user = current_actor()
    filters = {
        "year": _int_arg("year"),
        "course": request.args.get("course", "")[:100] or None,
        "partner_id": _int_arg("partner"),
    }
    page = max(_int_arg("page") or 1, 1)
    query = queries.filtered_cohorts(user, **filters)
    total = queries.count_cohorts(query)
    rows = queries.cohort_rows(query, limit=PER_PAGE, offset=(page - 1) * PER_PAGE)
    courses = partners = []
    if manages_all(user):
        courses = db.session.execute(select(Course.slug, Course.title).order_by(Course.title)).all()
        partners = db.session.execute(select(Partner.id, Partner.name).order_by(Partner.name)).all()
    return render_template(
        "cohorts/index.html",
        rows=rows,
        total=total,
        page=page,
        pages=max((total + PER_PAGE - 1) // PER_PAGE, 1),
        filters=filters,
        courses=courses,
        partners=partners,
        manages_all=manages_all(user),
        this_year=local_today().year,
    )


@bp.get("/cohorts/<int:cohort_id>")
@requires("cohort.view")
def detail(cohort_id: int):
    cohort = managed_cohort(cohort_id, instructors=True)
    enrolled, waitlisted, completed = queries.cohort_counts(cohort.id)
    return render_template(
        "cohorts/detail.html",
        cohort=cohort,
        enrolled=enrolled,
        waitlisted=waitlisted,
        completed=completed,
        sessions=queries.sessions(cohort.id),
        manages_all=manages_all(current_actor()),
    )


def _roster_view(cohort):
    matrix = rosters.roster(cohort)
    status = request.args.get("status", "")
    status = status if status in STATUSES else ""
    behind = request.args.get("behind") == "1"
    sort = request.args.get("sort", "name")
    sort = sort if sort in rosters.ROSTER_SORTS else "name"
    rows = rosters.filter_roster(matrix.rows, status=status, behind=behind, sort=sort)
    return matrix, rows, {"status": status, "behind": behind, "sort": sort}


@bp.get("/cohorts/<int:cohort_id>/roster")
@requires("cohort.roster")
def roster(cohort_id: int):
    """The trainee × lesson matrix: who is done, quiz scores, who is behind."""
    cohort = managed_cohort(cohort_id)
    matrix, rows, chosen = _roster_view(cohort)
    return render_template(
        "cohorts/roster.html",
        cohort=cohort,
        matrix=matrix,
        rows=rows,
        chosen=chosen,
        statuses=STATUSES,
        sorts=rosters.ROSTER_SORTS,
    )


@bp.get("/cohorts/<int:cohort_id>/roster.<fmt>")
@requires("cohort.roster")
def roster_export(cohort_id: int, fmt: str):
    """The matrix as shown (same filters and order), as CSV or an Excel workbook."""
    cohort = managed_cohort(cohort_id)
    if fmt not in ("csv", "xlsx"):
        abort(404)
    matrix, rows, _chosen = _roster_view(cohort)
    header, body = matrix_table(matrix, rows)
    name = f"roster-{cohort.code}-{local_today().isoformat()}"
    if fmt == "csv":
        return csv_response(f"{name}.csv", header, body)
    return xlsx_response(f"{name}.xlsx", [(_("Roster"), header, body)])


@bp.get("/cohorts/<int:cohort_id>/trainees/<int:enrolment_id>")
@requires("cohort.roster")
def trainee(cohort_id: int, enrolment_id: int):
    """One trainee in the cohort: lesson progress, status history, attendance, actions."""
    cohort = managed_cohort(cohort_id)
    enrolment, person = trainee_in(cohort, enrolment_id)
    # Each form its own prefix: on one page their fields would otherwise share ids ("reason").
    move = MoveForm(prefix="move")
    move.target.choices = choices(
        (c.id, f"{c.code} · {c.name}") for c in queries.move_targets(cohort, current_actor())
    )
    completion = CompletionForm(prefix="completion", completed_on=local_today())
    return render_template(
        "cohorts/trainee.html",
        cohort=cohort,
        enrolment=enrolment,
        person=person,
        lessons=live_lesson_names(cohort.course_id),
        progress=queries.trainee_progress(enrolment.id),
        history=queries.trainee_history(enrolment.id),
        completions=queries.trainee_completions(person.id, cohort.course_id),
        attendance=queries.session_attendance(cohort.id, enrolment.id),
        withdraw_form=WithdrawForm(prefix="withdraw"),
        move_form=move,
        completion_form=completion,
        can_complete=current_actor().has_role("instructor", "manager"),
        revoke_form=RevokeForm(prefix="revoke")
        if allowed(current_actor(), "completion.revoke")
        else None,
    )
