"""JSON API v1: courses."""

from flask_smorest import Blueprint

blp = Blueprint("api_courses", __name__, url_prefix="/api/v1", description="Courses")
