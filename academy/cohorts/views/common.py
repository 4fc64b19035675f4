"""Loading what a cohort page is about, or answering 404."""

from __future__ import annotations

from functools import lru_cache

from flask import abort
from jinja2 import pass_context
from markupsafe import Markup

from academy.cohorts import bp, queries
from academy.cohorts.models import Cohort
from academy.cohorts.permissions import can_manage_cohort
from academy.permissions import current_actor, require
from academy.templating import datetime_filter


def managed_cohort(cohort_id: int, *, instructors: bool = False) -> Cohort:
    """The cohort if the signed-in person runs it; 404 otherwise, as if it did not exist."""
    cohort = queries.load_cohort(cohort_id, instructors=instructors)
    require(cohort is not None and can_manage_cohort(current_actor(), cohort))
    return cohort


def trainee_in(cohort: Cohort, enrolment_id: int):
    found = queries.load_enrolment(cohort.id, enrolment_id)
    if found is None:
        abort(404)
    return found


@bp.app_template_filter("cohort_time")
@pass_context
def cohort_time(context, value, fmt: str = "short") -> str:
    """A UTC time shown in the academy's time zone (Shenzhen and Hong Kong share it)."""
    return datetime_filter(context, value, fmt)


@bp.app_template_filter("progress_cells")
def progress_cells(cells, done_text: str, started_text: str) -> Markup:
    """A roster row's lesson cells, one <td> per lesson.

    Built here rather than in a template loop: a 100-person roster has a thousand cells, and
    Jinja's per-cell overhead was a sixth of the page's time. Few cells differ, so each
    distinct one is built once.
    """
    # Every cell is already safe markup: joined as plain text, not escaped once more each.
    return Markup("".join([_cell(cell, done_text, started_text) for cell in cells]))


@lru_cache(maxsize=1024)
def _cell(cell, done_text: str, started_text: str) -> Markup:
    if cell is None:
        return Markup('<td class="num"></td>')
    if cell.best_score is not None:
        return Markup('<td class="num"><span class="badge {}">{}%</span></td>').format(
            "ok" if cell.quiz_passed else "bad", cell.best_score
        )
    if cell.done:
        return Markup('<td class="num"><span aria-label="{}">✓</span></td>').format(done_text)
    return Markup('<td class="num"><span class="muted" aria-label="{}">·</span></td>').format(
        started_text
    )
