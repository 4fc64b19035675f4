"""The talent-supply report as labelled rows, shared by the pages and every export format."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

from babel.dates import format_skeleton
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from academy.partners.forms import KIND_LABELS

LEVEL_LABELS = {
    "beginner": _l("Beginner"),
    "intermediate": _l("Intermediate"),
    "advanced": _l("Advanced"),
}
REGION_LABELS = {"shenzhen": _l("Shenzhen"), "hong_kong": _l("Hong Kong"), "other": _l("Other")}
TRAINEE_KIND_LABELS = {"professional": _l("Professionals"), "student": _l("Students")}
BLOCKS = ("sponsored", "programme")


@dataclass(frozen=True)
class Cell:
    value: int | None
    note: str | None = None  # "small" (fewer than the threshold) or "withheld"


@dataclass(frozen=True)
class Section:
    title: str
    rows: list[tuple[str, list[Cell]]]


def _cell(block: dict, dimension: str | None, key: str) -> Cell:
    value = block[key] if dimension is None else block[dimension].get(key)
    if value is not None:
        return Cell(value)
    if block.get("withheld") or key in block.get("complementary", {}).get(dimension or "", []):
        return Cell(None, "withheld")
    return Cell(None, "small")


def _month_label(key: str) -> str:
    year, month = key.split("-")
    # The locale's own order: "Oct 2026", "2026年10月".
    return format_skeleton("yMMM", date(int(year), int(month), 1), locale=get_locale())


def sections(report: dict) -> list[Section]:
    """Headline figures, then people trained by track, level, region, kind and month."""
    blocks = [report[name] for name in BLOCKS]
    out = [
        Section(
            _("Totals"),
            [
                (_("People trained"), [_cell(b, None, "trained") for b in blocks]),
                (_("Completions"), [_cell(b, None, "completions") for b in blocks]),
            ],
        )
    ]
    tracks = report.get("track_names", {})
    dimensions = (
        ("by_track", _("People trained by track"), lambda k: tracks.get(k, k)),
        ("by_level", _("People trained by level"), lambda k: str(LEVEL_LABELS.get(k, k))),
        ("by_region", _("People trained by region"), lambda k: str(REGION_LABELS.get(k, k))),
        ("by_kind", _("People trained by kind"), lambda k: str(TRAINEE_KIND_LABELS.get(k, k))),
        ("by_month", _("People trained by month (first completion)"), _month_label),
    )
    for dimension, title, label in dimensions:
        keys = list(blocks[0][dimension])
        rows = [(label(key), [_cell(b, dimension, key) for b in blocks]) for key in keys]
        out.append(Section(title, rows))
    return out


def cell_text(cell: Cell, threshold: int) -> int | str:
    """A number, or the words that stand in for a suppressed one."""
    if cell.value is not None:
        return cell.value
    if cell.note == "withheld":
        return _("withheld")
    return _("fewer than %(n)s", n=threshold)


def column_titles() -> list[str]:
    return [_("Sponsored cohorts"), _("Whole programme")]


QUARTER_LABEL = re.compile(r"(\d{4}) Q([1-4])")


def shown_period(label: str) -> str:
    """A period's label ("2026 Q4", as reports and snapshots store it) in the page's language."""
    match = QUARTER_LABEL.fullmatch(label or "")
    if match is None:
        return label  # a year, or ISO dates: the same in every language
    return _("%(year)s Q%(quarter)s", year=match.group(1), quarter=match.group(2))


def partner_kind_label(kind: str) -> str:
    return str(KIND_LABELS.get(kind, kind))


GRADUATES_PER_PAGE = 100


@dataclass(frozen=True)
class GraduatePage:
    """One page of a report's graduates: a year's list runs to more than a thousand names."""

    rows: list[dict]
    page: int
    pages: int
    total: int
    first: int  # the number of the first row shown, from 1

    @property
    def last(self) -> int:
        return self.first + len(self.rows) - 1


def graduate_page(graduates: list[dict], asked: int | None) -> GraduatePage:
    """The page asked for (1 when absent or unreadable), kept within the pages there are."""
    pages = max((len(graduates) + GRADUATES_PER_PAGE - 1) // GRADUATES_PER_PAGE, 1)
    page = min(max(asked or 1, 1), pages)
    start = (page - 1) * GRADUATES_PER_PAGE
    rows = graduates[start : start + GRADUATES_PER_PAGE]
    return GraduatePage(rows, page, pages, len(graduates), start + 1)
