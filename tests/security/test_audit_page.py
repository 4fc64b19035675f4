"""The admin audit log: filters by action, actor, record, dates; pages newest first."""

from __future__ import annotations

import re
from datetime import UTC, datetime

from sqlalchemy import insert

from academy.audit import views
from academy.audit.models import AuditEvent
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
