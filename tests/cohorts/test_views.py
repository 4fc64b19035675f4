import csv
import io
import re
from datetime import UTC, date, datetime, timedelta

import pytest
from openpyxl import load_workbook
from sqlalchemy import select

from academy.audit.models import AuditEvent
from academy.cohorts.models import Attendance, Cohort, CohortSession
from academy.dates import local_today
from academy.enrolments.models import Enrolment
from academy.extensions import db, utcnow
from academy.progress.models import CompletionRecord, LessonProgress
from tests.factories import complete, enrol, make_cohort, make_course, make_user, sign_in


def progress(enrolment, lesson_ids, score=None):
    for lesson_id in lesson_ids:
        db.session.add(
            LessonProgress(
                enrolment_id=enrolment.id,
                lesson_id=lesson_id,
                done_at=utcnow(),
                best_score=score,
                quiz_passed=score is not None and score >= 50,
            )
        )
    db.session.commit()


def lesson_ids(course):
    from academy.courses.models import Lesson

    return db.session.scalars(
        select(Lesson.id).where(Lesson.course_id == course.id).order_by(Lesson.position)
    ).all()


# --- who sees what ---------------------------------------------------------------------


def cohort_pages(cohort_id, enrolment_id):
    return [
        f"/cohorts/{cohort_id}",
        f"/cohorts/{cohort_id}/roster",
        f"/cohorts/{cohort_id}/roster.csv",
        f"/cohorts/{cohort_id}/roster.xlsx",
        f"/cohorts/{cohort_id}/trainees/{enrolment_id}",
        f"/cohorts/{cohort_id}/sessions",
        f"/cohorts/{cohort_id}/import",
    ]


def test_instructor_cannot_see_or_change_cohorts_they_do_not_teach(client):
    teacher = make_user(["instructor"])
    mine = make_cohort(instructors=[teacher])
    theirs = make_cohort(instructors=[make_user(["instructor"])])
    enrolment = enrol(theirs, make_user(name="Hidden Person"))
    sign_in(client, teacher)

    listing = client.get("/cohorts")
    assert mine.code.encode() in listing.data
    assert theirs.code.encode() not in listing.data
    for url in cohort_pages(theirs.id, enrolment.id):
        response = client.get(url)
        assert response.status_code == 404, url
        assert b"Hidden Person" not in response.data
    base = f"/cohorts/{theirs.id}/trainees/{enrolment.id}"
    assert client.post(f"{base}/withdraw").status_code == 404
    assert client.post(f"{base}/move", data={"move-target": mine.id}).status_code == 404
    assert (
        client.post(
            f"{base}/completion",
            data={"completion-completed_on": local_today().isoformat(), "completion-reason": "x"},
        ).status_code
        == 404
    )
    assert client.post(f"/cohorts/{theirs.id}/sessions", data={}).status_code == 404
    # Instructors do not edit cohorts at all, even their own.
    assert client.get(f"/cohorts/{mine.id}/edit").status_code == 403
    assert db.session.get(Enrolment, enrolment.id).status == "enrolled"
    assert db.session.query(CompletionRecord).count() == 0


@pytest.mark.parametrize("role", ["trainee", "partner"])
def test_non_staff_get_403_on_cohort_pages(client, login_as, role):
    from tests.factories import make_partner

    cohort = make_cohort()
    login_as(role, partner=make_partner() if role == "partner" else None)
    assert client.get("/cohorts").status_code == 403
    assert client.get(f"/cohorts/{cohort.id}/roster").status_code == 403


def test_manager_list_filters_and_pages(client, login_as):
    login_as("manager")
    course = make_course("ai-foundations")
    for _ in range(27):
        make_cohort(course, start_on=date(2024, 2, 1))
    other = make_cohort(start_on=date(2022, 2, 1), end_on=date(2022, 3, 1))
    first = client.get("/cohorts?year=2024")
    assert first.status_code == 200
    assert b"Page 1 of 2 (27 cohorts)" in first.data
    assert other.code.encode() not in first.data
    assert b"Page 2 of 2" in client.get("/cohorts?year=2024&page=2").data
    assert other.code.encode() in client.get("/cohorts?year=2022").data


