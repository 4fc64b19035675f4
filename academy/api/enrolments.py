"""JSON API v1: enrolments."""

from flask_smorest import Blueprint

blp = Blueprint("api_enrolments", __name__, url_prefix="/api/v1", description="Enrolments")
