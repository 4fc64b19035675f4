from flask import Blueprint

bp = Blueprint("partners", __name__, template_folder="templates")

from academy.partners import views  # noqa: E402,F401
