from flask import Blueprint

bp = Blueprint("reporting", __name__, template_folder="templates")

from academy.reporting import cache, views  # noqa: E402,F401
