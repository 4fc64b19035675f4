from flask import Blueprint

bp = Blueprint("cohorts", __name__, template_folder="templates")

from academy.cohorts import views  # noqa: E402,F401
