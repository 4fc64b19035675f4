"""Accounts, passwords, sign-in sessions and API tokens."""

from __future__ import annotations

import hashlib
import logging
import secrets
from datetime import timedelta

from flask_babel import gettext as _
from sqlalchemy import bindparam, func, or_, select, update
from sqlalchemy.exc import IntegrityError, OperationalError
from werkzeug.security import check_password_hash, generate_password_hash

from academy.audit.service import record
from academy.auth.models import (
    EMAIL,
    KINDS,
    REGIONS,
    ROLES,
    ApiToken,
    ConsentEvent,
    LoginSession,
    SignedInUser,
    TraineeProfile,
    User,
    UserRole,
)
from academy.database import prepared
from academy.errors import Conflict, Invalid
from academy.extensions import db, utcnow
from academy.security import MAX_ID

MIN_PASSWORD_LENGTH = 10
LOCK_AFTER_FAILURES = 5
LOCK_FOR = timedelta(minutes=15)
# Spent on unknown emails too, so response time does not reveal which emails exist.
_DUMMY_HASH = generate_password_hash("not-a-real-password")
log = logging.getLogger(__name__)


def digest(token: str) -> str:
    """Tokens are high-entropy random strings, so a fast hash is the right store for them."""
    return hashlib.sha256(token.encode()).hexdigest()


def validate_password(password: str) -> None:
    from academy.auth.passwords import is_common

    if len(password) < MIN_PASSWORD_LENGTH:
        raise Invalid(
            _("Use at least %(n)s characters.", n=MIN_PASSWORD_LENGTH),
            {"password": [_("Use at least %(n)s characters.", n=MIN_PASSWORD_LENGTH)]},
        )
    if is_common(password):
        raise Invalid(
            _("That password is too common; choose another."),
            {"password": [_("That password is too common; choose another.")]},
        )


def set_password(user: User, password: str) -> None:
    validate_password(password)
    user.password_hash = generate_password_hash(password)


def spend_password_hash(password: str) -> None:
    """Hash a password and throw the hash away: a path that must take as long as one that
    stores it (sign-up with a taken email)."""
    generate_password_hash(password)


def find_user(email: str) -> User | None:
    return db.session.scalar(select(User).where(User.email == email.strip().lower()))


def create_user(
    actor: User | None,
    *,
    email: str,
    name: str,
    roles: list[str] | tuple[str, ...] = ("trainee",),
    password: str | None = None,
    kind: str = "professional",
    region: str = "other",
    organisation: str | None = None,
    partner_id: int | None = None,
    consent_share: bool = False,
) -> User:
    """Create an account; trainees get a profile, partner users must name their partner."""
    fields: dict[str, list[str]] = {}
    email = (email or "").strip().lower()
    name = (name or "").strip()
    if not EMAIL.match(email) or len(email) > 254:
        fields["email"] = [_("Enter a valid email address.")]
    if not name or len(name) > 120:
        fields["name"] = [_("Enter a name of 1 to 120 characters.")]
    unknown = sorted(set(roles) - set(ROLES))
    if not roles or unknown:
        fields["roles"] = [_("Choose roles among: %(roles)s.", roles=", ".join(ROLES))]
    if kind not in KINDS:
        fields["kind"] = [_("Choose one of: %(choices)s.", choices=", ".join(KINDS))]
    if region not in REGIONS:
        fields["region"] = [_("Choose one of: %(choices)s.", choices=", ".join(REGIONS))]
    if "partner" in roles and partner_id is None:
        fields["partner_id"] = [_("A partner user must belong to a partner.")]
    if fields:
        raise Invalid(_("The user could not be created."), fields)
    if find_user(email) is not None:
        raise Conflict(
            _("A user with that email already exists."), {"email": [_("Already in use.")]}
        )
    if partner_id is not None:
        from academy.partners.models import Partner

        # An id beyond the column's range is absent too (the lookup itself would fail).
        if not 0 < partner_id <= MAX_ID or db.session.get(Partner, partner_id) is None:
            raise Invalid(_("No such partner."), {"partner_id": [_("No such partner.")]})

    user = User(email=email, name=name, partner_id=partner_id if "partner" in roles else None)
    user.role_rows = [UserRole(role=r) for r in dict.fromkeys(roles)]
    if password is not None:
        set_password(user, password)
    if "trainee" in roles:
        now = utcnow()
        user.profile = TraineeProfile(
            kind=kind,
            region=region,
            organisation=(organisation or "").strip()[:200] or None,
            consent_share=consent_share,
            consent_changed_at=now if consent_share else None,
        )
    try:
        # In a savepoint: the same address created by another request meanwhile (a retried
        # POST, a double-clicked sign-up) is a conflict, not a failed transaction.
        with db.session.begin_nested():
            db.session.add(user)
            db.session.flush()
    except IntegrityError as error:
        raise Conflict(
            _("A user with that email already exists."), {"email": [_("Already in use.")]}
        ) from error
    if "trainee" in roles and consent_share:
        db.session.add(ConsentEvent(user_id=user.id, given=True))
    record(actor, "user.create", "user", user.id, email=email, roles=sorted(set(roles)))
    return user


