"""People: accounts, roles, trainee profiles, consent, login sessions and API tokens."""

from __future__ import annotations

import re
from datetime import datetime
from typing import TYPE_CHECKING

from flask_login import UserMixin
from sqlalchemy import CheckConstraint, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship, validates

from academy.extensions import UTCDateTime, db, utcnow

if TYPE_CHECKING:
    from academy.partners.models import Partner

ROLES = ("trainee", "instructor", "manager", "partner", "admin")
STAFF_ROLES = frozenset({"instructor", "manager", "admin"})
KINDS = ("professional", "student")
REGIONS = ("shenzhen", "hong_kong", "other")
# One @, a dot in the domain, no spaces or list separators: enough to catch a typo or a
# pasted name; whether the address exists is for the confirmation email to find out.
EMAIL = re.compile(r"^[^@\s,;<>\"]+@[^@\s,;<>\"]+\.[^@\s,;<>\"]+$")


def _in(column: str, values: tuple[str, ...]) -> str:
    quoted = ", ".join(f"'{v}'" for v in values)
    return f"{column} IN ({quoted})"


class RoleChecks:
    """Questions about a person's roles, for anything with a `roles` set."""

    __slots__ = ()
    roles: set[str] | frozenset[str]

    def has_role(self, *roles: str) -> bool:
        return not self.roles.isdisjoint(roles)

    @property
    def is_staff(self) -> bool:
        return self.has_role(*STAFF_ROLES)


class User(RoleChecks, UserMixin, db.Model):
    __tablename__ = "users"
    __table_args__ = (
        # Emails are stored lower-cased, so the unique key is case-insensitive.
        CheckConstraint("email = lower(email)", name="email_lower"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(254), unique=True)
    name: Mapped[str] = mapped_column(String(120))
    password_hash: Mapped[str | None] = mapped_column(String(255))
    is_active_account: Mapped[bool] = mapped_column(default=True)
    locale: Mapped[str | None] = mapped_column(String(10))
    partner_id: Mapped[int | None] = mapped_column(ForeignKey("partners.id"), index=True)
    email_confirmed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    failed_logins: Mapped[int] = mapped_column(default=0)
    locked_until: Mapped[datetime | None] = mapped_column(UTCDateTime)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    # Part of the calendar feed's address; a new one retires the old address (None: the first).
    feed_key: Mapped[str | None] = mapped_column(String(32))

    role_rows: Mapped[list[UserRole]] = relationship(
        back_populates="user", cascade="all, delete-orphan", lazy="selectin"
    )
    profile: Mapped[TraineeProfile | None] = relationship(
        back_populates="user", cascade="all, delete-orphan", lazy="raise_on_sql"
    )
    partner: Mapped[Partner | None] = relationship(lazy="raise_on_sql")

    # The sign-in session token this object was loaded through (see auth.service).
    login_token = None

    def get_id(self) -> str | None:
        return self.login_token

    @validates("email")
    def _lower_email(self, _key: str, value: str) -> str:
        return value.strip().lower()

    @property
    def roles(self) -> set[str]:  # type: ignore[override]
        return {r.role for r in self.role_rows}

    @property
    def is_active(self) -> bool:  # Flask-Login refuses inactive accounts
        return self.is_active_account

    def __repr__(self) -> str:
        return f"<User {self.email}>"


class SignedInUser(RoleChecks):
    """The person a request comes from, as read with their session or API token.

    A plain record rather than a User: every signed-in request reads it, and SQLAlchemy took
    longer to build and track a User than the database took to find it. Read-only: a page that
    changes the account itself loads the User (permissions.current_account).
    """

    __slots__ = ("id", "email", "name", "locale", "partner_id", "roles", "login_token")
    is_authenticated = True
    is_active = True  # the lookup finds active accounts only
    is_anonymous = False

    def __init__(self, id, email, name, locale, partner_id, roles, login_token=None):  # noqa: A002
        self.id, self.email, self.name, self.locale = id, email, name, locale
        self.partner_id, self.roles, self.login_token = partner_id, frozenset(roles), login_token

    def get_id(self) -> str | None:  # Flask-Login: what the session cookie holds
        return self.login_token

    def __repr__(self) -> str:
        return f"<SignedInUser {self.email}>"


class UserRole(db.Model):
    __tablename__ = "user_roles"
    __table_args__ = (CheckConstraint(_in("role", ROLES), name="role_known"),)

    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), primary_key=True)
    role: Mapped[str] = mapped_column(String(20), primary_key=True)
    user: Mapped[User] = relationship(back_populates="role_rows", lazy="raise_on_sql")


class TraineeProfile(db.Model):
    __tablename__ = "trainee_profiles"
    __table_args__ = (
        CheckConstraint(_in("kind", KINDS), name="kind_known"),
        CheckConstraint(_in("region", REGIONS), name="region_known"),
    )

    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), primary_key=True)
    kind: Mapped[str] = mapped_column(String(20), default="professional")
    region: Mapped[str] = mapped_column(String(20), default="other")
    organisation: Mapped[str | None] = mapped_column(String(200))
    consent_share: Mapped[bool] = mapped_column(default=False)
    consent_changed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    user: Mapped[User] = relationship(back_populates="profile", lazy="raise_on_sql")


class ConsentEvent(db.Model):
    """Append-only: every time a trainee gives or withdraws consent to share."""

    __tablename__ = "consent_events"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    given: Mapped[bool]
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class LoginSession(db.Model):
    """A signed-in browser; revoking the row ends that session even if its cookie is replayed."""

    __tablename__ = "login_sessions"

    id: Mapped[int] = mapped_column(primary_key=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    user: Mapped[User] = relationship(lazy="raise_on_sql")


class ApiToken(db.Model):
    __tablename__ = "api_tokens"

    id: Mapped[int] = mapped_column(primary_key=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    name: Mapped[str] = mapped_column(String(100), default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    last_used_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    user: Mapped[User] = relationship(lazy="raise_on_sql")
