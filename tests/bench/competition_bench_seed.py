"""Seeds the competition bench database (run inside `manage.py shell` against the bench DATABASE_URL):
1,000 contestants over 40 communities with ready sessions, a competition with a 20-question knowledge
round and a published 情景模拟 round judged by 5 district judges (so live scores change the public
board, as a venue shows them), and helpers the bench calls between its phases."""

from __future__ import annotations

import datetime as dt
import json
import random
import time
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.db import transaction
from django.utils import timezone

from assessments.competitions.models import (
    Board,
    Competition,
    Entry,
    Panel,
    PanelJudge,
    PanelSlot,
    Round,
    RoundKind,
)
from assessments.competitions.services import board_rebuild, judge_score_save, knowledge_round_sync
from assessments.models import Quiz, QuizQuestion
from assessments.services import question_save
from lms import roles
from lms.models import Worker
from lms.services import org_unit_get_or_create_path, role_groups_ensure
from tests.bench.quiz_bench_seed import questions
from tests.bench.report import scaled
from tests.bench.sessions import bench_sessions_create

CONTESTANTS = scaled(1000, 50)  # BENCH_SCALE scales it down for a quick run
JUDGES = 5
QUESTIONS = 20


def main(output_path: str) -> None:
    rng = random.Random(1000)
    User = get_user_model()
    with transaction.atomic():
        groups = role_groups_ensure()
        grids = [
            org_unit_get_or_create_path(names=["比武市", f"区{d}", f"街道{d}{s}", f"社区{d}{s}{c}", "网格1"])
            for d in range(2)
            for s in range(4)
            for c in range(5)
        ]
        district = org_unit_get_or_create_path(names=["比武市", "区0"])
        password = make_password("Bench@2026")
        users = User.objects.bulk_create(User(username=f"B{n:05d}", password=password) for n in range(CONTESTANTS))
        workers = Worker.objects.bulk_create(
            Worker(user=u, employee_no=u.username, name=f"选手{n}", org_unit=grids[n % len(grids)])
            for n, u in enumerate(users)
        )
        judge_users = User.objects.bulk_create(User(username=f"J{n:03d}", password=password) for n in range(JUDGES))
        judges = Worker.objects.bulk_create(
            Worker(user=u, employee_no=u.username, name=f"评委{u.username}", org_unit=district) for u in judge_users
        )
        through = User.groups.through
        through.objects.bulk_create(through(user_id=u.pk, group_id=groups[roles.TRAINEE].pk) for u in users)
        through.objects.bulk_create(through(user_id=u.pk, group_id=groups[roles.JUDGE].pk) for u in judge_users)
        quiz = Quiz.objects.create(title="技能比武知识竞赛（压测）")
        for order, content in enumerate(questions(rng)[:QUESTIONS], start=1):
            question, _ = question_save(**content)
            QuizQuestion.objects.create(quiz=quiz, question=question, order=order)
        competition = Competition.objects.create(name="网格员技能比武（压测）")
        knowledge = Round.objects.create(
            competition=competition,
            order=1,
            name="知识竞赛",
            kind=RoundKind.KNOWLEDGE,
            weight=Decimal("0.4"),
            quiz=quiz,
            starts_at=timezone.now() + dt.timedelta(days=1),
            duration_minutes=30,
        )
        knowledge_round_sync(round_=knowledge)
        scenario = Round.objects.create(
            competition=competition,
            order=2,
            name="情景模拟",
            kind=RoundKind.SCENARIO,
            weight=Decimal("0.6"),
            max_score=Decimal("30"),
            published_at=timezone.now(),
        )
        entries = Entry.objects.bulk_create(Entry(competition=competition, worker=w) for w in workers)
        panel = Panel.objects.create(round=scenario, name="第一组")
        PanelJudge.objects.bulk_create(PanelJudge(panel=panel, judge=j, is_chief=i == 0) for i, j in enumerate(judges))
        PanelSlot.objects.bulk_create(PanelSlot(panel=panel, entry=e, order=i) for i, e in enumerate(entries, start=1))
        sessions = bench_sessions_create(users)
    board_rebuild(competition=competition)
    with open(output_path, "w", encoding="utf-8") as handle:
        json.dump(
            {
                "competition_id": competition.pk,
                "round_id": knowledge.pk,
                "quiz_id": quiz.pk,
                "token": competition.board_token,
                "sessions": [s.session_key for s in sessions],
                "workers": [w.employee_no for w in workers],
            },
            handle,
        )


def score_loop(output_path: str, seconds: float, per_second: float) -> None:
    """Judges keep scoring through the service, `per_second` scores a second for `seconds`; each line
    of the log is (time before the call, public ETag after the commit and its rebuild)."""
    competition = Competition.objects.get(name="网格员技能比武（压测）")
    scenario = competition.rounds.get(name="情景模拟")
    judges = list(Worker.objects.filter(employee_no__startswith="J").order_by("employee_no"))
    entries = list(Entry.objects.filter(competition=competition).select_related("worker__org_unit"))
    rng = random.Random(7)
    log = []
    stop = time.time() + seconds
    interval = 1.0 / per_second
    next_at = time.time()
    while time.time() < stop:
        entry, judge = rng.choice(entries), rng.choice(judges)
        total = Decimal(rng.randint(0, 3000)) / 100
        began = time.time()
        judge_score_save(round_=scenario, entry=entry, judge=judge, total=total)
        done = time.time()
        etag = Board.objects.get(competition=competition, audience=Board.Audience.PUBLIC).etag
        log.append((began, done, etag))
        next_at += interval
        time.sleep(max(0.0, next_at - time.time()))
    with open(output_path, "w", encoding="utf-8") as handle:
        json.dump(log, handle)


def knowledge_schedule(seconds_from_now: float) -> str:
    """Move the knowledge round's start to `seconds_from_now` from now (the paper follows); returns it."""
    knowledge = Round.objects.get(competition__name="网格员技能比武（压测）", name="知识竞赛")
    knowledge.starts_at = timezone.now() + dt.timedelta(seconds=seconds_from_now)
    knowledge.save(update_fields=["starts_at"])
    knowledge_round_sync(round_=knowledge)
    return knowledge.starts_at.isoformat()
