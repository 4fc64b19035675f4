"""In-app help: what each role can do and where, shown for the signed-in person's role."""

from flask import render_template, request
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from academy.auth import bp
from academy.permissions import public

# The order also decides which section someone with several roles sees first.
SECTIONS = (
    ("trainee", _l("Trainees")),
    ("instructor", _l("Instructors")),
    ("manager", _l("Programme managers")),
    ("partner", _l("Partners")),
    ("admin", _l("Administrators")),
)
_PRECEDENCE = ("admin", "manager", "instructor", "partner", "trainee")


def default_section(user) -> str:
    """The signed-in person's main role; visitors get the trainee's guide."""
    if user is not None and user.is_authenticated:
        for role in _PRECEDENCE:
            if user.has_role(role):
                return role
    return "trainee"


@bp.get("/help", endpoint="help")
@public
def help_page():
    names = dict(SECTIONS)
    chosen = request.args.get("role", "")
    role = chosen if chosen in names else default_section(current_user)
    return render_template(
        f"auth/help_{role}.html", role=role, sections=SECTIONS, section_name=names[role]
    )
