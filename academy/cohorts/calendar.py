"""iCalendar (RFC 5545) text for a trainee's sessions, written by hand: it is a small format."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, datetime

from flask import current_app
from flask_babel import gettext as _

from academy.extensions import utcnow
from academy.templating import label


def _escape(text: str) -> str:
    return (
        text.replace("\\", "\\\\")
        .replace(";", "\\;")
        .replace(",", "\\,")
        .replace("\r\n", "\\n")
        .replace("\n", "\\n")
    )


def _fold(line: str) -> str:
    """Lines longer than 75 octets continue on the next line after CRLF and a space."""
    encoded = line.encode("utf-8")
    if len(encoded) <= 75:
        return line
    parts, current = [], b""
    for char in line:
        piece = char.encode("utf-8")
        if len(current) + len(piece) > (75 if not parts else 74):
            parts.append(current.decode("utf-8"))
            current = b""
        current += piece
    parts.append(current.decode("utf-8"))
    return "\r\n ".join(parts)


def _stamp(value: datetime) -> str:
    return value.astimezone(UTC).strftime("%Y%m%dT%H%M%SZ")


def calendar_text(rows: Iterable) -> str:
    """rows: (CohortSession, Cohort, present) as queries.schedule_for returns them."""
    host = current_app.config.get("SERVER_NAME") or "academy"
    now = _stamp(utcnow())
    lines = [
        "BEGIN:VCALENDAR",
        "VERSION:2.0",
        "PRODID:-//AI Future Academy//Academy LMS//EN",
        "CALSCALE:GREGORIAN",
        "METHOD:PUBLISH",
        _fold("X-WR-CALNAME:" + _escape(_("AI Future Academy"))),
    ]
    for session, cohort, _present in rows:
        where = session.location or label(session.place)
        lines += [
            "BEGIN:VEVENT",
            f"UID:session-{session.id}@{host}",
            f"DTSTAMP:{now}",
            f"DTSTART:{_stamp(session.starts_at)}",
            f"DTEND:{_stamp(session.ends_at)}",
            f"SUMMARY:{_escape(f'{session.title} ({cohort.code})')}",
            f"LOCATION:{_escape(where)}",
        ]
        if session.meeting_url:
            lines.append(f"URL:{session.meeting_url}")
            lines.append(f"DESCRIPTION:{_escape(cohort.name + chr(10) + session.meeting_url)}")
        else:
            lines.append(f"DESCRIPTION:{_escape(cohort.name)}")
        lines.append("END:VEVENT")
    lines.append("END:VCALENDAR")
    return "".join(_fold(line) + "\r\n" for line in lines)
