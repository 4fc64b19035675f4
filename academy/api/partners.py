"""JSON API v1: partners and their talent-supply report."""

from marshmallow import Schema, fields, validate
from sqlalchemy import select

from academy.api.parsing import Blueprint
from academy.api.schemas import answered
from academy.database import reads_replica
from academy.extensions import db
from academy.partners import queries, service
from academy.partners.models import PARTNER_KINDS, Partner
from academy.partners.permissions import report_partner_or_404
from academy.permissions import current_actor, requires

blp = Blueprint("api_partners", __name__, url_prefix="/api/v1", description="Partners")


class PartnerInSchema(Schema):
    name = fields.Str(required=True, validate=validate.Length(min=1, max=200))
    kind = fields.Str(required=True, validate=validate.OneOf(PARTNER_KINDS))


@answered()
class PartnerSchema(Schema):
    id = fields.Int()
    name = fields.Str()
    kind = fields.Str()
    created_at = fields.DateTime()


class PeriodQuerySchema(Schema):
    year = fields.Int(validate=validate.Range(min=2000, max=2100))
    quarter = fields.Int(validate=validate.Range(min=1, max=4))
    start = fields.Date(metadata={"description": "custom period: first day (inclusive)"})
    end = fields.Date(metadata={"description": "custom period: day after the last (exclusive)"})


class PartnerRefSchema(Schema):
    id = fields.Int()
    name = fields.Str()
    kind = fields.Str()


def counts() -> fields.Dict:
    return fields.Dict(
        keys=fields.Str(),
        values=fields.Int(allow_none=True, metadata={"description": "null when suppressed"}),
    )


class BlockSchema(Schema):
    trained = fields.Int(allow_none=True, metadata={"description": "distinct people"})
    completions = fields.Int(allow_none=True)
    by_track = counts()
    by_level = counts()
    by_region = counts()
    by_kind = counts()
    by_month = counts()
    complementary = fields.Dict(
        keys=fields.Str(),
        values=fields.List(fields.Str()),
        metadata={"description": "cells withheld beside small ones, per breakdown"},
    )
    withheld = fields.Bool(metadata={"description": "the whole block is withheld"})


@answered()
class GraduateSchema(Schema):
    name = fields.Str()
    course = fields.Str()
    course_slug = fields.Str()
    completed_on = fields.Str(metadata={"description": "ISO date"})
    certificate_code = fields.Str()
    verify_path = fields.Str()


class PeriodSchema(Schema):
    start = fields.Str(metadata={"description": "ISO date"})
    end = fields.Str(metadata={"description": "ISO date, exclusive"})
    label = fields.Str()


@answered()
class TalentSupplySchema(Schema):
    partner = fields.Nested(PartnerRefSchema)
    year = fields.Int(allow_none=True)
    quarter = fields.Int(allow_none=True)
    period = fields.Nested(PeriodSchema)
    suppression_threshold = fields.Int()
    sponsored = fields.Nested(BlockSchema)
    programme = fields.Nested(BlockSchema)
    graduates = fields.List(fields.Nested(GraduateSchema))
    track_names = fields.Dict(keys=fields.Str(), values=fields.Str())


@blp.route("/partners", methods=["POST"])
@requires("partner.manage")
@blp.arguments(PartnerInSchema)
@blp.response(201, PartnerSchema)
def create_partner(data):
    """Create a partner organisation (409 if the name is taken)."""
    partner = service.create_partner(current_actor(), name=data["name"], kind=data["kind"])
    db.session.commit()
    return partner


@blp.route("/partners", methods=["GET"])
@requires("partner.manage")
@blp.response(200, PartnerSchema(many=True))
def list_partners():
    """Every partner, by name."""
    return db.session.scalars(select(Partner).order_by(Partner.name)).all()


@blp.route("/partners/<int:partner_id>/talent-supply", methods=["GET"])
@requires("partner.report")
@blp.arguments(PeriodQuerySchema, location="query")
@blp.response(200, TalentSupplySchema)
@reads_replica
def talent_supply(args, partner_id):
    """People trained and completions, sponsored and programme-wide; small counts are null."""
    partner = report_partner_or_404(current_actor(), partner_id)
    period = queries.period_from(**args)
    return queries.talent_supply(partner, period)
