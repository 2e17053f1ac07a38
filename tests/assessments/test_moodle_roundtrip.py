"""A bank using every Moodle construct we keep — names, HTML stems, per-answer and true/false
feedback, 0% and wildcard feedback, partial credit — exported to GIFT and XLSX and imported
again changes nothing; the table columns that carry them are optional on import."""

import csv
from decimal import Decimal

import pytest

from assessments.bank_io import COLUMNS, read_bank
from assessments.models import Question, QuestionVersion, Quiz
from assessments.services import questions_import, quiz_export_bank
from lms.importing import ImportRejected
from tests.assessments.helpers import make_quiz

pytestmark = pytest.mark.django_db

FIELDS = (
    "qtype",
    "stem",
    "options",
    "answer",
    "explanation",
    "points",
    "indicator_code",
    "difficulty",
    "category",
    "title",
    "stem_format",
    "answer_feedback",
    "blank_credit",
)

BANK = [
    dict(
        qtype="单选",
        title="燃气: 第一步",
        stem='<p>发现<b>燃气</b>泄漏，<a href="https://example.org/规范" rel="noopener noreferrer nofollow">规范</a>要求先？</p>',
        stem_format="html",
        options={"A": "关闭阀门", "B": "打开电灯 # 查看", "C": "拨打电话"},
        answer="A",
        answer_feedback={"A": "对：先关阀", "B": "开灯会产生电火花\n非常危险"},
        explanation="室内不能产生电火花",
        points=Decimal("2"),
        indicator_code="3.2",
        difficulty="易",
        category="应急处置",
    ),
    dict(
        qtype="多选",
        title="走访对象",
        stem="哪些人需要纳入重点走访？",
        options={"A": "独居老人", "B": "留守儿童", "C": "外卖骑手"},
        answer="AB",
        answer_feedback={"C": "不属于重点人群"},
        points=Decimal("4"),
        indicator_code="2.3",
        category="应急处置",
    ),
    dict(
        qtype="判断",
        title="消防通道",
        stem="消防通道可以临时停放电动车。",
        answer="错",
        answer_feedback={"对": "其实不可以", "错": "对，任何时候都不行"},
        points=Decimal("1"),
        category="消防",
    ),
    dict(
        qtype="判断",
        stem="网格员应定期走访。",
        answer="对",
        answer_feedback={"对": "答对了"},
        points=Decimal("1"),
        category="消防",
    ),
    dict(
        qtype="填空",
        title="报警电话",
        stem="火警的报警电话是____？",
        answer="119|110",
        blank_credit={"110": "50"},
        answer_feedback={"110": "110 是匪警", "120": "120 是急救", "*": "再想想"},
        points=Decimal("1.5"),
        indicator_code="3.2",
        category="消防",
    ),
    dict(
        qtype="简答",
        title="谈谈",
        stem="谈谈你如何化解邻里噪音纠纷。",
        answer="先倾听，再约定",
        explanation="要点：倾听\n约定",
        points=Decimal("5"),
        category="消防",
    ),
]


def contents(quiz):
    return [
        tuple(getattr(slot.question, f) for f in FIELDS)
        for slot in quiz.slots.select_related("question").order_by("order")
    ]


@pytest.mark.parametrize("fmt", ["gift", "xlsx"])
def test_every_construct_survives_a_round_trip_into_a_new_quiz(tmp_path, fmt):
    source = make_quiz("源题库", BANK)
    path = tmp_path / f"bank.{fmt}"
    assert quiz_export_bank(quiz=source, target=str(path), fmt=fmt) == []
    questions_import(path=path, quiz_title="导回")
    assert contents(Quiz.objects.get(title="导回")) == contents(source)


@pytest.mark.parametrize("fmt", ["gift", "xlsx"])
def test_re_importing_the_export_into_the_same_quiz_changes_nothing(tmp_path, fmt):
    source = make_quiz("源题库", BANK)
    path = tmp_path / f"bank.{fmt}"
    quiz_export_bank(quiz=source, target=str(path), fmt=fmt)
    versions = QuestionVersion.objects.count()
    summary = questions_import(path=path, quiz_title="源题库")
    assert (summary.created, summary.updated, summary.removed) == (0, 0, 0)
    assert QuestionVersion.objects.count() == versions and Question.objects.count() == len(BANK)


