"""The talent-supply report: the partner portal, staff's view of any partner, exports, snapshots."""

from flask import abort, current_app, redirect, render_template, request, url_for

from academy.database import reads_replica
from academy.errors import Invalid
from academy.forms import whole_number
from academy.partners import bp, export, queries, service, tables
from academy.partners.models import Partner
from academy.partners.permissions import report_partner_or_404
from academy.permissions import current_actor, require, requires


def _graduates(report: dict):
    return tables.graduate_page(
        report["graduates"], whole_number(request.args.get("page", ""), 99_999)
    )


def _render_report(partner: Partner, endpoint: str, **endpoint_args):
    """The report page for a period from the query string (422 with the errors if bad)."""
    try:
        period = queries.parse_period(request.args)
    except Invalid as error:
        return render_template(
            "partners/report.html",
            partner=partner,
            report=None,
            errors=error.fields,
            args=request.args,
            endpoint=endpoint,
            endpoint_args=endpoint_args,
            snapshots=queries.snapshots(partner.id),
        ), 422
    report = queries.talent_supply(partner, period)
    return render_template(
        "partners/report.html",
        partner=partner,
        report=report,
        graduates=_graduates(report),
        page_args={**endpoint_args, **period.as_query()},
        sections=tables.sections(report),
        columns=tables.column_titles(),
        cell_text=tables.cell_text,
        period=period,
        errors={},
        args=request.args,
        endpoint=endpoint,
        endpoint_args=endpoint_args,
        snapshots=queries.snapshots(partner.id),
        formats=export.FORMATS,
    )


@bp.get("/portal")
@requires("partner.report")
@reads_replica
def portal():
    user = current_actor()
    if not user.has_role("partner"):
        return redirect(url_for("partners.index"))
    require(user.partner_id is not None)
    return _render_report(report_partner_or_404(user, user.partner_id), "partners.portal")


@bp.get("/partners/<int:partner_id>/report")
@requires("partner.report")
@reads_replica
def report(partner_id: int):
    partner = report_partner_or_404(current_actor(), partner_id)
    return _render_report(partner, "partners.report", partner_id=partner.id)


@bp.get("/partners/<int:partner_id>/report/export/<fmt>")
@requires("partner.report")
@reads_replica
def export_report(partner_id: int, fmt: str):
    actor = current_actor()
    partner = report_partner_or_404(actor, partner_id)
    if fmt not in export.FORMATS:
        abort(404)
    period = queries.parse_period(request.args)
    report = queries.talent_supply(partner, period)
    service.record_export(actor, partner, fmt, period.label, query=period.as_query())
    base = current_app.config.get("ACADEMY_BASE_URL", "").rstrip("/")
    return export.export(report, fmt, base)


@bp.get("/partners/<int:partner_id>/snapshots/<int:number>")
@requires("partner.report")
def snapshot(partner_id: int, number: int):
    partner = report_partner_or_404(current_actor(), partner_id)
    frozen = queries.snapshot(partner.id, number) or abort(404)
    report = queries.snapshot_as_shown(frozen)
    return render_template(
        "partners/snapshot.html",
        partner=partner,
        snapshot=frozen,
        report=report,
        graduates=_graduates(report),
        endpoint="partners.snapshot",
        page_args={"partner_id": partner.id, "number": number},
        sections=tables.sections(report),
        columns=tables.column_titles(),
        cell_text=tables.cell_text,
        hash_matches=service.content_hash(frozen.payload) == frozen.content_hash,
    )
