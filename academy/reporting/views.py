"""The programme manager's dashboard, its exports, and the yearly target."""

from __future__ import annotations

from datetime import date

from flask import abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from jinja2.utils import concat
from markupsafe import Markup

from academy.audit.service import record_during_read
from academy.database import reads_replica
from academy.dates import local_today
from academy.errors import Invalid
from academy.exports import csv_response, pdf_response, xlsx_response
from academy.extensions import db
from academy.permissions import current_actor, requires
from academy.reporting import bp, cache, queries, service
from academy.reporting.completions import HEADER, completion_rows
from academy.reporting.figures import all_charts
from academy.reporting.forms import FilterForm, TargetForm
from academy.reporting.headcount import Filters, partner_names, period_for, track_names
from academy.reporting.pdf import summary_pdf
from academy.reporting.tables import Table, all_tables, label

# Flask's test client may run several requests in one application context, and so one flask.g.
bp.before_app_request(cache.forget_tokens)

EXPORT_FORMATS = ("csv", "xlsx", "pdf")


def today() -> date:
    return local_today()


def _parse_filters():
    """(form, year, filters) from the query string; year and filters are None when invalid."""
    form = FilterForm(request.args)
    # Two lists every dashboard view needs; the page's own cache reuses the tokens read here.
    tracks, partners = cache.remember("filter-choices", (), _filter_choices)
    form.set_choices(tracks, partners)
    if not form.validate():
        return form, None, None, tracks, partners
    year = form.year.data or today().year
    form.year.data = year
    return form, year, form.filters(), tracks, partners


def _filter_choices() -> tuple[dict[str, str], dict[int, str]]:
    return track_names(), partner_names()


def _invalid(form: FilterForm):
    messages = [f"{form[name].label.text}: {' '.join(errs)}" for name, errs in form.errors.items()]
    return render_template("reporting/invalid.html", form=form, messages=messages), 400


def describe(filters: Filters, tracks: dict[str, str], partners: dict[int, str]) -> str:
    """The filters in words, for export headings."""
    parts = []
    if filters.track:
        parts.append(tracks.get(filters.track, filters.track))
    if filters.region:
        parts.append(label(filters.region))
    if filters.kind:
        parts.append(label(filters.kind))
    if filters.partner_id:
        parts.append(partners.get(filters.partner_id, ""))
    return _("Filtered: %(what)s.", what=", ".join(parts)) if parts else ""


def cohort_link(cohort_id: int) -> str | None:
    """The cohort page, once that page exists."""
    if "cohorts.detail" not in current_app.view_functions:
        return None
    return url_for("cohorts.detail", cohort_id=cohort_id)


@bp.get("/dashboard")
@requires("headcount.view")
@reads_replica
def dashboard():
    form, year, filters, tracks, partners = _parse_filters()
    if year is None:
        return _invalid(form)
    can_edit_target = current_actor().has_role("manager")

    def page_blocks() -> dict[str, Markup]:
        # Rendering the tables and charts costs more than the cached figures behind them.
        dash = queries.dashboard(year, filters, today())
        tables = all_tables(dash)
        return render_blocks(
            "reporting/dashboard.html",
            ("title", "head", "content"),
            form=form,
            dash=dash,
            s=dash.summary,
            pace=dash.pace,
            tables=tables,
            charts=all_charts(dash, tables),
            query={"year": year, **filters.as_query()},
            filters_text=describe(filters, tracks, partners),
            cohort_link=cohort_link,
            can_edit_target=can_edit_target,
        )

    blocks = cache.remember(
        "dashboard-page",
        (year, filters, today(), can_edit_target),
        page_blocks,
        # Lesson progress and enrolments are written all day long; were the page exact about
        # them, nearly every view would recompute the year's cohort rows, funnel and forecast
        # (about a second at 25,000 trainees). Those figures may be a minute behind, and the
        # page says as of when; every figure from completion records (the headcount first) is
        # exact, as are the exports.
        scopes=(cache.RECORDS,),
        lagging=(cache.ENROLMENTS, cache.ACTIVITY),
    )
    return render_template("reporting/cached_page.html", blocks=blocks)


@bp.get("/dashboard/export.<fmt>")
@requires("headcount.view")
@reads_replica
def export(fmt: str):
    if fmt not in EXPORT_FORMATS:
        abort(404)
    form, year, filters, tracks, partners = _parse_filters()
    if year is None:
        return _invalid(form)
    dash = queries.dashboard(year, filters, today())
    tables = all_tables(dash)
    stem = f"headcount-{year}"
    if fmt == "pdf":
        return pdf_response(
            f"{stem}.pdf", summary_pdf(dash, tables, describe(filters, tracks, partners))
        )
    if fmt == "xlsx":
        sheets = [(t.title, t.header, t.rows) for t in tables.values()]
        return xlsx_response(f"{stem}.xlsx", sheets)
    name = request.args.get("table", "summary")
    table: Table | None = tables.get(name)
    if table is None:
        known = ", ".join(tables)
        return render_template(
            "reporting/invalid.html",
            form=form,
            messages=[
                _("Unknown table %(name)s; choose one of: %(known)s.", name=name, known=known)
            ],
        ), 400
    return csv_response(f"{stem}-{name}.csv", table.header, table.rows)


@bp.get("/dashboard/completions-<int:year>.csv")
@requires("headcount.view")
@reads_replica
def completions_export(year: int):
    """Every completion record dated in the programme year, streamed as CSV."""
    service.check_year(year)
    record_during_read(current_actor(), "completions.export", "programme_year", year)
    period = period_for(year)
    return csv_response(f"completions-{year}.csv", HEADER, completion_rows(period))


@bp.route("/dashboard/target/<int:year>", methods=["GET", "POST"])
@requires("target.edit")
def target(year: int):
    service.check_year(year)
    form = TargetForm()
    if form.validate_on_submit():
        try:
            service.set_target(current_actor(), year, form.target.data, form.reason.data or "")
        except Invalid as error:
            db.session.rollback()
            form.target.errors.append(error.message)
        else:
            db.session.commit()
            flash(
                _("The target for %(year)s is now %(target)s.", year=year, target=form.target.data),
                "success",
            )
            return redirect(url_for("reporting.target", year=year))
    period = period_for(year)
    if request.method == "GET":
        form.target.data = period.target
    status = 422 if form.errors else 200
    return render_template(
        "reporting/target.html",
        form=form,
        period=period,
        history=service.target_history(year),
    ), status


def render_blocks(template_name: str, names: tuple[str, ...], **context) -> dict[str, Markup]:
    """Some blocks of a page template rendered alone, as render_template would fill them.

    The page's top-level imports (macros) run first: the template's root function is started
    and closed as soon as it reaches the parent layout's first output.
    """
    app = current_app._get_current_object()
    app.update_template_context(context)
    template = app.jinja_env.get_or_select_template(template_name)
    ctx = template.new_context(context)
    started = template.root_render_func(ctx)
    next(started, None)
    started.close()
    return {name: Markup(concat(template.blocks[name](ctx))) for name in names}
