"""GET /api/v1/me."""

from marshmallow import Schema, fields

from academy.api.parsing import Blueprint
from academy.api.schemas import answered
from academy.permissions import current_actor, requires

blp = Blueprint("api_me", __name__, url_prefix="/api/v1", description="The caller")


@answered()
class MeSchema(Schema):
    id = fields.Int()
    email = fields.Str()
    name = fields.Str()
    roles = fields.List(fields.Str())
    partner_id = fields.Int(allow_none=True)


@blp.route("/me")
@requires("account.own")
@blp.response(200, MeSchema)
def me():
    """Who the bearer token belongs to."""
    user = current_actor()
    return {
        "id": user.id,
        "email": user.email,
        "name": user.name,
        "roles": sorted(user.roles),
        "partner_id": user.partner_id,
    }
