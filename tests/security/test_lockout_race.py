"""Wrong passwords sent at the same moment each count towards the lockout."""

import threading

import pytest

from academy.audit.models import AuditEvent
from academy.auth.models import User
from academy.extensions import db
from tests.factories import make_user

GUESSES = 12


@pytest.mark.slow
def test_a_burst_of_wrong_passwords_locks_the_account(app):
    user = make_user(email="target@example.org")
    user_id = user.id
    clients = [app.test_client() for _ in range(GUESSES)]
    db.session.remove()  # the test's own connection must not hold a lock meanwhile
    barrier = threading.Barrier(GUESSES)
    statuses: list[int] = []

    def guess(client):
        barrier.wait(timeout=30)
        form = {"email": "target@example.org", "password": "not the password"}
        statuses.append(client.post("/login", data=form).status_code)

    threads = [threading.Thread(target=guess, args=(client,)) for client in clients]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert len(statuses) == GUESSES and 200 not in statuses
    locked = db.session.get(User, user_id)
    assert locked.locked_until is not None
    assert db.session.query(AuditEvent).filter_by(action="user.locked").count() == 1
