"""Server-side SVG of 辖区概览's trend: percentages over quarters, one line per figure.

Pure function returning SVG markup, with no JavaScript, like assessments/charts.py (which the core
may not import). The viewBox scales to the page's width, so the chart is read on a 375 px phone as on
a desktop; a quarter without anyone to count leaves a gap in its line, never a 0.
"""

from __future__ import annotations

from decimal import Decimal

from django.utils.html import escape

COLOURS = ("#0b6bcb", "#c06d00", "#2e7d32", "#8e24aa", "#d32f2f")
WIDTH, HEIGHT = 340, 190
LEFT, RIGHT, TOP, BOTTOM = 34, 12, 12, 28


def _y(value: Decimal) -> float:
    return round(TOP + (HEIGHT - TOP - BOTTOM) * (1 - float(value) / 100), 2)


def trend_chart_svg(labels: list[str], series: list[tuple[str, list[Decimal | None]]], *, title: str) -> str:
    """`series` is [(name, [percent or None per label])]; returns the line chart's SVG markup."""
    count = len(labels)
    step = (WIDTH - LEFT - RIGHT) / max(1, count - 1)

    def x(index: int) -> float:
        return round(LEFT + step * index if count > 1 else (LEFT + WIDTH - RIGHT) / 2, 2)

    legend_height = 18 * len(series)
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="trend-chart" viewBox="0 0 {WIDTH} {HEIGHT + legend_height}" '
        f'width="100%" style="max-width:{WIDTH * 3 // 2}px" role="img" aria-label="{escape(title)}">',
        f"<title>{escape(title)}</title>",
    ]
    for tick in (0, 25, 50, 75, 100):
        y = _y(Decimal(tick))
        parts.append(f'<line x1="{LEFT}" y1="{y}" x2="{WIDTH - RIGHT}" y2="{y}" stroke="#e4e7eb" stroke-width="1"/>')
        parts.append(f'<text x="{LEFT - 4}" y="{y + 4}" font-size="10" fill="#6b7785" text-anchor="end">{tick}%</text>')
    for index, label in enumerate(labels):
        parts.append(
            f'<text x="{x(index)}" y="{HEIGHT - BOTTOM + 16}" font-size="11" fill="#3e4c59" '
            f'text-anchor="middle">{escape(label)}</text>'
        )
    for number, (name, values) in enumerate(series):
        colour = COLOURS[number % len(COLOURS)]
        run: list[str] = []
        for index, value in [*enumerate(values), (count, None)]:
            if value is None:
                if len(run) > 1:
                    parts.append(f'<polyline fill="none" stroke="{colour}" stroke-width="2" points="{" ".join(run)}"/>')
                run = []
            else:
                run.append(f"{x(index)},{_y(value)}")
        for index, value in enumerate(values):
            if value is not None:
                parts.append(
                    f'<circle cx="{x(index)}" cy="{_y(value)}" r="3" fill="{colour}">'
                    f"<title>{escape(name)} {escape(labels[index])}：{value}%</title></circle>"
                )
        shown = "、".join("—" if v is None else f"{v}%" for v in values)
        y = HEIGHT + 18 * number + 10
        parts.append(f'<rect x="{LEFT}" y="{y - 8}" width="12" height="4" fill="{colour}"/>')
        parts.append(
            f'<text x="{LEFT + 18}" y="{y - 2}" font-size="11" fill="#1f2933">{escape(name)}：{escape(shown)}</text>'
        )
    parts.append("</svg>")
    return "".join(parts)
