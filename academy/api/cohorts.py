"""JSON API v1: cohorts."""

from flask_smorest import Blueprint

blp = Blueprint("api_cohorts", __name__, url_prefix="/api/v1", description="Cohorts")
