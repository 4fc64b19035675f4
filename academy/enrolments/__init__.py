from flask import Blueprint

bp = Blueprint("enrolments", __name__, template_folder="templates")

from academy.enrolments import views  # noqa: E402,F401
