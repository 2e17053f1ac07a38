"""`import_questions FILE --quiz NAME`: CSV/XLSX/GIFT, atomic, idempotent, versioned."""

import pytest
from openpyxl import Workbook

from assessments.models import Answer, Question, QuestionVersion, Quiz
from assessments.services import attempt_start
from tests import tables

pytestmark = pytest.mark.django_db

HEADER = ["题型", "题干", "选项A", "选项B", "选项C", "选项D", "答案", "解析", "分值", "能力指标", "难度"]
GOOD = [
    [
        "单选",
        "一般问题多长时间内办结？",
        "24小时",
        "48小时",
        "72小时",
        "",
        "C",
        "一般问题24小时响应、72小时办结",
        "2",
        "3.3",
        "易",
    ],
    ["多选", "哪些不属于网格员职责？", "行政执法", "强制拆迁", "政策宣传", "信息采集", "AB", "", "4", "1.3", "中"],
    ["判断", "黄色关注对象每半月联系一次。", "", "", "", "", "对", "", "1", "3.4", ""],
    ["填空", "火警电话是____。", "", "", "", "", "119", "", "1", "3.2", "易"],
    ["简答", "简述调解邻里纠纷的基本步骤。", "", "", "", "", "倾听、核实、协商、回访", "", "10", "2.3", "难"],
]


def write_csv(path, rows, header=HEADER):
    return tables.write_csv(path, header, rows)


def run(path, quiz="入职结业考试"):
    return tables.run_command("import_questions", path, "--quiz", quiz)


def test_csv_creates_quiz_with_defaults_and_file_order(tmp_path):
    status, out, _ = run(write_csv(tmp_path / "q.csv", GOOD))
    assert status == 0, out
    quiz = Quiz.objects.get(title="入职结业考试")
    assert (quiz.is_draft, quiz.audience, quiz.time_limit_minutes, quiz.attempts_allowed) == (False, None, None, None)
    assert quiz.multi_partial_credit is True and quiz.pass_mark_percent == 60
    stems = [s.question.stem for s in quiz.slots.order_by("order")]
    assert stems == [row[1] for row in GOOD]
    multi = Question.objects.get(qtype="多选")
    assert multi.options == {"A": "行政执法", "B": "强制拆迁", "C": "政策宣传", "D": "信息采集"}
    assert multi.answer == "AB" and str(multi.points) == "4.00" and multi.indicator_code == "1.3"


def test_rerun_changes_nothing_and_makes_no_versions(tmp_path):
    path = write_csv(tmp_path / "q.csv", GOOD)
    run(path)
    before = (
        Question.objects.count(),
        QuestionVersion.objects.count(),
        list(Question.objects.values_list("updated_at", flat=True)),
    )
    status, out, _ = run(path)
    assert status == 0
    assert "未变化 5 题" in out
    after = (
        Question.objects.count(),
        QuestionVersion.objects.count(),
        list(Question.objects.values_list("updated_at", flat=True)),
    )
    assert before == after


def test_xlsx_is_read_the_same_way(tmp_path):
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(HEADER)
    for row in GOOD:
        sheet.append([int(v) if v.isdigit() and i == 8 else v for i, v in enumerate(row)])
    workbook.save(tmp_path / "q.xlsx")
    assert run(tmp_path / "q.xlsx")[0] == 0
    assert Quiz.objects.get().slots.count() == 5
    assert Question.objects.get(qtype="填空").points == 1


def test_bad_rows_exit_2_each_reported_nothing_written(tmp_path):
    bad = [
        GOOD[0],
        ["问答", "未知题型", "", "", "", "", "x", "", "1", "", ""],
        ["单选", "答案不在选项中", "甲", "乙", "", "", "D", "", "1", "", ""],
        ["多选", "多选只有一个答案", "甲", "乙", "丙", "", "A", "", "1", "", ""],
        ["单选", "缺分值", "甲", "乙", "", "", "A", "", "", "", ""],
        ["单选", "分值为零", "甲", "乙", "", "", "A", "", "0", "", ""],
        ["单选", "未知指标", "甲", "乙", "", "", "A", "", "1", "9.9", ""],
    ]
    status, _, err = run(write_csv(tmp_path / "bad.csv", bad))
    assert status == 2
    lines = err.strip().splitlines()
    assert lines[0].startswith("第2行: 未知题型“问答”")
    assert lines[1].startswith("第3行: 答案“D”不在给出的选项中")
    assert lines[2].startswith("第4行: 多选题的答案至少要有两个选项")
    assert lines[3] == "第5行: 缺少分值"
    assert lines[4].startswith("第6行: 分值“0”应大于 0")
    assert lines[5].startswith("第7行: 未知能力指标“9.9”")
    assert len(lines) == 6
    assert not Quiz.objects.exists() and not Question.objects.exists()


