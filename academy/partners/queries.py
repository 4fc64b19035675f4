"""Reads for the partners domain: the talent-supply report, partner lists and details.

The report's "trained" is the headcount's own definition (distinct people with a
non-revoked completion dated in the period), built from academy.reporting.headcount so the
two can never disagree. Everything aggregates in SQL with a fixed number of queries.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date

from flask_babel import gettext as _
from sqlalchemy import func, select
from sqlalchemy.orm import defer

from academy.auth.models import KINDS, REGIONS, TraineeProfile, User
from academy.cohorts.models import Cohort
from academy.courses.models import LEVELS, Course
from academy.dates import MAX_YEAR, MIN_YEAR, local_today
from academy.errors import Invalid
from academy.extensions import db
from academy.forms import whole_number
from academy.partners import suppression
from academy.partners.models import Partner, ReportSnapshot
from academy.progress.models import CompletionRecord
from academy.reporting import cache
from academy.reporting import headcount as hc
from academy.reporting.one_pass import period_figures

BREAKDOWNS = ("by_track", "by_level", "by_region", "by_kind", "by_month")
# A level's count is the sum of its tracks' to anyone who reads the catalogue.
LINKED = {"by_level": "by_track"}


@dataclass(frozen=True)
class ReportPeriod:
    """[start, end): a calendar year, a quarter of one, or custom dates."""

    start: date
    end: date
    year: int | None = None
    quarter: int | None = None

    @property
    def label(self) -> str:
        if self.quarter:
            return f"{self.year} Q{self.quarter}"
        if self.year:
            return str(self.year)
        return f"{self.start.isoformat()} – {self.end.isoformat()}"

    def as_query(self) -> dict[str, str | int]:
        if self.year:
            return {"year": self.year, **({"quarter": self.quarter} if self.quarter else {})}
        return {"start": self.start.isoformat(), "end": self.end.isoformat()}

    def month_keys(self) -> list[str]:
        first = self.start.year * 12 + self.start.month - 1
        last = self.end.year * 12 + self.end.month - 1 - (1 if self.end.day == 1 else 0)
        return [f"{m // 12:04d}-{m % 12 + 1:02d}" for m in range(first, last + 1)]


def period_from(
    *,
    year: int | None = None,
    quarter: int | None = None,
    start: date | None = None,
    end: date | None = None,
    today: date | None = None,
) -> ReportPeriod:
    """Validate a period choice; with nothing chosen, the current calendar year."""
    fields: dict[str, list[str]] = {}
    custom = start is not None or end is not None
    if custom and (year is not None or quarter is not None):
        fields["start"] = [_("Choose a year (and quarter) or custom dates, not both.")]
    elif custom:
        if start is None or end is None:
            fields["start" if start is None else "end"] = [_("Give both a start and an end.")]
        elif end <= start:
            fields["end"] = [_("The end must come after the start.")]
        elif start.year < MIN_YEAR or end.year > MAX_YEAR + 1:
            message = _("Dates must fall between %(a)s and %(b)s.", a=MIN_YEAR, b=MAX_YEAR)
            fields["start"] = [message]
        elif len(ReportPeriod(start, end).month_keys()) > 12:
            fields["end"] = [_("A custom period may span at most 12 calendar months.")]
        if fields:
            raise Invalid(_("The period is not valid."), fields)
        return ReportPeriod(start, end)
    year = year if year is not None else (today or local_today()).year
    if not MIN_YEAR <= year <= MAX_YEAR:
        fields["year"] = [_("Choose a year from %(a)s to %(b)s.", a=MIN_YEAR, b=MAX_YEAR)]
    if quarter is not None and quarter not in (1, 2, 3, 4):
        fields["quarter"] = [_("A quarter is 1, 2, 3 or 4.")]
    if fields:
        raise Invalid(_("The period is not valid."), fields)
    if quarter is None:
        return ReportPeriod(date(year, 1, 1), date(year + 1, 1, 1), year)
    first = date(year, 3 * quarter - 2, 1)
    after = date(year + 1, 1, 1) if quarter == 4 else date(year, 3 * quarter + 1, 1)
    return ReportPeriod(first, after, year, quarter)


def parse_period(args: Mapping[str, str], today: date | None = None) -> ReportPeriod:
    """A period from page query arguments (strings); bad values raise Invalid with fields."""
    fields: dict[str, list[str]] = {}
    values: dict = {}
    for name in ("year", "quarter"):
        raw = (args.get(name) or "").strip()
        if raw:
            number = whole_number(raw, 9999)
            if number is not None:
                values[name] = number
            else:
                fields[name] = [_("Enter a whole number.")]
    for name in ("start", "end"):
        raw = (args.get(name) or "").strip()
        if raw:
            try:
                values[name] = date.fromisoformat(raw)
            except ValueError:
                fields[name] = [_("Enter a date as YYYY-MM-DD.")]
    if fields:
        raise Invalid(_("The period is not valid."), fields)
    return period_from(**values, today=today)


def _block(period: ReportPeriod, filters: hc.Filters, tracks: dict[str, str]):
    """Raw (unsuppressed) totals and breakdowns of people trained, in one pass."""
    found = period_figures(
        period.start, period.end, filters=filters, dimensions=("track", "level", "region", "kind")
    )
    totals = {"trained": found.trained, "completions": found.completions}
    breakdowns = {
        "by_track": hc.complete_buckets(found.parts["track"], tuple(tracks)),
        "by_level": hc.complete_buckets(found.parts["level"], LEVELS),
        "by_region": hc.complete_buckets(found.parts["region"], REGIONS),
        "by_kind": hc.complete_buckets(found.parts["kind"], KINDS),
        "by_month": dict(zip(period.month_keys(), found.months, strict=False)),
    }
    return totals, breakdowns


def graduates(partner_id: int, period: ReportPeriod) -> list[dict]:
    """Completions in the partner's sponsored cohorts by people who consent to be shown now.

    Named as on the certificate: a partner checks the list against the verification page, and
    an account renamed since must not put a new name to an old certificate.
    """
    rows = db.session.execute(
        select(
            CompletionRecord.holder_name,
            Course.title,
            Course.slug,
            CompletionRecord.completed_on,
            CompletionRecord.certificate_code,
        )
        .select_from(CompletionRecord)
        .join(Cohort, Cohort.id == CompletionRecord.cohort_id)
        .join(TraineeProfile, TraineeProfile.user_id == CompletionRecord.user_id)
        .join(Course, Course.id == CompletionRecord.course_id)
        .where(
            Cohort.sponsor_partner_id == partner_id,
            TraineeProfile.consent_share.is_(True),
            CompletionRecord.revoked_at.is_(None),
            CompletionRecord.completed_on >= period.start,
            CompletionRecord.completed_on < period.end,
        )
        .order_by(
            CompletionRecord.completed_on,
            CompletionRecord.holder_name,
            CompletionRecord.certificate_code,
        )
    )
    return [
        {
            "name": row.holder_name,
            "course": row.title,
            "course_slug": row.slug,
            "completed_on": row.completed_on.isoformat(),
            "certificate_code": row.certificate_code,
            "verify_path": f"/verify/{row.certificate_code}",
        }
        for row in rows
    ]


def talent_supply(partner: Partner, period: ReportPeriod) -> dict:
    """The report as partners see it (already suppressed), ready to serialise as JSON."""
    return cache.remember(
        "talent_supply",
        (partner.id, partner.name, partner.kind, period),
        lambda: _compute_talent_supply(partner, period),
    )


def _compute_talent_supply(partner: Partner, period: ReportPeriod) -> dict:
    limit = suppression.threshold()
    tracks = hc.track_names()
    blocks = {}
    for name, filters in (
        ("sponsored", hc.Filters(partner_id=partner.id)),
        ("programme", hc.Filters()),
    ):
        totals, breakdowns = _block(period, filters, tracks)
        blocks[name] = suppression.suppress_block(totals, breakdowns, limit, LINKED)
    return {
        "partner": {"id": partner.id, "name": partner.name, "kind": partner.kind},
        "year": period.year,
        "quarter": period.quarter,
        "period": {
            "start": period.start.isoformat(),
            "end": period.end.isoformat(),
            "label": period.label,
        },
        "suppression_threshold": limit,
        **blocks,
        "graduates": graduates(partner.id, period),
        "track_names": tracks,
    }


def partner_list() -> list:
    """Every partner with its number of users and sponsored cohorts, in one query."""
    users = select(func.count(User.id)).where(User.partner_id == Partner.id).scalar_subquery()
    cohorts = (
        select(func.count(Cohort.id))
        .where(Cohort.sponsor_partner_id == Partner.id)
        .scalar_subquery()
    )
    stmt = select(Partner, users.label("users"), cohorts.label("cohorts")).order_by(Partner.name)
    return list(db.session.execute(stmt))


def partner_users(partner_id: int) -> list[User]:
    return list(
        db.session.scalars(
            select(User).where(User.partner_id == partner_id).order_by(User.name, User.id)
        )
    )


def sponsored_cohorts(partner_id: int) -> list:
    """The partner's cohorts with their course title, newest first."""
    stmt = (
        select(Cohort, Course.title.label("course_title"))
        .join(Course, Course.id == Cohort.course_id)
        .where(Cohort.sponsor_partner_id == partner_id)
        .order_by(Cohort.start_on.desc(), Cohort.code)
    )
    return list(db.session.execute(stmt))


