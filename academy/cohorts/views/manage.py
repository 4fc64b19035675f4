"""Creating and editing cohorts, and what staff do to one trainee: withdraw, move, complete."""

from __future__ import annotations

from flask import flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from academy.auth.models import User, UserRole
from academy.cohorts import bp, service
from academy.cohorts.forms import CohortForm, CompletionForm, MoveForm, RevokeForm, WithdrawForm
from academy.cohorts.permissions import can_manage_cohort
from academy.cohorts.queries import load_cohort
from academy.cohorts.views.common import managed_cohort, trainee_in
from academy.courses.models import Course
from academy.enrolments import service as enrolments
from academy.extensions import db
from academy.forms import carry_out, choices, flash_errors
from academy.partners.models import Partner
from academy.permissions import current_actor, require, requires
from academy.progress.models import CompletionRecord
from academy.progress.service import record_manual_completion
from academy.progress.service import revoke_completion as revoke
from academy.templating import label

# Form field names differ from the API's in places; service errors name the API's.
FORM_FIELDS = {"start_date": "start_on", "end_date": "end_on", "instructor_ids": "instructors"}


def _choices(form: CohortForm) -> dict[str, Course]:
    courses = {c.slug: c for c in db.session.scalars(select(Course).order_by(Course.title)).all()}
    form.course.choices = choices((slug, f"{c.title} ({slug})") for slug, c in courses.items())
    form.sponsor.choices = choices(
        [(0, _("None"))]
        + [(p.id, p.name) for p in db.session.scalars(select(Partner).order_by(Partner.name))]
    )
    form.instructors.choices = choices(
        (u.id, f"{u.name} <{u.email}>")
        for u in db.session.scalars(
            select(User)
            .join(UserRole, UserRole.user_id == User.id)
            .where(UserRole.role == "instructor", User.is_active_account.is_(True))
            .order_by(User.name)
        )
    )
    return courses


# How a refused cohort is shown: the service's field names on the form's, and one summary.
SHOWN = (FORM_FIELDS, _l("Please correct the marked fields."))


def _values(form: CohortForm, courses: dict[str, Course]) -> dict:
    return {
        "code": form.code.data,
        "name": form.name.data,
        "course": courses.get(form.course.data),
        "start_on": form.start_on.data,
        "end_on": form.end_on.data,
        "capacity": form.capacity.data,
        "delivery": form.delivery.data,
        "policy": form.policy.data,
        "sponsor_partner_id": form.sponsor.data or None,
        "instructor_ids": form.instructors.data or [],
    }


@bp.route("/cohorts/new", methods=["GET", "POST"])
@requires("cohort.create")
def create():
    form = CohortForm()
    courses = _choices(form)
    if form.validate_on_submit():
        done, cohort = carry_out(
            form, lambda: service.create_cohort(current_actor(), **_values(form, courses)), *SHOWN
        )
        if done:
            flash(_("Cohort %(code)s created.", code=cohort.code), "success")
            return redirect(url_for("cohorts.detail", cohort_id=cohort.id))
    return render_template("cohorts/form.html", form=form, cohort=None), 422 if form.errors else 200


@bp.route("/cohorts/<int:cohort_id>/edit", methods=["GET", "POST"])
@requires("cohort.edit")
def edit(cohort_id: int):
    cohort = managed_cohort(cohort_id, instructors=True)
    # Not obj=cohort: its course and instructors attributes are objects, not form values.
    form = CohortForm(
        data={
            **{k: getattr(cohort, k) for k in ("code", "name", "start_on", "end_on", "capacity")},
            "delivery": cohort.delivery,
            "policy": cohort.policy,
            "course": cohort.course.slug,
            "sponsor": cohort.sponsor_partner_id or 0,
            "instructors": [u.id for u in cohort.instructors],
        }
    )
    courses = _choices(form)
    if form.validate_on_submit():
        values = _values(form, courses)
        if carry_out(
            form, lambda: service.update_cohort(current_actor(), cohort, **values), *SHOWN
        ).ok:
            flash(_("Cohort %(code)s saved.", code=cohort.code), "success")
            return redirect(url_for("cohorts.detail", cohort_id=cohort.id))
        cohort = managed_cohort(cohort_id, instructors=True)  # as it stands, after the rollback
    status = 422 if form.errors else 200
    return render_template("cohorts/form.html", form=form, cohort=cohort), status


