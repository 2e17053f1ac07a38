"""The server-side radar and trend charts (assessments/charts.py): geometry and gaps for 暂无数据."""

import math
import re
from decimal import Decimal

import pytest

from assessments.charts import RadarGeometry, axis_label, radar_svg, radar_vertices, trend_points, trend_svg

LABELS = ["政策理解能力", "沟通协调能力", "问题处置能力", "信息管理能力", "心理调适能力"]


def _ring_points(svg: str, index: int) -> list[tuple[float, float]]:
    rings = re.findall(r'<polygon class="ring" points="([^"]+)"', svg)
    return [tuple(map(float, p.split(","))) for p in rings[index].split()]


def test_a_score_of_100_lands_on_the_outer_ring():
    svg = radar_svg(LABELS, [Decimal(100)] * 5)
    outer = _ring_points(svg, -1)  # rings are drawn 20, 40, 60, 80, 100
    vertices = radar_vertices([Decimal(100)] * 5)
    assert vertices == outer
    # Default geometry: centre (170, 170), radius 100; axis 0 points up, axis 1 is 72° clockwise:
    # (170 + 100·cos(−18°), 170 + 100·sin(−18°)) = (265.11, 139.1).
    assert vertices[0] == (170.0, 70.0)
    assert vertices[1] == (
        round(170 + 100 * math.cos(math.radians(-18)), 2),
        round(170 - 100 * math.sin(math.radians(18)), 2),
    )
    assert vertices[1] == (265.11, 139.1)


def test_half_score_is_halfway_and_out_of_range_is_clamped():
    g = RadarGeometry()
    assert g.point(0, 5, Decimal(50)) == (170.0, 120.0)  # 100 × 50/100 = 50 above the centre
    assert g.point(0, 5, 0) == (170.0, 170.0)
    assert g.point(0, 5, 130) == g.point(0, 5, 100)


def test_none_draws_no_vertex_and_a_gap_marker():
    values = [Decimal(80), None, Decimal("62.5"), Decimal(90), Decimal(70)]
    assert radar_vertices(values)[1] is None
    svg = radar_svg(LABELS, values)
    assert svg.count('class="now-dot"') == 4
    assert svg.count('class="gap"') == 1
    assert "暂无数据" in svg
    # No filled area when an axis is missing: the outline is one polyline 2→3→4→0, broken at axis 1.
    assert 'class="now-area"' not in svg
    lines = re.findall(r'<polyline class="now-line" points="([^"]+)"', svg)
    assert len(lines) == 1 and len(lines[0].split()) == 4
    # The missing axis never lands on the centre as a 0 would.
    assert "170.0,170.0" not in lines[0]


def test_full_scores_fill_the_polygon_and_label_in_chinese():
    svg = radar_svg(LABELS, [Decimal(85)] * 5)
    assert 'class="now-area"' in svg
    for label in LABELS:
        assert f">{label}</text>" in svg
    assert "85.00" in svg


def test_all_none_draws_no_polygon():
    svg = radar_svg(LABELS, [None] * 5)
    assert 'class="now-line"' not in svg and 'class="now-dot"' not in svg
    assert svg.count("暂无数据") == 5


def test_compare_polygon_and_bad_input():
    svg = radar_svg(LABELS, [Decimal(70)] * 5, compare=[Decimal(60)] * 5, compare_label="2025年")
    assert 'class="before-line"' in svg and "2025年" in svg
    with pytest.raises(ValueError):
        radar_svg(LABELS[:2], [Decimal(1)] * 2)
    with pytest.raises(ValueError):
        radar_svg(LABELS, [Decimal(1)] * 5, compare=[Decimal(1)])


def test_axis_labels_drop_the_common_suffix():
    assert axis_label("政策理解能力") == "政策理解" and axis_label("能力") == "能力"


def test_labels_are_escaped():
    svg = radar_svg(["<a>", "b", "c"], [None, None, None])
    assert "<a>" not in svg and "&lt;a&gt;" in svg


def test_trend_leaves_gaps_for_missing_quarters():
    points = trend_points([Decimal(100), None, Decimal(0), Decimal(50)], width=80, height=24)
    # x: 3 + i × (80 − 6)/3; y: 3 + 18 × (1 − v/100)
    assert points == [(3.0, 3.0), None, (52.33, 21.0), (77.0, 12.0)]
    svg = trend_svg([Decimal(100), None, Decimal(0), Decimal(50)])
    assert svg.count("<polyline") == 1  # only the run 0 → 50; the lone 100 is a dot
    assert svg.count("<circle") == 3
    assert "暂无数据" in svg
