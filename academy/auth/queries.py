"""Reads for the people pages."""

from sqlalchemy import func, or_, select
from sqlalchemy.orm import joinedload, selectinload

from academy.auth.models import ApiToken, User, UserRole
from academy.extensions import db

PAGE_SIZE = 50


def user_page(search: str = "", role: str = "", page: int = 1):
    """One page of users with their roles, newest first, and the total matching."""
    query = select(User)
    if search:
        pattern = f"%{search.lower()}%"
        query = query.where(or_(User.email.like(pattern), func.lower(User.name).like(pattern)))
    if role:
        query = query.where(User.id.in_(select(UserRole.user_id).where(UserRole.role == role)))
    total = db.session.scalar(select(func.count()).select_from(query.subquery()))
    users = db.session.scalars(
        query.options(selectinload(User.role_rows))
        .order_by(User.id.desc())
        .limit(PAGE_SIZE)
        .offset((page - 1) * PAGE_SIZE)
    ).all()
    return users, total


def tokens_of(user_id: int) -> list[ApiToken]:
    """A person's API tokens, live and revoked, newest first."""
    return db.session.scalars(
        select(ApiToken).where(ApiToken.user_id == user_id).order_by(ApiToken.id.desc())
    ).all()


def token_page(page: int = 1):
    """One page of every API token with its holder, newest first, and the total."""
    total = db.session.scalar(select(func.count()).select_from(ApiToken))
    tokens = db.session.scalars(
        select(ApiToken)
        .options(joinedload(ApiToken.user))
        .order_by(ApiToken.id.desc())
        .limit(PAGE_SIZE)
        .offset((page - 1) * PAGE_SIZE)
    ).all()
    return tokens, total
