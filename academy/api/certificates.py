"""JSON API v1: certificates."""

from flask_smorest import Blueprint

blp = Blueprint("api_certificates", __name__, url_prefix="/api/v1", description="Certificates")
