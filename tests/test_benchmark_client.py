"""The benchmark's client (tests/benchmarks/run.py) against a real server."""

import threading
import time

import pytest
import requests
from sqlalchemy import select
from werkzeug.serving import make_server

from academy.auth.service import create_token
from academy.courses.models import Lesson
from academy.extensions import db
from academy.progress.models import LessonProgress
from tests.benchmarks.load import Result, Target, paced
from tests.benchmarks.run import WRITES_PER_SECOND, sign_in, studying, table
from tests.factories import PASSWORD, enrol, make_cohort, make_course, make_user


@pytest.fixture
def server(database_url):
    """A server of its own: the suite's app is set up for the test client (no CSRF, a fixed
    SERVER_NAME), and the benchmark signs in through the real form."""
    from academy import create_app

    db.session.commit()  # and hold no lock the server's writes must wait for
    app = create_app({"TESTING": True, "SQLALCHEMY_DATABASE_URI": database_url})
    serving = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=serving.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{serving.server_port}"
    serving.shutdown()
    thread.join()
    with app.app_context():
        db.engine.dispose()


@pytest.fixture
def trainee():
    person = make_user(["trainee"])
    course = make_course(lessons=2)
    enrolment = enrol(make_cohort(course), person)
    slug = db.session.scalar(select(Lesson.slug).where(Lesson.course_id == course.id))
    facts = {
        "email": person.email,
        "name": person.name,
        "enrolment": enrolment.id,
        "lesson": slug,
        "tokens": {"trainee": create_token(None, person)},
    }
    db.session.commit()
    return facts


def test_the_benchmark_measures_pages_with_the_cookie_a_browser_keeps(trainee, server):
    headers = sign_in(server, trainee["email"], PASSWORD)
    for _ in range(2):
        page = requests.get(server + "/learning", headers=headers, timeout=10)
        assert page.status_code == 200 and trainee["name"] in page.text
        # No new token to store, so no new cookie: what a browser's second page costs.
        assert "Set-Cookie" not in page.headers


def test_trainees_study_while_the_benchmark_measures(trainee, server):
    with studying(server, trainee) as statuses:
        # Two submissions' time, or longer while a fresh worker answers its first request.
        deadline = time.monotonic() + 30
        time.sleep(2.5 / WRITES_PER_SECOND)
        while len(statuses) < 2 and time.monotonic() < deadline:
            time.sleep(0.1)
    assert len(statuses) >= 2 and set(statuses) == {200}
    db.session.rollback()  # a fresh snapshot
    written = db.session.scalar(
        select(LessonProgress).where(LessonProgress.enrolment_id == trainee["enrolment"])
    )
    assert written is not None and written.done_at is not None


@pytest.fixture
def plain_server():
    """A server answering every request after `delay` seconds, one request at a time."""
    state = {"delay": 0.0, "arrivals": []}

    def answer(environ, start_response):
        state["arrivals"].append(time.monotonic())
        time.sleep(state["delay"])
        start_response("200 OK", [("Content-Type", "text/plain"), ("X-Query-Count", "0")])
        return [b"ok"]

    serving = make_server("127.0.0.1", 0, answer, threaded=False)
    thread = threading.Thread(target=serving.serve_forever, daemon=True)
    thread.start()
    state["base"] = f"http://127.0.0.1:{serving.server_port}"
    yield state
    serving.shutdown()
    thread.join()


PLAIN = Target("plain", "GET", "/", {})


def test_paced_requests_are_spread_over_the_time_asked(plain_server):
    result = paced(plain_server["base"], PLAIN, rate=40, seconds=1, processes=2, threads=2)
    assert result.requests == 40 and result.errors == 0
    sent = plain_server["arrivals"][-40:]  # after the warm-up's
    # Due from 0 to 0.975 s: sent as fast as possible they would arrive within a few ms.
    assert sent[-1] - sent[0] >= 0.9


def test_a_paced_request_sent_late_counts_its_wait(plain_server):
    # 40 requests in a second to a server that takes 50 ms each: it is 2 s behind by the end.
    plain_server["delay"] = 0.05
    result = paced(plain_server["base"], PLAIN, rate=40, seconds=1, processes=1, threads=2)
    assert result.requests == 40
    # Timed from its sending, no request would take over 0.1 s: one ahead of it at most.
    assert result.p95_ms > 500


def test_a_share_is_taken_against_healthz_before_and_after():
    healthz = Result("GET /healthz", 3000, 2.5, 5, 9, 0, 0)
    endpoint = Result("trainee: lesson page", 800, 2.0, 12, 20, 2, 0)  # 400 a second
    endpoint.ceiling_around = (1400.0, 1000.0)
    assert endpoint.ceiling_rps == 1200.0
    row = table([healthz, endpoint]).splitlines()[-1]
    assert "| 1400, 1000 | 1/3.0 |" in row