def set_consent(user: User, profile: TraineeProfile, given: bool) -> None:
    """The trainee's own switch; every change is kept with its time."""
    if profile.consent_share == given:
        return
    profile.consent_share = given
    profile.consent_changed_at = utcnow()
    db.session.add(ConsentEvent(user_id=user.id, given=given))
    record(user, "consent.give" if given else "consent.withdraw", "user", user.id)


def rename(user: User, name: str) -> None:
    """The person's own name change, audited with both names: the name is what certificates
    and rosters identify someone by, so who was called what, and when, stays on record."""
    name = (name or "").strip()
    if not name or len(name) > 120:
        message = _("Enter a name of 1 to 120 characters.")
        raise Invalid(message, {"name": [message]})
    if name == user.name:
        return
    record(user, "user.rename", "user", user.id, old=user.name, new=name)
    user.name = name


class LockedOut(Exception):
    pass


def _unknown_email_failed(email: str) -> None:
    """Count failures on an email with no usable account exactly as on a real one, so the lockout
    message appears after the same five tries and reveals nothing. Kept in the audit log."""
    from academy.audit.models import AuditEvent

    key = digest(email.strip().lower())[:40]
    last_lock = db.session.execute(
        select(AuditEvent.id, AuditEvent.at)
        .where(
            AuditEvent.object_type == "login",
            AuditEvent.object_id == key,
            AuditEvent.action == "login.locked",
        )
        .order_by(AuditEvent.id.desc())
        .limit(1)
    ).first()
    if last_lock is not None and last_lock.at > utcnow() - LOCK_FOR:
        raise LockedOut
    failures = db.session.scalar(
        select(func.count(AuditEvent.id)).where(
            AuditEvent.object_type == "login",
            AuditEvent.object_id == key,
            AuditEvent.action == "login.failed",
            AuditEvent.id > (last_lock.id if last_lock is not None else 0),
        )
    )
    record(None, "login.failed", "login", key)
    if failures + 1 >= LOCK_AFTER_FAILURES:
        record(None, "login.locked", "login", key)


def authenticate(email: str, password: str) -> User | None:
    """The user if the password is right; raises LockedOut after repeated failures."""
    user = find_user(email)
    if user is None or not user.password_hash:
        check_password_hash(_DUMMY_HASH, password)
        _unknown_email_failed(email)  # an account without a password yet looks the same
        return None
    now = utcnow()
    if user.locked_until is not None and user.locked_until > now:
        check_password_hash(_DUMMY_HASH, password)  # same time as an unlocked attempt
        raise LockedOut
    if not check_password_hash(user.password_hash, password):
        _count_failure(user.id, now)
        return None
    if not user.is_active:
        return None
    user.failed_logins = 0
    user.locked_until = None
    return user


def _count_failure(user_id: int, now) -> None:
    """One more wrong password; the fifth in a row locks the account.

    Counted in the database, one statement each: guesses sent at the same moment each count
    (read, add one and write back from Python, they overwrote each other on PostgreSQL, and
    a burst of twelve left the count at two).
    """
    failures = db.session.execute(
        update(User)
        .where(User.id == user_id, or_(User.locked_until.is_(None), User.locked_until <= now))
        .values(failed_logins=User.failed_logins + 1)
        .returning(User.failed_logins)
        .execution_options(synchronize_session=False)
    ).scalar_one_or_none()
    if failures is None:
        raise LockedOut  # by a guess that arrived together with this one
    if failures < LOCK_AFTER_FAILURES:
        return
    # Of guesses arriving together, the first to get here locks; the others find it locked.
    locked = db.session.execute(
        update(User)
        .where(User.id == user_id, User.failed_logins >= LOCK_AFTER_FAILURES)
        .values(locked_until=now + LOCK_FOR, failed_logins=0)
        .execution_options(synchronize_session=False)
    )
    if locked.rowcount:
        record(None, "user.locked", "user", user_id)


def start_session(user: User) -> str:
    """Open a server-side sign-in session; the returned token goes in the session cookie."""
    token = secrets.token_urlsafe(32)
    db.session.add(LoginSession(token_hash=digest(token), user_id=user.id))
    user.login_token = token
    return token


def end_session(token: str | None) -> None:
    if token:
        db.session.execute(
            update(LoginSession)
            .where(LoginSession.token_hash == digest(token), LoginSession.revoked_at.is_(None))
            .values(revoked_at=utcnow())
        )


def new_feed_key(user: User) -> None:
    """Retire the person's calendar feed address; the schedule page shows the new one."""
    user.feed_key = secrets.token_urlsafe(16)


def end_all_sessions(user: User, keep: str | None = None) -> None:
    """Sign the user out everywhere (password change, deactivation), optionally but one.

    The calendar feed's address is a credential too (calendar apps send no cookie): it is
    replaced as well.
    """
    new_feed_key(user)
    query = update(LoginSession).where(
        LoginSession.user_id == user.id, LoginSession.revoked_at.is_(None)
    )
    if keep:
        query = query.where(LoginSession.token_hash != digest(keep))
    db.session.execute(query.values(revoked_at=utcnow()))


