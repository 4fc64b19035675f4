"""The report cache: answers reused until a write the report reads commits, in any process."""

import re
from datetime import date

import pytest
from sqlalchemy import insert, select, update
from sqlalchemy.orm import Session

from academy.auth.models import TraineeProfile
from academy.courses.models import Lesson
from academy.dates import local_today
from academy.enrolments import service as enrol_service
from academy.extensions import db, utcnow
from academy.progress.certificates import new_code
from academy.progress.models import CompletionRecord, LessonProgress
from academy.progress.service import revoke_completion
from academy.reporting import cache
from academy.reporting.headcount import Filters, period_for
from academy.reporting.queries import dashboard, headline
from tests.factories import complete, enrol, make_cohort, make_course, make_track, make_user

YEAR = 2025
TODAY = date(YEAR, 12, 31)


def trained() -> int:
    return headline(period_for(YEAR), TODAY)["trained"]


@pytest.fixture
def course():
    return make_course(track="ai")


def test_a_second_read_costs_one_query_and_gives_the_same_answer(course, count_queries):
    complete(make_user(), course, date(YEAR, 3, 1))
    with count_queries() as first:
        answer = headline(period_for(YEAR), TODAY)
    with count_queries() as second:
        again = headline(period_for(YEAR), TODAY)
    assert again == answer and answer["trained"] == 1
    assert len(first) > 5
    # Outside a request each cached answer reads the data versions: the period, the
    # completion figures and the forecast.
    assert len(second) == 3


def test_issuing_and_revoking_completions_invalidate(course):
    manager = make_user(roles=["manager"])
    complete(make_user(), course, date(YEAR, 3, 1))
    assert trained() == 1
    record = complete(make_user(), course, date(YEAR, 4, 1))
    assert trained() == 2
    revoke_completion(manager, record, "Wrong person")
    db.session.commit()
    assert trained() == 1


def test_a_rolled_back_write_keeps_the_version(course):
    complete(make_user(), course, date(YEAR, 3, 1))
    complete_later = make_user()
    before = cache.versions(cache.SCOPES)
    db.session.add(
        CompletionRecord(
            user_id=complete_later.id,
            holder_name=complete_later.name,
            course_id=course.id,
            completed_on=date(YEAR, 5, 1),
            certificate_code=new_code(),
        )
    )
    db.session.flush()
    db.session.rollback()
    assert cache.versions(cache.SCOPES) == before
    assert trained() == 1


def test_the_version_row_is_written_last_even_when_a_savepoint_is_released(course, count_queries):
    # Enrolment inserts in a savepoint, then takes a seat; a token written at the savepoint would
    # hold the data_versions lock while waiting for the cohort row: a deadlock on PostgreSQL.
    cohort, trainee = make_cohort(course), make_user()
    db.session.commit()
    with count_queries() as statements:
        enrol_service.enrol(None, cohort, trainee)
        db.session.commit()
    writes = [
        s.split()[0:3] for s in statements if s.lstrip().upper().startswith(("INSERT", "UPDATE"))
    ]
    assert ["INSERT", "INTO", "data_versions"] in writes
    assert writes[-1] == ["INSERT", "INTO", "data_versions"]
    assert writes.count(["INSERT", "INTO", "data_versions"]) == 1


def test_lesson_progress_changes_only_the_activity_version(course):
    trainee = make_user()
    enrolment = enrol(make_cohort(course), trainee)
    records, enrolments, activity = cache.versions(cache.SCOPES)
    lesson_id = db.session.scalar(select(Lesson.id).where(Lesson.course_id == course.id))
    db.session.add(
        LessonProgress(
            enrolment_id=enrolment.id,
            lesson_id=lesson_id,
            done_at=utcnow(),
            last_activity_at=utcnow(),
        )
    )
    db.session.commit()
    assert cache.versions(cache.SCOPES) == (
        records,
        enrolments,
        cache.versions([cache.ACTIVITY])[0],
    )
    assert cache.versions([cache.ACTIVITY])[0] != activity


