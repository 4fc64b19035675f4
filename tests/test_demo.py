"""`academy demo`: the academy a newcomer sees after `make run`."""

from datetime import date

import pytest
from sqlalchemy import func, select

from academy.auth.models import User
from academy.demo import small
from academy.enrolments.models import Enrolment
from academy.extensions import db
from academy.progress.models import CompletionRecord


@pytest.mark.slow
def test_demo_loads_every_role_and_a_year_of_completions_once(app, client):
    runner = app.test_cli_runner()
    first = runner.invoke(args=["academy", "demo"])
    assert first.exit_code == 0, first.output
    for email, password, _roles in small.logins():
        assert email in first.output
        response = client.post("/login", data={"email": email, "password": password})
        assert response.status_code == 302, email
        client.post("/logout")
    users = db.session.scalar(select(func.count(User.id)))
    year_start = date(date.today().year, 1, 1)
    trained = db.session.scalar(
        select(func.count(func.distinct(CompletionRecord.user_id))).where(
            CompletionRecord.completed_on >= year_start
        )
    )
    assert trained > 100
    demo_trainee = db.session.scalar(select(User).where(User.email == "trainee@academy.example"))
    assert (
        db.session.scalar(
            select(func.count(CompletionRecord.id)).where(
                CompletionRecord.user_id == demo_trainee.id
            )
        )
        == 1
    )
    statuses = set(db.session.scalars(select(Enrolment.status).distinct()))
    assert {"enrolled", "completed", "waitlisted"} <= statuses

    second = runner.invoke(args=["academy", "demo"])
    assert second.exit_code == 0
    assert "already loaded" in second.output
    assert db.session.scalar(select(func.count(User.id))) == users
