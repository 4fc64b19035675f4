"""Pace and forecast: expected to date, the scheduled pipeline and the run rate."""

from datetime import date

import pytest

from academy.enrolments.service import withdraw
from academy.extensions import db
from academy.reporting import headcount as hc
from academy.reporting.forecast import forecast
from tests.factories import complete, enrol, make_cohort, make_course, make_user

Y = 2023
MID_YEAR = date(Y, 7, 2)  # 183 of 365 days gone by its end


def run(today, filters=hc.Filters()):
    period = hc.period_for(Y)
    trained = hc.trained_count(period.starts_on, period.ends_on, filters=filters)
    return forecast(period, trained, today, filters)


@pytest.mark.parametrize(
    ("today", "elapsed", "expected"),
    [
        (date(Y - 1, 12, 31), 0.0, 0),
        (date(Y, 1, 1), 1 / 365, round(4000 / 365)),
        (MID_YEAR, 183 / 365, round(4000 * 183 / 365)),
        # The last day counts whole: its completions are in the headcount.
        (date(Y, 12, 31), 1.0, 4000),
        (date(Y + 1, 1, 1), 1.0, 4000),
        (date(Y + 5, 6, 1), 1.0, 4000),
    ],
)
def test_expected_to_date_is_the_target_times_the_share_of_the_year_elapsed(
    today, elapsed, expected
):
    pace = run(today)
    assert pace.elapsed == pytest.approx(elapsed)
    assert pace.expected_to_date == expected
    assert pace.ahead_by == -expected


def withdrawn(cohort, trainee):
    enrolment = enrol(cohort, trainee)
    withdraw(None, enrolment, "Changed jobs")
    db.session.commit()
    return enrolment


def test_scheduled_people_are_weighted_by_their_tracks_history_and_withdrawals_do_not_count():
    past_course, next_course = make_course(track="ai"), make_course(track="ai")
    past = make_cohort(past_course, start_on=date(Y, 1, 10), end_on=date(Y, 3, 31))
    upcoming = make_cohort(next_course, start_on=date(Y, 6, 1), end_on=date(Y, 9, 30))
    next_year = make_cohort(next_course, start_on=date(Y, 11, 1), end_on=date(Y + 1, 2, 1))

    # History: four enrolled, one withdrew, one completed -> the track completes 1 in 4.
    u1, u2, u3, u4 = (make_user() for _ in range(4))
    for person in (u1, u2, u3):
        enrol(past, person)
    withdrawn(past, u4)
    complete(u1, past_course, date(Y, 3, 30), cohort=past)

    # Pipeline: seven enrolled and one withdrawn in a cohort ending this year; u1 is
    # already counted; someone in a cohort that ends next year is not scheduled for this one.
    for _ in range(7):
        enrol(upcoming, make_user())
    withdrawn(upcoming, make_user())
    enrol(upcoming, u1)
    enrol(next_year, make_user())

    pace = run(MID_YEAR)
    assert pace.completion_rate == pytest.approx(0.25)
    assert pace.scheduled_people == 7
    assert pace.scheduled_expected == 2  # 7 x 0.25 = 1.75
    # The run rate (1 person by mid-year -> 2 for the year) adds less than the pipeline.
    assert pace.run_rate == 2
    assert pace.forecast == 3  # 1 trained + 1.75 expected
    # Seats taken: past 3 (the withdrawal freed one), upcoming 8, next year 1 -> 4 a cohort,
    # completing at 1 in 4: one person per cohort closes one place of the gap.
    assert pace.average_cohort_size == pytest.approx(4)
    assert pace.cohorts_needed == 4000 - 3


def test_the_run_rate_projects_the_pace_so_far_when_it_beats_the_pipeline():
    course = make_course()
    for month in range(1, 7):
        for _ in range(2):
            complete(make_user(), course, date(Y, month, 10))
    pace = run(MID_YEAR)
    assert pace.scheduled_people == 0
    assert pace.forecast == round(12 * 365 / 183)


def test_the_first_month_is_not_projected_over_the_year():
    course = make_course()
    for _ in range(10):
        complete(make_user(), course, date(Y, 1, 1))
    for day in (date(Y, 1, 1), date(Y, 1, 2), date(Y, 1, 30)):
        assert run(day).forecast == 10, day  # not 10 x 365 on the 2nd
    assert run(date(Y, 2, 15)).forecast == round(10 * 365 / 46)


def test_a_finished_year_forecasts_what_it_trained():
    course = make_course()
    cohort = make_cohort(course, start_on=date(Y, 10, 1), end_on=date(Y, 12, 1))
    complete(make_user(), course, date(Y, 5, 5))
    enrol(cohort, make_user())  # never completed; the year is over
    pace = run(date(Y + 1, 3, 1))
    assert (pace.forecast, pace.scheduled_people, pace.cohorts_needed) == (1, 0, None)


def test_the_pipeline_obeys_the_filters():
    ai, health = make_course(track="ai"), make_course(track="health")
    for course in (ai, health):
        cohort = make_cohort(course, start_on=date(Y, 6, 1), end_on=date(Y, 8, 1))
        enrol(cohort, make_user(kind="student"))
        enrol(cohort, make_user(kind="professional"))
    assert run(MID_YEAR).scheduled_people == 4
    assert run(MID_YEAR, hc.Filters(track="ai")).scheduled_people == 2
    assert run(MID_YEAR, hc.Filters(track="ai", kind="student")).scheduled_people == 1


def test_completion_rates_count_each_enrolment_once_by_its_standing_completion():
    from academy.progress.service import revoke_completion
    from academy.reporting.forecast import completion_rates

    course, other = make_course(track="ai"), make_course(track="ai")
    past = make_cohort(course, start_on=date(Y, 1, 10), end_on=date(Y, 3, 31))
    earlier = make_cohort(course, start_on=date(Y - 1, 1, 10), end_on=date(Y - 1, 3, 31))
    manager = make_user(["manager"])
    held, elsewhere, revoked, again, wrong_course = (make_user() for _ in range(5))
    for person in (held, elsewhere, revoked, again, wrong_course):
        enrol(past, person)
    complete(held, course, date(Y, 3, 30), cohort=past)
    complete(elsewhere, course, date(Y - 1, 3, 30), cohort=earlier)  # held all the same
    revoke_completion(manager, complete(revoked, course, date(Y, 3, 30)), "Plagiarised")
    # Revoked, then earned again: two records, one standing, counted once.
    revoke_completion(manager, complete(again, course, date(Y, 3, 2)), "Issued in error")
    complete(again, course, date(Y, 3, 30), cohort=past)
    complete(wrong_course, other, date(Y, 3, 30))
    db.session.commit()

    rates, overall = completion_rates(MID_YEAR, hc.Filters())
    assert overall == pytest.approx(3 / 5)
    assert rates == {course.track_id: pytest.approx(3 / 5)}
