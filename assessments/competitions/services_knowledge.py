"""The knowledge round (知识竞赛): every entrant opens the paper at the same second.

The paper is an ordinary quiz configured by `services.knowledge_round_sync` (opens at the round's
start, closes at its end, one attempt); the quiz engine asks `paper_gate` before any start, so only
entrants may take it, and `quiz_list_without_papers` keeps papers out of the general quiz list.
Both are registered in apps.py through assessments.hooks (assessments never imports competitions).
"""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from assessments.competitions.models import Entry, Round, RoundKind
from assessments.competitions.services import CompetitionError


def paper_gate(quiz, worker) -> str | None:
    """The quiz engine's availability check for competition papers: entrants only."""
    competition_ids = list(
        Round.objects.filter(quiz_id=quiz.pk, kind=RoundKind.KNOWLEDGE).values_list("competition_id", flat=True)
    )
    if not competition_ids:
        return None
    if worker is not None and Entry.objects.filter(competition_id__in=competition_ids, worker=worker).exists():
        return None
    return "本试卷是技能比武知识竞赛试卷，仅限该比赛的参赛选手作答"


def quiz_list_without_papers(quizzes):
    """The general quiz list leaves competition papers out: entrants reach them from the waiting room."""
    return quizzes.exclude(competition_rounds__kind=RoundKind.KNOWLEDGE)


def knowledge_round_start(*, round_: Round, worker, now: dt.datetime | None = None):
    """Start (or resume) `worker`'s attempt at the knowledge round's paper. Refused before the start,
    after the end, for a worker not entered, and once their one attempt has been submitted."""
    from assessments.models import Attempt, AttemptState
    from assessments.services import AttemptRefused, attempt_start

    now = now or timezone.now()
    if round_.kind != RoundKind.KNOWLEDGE or round_.quiz_id is None or round_.starts_at is None:
        raise CompetitionError(f"“{round_.name}”不是已设置试卷和开赛时间的知识竞赛轮")
    competition = round_.competition
    if worker is None or not Entry.objects.filter(competition_id=round_.competition_id, worker=worker).exists():
        name = getattr(worker, "name", "当前账号")
        raise CompetitionError(f"{name}未报名“{competition.name}”，不能参加知识竞赛")
    if now < round_.starts_at:
        raise CompetitionError(f"知识竞赛尚未开始，将于 {timezone.localtime(round_.starts_at):%Y-%m-%d %H:%M:%S} 开考")
    states = list(Attempt.objects.filter(quiz_id=round_.quiz_id, worker=worker).values_list("state", flat=True))
    if any(state != AttemptState.IN_PROGRESS for state in states):
        raise CompetitionError("您已交卷，知识竞赛只能作答一次")
    if now >= round_.ends_at:
        raise CompetitionError("知识竞赛已结束，不能再开始作答")
    try:
        attempt = attempt_start(quiz=round_.quiz, worker=worker, now=now)
    except AttemptRefused as refused:
        raise CompetitionError(str(refused)) from None
    return attempt