def test_cohort_list_query_count_is_fixed(client, login_as, count_queries):
    login_as("manager")
    enrol(make_cohort(), make_user())
    enrol(make_cohort(), make_user())

    def measure():
        with count_queries() as queries:
            assert client.get("/cohorts").status_code == 200
        return len(queries)

    two = measure()
    for _ in range(10):
        enrol(make_cohort(), make_user())
    assert measure() == two


def _enclosing_select(statement: str, at: int) -> str:
    """The parenthesised subquery of `statement` around position `at`, or all of it."""
    opened = []
    for index, char in enumerate(statement[:at]):
        if char == "(":
            opened.append(index)
        elif char == ")":
            opened.pop()
    return statement[opened[-1] :] if opened else statement


def test_a_later_page_counts_seats_for_its_own_cohorts_only(client, login_as, count_queries):
    login_as("manager")
    course = make_course()
    oldest = make_cohort(course, capacity=1, start_on=date(2023, 1, 2))
    older = make_cohort(course, start_on=date(2023, 1, 3))
    for n in range(25):
        make_cohort(course, start_on=date(2024, 1, 1) + timedelta(days=n))
    enrol(oldest, make_user())
    enrol(oldest, make_user())  # past capacity: waitlisted
    for _ in range(3):
        enrol(older, make_user())

    with count_queries() as statements:
        html = client.get("/cohorts?page=2").get_data(as_text=True)
    cells = re.findall(r'<td class="num">(\d+)</td>', html)
    # enrolled, capacity, waitlisted, completed: older, then oldest
    assert cells == ["3", "20", "0", "0", "1", "1", "1", "0"]
    # The counts are taken after the page is chosen, not for every cohort the offset skips.
    listing = next(s for s in statements if "OFFSET" in s.upper())
    paged = _enclosing_select(listing, listing.upper().index("OFFSET"))
    assert "enrolments" in listing and "enrolments" not in paged


def test_roster_query_count_is_fixed(client, count_queries):
    teacher = make_user(["instructor"])
    course = make_course(lessons=4, quiz_on_last=True)
    cohort = make_cohort(course, instructors=[teacher])
    ids = lesson_ids(course)
    sign_in(client, teacher)

    def add(n):
        for _ in range(n):
            progress(enrol(cohort, make_user()), ids[:2])

    def measure():
        with count_queries() as queries:
            assert client.get(f"/cohorts/{cohort.id}/roster").status_code == 200
        return len(queries)

    add(2)
    two = measure()
    add(8)
    assert measure() == two


def test_roster_matrix_shows_progress_scores_and_who_is_behind(client):
    teacher = make_user(["instructor"])
    course = make_course(lessons=4, quiz_on_last=True)
    # Three quarters through: three of four lessons expected by now.
    cohort = make_cohort(
        course,
        instructors=[teacher],
        start_on=local_today() - timedelta(days=30),
        end_on=local_today() + timedelta(days=10),
    )
    ids = lesson_ids(course)
    ahead, behind = make_user(name="Ahead Ann"), make_user(name="Behind Bo")
    ahead_enrolment = enrol(cohort, ahead)
    progress(ahead_enrolment, ids[:3])
    behind_enrolment = enrol(cohort, behind)
    progress(behind_enrolment, ids[:1])
    db.session.add(
        LessonProgress(
            enrolment_id=ahead_enrolment.id,
            lesson_id=ids[3],
            done_at=utcnow(),
            best_score=90,
            quiz_passed=True,
        )
    )
    db.session.add(LessonProgress(enrolment_id=behind_enrolment.id, lesson_id=ids[1]))
    db.session.commit()
    sign_in(client, teacher)
    page = client.get(f"/cohorts/{cohort.id}/roster").get_data(as_text=True)
    assert '<span class="badge ok">90%</span>' in page
    assert "4/4" in page and "1/4" in page
    assert page.count('aria-label="done">✓') == 4 and page.count('aria-label="started"') == 1
    for enrolment in (ahead_enrolment, behind_enrolment):
        assert f'href="/cohorts/{cohort.id}/trainees/{enrolment.id}"' in page
    assert page.count("<td>—</td>") == 0  # both have a last activity
    only_behind = client.get(f"/cohorts/{cohort.id}/roster?behind=1").get_data(as_text=True)
    assert "Behind Bo" in only_behind and "Ahead Ann" not in only_behind
    by_progress = client.get(f"/cohorts/{cohort.id}/roster?sort=progress").get_data(as_text=True)
    assert by_progress.index("Ahead Ann") < by_progress.index("Behind Bo")


