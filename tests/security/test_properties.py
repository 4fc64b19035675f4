"""Property-based tests: the headcount's invariants, and the Markdown sanitiser under attack."""

from __future__ import annotations

import itertools
import re
from datetime import date, timedelta
from html.parser import HTMLParser

from hypothesis import given, settings
from hypothesis import strategies as st
from sqlalchemy import insert

from academy.auth.models import KINDS, REGIONS, TraineeProfile, User
from academy.courses.models import Course, Track
from academy.courses.rendering import render, sanitise
from academy.extensions import db, utcnow
from academy.progress.models import CompletionRecord
from academy.reporting import headcount

YEAR = 2025
START, END = date(YEAR, 1, 1), date(YEAR + 1, 1, 1)
_codes = itertools.count()

# One person: kind, region and completions as (course 0-2, days from 1 Jan, revoked?).
completions = st.lists(
    st.tuples(st.integers(0, 2), st.integers(-60, 420), st.booleans()), max_size=5
)
people = st.lists(
    st.tuples(st.sampled_from(KINDS), st.sampled_from(REGIONS), completions),
    min_size=1,
    max_size=8,
)


def _insert(world) -> list[tuple[int, int, date, bool]]:
    """Rows flushed in the test's transaction (rolled back afterwards): (id, user, on, live)."""
    track = Track(slug=f"t{next(_codes)}", name="T")
    db.session.add(track)
    db.session.flush()
    courses = []
    for n in range(3):
        course = Course(slug=f"c{next(_codes)}", title=f"C{n}", track_id=track.id,
                        level="beginner", hours=1, language="en", summary="",
                        description_html="")  # fmt: skip
        db.session.add(course)
        courses.append(course)
    db.session.flush()
    rows = []
    for kind, region, done in world:
        user = User(email=f"p{next(_codes)}@example.org", name="P")
        user.profile = TraineeProfile(kind=kind, region=region)
        db.session.add(user)
        db.session.flush()
        live_courses = set()
        for course_index, days, revoked in done:
            # The database allows one standing record per person and course.
            if not revoked and course_index in live_courses:
                revoked = True
            if not revoked:
                live_courses.add(course_index)
            on = START + timedelta(days=days)
            record_id = db.session.execute(
                insert(CompletionRecord).returning(CompletionRecord.id),
                {
                    "user_id": user.id,
                    "holder_name": user.name,
                    "course_id": courses[course_index].id,
                    "completed_on": on,
                    "certificate_code": f"AFA-P{next(_codes)}",
                    "issued_at": utcnow(),
                    "revoked_at": utcnow() if revoked else None,
                    "revoke_reason": "test" if revoked else None,
                },
            ).scalar_one()
            rows.append((record_id, user.id, on, not revoked))
    return rows


def _figures():
    return (
        headcount.trained_count(START, END),
        headcount.completion_count(START, END),
        headcount.months(START, END),
        headcount.by_kind(START, END),
        headcount.by_region(START, END),
    )


@settings(max_examples=60, deadline=None)
@given(world=people, revoke_pick=st.integers(0, 1000))
def test_headcount_invariants(world, revoke_pick):
    try:
        rows = _insert(world)
        trained, completed, months, kinds, regions = _figures()
        in_year = [(u, on) for _id, u, on, live in rows if live and START <= on < END]
        # A person counts once, however many courses they completed.
        assert trained == len({u for u, _on in in_year})
        assert completed == len(in_year)
        assert trained <= completed
        assert sum(months) == trained and len(months) == 12
        assert sum(kinds.values()) == trained == sum(regions.values())

        live = [row for row in rows if row[3]]
        if live:
            record_id = live[revoke_pick % len(live)][0]
            db.session.get(CompletionRecord, record_id).revoked_at = utcnow()
            db.session.get(CompletionRecord, record_id).revoke_reason = "mistake"
            db.session.flush()
            after, after_completed, after_months, *_ = _figures()
            assert after <= trained and after_completed <= completed
            assert sum(after_months) == after
    finally:
        db.session.rollback()


# --- the Markdown sanitiser ----------------------------------------------------------------

