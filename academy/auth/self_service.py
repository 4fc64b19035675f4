"""Pages a person uses on their own account: sign up, confirm, reset, invitation, profile."""

from __future__ import annotations

import json

from flask import Response, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from academy.auth import bp, onboarding, service
from academy.auth.forms import (
    ChangePasswordForm,
    EmailOnlyForm,
    NewPasswordForm,
    ProfileForm,
    SignupForm,
)
from academy.auth.models import TraineeProfile
from academy.auth.personal_data import personal_data
from academy.errors import Conflict, DomainError
from academy.extensions import db, limiter
from academy.forms import carry_out, choices, show_domain_error
from academy.permissions import current_account, public, requires


@bp.route("/signup", methods=["GET", "POST"])
@public
@limiter.limit("10 per hour", methods=["POST"])
def signup():
    if current_user.is_authenticated:
        return redirect(url_for("auth.home"))
    form = SignupForm()
    if form.validate_on_submit():
        try:
            user = onboarding.sign_up(
                email=form.email.data,
                name=form.name.data,
                password=form.password.data,
                kind=form.kind.data,
                region=form.region.data,
                organisation=form.organisation.data,
                consent_share=form.consent_share.data,
            )
        except Conflict:
            # Same answer as a new sign-up (same work, one mail), so the form does not reveal
            # who has an account; the owner is told by mail instead.
            db.session.rollback()
            existing = service.find_user(form.email.data)
            sent = existing is None or onboarding.send_signup_notice(existing)
            return render_template(
                "auth/check_email.html", email=form.email.data, mail_failed=not sent
            )
        except DomainError as error:
            db.session.rollback()
            show_domain_error(form, error)
        else:
            db.session.commit()
            sent = onboarding.send_confirmation(user)
            return render_template("auth/check_email.html", email=user.email, mail_failed=not sent)
    status = 422 if form.errors else 200
    return render_template("auth/signup.html", form=form), status


@bp.get("/confirm/<token>")
@public
def confirm_email(token):
    user = onboarding.user_for_token(token, onboarding.CONFIRM)
    if user is None:
        flash(_("That confirmation link is not valid or has expired."), "error")
        return render_template("auth/link_invalid.html"), 400
    onboarding.confirm_email(user)
    db.session.commit()
    flash(_("Thank you: your email is confirmed."), "success")
    return redirect(
        url_for("auth.home") if current_user.is_authenticated else url_for("auth.login")
    )


@bp.post("/account/confirmation")
@requires("account.own")
@limiter.limit("5 per hour")
def resend_confirmation():
    user = current_account()
    if user.email_confirmed_at is None:
        if onboarding.send_confirmation(user):
            flash(_("We sent a new confirmation link to %(email)s.", email=user.email), "info")
        else:
            flash(
                _(
                    "The confirmation link could not be sent just now (our mail service is "
                    "not answering). Try again in a few minutes."
                ),
                "error",
            )
    return redirect(url_for("auth.profile"))


@bp.route("/password/forgot", methods=["GET", "POST"])
@public
@limiter.limit("5 per hour", methods=["POST"])
def forgot_password():
    form = EmailOnlyForm()
    if form.validate_on_submit():
        user = service.find_user(form.email.data)
        onboarding.send_password_reset(user if user is not None and user.is_active else None)
        # The same answer whether or not the email has an account.
        return render_template("auth/check_email.html", email=form.email.data, reset=True)
    return render_template("auth/forgot_password.html", form=form)


def _password_page(token: str, purpose, via: str, title: str):
    user = onboarding.user_for_token(token, purpose)
    if user is None:
        return render_template("auth/link_invalid.html"), 400
    form = NewPasswordForm()
    if form.validate_on_submit():
        chosen = form.password.data
        if carry_out(form, lambda: onboarding.set_new_password(user, chosen, via=via)).ok:
            flash(_("Your password is set. Sign in with it now."), "success")
            return redirect(url_for("auth.login"))
    status = 422 if form.errors else 200
    return render_template("auth/set_password.html", form=form, title=title, user=user), status


@bp.route("/password/reset/<token>", methods=["GET", "POST"])
@public
@limiter.limit("10 per hour", methods=["POST"])
def reset_password(token):
    return _password_page(token, onboarding.RESET, "reset", _("Choose a new password"))


@bp.route("/invitation/<token>", methods=["GET", "POST"])
@public
@limiter.limit("10 per hour", methods=["POST"])
def accept_invitation(token):
    return _password_page(token, onboarding.INVITE, "invitation", _("Welcome: choose a password"))


def _profile_page(user, profile, form=None, password_form=None, status=200):
    form = form or ProfileForm(
        name=user.name,
        locale=user.locale or "",
        consent_share=profile.consent_share if profile else False,
    )
    form.locale.choices = choices(
        [("", _("As my browser prefers"))] + list(current_app.config["LANGUAGES"].items())
    )
    return render_template(
        "auth/profile.html",
        form=form,
        password_form=password_form or ChangePasswordForm(),
        profile=profile,
        user=user,
    ), status


@bp.route("/account/profile", methods=["GET", "POST"])
@requires("account.own")
def profile():
    user = current_account()
    trainee_profile = db.session.get(TraineeProfile, user.id)
    if request.method == "GET":
        return _profile_page(user, trainee_profile)
    form = ProfileForm()
    form.locale.choices = choices([("", "")] + list(current_app.config["LANGUAGES"].items()))
    if not form.validate_on_submit():
        return _profile_page(user, trainee_profile, form=form, status=422)
    service.rename(user, form.name.data)  # the form has checked the name
    user.locale = form.locale.data or None
    if trainee_profile is not None:
        service.set_consent(user, trainee_profile, bool(form.consent_share.data))
    db.session.commit()
    flash(_("Your profile is saved."), "success")
    return redirect(url_for("auth.profile"))


@bp.post("/account/password")
@requires("account.own")
@limiter.limit("10 per hour")
def change_password():
    user = current_account()
    form = ChangePasswordForm()
    if form.validate_on_submit():
        changed = carry_out(
            form,
            lambda: onboarding.change_password(
                user, form.current.data, form.password.data, keep_session=user.get_id()
            ),
        )
        if changed.ok:
            flash(_("Your password is changed; your other sessions are signed out."), "success")
            return redirect(url_for("auth.profile"))
    trainee_profile = db.session.get(TraineeProfile, user.id)
    return _profile_page(user, trainee_profile, password_form=form, status=422)


@bp.get("/account/data.json")
@requires("account.own")
def download_my_data():
    user = current_account()
    body = json.dumps(personal_data(user), ensure_ascii=False, indent=2)
    return Response(
        body,
        mimetype="application/json",
        headers={"Content-Disposition": 'attachment; filename="my-academy-data.json"'},
    )
