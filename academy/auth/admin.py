"""Administration: people, roles, tokens."""

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _

from academy.auth import bp, queries, service
from academy.auth.forms import TokenForm, UserForm
from academy.auth.models import ROLES, User
from academy.auth.onboarding import invite
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
            invite(user)
            db.session.commit()  # the invitation's audit event
            flash(_("Created %(email)s and emailed an invitation.", email=user.email), "success")
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
    return render_template("auth/tokens.html", user=user, form=form, token=token)
