"""Reads for the organiser's and the contestant's pages of 技能比武: who sees which competition, its
status, a contestant's own published scores and comments, and the organiser's round overview."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.db.models import Count, Q
from django.utils import timezone

from assessments.competitions import selectors
from assessments.competitions.models import (
    Competition,
    Entry,
    EntryMode,
    JudgeScore,
    PanelJudge,
    Round,
    RoundResult,
    ScoreReview,
)
from lms import roles
from lms.access import worker_of


def _ancestor_ids(worker) -> list[int]:
    return [int(part) for part in worker.org_unit.path.split("/") if part]


def visible_q(user) -> Q:
    """Competitions a user may see (docs/rules.md §14.1): trainers, judges and superusers all; others
    those open to their unit (全市, or organised by a unit above them), entered or judged by them."""
    if user is None or not user.is_authenticated:
        return Q(pk__in=[])
    if user.is_superuser or roles.has_role(user, roles.TRAINER, roles.JUDGE):
        return Q()  # rules §14.1: 培训管理员、评委和超级管理员看到全部比赛
    worker = worker_of(user)
    if worker is None:
        return Q(pk__in=[])
    return (
        Q(organiser_unit__isnull=True)
        | Q(organiser_unit_id__in=_ancestor_ids(worker))
        | Q(pk__in=Entry.objects.filter(worker=worker).values("competition_id"))
        | Q(pk__in=PanelJudge.objects.filter(judge=worker).values("panel__round__competition_id"))
    )


def visible_competitions(user):
    return Competition.objects.filter(visible_q(user)).select_related("organiser_unit").distinct()


def may_see(user, competition: Competition) -> bool:
    return Competition.objects.filter(visible_q(user), pk=competition.pk).exists()


def status_of(competition: Competition, rounds: list[Round], now: dt.datetime | None = None) -> str:
    now = now or timezone.now()
    if rounds and all(r.published_at is not None for r in rounds):
        return "已结束"
    started = any(
        r.closed_at is not None or r.published_at is not None or (r.starts_at is not None and r.starts_at <= now)
        for r in rounds
    )
    if started:
        return "进行中"
    if competition.entry_closes_at is not None and now >= competition.entry_closes_at:
        return "报名截止"
    return "报名中" if competition.entry_mode == EntryMode.OPEN else "推荐中"


def round_status(round_: Round, now: dt.datetime | None = None) -> str:
    now = now or timezone.now()
    if round_.published_at is not None:
        return "已公布"
    if round_.closed_at is not None:
        return "已截止评分"
    if round_.starts_at is not None and now < round_.starts_at:
        return "未开始"
    if round_.starts_at is None and not round_.is_judged:
        return "未定时间"
    return "进行中"


@dataclass
class ListRow:
    competition: Competition
    status: str
    entered: bool
    manages: bool


def list_rows(user, now: dt.datetime | None = None) -> list[ListRow]:
    competitions = list(visible_competitions(user).prefetch_related("rounds"))
    worker = worker_of(user)
    entered = set()
    if worker is not None:
        entered = set(Entry.objects.filter(worker=worker).values_list("competition_id", flat=True))
    return [
        ListRow(
            competition=c,
            status=status_of(c, list(c.rounds.all()), now),
            entered=c.pk in entered,
            manages=selectors.can_manage(user, c),
        )
        for c in competitions
    ]


@dataclass
class OwnRound:
    round: Round
    score: object = None
    percent: object = None
    comments: list[str] = field(default_factory=list)


def own_published_results(entry: Entry) -> list[OwnRound]:
    """A contestant's own scores of published rounds and the judges' 专家点评 (comments only: no
    judge's name or marks); nothing at all of an unpublished round."""
    rounds = [r for r in selectors.rounds_of(entry.competition) if r.published_at is not None]
    results = {r.round_id: r for r in RoundResult.objects.filter(entry=entry, round__in=rounds)}
    comments: dict[int, list[str]] = {}
    for round_id, comment in (
        JudgeScore.objects.filter(entry=entry, round__in=rounds)
        .exclude(comment="")
        .order_by("id")
        .values_list("round_id", "comment")
    ):
        comments.setdefault(round_id, []).append(comment)
    rows = []
    for round_ in rounds:
        result = results.get(round_.pk)
        rows.append(
            OwnRound(
                round=round_,
                score=result.score if result else None,
                percent=result.percent if result else None,
                comments=comments.get(round_.pk, []),
            )
        )
    return rows


@dataclass
class ManageRound:
    round: Round
    status: str
    scored: int
    panels: int
    judges: int
    pending_reviews: int


def manage_rounds(competition: Competition, now: dt.datetime | None = None) -> list[ManageRound]:
    rounds = list(
        competition.rounds.annotate(
            scored=Count("results", distinct=True),
            panel_count=Count("panels", distinct=True),
            judge_count=Count("panels__judges", distinct=True),
        ).order_by("order", "id")
    )
    pending = dict(
        ScoreReview.objects.filter(round__competition=competition, resolved_at__isnull=True)
        .values("round_id")
        .annotate(n=Count("id"))
        .values_list("round_id", "n")
    )
    return [
        ManageRound(
            round=r,
            status=round_status(r, now),
            scored=r.scored,
            panels=r.panel_count,
            judges=r.judge_count,
            pending_reviews=pending.get(r.pk, 0),
        )
        for r in rounds
    ]


def entrants_of(competition: Competition):
    return (
        Entry.objects.filter(competition=competition)
        .select_related("worker__org_unit")
        .order_by("worker__org_unit__path", "worker__employee_no")
    )
