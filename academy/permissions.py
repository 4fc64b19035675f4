"""The permission table (role × action) and the decorator every route declares its rule with.

Object-level rules ("an instructor of *this* cohort") live in each domain's permissions.py,
as a can_*() check and a visible_*() query built from the same condition.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import TYPE_CHECKING, TypeVar

from flask import abort, redirect, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

if TYPE_CHECKING:
    from academy.auth.models import SignedInUser, User

F = TypeVar("F", bound=Callable)

PUBLIC = "public"
ANY = frozenset({"trainee", "instructor", "manager", "partner", "admin"})

# Which roles may attempt each action. Routes name one of these (or PUBLIC); the test
# suite walks every registered route and fails on one that names none.
RULES: dict[str, frozenset[str]] = {
    "account.own": ANY,
    "learning.own": frozenset({"trainee"}),
    # API.md: enrolled trainees and staff; a partner, neither, is refused (403) before any lookup.
    "course.read_lessons": frozenset({"trainee", "instructor", "manager", "admin"}),
    "cohort.list": frozenset({"instructor", "manager", "admin"}),
    "cohort.view": frozenset({"instructor", "manager", "admin"}),  # object: instructor of it
    "cohort.create": frozenset({"manager", "admin"}),
    "cohort.edit": frozenset({"manager", "admin"}),
    "cohort.enrol": frozenset({"instructor", "manager", "admin"}),  # object: instructor of it
    "cohort.roster": frozenset({"instructor", "manager", "admin"}),  # object: instructor of it
    "cohort.attendance": frozenset({"instructor", "manager", "admin"}),
    # API.md names the trainee, the cohort's instructor and managers; admins run the
    # installation, and withdraw on the cohort's pages (cohort.enrol) if they must.
    "enrolment.withdraw": frozenset({"trainee", "instructor", "manager"}),
    "enrolment.progress": frozenset({"trainee"}),  # object: own enrolment
    "completion.record": frozenset({"instructor", "manager"}),  # object: instructor of it
    "completion.revoke": frozenset({"manager"}),
    "headcount.view": frozenset({"manager", "admin"}),
    "target.edit": frozenset({"manager"}),
    "partner.manage": frozenset({"manager", "admin"}),
    "partner.report": frozenset({"partner", "manager", "admin"}),  # object: own partner
    "report.issue": frozenset({"manager"}),
    "user.manage": frozenset({"manager", "admin"}),
    "admin.operate": frozenset({"admin"}),
}


def allowed(user: User | SignedInUser | None, action: str) -> bool:
    """May this user attempt the action at all (before any object-level check)?"""
    if action == PUBLIC:
        return True
    return user is not None and not user.roles.isdisjoint(RULES[action])


def current_actor() -> SignedInUser | None:
    """The signed-in person: by bearer token under /api/, by session cookie elsewhere.

    A read-only record (id, email, name, locale, partner_id, roles); current_account() gives
    the User to change.
    """
    if request.path.startswith("/api/"):
        # Cached on the request, not on g: an app context can outlive one request.
        if not hasattr(request, "academy_api_user"):
            from academy.auth.service import user_for_token

            header = request.headers.get("Authorization", "")
            scheme, _, token = header.partition(" ")
            user = user_for_token(token.strip()) if scheme.lower() == "bearer" else None
            request.academy_api_user = user
        return request.academy_api_user
    # Through the proxy once: each use of current_user finds the user again (four lookups).
    user = current_user._get_current_object()
    return user if user.is_authenticated else None


def current_account() -> User:
    """The signed-in person's own User, for the pages that change the account itself."""
    from academy.auth.models import User
    from academy.extensions import db

    actor = current_actor()
    account = db.session.get(User, actor.id)
    account.login_token = actor.login_token
    return account


def requires(action: str) -> Callable[[F], F]:
    """Declare a route's rule: anonymous callers go to login (401 on the API), others 403."""
    if action != PUBLIC and action not in RULES:
        raise KeyError(f"unknown permission {action!r}")

    def decorate(view: F) -> F:
        @wraps(view)
        def wrapper(*args, **kwargs):
            if action != PUBLIC:
                user = current_actor()
                if user is None:
                    if request.path.startswith("/api/"):
                        abort(401, "A valid bearer token is required.")
                    return redirect(url_for("auth.login", next=request.full_path.rstrip("?")))
                if not allowed(user, action):
                    abort(403, _("Your role may not do this."))
            return view(*args, **kwargs)

        wrapper.permission = action  # type: ignore[attr-defined]
        return wrapper  # type: ignore[return-value]

    return decorate


def public(view: F) -> F:
    return requires(PUBLIC)(view)


def require(condition: bool, *, hide: bool = True) -> None:
    """Object-level check: 404 when the caller should not learn the object exists, else 403."""
    if not condition:
        abort(404 if hide else 403)
