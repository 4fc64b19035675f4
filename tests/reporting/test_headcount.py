"""The headcount rules, pinned with hand-made data."""

from datetime import date

from academy.extensions import db
from academy.progress.service import revoke_completion
from academy.reporting import headcount as hc
from tests.factories import complete, make_cohort, make_course, make_partner, make_user

Y = 2023
START, END = date(Y, 1, 1), date(Y + 1, 1, 1)


def trained(filters=hc.Filters()):
    return hc.trained_count(START, END, filters=filters)


def test_a_person_completing_several_courses_counts_once():
    ana = make_user()
    for month in (2, 5, 9):
        complete(ana, make_course(), date(Y, month, 1))
    assert trained() == 1
    assert hc.completion_count(START, END) == 3
    assert hc.months(START, END) == [0, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0]


def test_31_december_and_1_january_fall_in_their_own_years():
    course = make_course()
    late, early = make_user(), make_user()
    complete(late, course, date(Y, 12, 31))
    complete(early, course, date(Y + 1, 1, 1))
    assert trained() == 1
    assert hc.trained_count(END, date(Y + 2, 1, 1)) == 1
    assert hc.months(START, END)[11] == 1
    assert hc.months(END, date(Y + 2, 1, 1))[0] == 1


def test_a_revoked_record_stops_counting():
    manager = make_user(["manager"])
    ana, ben = make_user(), make_user()
    course = make_course()
    record = complete(ana, course, date(Y, 3, 3))
    complete(ben, course, date(Y, 4, 4))
    assert trained() == 2
    db.session.refresh(manager)  # loaded, as a request's actor is, before the service runs
    revoke_completion(manager, record, "Issued to the wrong person")
    db.session.commit()
    assert trained() == 1
    assert hc.months(START, END) == [0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0]


def test_month_buckets_hold_first_completions_and_add_up_to_the_total():
    people = [make_user() for _ in range(5)]
    a, b = make_course(), make_course()
    complete(people[0], a, date(Y, 1, 15))
    complete(people[0], b, date(Y, 6, 1))  # not a new person in June
    complete(people[1], a, date(Y, 6, 30))
    complete(people[2], a, date(Y, 12, 31))
    complete(people[3], b, date(Y - 1, 12, 31))  # last year: first of *this* year is March
    complete(people[3], a, date(Y, 3, 1))
    complete(people[4], a, date(Y - 1, 6, 1))  # only last year
    months = hc.months(START, END)
    assert months == [1, 0, 1, 0, 0, 1, 0, 0, 0, 0, 0, 1]
    assert sum(months) == trained() == 4


def test_kind_and_region_sum_to_the_total_but_tracks_may_overlap():
    ai, health = make_course(track="ai"), make_course(track="health")
    pro = make_user(kind="professional", region="shenzhen")
    student = make_user(kind="student", region="hong_kong")
    both = make_user(kind="student", region="other")
    complete(pro, ai, date(Y, 2, 1))
    complete(student, health, date(Y, 2, 1))
    complete(both, ai, date(Y, 3, 1))
    complete(both, health, date(Y, 4, 1))
    assert trained() == 3
    assert hc.by_kind(START, END) == {"professional": 1, "student": 2}
    assert hc.by_region(START, END) == {"shenzhen": 1, "hong_kong": 1, "other": 1}
    by_track = {b.key: b.n for b in hc.breakdown("track", START, END)}
    assert by_track == {"ai": 2, "health": 2}
    assert sum(by_track.values()) > trained()


def test_filters_narrow_every_count():
    acme, globex = make_partner("Acme"), make_partner("Globex")
    ai, health = make_course(track="ai"), make_course(track="health")
    acme_cohort = make_cohort(ai, sponsor=acme, start_on=date(Y, 1, 1), delivery="shenzhen")
    globex_cohort = make_cohort(health, sponsor=globex, start_on=date(Y, 1, 1))
    a = make_user(kind="student", region="hong_kong", organisation="HKU")
    b = make_user(kind="professional", region="shenzhen", organisation="Tencent")
    c = make_user(kind="professional", region="shenzhen", organisation="Tencent")
    complete(a, ai, date(Y, 5, 1), cohort=acme_cohort)
    complete(b, ai, date(Y, 5, 2), cohort=acme_cohort)
    complete(c, health, date(Y, 7, 1), cohort=globex_cohort)
    complete(a, health, date(Y, 8, 1))  # no cohort: counts for the programme, no partner

    assert trained(hc.Filters(partner_id=acme.id)) == 2
    assert trained(hc.Filters(partner_id=globex.id)) == 1
    assert trained(hc.Filters(track="health")) == 2
    assert trained(hc.Filters(kind="student")) == 1
    assert trained(hc.Filters(region="shenzhen", track="ai")) == 1
    assert hc.months(START, END, filters=hc.Filters(track="health")) == [
        0, 0, 0, 0, 0, 0, 1, 1, 0, 0, 0, 0,
    ]  # fmt: skip
    partners = {b.label: b.n for b in hc.breakdown("partner", START, END)}
    assert partners == {"Acme": 2, "Globex": 1, "": 1}
    delivery = {b.key: b.n for b in hc.breakdown("delivery", START, END)}
    assert delivery == {"shenzhen": 2, "online": 1, "none": 1}
    top = hc.breakdown("organisation", START, END, limit=1)
    assert [(b.key, b.n) for b in top] == [("Tencent", 2)]


def test_a_stored_programme_year_sets_its_own_dates_and_target():
    from academy.reporting.models import ProgrammeYear

    db.session.add(
        ProgrammeYear(year=Y, target=120, starts_on=date(Y, 9, 1), ends_on=date(Y + 1, 9, 1))
    )
    db.session.commit()
    period = hc.period_for(Y)
    assert (period.target, period.starts_on, period.stored) == (120, date(Y, 9, 1), True)
    complete(make_user(), make_course(), date(Y + 1, 2, 10))
    months = hc.months(period.starts_on, period.ends_on)
    assert months[5] == 1 and sum(months) == 1  # February is the sixth month from September
    assert hc.period_for(Y + 1).target == 4000  # the configured default, nothing stored
