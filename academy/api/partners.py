"""JSON API v1: partners."""

from flask_smorest import Blueprint

blp = Blueprint("api_partners", __name__, url_prefix="/api/v1", description="Partners")
