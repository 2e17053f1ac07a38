"""The knowledge round (知识竞赛): every entrant opens the paper at the same second.

The paper is an ordinary quiz configured by `services.knowledge_round_sync` (opens at the round's
start, closes at its end, one attempt); the quiz engine asks `paper_gate` before any start, so only
entrants may take it, and `quiz_list_without_papers` keeps papers out of the general quiz list.
Both are registered in apps.py through assessments.hooks (assessments never imports competitions).
"""

from __future__ import annotations

import datetime as dt
import random
import threading
import time

from django.db import IntegrityError, transaction
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


# The frozen paper of each knowledge round, per process: drawn once (the same paper for every
# contestant, as a contest should be), so a start is two INSERTs. Keyed by the round, its quiz and its
# start, so a changed paper or a moved start draws again; entries expire after PAPER_TTL seconds.
PAPER_TTL = 300.0
_papers: dict[tuple, tuple[float, list]] = {}
_papers_lock = threading.Lock()


def knowledge_paper(round_: Round) -> list:
    """The round's frozen paper: [(question, version, option map)], drawn once per process."""
    from assessments.services import paper_freeze

    key = (round_.pk, round_.quiz_id, round_.starts_at, round_.duration_minutes)
    now = time.monotonic()
    cached = _papers.get(key)
    if cached is not None and cached[0] > now:
        return cached[1]
    with _papers_lock:
        cached = _papers.get(key)
        if cached is not None and cached[0] > now:
            return cached[1]
        paper = paper_freeze(round_.quiz, random.Random(round_.pk))
        _papers[key] = (now + PAPER_TTL, paper)
        return paper


def knowledge_papers_forget() -> None:
    with _papers_lock:
        _papers.clear()


def knowledge_round_start(*, round_: Round, worker, now: dt.datetime | None = None):
    """Start (or resume) `worker`'s attempt at the knowledge round's paper. Refused before the start,
    after the end, for a worker not entered, and once their one attempt has been submitted.

    A thousand contestants press start in the same second, so this is the cheap path: the paper is
    frozen once per process (`knowledge_paper`) and a start is one read of the worker's attempts and
    two INSERTs; the database's one-open-attempt constraint settles two simultaneous starts."""
    from assessments.models import Attempt, AttemptState
    from assessments.services import AttemptRefused, attempt_create

    now = now or timezone.now()
    if round_.kind != RoundKind.KNOWLEDGE or round_.quiz_id is None or round_.starts_at is None:
        raise CompetitionError(f"“{round_.name}”不是已设置试卷和开赛时间的知识竞赛轮")
    competition = round_.competition
    if worker is None or not Entry.objects.filter(competition_id=round_.competition_id, worker=worker).exists():
        name = getattr(worker, "name", "当前账号")
        raise CompetitionError(f"{name}未报名“{competition.name}”，不能参加知识竞赛")
    if now < round_.starts_at:
        raise CompetitionError(f"知识竞赛尚未开始，将于 {timezone.localtime(round_.starts_at):%Y-%m-%d %H:%M:%S} 开考")
    attempts = list(Attempt.objects.filter(quiz_id=round_.quiz_id, worker=worker).order_by("number"))
    if any(a.state != AttemptState.IN_PROGRESS for a in attempts):
        raise CompetitionError("您已交卷，知识竞赛只能作答一次")
    if now >= round_.ends_at:
        raise CompetitionError("知识竞赛已结束，不能再开始作答")
    if attempts:
        return attempts[0]
    quiz = round_.quiz
    if quiz.opens_at != round_.starts_at or quiz.closes_at != round_.ends_at or quiz.is_draft:
        raise CompetitionError("试卷的开放时间与本轮不一致，请组织方保存一次本轮设置")
    try:
        paper = knowledge_paper(round_)
        with transaction.atomic():
            return attempt_create(quiz=quiz, worker=worker, number=1, now=now, frozen=paper)
    except AttemptRefused as refused:
        raise CompetitionError(str(refused)) from None
    except IntegrityError:  # a simultaneous start of the same contestant won: resume its attempt
        winner = Attempt.objects.filter(quiz_id=round_.quiz_id, worker=worker).first()
        if winner is None or winner.state != AttemptState.IN_PROGRESS:
            raise CompetitionError("您已交卷，知识竞赛只能作答一次") from None
        return winner
