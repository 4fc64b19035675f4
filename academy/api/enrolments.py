"""JSON API v1: enrolments."""

from marshmallow import Schema, ValidationError, fields, validate

from academy.api.parsing import Blueprint
from academy.api.schemas import answered
from academy.extensions import db
from academy.permissions import current_actor, requires

blp = Blueprint("api_enrolments", __name__, url_prefix="/api/v1", description="Enrolments")


# --- Progress: POST /enrolments/<id>/progress --------------------------------------------


def _at_most_200(answers: dict) -> None:
    # Not validate.Length: the document would call it maxLength, which objects do not have.
    if len(answers) > 200:
        raise ValidationError("At most 200 answers.")


class ProgressInSchema(Schema):
    lesson = fields.Str(required=True, validate=validate.Length(min=1, max=100))
    answers = fields.Dict(
        keys=fields.Str(validate=validate.Length(max=100)),
        values=fields.Int(strict=True),
        validate=_at_most_200,
        metadata={
            "description": "{question_id: choice_index}, for a lesson with a quiz.",
            "maxProperties": 200,
        },
    )


@answered()
class QuizOutSchema(Schema):
    score = fields.Int()
    passed = fields.Bool()
    pass_mark = fields.Int()


@answered("quiz", "certificate_code")
class ProgressOutSchema(Schema):
    lessons_done = fields.Int()
    lessons_total = fields.Int()
    quiz = fields.Nested(QuizOutSchema)
    completed = fields.Bool()
    certificate_code = fields.Str()


@blp.route("/enrolments/<int:enrolment_id>/progress", methods=["POST"])
@requires("enrolment.progress")
@blp.arguments(ProgressInSchema)
@blp.response(200, ProgressOutSchema)
def record_progress(body, enrolment_id):
    """The trainee marks a lesson done or submits its quiz; completion is issued at once."""
    from academy.progress.learning import record_progress as record

    result = record(current_actor(), enrolment_id, body["lesson"], body.get("answers"))
    db.session.commit()
    answer = {
        "lessons_done": result.lessons_done,
        "lessons_total": result.lessons_total,
        "completed": result.completed,
    }
    if result.quiz is not None:
        answer["quiz"] = {
            "score": result.quiz.score,
            "passed": result.quiz.passed,
            "pass_mark": result.quiz.pass_mark,
        }
    if result.certificate_code:
        answer["certificate_code"] = result.certificate_code
    return answer


# --- end of progress ----------------------------------------------------------------------


# --- Withdrawal: POST /enrolments/<id>/withdraw ------------------------------------------


class WithdrawInSchema(Schema):
    reason = fields.Str(validate=validate.Length(max=2000), load_default="")


@answered()
class WithdrawOutSchema(Schema):
    id = fields.Int()
    status = fields.Str()


@blp.route("/enrolments/<int:enrolment_id>/withdraw", methods=["POST"])
@requires("enrolment.withdraw")
@blp.arguments(WithdrawInSchema, required=False)  # API.md: no body needed
@blp.response(200, WithdrawOutSchema)
def withdraw(body, enrolment_id):
    """Leave a cohort (the trainee) or withdraw someone (its staff); the waitlist moves up."""
    from sqlalchemy import select

    from academy.cohorts.models import Cohort
    from academy.cohorts.permissions import can_withdraw
    from academy.enrolments import service as enrolments
    from academy.enrolments.models import Enrolment
    from academy.permissions import require

    actor = current_actor()
    row = db.session.execute(
        select(Enrolment, Cohort)
        .join(Cohort, Cohort.id == Enrolment.cohort_id)
        .where(Enrolment.id == enrolment_id)
    ).first()
    # The trainee themself, or staff of the cohort; anyone else learns nothing (404).
    require(row is not None and can_withdraw(actor, row[0], row[1]))
    enrolment = row[0]
    enrolments.withdraw(actor, enrolment, body["reason"].strip())
    db.session.commit()
    return {"id": enrolment.id, "status": enrolment.status}


# --- end of withdrawal --------------------------------------------------------------------