def test_gift_export_writes_names_formats_weights_and_feedback(tmp_path):
    quiz_export_bank(quiz=make_quiz("源题库", BANK), target=str(tmp_path / "b.gift"), fmt="gift")
    text = (tmp_path / "b.gift").read_text(encoding="utf-8")
    assert "::燃气\\: 第一步:: [html]<p>发现<b>燃气</b>" in text
    assert "~打开电灯 \\# 查看#开灯会产生电火花\\n非常危险" in text
    assert "{F#其实不可以#对，任何时候都不行}" in text
    assert "{=119 =%50%110#110 是匪警 =%0%120#120 是急救 =%0%*#再想想}" in text
    assert "\n网格员应定期走访。 {T##答对了}" in text  # no name: none is invented


def write_csv(path, header, rows):
    with open(path, "w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(header)
        writer.writerows(rows)
    return path


OLD_HEADER = ["题型", "题干", "选项A", "选项B", "答案", "分值"]


def test_old_table_files_without_the_new_columns_still_import(tmp_path):
    path = write_csv(tmp_path / "old.csv", OLD_HEADER, [["单选", "选哪个？", "甲", "乙", "A", "1"]])
    records, errors = read_bank(path)
    assert not errors
    assert (records[0].title, records[0].stem_format, records[0].answer_feedback, records[0].blank_credit) == (
        "",
        "plain",
        {},
        {},
    )


def test_table_columns_carry_name_format_feedback_and_partial_credit(tmp_path):
    header = [*OLD_HEADER, "名称", "题干格式", "答案反馈", "部分得分"]
    rows = [
        ["单选", "<p>选<script>x()</script>哪个？</p>", "甲", "乙", "A", "1", "选择", "HTML", "A：对\nB：错了", ""],
        ["填空", "电话____", "", "", "119|110", "1", "", "", "110：是匪警", "110：50"],
    ]
    records, errors = read_bank(write_csv(tmp_path / "new.csv", header, rows))
    assert not errors
    single, blank = records
    assert (single.title, single.stem, single.stem_format) == ("选择", "<p>选哪个？</p>", "html")
    assert single.answer_feedback == {"A": "对", "B": "错了"}
    assert (blank.answer_feedback, blank.blank_credit) == ({"110": "是匪警"}, {"110": "50"})


def test_bad_feedback_and_credit_cells_are_named(tmp_path):
    header = [*OLD_HEADER, "题干格式", "答案反馈", "部分得分"]
    rows = [
        ["单选", "选哪个？", "甲", "乙", "A", "1", "富文本", "", ""],
        ["单选", "再选？", "甲", "乙", "A", "1", "", "C：没有这个选项", ""],
        ["填空", "电话____", "", "", "119", "1", "", "", "110：50"],
        ["填空", "区号____", "", "", "010|10", "1", "", "", "10：150"],
        ["单选", "又选？", "甲", "乙", "A", "1", "", "没有冒号", ""],
    ]
    with pytest.raises(ImportRejected) as refused:
        questions_import(path=write_csv(tmp_path / "bad.csv", header, rows), quiz_title="坏表")
    assert refused.value.lines == [
        "第1行: 题干格式“富文本”应为 纯文本 或 HTML",
        "第2行: 答案反馈的键“C”应为选项字母（A、B）",
        "第3行: 部分得分的“110”不是本题的备选答案（请同时写在答案里，用 | 分隔）",
        "第4行: 部分得分“10：150”应为 0 到 100 之间（不含）的百分数",
        "第5行: 答案反馈“没有冒号”应写成“键：内容”，每行一条",
    ]


def test_the_import_template_offers_the_new_columns():
    assert COLUMNS[-4:] == ["名称", "题干格式", "答案反馈", "部分得分"]
