"""JSON API v1: users."""

from marshmallow import Schema, ValidationError, fields, validate, validates_schema

from academy.api.cohorts import StrictInt
from academy.api.parsing import Blueprint
from academy.api.schemas import answered
from academy.auth.models import KINDS, REGIONS, ROLES
from academy.auth.service import create_user
from academy.errors import Forbidden
from academy.extensions import db
from academy.permissions import current_actor, requires

blp = Blueprint("api_users", __name__, url_prefix="/api/v1", description="Users")


class StrictBool(fields.Boolean):
    """JSON true or false only: consent is never read into "yes", "on" or 1."""

    def _deserialize(self, value, attr, data, **kwargs):
        if not isinstance(value, bool):
            raise self.make_error("invalid", input=value)
        return value


class UserInSchema(Schema):
    email = fields.Email(required=True, validate=validate.Length(max=254))
    name = fields.Str(required=True, validate=validate.Length(min=1, max=120))
    roles = fields.List(
        fields.Str(validate=validate.OneOf(ROLES)),
        required=True,
        validate=validate.Length(min=1, max=len(ROLES)),
    )
    kind = fields.Str(load_default="professional", validate=validate.OneOf(KINDS))
    region = fields.Str(load_default="other", validate=validate.OneOf(REGIONS))
    organisation = fields.Str(allow_none=True, load_default=None, validate=validate.Length(max=200))
    partner_id = StrictInt(allow_none=True, load_default=None)
    consent_share = StrictBool(load_default=False)

    @validates_schema
    def partner_only_for_partner_users(self, data, **_kwargs):
        roles = data.get("roles") or []
        if data.get("partner_id") is not None and "partner" not in roles:
            raise ValidationError("Only partner users belong to a partner.", "partner_id")
        if "partner" in roles and data.get("partner_id") is None:
            raise ValidationError("A partner user must belong to a partner.", "partner_id")


@answered()
class UserSchema(Schema):
    id = fields.Int()
    email = fields.Str()
    name = fields.Str()
    roles = fields.List(fields.Str())
    partner_id = fields.Int(allow_none=True)
    kind = fields.Str(allow_none=True)
    region = fields.Str(allow_none=True)
    organisation = fields.Str(allow_none=True)
    consent_share = fields.Bool(allow_none=True)


@blp.route("/users", methods=["POST"])
@requires("user.manage")
@blp.arguments(UserInSchema)
@blp.response(201, UserSchema)
def create(data):
    """Create an account (409 if the email is taken); only admins may create admins."""
    actor = current_actor()
    if "admin" in data["roles"] and not actor.has_role("admin"):
        raise Forbidden("Only an administrator may create another administrator.")
    user = create_user(actor, **data)
    # Only trainees get a profile, set just now (no query); read it before commit expires it.
    profile = user.profile if "trainee" in data["roles"] else None
    answer = {
        "id": user.id,
        "email": user.email,
        "name": user.name,
        "roles": sorted(user.roles),
        "partner_id": user.partner_id,
        "kind": profile.kind if profile else None,
        "region": profile.region if profile else None,
        "organisation": profile.organisation if profile else None,
        "consent_share": profile.consent_share if profile else None,
    }
    db.session.commit()
    return answer
