"""Server-side SVG charts of competency scores: the radar of the 5 primaries and the tiny quarter trend.

Pure functions returning SVG markup (a string), so the same chart is inlined in the profile page and
in the WeasyPrint report, with no JavaScript. A score of None (暂无数据) never draws as 0: the radar
leaves a gap in the outline at that axis and marks the axis end with a hollow circle; the trend
leaves a gap in its line.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from decimal import Decimal

from django.utils.html import escape

RINGS = (20, 40, 60, 80, 100)


@dataclass(frozen=True)
class RadarGeometry:
    size: int = 340
    radius: float = 100.0

    @property
    def centre(self) -> tuple[float, float]:
        return self.size / 2, self.size / 2

    def angle(self, index: int, count: int) -> float:
        """Axis `index` of `count`, clockwise from the top."""
        return -math.pi / 2 + 2 * math.pi * index / count

    def point(self, index: int, count: int, value: float) -> tuple[float, float]:
        """Where `value` (0–100) lies on axis `index`: 100 is on the outer ring."""
        cx, cy = self.centre
        r = self.radius * max(0.0, min(100.0, float(value))) / 100
        a = self.angle(index, count)
        return round(cx + r * math.cos(a), 2), round(cy + r * math.sin(a), 2)


def radar_vertices(values: list[Decimal | None], geometry: RadarGeometry | None = None) -> list[tuple | None]:
    """The polygon's vertices, one per axis; None where the axis has no score."""
    geometry = geometry or RadarGeometry()
    n = len(values)
    return [None if v is None else geometry.point(i, n, v) for i, v in enumerate(values)]


def _outline(vertices: list[tuple | None]) -> list[list[tuple]]:
    """Runs of consecutive scored vertices (wrapping around), split at the unscored axes."""
    n = len(vertices)
    if all(v is not None for v in vertices):
        return [vertices + [vertices[0]]]
    if all(v is None for v in vertices):
        return []
    start = next(i for i in range(n) if vertices[i] is None)  # begin just after a gap
    runs, run = [], []
    for step in range(1, n + 1):
        vertex = vertices[(start + step) % n]
        if vertex is None:
            if run:
                runs.append(run)
            run = []
        else:
            run.append(vertex)
    if run:
        runs.append(run)
    return runs


def _points(points: list[tuple]) -> str:
    return " ".join(f"{x},{y}" for x, y in points)


def _polygon_svg(values: list[Decimal | None], geometry: RadarGeometry, css: str, filled: bool) -> str:
    vertices = radar_vertices(values, geometry)
    parts = []
    if filled and all(v is not None for v in vertices):
        parts.append(f'<polygon class="{css}-area" points="{_points(vertices)}"/>')
    for run in _outline(vertices):
        if len(run) == 1:
            continue
        parts.append(f'<polyline class="{css}-line" points="{_points(run)}"/>')
    for vertex in vertices:
        if vertex is not None:
            parts.append(f'<circle class="{css}-dot" cx="{vertex[0]}" cy="{vertex[1]}" r="3"/>')
    return "".join(parts)


_RADAR_STYLE = (
    ".ring{fill:none;stroke:#d0d7de;stroke-width:1}"
    ".axis{stroke:#d0d7de;stroke-width:1}"
    ".ring-label{font-size:9px;fill:#8a939c}"
    ".axis-label{font-size:12px;fill:#24292f}"
    ".axis-score{font-size:11px;fill:#0b6bcb}"
    ".axis-none{font-size:10px;fill:#8a939c}"
    ".gap{fill:#fff;stroke:#8a939c;stroke-width:1.5;stroke-dasharray:2 2}"
    ".now-area{fill:rgba(11,107,203,.18)}"
    ".now-line{fill:none;stroke:#0b6bcb;stroke-width:2}"
    ".now-dot{fill:#0b6bcb}"
    ".before-line{fill:none;stroke:#c06d00;stroke-width:1.5;stroke-dasharray:4 3}"
    ".before-dot{fill:#c06d00}"
)


def axis_label(name: str) -> str:
    """A primary's name as a radar axis label: 政策理解能力 → 政策理解 (fits a phone's width)."""
    return name.removesuffix("能力") or name


