"""The annual individual assessment report (年度个人能力评估报告) as PDF: one A4 page per worker.

The page holds the same SVG radar as 能力画像, the overall and primary scores, and each of the 18
indicators with its score, level and, in brief, how it was computed: the sources counted with their
values and the re-normalised weights used (docs/rules.md, 7.1 能力评分). WeasyPrint lays it out with the
certificates' fonts (the pre-subset Noto CJK, then the full font); the PDF is built in memory and
sent by a view that checks who is asking, or written into an export job's private file.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass
from decimal import Decimal
from typing import IO

from django.conf import settings
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.safestring import mark_safe

from assessments.charts import axis_label, radar_svg
from certificates.rendering import font_stylesheet
from lms.periods import Period

_lock = threading.RLock()


@dataclass(frozen=True)
class ReportLine:
    code: str
    name: str
    score: Decimal | None
    level: str | None
    evidence_count: int
    basis: str  # 测试 62.50 × 40% ＋ 演练 80.00 × 60%, or why there is no score


@dataclass(frozen=True)
class ReportSheet:
    """Everything printed on one worker's page (plain data)."""

    name: str
    employee_no: str
    unit: str
    period_label: str
    overall: ReportLine
    primaries: list[ReportLine]
    indicators: list[ReportLine]
    radar: str
    generated_on: str


def _figure(value: Decimal) -> str:
    return f"{Decimal(value).quantize(Decimal('0.01'))}"


def _weight(value: Decimal) -> str:
    text = f"{Decimal(value).quantize(Decimal('0.01'))}".rstrip("0").rstrip(".")
    return f"{text}%"


def basis_text(explanation) -> str:
    """One line: the sources counted with their value and the weight used, or why none counted."""
    if explanation is None:
        return "—"
    counted = [s for s in explanation.sources if s.counted and s.value is not None and s.weight is not None]
    if counted:
        return " ＋ ".join(f"{s.source} {_figure(s.value)} × {_weight(s.weight)}" for s in counted)
    notes = [f"{s.source}{s.note}" for s in explanation.sources if s.plan_weight and s.note and s.count]
    return "本期无计入的证据" + (f"（{'；'.join(notes)}）" if notes else "")


def _line(score, basis: str = "") -> ReportLine:
    return ReportLine(
        code=score.code,
        name=score.name,
        score=score.score,
        level=score.level,
        evidence_count=score.evidence_count,
        basis=basis,
    )


def report_sheet(worker, period: Period) -> ReportSheet:
    from assessments.profiles import indicator_explanation, profile_for

    profile = profile_for(worker, period)
    lines = [_line(s, basis_text(indicator_explanation(worker, period, s.code))) for s in profile.indicators]
    return ReportSheet(
        name=worker.name,
        employee_no=worker.employee_no,
        unit=worker.org_unit.full_name,
        period_label=period.label,
        overall=_line(profile.overall),
        primaries=[_line(s) for s in profile.primaries],
        indicators=lines,
        radar=radar_svg(
            [axis_label(s.name) for s in profile.primaries],
            [s.score for s in profile.primaries],
            title=f"{worker.name} {period.label}能力雷达图",
            font_family='"GACommon", "GAFull"',
        ),
        generated_on=f"{timezone.localdate():%Y年%m月%d日}",
    )


def _document(sheets: list[ReportSheet]):
    from weasyprint import HTML

    font_config, css = font_stylesheet("assessments/competency/pdf/report.css")
    body = "".join(
        render_to_string("assessments/competency/pdf/sheet.html", {"s": sheet, "radar": mark_safe(sheet.radar)})
        for sheet in sheets
    )
    html = (
        '<!doctype html><html lang="zh-Hans"><head><meta charset="utf-8"><title>年度个人能力评估报告</title>'
        f"</head><body>{body}</body></html>"
    )
    return HTML(string=html, base_url=str(settings.BASE_DIR)).render(stylesheets=[css], font_config=font_config)


def render_reports(sheets: list[ReportSheet], target: IO[bytes], *, chunk_size: int = 50, progress=None) -> int:
    """Lay the sheets out in chunks (WeasyPrint's time per page grows with a document's length) and
    write one PDF of all their pages to `target`. Returns the number of pages."""
    if not sheets:
        raise ValueError("没有可生成报告的人员")
    with _lock:
        documents = []
        for start in range(0, len(sheets), chunk_size):
            documents.append(_document(sheets[start : start + chunk_size]))
            if progress is not None:
                progress(min(start + chunk_size, len(sheets)))
        pages = [page for document in documents for page in document.pages]
        documents[0].copy(pages).write_pdf(target)
    return len(pages)


def report_pdf(worker, period: Period) -> bytes:
    import io

    buffer = io.BytesIO()
    render_reports([report_sheet(worker, period)], buffer)
    return buffer.getvalue()
