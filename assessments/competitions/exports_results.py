"""The results list of a competition as a workbook (one sheet per view) and as a printable A4 PDF.

Both are built from `selectors_awards.results_list` and served only through the organisers' views.
"""

from __future__ import annotations

import threading

from django.conf import settings
from django.template.loader import render_to_string
from django.utils import timezone

from assessments.competitions.selectors_awards import ResultsList
from lms.spreadsheets import XLSX_CONTENT_TYPE, Sheet, table_write

__all__ = ["XLSX_CONTENT_TYPE", "results_pdf", "results_xlsx_write"]

RESULTS_CSS = "competitions/pdf/results.css"
_lock = threading.RLock()


def _number(value):
    return float(value) if value is not None else None


def _minutes(seconds: int | None):
    return round(seconds / 60, 2) if seconds is not None else None


def results_sheets(data: ResultsList) -> list[Sheet]:
    rounds = data.rounds
    overall = Sheet(
        title="总成绩排名",
        headers=[
            "名次",
            "工号",
            "姓名",
            "单位",
            *[f"{r.name}得分率（%）" for r in rounds],
            "总成绩",
            "知识竞赛用时（分钟）",
            "获奖",
        ],
        rows=[
            [
                s.rank,
                s.worker_no,
                s.name,
                s.unit_name,
                *[_number(s.rounds.get(r.name)) for r in rounds],
                _number(s.overall),
                _minutes(s.knowledge_seconds),
                "、".join(data.awards.get(s.entry_id, [])),
            ]
            for s in data.standings
        ],
    )
    teams = Sheet(
        title="团体排名",
        headers=["名次", "单位", "团体成绩", "计分选手"],
        rows=[[t.rank, t.unit_name, _number(t.score), "、".join(t.members)] for t in data.teams],
    )
    by_entry = {s.entry_id: s for s in data.standings}
    awards = Sheet(
        title="获奖名单",
        headers=["奖项", "类别", "名次", "工号", "姓名", "单位", "总成绩", "证书"],
        rows=[
            [
                a.title,
                a.kind,
                a.rank,
                a.entry.worker.employee_no,
                a.entry.worker.name,
                a.entry.worker.org_unit.full_name,
                _number(by_entry[a.entry_id].overall) if a.entry_id in by_entry else None,
                "已发放" if a.certificate_id else ("发放中" if a.issuance_job_id else ""),
            ]
            for a in data.award_rows
        ],
    )
    return [overall, teams, awards]


def results_xlsx_write(target, data: ResultsList) -> None:
    table_write(target, results_sheets(data), fmt="xlsx")


def results_pdf(data: ResultsList) -> bytes:
    """A4 results list: name, unit, round percentages, overall, rank, award."""
    from weasyprint import HTML

    from certificates.rendering import font_stylesheet

    html = render_to_string(
        "competitions/pdf/results.html",
        {
            "data": data,
            "rows": [
                {
                    "s": s,
                    "percents": [s.rounds.get(r.name) for r in data.rounds],
                    "awards": "、".join(data.awards.get(s.entry_id, [])),
                }
                for s in data.standings
            ],
            "printed_on": timezone.localdate(),
        },
    )
    with _lock:
        font_config, css = font_stylesheet(RESULTS_CSS)
        document = HTML(string=html, base_url=str(settings.BASE_DIR)).render(stylesheets=[css], font_config=font_config)
        return document.write_pdf()