def snapshots(partner_id: int) -> list[ReportSnapshot]:
    """Issued reports, newest first, without loading their payloads."""
    return list(
        db.session.scalars(
            select(ReportSnapshot)
            .where(ReportSnapshot.partner_id == partner_id)
            .options(defer(ReportSnapshot.payload, raiseload=True))
            .order_by(ReportSnapshot.number.desc())
        )
    )


def snapshot(partner_id: int, number: int) -> ReportSnapshot | None:
    return db.session.scalar(
        select(ReportSnapshot).where(
            ReportSnapshot.partner_id == partner_id, ReportSnapshot.number == number
        )
    )


CODES_PER_QUERY = 1000  # well under SQLite's and PostgreSQL's limits on bound parameters


def consenting_codes(codes: list[str]) -> set[str]:
    """Those of these certificate codes whose holder consents to be shown now."""
    found: set[str] = set()
    for i in range(0, len(codes), CODES_PER_QUERY):
        found.update(
            db.session.scalars(
                select(CompletionRecord.certificate_code)
                .join(TraineeProfile, TraineeProfile.user_id == CompletionRecord.user_id)
                .where(
                    CompletionRecord.certificate_code.in_(codes[i : i + CODES_PER_QUERY]),
                    TraineeProfile.consent_share.is_(True),
                )
            )
        )
    return found


def snapshot_as_shown(frozen: ReportSnapshot) -> dict:
    """The issued report with the graduates who no longer consent left out, whoever reads it:
    consent is asked at every showing, as for the live report. ``withheld_graduates`` says
    how many were left out; the figures and the stored payload stay as issued."""
    payload = frozen.payload
    issued = payload.get("graduates", [])
    shown_codes = consenting_codes([g["certificate_code"] for g in issued])
    shown = [g for g in issued if g["certificate_code"] in shown_codes]
    return {**payload, "graduates": shown, "withheld_graduates": len(issued) - len(shown)}