@bp.post("/cohorts/<int:cohort_id>/invite-code")
@requires("cohort.edit")
def new_invite_code(cohort_id: int):
    cohort = managed_cohort(cohort_id)
    service.regenerate_invite_code(current_actor(), cohort)
    db.session.commit()
    flash(_("A new invite code is in force; the old one no longer works."), "success")
    return redirect(url_for("cohorts.detail", cohort_id=cohort.id))


@bp.post("/cohorts/<int:cohort_id>/trainees/<int:enrolment_id>/withdraw")
@requires("cohort.enrol")
def withdraw(cohort_id: int, enrolment_id: int):
    cohort = managed_cohort(cohort_id)
    enrolment, person = trainee_in(cohort, enrolment_id)
    form = WithdrawForm(prefix="withdraw")
    if form.validate_on_submit():
        enrolments.withdraw(current_actor(), enrolment, (form.reason.data or "").strip())
        db.session.commit()
        flash(_("%(name)s has been withdrawn.", name=person.name), "success")
    else:
        flash_errors(form)
    return redirect(url_for("cohorts.trainee", cohort_id=cohort.id, enrolment_id=enrolment.id))


@bp.post("/cohorts/<int:cohort_id>/trainees/<int:enrolment_id>/move")
@requires("cohort.enrol")
def move(cohort_id: int, enrolment_id: int):
    """Withdraw here and enrol in another cohort of the course the person also runs."""
    actor = current_actor()
    cohort = managed_cohort(cohort_id)
    enrolment, person = trainee_in(cohort, enrolment_id)
    form = MoveForm(prefix="move")
    if not form.validate_on_submit():
        flash_errors(form)
        return redirect(url_for("cohorts.trainee", cohort_id=cohort.id, enrolment_id=enrolment_id))
    target = load_cohort(form.target.data)
    require(target is not None and can_manage_cohort(actor, target))
    moved = service.move_trainee(
        actor, enrolment, cohort, target, person, (form.reason.data or "").strip()
    )
    db.session.commit()
    flash(
        _(
            "%(name)s moved to %(code)s (%(status)s).",
            name=person.name,
            code=target.code,
            status=label(moved.status),
        ),
        "success",
    )
    return redirect(url_for("cohorts.trainee", cohort_id=target.id, enrolment_id=moved.id))


@bp.post("/cohorts/<int:cohort_id>/trainees/<int:enrolment_id>/completion")
@requires("completion.record")
def record_completion(cohort_id: int, enrolment_id: int):
    """Record a completion by hand; the reason is required and goes to the audit log."""
    cohort = managed_cohort(cohort_id)
    enrolment, person = trainee_in(cohort, enrolment_id)
    form = CompletionForm(prefix="completion")
    back = url_for("cohorts.trainee", cohort_id=cohort.id, enrolment_id=enrolment.id)
    if not form.validate_on_submit():
        flash_errors(form)
        return redirect(back)
    record = record_manual_completion(
        current_actor(),
        person,
        cohort.course,
        completed_on=form.completed_on.data,
        reason=form.reason.data,
        cohort=cohort,
        score=form.score.data,
    )
    db.session.commit()
    flash(_("Completion recorded: certificate %(code)s.", code=record.certificate_code), "success")
    return redirect(back)


@bp.post(
    "/cohorts/<int:cohort_id>/trainees/<int:enrolment_id>/completions/<int:completion_id>/revoke"
)
@requires("completion.revoke")
def revoke_completion(cohort_id: int, enrolment_id: int, completion_id: int):
    """Revoke a mistaken completion record: it stays on file, marked revoked with the reason."""
    cohort = managed_cohort(cohort_id)
    enrolment, person = trainee_in(cohort, enrolment_id)
    record = db.session.get(CompletionRecord, completion_id)
    # Only this person's record of this cohort's course, whatever id is typed into the URL.
    require(
        record is not None and record.user_id == person.id and record.course_id == cohort.course_id
    )
    form = RevokeForm(prefix="revoke")
    back = url_for("cohorts.trainee", cohort_id=cohort.id, enrolment_id=enrolment.id)
    if not form.validate_on_submit():
        flash_errors(form)
        return redirect(back)
    done = carry_out(form, lambda: revoke(current_actor(), record, form.reason.data))
    if done.ok:
        flash(_("Certificate %(code)s revoked.", code=record.certificate_code), "success")
    return redirect(back)