def test_editing_a_used_question_makes_a_new_version_and_attempts_keep_theirs(tmp_path, city_tree, make_worker):
    path = write_csv(tmp_path / "q.csv", GOOD)
    run(path)
    quiz = Quiz.objects.get()
    worker = make_worker(unit=city_tree["grid_a"])
    attempt = attempt_start(quiz=quiz, worker=worker)
    edited = [list(row) for row in GOOD]
    edited[0][6] = "B"  # change the answer of a used question
    edited[1][8] = "6"  # and the points of another
    status, out, _ = run(write_csv(tmp_path / "q2.csv", edited))
    assert status == 0 and "修改 2 题" in out
    single = Question.objects.get(qtype="单选")
    assert single.answer == "B"
    assert list(single.versions.values_list("number", "answer")) == [(1, "C"), (2, "B")]
    seen = Answer.objects.get(attempt=attempt, question=single).version
    assert seen.number == 1 and seen.answer == "C"


def test_editing_an_unused_question_updates_its_version_in_place(tmp_path):
    run(write_csv(tmp_path / "q.csv", GOOD))
    edited = [list(row) for row in GOOD]
    edited[0][6] = "B"
    run(write_csv(tmp_path / "q2.csv", edited))
    single = Question.objects.get(qtype="单选")
    assert list(single.versions.values_list("number", "answer")) == [(1, "B")]


def test_reordered_and_shortened_file_updates_quiz_membership(tmp_path):
    run(write_csv(tmp_path / "q.csv", GOOD))
    status, out, _ = run(write_csv(tmp_path / "q2.csv", [GOOD[3], GOOD[0]]))
    assert status == 0 and "移出 3 题" in out
    quiz = Quiz.objects.get()
    assert [s.question.stem for s in quiz.slots.order_by("order")] == [GOOD[3][1], GOOD[0][1]]
    assert Question.objects.count() == 5  # the bank keeps them


GIFT = """// 网格学院题库
$CATEGORY: 应急处置

// 分值: 2; 能力指标: 3.2; 难度: 易
::燃气:: 发现燃气泄漏，首先应该做什么？ {=关闭阀门并开窗通风 ~打开电灯查看 ~拨打手机报警 ####室内不能产生电火花}

// 分值: 4; 能力指标: 2.3
调解纠纷应当坚持哪些原则？ {~%50%自愿 ~%50%合法 ~%-100%强制}

独居老人连续多日未出门，应及时上门查看。 {T}

// 分值: 1
火警电话是多少？ {=119 =幺幺九}

// 分值: 5; 能力指标: 5.2
谈谈面对群众抱怨时如何保持冷静。 {}
"""


def test_gift_import(tmp_path):
    path = tmp_path / "bank.gift"
    path.write_text(GIFT, encoding="utf-8")
    status, out, err = run(path, quiz="应急练习")
    assert status == 0, err
    questions = [s.question for s in Quiz.objects.get(title="应急练习").slots.order_by("order")]
    assert [q.qtype for q in questions] == ["单选", "多选", "判断", "填空", "简答"]
    assert questions[0].stem == "发现燃气泄漏，首先应该做什么？" and questions[0].answer == "A"
    assert questions[0].explanation == "室内不能产生电火花" and questions[0].category == "应急处置"
    assert questions[1].answer == "AB" and questions[1].points == 4
    assert questions[2].answer == "对" and questions[2].points == 1
    assert questions[3].answer == "119|幺幺九"
    assert questions[4].indicator_code == "5.2"


def test_gift_errors_are_numbered_by_question(tmp_path):
    path = tmp_path / "bad.gift"
    path.write_text("第一题 {=对 ~错}\n\n// 分值: 0\n第二题 {=甲 ~乙}\n\n第三题没有答案块\n", encoding="utf-8")
    status, _, err = run(path)
    assert status == 2
    assert err.strip().splitlines() == [
        "第2题（第4行）：分值“0”应大于 0",
        "第3题（第6行）：没有答案块 { … }：这是 Moodle 的“说明”（description），不是试题，暂不支持",
    ]
