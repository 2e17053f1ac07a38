"""Reads of the judging pages (评委 on phones, reviews, closing): which rounds a judge sits on, their
panel's contestants in running order with their own scores only, the review table for the chief."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Count, Q

from assessments.competitions import selectors
from assessments.competitions.models import (
    Criterion,
    Entry,
    JudgeScore,
    PanelJudge,
    PanelSlot,
    Round,
    RoundKind,
    RoundResult,
    ScoreReview,
)
from lms.models import Worker

PENDING, DONE, RECUSED = "待评", "已评", "回避"


def _conflicts(judge: Worker, contestant: Worker) -> bool:
    from assessments.competitions.services import judge_conflicts

    return judge_conflicts(judge=judge, contestant=contestant)


@dataclass
class SheetRow:
    """One contestant on a judge's list: their place, and the judge's own score if any."""

    order: int
    panel_name: str
    entry: Entry
    status: str
    score: Decimal | None = None

    @property
    def scorable(self) -> bool:
        return self.status != RECUSED


@dataclass
class JudgeRound:
    round: Round
    is_chief: bool
    scored: int
    scorable: int
    pending_reviews: int = 0

    @property
    def closed(self) -> bool:
        return self.round.closed_at is not None


def judged_rounds_of(worker: Worker) -> list[JudgeRound]:
    """The judged rounds where `worker` sits on a panel: open ones first, then closed; each with the
    judge's progress (own scores / contestants they may score)."""
    rounds = list(
        Round.objects.filter(panels__judges__judge=worker)
        .exclude(kind=RoundKind.KNOWLEDGE)
        .select_related("competition")
        .distinct()
        .order_by("-competition__created_at", "competition_id", "order", "id")
    )
    out = []
    for round_ in rounds:
        rows = sheet_rows(round_, worker)
        chief = selectors.is_chief(round_, worker)
        out.append(
            JudgeRound(
                round=round_,
                is_chief=chief,
                scored=sum(1 for r in rows if r.status == DONE),
                scorable=sum(1 for r in rows if r.scorable),
                pending_reviews=(
                    ScoreReview.objects.filter(round=round_, resolved_at__isnull=True).count() if chief else 0
                ),
            )
        )
    out.sort(key=lambda jr: jr.closed)  # stable: open first, then closed, each in the order above
    return out


def sheet_rows(round_: Round, worker: Worker) -> list[SheetRow]:
    """The contestants of `worker`'s own panel(s) of `round_` in running order, each 待评/已评 (with
    the judge's own score, never another judge's) or 回避."""
    slots = (
        PanelSlot.objects.filter(panel__round=round_, panel__judges__judge=worker)
        .select_related("panel", "entry__worker__org_unit")
        .order_by("panel_id", "order", "id")
        .distinct()
    )
    mine = dict(JudgeScore.objects.filter(round=round_, judge=worker).values_list("entry_id", "score"))
    rows, seen = [], set()
    for slot in slots:
        if slot.entry_id in seen:
            continue
        seen.add(slot.entry_id)
        if _conflicts(worker, slot.entry.worker):
            status, score = RECUSED, None
        elif slot.entry_id in mine:
            status, score = DONE, mine[slot.entry_id]
        else:
            status, score = PENDING, None
        rows.append(
            SheetRow(order=slot.order, panel_name=slot.panel.name, entry=slot.entry, status=status, score=score)
        )
    return rows


def next_pending(round_: Round, worker: Worker, after: Entry | None = None) -> Entry | None:
    """The next contestant `worker` has yet to score, in running order after `after` (wrapping round)."""
    rows = sheet_rows(round_, worker)
    start = 0
    if after is not None:
        for index, row in enumerate(rows):
            if row.entry.pk == after.pk:
                start = index + 1
                break
    for row in rows[start:] + rows[:start]:
        if row.status == PENDING:
            return row.entry
    return None


def entry_on_panels(round_: Round, worker: Worker, entry_id: int) -> Entry | None:
    """`entry_id` if that contestant is on one of `worker`'s panels of `round_`, else None (a peer
    judge of another panel asking by id gets nothing)."""
    slot = (
        PanelSlot.objects.filter(panel__round=round_, panel__judges__judge=worker, entry_id=entry_id)
        .select_related("entry__worker__org_unit", "entry__competition")
        .first()
    )
    return slot.entry if slot else None