def _by_token(credential, *extra):
    """The active account holding an unrevoked credential (session or API token): a row per
    role (one with no role for a person without any), the `extra` columns before the role.
    Table columns, not mapped attributes: every signed-in request runs this, and a Core row
    costs a fraction of a loaded User."""
    users, roles, held = User.__table__, UserRole.__table__, credential.__table__
    return (
        select(*(users.c[name] for name in _SIGNED_IN_COLUMNS), *extra, roles.c.role)
        .join(held, held.c.user_id == users.c.id)
        .outerjoin(roles, roles.c.user_id == users.c.id)
        .where(
            held.c.token_hash == bindparam("token_hash"),
            held.c.revoked_at.is_(None),
            users.c.is_active_account.is_(True),
        )
    )


_SIGNED_IN_COLUMNS = ("id", "email", "name", "locale", "partner_id")
# An API token's last use is recorded to the hour: the lookup runs on every API call, and a
# write on each would make every read a transaction. Its first use is always recorded, so a
# token in use never reads "not recorded" on the token pages.
TOKEN_USE_RECORDED_EVERY = timedelta(hours=1)


@prepared
def _user_by_session():
    return _by_token(LoginSession)


@prepared
def _user_by_api_token():
    held = ApiToken.__table__
    return _by_token(ApiToken, held.c.id, held.c.last_used_at)


def _lookup(statement, token: str):
    return db.session.connection().execute(statement, {"token_hash": digest(token)}).all()


def _signed_in(rows, login_token: str | None) -> SignedInUser | None:
    if not rows:
        return None
    person = rows[0][: len(_SIGNED_IN_COLUMNS)]
    roles = [row[-1] for row in rows if row[-1] is not None]
    return SignedInUser(*person, roles=roles, login_token=login_token)


def user_for_session(token: str) -> SignedInUser | None:
    return _signed_in(_lookup(_user_by_session(), token), login_token=token)


def create_token(actor: User | None, user: User, name: str = "") -> str:
    """A new API token for the user; the plain value is returned once and stored hashed."""
    token = "ak_" + secrets.token_urlsafe(32)
    db.session.add(ApiToken(token_hash=digest(token), user_id=user.id, name=name[:100]))
    record(actor, "token.create", "user", user.id, name=name[:100])
    return token


def user_for_token(token: str) -> SignedInUser | None:
    if not token:
        return None
    # Nothing of the request's own yet: the use may be committed on its own (see below).
    first_work = not db.session().in_transaction()
    rows = _lookup(_user_by_api_token(), token)
    # A bearer token is not a browser session: nothing for Flask-Login to keep.
    user = _signed_in(rows, login_token=None)
    if user is not None and first_work:
        token_id, used_at = rows[0][len(_SIGNED_IN_COLUMNS) : -1]
        if used_at is None or used_at < utcnow() - TOKEN_USE_RECORDED_EVERY:
            _record_use(token_id)
    return user


def _record_use(token_id: int) -> None:
    """Stamp the token's last use, in a transaction of its own, committed at once.

    The read ends first: on SQLite a GET's transaction starts as a reader, and one that then
    writes fails at once if another writer got in first. Conditional, so of calls arriving
    together one writes. Bookkeeping only: a database that refuses it does not refuse the call.
    """
    now = utcnow()
    session = db.session()
    try:
        session.commit()
        session.execute(
            update(ApiToken)
            .where(
                ApiToken.id == token_id,
                or_(
                    ApiToken.last_used_at.is_(None),
                    ApiToken.last_used_at < now - TOKEN_USE_RECORDED_EVERY,
                ),
            )
            .values(last_used_at=now)
            .execution_options(synchronize_session=False)
        )
        session.commit()
    except OperationalError:
        session.rollback()
        log.warning("could not record the use of API token %s", token_id, exc_info=True)


def revoke_token(actor: User | SignedInUser | None, token: ApiToken) -> None:
    """Revoke one API token; the next call with it is refused. The row stays, for the record."""
    # Conditional, so of two revocations sent at once one is recorded and the other refused.
    revoked = db.session.execute(
        update(ApiToken)
        .where(ApiToken.id == token.id, ApiToken.revoked_at.is_(None))
        .values(revoked_at=utcnow())
        .execution_options(synchronize_session=False)
    ).rowcount
    if not revoked:
        raise Conflict(_("This token is already revoked."))
    db.session.refresh(token)
    record(actor, "token.revoke", "user", token.user_id, token_id=token.id, name=token.name)


def deactivate(actor: User, user: User) -> None:
    user.is_active_account = False
    end_all_sessions(user)
    db.session.execute(
        update(ApiToken)
        .where(ApiToken.user_id == user.id, ApiToken.revoked_at.is_(None))
        .values(revoked_at=utcnow())
    )
    record(actor, "user.deactivate", "user", user.id)
