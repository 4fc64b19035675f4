from datetime import date, timedelta

import pytest

from academy.audit.models import AuditEvent
from academy.cohorts.models import Cohort
from academy.dates import local_today
from academy.enrolments.models import Enrolment
from academy.extensions import db
from academy.progress.models import CompletionRecord
from tests.factories import enrol, make_cohort, make_course, make_partner, make_user


def cohort_body(**overrides):
    body = {
        "code": "AI-2025-01",
        "name": "AI foundations, spring",
        "course": "ai-foundations",
        "start_date": "2025-03-01",
        "end_date": "2025-05-30",
        "capacity": 30,
        "delivery": "shenzhen",
        "policy": "invite",
    }
    body.update(overrides)
    return body


def test_manager_creates_a_cohort(api):
    make_course("ai-foundations")
    teacher = make_user(["instructor"])
    partner = make_partner()
    manager = make_user(["manager"])
    body = cohort_body(sponsor_partner_id=partner.id, instructor_ids=[teacher.id])
    response = api(manager).post("/api/v1/cohorts", json=body)
    assert response.status_code == 201, response.json
    data = response.json
    assert data["code"] == "AI-2025-01"
    assert data["course"] == "ai-foundations"
    assert data["enrolled"] == data["waitlisted"] == 0
    assert data["instructor_ids"] == [teacher.id]
    assert data["invite_code"]  # invite-only cohorts get a code at once
    assert db.session.get(Cohort, data["id"]).sponsor_partner_id == partner.id
    assert db.session.query(AuditEvent).filter_by(action="cohort.create").count() == 1


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"capacity": -1}, "capacity"),
        ({"capacity": 10_001}, "capacity"),
        ({"capacity": "30"}, "capacity"),
        ({"capacity": True}, "capacity"),
        ({"capacity": 2.5}, "capacity"),
        ({"end_date": "2025-02-01"}, "end_date"),
        ({"start_date": "2025-13-45"}, "start_date"),
        ({"start_date": "yesterday"}, "start_date"),
        ({"course": "no-such-course"}, "course"),
        ({"delivery": "mars"}, "delivery"),
        ({"policy": "anyone"}, "policy"),
        ({"code": "x" * 41}, "code"),
        ({"name": "n" * 201}, "name"),
        ({"name": 12}, "name"),
        ({"instructor_ids": "7"}, "instructor_ids"),
        ({"sponsor_partner_id": 999}, "sponsor_partner_id"),
        ({"surprise": 1}, "surprise"),
    ],
)
def test_bad_cohort_bodies_get_field_errors_and_change_nothing(api, overrides, field):
    make_course("ai-foundations")
    response = api(make_user(["manager"])).post("/api/v1/cohorts", json=cohort_body(**overrides))
    assert response.status_code == 422, response.json
    assert field in response.json["error"]["fields"]
    assert db.session.query(Cohort).count() == 0


def test_instructor_ids_must_be_instructors(api):
    make_course("ai-foundations")
    trainee = make_user(["trainee"])
    response = api(make_user(["manager"])).post(
        "/api/v1/cohorts", json=cohort_body(instructor_ids=[trainee.id])
    )
    assert response.status_code == 422
    assert "instructor_ids" in response.json["error"]["fields"]


def test_non_json_and_non_object_bodies_are_refused(api):
    caller = api(make_user(["manager"]))
    assert caller.post("/api/v1/cohorts", data="nonsense").status_code in (400, 415, 422)
    assert caller.post("/api/v1/cohorts", json=[1, 2]).status_code == 422


def test_duplicate_code_is_a_conflict(api):
    course = make_course("ai-foundations")
    make_cohort(course)
    existing = db.session.query(Cohort).one()
    response = api(make_user(["manager"])).post(
        "/api/v1/cohorts", json=cohort_body(code=existing.code.lower())
    )
    assert response.status_code == 409
    assert db.session.query(Cohort).count() == 1


@pytest.mark.parametrize("role", ["instructor", "trainee", "partner"])
def test_only_managers_and_admins_create_cohorts(api, role):
    make_course("ai-foundations")
    partner = make_partner() if role == "partner" else None
    response = api(make_user([role], partner=partner)).post("/api/v1/cohorts", json=cohort_body())
    assert response.status_code == 403
    assert db.session.query(Cohort).count() == 0


