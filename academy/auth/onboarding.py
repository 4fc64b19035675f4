"""Signing up, confirming an email, resetting a password and inviting staff-created accounts.

Links carry signed, expiring tokens (itsdangerous with the app secret, a salt per purpose).
Password links also carry a fingerprint of the current password hash, so a link stops working
as soon as it has been used (or the password changed some other way).
"""

from __future__ import annotations

import hashlib
from contextlib import contextmanager
from datetime import timedelta

from flask import current_app, flash, has_request_context, url_for
from flask_babel import force_locale
from flask_babel import gettext as _
from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer

from academy import mail
from academy.audit.service import record
from academy.auth import service
from academy.auth.models import User
from academy.errors import Conflict, Invalid
from academy.extensions import db, utcnow
from academy.i18n import select_locale

CONFIRM = ("confirm-email", timedelta(days=3))
RESET = ("reset-password", timedelta(hours=2))
INVITE = ("invitation", timedelta(days=14))


def _serializer(salt: str) -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt=salt)


def _fingerprint(user: User) -> str:
    return hashlib.sha256((user.password_hash or "none").encode()).hexdigest()[:16]


def make_token(user: User, purpose: tuple[str, timedelta]) -> str:
    payload = {"uid": user.id, "email": user.email}
    if purpose[0] != CONFIRM[0]:
        payload["pw"] = _fingerprint(user)
    return _serializer(purpose[0]).dumps(payload)


def user_for_token(token: str, purpose: tuple[str, timedelta]) -> User | None:
    """The user the link was made for, or None if it is forged, expired or already used."""
    salt, max_age = purpose
    try:
        payload = _serializer(salt).loads(token, max_age=int(max_age.total_seconds()))
    except (SignatureExpired, BadSignature):
        return None
    if not isinstance(payload, dict):
        return None
    user = db.session.get(User, payload.get("uid"))
    if user is None or not user.is_active or user.email != payload.get("email"):
        return None
    if purpose[0] != CONFIRM[0] and payload.get("pw") != _fingerprint(user):
        return None
    return user


def _link(endpoint: str, **values) -> str:
    base = current_app.config.get("ACADEMY_BASE_URL", "").rstrip("/")
    if base:
        return base + url_for(endpoint, **values)
    return url_for(endpoint, **values, _external=True)


@contextmanager
def _mail_context(user: User):
    """Write in the recipient's language; outside a request (CLI, jobs) build one for links.

    Without a saved language, the page's: the person signing up or asking for a new password
    reads it, and staff creating an account write in the language its holder most likely
    reads.
    """
    if has_request_context():
        with force_locale(user.locale or select_locale()):
            yield
        return
    locale = user.locale or current_app.config["BABEL_DEFAULT_LOCALE"]
    base = current_app.config.get("ACADEMY_BASE_URL") or None
    with current_app.test_request_context("/", base_url=base), force_locale(locale):
        yield


def sign_up(*, email, name, password, kind, region, organisation, consent_share) -> User:
    """A person creates their own trainee account; the email is confirmed afterwards."""
    service.validate_password(password)
    try:
        user = service.create_user(
            None,
            email=email,
            name=name,
            roles=["trainee"],
            password=password,
            kind=kind,
            region=region,
            organisation=organisation,
            consent_share=consent_share,
        )
    except Conflict:
        # A taken email is found before the password is hashed; hashing is nearly all of a
        # sign-up's time, so without this the answer's speed would tell who has an account.
        service.spend_password_hash(password)
        raise
    record(user, "user.signup", "user", user.id)
    return user


def send_confirmation(user: User) -> bool:
    """False if the mail could not be sent (logged), so the person can be told."""
    with _mail_context(user):
        link = _link("auth.confirm_email", token=make_token(user, CONFIRM))
        return mail.send(
            user.email,
            _("Confirm your email for the AI Future Academy"),
            _(
                "Hello %(name)s,\n\nPlease confirm your email address by opening this link "
                "within three days:\n\n%(link)s\n\nIf you did not sign up, ignore this message.",
                name=user.name,
                link=link,
            ),
        )