# --- exports ---------------------------------------------------------------------------


def test_exports_neutralise_formulas_and_keep_numbers(client):
    teacher = make_user(["instructor"])
    course = make_course(lessons=2)
    cohort = make_cohort(course, instructors=[teacher])
    ids = lesson_ids(course)
    progress(enrol(cohort, make_user(name='=HYPERLINK("x")')), ids[:1], score=75)
    enrol(cohort, make_user(name="+1"))
    enrol(cohort, make_user(name="陈小明"))
    sign_in(client, teacher)

    raw = client.get(f"/cohorts/{cohort.id}/roster.csv")
    assert raw.status_code == 200
    text = raw.get_data(as_text=True)
    assert text.startswith("\ufeff")
    rows = list(csv.reader(io.StringIO(text.lstrip("\ufeff"))))
    names = {row[0] for row in rows[1:]}
    assert names == {'\'=HYPERLINK("x")', "'+1", "陈小明"}
    hyperlink = next(row for row in rows if row[0].startswith("'=HYPERLINK"))
    assert hyperlink[3] == "1" and hyperlink[10] == "75"

    book = load_workbook(io.BytesIO(client.get(f"/cohorts/{cohort.id}/roster.xlsx").data))
    sheet = book.active
    values = [[cell.value for cell in row] for row in sheet.iter_rows(min_row=2)]
    by_name = {row[0]: row for row in values}
    assert set(by_name) == {'\'=HYPERLINK("x")', "'+1", "陈小明"}
    assert by_name['\'=HYPERLINK("x")'][3] == 1  # a number, not text
    assert by_name['\'=HYPERLINK("x")'][10] == 75
    assert all(cell.data_type != "f" for row in sheet.iter_rows() for cell in row)

    api_csv = client.get(f"/cohorts/{cohort.id}/roster.csv?status=enrolled&sort=name")
    assert api_csv.status_code == 200


def test_roster_export_shows_each_trainees_completion_and_attendance(client):
    from academy.progress.service import revoke_completion

    teacher = make_user(["instructor"])
    course = make_course(lessons=2)
    cohort, other = make_cohort(course, instructors=[teacher]), make_cohort(course)
    done, revoked, absent = (make_user(name=n) for n in ("Ada Done", "Ben Revoked", "Cy Absent"))
    for trainee in (done, revoked, absent):
        enrol(cohort, trainee)
    seated = enrol(other, make_user(name="Elsewhere"))
    complete(done, course, date(2026, 5, 6), cohort=cohort)
    revoke_completion(teacher, complete(revoked, course, date(2026, 5, 7)), "Entered twice")
    complete(absent, make_course(lessons=1), date(2026, 5, 8))  # another course: not this one
    start = utcnow() - timedelta(days=3)
    held = [
        CohortSession(
            cohort_id=c.id,
            title="Lab",
            starts_at=start,
            ends_at=start + timedelta(hours=2),
            place="online",
        )
        for c in (cohort, cohort, other)
    ]
    db.session.add_all(held)
    db.session.flush()
    seats = {e.user_id: e.id for e in db.session.scalars(select(Enrolment))}
    marks = [
        (held[0], done, True),
        (held[1], done, True),
        (held[0], revoked, True),
        (held[1], revoked, False),
        (held[0], absent, False),
    ]
    db.session.add_all(
        Attendance(session_id=s.id, enrolment_id=seats[u.id], present=p) for s, u, p in marks
    )
    # Present at the other cohort's session: not this cohort's attendance.
    db.session.add(Attendance(session_id=held[2].id, enrolment_id=seated.id, present=True))
    db.session.commit()
    sign_in(client, teacher)

    text = client.get(f"/cohorts/{cohort.id}/roster.csv").get_data(as_text=True)
    rows = list(csv.reader(io.StringIO(text.lstrip("\ufeff"))))
    header = rows[0]
    shown = {
        row[0]: (row[header.index("Completed on")], row[header.index("Sessions attended")])
        for row in rows[1:]
    }
    assert shown == {
        "Ada Done": ("2026-05-06", "2"),
        "Ben Revoked": ("", "1"),
        "Cy Absent": ("", "0"),
    }


