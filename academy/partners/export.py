"""The talent-supply report as CSV, XLSX and PDF, in the reader's language."""

from __future__ import annotations

from flask import Response
from flask_babel import gettext as _

from academy.exports import csv_response, new_pdf, pdf_response, pdf_text, xlsx_response
from academy.partners import tables

FORMATS = ("csv", "xlsx", "pdf")


def _filename(report: dict, fmt: str) -> str:
    period = report["period"]["label"].replace(" ", "-").replace("–", "to")
    return f"talent-supply-{report['partner']['id']}-{period}.{fmt}"


def _figure_rows(report: dict) -> list[list]:
    limit = report["suppression_threshold"]
    return [
        [section.title, label, *(tables.cell_text(c, limit) for c in cells)]
        for section in tables.sections(report)
        for label, cells in section.rows
    ]


def _figure_header() -> list[str]:
    return [_("Section"), _("Item"), *tables.column_titles()]


def _graduate_header() -> list[str]:
    return [_("Name"), _("Course"), _("Completed on"), _("Certificate"), _("Verify at")]


def _graduate_rows(report: dict, base: str) -> list[list]:
    return [
        [g["name"], g["course"], g["completed_on"], g["certificate_code"], base + g["verify_path"]]
        for g in report["graduates"]
    ]


def _about(report: dict) -> list[str]:
    return [
        f"{report['partner']['name']} · {_('Talent supply')} · {report['period']['label']}",
        _(
            "Counts below %(n)s are shown as “fewer than %(n)s”; some others are withheld so "
            "that small counts cannot be worked out from the totals. Graduates are listed only "
            "with their consent.",
            n=report["suppression_threshold"],
        ),
    ]


def export(report: dict, fmt: str, base_url: str) -> Response:
    name = _filename(report, fmt)
    if fmt == "csv":
        rows = [
            *([line] for line in _about(report)),
            [],
            *_figure_rows(report),
            [],
            _graduate_header(),
            *_graduate_rows(report, base_url),
        ]
        return csv_response(name, _figure_header(), rows)
    if fmt == "xlsx":
        return xlsx_response(
            name,
            [
                (_("Talent supply"), _figure_header(), _figure_rows(report)),
                (_("Graduates"), _graduate_header(), _graduate_rows(report, base_url)),
                (_("About"), [_("Note")], [[line] for line in _about(report)]),
            ],
        )
    return pdf_response(name, _pdf(report, base_url))


def _pdf(report: dict, base_url: str):
    pdf = new_pdf()
    font = pdf.body_font
    limit = report["suppression_threshold"]

    def text(value) -> str:
        return pdf_text(pdf, str(value))

    def para(height: float, value) -> None:
        pdf.multi_cell(0, height, text(value), new_x="LMARGIN", new_y="NEXT")

    pdf.set_font(font, "B", 16)
    para(9, f"{_('Talent supply')}: {report['partner']['name']}")
    pdf.set_font(font, size=11)
    para(6, f"{_('Period')}: {tables.shown_period(report['period']['label'])}")
    pdf.set_font(font, size=9)
    para(5, _about(report)[1])
    pdf.ln(3)
    widths = (90, 45, 45)
    for section in tables.sections(report):
        pdf.set_font(font, "B", 11)
        para(7, section.title)
        pdf.set_font(font, "B", 9)
        for width, title in zip(widths, ["", *tables.column_titles()], strict=True):
            pdf.cell(width, 6, text(title), border="B")
        pdf.ln()
        pdf.set_font(font, size=9)
        for label, cells in section.rows:
            pdf.cell(widths[0], 6, text(label))
            for width, cell in zip(widths[1:], cells, strict=True):
                pdf.cell(width, 6, text(tables.cell_text(cell, limit)), align="R")
            pdf.ln()
        pdf.ln(2)
    pdf.set_font(font, "B", 11)
    para(7, _("Graduates who agreed to be shown"))
    pdf.set_font(font, size=9)
    if not report["graduates"]:
        para(6, _("None in this period."))
    for g in report["graduates"]:
        line = f"{g['name']} · {g['course']} · {g['completed_on']} · {base_url}{g['verify_path']}"
        para(5, line)
    return pdf