def test_list_shows_instructors_only_their_cohorts_with_counts(api):
    teacher, other = make_user(["instructor"]), make_user(["instructor"])
    mine = make_cohort(capacity=1, instructors=[teacher])
    make_cohort(instructors=[other])
    enrol(mine, make_user())
    enrol(mine, make_user())
    response = api(teacher).get("/api/v1/cohorts")
    assert response.status_code == 200
    assert [(c["id"], c["enrolled"], c["waitlisted"]) for c in response.json] == [(mine.id, 1, 1)]
    assert len(api(make_user(["manager"])).get("/api/v1/cohorts").json) == 2
    assert api(make_user(["trainee"])).get("/api/v1/cohorts").status_code == 403


def test_list_filters(api):
    course = make_course("ai-foundations")
    partner = make_partner()
    this_year = make_cohort(course, start_on=date(2024, 3, 1), sponsor=partner)
    make_cohort(start_on=date(2023, 3, 1), end_on=date(2023, 6, 1))
    caller = api(make_user(["manager"]))

    def ids(query):
        return [c["id"] for c in caller.get(f"/api/v1/cohorts?{query}").json]

    assert ids("year=2024") == [this_year.id]
    assert ids("course=ai-foundations") == [this_year.id]
    assert ids(f"partner_id={partner.id}") == [this_year.id]
    assert caller.get("/api/v1/cohorts?year=abc").status_code == 422


def test_cohort_list_query_count_does_not_grow(api, count_queries):
    manager = make_user(["manager"])
    caller = api(manager)

    def measure():
        with count_queries() as queries:
            assert caller.get("/api/v1/cohorts").status_code == 200
        return len(queries)

    cohort = make_cohort()
    enrol(cohort, make_user())
    few = measure()
    for _ in range(8):
        enrol(make_cohort(), make_user())
    assert measure() == few


def test_instructor_cannot_see_or_change_a_cohort_they_do_not_teach(api):
    teacher = make_user(["instructor"])
    theirs = make_cohort(instructors=[make_user(["instructor"])])
    trainee = make_user()
    enrolment = enrol(theirs, trainee)
    caller = api(teacher)
    assert caller.get(f"/api/v1/cohorts/{theirs.id}").status_code == 404
    assert caller.get(f"/api/v1/cohorts/{theirs.id}/roster").status_code == 404
    assert (
        caller.post(
            f"/api/v1/cohorts/{theirs.id}/enrolments", json={"user_id": make_user().id}
        ).status_code
        == 404
    )
    assert caller.post(f"/api/v1/enrolments/{enrolment.id}/withdraw").status_code == 404
    assert db.session.get(Enrolment, enrolment.id).status == "enrolled"
    # And the same answer as for a cohort that does not exist at all.
    assert caller.get("/api/v1/cohorts/99999").status_code == 404


def test_instructor_enrols_and_reads_the_roster(api):
    teacher = make_user(["instructor"])
    cohort = make_cohort(capacity=1, instructors=[teacher])
    first, second = make_user(name="Ann"), make_user(name="Bo")
    caller = api(teacher)
    one = caller.post(f"/api/v1/cohorts/{cohort.id}/enrolments", json={"user_id": first.id})
    two = caller.post(f"/api/v1/cohorts/{cohort.id}/enrolments", json={"user_id": second.id})
    assert (one.status_code, one.json["status"]) == (201, "enrolled")
    assert (two.status_code, two.json["status"]) == (201, "waitlisted")
    again = caller.post(f"/api/v1/cohorts/{cohort.id}/enrolments", json={"user_id": first.id})
    assert again.status_code == 409
    detail = caller.get(f"/api/v1/cohorts/{cohort.id}").json
    assert (detail["enrolled"], detail["waitlisted"], detail["capacity"]) == (1, 1, 1)
    roster = caller.get(f"/api/v1/cohorts/{cohort.id}/roster").json
    assert [(r["name"], r["status"], r["lessons_done"], r["lessons_total"]) for r in roster] == [
        ("Ann", "enrolled", 0, 3),
        ("Bo", "waitlisted", 0, 3),
    ]
    assert set(roster[0]) >= {
        "enrolment_id",
        "user_id",
        "name",
        "status",
        "lessons_done",
        "lessons_total",
        "completed_on",
    }


