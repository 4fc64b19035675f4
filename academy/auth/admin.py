"""Administration: people, roles, tokens."""

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _

from academy.auth import bp, queries, service
from academy.auth.forms import TokenForm, UserForm
from academy.auth.models import ROLES, ApiToken, User
from academy.auth.onboarding import flash_invitation, invite
from academy.errors import Conflict
from academy.extensions import db, limiter
from academy.forms import carry_out
from academy.permissions import current_actor, requires


def _page_number() -> int:
    try:
        return max(1, min(int(request.args.get("page", 1)), 10_000))
    except ValueError:
        return 1


@bp.get("/admin")
@requires("admin.operate")
def admin_home():
    return redirect(url_for("auth.users"))


@bp.get("/admin/users")
@requires("user.manage")
def users():
    search = request.args.get("q", "").strip()[:100]
    role = request.args.get("role", "")
    role = role if role in ROLES else ""
    page = _page_number()
    rows, total = queries.user_page(search, role, page)
    return render_template(
        "auth/users.html",
        users=rows,
        total=total,
        search=search,
        role=role,
        page=page,
        page_size=queries.PAGE_SIZE,
        roles=ROLES,
        form=UserForm(),
    )


@bp.post("/admin/users")
@requires("user.manage")
def create_user():
    form = UserForm()
    actor = current_actor()
    if not actor.has_role("admin") and "admin" in (form.roles.data or []):
        abort(403)
    if form.validate_on_submit():
        done, user = carry_out(
            form,
            lambda: service.create_user(
                actor,
                email=form.email.data,
                name=form.name.data,
                roles=form.roles.data,
                kind=form.kind.data,
                region=form.region.data,
                organisation=form.organisation.data,
                partner_id=form.partner_id.data or None,
            ),
        )
        if done:
            invited = invite(user)
            db.session.commit()  # the invitation's audit event
            flash_invitation(user.email, invited)
            return redirect(url_for("auth.users"))
    rows, total = queries.user_page()
    return render_template(
        "auth/users.html",
        users=rows,
        total=total,
        search="",
        role="",
        page=1,
        page_size=queries.PAGE_SIZE,
        roles=ROLES,
        form=form,
    ), 422


@bp.post("/admin/users/<int:user_id>/deactivate")
@requires("admin.operate")
def deactivate(user_id: int):
    user = db.get_or_404(User, user_id)
    if user.id == current_actor().id:
        flash(_("You cannot deactivate your own account."), "error")
    else:
        service.deactivate(current_actor(), user)
        db.session.commit()
        flash(_("%(email)s can no longer sign in.", email=user.email), "success")
    return redirect(url_for("auth.users"))


@bp.route("/admin/users/<int:user_id>/tokens", methods=["GET", "POST"])
@requires("admin.operate")
@limiter.limit("10 per minute", methods=["POST"])
def tokens(user_id: int):
    user = db.get_or_404(User, user_id)
    form = TokenForm()
    token = None
    if form.validate_on_submit():
        token = service.create_token(current_actor(), user, form.name.data)
        db.session.commit()
    return render_template(
        "auth/tokens.html", user=user, form=form, token=token, tokens=queries.tokens_of(user.id)
    )


@bp.get("/admin/tokens")
@requires("admin.operate")
def all_tokens():
    page = _page_number()
    rows, total = queries.token_page(page)
    return render_template(
        "auth/all_tokens.html",
        tokens=rows,
        total=total,
        page=page,
        page_size=queries.PAGE_SIZE,
    )


@bp.post("/admin/tokens/<int:token_id>/revoke")
@requires("admin.operate")
def revoke_token(token_id: int):
    token = db.get_or_404(ApiToken, token_id)
    revoke(current_actor(), token)
    if request.form.get("back") == "all":
        return redirect(url_for("auth.all_tokens"))
    return redirect(url_for("auth.tokens", user_id=token.user_id))


def revoke(actor, token: ApiToken) -> None:
    """Revoke the token and say so; the admin and the holder's own page both use this."""
    try:
        service.revoke_token(actor, token)
    except Conflict as error:
        db.session.rollback()
        flash(error.message, "error")
    else:
        db.session.commit()
        label = token.name or f"#{token.id}"
        flash(
            _("Token %(name)s revoked: calls with it are refused from now on.", name=label),
            "success",
        )
