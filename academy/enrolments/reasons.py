"""The reasons the code itself writes into an enrolment's history, shown in the reader's language.

The history keeps the words as written (English, as the audit log does). A page translates the
phrases below and shows what a person typed as they typed it; a moved trainee's history
holds both: "Moved from C0007. Wrong time slot".
"""

from __future__ import annotations

import re

from flask_babel import lazy_gettext as _l

# (what is stored, what a page shows); "rest" is a person's own words, kept as typed.
PHRASES = (
    (re.compile(r"Joined by the trainee"), _l("Joined by the trainee")),
    (re.compile(r"Promoted from the waitlist"), _l("Promoted from the waitlist")),
    (re.compile(r"Enrolled by staff"), _l("Enrolled by staff")),
    (re.compile(r"Demo enrolment"), _l("Demo enrolment")),
    (re.compile(r"Met the course's criteria"), _l("Met the course's criteria")),
    (re.compile(r"Moved to (?P<code>\S+)\.(?P<rest>.*)", re.S), _l("Moved to %(code)s.")),
    (re.compile(r"Moved from (?P<code>\S+)\.(?P<rest>.*)", re.S), _l("Moved from %(code)s.")),
    (re.compile(r"Completion revoked: (?P<rest>.*)", re.S), _l("Completion revoked:")),
)


def shown_reason(stored: str | None) -> str:
    if not stored:
        return ""
    for pattern, phrase in PHRASES:
        match = pattern.fullmatch(stored)
        if match:
            values = match.groupdict()
            rest = values.pop("rest", "").strip()
            text = str(phrase % values) if values else str(phrase)
            return f"{text} {rest}" if rest else text
    return stored
