"""The talent-supply figures: the headcount's definition, suppression, consent, periods."""

from datetime import date

import pytest

from academy.auth.service import set_consent
from academy.errors import Invalid
from academy.extensions import db
from academy.partners.queries import parse_period, period_from, talent_supply
from academy.reporting import headcount
from tests.factories import complete, make_cohort, make_course, make_partner, make_user

YEAR_2026 = period_from(year=2026)


def numbers(block: dict) -> list:
    out = [block["trained"], block["completions"]]
    for name in ("by_track", "by_level", "by_region", "by_kind", "by_month"):
        out.extend(block[name].values())
    return out


def test_sponsored_and_programme_figures(academy_data):
    report = talent_supply(academy_data.x, YEAR_2026)
    sponsored, programme = report["sponsored"], report["programme"]
    # 7 distinct people (one of them twice), the revoked record not at all.
    assert sponsored["trained"] == 7
    assert sponsored["completions"] == 8
    assert programme["trained"] == 9
    assert programme["completions"] == 10
    # fintech has 1 person: hidden, and ai-foundations is withheld with it (else 7 - 1).
    assert sponsored["by_track"] == {"ai-foundations": None, "fintech": None}
    assert sponsored["complementary"] == {"by_track": ["ai-foundations"], "by_level": ["beginner"]}
    assert sponsored["by_month"]["2026-03"] == 7
    assert sponsored["by_month"]["2026-04"] == 0
    assert list(sponsored["by_month"]) == [f"2026-{m:02d}" for m in range(1, 13)]
    assert report["partner"] == {
        "id": academy_data.x.id,
        "name": "Xylo Robotics",
        "kind": "company",
    }
    assert report["suppression_threshold"] == 5


def test_trained_agrees_with_the_headcount(academy_data):
    report = talent_supply(academy_data.y, YEAR_2026)
    assert report["programme"]["trained"] == headcount.trained_count(
        date(2026, 1, 1), date(2027, 1, 1)
    )


def test_no_small_number_is_ever_shown(academy_data):
    for partner in (academy_data.x, academy_data.y):
        report = talent_supply(partner, YEAR_2026)
        for block in (report["sponsored"], report["programme"]):
            for value in numbers(block):
                assert value is None or value == 0 or value >= 5
    # Y sponsored only two people: even its headline is hidden.
    assert talent_supply(academy_data.y, YEAR_2026)["sponsored"]["trained"] is None


def test_graduates_are_only_people_who_consent_now(academy_data):
    report = talent_supply(academy_data.x, YEAR_2026)
    names = [g["name"] for g in report["graduates"]]
    assert names == ["Consenting 1", "Consenting 2", "Consenting 1"]
    assert report["graduates"][0]["verify_path"].startswith("/verify/")
    first = academy_data.trainees[0]
    profile = db.session.get(type(first).profile.property.mapper.class_, first.id)
    set_consent(first, profile, False)
    db.session.commit()
    again = talent_supply(academy_data.x, YEAR_2026)
    assert [g["name"] for g in again["graduates"]] == ["Consenting 2"]
    # Withdrawal hides the person, not the count: they were still trained.
    assert again["sponsored"]["trained"] == 7


def test_threshold_setting_is_honoured(app, academy_data):
    app.config["ACADEMY_SUPPRESSION_THRESHOLD"] = 10
    try:
        report = talent_supply(academy_data.x, YEAR_2026)
    finally:
        app.config["ACADEMY_SUPPRESSION_THRESHOLD"] = 5
    assert report["suppression_threshold"] == 10
    assert report["sponsored"]["trained"] is None
    assert report["programme"]["trained"] is None


def test_quarter_and_custom_periods(academy_data):
    q1 = talent_supply(academy_data.x, period_from(year=2026, quarter=1))
    assert q1["sponsored"]["trained"] == 7
    assert q1["sponsored"]["completions"] == 7
    assert list(q1["sponsored"]["by_month"]) == ["2026-01", "2026-02", "2026-03"]
    q2 = talent_supply(academy_data.x, period_from(year=2026, quarter=2))
    assert q2["sponsored"]["trained"] is None  # one person in April
    custom = period_from(start=date(2026, 3, 11), end=date(2026, 4, 3))
    report = talent_supply(academy_data.x, custom)
    assert report["year"] is None
    assert report["period"] == {"start": "2026-03-11", "end": "2026-04-03", "label": custom.label}
    assert list(report["sponsored"]["by_month"]) == ["2026-03", "2026-04"]


@pytest.mark.parametrize(
    "args,field",
    [
        ({"year": "abc"}, "year"),
        ({"year": "1999"}, "year"),
        ({"year": "2026", "quarter": "5"}, "quarter"),
        ({"start": "2026-01-01"}, "end"),
        ({"start": "2026-02-01", "end": "2026-01-01"}, "end"),
        ({"start": "2026-13-01", "end": "2026-12-01"}, "start"),
        ({"year": "2026", "start": "2026-01-01", "end": "2026-02-01"}, "start"),
        ({"start": "2026-01-15", "end": "2027-01-16"}, "end"),
    ],
)
def test_bad_periods_are_refused_with_the_field(app, args, field):
    with app.test_request_context(), pytest.raises(Invalid) as caught:
        parse_period(args)
    assert field in caught.value.fields


def test_no_period_means_this_year():
    period = parse_period({}, today=date(2026, 8, 1))
    assert (period.start, period.end, period.year) == (date(2026, 1, 1), date(2027, 1, 1), 2026)


def _populate(partner, people: int) -> None:
    courses = [
        make_course(track="ai", level="beginner"),
        make_course(track="saas", level="advanced"),
    ]
    cohorts = [make_cohort(c, sponsor=partner) for c in courses]
    for i in range(people):
        trainee = make_user(consent=i % 2 == 0, region=("shenzhen", "hong_kong", "other")[i % 3])
        for course, cohort in zip(courses, cohorts, strict=True):
            complete(trainee, course, date(2026, 1 + i % 12, 3), cohort=cohort)


def test_query_count_does_not_grow_with_the_data(count_queries):
    small, large = make_partner(), make_partner()
    _populate(small, 1)
    _populate(large, 40)
    db.session.expire_all()
    with count_queries() as few:
        talent_supply(small, YEAR_2026)
    with count_queries() as many:
        report = talent_supply(large, YEAR_2026)
    assert report["sponsored"]["trained"] == 40
    assert len(report["graduates"]) == 40
    assert len(few) == len(many) <= 20
