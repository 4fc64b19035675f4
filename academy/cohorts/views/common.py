"""Loading what a cohort page is about, or answering 404."""

from __future__ import annotations

from flask import abort

from academy.cohorts import bp, queries
from academy.cohorts.models import Cohort
from academy.cohorts.permissions import can_manage_cohort
from academy.permissions import current_actor, require
from academy.templating import datetime_


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
def cohort_time(value, fmt: str = "short") -> str:
    """A UTC time shown in the academy's time zone (Shenzhen and Hong Kong share it)."""
    return datetime_(value, fmt)
