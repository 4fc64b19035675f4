"""JSON API v1: completion records entered by hand, and revoking them."""

from marshmallow import Schema, fields, validate
from sqlalchemy import select

from academy.api.cohorts import StrictInt
from academy.api.parsing import Blueprint
from academy.api.schemas import answered
from academy.auth.models import User
from academy.cohorts.models import Cohort
from academy.cohorts.permissions import can_manage_cohort, manages_all
from academy.courses.models import Course
from academy.errors import Invalid
from academy.extensions import db
from academy.permissions import current_actor, require, requires
from academy.progress import service as progress
from academy.progress.models import CompletionRecord

blp = Blueprint("api_completions", __name__, url_prefix="/api/v1", description="Completions")


class CompletionInSchema(Schema):
    user_id = StrictInt(required=True)
    course = fields.Str(required=True, validate=validate.Length(min=1, max=100))
    cohort_id = StrictInt(allow_none=True, load_default=None)
    completed_on = fields.Date(required=True)
    score = StrictInt(allow_none=True, load_default=None, validate=validate.Range(min=0, max=100))
    reason = fields.Str(required=True, validate=validate.Length(min=1, max=2000))


@answered()
class CompletionOutSchema(Schema):
    id = fields.Int()
    certificate_code = fields.Str()
    user_id = fields.Int()
    course = fields.Str()
    cohort_id = fields.Int(allow_none=True)
    completed_on = fields.Date()
    score = fields.Int(allow_none=True)


class RevokeInSchema(Schema):
    reason = fields.Str(required=True, validate=validate.Length(min=1, max=2000))


@answered()
class RevokeOutSchema(Schema):
    id = fields.Int()
    revoked = fields.Bool()
    revoked_at = fields.DateTime()
    reason = fields.Str()


@blp.route("/completions", methods=["POST"])
@requires("completion.record")
@blp.arguments(CompletionInSchema)
@blp.response(201, CompletionOutSchema)
def record_completion(body):
    """Record a completion by hand, with a reason: instructors for their cohort, managers."""
    actor = current_actor()
    course = db.session.scalar(select(Course).where(Course.slug == body["course"]))
    if course is None:
        raise Invalid("No such course.", {"course": [f"No course with slug {body['course']}."]})
    cohort = None
    if body["cohort_id"] is not None:
        cohort = db.session.get(Cohort, body["cohort_id"])
        require(cohort is not None and can_manage_cohort(actor, cohort))
    elif not manages_all(actor):
        raise Invalid(
            "Instructors record completions for a cohort they teach.",
            {"cohort_id": ["Required for instructors."]},
        )
    user = db.session.get(User, body["user_id"])
    if user is None:
        raise Invalid("No such user.", {"user_id": ["No such user."]})
    completion = progress.record_manual_completion(
        actor,
        user,
        course,
        completed_on=body["completed_on"],
        reason=body["reason"],
        cohort=cohort,
        score=body["score"],
    )
    db.session.commit()
    return {
        "id": completion.id,
        "certificate_code": completion.certificate_code,
        "user_id": user.id,
        "course": course.slug,
        "cohort_id": completion.cohort_id,
        "completed_on": completion.completed_on,
        "score": completion.score,
    }


@blp.route("/completions/<int:completion_id>/revoke", methods=["POST"])
@requires("completion.revoke")
@blp.arguments(RevokeInSchema)
@blp.response(200, RevokeOutSchema)
def revoke_completion(body, completion_id):
    """Revoke a mistaken record (managers). It stays on file, marked revoked with the reason."""
    completion = db.session.get(CompletionRecord, completion_id)
    require(completion is not None)
    progress.revoke_completion(current_actor(), completion, body["reason"])
    db.session.commit()
    return {
        "id": completion.id,
        "revoked": True,
        "revoked_at": completion.revoked_at,
        "reason": completion.revoke_reason,
    }
