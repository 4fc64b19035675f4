"""`academy user create`, `academy token create` and `academy token revoke`."""

import sys

import click

from academy.auth import service
from academy.auth.models import ROLES, ApiToken, User
from academy.errors import DomainError
from academy.extensions import db
from academy.security import MAX_ID


def fail(error: DomainError) -> None:
    db.session.rollback()
    details = "; ".join(f"{k}: {' '.join(v)}" for k, v in error.fields.items())
    raise click.ClickException(f"{error.message} {details}".strip())


def read_password(stream) -> str:
    """The first line, without its line ending whichever system wrote it ("\r\n" on Windows)."""
    return stream.readline().rstrip("\r\n")


@click.group("user")
def user_group():
    """Manage accounts."""


@user_group.command("create")
@click.argument("email")
@click.option("--name", required=True)
@click.option("--role", "roles", multiple=True, required=True, type=click.Choice(ROLES))
@click.option("--partner-id", type=int, help="Required for partner users.")
@click.option("--password-stdin", is_flag=True, help="Read the password from standard input.")
def create_user(email, name, roles, partner_id, password_stdin):
    """Create a user with one or more roles (repeat --role)."""
    password = read_password(sys.stdin) if password_stdin else None
    try:
        user = service.create_user(
            None,
            email=email,
            name=name,
            roles=list(roles),
            partner_id=partner_id,
            password=password,
        )
    except DomainError as error:
        fail(error)
    db.session.commit()
    click.echo(f"Created user {user.id} <{user.email}> with roles {', '.join(sorted(user.roles))}.")


@click.group("token")
def token_group():
    """Manage API tokens."""


@token_group.command("create")
@click.argument("email")
@click.option("--name", default="cli", help="A label to recognise the token by.")
def create_token(email, name):
    """Print a new API token for the user (shown once, stored hashed)."""
    user = service.find_user(email)
    if user is None:
        raise click.ClickException(f"No user with email {email}.")
    if not user.is_active_account:
        # The API refuses a deactivated account's tokens: printing one would only mislead.
        raise click.ClickException(f"{email} is deactivated: its tokens would be refused.")
    token = service.create_token(None, user, name)
    db.session.commit()
    click.echo(token)


@token_group.command("revoke")
@click.argument("token_id", type=int)
def revoke_token(token_id):
    """Revoke one API token by its id (listed on the admin's API tokens page)."""
    token = db.session.get(ApiToken, token_id) if 0 < token_id <= MAX_ID else None
    if token is None:
        raise click.ClickException(f"No API token with id {token_id}.")
    try:
        service.revoke_token(None, token)
    except DomainError as error:
        fail(error)
    db.session.commit()
    holder = db.session.get(User, token.user_id)
    click.echo(f"Revoked token {token.id} ({token.name or 'no label'}) of <{holder.email}>.")


commands = [user_group, token_group]
