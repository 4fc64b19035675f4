"""The funnel, completion rates by cohort and track, cohorts at risk, and year over year."""

from datetime import UTC, date, datetime, timedelta

from sqlalchemy import select

from academy.courses.models import Lesson
from academy.enrolments.service import withdraw
from academy.extensions import db
from academy.progress.models import LessonProgress
from academy.reporting import headcount as hc
from academy.reporting import queries
from tests.factories import complete, enrol, make_cohort, make_course, make_user

Y = 2023
TODAY = date(Y, 6, 30)
NOW = datetime(Y, 6, 30, 12, tzinfo=UTC)


def progress(enrolment, course, lessons: int, *, at: datetime = NOW):
    ids = db.session.scalars(
        select(Lesson.id).where(Lesson.course_id == course.id).order_by(Lesson.position)
    ).all()
    for lesson_id in ids[:lessons]:
        db.session.add(
            LessonProgress(
                enrolment_id=enrolment.id, lesson_id=lesson_id, done_at=at, last_activity_at=at
            )
        )
    db.session.commit()


def test_funnel_goes_from_enrolled_to_active_to_trained():
    course = make_course(lessons=4)
    cohort = make_cohort(course, start_on=date(Y, 5, 1), end_on=date(Y, 8, 1))
    people = [make_user() for _ in range(5)]
    enrolments = [enrol(cohort, p) for p in people]
    progress(enrolments[0], course, 4)
    progress(enrolments[1], course, 2)
    progress(enrolments[2], course, 1, at=NOW - timedelta(days=45))  # gone quiet
    withdraw(None, enrolments[4], "Moved away")
    db.session.commit()
    complete(people[0], course, date(Y, 6, 20), cohort=cohort)
    funnel = queries.funnel(hc.period_for(Y), NOW, hc.Filters())
    assert funnel == {"enrolled": 5, "active": 2, "completed": 1}


def test_completion_rates_and_cohorts_at_risk():
    course = make_course(lessons=4, track="ai")
    on_track = make_cohort(course, start_on=date(Y, 6, 1), end_on=date(Y, 7, 30))
    behind = make_cohort(course, start_on=date(Y, 5, 1), end_on=date(Y, 7, 30))
    finished = make_cohort(course, start_on=date(Y, 1, 1), end_on=date(Y, 3, 1))
    a, b = enrol(on_track, make_user()), enrol(on_track, make_user())
    progress(a, course, 2)
    progress(b, course, 1)  # 3 of 8 lessons at half the dates: fine
    c = enrol(behind, make_user())
    progress(c, course, 1)  # 1 of 4 lessons with two thirds gone: behind
    for _ in range(2):
        person = make_user()
        enrol(finished, person)
        complete(person, course, date(Y, 2, 20), cohort=finished)
    enrol(finished, make_user())

    stats = {s.code: s for s in queries.cohort_stats(hc.period_for(Y), TODAY, hc.Filters())}
    assert (stats[on_track.code].seated, stats[on_track.code].lessons_done) == (2, 3)
    assert stats[on_track.code].lessons_total == 4
    assert not stats[on_track.code].at_risk
    assert stats[behind.code].at_risk
    assert not stats[finished.code].at_risk  # over: no longer "running"
    assert stats[finished.code].rate == 2 / 3
    assert queries.track_rates(list(stats.values())) == [("ai", 6, 2)]


def test_a_cohorts_completions_are_of_its_own_course():
    course, other = make_course(lessons=2, track="ai"), make_course(lessons=2, track="ai")
    cohort = make_cohort(course, start_on=date(Y, 1, 1), end_on=date(Y, 3, 1))
    make_cohort(other, start_on=date(Y - 1, 1, 1), end_on=date(Y - 1, 3, 1))
    finished, elsewhere, neither = make_user(), make_user(), make_user()
    for person in (finished, elsewhere, neither):
        enrol(cohort, person)
    complete(finished, course, date(Y, 2, 20), cohort=cohort)
    complete(elsewhere, other, date(Y - 1, 2, 20))  # another course: not this cohort's

    stats = {s.code: s for s in queries.cohort_stats(hc.period_for(Y), TODAY, hc.Filters())}
    assert (stats[cohort.code].seated, stats[cohort.code].completed) == (3, 1)


def test_years_are_compared_month_by_month_cumulatively():
    course = make_course()
    complete(make_user(), course, date(Y - 2, 2, 1))
    complete(make_user(), course, date(Y - 1, 1, 1))
    complete(make_user(), course, date(Y - 1, 3, 1))
    complete(make_user(), course, date(Y, 2, 1))
    dash = queries.dashboard(Y, hc.Filters(), TODAY)
    assert list(dash.years) == [Y - 2, Y - 1, Y]
    assert dash.years[Y - 1][:4] == [1, 1, 2, 2]
    assert dash.years[Y - 1][-1] == 2
    assert dash.years[Y - 2][-1] == 1
    assert dash.years[Y][1] == 1
