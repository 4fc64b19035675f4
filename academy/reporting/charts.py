"""Charts drawn on the server as inline SVG: no script, no inline style, readable in print.

Colours are SVG presentation attributes (allowed by the strict CSP); every chart has a
<title> and <desc> and the page puts a table of the same numbers beside it.
"""

from __future__ import annotations

from dataclasses import dataclass
from itertools import count

from markupsafe import Markup, escape

WIDTH, HEIGHT = 640, 300
LEFT, RIGHT, TOP, BOTTOM = 56, 16, 16, 36
INK, GRID, MUTED = "#1b2430", "#d5dbe3", "#4f5b6b"
# Distinguishable in greyscale print too: each line also has its own dash pattern.
PALETTE = ("#0b5cad", "#a11d2b", "#1d6b36", "#8a5a00", "#5b3f99")
DASHES = ("", "6 4", "2 3", "10 3 2 3", "1 5")
_ids = count(1)


@dataclass(frozen=True)
class Line:
    label: str
    points: list[tuple[float, float]]  # (x, y) in data units
    colour: str = PALETTE[0]
    dash: str = ""


def _nice_max(value: float) -> float:
    """A round axis maximum at or above value: 1, 2, 2.5 or 5 times a power of ten."""
    if value <= 0:
        return 1
    magnitude = 10 ** (len(str(int(value))) - 1)
    for step in (1, 2, 2.5, 5, 10):
        if value <= step * magnitude:
            return step * magnitude
    return 10 * magnitude


def _number(value: float) -> str:
    return f"{value:,.0f}"


def line_chart(title: str, description: str, x_labels: list[str], lines: list[Line]) -> Markup:
    """Lines over len(x_labels) - 1 equal steps; x_labels name each point from the left."""
    ident = f"chart-{next(_ids)}"
    steps = max(len(x_labels) - 1, 1)
    top = _nice_max(max((y for line in lines for _x, y in line.points), default=0))
    plot_w, plot_h = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM

    def sx(x: float) -> float:
        return round(LEFT + plot_w * x / steps, 1)

    def sy(y: float) -> float:
        return round(TOP + plot_h * (1 - y / top), 1)

    parts = [_open(ident, title, description)]
    for i in range(5):
        value = top * i / 4
        y = sy(value)
        parts.append(
            f'<line x1="{LEFT}" y1="{y}" x2="{WIDTH - RIGHT}" y2="{y}" stroke="{GRID}"/>'
            f'<text x="{LEFT - 6}" y="{y + 4}" text-anchor="end" font-size="11" '
            f'fill="{MUTED}">{_number(value)}</text>'
        )
    for i, label in enumerate(x_labels):
        parts.append(
            f'<text x="{sx(i)}" y="{HEIGHT - BOTTOM + 16}" text-anchor="middle" font-size="11" '
            f'fill="{MUTED}">{escape(label)}</text>'
        )
    for line in lines:
        if not line.points:
            continue
        coords = " ".join(f"{sx(x)},{sy(y)}" for x, y in line.points)
        dash = f' stroke-dasharray="{line.dash}"' if line.dash else ""
        parts.append(
            f'<polyline points="{coords}" fill="none" stroke="{line.colour}" '
            f'stroke-width="2.5"{dash}><title>{escape(line.label)}</title></polyline>'
        )
    parts.append("</svg>")
    parts.append(_legend(lines))
    return Markup("".join(parts))


def bar_chart(title: str, description: str, bars: list[tuple[str, int]]) -> Markup:
    """Horizontal bars, one per (label, value), with the value written at the bar's end."""
    ident = f"chart-{next(_ids)}"
    row_h, label_w = 26, 200
    height = TOP + row_h * max(len(bars), 1) + 8
    top = max((value for _label, value in bars), default=0) or 1
    plot_w = WIDTH - label_w - RIGHT - 60
    parts = [_open(ident, title, description, height)]
    for i, (label, value) in enumerate(bars):
        y = TOP + i * row_h
        width = round(plot_w * value / top, 1)
        short = label if len(label) <= 24 else label[:23] + "…"
        parts.append(
            f'<text x="{label_w - 8}" y="{y + 15}" text-anchor="end" font-size="12" '
            f'fill="{INK}">{escape(short)}</text>'
            f'<rect x="{label_w}" y="{y + 3}" width="{width}" height="{row_h - 8}" '
            f'fill="{PALETTE[0]}"><title>{escape(label)}: {value}</title></rect>'
            f'<text x="{label_w + width + 6}" y="{y + 15}" font-size="12" '
            f'fill="{INK}">{_number(value)}</text>'
        )
    parts.append("</svg>")
    return Markup("".join(parts))


def _open(ident: str, title: str, description: str, height: int = HEIGHT) -> str:
    return (
        f'<svg class="reporting-chart" viewBox="0 0 {WIDTH} {height}" role="img" '
        f'aria-labelledby="{ident}-title {ident}-desc" xmlns="http://www.w3.org/2000/svg">'
        f'<title id="{ident}-title">{escape(title)}</title>'
        f'<desc id="{ident}-desc">{escape(description)}</desc>'
    )


def _legend(lines: list[Line]) -> str:
    items = "".join(
        f'<li><svg width="28" height="10" aria-hidden="true"><line x1="0" y1="5" x2="28" y2="5" '
        f'stroke="{line.colour}" stroke-width="3"'
        + (f' stroke-dasharray="{line.dash}"' if line.dash else "")
        + f"/></svg> {escape(line.label)}</li>"
        for line in lines
    )
    return f'<ul class="reporting-legend">{items}</ul>'
