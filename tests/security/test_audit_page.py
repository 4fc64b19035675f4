"""The admin audit log: filters by action, actor, record, dates; pages newest first."""

from __future__ import annotations

import re
from datetime import UTC, datetime

from sqlalchemy import insert

from academy.audit import views
from academy.audit.models import AuditEvent
from academy.audit.queries import prefix_range
from academy.audit.service import record
from academy.extensions import db
from tests.factories import make_user


def _event(action, object_type, object_id, at, actor=None):
    db.session.execute(
        insert(AuditEvent),
        [{"action": action, "object_type": object_type, "object_id": str(object_id),
          "at": at, "detail": {}, "actor_id": actor.id if actor else None}],
    )  # fmt: skip


def test_filters_by_record_dates_and_actor(client, login_as):
    admin = login_as("admin")
    other = make_user(["manager"], email="mgr@example.org")
    # 23:30 UTC on 9 March is 07:30 on 10 March in Shenzhen and Hong Kong.
    _event("cohort.edit", "cohort", 7, datetime(2026, 3, 9, 23, 30, tzinfo=UTC), admin)
    _event("cohort.edit", "cohort", 8, datetime(2026, 3, 12, 4, 0, tzinfo=UTC), other)
    _event("user.create", "user", 7, datetime(2026, 4, 1, 4, 0, tzinfo=UTC), other)
    db.session.commit()

    def shown(query):
        html = client.get("/admin/audit?" + query).get_data(as_text=True)
        return sorted(
            f"{kind} {n}"
            for kind, n in (("cohort", 7), ("cohort", 8), ("user", 7))
            if f"{kind} {n}</td>" in html
        )

    assert shown("") == ["cohort 7", "cohort 8", "user 7"]
    assert shown("object_type=cohort") == ["cohort 7", "cohort 8"]
    assert shown("object_type=cohort&object_id=7") == ["cohort 7"]
    assert shown("object_id=7") == ["cohort 7", "user 7"]
    assert shown("start=2026-03-10&end=2026-03-10") == ["cohort 7"]  # the academy's day
    assert shown("start=2026-03-11") == ["cohort 8", "user 7"]
    assert shown("end=2026-03-31") == ["cohort 7", "cohort 8"]
    assert shown("actor=MGR@example.org&action=cohort") == ["cohort 8"]


def test_a_bad_date_is_ignored_with_a_message(client, login_as):
    login_as("admin")
    response = client.get("/admin/audit?start=yesterday&end=2026-13-40")
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert "“yesterday” is not a date" in html and "“2026-13-40” is not a date" in html


def test_pages_run_newest_first_and_keep_the_filters(client, login_as, monkeypatch, count_queries):
    admin = login_as("admin")
    monkeypatch.setattr(views, "PAGE_SIZE", 3)
    for n in range(7):
        record(admin, "cohort.edit", "cohort", 100 + n)
    record(admin, "user.create", "user", 1)
    db.session.commit()

    def ids(html):
        return [n for n in range(100, 107) if f"cohort {n}</td>" in html]

    first = client.get("/admin/audit?object_type=cohort").get_data(as_text=True)
    assert ids(first) == [104, 105, 106]
    assert "Newest events" not in first
    path = re.search(r'href="([^"]+)" rel="next"', first).group(1).replace("&amp;", "&")
    assert "object_type=cohort" in path and "before=" in path
    second = client.get(path).get_data(as_text=True)
    assert ids(second) == [101, 102, 103]
    assert "Newest events" in second

    with count_queries() as few:
        client.get("/admin/audit")
    monkeypatch.setattr(views, "PAGE_SIZE", 100)
    with count_queries() as many:
        client.get("/admin/audit")
    assert len(few) == len(many)


def test_only_admins_read_the_audit_log(client, login_as):
    for role in ("trainee", "instructor", "manager", "partner"):
        login_as(role)
        assert client.get("/admin/audit?object_type=user").status_code == 403


def _actions_shown(client, prefix):
    html = client.get("/admin/audit", query_string={"action": prefix}).get_data(as_text=True)
    return sorted(re.findall(r"<td><code>([^<]*)</code></td>", html))


