from flask import Blueprint

bp = Blueprint("auth", __name__, template_folder="templates")

from academy.auth import admin, help, self_service, views  # noqa: E402,F401
