"""A request that lost to another transaction (deadlock, serialization failure, SQLite's write
lock) answers 503 with Retry-After, in the page's or the API's form; other database errors
are still server errors."""

import sqlite3

import psycopg.errors
import pytest
from sqlalchemy.exc import OperationalError

from academy.errors import is_contention


def _replace(app, monkeypatch, endpoint: str, cause: Exception) -> None:
    assert endpoint in app.view_functions
    monkeypatch.setitem(app.view_functions, endpoint, _failing_with(cause))


def _failing_with(cause: Exception):
    def view(*_args, **_kwargs):
        raise OperationalError("UPDATE cohorts SET seats_taken = ...", {}, cause)

    return view


CONTENTION = [
    psycopg.errors.DeadlockDetected("deadlock detected"),
    psycopg.errors.SerializationFailure("could not serialize access"),
    sqlite3.OperationalError("database is locked"),
]


@pytest.mark.parametrize("cause", CONTENTION, ids=type)
def test_a_page_that_lost_to_another_transaction_says_try_again(
    app, client, login_as, monkeypatch, cause
):
    login_as("trainee")
    _replace(app, monkeypatch, "progress.my_learning", cause)
    response = client.get("/learning")
    assert response.status_code == 503
    assert response.headers["Retry-After"] == "1"
    assert "Try again in a moment" in response.get_data(as_text=True)


@pytest.mark.parametrize("cause", CONTENTION, ids=type)
def test_the_api_answers_503_busy(app, client, monkeypatch, cause):
    _replace(app, monkeypatch, "api_me.me", cause)
    response = client.get("/api/v1/me")
    assert response.status_code == 503
    assert response.headers["Retry-After"] == "1"
    assert response.get_json()["error"]["code"] == "busy"


def test_other_database_errors_are_not_taken_for_contention():
    assert not is_contention(
        OperationalError("SELECT 1", {}, sqlite3.OperationalError("disk I/O error"))
    )
    assert not is_contention(
        OperationalError("SELECT 1", {}, psycopg.errors.UndefinedTable("no such table"))
    )
