"""GIFT read as Moodle's qformat_gift reads it (docs/imports.md «GIFT»): the type each construct
becomes, names, format markers, escapes, feedback, weights, and refusals naming the type once,
with the question's number, name and line."""

import pytest

from assessments.bank_io import parse_gift, write_gift
from assessments.models import Question, Quiz
from assessments.services import questions_import
from lms.importing import ImportRejected

pytestmark = pytest.mark.django_db

BANK = r"""// 社区网格题库（为本测试编写）
$CATEGORY: $course$/top/网格巡查

::巡查频次:: 网格员对重点楼栋多久巡查一次？ {
    =每天#对，重点楼栋每天巡查
    ~每周#太少了
    ~每月
    ####见《网格巡查规范》第三条
}

::走访对象:: 哪些人需要纳入重点走访？ {~%50%独居老人#是 ~%50%留守儿童 ~%-100%外卖骑手#不属于重点人群}

::消防通道:: 消防通道可以临时停放电动车。 {F#其实不可以#对，任何时候都不行}

::报警电话:: 火警的报警电话是？ {=119 =%50%110#110 是匪警，接警后也会转 =%0%120#120 是急救 =%0%*#再想想}

::缺词:: 居民议事会每 {=月 =个月} 召开一次。

::转义:: 比例 1\:2 的地图上\, 标注 \{甲\} 与 \#3\= 号楼\~ {T}

::谈谈:: 谈谈你如何化解邻里噪音纠纷。 {####要点：先倾听，再约定}
"""


def parsed(text):
    records, errors = parse_gift(text)
    return records, errors.lines()


def by_title(records):
    return {record.title: record for record in records}


def test_each_construct_becomes_our_type_with_its_name_and_category():
    records, errors = parsed(BANK)
    assert errors == []
    questions = by_title(records)
    assert [(r.title, r.qtype) for r in records] == [
        ("巡查频次", "单选"),
        ("走访对象", "多选"),
        ("消防通道", "判断"),
        ("报警电话", "填空"),
        ("缺词", "填空"),
        ("转义", "判断"),
        ("谈谈", "简答"),
    ]
    assert all(r.category == "网格巡查" for r in records)
    single = questions["巡查频次"]
    assert (single.options, single.answer) == ({"A": "每天", "B": "每周", "C": "每月"}, "A")
    assert single.explanation == "见《网格巡查规范》第三条"
    assert questions["谈谈"].explanation == "要点：先倾听，再约定"


def test_positive_weights_are_the_right_set_of_a_multiple_choice():
    records, _ = parsed(BANK)
    multi = by_title(records)["走访对象"]
    assert multi.options == {"A": "独居老人", "B": "留守儿童", "C": "外卖骑手"}
    assert multi.answer == "AB"


def test_per_answer_feedback_is_kept_by_option_letter_and_true_false_follows_moodle():
    questions = by_title(parsed(BANK)[0])
    assert questions["巡查频次"].answer_feedback == {"A": "对，重点楼栋每天巡查", "B": "太少了"}
    assert questions["走访对象"].answer_feedback == {"A": "是", "C": "不属于重点人群"}
    # {F#甲#乙}: Moodle shows 甲 to a wrong response (here 对) and 乙 to the right one (错).
    true_false = questions["消防通道"]
    assert true_false.answer == "错"
    assert true_false.answer_feedback == {"对": "其实不可以", "错": "对，任何时候都不行"}


def test_short_answer_partial_credit_zero_percent_and_wildcard():
    blank = by_title(parsed(BANK)[0])["报警电话"]
    assert blank.answer == "119|110"  # 0% answers and the * wildcard are never scored
    assert blank.blank_credit == {"110": "50"}
    assert blank.answer_feedback == {"110": "110 是匪警，接警后也会转", "120": "120 是急救", "*": "再想想"}


def test_missing_word_leaves_a_blank_where_the_block_was():
    blank = by_title(parsed(BANK)[0])["缺词"]
    assert (blank.stem, blank.answer) == ("居民议事会每 ____ 召开一次。", "月|个月")


def test_escapes_are_moodles_and_other_backslashes_stay():
    escaped = by_title(parsed(BANK)[0])["转义"]
    assert escaped.stem == r"比例 1:2 的地图上\, 标注 {甲} 与 #3= 号楼~"
    records, errors = parsed("::换行:: 第一行\\n第二行 C:\\\\temp {T}\n")
    assert errors == [] and records[0].stem == "第一行\n第二行 C:\\temp"


