"""The holder's certificate (printable, PDF) and the public verification page."""

from __future__ import annotations

import segno
from flask import current_app, render_template, url_for
from flask_babel import format_date
from flask_babel import gettext as _

from academy.exports import new_pdf, pdf_response, pdf_text
from academy.permissions import current_actor, public, require, requires
from academy.progress import bp, queries
from academy.progress.models import CompletionRecord
from academy.progress.permissions import can_view_certificate


def verification_url(code: str) -> str:
    """The public address of a certificate, on the configured site address."""
    base = current_app.config.get("ACADEMY_BASE_URL", "").rstrip("/")
    path = url_for("progress.verify", code=code, _external=not base)
    return base + path if base else path


def qr_data_uri(url: str) -> str:
    """A QR code of the URL as an SVG data URI (the CSP allows data: images only)."""
    return segno.make(url, error="m").svg_data_uri(scale=4, border=2)


def _holder_certificate(code: str) -> CompletionRecord:
    found = queries.certificate(code)
    require(found is not None and can_view_certificate(current_actor(), found))
    return found


@bp.get("/certificates/<code>")
@requires("account.own")
def certificate(code):
    found = _holder_certificate(code)
    url = verification_url(found.certificate_code)
    return render_template(
        "progress/certificate.html", record=found, verify_url=url, qr=qr_data_uri(url)
    )


@bp.get("/certificates/<code>/pdf")
@requires("account.own")
def certificate_pdf(code):
    found = _holder_certificate(code)
    pdf = new_pdf()
    url = verification_url(found.certificate_code)
    width = pdf.w - pdf.l_margin - pdf.r_margin

    def line(text: str, size: int, *, bold: bool = False, gap: int = 4) -> None:
        pdf.set_font(pdf.body_font, style="B" if bold else "", size=size)
        pdf.multi_cell(width, size * 0.6, pdf_text(pdf, text), align="C")
        pdf.ln(gap)

    pdf.ln(20)
    line(_("AI Future Academy"), 14)
    line(_("Certificate of completion"), 24, bold=True, gap=12)
    line(_("This certifies that"), 12)
    line(found.holder_name, 22, bold=True)
    line(_("has completed the course"), 12)
    line(found.course.title, 18, bold=True)
    line(_("%(hours)d hours · completed on %(date)s", hours=found.course.hours,
           date=format_date(found.completed_on, "long")), 12, gap=12)  # fmt: skip
    if not found.is_valid:
        line(_("This certificate has been revoked."), 14, bold=True)
    line(_("Certificate code: %(code)s", code=found.certificate_code), 11)
    line(_("Verify at %(url)s", url=url), 10)
    pdf.image(_qr_png(url), x=(pdf.w - 40) / 2, w=40)
    return pdf_response(f"certificate-{found.certificate_code}.pdf", pdf)


def _qr_png(url: str):
    import io

    buffer = io.BytesIO()
    segno.make(url, error="m").save(buffer, kind="png", scale=8, border=2)
    buffer.seek(0)
    return buffer


@bp.get("/verify/<code>")
@public
def verify(code):
    found = queries.certificate(code)
    require(found is not None)
    return render_template("progress/verify.html", record=found)