def test_enrolling_unknown_or_non_trainee_users_is_refused(api):
    manager = make_user(["manager"])
    cohort = make_cohort()
    caller = api(manager)
    unknown = caller.post(f"/api/v1/cohorts/{cohort.id}/enrolments", json={"user_id": 4242})
    staff = caller.post(f"/api/v1/cohorts/{cohort.id}/enrolments", json={"user_id": manager.id})
    wrong = caller.post(f"/api/v1/cohorts/{cohort.id}/enrolments", json={"user_id": "x"})
    assert unknown.status_code == staff.status_code == wrong.status_code == 422
    assert db.session.query(Enrolment).count() == 0


def test_roster_as_csv(api):
    teacher = make_user(["instructor"])
    cohort = make_cohort(instructors=[teacher])
    enrol(cohort, make_user(name="陈小明"))
    response = api(teacher).get(f"/api/v1/cohorts/{cohort.id}/roster?format=csv")
    assert response.status_code == 200
    assert response.mimetype == "text/csv"
    text = response.data.decode("utf-8")
    assert text.startswith("\ufeffenrolment_id,user_id,name,status,lessons_done,lessons_total")
    assert "陈小明,enrolled,0,3," in text


def test_withdraw_by_trainee_promotes_the_oldest_waitlisted(api):
    cohort = make_cohort(capacity=1)
    seated, first_waiting, second_waiting = make_user(), make_user(), make_user()
    mine = enrol(cohort, seated)
    early = enrol(cohort, first_waiting)
    enrol(cohort, second_waiting)
    response = api(seated).post(f"/api/v1/enrolments/{mine.id}/withdraw")
    assert response.status_code == 200
    assert response.json["status"] == "withdrawn"
    assert db.session.get(Enrolment, early.id).status == "enrolled"
    again = api(seated).post(f"/api/v1/enrolments/{mine.id}/withdraw")
    assert again.status_code == 409


def test_another_trainee_cannot_withdraw_someone(api):
    enrolment = enrol(make_cohort(), make_user())
    response = api(make_user()).post(f"/api/v1/enrolments/{enrolment.id}/withdraw")
    assert response.status_code == 404
    assert db.session.get(Enrolment, enrolment.id).status == "enrolled"


def test_manual_completion_and_revocation(api):
    teacher = make_user(["instructor"])
    course = make_course("ai-foundations")
    cohort = make_cohort(course, instructors=[teacher])
    trainee = make_user()
    enrolment = enrol(cohort, trainee)
    body = {
        "user_id": trainee.id,
        "course": "ai-foundations",
        "cohort_id": cohort.id,
        "completed_on": (local_today() - timedelta(days=1)).isoformat(),
        "score": 88,
        "reason": "Completed the offline assessment",
    }
    response = api(teacher).post("/api/v1/completions", json=body)
    assert response.status_code == 201, response.json
    assert response.json["certificate_code"].startswith("AFA-")
    assert db.session.get(Enrolment, enrolment.id).status == "completed"
    assert api(teacher).post("/api/v1/completions", json=body).status_code == 409
    assert (
        db.session.query(AuditEvent).filter_by(action="completion.manual").one().detail["reason"]
        == "Completed the offline assessment"
    )

    completion_id = response.json["id"]
    url = f"/api/v1/completions/{completion_id}/revoke"
    assert api(teacher).post(url, json={"reason": "x"}).status_code == 403
    manager = make_user(["manager"])
    assert api(manager).post(url, json={}).status_code == 422
    revoked = api(manager).post(url, json={"reason": "Recorded for the wrong person"})
    assert revoked.status_code == 200
    record = db.session.get(CompletionRecord, completion_id)
    assert record.revoke_reason == "Recorded for the wrong person"
    assert db.session.get(Enrolment, enrolment.id).status == "enrolled"
    assert (
        api(manager).post("/api/v1/completions/999/revoke", json={"reason": "x"}).status_code == 404
    )


