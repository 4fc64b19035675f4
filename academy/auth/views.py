"""Sign in, sign out, and each role's home."""

from urllib.parse import urlsplit

from flask import current_app, flash, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_user, logout_user

# The account pages' other routes live in these modules; importing them adds the routes.
from academy.auth import admin, bp, help, queries, self_service, service  # noqa: F401
from academy.auth.forms import LoginForm
from academy.auth.models import ApiToken
from academy.extensions import db, limiter
from academy.permissions import current_account, current_actor, public, require, requires

# Where each role lands, in order of precedence for people with several roles.
ROLE_HOMES = (
    ("admin", "auth.admin_home"),
    ("manager", "reporting.dashboard"),
    ("instructor", "cohorts.index"),
    ("partner", "partners.portal"),
    ("trainee", "progress.my_learning"),
)


def safe_next(target: str | None) -> str | None:
    """Only a path on this site: no scheme, no host, no protocol-relative '//' trick."""
    if not target:
        return None
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or not target.startswith("/") or target.startswith("//"):
        return None
    if "\\" in target or any(ord(c) < 32 for c in target):
        return None
    return target


def home_for(user) -> str:
    for role, endpoint in ROLE_HOMES:
        if user.has_role(role) and endpoint in current_app.view_functions:
            return url_for(endpoint)
    return url_for("auth.account")


@bp.get("/")
@public
def home():
    if current_user.is_authenticated:
        return redirect(home_for(current_user))
    if "courses.catalogue" in current_app.view_functions:
        return redirect(url_for("courses.catalogue"))
    return redirect(url_for("auth.login"))


@bp.route("/login", methods=["GET", "POST"])
@public
@limiter.limit("10 per minute", methods=["POST"])
def login():
    form = LoginForm()
    if form.validate_on_submit():
        try:
            user = service.authenticate(form.email.data, form.password.data)
        except service.LockedOut:
            user = None
            flash(_("Too many failed attempts. Try again in 15 minutes."), "error")
        else:
            if user is None:
                flash(_("That email and password do not match an active account."), "error")
        if user is None:
            db.session.commit()  # keep the failure count
            return render_template("auth/login.html", form=form), 401
        service.start_session(user)
        db.session.commit()
        # A fresh session against fixation, but the language chosen before signing in stays.
        locale = session.get("locale")
        session.clear()
        if locale:
            session["locale"] = locale
        login_user(user)
        return redirect(safe_next(request.args.get("next")) or home_for(user))
    return render_template("auth/login.html", form=form)


@bp.post("/logout")
@public
def logout():
    if current_user.is_authenticated:
        service.end_session(current_user.get_id())
    db.session.commit()
    logout_user()
    session.clear()
    flash(_("You have signed out."), "info")
    return redirect(url_for("auth.login"))


@bp.get("/account")
@requires("account.own")
def account():
    return render_template("auth/account.html", tokens=queries.tokens_of(current_actor().id))


@bp.post("/account/tokens/<int:token_id>/revoke")
@requires("account.own")
def revoke_own_token(token_id: int):
    token = db.session.get(ApiToken, token_id)
    # Someone else's token is not found here, whoever may see it elsewhere.
    require(token is not None and token.user_id == current_actor().id)
    admin.revoke(current_actor(), token)
    return redirect(url_for("auth.account"))


@bp.post("/language")
@public
def set_language():
    """The language switcher: remembered in the session, and on the account when signed in."""
    locale = request.form.get("locale", "")
    if locale in current_app.config["LANGUAGES"]:
        session["locale"] = locale
        if current_user.is_authenticated:
            current_account().locale = locale
            db.session.commit()
    return redirect(safe_next(request.form.get("next")) or url_for("auth.home"))
