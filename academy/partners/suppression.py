"""Small-cell suppression for aggregate reports shown outside the programme team.

Rules, applied to counts of people (or of completions):

* **Primary**: a count from 1 to threshold-1 is suppressed (``None``: ``null`` in the API,
  "fewer than N" on pages and in exports). Zero is shown: it describes nobody, so it cannot
  single anyone out, and hiding it would only make an honest "no one" unreadable.
* **Complementary**: a breakdown (people by track, region, month, ...) is treated as if its
  total were known, because it usually is (the headline figure, or the sum of another
  breakdown of the same people). The reader is assumed to know the total, every shown cell,
  and which hidden cells are small (1 to threshold-1) and which were withheld alongside them
  (threshold or more); the smallest other non-zero cells are withheld until, under those
  bounds, every hidden cell could still take at least two values.
* If hiding every non-zero cell is still not enough (say, two cells of one each), the
  breakdown cannot be protected while its total stands: ``Suppressed.total_safe`` is False
  and ``suppress_block`` withholds the whole block, totals included.
* **Linked breakdowns**: some breakdowns are sums of another's cells to anyone who reads the
  catalogue (each course's level is public, so a level's count adds up the counts of the
  tracks whose courses have that level). Subtracting between the two gives hidden cells
  back, so when either hides a cell the dependent one is withheld whole.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from flask import current_app

DEFAULT_THRESHOLD = 5


def threshold() -> int:
    """The configured threshold (ACADEMY_SUPPRESSION_THRESHOLD), never below 1."""
    return max(int(current_app.config.get("ACADEMY_SUPPRESSION_THRESHOLD", DEFAULT_THRESHOLD)), 1)


def is_small(count: int, limit: int) -> bool:
    return 0 < count < limit


def suppress_count(count: int, limit: int) -> int | None:
    """A single figure: None if it is small enough to single someone out."""
    return None if is_small(count, limit) else count


@dataclass(frozen=True)
class Suppressed:
    cells: dict[str, int | None]
    complementary: list[str]  # hidden keys that are not small themselves
    total_safe: bool


def _bounds(value: int, limit: int, hidden_total: int) -> tuple[int, int]:
    """What a reader knows of one hidden cell before looking at the others."""
    if is_small(value, limit):
        return 1, limit - 1
    return limit, hidden_total


def _safe(hidden: list[int], limit: int) -> bool:
    """Could every hidden cell still take two values, given their sum and their bounds?"""
    if not hidden:
        return True
    rest = sum(hidden)
    bounds = [_bounds(v, limit, rest) for v in hidden]
    low_sum = sum(lo for lo, _ in bounds)
    high_sum = sum(hi for _, hi in bounds)
    for lo, hi in bounds:
        least = max(lo, rest - (high_sum - hi))
        most = min(hi, rest - (low_sum - lo))
        if least >= most:
            return False
    return True


def suppress_breakdown(cells: Mapping[str, int], limit: int) -> Suppressed:
    """Primary and complementary suppression of one breakdown; keys keep their order."""
    order = {key: i for i, key in enumerate(cells)}
    hidden = {key for key, value in cells.items() if is_small(value, limit)}
    while not _safe([cells[k] for k in hidden], limit):
        pool = [k for k, v in cells.items() if k not in hidden and v > 0]
        if not pool:
            break
        hidden.add(min(pool, key=lambda k: (cells[k], order[k])))
    return Suppressed(
        cells={k: (None if k in hidden else v) for k, v in cells.items()},
        complementary=[k for k in cells if k in hidden and not is_small(cells[k], limit)],
        total_safe=_safe([cells[k] for k in hidden], limit),
    )


def _withheld_whole(cells: Mapping[str, int], limit: int) -> Suppressed:
    """Every non-zero cell hidden (a zero describes nobody, as above)."""
    return Suppressed(
        cells={k: (None if v > 0 else v) for k, v in cells.items()},
        complementary=[k for k, v in cells.items() if v > 0 and not is_small(v, limit)],
        total_safe=True,
    )


def _hides_any(result: Suppressed) -> bool:
    return any(value is None for value in result.cells.values())


def suppress_block(
    totals: Mapping[str, int],
    breakdowns: Mapping[str, Mapping[str, int]],
    limit: int,
    linked: Mapping[str, str] | None = None,
) -> dict:
    """A report block: headline totals plus breakdowns, every figure suppressed as above.

    ``complementary`` names the cells withheld alongside small ones (pages label them
    "withheld" rather than "fewer than N"). If a breakdown cannot be protected while the
    totals stand, everything in the block is withheld (``withheld`` is True), since any fully
    shown breakdown would give the total back by addition.
    """
    results = {name: suppress_breakdown(cells, limit) for name, cells in breakdowns.items()}
    # ``linked`` maps a dependent breakdown to the one whose cells it sums.
    for dependent, source in (linked or {}).items():
        if _hides_any(results[source]) or _hides_any(results[dependent]):
            results[dependent] = _withheld_whole(breakdowns[dependent], limit)
    if not all(result.total_safe for result in results.values()):
        out: dict = dict.fromkeys(totals, None)
        out.update({name: dict.fromkeys(cells, None) for name, cells in breakdowns.items()})
        return {**out, "complementary": {}, "withheld": True}
    out = {name: suppress_count(value, limit) for name, value in totals.items()}
    out.update({name: result.cells for name, result in results.items()})
    complementary = {name: r.complementary for name, r in results.items() if r.complementary}
    return {**out, "complementary": complementary, "withheld": False}
