"""The catalogue, the course page, and joining a cohort from it."""

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from sqlalchemy import select

from academy.cohorts.models import Cohort
from academy.courses import bp, queries
from academy.courses.forms import CatalogueFilterForm, JoinForm
from academy.courses.permissions import can_read_lessons
from academy.courses.tracks import TRACKS
from academy.enrolments import service as enrolments
from academy.errors import DomainError
from academy.extensions import db
from academy.forms import choices, whole_number
from academy.permissions import current_actor, public, require, requires
from academy.progress.learning import public_quiz
from academy.security import MAX_ID


@bp.get("/courses")
@public
def catalogue():
    form = CatalogueFilterForm(request.args)
    tracks = queries.tracks()
    form.track.choices = choices([("", _("All tracks"))] + [(t.slug, _(t.name)) for t in tracks])
    filters = queries.CatalogueFilters()
    if form.validate():
        filters = queries.CatalogueFilters(
            track=form.track.data or "",
            level=form.level.data or "",
            language=form.language.data or "",
            delivery=form.delivery.data or "",
            open_seats=bool(form.open_seats.data),
            q=(form.q.data or "").strip(),
        )
    entries = queries.catalogue(filters)
    return render_template("courses/catalogue.html", form=form, entries=entries, tracks=TRACKS)


@bp.get("/courses/<slug>")
@public
def detail(slug):
    page = queries.course_page(slug, current_actor())
    require(page is not None)
    viewer = current_actor()
    readable = viewer is not None and viewer.is_staff
    return render_template("courses/detail.html", page=page, form=JoinForm(), readable=readable)


@bp.post("/courses/<slug>/join")
@requires("learning.own")
def join(slug):
    form = JoinForm()
    course = queries.course_by_slug(slug)
    require(course is not None)
    cohort_id = whole_number(form.cohort_id.data or "", MAX_ID)
    require(form.validate_on_submit() and cohort_id is not None)
    cohort = db.session.scalar(
        select(Cohort).where(Cohort.id == cohort_id, Cohort.course_id == course.id)
    )
    require(cohort is not None)
    try:
        enrolment = enrolments.join(current_actor(), cohort, form.invite_code.data)
    except DomainError as error:
        db.session.rollback()
        flash(error.message, "error")
        page = queries.course_page(slug, current_actor())
        return render_template(
            "courses/detail.html", page=page, form=form, readable=False
        ), error.status
    db.session.commit()
    if enrolment.status == "enrolled":
        flash(_("You have a seat in %(cohort)s.", cohort=cohort.name), "success")
        return redirect(url_for("progress.my_learning"))
    flash(_("%(cohort)s is full: you are on its waitlist.", cohort=cohort.name), "info")
    return redirect(url_for("courses.detail", slug=slug))


@bp.get("/courses/<slug>/lessons/<lesson_slug>")
@requires("course.read_lessons")
def lesson_preview(slug, lesson_slug):
    """Read-only lesson, for staff preparing a cohort (trainees study in the lesson player)."""
    course = queries.course_by_slug(slug)
    require(course is not None and can_read_lessons(current_actor(), course))
    lesson = queries.live_lesson(course.id, lesson_slug)
    require(lesson is not None)
    return render_template(
        "courses/lesson_preview.html", course=course, lesson=lesson, quiz=public_quiz(lesson.quiz)
    )
