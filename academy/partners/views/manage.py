"""Partner management for managers and admins: organisations, their users, their cohorts."""

from flask import abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _

from academy.auth.onboarding import flash_invitation, invite
from academy.dates import local_today
from academy.extensions import db
from academy.forms import carry_out
from academy.partners import bp, queries, service
from academy.partners.forms import IssueReportForm, PartnerForm, PartnerUserForm
from academy.partners.models import Partner
from academy.partners.queries import period_from
from academy.permissions import allowed, current_actor, requires


def _partner_or_404(partner_id: int) -> Partner:
    return db.session.get(Partner, partner_id) or abort(404)


def _issue_form() -> IssueReportForm:
    """Proposes the last finished quarter."""
    today = local_today()
    quarter = (today.month - 1) // 3
    year = today.year if quarter else today.year - 1
    return IssueReportForm(formdata=None, year=year, quarter=quarter or 4)


@bp.get("/partners")
@requires("partner.manage")
def index():
    return render_template("partners/index.html", partners=queries.partner_list())


@bp.route("/partners/new", methods=["GET", "POST"])
@requires("partner.manage")
def create():
    form = PartnerForm()
    if form.validate_on_submit():
        done, partner = carry_out(
            form,
            lambda: service.create_partner(
                current_actor(), name=form.name.data, kind=form.kind.data
            ),
        )
        if done:
            flash(_("Partner created."), "success")
            return redirect(url_for("partners.detail", partner_id=partner.id))
    status = 422 if form.errors else 200
    return render_template("partners/form.html", form=form, partner=None), status


@bp.route("/partners/<int:partner_id>/edit", methods=["GET", "POST"])
@requires("partner.manage")
def edit(partner_id: int):
    partner = _partner_or_404(partner_id)
    form = PartnerForm(obj=partner)
    if form.validate_on_submit():
        saved = carry_out(
            form,
            lambda: service.update_partner(
                current_actor(), partner, name=form.name.data, kind=form.kind.data
            ),
        )
        if saved.ok:
            flash(_("Partner saved."), "success")
            return redirect(url_for("partners.detail", partner_id=partner_id))
    status = 422 if form.errors else 200
    return render_template("partners/form.html", form=form, partner=partner), status


@bp.get("/partners/<int:partner_id>")
@requires("partner.manage")
def detail(partner_id: int):
    partner = _partner_or_404(partner_id)
    may_issue = allowed(current_actor(), "report.issue")
    return render_template(
        "partners/detail.html",
        partner=partner,
        users=queries.partner_users(partner.id),
        cohorts=queries.sponsored_cohorts(partner.id),
        snapshots=queries.snapshots(partner.id),
        issue_form=_issue_form() if may_issue else None,
    )


@bp.route("/partners/<int:partner_id>/users/new", methods=["GET", "POST"])
@requires("partner.manage")
def new_user(partner_id: int):
    partner = _partner_or_404(partner_id)
    form = PartnerUserForm()
    if form.validate_on_submit():
        created = carry_out(
            form,
            lambda: service.create_partner_user(
                current_actor(), partner, email=form.email.data, name=form.name.data
            ),
        )
        if created.ok:
            # As for staff-made accounts: without the link the person could never sign in.
            invited = invite(created.value)
            db.session.commit()  # the invitation's audit event
            flash_invitation(created.value.email, invited)
            return redirect(url_for("partners.detail", partner_id=partner.id))
    status = 422 if form.errors else 200
    return render_template("partners/user_form.html", form=form, partner=partner), status


@bp.post("/partners/<int:partner_id>/snapshots")
@requires("report.issue")
def issue(partner_id: int):
    partner = _partner_or_404(partner_id)
    form = IssueReportForm()
    if not form.validate():
        flash(_("Choose a year from 2000 to 2100 and a quarter."), "error")
        return redirect(url_for("partners.detail", partner_id=partner.id))
    period = period_from(year=form.year.data, quarter=form.quarter.data)
    snapshot = service.issue_snapshot(current_actor(), partner, period)
    db.session.commit()
    flash(_("Report %(n)s issued.", n=snapshot.number), "success")
    return redirect(url_for("partners.snapshot", partner_id=partner.id, number=snapshot.number))
