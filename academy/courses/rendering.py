"""Markdown to safe HTML: render with the useful extensions, then sanitise the result.

Sanitising runs on the rendered HTML, not on the Markdown, because Markdown itself can
produce links and raw HTML; whatever a course author writes, the browser gets inert markup.
"""

from __future__ import annotations

import markdown
import nh3

# Bumped when the output of render() changes, so a sync re-renders unchanged files.
RENDER_VERSION = "1"

EXTENSIONS = ["tables", "fenced_code", "codehilite", "admonition", "toc", "sane_lists"]
EXTENSION_CONFIG = {
    # Classes, not inline styles: the CSP forbids style attributes, and code.css colours them.
    "codehilite": {"css_class": "codehilite", "noclasses": False, "guess_lang": False},
    "toc": {"permalink": False},
}

TAGS = {
    "a", "abbr", "b", "blockquote", "br", "caption", "code", "dd", "del", "div", "dl", "dt",
    "em", "figcaption", "figure", "h1", "h2", "h3", "h4", "h5", "h6", "hr", "i", "img", "ins",
    "kbd", "li", "mark", "ol", "p", "pre", "q", "s", "small", "span", "strong", "sub", "sup",
    "table", "tbody", "td", "tfoot", "th", "thead", "tr", "u", "ul",
}  # fmt: skip

ATTRIBUTES = {
    "*": {"class", "id", "title", "lang", "dir"},
    "a": {"href"},
    "img": {"src", "alt", "width", "height"},
    "td": {"colspan", "rowspan", "align"},
    "th": {"colspan", "rowspan", "align", "scope"},
    "ol": {"start"},
}

# No javascript:, data: or other schemes; relative links stay allowed.
URL_SCHEMES = {"http", "https", "mailto"}


def sanitise(html: str) -> str:
    """Keep formatting, tables, code highlighting and admonitions; drop anything active."""
    return nh3.clean(
        html,
        tags=TAGS,
        attributes=ATTRIBUTES,
        url_schemes=URL_SCHEMES,
        link_rel="noopener noreferrer nofollow",
        strip_comments=True,
    )


def render(source: str) -> str:
    """Markdown source to sanitised HTML."""
    html = markdown.markdown(
        source, extensions=EXTENSIONS, extension_configs=EXTENSION_CONFIG, output_format="html"
    )
    return sanitise(html)