def test_joining_and_leaving_change_only_the_enrolments_version(course):
    cohort = make_cohort(course, capacity=5)
    complete(make_user(), course, date(YEAR, 3, 1))
    trainee = make_user()
    records, enrolments = cache.versions([cache.RECORDS, cache.ENROLMENTS])
    enrolment = enrol_service.enrol(None, cohort, trainee)  # an insert and a seat taken
    db.session.commit()
    assert cache.versions([cache.RECORDS])[0] == records
    joined = cache.versions([cache.ENROLMENTS])[0]
    assert joined != enrolments
    enrol_service.withdraw(None, enrolment, "Changed jobs")  # a seat freed in bulk
    db.session.commit()
    assert cache.versions([cache.RECORDS])[0] == records
    assert cache.versions([cache.ENROLMENTS])[0] != joined
    cohort.name = "Renamed"  # anything but the seat count is a record
    db.session.commit()
    assert cache.versions([cache.RECORDS])[0] != records


def test_a_join_recomputes_the_forecast_but_not_the_completion_figures(course, count_queries):
    today = local_today()
    cohort = make_cohort(course, start_on=today, end_on=today)
    complete(make_user(), course, today)
    period = period_for(today.year)
    first = headline(period, today)
    assert first["trained"] == 1 and first["scheduled"] == 0
    with count_queries() as token_read:
        cache.remember("x", (), lambda: None)  # tokens only
    trainee = make_user()  # a new account is a record; joining is not
    headline(period, today)
    enrol_service.enrol(None, cohort, trainee)
    db.session.commit()
    with count_queries() as refill:
        again = headline(period, today)
    assert again["trained"] == 1 and again["scheduled"] == 1
    # Two token reads and the forecast's three statements; the completion figures are cached.
    assert len(refill) == 2 * len(token_read) + 3, refill


def test_a_scope_never_written_shares_the_version_of_the_one_it_was_split_from(course):
    complete(make_user(), course, date(YEAR, 3, 1))
    db.session.execute(
        cache.DataVersion.__table__.delete().where(
            cache.DataVersion.__table__.c.scope == cache.ENROLMENTS
        )
    )
    db.session.commit()
    assert cache.versions([cache.ENROLMENTS]) == cache.versions([cache.RECORDS]) is not None


def test_lesson_progress_recomputes_only_the_dashboards_activity_figures(course, count_queries):
    today = local_today()
    cohort = make_cohort(course, start_on=today, end_on=today)
    enrolment = enrol(cohort, make_user())
    complete(make_user(), course, today)
    filled = dashboard(today.year, Filters(), today)
    assert filled.funnel["active"] == 0 and filled.summary["trained"] == 1
    with count_queries() as token_read:
        cache.remember("x", (), lambda: None)  # tokens only
    lesson_id = db.session.scalar(select(Lesson.id).where(Lesson.course_id == course.id))
    db.session.add(LessonProgress(enrolment_id=enrolment.id, lesson_id=lesson_id))
    db.session.commit()
    with count_queries() as refill:
        again = dashboard(today.year, Filters(), today)
    assert again.funnel["active"] == 1 and again.summary["trained"] == 1
    # Three token reads (the dashboard, its completion figures, the forecast), the cohort
    # rows and the funnel; the year's aggregates and the forecast come from cache.
    assert len(refill) == 3 * len(token_read) + 2, refill


def test_an_answer_may_lag_lesson_progress_by_a_minute_but_never_a_record(course, monkeypatch):
    enrolment = enrol(make_cohort(course), make_user())
    lesson_id = db.session.scalar(select(Lesson.id).where(Lesson.course_id == course.id))
    computed = []

    def answer():
        computed.append(len(computed))
        return computed[-1]

    def read():
        return cache.remember("lagging", (), answer, lagging=(cache.ACTIVITY,))

    clock = [1_000_000.0]
    monkeypatch.setattr(cache, "_now", lambda: clock[0])
    complete(make_user(), course, date(YEAR, 3, 1))  # both scopes have a version now
    db.session.add(LessonProgress(enrolment_id=enrolment.id, lesson_id=lesson_id))
    db.session.commit()
    assert read() == 0
    db.session.execute(update(LessonProgress).values(done_at=utcnow()))
    db.session.commit()
    clock[0] += cache.LAG_SECONDS - 1
    assert read() == 0  # progress changed, but the answer is younger than the lag
    clock[0] += 2
    assert read() == 1  # too old now: computed again
    complete(make_user(), course, date(YEAR, 3, 1))
    assert read() == 2  # a record changed: never served from before it


