from flask import Blueprint

bp = Blueprint("enrolments", __name__, template_folder="templates")
