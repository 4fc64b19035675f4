"""JSON API v1: public certificate verification."""

from marshmallow import Schema, fields

from academy.api.parsing import Blueprint
from academy.api.schemas import answered
from academy.permissions import public, require
from academy.progress import queries

blp = Blueprint("api_certificates", __name__, url_prefix="/api/v1", description="Certificates")


@answered()
class VerificationSchema(Schema):
    valid = fields.Bool(metadata={"description": "False once the completion is revoked."})
    course = fields.Str()
    completed_on = fields.Date()
    holder = fields.Str(
        metadata={"description": "The name the certificate was issued to, and nothing else."}
    )
    certificate_code = fields.Str()


@blp.route("/certificates/<code>", methods=["GET"])
@public
@blp.doc(security=[])
@blp.response(200, VerificationSchema)
def verify_certificate(code):
    """Anyone, without a token, may check a certificate code."""
    found = queries.certificate(code)
    require(found is not None)
    return {
        "valid": found.is_valid,
        "course": found.course.title,
        "completed_on": found.completed_on,
        "holder": found.holder_name,
        "certificate_code": found.certificate_code,
    }