def send_signup_notice(user: User) -> bool:
    """Someone tried to sign up with an email that has an account: tell its owner, not them.

    Sent at once, like a confirmation, so both answers take the same time and can say the
    same thing when mail is down.
    """
    with _mail_context(user):
        return mail.send(
            user.email,
            _("Someone tried to sign up with your email"),
            _(
                "Hello %(name)s,\n\nSomeone tried to create an AI Future Academy account with this "
                "email, which already has one. If it was you, sign in, or reset your password "
                "here:\n\n%(link)s\n",
                name=user.name,
                link=_link("auth.forgot_password"),
            ),
        )


def confirm_email(user: User) -> bool:
    """Mark the email confirmed; False if it already was."""
    if user.email_confirmed_at is not None:
        return False
    user.email_confirmed_at = utcnow()
    record(user, "user.confirm_email", "user", user.id)
    return True


def send_password_reset(user: User | None) -> None:
    """Mail a link to choose a new password; None (no such active account) sends nothing.

    Both answers must take the same time, or it would tell who has an account: the message
    is written either way (for nobody, then dropped), and sent only after the response.
    """
    # Checked first: outside a request, _mail_context makes one that never answers.
    in_request = has_request_context()
    recipient = user or User(id=0, email="nobody@example.invalid", name="")
    with _mail_context(recipient):
        link = _link("auth.reset_password", token=make_token(recipient, RESET))
        message = mail.compose(
            recipient.email,
            _("Reset your AI Future Academy password"),
            _(
                "Hello %(name)s,\n\nOpen this link within two hours to choose a new password. "
                "It works once.\n\n%(link)s\n\nIf you did not ask for this, ignore this message: "
                "your password stays as it is.",
                name=recipient.name,
                link=link,
            ),
        )
    if user is None:
        return
    if in_request:
        mail.send_after_response(message)
    else:
        mail.send_message(message)


def invite(user: User) -> bool:
    """Email a staff-created account a link to set its password (valid two weeks, once).

    False if the mail could not be sent (logged, and not audited as sent): the account
    stands, and its holder can still get a link from "Forgot password?".
    """
    with _mail_context(user):
        link = _link("auth.accept_invitation", token=make_token(user, INVITE))
        sent = mail.send(
            user.email,
            _("You are invited to the AI Future Academy"),
            _(
                "Hello %(name)s,\n\nAn account has been created for you at the AI Future Academy. "
                "Open this link within two weeks to choose your password:\n\n%(link)s\n",
                name=user.name,
                link=link,
            ),
        )
    if sent:
        record(None, "user.invite", "user", user.id)
    return sent


def flash_invitation(email: str, invited: bool) -> None:
    """What the staff member who created the account is told, on the page it leads to."""
    if invited:
        flash(_("Created %(email)s and emailed an invitation.", email=email), "success")
        return
    flash(
        _(
            "Created %(email)s, but the invitation could not be sent (our mail service is not "
            "answering). Once mail works again, they can choose a password with “Forgot "
            "password?” on the sign-in page.",
            email=email,
        ),
        "error",
    )


def set_new_password(user: User, password: str, *, via: str) -> None:
    """Set the password from a reset or invitation link; the link proves the email too."""
    service.set_password(user, password)
    if user.email_confirmed_at is None:
        user.email_confirmed_at = utcnow()
    user.failed_logins = 0
    user.locked_until = None
    service.end_all_sessions(user)
    record(user, f"user.password_{via}", "user", user.id)


def change_password(user: User, current: str, new: str, keep_session: str | None) -> None:
    """The signed-in user changes their password; every other session of theirs ends."""
    from werkzeug.security import check_password_hash

    if not user.password_hash or not check_password_hash(user.password_hash, current):
        raise Invalid(_("Your current password is not right."), {"current": [_("Not right.")]})
    service.set_password(user, new)
    service.end_all_sessions(user, keep=keep_session)
    record(user, "user.password_change", "user", user.id)
