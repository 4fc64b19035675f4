"""The page frame: the header, navigation and footer around every page, rendered once per kind.

The frame is the same on every page a person of given roles sees in one language, apart from a
few holes: the page's title, head and content, the CSRF token, the address to come back to, the
person's name and the flashed messages. Rendering it (a dozen translated strings, eight links,
the language switcher) was a sixth of a lesson page's work; here it is rendered once per
language, role set and highlighted section, split at the holes and kept, and each page only
fills the holes in.

`frame.html` sees only the names in FRAME_NAMES (a test holds it to that), so nothing that
varies between requests can slip into a kept frame unnoticed.
"""

from __future__ import annotations

import re

from flask import current_app, get_flashed_messages, request
from flask_login import current_user
from jinja2 import pass_context
from jinja2.runtime import Context
from markupsafe import Markup, escape

from academy.memo import remembered
from academy.security import csrf_token
from academy.templating import NAV, navigation

FRAME = "frame.html"
FLASHES = "flashes.html"

# What frame.html may use; everything in it must be the same for every request with one key.
FRAME_NAMES = frozenset(
    {"_", "url_for", "hole", "html_lang", "nav_items", "languages", "current_locale"}
    | {"section", "signed_in"}
)

# The sections the frame highlights (aria-current); any other page highlights none.
SECTIONS = frozenset(endpoint for endpoint, _label, _permission in NAV) | {"auth.help"}

# A hole's marker in the rendered frame; NUL never occurs in escaped template output.
_MARK = "\x00{}\x00"
_SPLIT = re.compile("\x00([a-z_]+)\x00")


def _hole(name: str) -> Markup:
    return Markup(_MARK.format(name))


def _frame(context: Context, user, section: str | None) -> tuple[list, list]:
    """(texts, holes): the frame split at its holes, texts[0] + holes[0] + texts[1] + ...

    `user` is the signed-in person, or None.
    """
    template = context.environment.get_template(FRAME)
    rendered = template.render(
        _=context["_"],
        url_for=context.environment.globals["url_for"],
        hole=_hole,
        html_lang=context["html_lang"],
        nav_items=navigation(current_app, user),
        languages=context["languages"],
        current_locale=context["current_locale"],
        section=section,
        signed_in=user is not None,
    )
    pieces = _SPLIT.split(rendered)
    return [Markup(text) for text in pieces[0::2]], pieces[1::2]


def _flashes(context: Context) -> Markup:
    messages = get_flashed_messages(with_categories=True)
    if not messages:
        return Markup("")
    return Markup(context.environment.get_template(FLASHES).render(messages=messages))


@pass_context
def page_frame(context: Context, title: str, head: str, content: str) -> Markup:
    """The whole page: the kept frame for this kind of page, its holes filled."""
    # Each proxy once (a use of current_user is four lookups), and the frame template looked
    # up only when it may have changed on disk.
    user = current_user._get_current_object()
    visit = request._get_current_object()
    environment = context.environment
    signed_in = user.is_authenticated
    section = visit.endpoint if visit.endpoint in SECTIONS else None
    key = (
        context["current_locale"],
        frozenset(user.roles) if signed_in else frozenset(),
        visit.script_root,
        signed_in,
        section,
        # In development a changed frame.html is a new template, so a new frame.
        environment.get_template(FRAME) if environment.auto_reload else None,
    )
    texts, holes = remembered(
        current_app.extensions.setdefault("academy.frames", {}),
        key,
        lambda: _frame(context, user if signed_in else None, section),
    )
    fillers = {
        "title": lambda: title,
        "head": lambda: head,
        "content": lambda: content,
        "csrf_token": csrf_token,
        "next": lambda: context["current_path"],
        "name": lambda: user.name,
        "flashes": lambda: _flashes(context),
    }
    values: dict[str, Markup] = {}
    out = [texts[0]]
    for name, text in zip(holes, texts[1:], strict=True):
        if name not in values:
            values[name] = escape(fillers[name]())
        out.append(values[name])
        out.append(text)
    return Markup("".join(out))
