"""Every page each demo role can reach obeys the strict CSP: no inline script, handler or style.

The policy would block them in the browser anyway; this finds them before a user meets a
page that silently does not work.
"""

from __future__ import annotations

from html.parser import HTMLParser

import pytest
from sqlalchemy import select

from academy.auth.models import User
from academy.demo import small
from academy.extensions import db
from tests.factories import sign_in
from tests.security.crawl import crawl


class _InlineFinder(HTMLParser):
    def __init__(self):
        super().__init__()
        self.problems: list[str] = []
        self._inline_script = False

    def handle_starttag(self, tag, attrs):
        names = dict(attrs)
        if tag == "script" and not names.get("src"):
            self._inline_script = True
            self.problems.append("<script> without src")
        for name, value in attrs:
            if name.startswith("on"):
                self.problems.append(f"<{tag} {name}=…>")
            if name == "style":
                self.problems.append(f"<{tag} style=…>")
            if name in ("href", "src", "action") and (value or "").lower().startswith(
                "javascript:"
            ):
                self.problems.append(f"<{tag} {name}=javascript:…>")
        if tag == "style":
            self.problems.append("<style> element")


def inline_code(html: str) -> list[str]:
    finder = _InlineFinder()
    finder.feed(html)
    return finder.problems


def test_the_finder_finds_what_it_looks_for():
    assert inline_code("<p>fine</p><script src='/static/x.js'></script>") == []
    assert inline_code("<script>alert(1)</script>") == ["<script> without src"]
    assert inline_code('<a href="#" onclick="x()">') == ["<a onclick=…>"]
    assert inline_code('<div style="color:red">') == ["<div style=…>"]
    assert inline_code('<a href="javascript:x()">') == ["<a href=javascript:…>"]


@pytest.mark.slow
def test_no_page_any_demo_role_reaches_has_inline_code(app):
    result = app.test_cli_runner().invoke(args=["academy", "demo"])
    assert result.exit_code == 0, result.output
    found: dict[str, list[str]] = {}
    pages = 0
    for email, _password, roles in small.logins():
        user = db.session.scalar(select(User).where(User.email == email))
        client = app.test_client()
        sign_in(client, user)
        starts = ["/", "/account", "/account/profile", "/courses", "/password/forgot"]
        for url, response, _referrer in crawl(
            client, starts, per_shape=2, limit=250, downloads=False
        ):
            assert response.status_code < 500, (roles, url)
            if response.status_code == 200 and response.mimetype == "text/html":
                pages += 1
                problems = inline_code(response.get_data(as_text=True))
                if problems:
                    found[f"{roles} {url}"] = sorted(set(problems))
    anonymous = app.test_client()
    for url in ("/login", "/signup", "/password/forgot", "/courses"):
        problems = inline_code(anonymous.get(url).get_data(as_text=True))
        if problems:
            found[f"anonymous {url}"] = problems
    assert pages > 60
    assert found == {}