# --- managing cohorts and trainees -----------------------------------------------------


def test_manager_creates_and_edits_a_cohort_raising_capacity_promotes(client, login_as):
    manager = login_as("manager")
    course = make_course("ai-foundations")
    teacher = make_user(["instructor"])
    form = {
        "code": "SZ-01",
        "name": "Shenzhen evening",
        "course": "ai-foundations",
        "start_on": "2025-03-01",
        "end_on": "2025-02-01",
        "capacity": "1",
        "delivery": "shenzhen",
        "policy": "invite",
        "sponsor": "0",
        "instructors": [str(teacher.id)],
    }
    refused = client.post("/cohorts/new", data=form)
    assert refused.status_code == 422
    assert b"cannot be before the start date" in refused.data
    assert db.session.query(Cohort).count() == 0

    form["end_on"] = "2025-06-01"
    created = client.post("/cohorts/new", data=form)
    assert created.status_code == 302
    cohort = db.session.scalar(select(Cohort).where(Cohort.code == "SZ-01"))
    assert cohort.invite_code and cohort.course_id == course.id
    first, second = enrol(cohort, make_user()), enrol(cohort, make_user())
    assert second.status == "waitlisted"

    old_code = cohort.invite_code
    client.post(f"/cohorts/{cohort.id}/invite-code")
    db.session.expire_all()
    assert db.session.get(Cohort, cohort.id).invite_code != old_code

    edit = client.get(f"/cohorts/{cohort.id}/edit")
    assert edit.status_code == 200 and b"SZ-01" in edit.data
    saved = client.post(f"/cohorts/{cohort.id}/edit", data={**form, "capacity": "2"})
    assert saved.status_code == 302
    db.session.expire_all()
    assert db.session.get(Enrolment, second.id).status == "enrolled"
    assert db.session.get(Cohort, cohort.id).seats_taken == 2
    lower = client.post(f"/cohorts/{cohort.id}/edit", data={**form, "capacity": "1"})
    assert lower.status_code == 422
    assert db.session.get(Cohort, cohort.id).capacity == 2
    assert first.id != second.id and manager.id


def test_instructor_withdraws_and_records_completion_with_reason(client):
    teacher = make_user(["instructor"])
    cohort = make_cohort(capacity=1, instructors=[teacher])
    seated = enrol(cohort, make_user())
    waiting = enrol(cohort, make_user())
    third = make_user()
    sign_in(client, teacher)
    base = f"/cohorts/{cohort.id}/trainees"
    assert client.get(f"{base}/{seated.id}").status_code == 200

    no_reason = client.post(
        f"{base}/{seated.id}/completion",
        data={"completion-completed_on": local_today().isoformat()},
    )
    assert no_reason.status_code == 302
    assert db.session.query(CompletionRecord).count() == 0

    client.post(f"{base}/{seated.id}/withdraw", data={"withdraw-reason": "Moved abroad"})
    db.session.expire_all()
    assert db.session.get(Enrolment, seated.id).status == "withdrawn"
    assert db.session.get(Enrolment, waiting.id).status == "enrolled"

    done = client.post(
        f"{base}/{waiting.id}/completion",
        data={
            "completion-completed_on": local_today().isoformat(),
            "completion-score": "80",
            "completion-reason": "Oral exam",
        },
    )
    assert done.status_code == 302
    record = db.session.scalar(select(CompletionRecord))
    assert record.manual_reason == "Oral exam" and record.score == 80
    audit = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "completion.manual"))
    assert audit.actor_id == teacher.id
    assert third.id


