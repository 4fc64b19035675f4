"""Reading an enrolment CSV: its encoding, its header and every row checked on its own.

Rows are numbered as a spreadsheet numbers them (the header is row 1); a row's problems are
all reported, in the page's language, so one upload shows everything to fix.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass

from babel.lists import format_list
from flask import current_app
from flask_babel import get_locale
from flask_babel import gettext as _

from academy.auth.models import EMAIL, KINDS, REGIONS
from academy.cohorts.encodings import Decoded, ImportFileError, read_text

HEADER = ("email", "name", "kind", "region", "organisation", "consent_share")
MAX_ROWS = 20_000
TRUE, FALSE = {"true", "yes", "1"}, {"false", "no", "0", ""}


@dataclass
class ImportRow:
    row: int
    email: str
    name: str
    kind: str
    region: str
    organisation: str | None
    consent: bool
    user_id: int | None = None  # an existing account matched by email
    enrolment_id: int | None = None  # a withdrawn enrolment to re-use


def max_bytes() -> int:
    """The largest file imported: ACADEMY_MAX_UPLOAD_BYTES, which also caps every request."""
    return current_app.config["MAX_CONTENT_LENGTH"]


def megabytes(size: int) -> str:
    """A limit in MB for a message, rounded down to two places so that it holds (8, 0.06)."""
    hundredths = size * 100 // (1024 * 1024)
    return f"{hundredths / 100:.2f}".rstrip("0").rstrip(".")


def read(data: bytes) -> Decoded:
    """The upload as text and the encoding it was read in, or ImportFileError."""
    limit = max_bytes()
    if len(data) > limit:
        raise ImportFileError(_("The file is larger than %(mb)s MB.", mb=megabytes(limit)))
    decoded = read_text(data)
    nul = decoded.text.find("\x00")
    if nul >= 0:
        raise ImportFileError(
            _(
                "Line %(n)s holds a NUL character, which a CSV text file never does. "
                "Save the file again as CSV (UTF-8).",
                n=decoded.text.count("\n", 0, nul) + 1,
            )
        )
    return decoded


def decode(data: bytes) -> str:
    return read(data).text


def _any_of(values: tuple[str, ...]) -> str:
    # The values are what the CSV must hold, so they stay as they are; the list around them
    # ("a, b, or c", "a、b或c") is the page's language.
    return format_list(list(values), style="or", locale=get_locale() or "en")


def _norm(value: str) -> str:
    return value.strip().lower().replace(" ", "_").replace("-", "_")


def _check_row(number: int, cells: list[str]) -> tuple[ImportRow | None, list[str]]:
    if len(cells) != len(HEADER):
        return None, [
            _("has %(n)s columns; expected %(expected)s", n=len(cells), expected=len(HEADER))
        ]
    email, name, kind, region, organisation, consent = (c.strip() for c in cells)
    email = email.lower()
    problems = []
    if not EMAIL.match(email) or len(email) > 254:
        problems.append(
            _("“%(email)s” is not a valid email address", email=email)
            if email
            else _("email is missing")
        )
    if not name:
        problems.append(_("name is missing"))
    elif len(name) > 120:
        problems.append(_("name is longer than 120 characters"))
    if _norm(kind) not in KINDS:
        problems.append(
            _("unknown kind “%(kind)s” (use %(known)s)", kind=kind, known=_any_of(KINDS))
        )
    if _norm(region) not in REGIONS:
        problems.append(
            _(
                "unknown region “%(region)s” (use %(known)s)",
                region=region,
                known=_any_of(REGIONS),
            )
        )
    if len(organisation) > 200:
        problems.append(_("organisation is longer than 200 characters"))
    if consent.lower() not in TRUE | FALSE:
        problems.append(
            _("consent_share “%(value)s” must be true/false, yes/no or 1/0", value=consent)
        )
    if problems:
        return None, problems
    return (
        ImportRow(
            number,
            email,
            name,
            _norm(kind),
            _norm(region),
            organisation or None,
            consent.lower() in TRUE,
        ),
        [],
    )


def parse(text: str) -> tuple[list[ImportRow], list[tuple[int, str]]]:
    """Every well-formed row, and (row number, reason) for each bad one."""
    reader = csv.reader(io.StringIO(text, newline=""))
    try:
        header = next(reader, None)
    except csv.Error as error:
        raise ImportFileError(f"Row 1: {error}.") from None
    if header is None:
        raise ImportFileError(_("The file is empty."))
    if [h.strip().lower() for h in header] != list(HEADER):
        raise ImportFileError(
            _("Row 1: the header must be exactly “%(header)s”.", header=",".join(HEADER))
        )
    rows: list[ImportRow] = []
    errors: list[tuple[int, str]] = []
    first_seen: dict[str, int] = {}
    number = 1
    while True:
        try:
            cells = next(reader)
        except StopIteration:
            break
        except csv.Error as error:
            errors.append((number + 1, str(error)))  # the record's number, not the line's
            break
        number += 1
        if not any(c.strip() for c in cells):
            continue  # blank lines are skipped, but still counted
        if len(rows) + len(errors) >= MAX_ROWS:
            raise ImportFileError(_("The file has more than %(n)s rows; split it.", n=MAX_ROWS))
        row, problems = _check_row(number, cells)
        if row is not None and row.email in first_seen:
            problems = [
                _(
                    "duplicate email %(email)s (also on row %(row)s)",
                    email=row.email,
                    row=first_seen[row.email],
                )
            ]
            row = None
        if row is None:
            errors.extend((number, p) for p in problems)
            continue
        first_seen[row.email] = number
        rows.append(row)
    if not rows and not errors:
        raise ImportFileError(_("The file has a header but no rows."))
    return rows, errors