HOSTILE = [
    "<script>alert(1)</script>",
    "<SCRIPT SRC=//evil.example/x.js></SCRIPT>",
    "<img src=x onerror=alert(1)>",
    '<img src="javascript:alert(1)">',
    "<iframe src=//evil.example></iframe>",
    "<style>body{display:none}</style>",
    '<a href="javascript:alert(1)">x</a>',
    '<a href="jav&#x09;ascript:alert(1)">x</a>',
    '<a href="  JaVaScRiPt:alert(1)">x</a>',
    "[x](javascript:alert(1))",
    "[x](&#106;avascript:alert(1))",
    "![x](data:image/svg+xml;base64,PHN2ZyBvbmxvYWQ9YWxlcnQoMSk+)",
    '<a href="data:text/html,<script>alert(1)</script>">d</a>',
    "<svg onload=alert(1)><circle/></svg>",
    '<div style="background:url(javascript:alert(1))">s</div>',
    '<p onclick="alert(1)" onmouseover=alert(1)>p</p>',
    "<math><mtext><table><mglyph><style><img src=x onerror=alert(1)>",
    "<<script>script>alert(1)<</script>/script>",
    "<scr<script>ipt>alert(1)</script>",
    "<object data=x></object><embed src=x><form action=javascript:x><button>go</button></form>",
    '<base href="//evil.example/"><meta http-equiv="refresh" content="0;url=//evil">',
    "```html\n<script>alert(1)</script>\n```",
    "<details open ontoggle=alert(1)>",
    '<a href="vbscript:msgbox(1)">v</a>',
    "<!--<script>alert(1)</script>-->",
]
FORBIDDEN_TAGS = {"script", "iframe", "style", "object", "embed", "form", "base", "meta", "svg",
                  "math", "link", "frame", "frameset", "applet"}  # fmt: skip
URL_ATTRIBUTES = {"href", "src", "action", "formaction", "xlink:href", "data", "background"}


class _Inspector(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.problems: list[str] = []

    def handle_starttag(self, tag, attrs):
        if tag in FORBIDDEN_TAGS:
            self.problems.append(f"<{tag}>")
        for name, value in attrs:
            if name.startswith("on") or name == "style":
                self.problems.append(f"{tag}[{name}]")
            if name in URL_ATTRIBUTES and value is not None:
                # Browsers ignore whitespace and control characters inside a scheme.
                squeezed = re.sub(r"[\x00-\x20]", "", value).lower()
                if squeezed.startswith(("javascript:", "data:", "vbscript:")):
                    self.problems.append(f"{tag}[{name}]={value!r}")

    handle_startendtag = handle_starttag


def inspect(html: str) -> list[str]:
    inspector = _Inspector()
    inspector.feed(html)
    inspector.close()
    return inspector.problems


def test_the_inspector_sees_what_it_looks_for():
    assert inspect("<p><a href='/x'>ok</a></p>") == []
    assert inspect(HOSTILE[0]) == ["<script>"]
    assert inspect('<a href="jav&#x09;ascript:x">') != []


documents = st.lists(
    st.one_of(st.text(max_size=40), st.sampled_from(HOSTILE)), min_size=1, max_size=8
).flatmap(
    lambda parts: st.lists(
        st.sampled_from(["", " ", "\n", "\n\n", "> ", "- ", "| ", "`"]),
        min_size=len(parts),
        max_size=len(parts),
    ).map(  # fmt: skip
        lambda seps: "".join(s + p for s, p in zip(seps, parts, strict=True))
    )
)


@settings(max_examples=100, deadline=None)
@given(source=documents)
def test_rendered_markdown_never_carries_active_content(source):
    html = render(source)
    assert inspect(html) == [], (source, html)
    # Sanitising is idempotent: a second pass finds nothing more to remove.
    assert sanitise(html) == html


@settings(max_examples=50, deadline=None)
@given(source=st.lists(st.sampled_from(HOSTILE), min_size=1, max_size=4).map("".join))
def test_raw_html_passed_straight_to_the_sanitiser_is_inert(source):
    assert inspect(sanitise(source)) == []