def test_move_keeps_progress(client):
    teacher = make_user(["instructor"])
    course = make_course(lessons=3)
    source = make_cohort(course, instructors=[teacher])
    target = make_cohort(course, instructors=[teacher])
    elsewhere = make_cohort(course)  # same course, but not taught by this instructor
    person = make_user()
    enrolment = enrol(source, person)
    progress(enrolment, lesson_ids(course)[:2], score=None)
    sign_in(client, teacher)
    base = f"/cohorts/{source.id}/trainees/{enrolment.id}/move"
    assert client.post(base, data={"move-target": elsewhere.id}).status_code == 404
    moved = client.post(
        base, data={"move-target": target.id, "move-reason": "Evening class suits better"}
    )
    assert moved.status_code == 302
    db.session.expire_all()
    assert db.session.get(Enrolment, enrolment.id).status == "withdrawn"
    new = db.session.scalar(
        select(Enrolment).where(Enrolment.cohort_id == target.id, Enrolment.user_id == person.id)
    )
    assert new.status == "enrolled"
    copied = db.session.scalars(
        select(LessonProgress).where(LessonProgress.enrolment_id == new.id)
    ).all()
    assert len(copied) == 2 and all(p.done_at for p in copied)


# --- timetable, attendance, schedule ---------------------------------------------------


def test_timetable_attendance_schedule_and_calendar_feed(client, app):
    teacher = make_user(["instructor"])
    cohort = make_cohort(delivery="hong_kong", instructors=[teacher])
    here, away = make_user(name="Here"), make_user(name="Away")
    here_enrolment, away_enrolment = enrol(cohort, here), enrol(cohort, away)
    sign_in(client, teacher)
    url = f"/cohorts/{cohort.id}/sessions"
    bad = client.post(
        url,
        data={
            "title": "Week 1",
            "day": "2025-03-03",
            "starts": "19:00",
            "ends": "18:00",
            "place": "hong_kong",
        },
    )
    assert bad.status_code == 422
    ok = client.post(
        url,
        data={
            "title": "Week 1; intro, labs",
            "day": "2025-03-03",
            "starts": "19:00",
            "ends": "21:00",
            "place": "hong_kong",
            "location": "HKSTP, Lab 2",
        },
    )
    assert ok.status_code == 302
    session = db.session.scalar(select(CohortSession))
    # 19:00 in Hong Kong is 11:00 UTC.
    assert session.starts_at == datetime(2025, 3, 3, 11, 0, tzinfo=UTC)

    sheet = f"{url}/{session.id}/attendance"
    assert client.get(sheet).status_code == 200
    client.post(sheet, data={"present": [str(here_enrolment.id)]})
    marks = dict(db.session.execute(select(Attendance.enrolment_id, Attendance.present)).all())
    assert marks == {here_enrolment.id: True, away_enrolment.id: False}
    client.post(sheet, data={"present": [str(here_enrolment.id), str(away_enrolment.id)]})
    db.session.expire_all()
    assert db.session.query(Attendance).count() == 2  # corrected in place, not duplicated
    # Attendance is never thrown away: a session with marks cannot be removed.
    assert client.post(f"{url}/{session.id}/delete").status_code == 409
    assert db.session.query(CohortSession).count() == 1

    sign_in(client, here)
    page = client.get("/schedule")
    assert page.status_code == 200
    assert b"Week 1; intro, labs" in page.data and b"present" in page.data
    import re

    feed_url = re.search(r'value="(http[^"]+\.ics)"', page.get_data(as_text=True)).group(1)
    anonymous = app.test_client()
    feed = anonymous.get(feed_url.replace("http://localhost", ""))
    assert feed.status_code == 200 and feed.mimetype == "text/calendar"
    body = feed.get_data(as_text=True)
    assert body.startswith("BEGIN:VCALENDAR\r\n") and body.endswith("END:VCALENDAR\r\n")
    assert "DTSTART:20250303T110000Z" in body
    assert "SUMMARY:Week 1\\; intro\\, labs" in body
    assert all(len(line.encode()) <= 75 for line in body.split("\r\n"))
    assert "X-WR-CALNAME:AI Future Academy\r\n" in body
    assert anonymous.get("/schedule/forged-token.ics").status_code == 404
    here.locale = "zh_Hans"  # the holder's language, whatever the calendar app sends
    db.session.commit()
    chinese = anonymous.get(feed_url.replace("http://localhost", "")).get_data(as_text=True)
    assert "X-WR-CALNAME:AI 未来学院\r\n" in chinese and "LOCATION:HKSTP\\, Lab 2" in chinese


