"""JSON API v1: reporting."""

from flask_smorest import Blueprint

blp = Blueprint("api_reporting", __name__, url_prefix="/api/v1", description="Reporting")
