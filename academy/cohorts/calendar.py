"""iCalendar (RFC 5545) text for a trainee's sessions.

Written with the icalendar library, which escapes and folds every value: text typed by staff
(a title, a place, a meeting link) can then never end a line and start an event of its own.
"""

from __future__ import annotations

from collections.abc import Iterable

from flask import current_app
from flask_babel import gettext as _
from icalendar import Calendar, Event

from academy.extensions import utcnow
from academy.templating import label


def calendar_text(rows: Iterable) -> str:
    """rows: (CohortSession, Cohort, present) as queries.schedule_for returns them."""
    host = current_app.config.get("SERVER_NAME") or "academy"
    now = utcnow()
    calendar = Calendar()
    calendar.add("prodid", "-//AI Future Academy//Academy LMS//EN")
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", "PUBLISH")
    calendar.add("x-wr-calname", _("AI Future Academy"))
    for session, cohort, _present in rows:
        event = Event()
        event.add("uid", f"session-{session.id}@{host}")
        event.add("dtstamp", now)
        event.add("dtstart", session.starts_at)
        event.add("dtend", session.ends_at)
        event.add("summary", f"{session.title} ({cohort.code})")
        event.add("location", session.location or label(session.place))
        description = cohort.name
        if session.meeting_url:
            event.add("url", session.meeting_url)
            description += "\n" + session.meeting_url
        event.add("description", description)
        calendar.add_component(event)
    return calendar.to_ical().decode("utf-8")