def test_the_dashboard_page_says_how_old_its_progress_figures_may_be(client, login_as, monkeypatch):
    login_as("manager")
    today = local_today()
    cohort = make_cohort(course := make_course(), start_on=today, end_on=today)
    enrolment = enrol(cohort, make_user())
    complete(make_user(), course, today)  # both scopes have a version now
    clock = [1_000_000.0]
    monkeypatch.setattr(cache, "_now", lambda: clock[0])

    def active() -> str:
        page = client.get(f"/dashboard?year={today.year}").get_data(as_text=True)
        assert "Enrolments, lesson activity and progress, and the forecast are as of" in page
        return re.search(r"Active in the last 30 days: (\d+);", page).group(1)

    assert active() == "0"
    lesson_id = db.session.scalar(select(Lesson.id).where(Lesson.course_id == course.id))
    db.session.add(LessonProgress(enrolment_id=enrolment.id, lesson_id=lesson_id))
    db.session.commit()
    assert active() == "0"
    clock[0] += cache.LAG_SECONDS
    assert active() == "1"


def test_bulk_statements_invalidate(course):
    person = make_user(region="shenzhen")
    complete(person, course, date(YEAR, 3, 1))
    assert headline(period_for(YEAR), TODAY)["by_region"]["shenzhen"] == 1
    db.session.execute(
        update(TraineeProfile).where(TraineeProfile.user_id == person.id).values(region="other")
    )
    db.session.commit()
    assert headline(period_for(YEAR), TODAY)["by_region"] == {
        "shenzhen": 0,
        "hong_kong": 0,
        "other": 1,
    }
    db.session.execute(
        insert(CompletionRecord),
        [
            {
                "user_id": make_user().id,
                "holder_name": "Bulk Person",
                "course_id": course.id,
                "completed_on": date(YEAR, 6, 1),
                "certificate_code": new_code(),
                "issued_at": utcnow(),
            }
        ],
    )
    db.session.commit()
    assert trained() == 2


def complete_elsewhere(course) -> None:
    """A new trainee's completion, committed through a connection of its own (another worker)."""
    late_id, course_id = make_user().id, course.id
    db.session.commit()  # SQLite: this session holds no lock while the other one writes
    with Session(db.engine) as other:
        other.add(
            CompletionRecord(
                user_id=late_id,
                holder_name="Late Person",
                course_id=course_id,
                completed_on=date(YEAR, 8, 1),
                certificate_code=new_code(),
            )
        )
        other.commit()
    db.session.commit()  # end this session's read snapshot, as the next request would


def test_a_write_committed_elsewhere_invalidates_this_process(course):
    """Another worker or server writes through its own connection: the token tells us."""
    complete(make_user(), course, date(YEAR, 3, 1))
    assert trained() == 1
    complete_elsewhere(course)
    assert trained() == 2


def test_the_cached_dashboard_is_the_page_rendered_afresh(client, login_as, app, monkeypatch):
    login_as("manager")
    complete(make_user(organisation="HKU"), make_course(track="health"), date(YEAR, 3, 1))
    # The page says as of when, to the minute: the cached and the fresh page must agree on it.
    moment = utcnow()
    monkeypatch.setattr("academy.reporting.queries.utcnow", lambda: moment)

    def main_part() -> str:
        # The layout around it carries a per-request CSRF token.
        # Chart element ids come from a per-process counter.
        page = client.get(f"/dashboard?year={YEAR}").get_data(as_text=True)
        return re.sub(r"chart-\d+-", "chart-n-", page[page.index("<main") : page.index("</main>")])

    cached = [main_part(), main_part()]
    monkeypatch.setitem(app.config, "ACADEMY_CACHE_URL", "none")
    fresh = main_part()
    assert cached[0] == cached[1] == fresh
    assert "HKU" in fresh


