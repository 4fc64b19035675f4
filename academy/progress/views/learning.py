"""My learning and the lesson player."""

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _

from academy.errors import Invalid
from academy.extensions import db
from academy.forms import whole_number
from academy.permissions import current_actor, require, requires
from academy.progress import bp, queries
from academy.progress.learning import (
    progress_by_lesson,
    public_quiz,
    record_progress,
)
from academy.progress.permissions import can_study

MAX_QUESTIONS = 200
MAX_CHOICE = 99_999


@bp.get("/learning")
@requires("learning.own")
def my_learning():
    page = queries.my_learning(current_actor())
    return render_template("progress/my_learning.html", page=page)


def _study(enrolment_id: int, shown: str | None = None) -> queries.LessonPlayer:
    """The enrolment, its live lessons and its progress, if the signed-in person studies it."""
    player = queries.lesson_player(enrolment_id, shown)
    require(player is not None and can_study(current_actor(), player.enrolment))
    return player


@bp.get("/learning/<int:enrolment_id>")
@requires("learning.own")
def continue_learning(enrolment_id):
    """Straight to the first lesson not yet done (or the first, once all are)."""
    player = _study(enrolment_id)
    enrolment, lessons, progress = player.enrolment, player.lessons, player.progress
    lesson = next((x for x in lessons if not getattr(progress.get(x.id), "done_at", None)), None)
    slug = (lesson or lessons[0]).slug
    return redirect(url_for("progress.lesson", enrolment_id=enrolment.id, lesson_slug=slug))


def _answers_from_form(quiz: dict) -> dict:
    """Radio values from the form; anything unparsable is left out and reported by the service."""
    answers = {}
    for question in quiz["questions"][:MAX_QUESTIONS]:
        choice = whole_number(request.form.get(f"q-{question['id']}", ""), MAX_CHOICE)
        if choice is not None:
            answers[question["id"]] = choice
    return answers


@bp.route("/learning/<int:enrolment_id>/<lesson_slug>", methods=["GET", "POST"])
@requires("learning.own")
def lesson(enrolment_id, lesson_slug):
    player = _study(enrolment_id, lesson_slug)
    enrolment, lessons, progress = player.enrolment, player.lessons, player.progress
    index = next((i for i, x in enumerate(lessons) if x.slug == lesson_slug), None)
    if index is None and request.method == "GET":
        # A link from before the lesson's file was renamed (or a bookmark).
        renamed = queries.renamed_lesson([x.id for x in lessons], lesson_slug)
        if renamed is not None:
            return redirect(
                url_for("progress.lesson", enrolment_id=enrolment.id, lesson_slug=renamed)
            )
    require(index is not None)
    current = lessons[index]
    result, errors, status, chosen = None, {}, 200, {}
    if request.method == "POST":  # CSRFProtect has checked the token before the view
        answers = _answers_from_form(current.quiz) if current.quiz else None
        chosen = answers or {}
        try:
            result = record_progress(current_actor(), enrolment.id, current.slug, answers)
        except Invalid as error:
            db.session.rollback()
            errors, status = error.fields, 422
            flash(error.message, "error")
        else:
            db.session.commit()
            if result.issued_now:
                flash(_("Course complete: your certificate is ready."), "success")
            if not current.quiz:
                following = lessons[index + 1] if index + 1 < len(lessons) else None
                target = following.slug if following else current.slug
                return redirect(
                    url_for("progress.lesson", enrolment_id=enrolment.id, lesson_slug=target)
                )
        progress = progress_by_lesson(enrolment.id)
    return render_template(
        "progress/lesson.html",
        enrolment=enrolment,
        course=player.course,
        lessons=lessons,
        lesson=current,
        previous=lessons[index - 1] if index > 0 else None,
        following=lessons[index + 1] if index + 1 < len(lessons) else None,
        # Lesson ids done, for the list: a set test where the template would call per lesson.
        done={lesson_id for lesson_id, row in progress.items() if row.done_at},
        row=progress.get(current.id),
        quiz=public_quiz(current.quiz),
        result=result,
        errors=errors,
        chosen=chosen,
    ), status
