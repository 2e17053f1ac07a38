"""Demo data of assessments: a 164-question bank written for this project (policy, mediation,
emergency handling, information collection, psychology; all 18 indicators), loaded through the
same import service as `import_questions`; an onboarding final exam drawn per indicator, a daily
practice quiz, and a few finished attempts so statistics and the marking queue have content."""

from __future__ import annotations

import random
from pathlib import Path

from assessments.models import AttemptState, Quiz, QuizDrawRule, ReviewWhen
from assessments.scoring import split_blanks
from assessments.services import answer_save, attempt_start, attempt_submit, questions_import
from lms.models import Worker

BANK_FILE = Path(__file__).parent / "demo_data" / "questions.csv"
BANK = "网格员能力题库"
EXAM = "入职结业考试"
PRACTICE = "每日练习（随机20题）"
CATEGORIES = ["政策法规", "沟通调解", "问题处置", "应急处置", "精准服务", "信息采集", "心理调适"]


def load(stdout) -> None:
    summary = questions_import(path=BANK_FILE, quiz_title=BANK)
    bank = summary.quiz
    if summary.quiz_created:
        # The bank's own quiz is a container for trainers (export, statistics), not for trainees.
        Quiz.objects.filter(pk=bank.pk).update(
            is_draft=True, description="演示题库：全部试题，供培训管理员维护和导出。"
        )
    stdout.write(f"题库：{summary}")

    exam, created = Quiz.objects.get_or_create(
        title=EXAM,
        defaults=dict(
            description="新入职网格员结业考试：按 18 项能力指标各抽 1 题，另加应急处置、政策法规各 6 题；抽到的简答题由评委人工阅卷。限时 60 分钟，最多作答 2 次，取最高分，60% 及格；两次都交卷或考试截止后公布答案与解析。",
            time_limit_minutes=60,
            attempts_allowed=2,
            grading_method="highest",
            shuffle_options=True,
            draw_essays=True,
            review_answers=ReviewWhen.AFTER_LAST,
        ),
    )
    if created:
        rules = [
            QuizDrawRule(quiz=exam, order=n, count=1, indicator_code=code)
            for n, code in enumerate(
                [
                    "1.1",
                    "1.2",
                    "1.3",
                    "1.4",
                    "2.1",
                    "2.2",
                    "2.3",
                    "2.4",
                    "3.1",
                    "3.2",
                    "3.3",
                    "3.4",
                    "4.1",
                    "4.2",
                    "4.3",
                    "4.4",
                    "5.1",
                    "5.2",
                ],
                start=1,
            )
        ]
        rules += [
            QuizDrawRule(quiz=exam, order=20, count=6, category="应急处置", difficulty="中"),
            QuizDrawRule(quiz=exam, order=21, count=6, category="政策法规", difficulty="易"),
        ]
        QuizDrawRule.objects.bulk_create(rules)
        judges = Worker.objects.filter(employee_no__in=["pw001", "pw002"]).select_related("user")
        exam.markers.add(*[j.user for j in judges])

    practice, created = Quiz.objects.get_or_create(
        title=PRACTICE,
        defaults=dict(
            description="每次从题库 7 个分类各抽 3 题（只抽单选、多选、判断、填空，交卷即出分）、打乱后取 20 题，不限时、不限次数，作答时即可查看答案和解析，多选少选得一半分。",
            shuffle_questions=True,
            shuffle_options=True,
            max_questions=20,
            review_answers=ReviewWhen.DURING,
            paper_mode=False,
            grading_method="last",
        ),
    )
    if created:
        QuizDrawRule.objects.bulk_create(
            QuizDrawRule(quiz=practice, order=n, count=3, category=category)
            for n, category in enumerate(CATEGORIES, start=1)
        )
    _sample_attempts(exam, stdout)


def _sample_attempts(exam: Quiz, stdout) -> None:
    """Twenty workers of 江北区 (wg0003–wg0022) have sat the final exam: answers drawn with a
    skill level per person, so the statistics show spread; 简答 answers wait in the marking queue."""
    if exam.attempts.exists():
        return
    rng = random.Random(2026)
    workers = Worker.objects.filter(employee_no__in=[f"wg{n:04d}" for n in range(3, 23)]).order_by("employee_no")
    for index, worker in enumerate(workers):
        skill = 0.45 + 0.5 * index / 20
        attempt = attempt_start(quiz=exam, worker=worker, seed=index)
        for answer in attempt.answers.select_related("version"):
            version = answer.version
            right = rng.random() < skill
            own_to_shown = {own: shown for shown, own in answer.option_map.items()} or {c: c for c in version.options}
            if version.qtype == "单选":
                letter = version.answer if right else rng.choice([c for c in version.options if c != version.answer])
                response = own_to_shown[letter]
            elif version.qtype == "多选":
                letters = version.answer if right else version.answer[:-1]
                response = "".join(sorted(own_to_shown[c] for c in letters))
            elif version.qtype == "判断":
                response = version.answer if right else ("错" if version.answer == "对" else "对")
            elif version.qtype == "填空":
                response = [alts[0] if right else "不清楚" for alts in split_blanks(version.answer)]
            else:
                response = "先了解情况并安抚群众，按流程上报，跟踪办理并及时反馈。" if right else "上报领导处理。"
            answer_save(answer=answer, response=response)
        attempt_submit(attempt=attempt)
    pending = exam.attempts.filter(state=AttemptState.PENDING_MARKING).count()
    stdout.write(
        f"“{exam.title}”示例作答 {workers.count()} 份，其中 {pending} 份待阅卷（评委 pw001、pw002 或培训管理员 px001 可阅）。"
    )
