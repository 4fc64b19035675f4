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
        return pdf
    _graduate_table(pdf, report, base_url)
    return pdf


# Column widths in mm (A4's 190 mm between margins): name, course, completed on, verify at.
GRADUATE_WIDTHS = (42, 46, 18, 84)
GRADUATE_LINE = 4


def _pdf_fields(values: list) -> list:
    """A graduate row without the certificate code column: the code ends its verify address."""
    return [*values[:3], *values[4:]]


def _graduate_table(pdf, report: dict, base_url: str) -> None:
    """Each graduate a row of single-line texts, wrapped here. fpdf2's multi_cell and table()
    re-measure a line at every character, and cell() copies the drawing state at each call,
    which took seconds for a thousand graduates; here each distinct character is measured
    once (core fonts and unshaped TrueType widths add up character by character)."""
    font = pdf.body_font
    widths: dict[tuple[str, str], float] = {}

    def measure(text: str) -> float:
        key = (pdf.font_style, text)
        if key not in widths:
            single = len(text) == 1
            widths[key] = pdf.get_string_width(text) if single else sum(map(measure, text))
        return widths[key]

    def row(values: list) -> list[list[str]]:
        return [
            _wrapped(pdf_text(pdf, str(value)), width - 2 * pdf.c_margin, measure)
            for value, width in zip(values, GRADUATE_WIDTHS, strict=True)
        ]

    def header() -> None:
        pdf.set_font(font, "B", 8)
        _draw_row(pdf, row(_pdf_fields(_graduate_header())))
        pdf.set_font(font, size=8)

    header()
    for values in _graduate_rows(report, base_url):
        columns = row(_pdf_fields(values))
        if pdf.will_page_break(GRADUATE_LINE * max(map(len, columns))):
            pdf.add_page()
            header()
        _draw_row(pdf, columns)


def _draw_row(pdf, columns: list[list[str]]) -> None:
    """The baseline sits where cell() would put it."""
    left, top = pdf.l_margin, pdf.get_y()
    baseline = GRADUATE_LINE / 2 + 0.3 * pdf.font_size
    x = left
    for width, lines in zip(GRADUATE_WIDTHS, columns, strict=True):
        for i, line in enumerate(lines):
            pdf.text(x + pdf.c_margin, top + i * GRADUATE_LINE + baseline, line)
        x += width
    bottom = top + GRADUATE_LINE * max(map(len, columns))
    pdf.line(left, bottom, x, bottom)
    pdf.set_xy(left, bottom)


def _wrapped(text: str, width: float, measure) -> list[str]:
    """Lines no wider than width, broken between words, or inside a word (a URL, Chinese
    text) that is wider than a line."""
    space = measure(" ")
    lines: list[str] = []
    line, used = "", 0.0
    for word in text.split():
        size = measure(word)
        if line and used + space + size <= width:
            line, used = f"{line} {word}", used + space + size
            continue
        if line:
            lines.append(line)
        line, used = word, size
        if size > width:
            *full, line = _pieces(word, width, measure)
            lines.extend(full)
            used = measure(line)
    lines.append(line)
    return lines


def _pieces(word: str, width: float, measure) -> list[str]:
    pieces, piece, used = [], "", 0.0
    for char in word:
        size = measure(char)
        if piece and used + size > width:
            pieces.append(piece)
            piece, used = "", 0.0
        piece, used = piece + char, used + size
    pieces.append(piece)
    return pieces
