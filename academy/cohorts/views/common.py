"""Loading what a cohort page is about, or answering 404."""

from __future__ import annotations

from functools import lru_cache

from flask import abort
from flask_babel import gettext as _
from jinja2 import pass_context
from markupsafe import Markup, escape

from academy.cohorts import bp, queries
from academy.cohorts.models import Cohort
from academy.cohorts.permissions import can_manage_cohort
from academy.enrolments.reasons import shown_reason
from academy.permissions import current_actor, require
from academy.templating import datetime_, datetime_filter, label


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


bp.add_app_template_filter(shown_reason, "history_reason")


# Shown in a roster row's status badge, by status.
STATUS_TONE = {"completed": " ok", "withdrawn": " bad"}


@bp.app_template_filter("roster_rows")
@pass_context
def roster_rows(context, rows, trainee_url: str) -> Markup:
    """The roster's rows: name and link, status, lessons done, last activity, a cell per lesson.

    Built here rather than in a template loop: a 100-person roster has a hundred rows of a
    dozen fields and a thousand lesson cells, and Jinja's per-field overhead (attribute
    lookups, escaping, filter calls) was a sixth of the page's instructions. Every value
    that comes from a person is escaped here.
    """
    locale, zone = context.get("current_locale"), context.get("current_timezone")
    done, started, behind = _("done"), _("started"), _("behind")
    behind_badge = Markup(' <span class="badge warn">{}</span>').format(behind)
    url = escape(trainee_url)
    html = []
    for row in rows:
        status = row.enrolment.status
        last = row.last_activity_at
        html.append(
            f'<tr><th scope="row"><a href="{url}{row.enrolment.id}">{escape(row.user.name)}</a>'
            f"{behind_badge if row.behind else ''}</th>"
            f'<td><span class="badge{STATUS_TONE.get(status, "")}">'
            f"{escape(label(status, locale))}</span></td>"
            f'<td class="num">{row.lessons_done}/{row.lessons_total}</td>'
            f"<td>{escape(datetime_(last, 'short', locale, zone)) if last else '—'}</td>"
            f"{''.join([_cell(cell, done, started) for cell in row.in_order])}</tr>\n"
        )
    return Markup("".join(html))


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