def test_answers_can_live_in_redis(course, app, monkeypatch):
    redis = pytest.importorskip("redis")
    url = "redis://127.0.0.1:6379/15"
    try:
        redis.Redis.from_url(url).ping()
    except redis.ConnectionError:
        pytest.skip("no Redis server on 127.0.0.1:6379")
    monkeypatch.setitem(app.config, "ACADEMY_CACHE_URL", url)
    assert isinstance(cache.store(), cache.RedisStore)
    complete(make_user(), course, date(YEAR, 3, 1))
    assert trained() == 1
    assert trained() == 1
    complete(make_user(), course, date(YEAR, 4, 1))
    assert trained() == 2


def test_a_redis_out_of_reach_is_a_miss_not_an_error(course, client, login_as, api, app):
    # A port nothing listens on: every read and write fails at once.
    app.config["ACADEMY_CACHE_URL"] = "redis://127.0.0.1:9/15"
    try:
        complete(make_user(), course, date(YEAR, 3, 1))
        assert trained() == 1
        caller = api(make_user(roles=["manager"]))
        response = caller.get(f"/api/v1/headcount?year={YEAR}")
        assert response.status_code == 200 and response.json["trained"] == 1
    finally:
        app.config["ACADEMY_CACHE_URL"] = ""


def test_a_page_reads_the_data_versions_once(client, login_as, course, count_queries):
    login_as("manager")
    complete(make_user(), course, date(YEAR, 3, 1))
    client.get(f"/dashboard?year={YEAR}")  # fills the cache
    with count_queries() as queries:
        page = client.get(f"/dashboard?year={YEAR}")
    assert page.status_code == 200 and b'data-testid="trained">1 <' in page.data
    # The sign-in lookup, and the versions both cached answers (filters, page) are filed under.
    assert len(queries) == 2
    assert sum("data_versions" in statement for statement in queries) == 1


def test_a_write_in_the_request_reads_the_versions_afresh(app, course):
    with app.test_request_context("/", method="POST"):
        before = cache.versions(cache.SCOPES)
        complete(make_user(), course, date(YEAR, 3, 1))
        assert cache.versions(cache.SCOPES)[0] != before[0]


def test_each_request_reads_the_versions_afresh(client, login_as, course):
    login_as("manager")
    complete(make_user(), course, date(YEAR, 3, 1))

    def trained_on_page() -> bytes:
        return client.get(f"/dashboard?year={YEAR}").data

    assert b'data-testid="trained">1 <' in trained_on_page()
    complete_elsewhere(course)
    assert b'data-testid="trained">2 <' in trained_on_page()


def test_the_filters_offer_a_track_added_since_the_last_view(client, login_as, course):
    login_as("manager")
    complete(make_user(), course, date(YEAR, 3, 1))
    assert "Robotics" not in client.get(f"/dashboard?year={YEAR}").get_data(as_text=True)
    make_track("robotics", "Robotics")
    db.session.commit()
    page = client.get(f"/dashboard?year={YEAR}").get_data(as_text=True)
    assert '<option value="robotics">Robotics</option>' in page


def test_a_new_person_changes_no_report_until_they_complete(course):
    from academy.auth.service import create_user

    complete(make_user(), course, date(YEAR, 3, 1))
    manager = make_user(roles=["manager"])
    db.session.refresh(manager)
    before = cache.versions([cache.RECORDS])[0]
    newcomer = create_user(manager, email="new.trainee@example.org", name="New", roles=["trainee"])
    db.session.commit()
    assert cache.versions([cache.RECORDS])[0] == before  # an account and its profile
    complete(newcomer, course, date(YEAR, 4, 1))
    assert cache.versions([cache.RECORDS])[0] != before
    assert trained() == 2
    # An existing person's profile is a record: their completions are counted by it.
    settled = cache.versions([cache.RECORDS])[0]
    db.session.get(TraineeProfile, newcomer.id).region = "hong_kong"
    db.session.commit()
    assert cache.versions([cache.RECORDS])[0] != settled


@pytest.mark.parametrize("store", ["local", "none"])
def test_a_report_is_computed_planned_for_each_run(app, store):
    from academy import database

    app.config["ACADEMY_CACHE_URL"] = store
    seen = []
    cache.remember("planned", (store,), lambda: seen.append(database._PLAN_EACH_RUN.get()))
    assert seen == [True] and database._PLAN_EACH_RUN.get() is False
