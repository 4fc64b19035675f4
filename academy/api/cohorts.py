"""JSON API v1: cohorts, their enrolments and roster."""

from marshmallow import Schema, ValidationError, fields, validate, validates_schema
from sqlalchemy import select

from academy.api.parsing import Blueprint
from academy.api.schemas import answered
from academy.auth.models import User
from academy.cohorts import queries, service
from academy.cohorts import roster as rosters
from academy.cohorts.export import api_table, roster_records
from academy.cohorts.models import DELIVERIES, MAX_CAPACITY, POLICIES
from academy.cohorts.permissions import can_manage_cohort
from academy.courses.models import Course
from academy.enrolments import service as enrolments
from academy.errors import Invalid
from academy.exports import csv_response
from academy.extensions import db
from academy.permissions import current_actor, require, requires
from academy.security import MAX_ID

blp = Blueprint("api_cohorts", __name__, url_prefix="/api/v1", description="Cohorts")


class StrictInt(fields.Integer):
    """An integer in JSON: not a string, float or boolean."""

    def __init__(self, **kwargs):
        super().__init__(strict=True, **kwargs)

    def _validated(self, value):
        if isinstance(value, bool):
            raise self.make_error("invalid", input=value)
        value = super()._validated(value)
        # Ids and counts are 32-bit columns; a bigger number would fail in the database.
        if value is not None and abs(value) > MAX_ID:
            raise ValidationError(f"Must be at most {MAX_ID}.")
        return value


class CohortInSchema(Schema):
    code = fields.Str(required=True, validate=validate.Length(min=1, max=40))
    name = fields.Str(required=True, validate=validate.Length(min=1, max=200))
    course = fields.Str(
        required=True, validate=validate.Length(min=1, max=100), metadata={"description": "slug"}
    )
    start_date = fields.Date(required=True)
    end_date = fields.Date(required=True)
    capacity = StrictInt(required=True, validate=validate.Range(min=0, max=MAX_CAPACITY))
    delivery = fields.Str(required=True, validate=validate.OneOf(DELIVERIES))
    policy = fields.Str(required=True, validate=validate.OneOf(POLICIES))
    sponsor_partner_id = StrictInt(allow_none=True, load_default=None)
    instructor_ids = fields.List(StrictInt(), load_default=list, validate=validate.Length(max=50))

    @validates_schema
    def dates_in_order(self, data, **_kwargs):
        start, end = data.get("start_date"), data.get("end_date")
        if start and end and end < start:
            raise ValidationError("The end date cannot be before the start date.", "end_date")


@answered()
class CohortSchema(Schema):
    id = fields.Int()
    code = fields.Str()
    name = fields.Str()
    course = fields.Str(metadata={"description": "course slug"})
    course_title = fields.Str()
    start_date = fields.Date()
    end_date = fields.Date()
    capacity = fields.Int()
    enrolled = fields.Int(metadata={"description": "trainees holding a seat (incl. completed)"})
    waitlisted = fields.Int()
    completed = fields.Int()
    delivery = fields.Str()
    policy = fields.Str()
    sponsor_partner_id = fields.Int(allow_none=True)


class CohortDetailSchema(CohortSchema):
    instructor_ids = fields.List(fields.Int())
    invite_code = fields.Str(allow_none=True)


class CohortQuerySchema(Schema):
    year = fields.Int(validate=validate.Range(min=1900, max=2200))
    course = fields.Str(validate=validate.Length(max=100))
    partner_id = fields.Int(validate=validate.Range(min=1, max=MAX_ID))


class EnrolInSchema(Schema):
    user_id = StrictInt(required=True)


@answered()
class EnrolmentOutSchema(Schema):
    id = fields.Int()
    status = fields.Str()


class RosterQuerySchema(Schema):
    format = fields.Str(validate=validate.OneOf(("json", "csv")), load_default="json")


class RosterRowSchema(Schema):
    enrolment_id = fields.Int()
    user_id = fields.Int()
    name = fields.Str()
    email = fields.Str()
    status = fields.Str()
    lessons_done = fields.Int()
    lessons_total = fields.Int()
    completed_on = fields.Date(allow_none=True)
    last_activity_at = fields.DateTime(allow_none=True)
    behind = fields.Bool()


