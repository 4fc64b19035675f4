"""The one-pass figures give exactly what the per-figure headcount queries give."""

from datetime import date

import pytest

from academy.extensions import db
from academy.progress.service import revoke_completion
from academy.reporting import headcount as hc
from academy.reporting.one_pass import period_figures
from tests.factories import complete, make_cohort, make_course, make_partner, make_user

Y = 2024
START, END = date(Y, 1, 1), date(Y + 1, 1, 1)
DIMENSIONS = hc.DIMENSIONS


@pytest.fixture
def academy():
    """People over tracks, kinds, regions, partners and months; repeats, revocations, gaps."""
    acme, uni = make_partner("Acme"), make_partner("Uni")
    courses = [make_course(track=t) for t in ("ai", "health", "ai", "energy")]
    cohorts = [
        make_cohort(courses[0], sponsor=acme, delivery="shenzhen"),
        make_cohort(courses[1], sponsor=uni, delivery="online"),
        make_cohort(courses[2], delivery="hybrid"),
    ]
    manager = make_user(["manager"])
    db.session.refresh(manager)
    for i in range(23):
        person = make_user(
            kind=("professional", "student")[i % 2],
            region=("shenzhen", "hong_kong", "other")[i % 3],
            organisation=(None, "HKU", "Tencent", "SZU")[i % 4],
        )
        complete(person, courses[i % 4], date(Y, 1 + i % 12, 1 + i % 28),
                 cohort=cohorts[i % 4] if i % 4 < 3 else None)  # fmt: skip
        if i % 5 == 0:  # a second course, later in the year
            complete(person, courses[(i + 1) % 4], date(Y, 12, 30), cohort=cohorts[(i + 1) % 3])
        if i % 7 == 0:  # a completion the year before, and one revoked this year
            complete(person, courses[3], date(Y - 1, 12, 31))
            record = complete(person, courses[1], date(Y, 6, 6), cohort=cohorts[1])
            revoke_completion(manager, record, "Issued in error")
            db.session.commit()
    make_user(kind="student")  # trained in no period
    return acme


@pytest.mark.parametrize(
    "filters",
    [
        hc.Filters(),
        hc.Filters(track="ai"),
        hc.Filters(kind="student", region="hong_kong"),
        "sponsored",
    ],
)
def test_one_pass_agrees_with_each_query(academy, filters):
    if filters == "sponsored":
        filters = hc.Filters(partner_id=academy.id)
    found = period_figures(
        START, END, filters=filters, dimensions=DIMENSIONS, limits={"organisation": 2}
    )
    assert found.trained == hc.trained_count(START, END, filters=filters) > 0
    assert found.completions == hc.completion_count(START, END, filters=filters)
    assert found.months == hc.months(START, END, filters=filters)
    for name in DIMENSIONS:
        limit = 2 if name == "organisation" else None
        expected = hc.breakdown(name, START, END, filters=filters, limit=limit)
        assert found.parts[name] == expected, name


def test_an_empty_period_is_all_zeros(academy):
    found = period_figures(date(Y + 5, 1, 1), date(Y + 6, 1, 1), dimensions=("track",))
    assert (found.trained, found.completions, found.months, found.parts) == (
        0,
        0,
        [0] * 12,
        {"track": []},
    )
