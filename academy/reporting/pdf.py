"""The one-page PDF summary for leadership, in the reader's language."""

from __future__ import annotations

import logging

from flask_babel import format_date
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from fpdf.enums import XPos, YPos

from academy.exports import new_pdf, pdf_text
from academy.reporting.queries import Dashboard
from academy.reporting.tables import Table

# fontTools logs every font subset at INFO; a PDF download is not worth a page of log.
logging.getLogger("fontTools").setLevel(logging.WARNING)

METHOD = _l(
    "Forecast: people trained so far plus the larger of the run rate (trained so far divided "
    "by the share of the year elapsed, held for the rest of the year) and the people already "
    "enrolled in cohorts ending this year, weighted by their track's completion rate over the "
    "last two years."
)


def _row(pdf, cells: list, widths: list[int], bold: bool = False) -> None:
    pdf.set_font(pdf.body_font, style="B" if bold else "", size=9)
    for value, width in zip(cells, widths, strict=False):
        align = "R" if isinstance(value, int | float) else "L"
        pdf.cell(width, 5.5, pdf_text(pdf, str(value)), border="B", align=align)
    pdf.ln(5.5)


def _table(pdf, table: Table, widths: list[int]) -> None:
    pdf.set_font(pdf.body_font, style="B", size=11)
    pdf.cell(0, 8, pdf_text(pdf, table.title), new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    _row(pdf, table.header, widths, bold=True)
    for row in table.rows:
        _row(pdf, row, widths)
    pdf.ln(2)


def summary_pdf(dash: Dashboard, tables: dict[str, Table], filters_text: str):
    """A4, one page: the headline, the months, kind and region, and how the forecast works."""
    pdf = new_pdf()
    s = dash.summary
    pdf.set_font(pdf.body_font, style="B", size=16)
    title = _("Headcount %(year)s", year=s["year"])
    pdf.cell(0, 10, pdf_text(pdf, title), new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    pdf.set_font(pdf.body_font, size=9)
    line = _("As of %(day)s.", day=format_date(dash.today, "long"))
    if filters_text:
        line += " " + filters_text
    pdf.cell(0, 6, pdf_text(pdf, line), new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    pdf.set_font(pdf.body_font, style="B", size=22)
    big = f"{s['trained']:,} / {s['target']:,}"
    if s["percent"] is not None:
        big += f"  ({s['percent']}%)"
    pdf.cell(0, 14, big, new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    _table(pdf, tables["summary"], [120, 50])
    months = tables["months"]
    _table(pdf, months, [40, 40, 40, 40])
    pdf.set_font(pdf.body_font, size=8)
    pdf.multi_cell(0, 4, pdf_text(pdf, str(METHOD)), new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    return pdf