def test_an_action_prefix_matches_actions_that_start_with_it(client, login_as):
    login_as("admin")
    at = datetime(2026, 3, 9, 12, 0, tzinfo=UTC)
    for n, action in enumerate(
        ("completion", "completion.issue", "completion.revoke", "completion.revoked_all",
         "completionx", "completiom.z", "cohort.update")
    ):  # fmt: skip
        _event(action, "completion", n, at)
    db.session.commit()

    # A whole action, and the longer actions it begins.
    assert _actions_shown(client, "completion.revoke") == [
        "completion.revoke",
        "completion.revoked_all",
    ]
    assert _actions_shown(client, "completion.revoked_all") == ["completion.revoked_all"]
    assert _actions_shown(client, "completion.") == [
        "completion.issue",
        "completion.revoke",
        "completion.revoked_all",
    ]
    assert _actions_shown(client, "completion") == [
        "completion",
        "completion.issue",
        "completion.revoke",
        "completion.revoked_all",
        "completionx",
    ]
    assert _actions_shown(client, "COMPLETION.Issue") == [
        "completion.issue"
    ]  # actions are lower case
    assert _actions_shown(client, "completion.revoked_all.") == []
    assert _actions_shown(client, "a") == []


def test_an_action_prefix_takes_every_character_literally(client, login_as):
    login_as("admin")
    at = datetime(2026, 3, 9, 12, 0, tzinfo=UTC)
    actions = ("user_create", "userxcreate", "a%b", "axb", "a/b", "a\\b", "a[b]", "é.z", "ê.z")
    for n, action in enumerate(actions):
        _event(action, "user", n, at)
    db.session.commit()

    assert _actions_shown(client, "user_") == ["user_create"]
    assert _actions_shown(client, "a%") == ["a%b"]
    assert _actions_shown(client, "%") == []
    assert _actions_shown(client, "_") == []
    assert _actions_shown(client, "a/") == ["a/b"]
    assert _actions_shown(client, "a\\") == ["a\\b"]
    assert _actions_shown(client, "a[") == ["a[b]"]
    assert _actions_shown(client, "é") == ["é.z"]


def test_prefix_ranges_cover_exactly_the_strings_that_start_with_them():
    assert prefix_range("completion.") == ("completion.", "completion/")
    assert prefix_range("a%") == ("a%", "a&")
    assert prefix_range("a\U0010ffff") == ("a\U0010ffff", "b")
    assert prefix_range("\U0010ffff") == ("\U0010ffff", None)
    assert prefix_range("a\ud7ff") == ("a\ud7ff", "a\ue000")  # over the surrogates


def test_pages_follow_the_time_of_events_and_lose_none_that_share_it(client, login_as, monkeypatch):
    """Events are listed by when they happened, then by id; an import logs many at one instant."""
    login_as("admin")
    monkeypatch.setattr(views, "PAGE_SIZE", 2)
    noon = datetime(2026, 3, 9, 12, 0, tzinfo=UTC)
    _event("cohort.edit", "cohort", 1, datetime(2026, 3, 9, 13, 0, tzinfo=UTC))
    for n in range(2, 7):  # logged after event 1, at an earlier instant
        _event("enrolment.create", "enrolment", n, noon)
    _event("cohort.edit", "cohort", 7, datetime(2026, 3, 9, 11, 0, tzinfo=UTC))
    db.session.commit()

    def walk(query):
        shown, path = [], "/admin/audit?" + query
        while path:
            html = client.get(path).get_data(as_text=True)
            shown += [int(n) for n in re.findall(r"<td>\w+ (\d+)</td>", html)]
            link = re.search(r'href="([^"]+)" rel="next"', html)
            path = link.group(1).replace("&amp;", "&") if link else None
        return shown

    assert walk("") == [1, 6, 5, 4, 3, 2, 7]
    assert walk("start=2026-03-09&end=2026-03-09") == [1, 6, 5, 4, 3, 2, 7]
    assert walk("action=enrolment.create") == [6, 5, 4, 3, 2]
    assert walk("action=cohort") == [1, 7]
    assert walk("object_type=enrolment") == [6, 5, 4, 3, 2]


def test_an_action_prefix_costs_the_same_queries_however_many_actions_it_spans(
    client, login_as, count_queries
):
    admin = login_as("admin")
    record(admin, "cohort.create", "cohort", 1)
    db.session.commit()
    with count_queries() as one:
        client.get("/admin/audit?action=cohort")
    for n in range(30):
        record(admin, ("cohort.edit", "cohort.update", "cohort.capacity")[n % 3], "cohort", n)
    db.session.commit()
    with count_queries() as many:
        html = client.get("/admin/audit?action=cohort").get_data(as_text=True)
    assert html.count("<code>cohort.") == 31
    assert len(one) == len(many)
