"""The sign-in lookup: one statement gives the person and their roles, and roles stay true."""

from academy.auth.models import UserRole
from academy.auth.service import create_token, start_session, user_for_session, user_for_token
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
    db.session.expunge_all()
    with count_queries() as queries:
        assert user_for_token(token).roles == {"instructor"}
    assert len(queries) == 1


def test_a_person_without_roles_has_none(app):
    assert user_for_session(_fresh_session_token([])).roles == set()


def test_roles_changed_after_the_lookup_show_at_once(app):
    user = user_for_session(_fresh_session_token(["trainee"]))
    assert user.roles == {"trainee"}
    user.role_rows = [UserRole(role="admin")]
    assert user.roles == {"admin"}
    db.session.commit()
    assert user.roles == {"admin"}
