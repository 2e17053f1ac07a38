"""Paper score sheets (纸质评分表) of a judged round: `import_scores` and the organisers' import page
share `judge_scores_import` (docs/imports.md; DESIGN "import_scores").

Every row goes through `services.judge_score_save` (source 纸质录入), so a paper total is checked
exactly as a phone score is: the judge sits on a panel of the round holding the contestant, the two
are not of the same 社区, the total is within 0…max, the round is open. The whole file is one
transaction: any bad row → ImportRejected with every `第N行: <原因>`, nothing written. A re-import
replaces the same judge × contestant score, never adds a second; an unchanged row is left alone.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db import transaction

from assessments.competitions import services
from assessments.competitions.models import Entry, JudgeScore, PanelJudge, PanelSlot, Round
from lms.importing import ImportRejected, Row, RowErrors
from lms.models import Worker

SCORE_COLUMNS = ("评委工号", "选手工号", "得分")


@dataclass
class ScoreImportSummary:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    dry_run: bool = False

    @property
    def total(self) -> int:
        return self.created + self.updated + self.unchanged

    def __str__(self) -> str:
        verb = "将" if self.dry_run else "已"
        return f"{verb}新增评分 {self.created} 条，{verb}替换 {self.updated} 条，未变化 {self.unchanged} 条"


def judge_scores_import(*, round_: Round, rows: list[Row], actor, dry_run: bool = False) -> ScoreImportSummary:
    """Write the paper totals of `rows` (评委工号, 选手工号, 得分) for `round_`, all or nothing.
    `dry_run` checks and counts exactly as a real import and then rolls everything back (the
    page's preview)."""
    errors = RowErrors()
    summary = ScoreImportSummary(dry_run=dry_run)
    numbers = {r.get(c) for r in rows for c in ("评委工号", "选手工号") if r.get(c)}
    with transaction.atomic():
        locked = Round.objects.select_for_update().get(pk=round_.pk)
        workers = {w.employee_no: w for w in Worker.objects.filter(employee_no__in=numbers).select_related("org_unit")}
        entries = {
            e.worker.employee_no: e
            for e in Entry.objects.filter(
                competition_id=locked.competition_id, worker__employee_no__in=numbers
            ).select_related("worker__org_unit")
        }
        existing = {(s.judge_id, s.entry_id): s for s in JudgeScore.objects.filter(round=locked)}
        seen: dict[tuple[int, int], int] = {}
        # A paper sheet never changes a closed round: the chief's post-close change is one score at
        # a time with its reason, on the score sheet.
        closed = services.closed_round_problem(round_=locked, actor=None, reason="", exists=True)
        for row in rows:
            reasons = []
            judge_no, contestant_no = row.get("评委工号"), row.get("选手工号")
            judge = workers.get(judge_no)
            entry = entries.get(contestant_no)
            if not judge_no:
                reasons.append("评委工号不能为空")
            elif judge is None:
                reasons.append(f"评委工号“{judge_no[:32]}”不存在")
            if not contestant_no:
                reasons.append("选手工号不能为空")
            elif entry is None:
                if contestant_no in workers:
                    reasons.append(f"选手工号“{contestant_no[:32]}”未报名本比赛")
                else:
                    reasons.append(f"选手工号“{contestant_no[:32]}”不存在")
            try:
                total = services.total_checked(locked, row.get("得分"))
            except services.CompetitionError as refused:
                reasons.append(str(refused))
                total = None
            if closed:
                reasons.append(closed)
            if reasons:
                errors.add(row.number, "；".join(reasons))
                continue
            key = (judge.pk, entry.pk)
            if key in seen:
                errors.add(row.number, f"与第{seen[key]}行是同一评委对同一选手的评分，请只保留一行")
                continue
            seen[key] = row.number
            before = existing.get(key)
            if (
                before is not None
                and before.score == total
                and not before.marks
                and before.source == JudgeScore.Source.PAPER
            ):
                problem = services.judge_score_problem(round_=locked, entry=entry, judge=judge)
                if problem:
                    errors.add(row.number, problem)
                else:
                    summary.unchanged += 1
                continue
            try:
                services.judge_score_save(
                    round_=locked,
                    entry=entry,
                    judge=judge,
                    total=total,
                    comment=before.comment if before is not None else "",
                    source=JudgeScore.Source.PAPER,
                    actor=actor,
                )
            except services.CompetitionError as refused:
                errors.add(row.number, str(refused))
                continue
            if before is None:
                summary.created += 1
            else:
                summary.updated += 1
        if errors:
            raise ImportRejected(errors)
        if dry_run:
            transaction.set_rollback(True)
    return summary


def template_rows(round_: Round) -> list[list]:
    """The sheet to fill in: every judge × contestant pair of each panel in running order, the pairs
    a judge must stand aside from (回避) left out; 得分 empty."""
    judges_by_panel: dict[int, list[Worker]] = {}
    for seat in PanelJudge.objects.filter(panel__round=round_).select_related("judge__org_unit").order_by("id"):
        judges_by_panel.setdefault(seat.panel_id, []).append(seat.judge)
    rows = []
    slots = PanelSlot.objects.filter(panel__round=round_).select_related("panel", "entry__worker__org_unit")
    for slot in slots.order_by("panel_id", "order", "id"):
        contestant = slot.entry.worker
        for judge in judges_by_panel.get(slot.panel_id, []):
            if services.judge_conflicts(judge=judge, contestant=contestant):
                continue
            rows.append(
                [
                    judge.employee_no,
                    contestant.employee_no,
                    None,
                    judge.name,
                    contestant.name,
                    slot.panel.name,
                    slot.order,
                ]
            )
    return rows


TEMPLATE_HEADERS = (*SCORE_COLUMNS, "评委姓名", "选手姓名", "评分组", "出场顺序")