def radar_svg(
    labels: list[str],
    values: list[Decimal | None],
    *,
    compare: list[Decimal | None] | None = None,
    title: str = "能力雷达图",
    compare_label: str = "",
    current_label: str = "",
    geometry: RadarGeometry | None = None,
    font_family: str = "",
) -> str:
    """The radar of `values` (0–100 or None) on the axes `labels`, with the 20–100 rings; an
    earlier period's `compare` values as a dashed outline. Returns SVG markup (`font_family`: the PDF's
    embedded fonts; pages inherit theirs)."""
    if len(labels) != len(values) or len(labels) < 3:
        raise ValueError("雷达图至少需要 3 个维度，且每个维度一个分数")
    if compare is not None and len(compare) != len(values):
        raise ValueError("对比期的分数个数应与维度个数相同")
    geometry = geometry or RadarGeometry()
    n, size = len(labels), geometry.size
    cx, cy = geometry.centre
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="radar" viewBox="0 0 {size} {size + (24 if compare else 0)}" '
        f'width="100%" style="max-width:{size}px" role="img" aria-label="{escape(title)}">',
        f"<title>{escape(title)}</title><style>{_RADAR_STYLE}"
        + (f"text{{font-family:{font_family}}}" if font_family else "")
        + "</style>",
    ]
    for ring in RINGS:
        points = [geometry.point(i, n, ring) for i in range(n)]
        parts.append(f'<polygon class="ring" points="{_points(points)}"/>')
        parts.append(
            f'<text class="ring-label" x="{cx + 2}" y="{round(cy - geometry.radius * ring / 100 - 1, 2)}">{ring}</text>'
        )
    for i in range(n):
        x, y = geometry.point(i, n, 100)
        parts.append(f'<line class="axis" x1="{cx}" y1="{cy}" x2="{x}" y2="{y}"/>')
    if compare is not None:
        parts.append(_polygon_svg(compare, geometry, "before", filled=False))
    parts.append(_polygon_svg(values, geometry, "now", filled=True))
    for i, (label, value) in enumerate(zip(labels, values, strict=True)):
        a = geometry.angle(i, n)
        lx = round(cx + (geometry.radius + 18) * math.cos(a), 2)
        ly = round(cy + (geometry.radius + 18) * math.sin(a), 2)
        anchor = "middle" if abs(math.cos(a)) < 0.3 else ("start" if math.cos(a) > 0 else "end")
        dy = -6 if math.sin(a) < -0.5 else 4
        parts.append(
            f'<text class="axis-label" x="{lx}" y="{round(ly + dy, 2)}" text-anchor="{anchor}">{escape(label)}</text>'
        )
        if value is None:
            ex, ey = geometry.point(i, n, 100)
            parts.append(f'<circle class="gap" cx="{ex}" cy="{ey}" r="4"/>')
            parts.append(
                f'<text class="axis-none" x="{lx}" y="{round(ly + dy + 13, 2)}" text-anchor="{anchor}">暂无数据</text>'
            )
        else:
            parts.append(
                f'<text class="axis-score" x="{lx}" y="{round(ly + dy + 13, 2)}" text-anchor="{anchor}">'
                f"{escape(_figure(value))}</text>"
            )
    if compare is not None:
        y = size + 14
        parts.append(f'<line class="now-line" x1="20" y1="{y - 4}" x2="40" y2="{y - 4}"/>')
        parts.append(f'<text class="ring-label" x="44" y="{y}">{escape(current_label or "本期")}</text>')
        parts.append(f'<line class="before-line" x1="150" y1="{y - 4}" x2="170" y2="{y - 4}"/>')
        parts.append(f'<text class="ring-label" x="174" y="{y}">{escape(compare_label or "对比期")}</text>')
    parts.append("</svg>")
    return "".join(parts)


def _figure(value) -> str:
    return f"{Decimal(value).quantize(Decimal('0.01'))}"


def trend_points(
    values: list[Decimal | None], *, width: int = 80, height: int = 24, pad: int = 3
) -> list[tuple | None]:
    """The trend's points: x evenly spaced, y from 0 (bottom) to 100 (top); None where unscored."""
    n = len(values)
    step = (width - 2 * pad) / max(1, n - 1)
    span = height - 2 * pad
    return [
        None if v is None else (round(pad + i * step, 2), round(pad + span * (1 - float(v) / 100), 2))
        for i, v in enumerate(values)
    ]


def trend_svg(values: list[Decimal | None], *, label: str = "近四个季度趋势", width: int = 80, height: int = 24) -> str:
    """A tiny line of the last quarters' scores (oldest first), broken where a quarter has none."""
    points = trend_points(values, width=width, height=height)
    title = label + "：" + "、".join("暂无数据" if v is None else _figure(v) for v in values)
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="trend" viewBox="0 0 {width} {height}" width="{width}" '
        f'height="{height}" role="img" aria-label="{escape(title)}"><title>{escape(title)}</title>',
        f'<line x1="0" y1="{height - 3}" x2="{width}" y2="{height - 3}" stroke="#d0d7de" stroke-width="1"/>',
    ]
    run: list[tuple] = []
    for point in [*points, None]:
        if point is None:
            if len(run) > 1:
                parts.append(f'<polyline fill="none" stroke="#0b6bcb" stroke-width="1.5" points="{_points(run)}"/>')
            run = []
        else:
            run.append(point)
    for point in points:
        if point is not None:
            parts.append(f'<circle cx="{point[0]}" cy="{point[1]}" r="2" fill="#0b6bcb"/>')
    parts.append("</svg>")
    return "".join(parts)