def _json(cohort, enrolled: int, waitlisted: int, completed: int) -> dict:
    return {
        "id": cohort.id,
        "code": cohort.code,
        "name": cohort.name,
        "course": cohort.course.slug,
        "course_title": cohort.course.title,
        "start_date": cohort.start_on,
        "end_date": cohort.end_on,
        "capacity": cohort.capacity,
        "enrolled": enrolled,
        "waitlisted": waitlisted,
        "completed": completed,
        "delivery": cohort.delivery,
        "policy": cohort.policy,
        "sponsor_partner_id": cohort.sponsor_partner_id,
    }


def _visible_cohort(cohort_id: int, *, instructors: bool = False):
    cohort = queries.load_cohort(cohort_id, instructors=instructors)
    require(cohort is not None and can_manage_cohort(current_actor(), cohort))
    return cohort


def _detail(cohort) -> dict:
    answer = _json(cohort, *queries.cohort_counts(cohort.id))
    answer["instructor_ids"] = sorted(u.id for u in cohort.instructors)
    answer["invite_code"] = cohort.invite_code
    return answer


@blp.route("/cohorts", methods=["POST"])
@requires("cohort.create")
@blp.arguments(CohortInSchema)
@blp.response(201, CohortDetailSchema)
def create_cohort(body):
    """Open a cohort of a course (managers and admins)."""
    course = db.session.scalar(select(Course).where(Course.slug == body["course"]))
    if course is None:
        raise Invalid("No such course.", {"course": [f"No course with slug {body['course']}."]})
    cohort = service.create_cohort(
        current_actor(),
        code=body["code"],
        name=body["name"],
        course=course,
        start_on=body["start_date"],
        end_on=body["end_date"],
        capacity=body["capacity"],
        delivery=body["delivery"],
        policy=body["policy"],
        sponsor_partner_id=body["sponsor_partner_id"],
        instructor_ids=body["instructor_ids"],
    )
    db.session.commit()
    return _detail(queries.load_cohort(cohort.id, instructors=True))


@blp.route("/cohorts", methods=["GET"])
@requires("cohort.list")
@blp.arguments(CohortQuerySchema, location="query")
@blp.response(200, CohortSchema(many=True))
def list_cohorts(args):
    """Cohorts the caller runs (instructors) or all (managers, admins), with seat counts."""
    query = queries.filtered_cohorts(current_actor(), **args)
    return [
        _json(row.cohort, row.enrolled, row.waitlisted, row.completed)
        for row in queries.cohort_rows(query)
    ]


@blp.route("/cohorts/<int:cohort_id>", methods=["GET"])
@requires("cohort.view")
@blp.response(200, CohortDetailSchema)
def get_cohort(cohort_id):
    """One cohort, for its instructors and for managers."""
    return _detail(_visible_cohort(cohort_id, instructors=True))


@blp.route("/cohorts/<int:cohort_id>/enrolments", methods=["POST"])
@requires("cohort.enrol")
@blp.arguments(EnrolInSchema)
@blp.response(201, EnrolmentOutSchema)
def enrol(body, cohort_id):
    """Enrol a trainee: a seat if one is free, else the waitlist. 409 if already in."""
    actor = current_actor()
    cohort = _visible_cohort(cohort_id)
    trainee = db.session.get(User, body["user_id"])
    if trainee is None:
        raise Invalid("No such user.", {"user_id": ["No such user."]})
    enrolment = enrolments.enrol(actor, cohort, trainee, "Enrolled by staff")
    db.session.commit()
    return {"id": enrolment.id, "status": enrolment.status}


@blp.route("/cohorts/<int:cohort_id>/roster", methods=["GET"])
@requires("cohort.roster")
@blp.arguments(RosterQuerySchema, location="query")
@blp.response(200, RosterRowSchema(many=True))
@blp.doc(
    responses={
        "200": {
            "content": {
                "application/json": {
                    "schema": {"type": "array", "items": {"$ref": "#/components/schemas/RosterRow"}}
                },
                "text/csv": {"schema": {"type": "string"}},
            }
        },
    }
)
def roster(args, cohort_id):
    """Everyone in the cohort with their progress; `?format=csv` for a download."""
    cohort = _visible_cohort(cohort_id)
    matrix = rosters.roster(cohort)
    if args["format"] == "csv":
        header, rows = api_table(matrix)
        return csv_response(f"roster-{cohort.code}.csv", header, rows)
    return roster_records(matrix)