@pytest.mark.parametrize(
    "link",
    [
        "https://meet.example/x\r\nBEGIN:VEVENT\r\nSUMMARY:Exam moved",
        "https://meet.example/a b",
        "https://meet.example/\x00",
        "https://",
        "javascript:alert(1)",
    ],
)
def test_a_meeting_link_that_is_not_a_plain_web_address_is_refused(client, link):
    teacher = make_user(["instructor"])
    cohort = make_cohort(delivery="online", instructors=[teacher])
    sign_in(client, teacher)
    response = client.post(
        f"/cohorts/{cohort.id}/sessions",
        data={
            "title": "Week 1",
            "day": "2025-03-03",
            "starts": "19:00",
            "ends": "21:00",
            "place": "online",
            "meeting_url": link,
        },
    )
    assert response.status_code in (400, 422)
    assert db.session.query(CohortSession).count() == 0


def test_text_in_a_session_cannot_add_events_to_the_calendar_feed(app):
    from academy.cohorts.calendar import calendar_text

    cohort = make_cohort(delivery="online")
    session = CohortSession(
        cohort_id=cohort.id,
        title="Week 1\rBEGIN:VEVENT\r\nSUMMARY:Forged",
        starts_at=datetime(2025, 3, 3, 11, tzinfo=UTC),
        ends_at=datetime(2025, 3, 3, 13, tzinfo=UTC),
        place="online",
        location="Room\nEND:VEVENT",
        meeting_url="https://meet.example/week-1",
    )
    db.session.add(session)
    db.session.commit()
    body = calendar_text([(session, cohort, None)])
    lines = body.split("\r\n")
    assert lines.count("BEGIN:VEVENT") == 1 and lines.count("END:VEVENT") == 1
    assert "\r" not in body.replace("\r\n", "")
    assert "URL:https://meet.example/week-1" in lines


def _feed_path(client) -> str:
    page = client.get("/schedule").get_data(as_text=True)
    return re.search(r'value="http://localhost(/schedule/[^"]+\.ics)"', page).group(1)


def test_the_calendar_address_can_be_replaced_and_the_old_one_stops(client, app):
    from academy.auth.service import end_all_sessions
    from academy.cohorts.views.timetable import _feed_serializer

    trainee = make_user()
    sign_in(client, trainee)
    calendar_app = app.test_client()
    first = _feed_path(client)
    assert calendar_app.get(first).status_code == 200
    assert _feed_path(client) == first  # the same address until it is replaced

    assert client.post("/schedule/feed/new").status_code == 302
    second = _feed_path(client)
    assert second != first
    assert calendar_app.get(first).status_code == 404
    assert calendar_app.get(second).status_code == 200
    events = db.session.scalars(
        select(AuditEvent).where(AuditEvent.action == "schedule.feed_replaced")
    ).all()
    assert [e.object_id for e in events] == [str(trainee.id)]

    # Signing out everywhere (a password change, deactivation) replaces it too.
    end_all_sessions(db.session.get(type(trainee), trainee.id))
    db.session.commit()
    assert calendar_app.get(second).status_code == 404

    # An address from before keys existed (the id alone) works only while no key is set.
    other = make_user()
    with app.test_request_context():
        legacy = f"/schedule/{_feed_serializer().dumps(other.id)}.ics"
    assert calendar_app.get(legacy).status_code == 200
    sign_in(client, other)
    client.post("/schedule/feed/new")
    assert calendar_app.get(legacy).status_code == 404


