"""Seeds the quiz bench database (run inside `manage.py shell` against the bench DATABASE_URL):
3,200 examinees with ready sessions, and one single-attempt, 60-minute exam of 30 questions."""

from __future__ import annotations

import json
import random
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.db import transaction

from assessments.models import Quiz, QuizQuestion
from assessments.services import question_save
from lms import roles
from lms.models import Worker
from lms.services import org_unit_get_or_create_path, role_groups_ensure
from tests.bench.report import scaled
from tests.bench.sessions import bench_sessions_create

EXAMINEES = scaled(3200, 40)  # BENCH_SCALE scales it down for a quick run


def questions(rng: random.Random) -> list[dict]:
    out = []
    for n in range(30):
        if n % 5 == 0:
            out.append(
                dict(
                    qtype="多选",
                    stem=f"第{n + 1}题 多选",
                    options={c: f"选项{c}" for c in "ABCDE"},
                    answer="ACE",
                    points=Decimal(4),
                )
            )
        elif n % 5 == 1:
            out.append(dict(qtype="判断", stem=f"第{n + 1}题 判断", answer="对", points=Decimal(2)))
        elif n % 5 == 2:
            out.append(
                dict(qtype="填空", stem=f"第{n + 1}题 填空 ____ ____", answer="二|2;二十四|24", points=Decimal(4))
            )
        else:
            out.append(
                dict(
                    qtype="单选",
                    stem=f"第{n + 1}题 单选",
                    options={c: f"选项{c}" for c in "ABCD"},
                    answer="B",
                    points=Decimal(3),
                )
            )
    for item in out:
        item["indicator_code"] = rng.choice(["1.1", "2.3", "3.2", "4.1", "5.2"])
    return out


def main(output_path: str) -> None:
    rng = random.Random(3200)
    User = get_user_model()
    with transaction.atomic():
        groups = role_groups_ensure()
        grids = [
            org_unit_get_or_create_path(names=["压测市", f"区{d}", f"街道{d}{s}", f"社区{s}", f"网格{g}"])
            for d in range(2)
            for s in range(4)
            for g in range(5)
        ]
        password = make_password("Bench@2026")
        users = User.objects.bulk_create(User(username=f"K{n:05d}", password=password) for n in range(EXAMINEES))
        Worker.objects.bulk_create(
            Worker(user=u, employee_no=u.username, name=f"考生{n}", org_unit=grids[n % len(grids)])
            for n, u in enumerate(users)
        )
        through = User.groups.through
        through.objects.bulk_create(through(user_id=u.pk, group_id=groups[roles.TRAINEE].pk) for u in users)
        quiz = Quiz.objects.create(title="全市网格员统一考试（压测）", time_limit_minutes=60, attempts_allowed=1)
        for order, content in enumerate(questions(rng), start=1):
            question, _ = question_save(**content)
            QuizQuestion.objects.create(quiz=quiz, question=question, order=order)
        sessions = bench_sessions_create(users)
    with open(output_path, "w", encoding="utf-8") as handle:
        json.dump({"quiz_id": quiz.pk, "sessions": [s.session_key for s in sessions]}, handle)
