"""Sign-up and password reset do the same work whether or not the email has an account.

Counted, not timed: the password hashes spent, the messages written, and the mail handed
to the SMTP server before the response is sent (SMTP takes tens of milliseconds, hashing
over a hundred).
"""

from __future__ import annotations

import pytest

from academy import mail
from academy.auth import service
from tests.factories import make_user

SIGN_UP = {
    "name": "Someone",
    "password": "mangroves at futian 2025",
    "confirm": "mangroves at futian 2025",
    "kind": "student",
    "region": "other",
    "organisation": "",
}


@pytest.fixture
def work(app, monkeypatch):
    """What a request did: {"hashes": n, "written": n, "smtp": [recipient, ...]}."""
    done = {"hashes": 0, "written": 0, "smtp": []}
    hash_password, compose = service.generate_password_hash, mail._message

    def counted_compose(*args):
        done["written"] += 1
        return compose(*args)

    def counted_hash(password, *args, **kwargs):
        done["hashes"] += 1
        return hash_password(password, *args, **kwargs)

    monkeypatch.setattr(service, "generate_password_hash", counted_hash)
    monkeypatch.setattr(mail, "_message", counted_compose)
    monkeypatch.setattr(mail, "_smtp", lambda message: done["smtp"].append(message["To"]))
    monkeypatch.setitem(app.config, "MAIL_SERVER", "smtp.example.org")
    mail.sent.clear()
    yield done
    mail.sent.clear()


def _sign_up(client, work, email):
    work.update(hashes=0, written=0, smtp=[])
    response = client.post("/signup", data={**SIGN_UP, "email": email})
    assert response.status_code == 200
    during = {"hashes": work["hashes"], "written": work["written"], "smtp": len(work["smtp"])}
    response.close()
    return response.get_data(as_text=True), during


def test_signing_up_with_a_taken_email_does_a_new_one_s_work(client, work):
    make_user(email="taken@example.org")
    new_page, new = _sign_up(client, work, "new@example.org")
    taken_page, taken = _sign_up(client, work, "taken@example.org")
    assert new == taken == {"hashes": 1, "written": 1, "smtp": 1}
    assert taken_page == new_page.replace("new@example.org", "taken@example.org")


def test_a_reset_mail_is_written_either_way_and_leaves_after_the_response(client, work):
    make_user(email="known@example.org")
    answers = {}
    for email in ("known@example.org", "unknown@example.org"):
        work.update(written=0, smtp=[])
        response = client.post("/password/forgot", data={"email": email})
        assert work["written"] == 1  # for nobody too, so both answers take as long
        assert work["smtp"] == []  # nothing sent while the answer is still being made
        response.close()  # as the server does once the answer has gone out
        answers[email] = (response.get_data(as_text=True), work["smtp"])
    known_page, known_sent = answers["known@example.org"]
    unknown_page, unknown_sent = answers["unknown@example.org"]
    assert known_sent == ["known@example.org"] and unknown_sent == []
    assert known_page == unknown_page.replace("unknown@example.org", "known@example.org")
    assert [m["To"] for m in mail.sent] == ["known@example.org"]


def test_outside_a_request_a_reset_mail_is_sent_at_once(app, work):
    from academy.auth import onboarding

    onboarding.send_password_reset(make_user(email="cli@example.org"))
    assert work["smtp"] == ["cli@example.org"]