def test_staff_cannot_replace_a_calendar_address(client, login_as):
    login_as("instructor")
    assert client.post("/schedule/feed/new").status_code == 403


def test_staff_cannot_open_the_trainee_schedule(client, login_as):
    login_as("instructor")
    assert client.get("/schedule").status_code == 403


def test_a_refused_withdrawal_or_move_says_why(client):
    teacher = make_user(["instructor"])
    course = make_course()
    cohort, other = (
        make_cohort(course, instructors=[teacher]),
        make_cohort(course, instructors=[teacher]),
    )
    enrolment = enrol(cohort, make_user())
    sign_in(client, teacher)
    base = f"/cohorts/{cohort.id}/trainees/{enrolment.id}"
    too_long = "x" * 2001
    for action, data in (
        ("withdraw", {"withdraw-reason": too_long}),
        ("move", {"move-target": str(other.id), "move-reason": too_long}),
    ):
        page = client.post(f"{base}/{action}", data=data, follow_redirects=True)
        assert "Reason: Field cannot be longer than 2000 characters." in page.get_data(as_text=True)
    page = client.post(f"{base}/move", data={"move-reason": "x"}, follow_redirects=True)
    assert "Move to cohort: " in page.get_data(as_text=True)
    db.session.expire_all()
    assert db.session.get(Enrolment, enrolment.id).status == "enrolled"
    assert db.session.query(Enrolment).count() == 1


def test_a_manager_revokes_a_completion_from_the_trainee_page(client):
    from academy.progress.service import record_manual_completion

    manager, teacher = make_user(["manager"]), make_user(["instructor"])
    course = make_course()
    cohort = make_cohort(course, instructors=[teacher])
    trainee, classmate = make_user(), make_user()
    enrolment = enrol(cohort, trainee)
    enrol(cohort, classmate)
    record = record_manual_completion(
        manager, trainee, course, completed_on=local_today(), reason="Oral exam", cohort=cohort
    )
    db.session.commit()
    theirs = complete(classmate, course, local_today(), cohort=cohort)
    page_url = f"/cohorts/{cohort.id}/trainees/{enrolment.id}"
    url = f"{page_url}/completions/{record.id}/revoke"

    sign_in(client, teacher)  # runs the cohort, but only managers revoke
    page = client.get(page_url).get_data(as_text=True)
    assert record.certificate_code in page and "Revoke certificate" not in page
    assert client.post(url, data={"revoke-reason": "x"}).status_code == 403

    sign_in(client, manager)
    assert "Revoke certificate" in client.get(page_url).get_data(as_text=True)
    other = f"{page_url}/completions/{theirs.id}/revoke"  # the classmate's, via this page
    assert client.post(other, data={"revoke-reason": "x"}).status_code == 404
    assert client.post(url, data={"revoke-reason": " "}).status_code == 302
    db.session.expire_all()
    assert db.session.get(CompletionRecord, record.id).revoked_at is None

    reason = "Recorded for the wrong person"
    page = client.post(url, data={"revoke-reason": reason}, follow_redirects=True)
    html = page.get_data(as_text=True)
    assert f"Certificate {record.certificate_code} revoked." in html and reason in html
    db.session.expire_all()
    revoked = db.session.get(CompletionRecord, record.id)
    assert revoked.revoke_reason == reason and revoked.revoked_by_id == manager.id
    assert db.session.get(Enrolment, enrolment.id).status == "enrolled"
    assert db.session.query(CompletionRecord).count() == 2  # kept, never deleted
    again = client.post(url, data={"revoke-reason": "again"}, follow_redirects=True)
    assert "already revoked" in again.get_data(as_text=True)
