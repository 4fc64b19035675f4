"""My learning, the lesson player and certificate pages, with who may see them."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import func, select

from academy.dates import local_today
from academy.enrolments.models import Enrolment
from academy.extensions import db
from academy.progress.models import CompletionRecord, LessonProgress
from academy.progress.service import revoke_completion
from tests import factories


@pytest.fixture
def seat(login):
    course = factories.make_course(lessons=2, quiz_on_last=True)
    cohort = factories.make_cohort(course)
    trainee = login(factories.make_user(name="Lee Siu Ming"))
    return trainee, factories.enrol(cohort, trainee), course


def lesson_url(enrolment, slug) -> str:
    return f"/learning/{enrolment.id}/{slug}"


def test_from_lesson_to_certificate_in_the_browser(client, seat):
    trainee, enrolment, course = seat
    home = client.get("/learning").get_data(as_text=True)
    assert course.title in home and "0 of 2 lessons done" in home

    first = client.get(lesson_url(enrolment, "lesson-1"))
    assert first.status_code == 200 and "Body of lesson 1." in first.get_data(as_text=True)
    done = client.post(lesson_url(enrolment, "lesson-1"))
    assert done.status_code == 302 and done.location.endswith(lesson_url(enrolment, "lesson-2"))

    quiz_page = client.get(lesson_url(enrolment, "lesson-2")).get_data(as_text=True)
    assert "Two plus two?" in quiz_page and 'name="q-q1"' in quiz_page

    failed = client.post(lesson_url(enrolment, "lesson-2"), data={"q-q1": "0", "q-q2": "1"})
    text = failed.get_data(as_text=True)
    assert failed.status_code == 200 and "You scored 0%" in text and "Not correct" in text
    assert db.session.scalar(select(func.count()).select_from(CompletionRecord)) == 0

    passed = client.post(lesson_url(enrolment, "lesson-2"), data={"q-q1": "1", "q-q2": "0"})
    text = passed.get_data(as_text=True)
    assert "You scored 100%: passed." in text and "You have completed this course." in text
    code = db.session.scalar(select(CompletionRecord.certificate_code))
    assert code in text

    home = client.get("/learning").get_data(as_text=True)
    assert code in home and "Current courses" in home
    certificate = client.get(f"/certificates/{code}").get_data(as_text=True)
    assert "Lee Siu Ming" in certificate and course.title in certificate
    assert f"/verify/{code}" in certificate and 'src="data:image/svg+xml' in certificate
    pdf = client.get(f"/certificates/{code}/pdf")
    assert pdf.status_code == 200 and pdf.mimetype == "application/pdf"
    assert pdf.data.startswith(b"%PDF")


def test_an_unanswered_quiz_is_refused_without_a_record(client, seat):
    _trainee, enrolment, _course = seat
    response = client.post(lesson_url(enrolment, "lesson-2"), data={"q-q1": "1"})
    assert response.status_code == 422
    assert "Choose an answer." in response.get_data(as_text=True)
    assert db.session.scalar(select(func.count()).select_from(LessonProgress)) == 0


def test_quiz_answers_never_reach_the_browser(client, seat):
    _trainee, enrolment, _course = seat
    html = client.get(lesson_url(enrolment, "lesson-2")).get_data(as_text=True)
    assert "answer" not in html.lower().replace("submit answers", "")


def test_another_trainee_gets_404_everywhere_and_changes_nothing(client, seat, login):
    _owner, enrolment, _course = seat
    login(factories.make_user())
    for url in (f"/learning/{enrolment.id}", lesson_url(enrolment, "lesson-1")):
        assert client.get(url).status_code == 404
    assert client.post(lesson_url(enrolment, "lesson-1")).status_code == 404
    assert db.session.scalar(select(func.count()).select_from(LessonProgress)) == 0


def test_a_waitlisted_trainee_cannot_study_yet(client, login):
    trainee = login(factories.make_user())
    cohort = factories.make_cohort(capacity=0)
    enrolment = factories.enrol(cohort, trainee)
    assert client.get(lesson_url(enrolment, "lesson-1")).status_code == 404
    assert "On the waitlist" in client.get("/learning").get_data(as_text=True)


@pytest.mark.parametrize("role", ["instructor", "manager", "partner", "admin"])
def test_the_lesson_player_is_for_trainees(client, seat, login, role):
    _owner, enrolment, _course = seat
    login(factories.make_user(roles=[role]))
    assert client.get(lesson_url(enrolment, "lesson-1")).status_code == 403
    assert client.get("/learning").status_code == 403


def test_continue_goes_to_the_first_lesson_not_done(client, seat):
    _trainee, enrolment, _course = seat
    client.post(lesson_url(enrolment, "lesson-1"))
    response = client.get(f"/learning/{enrolment.id}")
    assert response.location.endswith(lesson_url(enrolment, "lesson-2"))


def test_my_learning_query_count_does_not_grow(client, login, count_queries):
    trainee = login(factories.make_user())
    factories.enrol(factories.make_cohort(), trainee)
    factories.complete(trainee, factories.make_course(), local_today())
    with count_queries() as one:
        assert client.get("/learning").status_code == 200
    for _ in range(4):
        factories.enrol(factories.make_cohort(), trainee)
        factories.complete(trainee, factories.make_course(), local_today())
    factories.enrol(factories.make_cohort(capacity=0), trainee)
    with count_queries() as five:
        html = client.get("/learning").get_data(as_text=True)
    assert html.count('<progress class="bar"') == 5
    assert len(five) == len(one), five


def test_certificates_are_the_holders_own(client, seat, login):
    trainee, _enrolment, course = seat
    record = factories.complete(trainee, course, local_today())
    login(factories.make_user())
    assert client.get(f"/certificates/{record.certificate_code}").status_code == 404
    assert client.get(f"/certificates/{record.certificate_code}/pdf").status_code == 404
    login(factories.make_user(roles=["manager"]))
    assert client.get(f"/certificates/{record.certificate_code}").status_code == 200


def test_the_public_verification_page(client, seat):
    trainee, _enrolment, course = seat
    record = factories.complete(trainee, course, local_today())
    client.post("/logout")
    page = client.get(f"/verify/{record.certificate_code}")
    text = page.get_data(as_text=True)
    assert page.status_code == 200 and "Valid" in text and "Lee Siu Ming" in text
    assert trainee.email not in text
    manager = factories.make_user(roles=["manager"])
    db.session.refresh(manager)
    revoke_completion(manager, record, "Issued by mistake")
    db.session.commit()
    text = client.get(f"/verify/{record.certificate_code}").get_data(as_text=True)
    assert "Not valid" in text and "revoked" in text
    assert client.get("/verify/AFA-0000-0000-0000-0000").status_code == 404


def test_completing_marks_the_enrolment_completed_and_it_can_still_be_studied(client, seat):
    _trainee, enrolment, _course = seat
    client.post(lesson_url(enrolment, "lesson-1"))
    client.post(lesson_url(enrolment, "lesson-2"), data={"q-q1": "1", "q-q2": "0"})
    db.session.expire_all()
    assert db.session.get(Enrolment, enrolment.id).status == "completed"
    assert client.get(lesson_url(enrolment, "lesson-1")).status_code == 200


def test_the_lesson_player_reads_only_the_shown_lessons_body_and_quiz(app, seat):
    from academy.progress.queries import lesson_player

    _trainee, enrolment, _course = seat
    player = lesson_player(enrolment.id, "lesson-2")
    first, second = player.lessons
    assert (first.slug, first.body_html, first.quiz) == ("lesson-1", None, None)
    assert "Body of lesson 2." in second.body_html and second.quiz["questions"]
    nothing_shown = lesson_player(enrolment.id)
    assert [lesson.body_html for lesson in nothing_shown.lessons] == [None, None]
    assert [lesson.slug for lesson in nothing_shown.lessons] == ["lesson-1", "lesson-2"]


def test_my_learning_leaves_lesson_bodies_and_quizzes_in_the_database(app, seat):
    from sqlalchemy import inspect

    from academy.progress.queries import my_learning

    trainee, _enrolment, _course = seat
    (current,) = my_learning(trainee).current
    assert current.next_lesson.slug == "lesson-1" and current.total == 2
    assert {"body_html", "quiz"} <= inspect(current.next_lesson).unloaded


def test_the_lesson_list_marks_the_lessons_done(client, seat):
    _trainee, enrolment, _course = seat
    client.post(lesson_url(enrolment, "lesson-1"))
    page = client.get(lesson_url(enrolment, "lesson-2")).get_data(as_text=True)
    items = re.findall(r"<li class=\"(done)?\">(.*?)</li>", page, re.S)
    assert [(mark, "(done)" in text, "Lesson 1" in text) for mark, text in items] == [
        ("done", True, True),
        ("", False, False),
    ]


def test_a_link_to_a_renamed_lessons_old_slug_finds_it(client, seat, login):
    from academy.courses.models import Lesson

    trainee, enrolment, course = seat
    lesson = db.session.scalar(select(Lesson).where(Lesson.slug == "lesson-1"))
    lesson.slug, lesson.former_slugs = "welcome", ["lesson-1"]  # as the sync renames it
    db.session.commit()

    moved = client.get(lesson_url(enrolment, "lesson-1"))
    assert moved.status_code == 302 and moved.location.endswith(lesson_url(enrolment, "welcome"))
    assert client.get(moved.location).status_code == 200
    assert client.get(lesson_url(enrolment, "never-was")).status_code == 404
    assert client.post(lesson_url(enrolment, "lesson-1")).status_code == 404  # no progress there
    # Someone else's enrolment: not found, renamed or not.
    login(factories.make_user())
    assert client.get(lesson_url(enrolment, "lesson-1")).status_code == 404
