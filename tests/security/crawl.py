"""Follow every same-site link a signed-in person is shown, the way a curious user would."""

from __future__ import annotations

import re
from collections import Counter, deque
from html.parser import HTMLParser
from urllib.parse import urldefrag, urlsplit

# Not pages: sign-out is a POST, and static files carry no permissions.
SKIP = re.compile(r"^/(static/|logout|language)")
# Downloads: no HTML in them, and the slowest responses to build.
DOWNLOAD = re.compile(r"(\.(csv|xlsx|pdf|ics|json)|/(pdf|csv|xlsx))(\?|$)")


class _Links(HTMLParser):
    def __init__(self):
        super().__init__()
        self.links: list[str] = []

    def handle_starttag(self, tag, attrs):
        if tag == "a":
            href = dict(attrs).get("href")
            if href:
                self.links.append(href)


def links(html: str) -> list[str]:
    parser = _Links()
    parser.feed(html)
    found = []
    for href in parser.links:
        href, _ = urldefrag(href)
        parts = urlsplit(href)
        if parts.scheme or parts.netloc:
            if parts.netloc not in ("localhost", ""):
                continue
            href = parts.path + (f"?{parts.query}" if parts.query else "")
        if href.startswith("/") and not SKIP.match(href):
            found.append(href)
    return found


def shape(url: str) -> str:
    """/cohorts/12/trainees/7 -> /cohorts/#/trainees/#: pages of one kind share a shape."""
    segments = url.split("?")[0].split("/")
    return "/".join(s if re.fullmatch(r"[a-z]*", s) else "#" for s in segments)


def crawl(
    client,
    start: list[str],
    *,
    per_shape: int | None = None,
    limit: int = 400,
    downloads: bool = True,
):
    """Yield (url, response, referrer) for every page reachable from `start` by GET.

    `per_shape` bounds how many pages of one shape are opened (big demo data); None opens all.
    """
    seen: set[str] = set()
    shapes: Counter[str] = Counter()
    queue = deque((url, None) for url in start)
    opened = 0
    while queue and opened < limit:
        url, referrer = queue.popleft()
        if url in seen:
            continue
        seen.add(url)
        if not downloads and DOWNLOAD.search(url.split("?")[0] + "?"):
            continue
        if per_shape is not None:
            if shapes[shape(url)] >= per_shape:
                continue
            shapes[shape(url)] += 1
        response = client.get(url, buffered=True)
        opened += 1
        yield url, response, referrer
        if response.status_code in (301, 302, 303):
            target = urlsplit(response.headers["Location"])
            if target.netloc in ("", "localhost"):
                queue.append((target.path + (f"?{target.query}" if target.query else ""), url))
        elif response.status_code == 200 and response.mimetype == "text/html":
            for link in links(response.get_data(as_text=True)):
                if link not in seen:
                    queue.append((link, url))
