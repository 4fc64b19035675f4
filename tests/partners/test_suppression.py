"""Small-cell suppression: every small figure hidden, nothing hidden recoverable from totals."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from academy.partners.suppression import (
    suppress_block,
    suppress_breakdown,
    suppress_count,
    threshold,
)


def compositions(total: int, parts: int):
    """Every way to write total as an ordered sum of `parts` non-negative integers."""
    if parts <= 1:
        if parts == 1 or total == 0:
            yield (total,) if parts else ()
        return
    for first in range(total + 1):
        for rest in compositions(total - first, parts - 1):
            yield (first, *rest)


def recoverable(cells: dict[str, int], limit: int) -> list[str]:
    """Hidden keys whose value a reader can pin down from what the report shows.

    The reader knows the total (the sum of all cells), every shown cell, and which hidden
    cells are small (1 to limit-1) and which were withheld beside them (limit or more), and
    tries every assignment of the hidden cells that fits.
    """
    result = suppress_breakdown(cells, limit)
    hidden = [k for k, v in result.cells.items() if v is None]
    rest = sum(cells.values()) - sum(v for v in result.cells.values() if v is not None)
    seen: dict[str, set[int]] = {k: set() for k in hidden}
    for values in compositions(rest, len(hidden)):
        fits = all(
            (value >= limit) if key in result.complementary else (0 < value < limit)
            for key, value in zip(hidden, values, strict=True)
        )
        if fits:
            for key, value in zip(hidden, values, strict=True):
                seen[key].add(value)
    return [k for k, options in seen.items() if len(options) < 2]


breakdowns = st.lists(st.integers(0, 9), min_size=1, max_size=5).map(
    lambda values: {f"k{i}": v for i, v in enumerate(values)}
)


@settings(max_examples=300, deadline=None)
@given(cells=breakdowns, limit=st.integers(2, 6))
def test_no_hidden_cell_can_be_recovered_from_the_total(cells, limit):
    result = suppress_breakdown(cells, limit)
    if not result.total_safe:
        # Nothing left to hide alongside: the caller withholds the total, so there is
        # nothing to subtract from.
        assert all(v is None for k, v in result.cells.items() if cells[k])
        return
    assert recoverable(cells, limit) == []


@settings(max_examples=300, deadline=None)
@given(cells=breakdowns, limit=st.integers(2, 6))
def test_shown_cells_are_zero_or_at_least_the_threshold(cells, limit):
    result = suppress_breakdown(cells, limit)
    assert list(result.cells) == list(cells)
    for key, shown in result.cells.items():
        if shown is not None:
            assert shown == cells[key]
            assert shown == 0 or shown >= limit
    hidden = [k for k, v in result.cells.items() if v is None]
    assert len(hidden) != 1 or not result.total_safe


@settings(max_examples=200, deadline=None)
@given(
    total=st.integers(0, 40),
    breakdown=st.dictionaries(st.sampled_from("abcdefg"), st.integers(0, 40), max_size=7),
    limit=st.integers(1, 8),
)
def test_a_block_never_shows_a_small_figure(total, breakdown, limit):
    block = suppress_block({"trained": total}, {"by_x": breakdown}, limit)
    values = [block["trained"], *block["by_x"].values()]
    assert all(v is None or v == 0 or v >= limit for v in values)
    hidden = [v for v in block["by_x"].values() if v is None]
    assert len(hidden) != 1 or block["trained"] is None


def test_single_figures():
    assert suppress_count(0, 5) == 0
    assert [suppress_count(n, 5) for n in range(1, 5)] == [None] * 4
    assert suppress_count(5, 5) == 5


def test_one_small_cell_takes_the_next_smallest_with_it():
    cells = {"ai": 3, "saas": 7, "health": 20, "energy": 0}
    assert suppress_breakdown(cells, 5).cells == {
        "ai": None,
        "saas": None,
        "health": 20,
        "energy": 0,
    }


def test_hidden_ones_that_the_zeros_would_give_away_take_more_cells():
    # 1 + 1 hidden beside a shown 12 of 14 would have to be 1 and 1.
    cells = {"a": 1, "b": 1, "c": 12, "d": 0}
    result = suppress_breakdown(cells, 5)
    assert result.cells == {"a": None, "b": None, "c": None, "d": 0}


def test_a_breakdown_that_cannot_be_protected_withholds_its_whole_block():
    result = suppress_breakdown({"a": 1, "b": 1, "c": 0}, 5)
    assert not result.total_safe
    block = suppress_block(
        {"trained": 7, "completions": 9}, {"by_a": {"a": 1, "b": 1}, "by_b": {"x": 7}}, 5
    )
    assert block == {
        "trained": None,
        "completions": None,
        "by_a": {"a": None, "b": None},
        "by_b": {"x": None},
        "complementary": {},
        "withheld": True,
    }


def test_a_block_names_the_cells_withheld_beside_small_ones():
    block = suppress_block({"trained": 30}, {"by_region": {"sz": 3, "hk": 7, "other": 20}}, 5)
    assert block["by_region"] == {"sz": None, "hk": None, "other": 20}
    assert block["complementary"] == {"by_region": ["hk"]}
    assert block["trained"] == 30 and block["withheld"] is False


@pytest.mark.parametrize("setting,expected", [(None, 5), (10, 10), (0, 1)])
def test_threshold_comes_from_the_setting(app, setting, expected):
    old = app.config.get("ACADEMY_SUPPRESSION_THRESHOLD")
    try:
        if setting is None:
            app.config.pop("ACADEMY_SUPPRESSION_THRESHOLD", None)
        else:
            app.config["ACADEMY_SUPPRESSION_THRESHOLD"] = setting
        assert threshold() == expected
    finally:
        app.config["ACADEMY_SUPPRESSION_THRESHOLD"] = old


def test_a_level_breakdown_is_withheld_whole_when_its_tracks_hide_a_cell():
    # 21 people, one completion each; each track's courses have one level, which the
    # catalogue publishes: fintech is advanced, llm and ml intermediate, ai beginner.
    tracks = {"ai": 8, "fintech": 2, "llm": 5, "ml": 6}
    levels = {"beginner": 8, "intermediate": 11, "advanced": 2}
    totals = {"trained": 21, "completions": 21}
    alone = suppress_block(totals, {"by_track": tracks, "by_level": levels}, 5)
    # Each breakdown protected on its own, yet 11 - 6 gives llm, and then 21 - 8 - 6 - 5
    # gives fintech: what the linked rule is for.
    assert alone["by_level"]["intermediate"] == 11 and alone["by_track"]["ml"] == 6
    block = suppress_block(
        totals, {"by_track": tracks, "by_level": levels}, 5, linked={"by_level": "by_track"}
    )
    assert block["by_track"] == alone["by_track"]
    assert block["by_level"] == {"beginner": None, "intermediate": None, "advanced": None}
    assert block["complementary"]["by_level"] == ["beginner", "intermediate"]
    clear = suppress_block(
        {"trained": 30},
        {"by_track": {"ai": 10, "ml": 20}, "by_level": {"beginner": 10, "advanced": 20}},
        5,
        linked={"by_level": "by_track"},
    )
    assert clear["by_level"] == {"beginner": 10, "advanced": 20}  # nothing hidden: all shown


def test_the_partner_report_applies_the_linked_rule(api):
    from datetime import date

    from tests.factories import complete, make_cohort, make_course, make_partner, make_user

    partner = make_partner("X")
    for track, level, people in (
        ("ai-foundations", "beginner", 8),
        ("fintech", "advanced", 2),
        ("llm-applications", "intermediate", 5),
        ("ml-engineering", "intermediate", 6),
    ):
        course = make_course(track=track, level=level)
        cohort = make_cohort(course, sponsor=partner, start_on=date(2025, 1, 1))
        for _ in range(people):
            complete(make_user(), course, date(2025, 3, 1), cohort=cohort)
    reader = api(make_user(["partner"], partner=partner))
    report = reader.get(f"/api/v1/partners/{partner.id}/talent-supply?year=2025").json
    sponsored = report["sponsored"]
    assert sponsored["trained"] == 21 and sponsored["by_track"]["fintech"] is None
    assert set(sponsored["by_level"].values()) == {None}
