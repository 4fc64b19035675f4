from flask import Blueprint

bp = Blueprint("reporting", __name__, template_folder="templates")

from academy.reporting import cache, views  # noqa: E402,F401

# Flask's test client may run several requests in one application context, and so one flask.g.
bp.before_app_request(cache.forget_tokens)
