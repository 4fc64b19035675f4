"""The sign-in lookup: one statement gives the person and their roles, as a plain record."""

from academy.auth.models import SignedInUser, User, UserRole
from academy.auth.service import (
    create_token,
    end_session,
    start_session,
    user_for_session,
    user_for_token,
)
from academy.extensions import db
from tests.factories import make_user


def _fresh_session_token(roles) -> str:
    token = start_session(make_user(roles))
    db.session.commit()
    db.session.expunge_all()  # as a new request starts: nothing loaded yet
    return token


def test_a_session_gives_the_person_and_roles_in_one_statement(app, count_queries):
    token = _fresh_session_token(["trainee", "manager"])
    with count_queries() as queries:
        user = user_for_session(token)
        assert user.roles == {"trainee", "manager"}
        assert user.has_role("manager") and not user.has_role("admin")
    assert len(queries) == 1


def test_an_api_token_gives_the_roles_too(app, count_queries):
    token = create_token(None, make_user(["instructor"]), "script")
    db.session.commit()
    user_for_token(token)  # the first use is stamped (tests/auth/test_tokens.py); later ones read
    db.session.expunge_all()
    with count_queries() as queries:
        assert user_for_token(token).roles == {"instructor"}
    assert len(queries) == 1


def test_a_person_without_roles_has_none(app):
    assert user_for_session(_fresh_session_token([])).roles == set()


def test_roles_changed_since_show_at_the_next_lookup(app):
    token = _fresh_session_token(["trainee"])
    assert user_for_session(token).roles == {"trainee"}
    account = db.session.get(User, user_for_session(token).id)
    account.role_rows = [UserRole(role="admin")]
    db.session.commit()
    assert user_for_session(token).roles == {"admin"}


def test_the_lookup_loads_no_object_into_the_session(app):
    # What makes it cheap: nothing for the ORM to build, track, or look at on commit.
    user = user_for_session(_fresh_session_token(["trainee"]))
    assert isinstance(user, SignedInUser)
    assert len(db.session.identity_map) == 0


def test_revoked_sessions_and_deactivated_accounts_are_not_found(app):
    token = _fresh_session_token(["trainee"])
    end_session(token)
    db.session.commit()
    assert user_for_session(token) is None
    other = _fresh_session_token(["trainee"])
    db.session.get(User, user_for_session(other).id).is_active_account = False
    db.session.commit()
    assert user_for_session(other) is None