def test_format_markers_are_removed_and_html_stems_sanitised():
    text = (
        "::格式:: [html]<p>发现<b>燃气</b>泄漏<script>alert(1)</script>"
        '<img src="/media/gas.png" onerror="alert(2)"></p> {=[plain]关阀#[html]<p>正确</p> ~[html]<i>开灯</i>}\n\n'
        "::纯文本:: [plain]保持 <b> 原样 {T}\n\n"
        "::标记:: [markdown]**先**关阀 {T}\n"
    )
    records, errors = parsed(text)
    assert errors == []
    html, plain_text, markdown = records
    assert html.stem_format == "html"
    assert "<b>燃气</b>" in html.stem and "script" not in html.stem and "onerror" not in html.stem
    assert "alert" not in html.stem and '<img src="/media/gas.png">' in html.stem
    assert html.options == {"A": "关阀", "B": "开灯"}  # options and feedback are stored as plain text
    assert html.answer_feedback == {"A": "正确"}
    assert (plain_text.stem, plain_text.stem_format) == ("保持 <b> 原样", "plain")
    assert (markdown.stem, markdown.stem_format) == ("<p><strong>先</strong>关阀</p>", "html")


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("::甲:: 热身 {T}\n\n::Moodle activities:: 请配对 {=网格 -> 社区 =楼栋 -> 单元}\n", "匹配题暂不支持"),
        ("::甲:: 热身 {T}\n\n::楼层:: 这栋楼几层？ {#18:1}\n", "数值题暂不支持"),
        (
            "::甲:: 热身 {T}\n\n::说明:: 以下题目考查巡查知识。\n",
            "没有答案块 { … }：这是 Moodle 的“说明”（description），不是试题，暂不支持",
        ),
    ],
)
def test_types_we_do_not_have_are_refused_by_name_number_and_line_once(text, message):
    records, errors = parsed(text)
    name = text.split("\n\n")[1].split("::")[1]
    assert errors == [f"第2题（{name}，第3行）：{message}"]
    assert [r.title for r in records] == ["甲"]


def test_a_question_without_a_name_is_located_by_line_only():
    _, errors = parsed("// 注释\n\n\n请配对 {=网格 -> 社区 =楼栋 -> 单元}\n")
    assert errors == ["第1题（第4行）：匹配题暂不支持"]


def test_partial_credit_on_a_single_choice_and_two_right_answers_are_refused_clearly():
    _, errors = parsed("::部分:: 选哪个？ {=甲 ~%50%乙 ~丙}\n\n::两个:: 选哪个？ {=甲 =乙 ~丙}\n")
    assert errors == [
        "第1题（部分，第1行）：单选题的选项B有部分得分（%50%）：单选只按全对计分，"
        "请改为 = 或 ~，或把本题改成多选（全部用 ~%n% 权重）",
        "第2题（两个，第3行）：单选题有 2 个正确答案（AB）：单选只能有一个，多选请用 ~%n% 权重",
    ]


def test_a_scored_wildcard_and_a_short_answer_without_full_marks_are_refused():
    _, errors = parsed("::通配:: 说个词 {=网格* =社区}\n\n::无满分:: 说个词 {=%50%网格}\n")
    assert errors == [
        "第1题（通配，第1行）：答案“网格*”含通配符 *：本系统按整句比对，无法判分（只可用于 0% 的反馈）",
        "第2题（无满分，第3行）：填空题没有满分答案（=答案 或 =%100%答案）",
    ]


def test_any_error_refuses_the_whole_file(tmp_path):
    path = tmp_path / "bank.gift"
    path.write_text(BANK + "\n::楼层:: 这栋楼几层？ {#18:1}\n", encoding="utf-8")
    with pytest.raises(ImportRejected) as refused:
        questions_import(path=path, quiz_title="巡查")
    assert refused.value.lines == ["第8题（楼层，第23行）：数值题暂不支持"]
    assert not Quiz.objects.exists() and not Question.objects.exists()


def test_a_duplicate_names_questions_not_lines(tmp_path):
    path = tmp_path / "bank.gift"
    path.write_text("::一:: 同一题 {T}\n\n::二:: 同一题 {T}\n", encoding="utf-8")
    with pytest.raises(ImportRejected) as refused:
        questions_import(path=path, quiz_title="重复")
    assert refused.value.lines == ["第2题（二，第3行）：与第1题是同一道题（题型和题干相同）"]


def test_names_are_written_back_and_no_name_is_invented():
    records, _ = parsed("::有名字:: 甲 {T}\n\n乙 {F}\n")
    text, notes = write_gift(records)
    assert notes == []
    assert "::有名字:: 甲 {T}" in text and "\n乙 {F}" in text and "::Q" not in text
    again, errors = parsed(text)
    assert errors == [] and [r.title for r in again] == ["有名字", ""]


def test_a_name_too_long_for_the_bank_is_named_not_a_crash():
    _, errors = parsed(f"::{'长' * 256}:: 题 {{T}}\n")
    assert len(errors) == 1 and errors[0].endswith("：题目名称超过 255 字")
