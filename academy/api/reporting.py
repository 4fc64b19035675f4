"""JSON API v1: reporting — GET /headcount."""

from marshmallow import Schema, fields, validate

from academy.api.parsing import Blueprint
from academy.api.schemas import answered
from academy.database import reads_replica
from academy.dates import MAX_YEAR, MIN_YEAR, local_today
from academy.permissions import requires
from academy.reporting import queries
from academy.reporting.headcount import period_for

blp = Blueprint("api_reporting", __name__, url_prefix="/api/v1", description="Reporting")


class HeadcountQuery(Schema):
    year = fields.Int(
        required=True, strict=False, validate=validate.Range(min=MIN_YEAR, max=MAX_YEAR)
    )


@answered()
class HeadcountKinds(Schema):
    professional = fields.Int()
    student = fields.Int()


@answered()
class HeadcountRegions(Schema):
    shenzhen = fields.Int()
    hong_kong = fields.Int()
    other = fields.Int()


@answered()
class HeadcountSchema(Schema):
    year = fields.Int()
    target = fields.Int()
    trained = fields.Int(metadata={"description": "Distinct people with a completion this year"})
    remaining = fields.Int()
    percent = fields.Float(allow_none=True)
    expected_to_date = fields.Int()
    forecast = fields.Int(metadata={"description": "Projected year-end headcount"})
    by_track = fields.Dict(keys=fields.Str(), values=fields.Int())
    by_kind = fields.Nested(HeadcountKinds)
    by_region = fields.Nested(HeadcountRegions)
    by_month = fields.List(fields.Int(), metadata={"description": "First completions by month"})
    starts_on = fields.Str()
    ends_on = fields.Str()
    ahead_by = fields.Int()
    scheduled = fields.Int()
    cohorts_needed = fields.Int(allow_none=True)


def headcount_object(year: int) -> dict:
    """The answer for a year; the CLI prints exactly this too."""
    return HeadcountSchema().dump(queries.headline(period_for(year), local_today()))


@blp.route("/headcount")
@requires("headcount.view")
@blp.arguments(HeadcountQuery, location="query")
@blp.response(200, HeadcountSchema)
@reads_replica
def headcount(args):
    """The year's headcount against its target: trained, pace, forecast and breakdowns."""
    return queries.headline(period_for(args["year"]), local_today())