def entry_in_round(round_: Round, entry_id: int) -> Entry | None:
    slot = (
        PanelSlot.objects.filter(panel__round=round_, entry_id=entry_id)
        .select_related("entry__worker__org_unit", "entry__competition")
        .first()
    )
    return slot.entry if slot else None


def panel_judges_of_entry(round_: Round, entry: Entry) -> list[Worker]:
    """The judges of the panel(s) holding `entry`, chief first."""
    seats = (
        PanelJudge.objects.filter(panel__round=round_, panel__slots__entry=entry)
        .select_related("judge__org_unit")
        .order_by("-is_chief", "id")
    )
    judges, seen = [], set()
    for seat in seats:
        if seat.judge_id not in seen:
            seen.add(seat.judge_id)
            judges.append(seat.judge)
    return judges


@dataclass
class ReviewRow:
    review: ScoreReview
    item: str
    max_score: Decimal
    marks: list[tuple[Worker, Decimal | None]] = field(default_factory=list)


def review_rows(round_: Round) -> list[ReviewRow]:
    """The round's reviews, unresolved first, each with every panel judge's mark on the item side by
    side (for the chief judge only)."""
    reviews = list(
        ScoreReview.objects.filter(round=round_)
        .select_related("entry__worker", "criterion", "resolved_by")
        .order_by("resolved_at", "entry__worker__employee_no", "id")
    )
    reviews.sort(key=lambda r: r.resolved_at is not None)
    scores: dict[int, dict[int, JudgeScore]] = {}
    for score in JudgeScore.objects.filter(round=round_, entry_id__in={r.entry_id for r in reviews}):
        scores.setdefault(score.entry_id, {})[score.judge_id] = score
    out = []
    judges_cache: dict[int, list[Worker]] = {}
    for review in reviews:
        if review.entry_id not in judges_cache:
            judges_cache[review.entry_id] = panel_judges_of_entry(round_, review.entry)
        criterion: Criterion | None = review.criterion
        row = ReviewRow(
            review=review,
            item=criterion.name if criterion else "总分",
            max_score=criterion.max_score if criterion else round_.max_score,
        )
        for judge in judges_cache[review.entry_id]:
            score = scores.get(review.entry_id, {}).get(judge.pk)
            if score is None:
                mark = None
            elif criterion is not None:
                mark = Decimal(score.marks[str(criterion.pk)]) if str(criterion.pk) in score.marks else None
            else:
                mark = score.score if not score.marks else None
            if mark is not None or score is not None:
                row.marks.append((judge, mark))
        out.append(row)
    return out


@dataclass
class CloseCounts:
    contestants: int
    scored_contestants: int
    scores: int
    expected_scores: int
    pending_reviews: int

    @property
    def unscored_contestants(self) -> int:
        return self.contestants - self.scored_contestants

    @property
    def missing_scores(self) -> int:
        return max(0, self.expected_scores - self.scores)


def close_counts(round_: Round) -> CloseCounts:
    """What the closing screen shows: contestants with and without a score, scores in against the
    scores expected (each panel judge × contestant, 回避 pairs left out), reviews still open."""
    if not round_.is_judged:
        entrants = Entry.objects.filter(competition_id=round_.competition_id).count()
        results = RoundResult.objects.filter(round=round_).count()
        return CloseCounts(entrants, results, results, entrants, 0)
    slots = list(PanelSlot.objects.filter(panel__round=round_).select_related("entry__worker__org_unit"))
    seats: dict[int, list[Worker]] = {}
    for seat in PanelJudge.objects.filter(panel__round=round_).select_related("judge__org_unit"):
        seats.setdefault(seat.panel_id, []).append(seat.judge)
    expected = sum(1 for s in slots for j in seats.get(s.panel_id, []) if not _conflicts(j, s.entry.worker))
    entry_ids = {s.entry_id for s in slots}
    counted = JudgeScore.objects.filter(round=round_).aggregate(
        scores=Count("id"), contestants=Count("entry", distinct=True, filter=Q(entry_id__in=entry_ids))
    )
    return CloseCounts(
        contestants=len(entry_ids),
        scored_contestants=counted["contestants"],
        scores=counted["scores"],
        expected_scores=expected,
        pending_reviews=ScoreReview.objects.filter(round=round_, resolved_at__isnull=True).count(),
    )
