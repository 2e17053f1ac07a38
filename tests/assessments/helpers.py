"""Small builders for assessment tests (questions go through the same services as imports)."""

from __future__ import annotations

from decimal import Decimal

from assessments.models import Quiz, QuizQuestion
from assessments.services import question_save

SAMPLE = [
    dict(
        qtype="单选",
        stem="一般问题的响应时限是多少？",
        options={"A": "2小时", "B": "24小时", "C": "72小时"},
        answer="B",
        points=Decimal("2"),
        indicator_code="3.3",
        difficulty="易",
        category="政策法规",
    ),
    dict(
        qtype="多选",
        stem="哪些属于负面清单事项？",
        options={"A": "行政执法", "B": "强制拆迁", "C": "政策宣传", "D": "经济纠纷处置"},
        answer="ABD",
        points=Decimal("4"),
        indicator_code="1.3",
        difficulty="中",
        category="政策法规",
    ),
    dict(
        qtype="判断",
        stem="红色对象每周上门走访。",
        answer="对",
        points=Decimal("1"),
        indicator_code="3.4",
        category="精准服务",
    ),
    dict(
        qtype="填空",
        stem="紧急问题____小时响应，____小时办结。",
        answer="2|两|二;24|二十四",
        points=Decimal("3"),
        indicator_code="3.3",
        category="政策法规",
    ),
]
ESSAY = dict(
    qtype="简答",
    stem="简述燃气泄漏现场的处置步骤。",
    answer="关阀、开窗、疏散、报警",
    points=Decimal("10"),
    indicator_code="3.2",
    category="应急处置",
)


def make_quiz(title="测试测验", questions=SAMPLE, **quiz_fields) -> Quiz:
    quiz = Quiz.objects.create(title=title, **quiz_fields)
    for order, content in enumerate(questions, start=1):
        question, _ = question_save(**content)
        QuizQuestion.objects.create(quiz=quiz, question=question, order=order)
    return quiz