def test_manual_completion_rules(api):
    teacher = make_user(["instructor"])
    course = make_course("ai-foundations")
    mine = make_cohort(course, instructors=[teacher])
    theirs = make_cohort(course)
    trainee = make_user()
    enrol(theirs, trainee)
    base = {
        "user_id": trainee.id,
        "course": "ai-foundations",
        "completed_on": local_today().isoformat(),
        "reason": "Assessed",
    }
    caller = api(teacher)
    assert (
        caller.post("/api/v1/completions", json={**base, "cohort_id": theirs.id}).status_code == 404
    )
    not_in = caller.post("/api/v1/completions", json={**base, "cohort_id": mine.id})
    assert not_in.status_code == 422
    assert caller.post("/api/v1/completions", json=base).status_code == 422
    assert caller.post("/api/v1/completions", json={**base, "reason": ""}).status_code == 422
    future = {**base, "completed_on": (local_today() + timedelta(days=3)).isoformat()}
    assert api(make_user(["manager"])).post("/api/v1/completions", json=future).status_code == 422
    assert api(trainee).post("/api/v1/completions", json=base).status_code == 403
    assert db.session.query(CompletionRecord).count() == 0


def test_openapi_documents_the_cohort_endpoints(client):
    paths = client.get("/api/v1/openapi.json").json["paths"]
    for path in (
        "/api/v1/cohorts",
        "/api/v1/cohorts/{cohort_id}",
        "/api/v1/cohorts/{cohort_id}/enrolments",
        "/api/v1/cohorts/{cohort_id}/roster",
        "/api/v1/enrolments/{enrolment_id}/withdraw",
        "/api/v1/completions",
        "/api/v1/completions/{completion_id}/revoke",
    ):
        assert path in paths


def test_a_manual_completion_needs_a_seat_in_the_cohort(api):
    course = make_course("ai-foundations")
    cohort = make_cohort(course, capacity=1)
    seated, waiting, gone = make_user(), make_user(), make_user()
    enrol(cohort, seated)
    waitlisted = enrol(cohort, waiting)
    withdrawn = enrol(cohort, gone)  # waitlisted too, then withdrawn
    manager = make_user(["manager"])
    assert api(gone).post(f"/api/v1/enrolments/{withdrawn.id}/withdraw", json={}).status_code == 200
    base = {
        "course": "ai-foundations",
        "cohort_id": cohort.id,
        "completed_on": local_today().isoformat(),
        "reason": "Assessed offline",
    }
    for person in (waiting, gone):
        response = api(manager).post("/api/v1/completions", json={**base, "user_id": person.id})
        assert response.status_code == 422
        assert "user_id" in response.json["error"]["fields"]
    db.session.expire_all()
    assert db.session.query(CompletionRecord).count() == 0
    assert db.session.get(Enrolment, waitlisted.id).status == "waitlisted"
    assert db.session.get(Cohort, cohort.id).seats_taken == 1
    seated_body = {**base, "user_id": seated.id}
    assert api(manager).post("/api/v1/completions", json=seated_body).status_code == 201


def test_a_manual_completion_is_not_dated_before_its_cohort_started(api):
    course = make_course("ai-foundations")
    start = local_today() - timedelta(days=10)
    cohort = make_cohort(course, start_on=start, end_on=local_today() + timedelta(days=30))
    trainee = make_user()
    enrol(cohort, trainee)
    manager = api(make_user(["manager"]))
    base = {"user_id": trainee.id, "course": "ai-foundations", "cohort_id": cohort.id}
    early = {**base, "completed_on": "2019-03-01", "reason": "Assessed"}
    response = manager.post("/api/v1/completions", json=early)
    assert response.status_code == 422
    assert "completed_on" in response.json["error"]["fields"]
    assert db.session.query(CompletionRecord).count() == 0
    on_the_day = {**base, "completed_on": start.isoformat(), "reason": "Assessed"}
    assert manager.post("/api/v1/completions", json=on_the_day).status_code == 201


def test_a_manual_completion_is_for_a_trainee(api):
    make_course("ai-foundations")
    manager = make_user(["manager"])
    for roles in (["partner"], ["admin"], ["instructor"]):
        body = {
            "user_id": make_user(roles).id,
            "course": "ai-foundations",
            "completed_on": local_today().isoformat(),
            "reason": "Assessed offline",
        }
        response = api(manager).post("/api/v1/completions", json=body)
        assert response.status_code == 422
        assert response.json["error"]["fields"]["user_id"] == ["Not a trainee."]
    assert db.session.query(CompletionRecord).count() == 0
