"""Writing tables as CSV, XLSX and PDF downloads.

Cells that a spreadsheet would run as a formula (starting with = + - @, tab or carriage
return) are neutralised with a leading apostrophe; numbers stay numbers.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Sequence
from pathlib import Path
from urllib.parse import quote

from flask import Response, stream_with_context

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
CSV_MIMETYPE = "text/csv"  # Werkzeug adds "; charset=utf-8" to text types
XLSX_MIMETYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

# Fonts with Chinese glyphs, looked for in this order (Debian: fonts-wqy-microhei, fonts-noto-cjk).
CJK_FONTS = (
    "/usr/share/fonts/truetype/wqy/wqy-microhei.ttc",
    "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc",
    "/usr/share/fonts/truetype/droid/DroidSansFallbackFull.ttf",
)


def safe_cell(value):
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def _disposition(filename: str) -> str:
    ascii_name = filename.encode("ascii", "ignore").decode() or "export"
    return f"attachment; filename=\"{ascii_name}\"; filename*=UTF-8''{quote(filename)}"


CSV_CHUNK = 64 * 1024  # bytes of CSV per write: a big export is not one syscall per row


def csv_lines(header: Sequence[str], rows: Iterable[Sequence]) -> Iterable[str]:
    """CSV text in chunks of whole lines, starting with a BOM so spreadsheet apps read UTF-8."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow([safe_cell(h) for h in header])
    yield "\ufeff" + buffer.getvalue()
    buffer.seek(0)
    buffer.truncate()
    for row in rows:
        writer.writerow([safe_cell(v) for v in row])
        if buffer.tell() >= CSV_CHUNK:
            yield buffer.getvalue()
            buffer.seek(0)
            buffer.truncate()
    if buffer.tell():
        yield buffer.getvalue()


def csv_response(filename: str, header: Sequence[str], rows: Iterable[Sequence]) -> Response:
    """Streams: rows may be a server-side cursor, and memory stays flat however many there are."""
    return Response(
        stream_with_context(csv_lines(header, rows)),
        mimetype=CSV_MIMETYPE,
        headers={"Content-Disposition": _disposition(filename)},
    )


def xlsx_bytes(sheets: Sequence[tuple[str, Sequence[str], Iterable[Sequence]]]) -> bytes:
    """sheets: (title, header, rows) each. Write-only mode keeps memory low for big sheets."""
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Font

    book = Workbook(write_only=True)
    for title, header, rows in sheets:
        sheet = book.create_sheet(title=title[:31])
        bold = []
        for name in header:
            cell = WriteOnlyCell(sheet, value=safe_cell(name))
            cell.font = Font(bold=True)
            bold.append(cell)
        sheet.append(bold)
        for row in rows:
            sheet.append([safe_cell(v) for v in row])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def xlsx_response(filename: str, sheets) -> Response:
    return Response(
        xlsx_bytes(sheets),
        mimetype=XLSX_MIMETYPE,
        headers={"Content-Disposition": _disposition(filename)},
    )


def cjk_font() -> str | None:
    return next((path for path in CJK_FONTS if Path(path).exists()), None)


def new_pdf():
    """An A4 FPDF document with a Unicode font when one is installed ("body" family)."""
    from fpdf import FPDF

    pdf = FPDF(format="A4")
    pdf.set_auto_page_break(auto=True, margin=15)
    font = cjk_font()
    if font:
        pdf.add_font("body", fname=font)
        pdf.add_font("body", style="B", fname=font)
        pdf.body_font = "body"
    else:
        pdf.body_font = "helvetica"
    pdf.add_page()
    pdf.set_font(pdf.body_font, size=11)
    return pdf


def pdf_text(pdf, text: str) -> str:
    """Without a CJK font the core fonts only take Latin-1: replace what they cannot draw."""
    if pdf.body_font == "helvetica":
        return text.encode("latin-1", "replace").decode("latin-1")
    return text


def pdf_response(filename: str, pdf) -> Response:
    return Response(
        bytes(pdf.output()),
        mimetype="application/pdf",
        headers={"Content-Disposition": _disposition(filename)},
    )
