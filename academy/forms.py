"""Form helpers shared by every domain."""

from collections.abc import Callable, Iterable
from typing import Any, NamedTuple

from wtforms import SelectChoice

from academy.errors import DomainError
from academy.extensions import db


def choices(pairs: Iterable[tuple[str, str]]) -> list[SelectChoice]:
    """(value, label) pairs as WTForms select choices."""
    return [SelectChoice(value, label) for value, label in pairs]


def show_domain_error(
    form, error, renames: dict[str, str] | None = None, summary: str | None = None
) -> None:
    """Put a service's field errors beside the form's fields and flash its message.

    `renames` maps a service's field name to the form's where they differ; `summary`, when
    given, is flashed instead of the message once the details sit beside their fields.
    """
    from flask import flash

    placed = False
    for name, messages in error.fields.items():
        field = getattr(form, (renames or {}).get(name, name), None)
        if field is not None and hasattr(field, "errors"):
            field.errors = [*field.errors, *messages]
            placed = True
    flash(str(summary) if placed and summary else error.message, "error")


class Outcome(NamedTuple):
    ok: bool
    value: Any = None


def carry_out(
    form, action: Callable[[], Any], renames: dict[str, str] | None = None, summary=None
) -> Outcome:
    """Run a submitted form's service call and end the transaction either way.

    Accepted: committed, and the call's answer returned. Refused (a DomainError): rolled back,
    so nothing half-done stays, and the reasons shown beside the form's fields.
    """
    try:
        value = action()
    except DomainError as error:
        db.session.rollback()
        show_domain_error(form, error, renames, summary)
        return Outcome(False)
    db.session.commit()
    return Outcome(True, value)


def whole_number(text: str, largest: int) -> int | None:
    """A whole number from 0 to `largest` typed into a form or a query string, or None.

    str.isdigit also takes superscripts ("²"), which int() refuses; isdecimal does not.
    """
    if not text.isdecimal() or len(text) > len(str(largest)):
        return None
    number = int(text)
    return number if number <= largest else None


def flash_errors(form) -> None:
    """Each field's errors as flashed messages, for a form posted from a page that redirects."""
    from flask import flash

    for field in form:
        for message in field.errors:
            flash(f"{field.label.text}: {message}", "error")
