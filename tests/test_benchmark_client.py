"""The benchmark's client (tests/benchmarks/run.py) against a real server."""

import os
import signal
import subprocess
import sys
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
from tests.benchmarks.load import Result, Target, measure, paced
from tests.benchmarks.processes import server_meter
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
    endpoint.server_cpu_ms = 2.5
    endpoint.paced = Result("trainee: lesson page", 3000, 10.0, 5, 8, 2, 0)  # 300 a second
    assert endpoint.ceiling_rps == 1200.0
    row = table([healthz, endpoint]).splitlines()[-1]
    assert "| 2.5 | 1400, 1000 | 1/3.0 | 300 | 75% | 8.0 |" in row


def test_server_time_per_request_is_read_around_the_counted_requests(plain_server):
    readings = iter([10.0, 10.4])  # processor seconds before and after
    result = measure(
        plain_server["base"], PLAIN, 40, processes=1, threads=2, meter=readings.__next__
    )
    assert result.requests == 40
    assert result.server_cpu_ms == pytest.approx(10.0)


# Prints "ready", waits for a line on stdin, uses 0.3 s of processor time, prints "done".
BURNER = (
    "import sys, time\n"
    "print('ready', flush=True)\n"
    "sys.stdin.readline()\n"
    "end = time.process_time() + 0.3\n"
    "while time.process_time() < end: pass\n"
    "print('done', flush=True)\n"
    "time.sleep(60)\n"
)


@pytest.mark.skipif(not os.path.exists("/proc/self/stat"), reason="reads Linux's /proc")
def test_the_server_meter_counts_the_server_and_its_workers_not_others():
    # A stand-in for gunicorn: a process whose child (a worker) does the work.
    with subprocess.Popen(
        [
            sys.executable,
            "-c",
            "import subprocess, sys, time\n"
            f"subprocess.Popen([sys.executable, '-c', {BURNER!r}])\n"
            "time.sleep(60)",
        ],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
        start_new_session=True,
    ) as server:
        try:
            assert server.stdout.readline().strip() == "ready"
            meter = server_meter(server.pid, "sqlite")
            before = meter()
            end = time.process_time() + 0.3  # this process is not the server's
            while time.process_time() < end:
                pass
            between = meter()
            server.stdin.write("go\n")
            server.stdin.flush()
            assert server.stdout.readline().strip() == "done"
            after = meter()
        finally:
            os.killpg(server.pid, signal.SIGKILL)
    assert between - before < 0.1
    assert after - between >= 0.25
