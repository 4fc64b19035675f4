"""JSON API v1: enrolments."""

from flask_smorest import Blueprint
from marshmallow import Schema, fields, validate

from academy.extensions import db
from academy.permissions import current_actor, requires

blp = Blueprint("api_enrolments", __name__, url_prefix="/api/v1", description="Enrolments")


# --- Withdrawal: POST /enrolments/<id>/withdraw ------------------------------------------


class WithdrawInSchema(Schema):
    reason = fields.Str(validate=validate.Length(max=2000), load_default="")


class WithdrawOutSchema(Schema):
    id = fields.Int()
    status = fields.Str()


@blp.route("/enrolments/<int:enrolment_id>/withdraw", methods=["POST"])
@requires("enrolment.withdraw")
@blp.arguments(WithdrawInSchema)
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
