from flask import Blueprint

bp = Blueprint("progress", __name__, template_folder="templates")

from academy.progress import views  # noqa: E402,F401
