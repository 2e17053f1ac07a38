"""Moodle XML question files: what each question becomes, what is refused and why, the export as
Moodle 4.x's importer reads it, and the round trip."""

import io
from decimal import Decimal
from xml.etree import ElementTree as ET

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.urls import reverse

from assessments.bank_moodle_xml import MOODLE_FRACTIONS, moodle_fraction, parse_moodle_xml
from assessments.imports import QUESTIONS
from assessments.models import Question, QuestionVersion, Quiz
from assessments.services import questions_import, quiz_export_bank
from lms import roles
from lms.importing import ImportRejected
from lms.models import ImportJob
from tests.assessments.helpers import ESSAY, SAMPLE, make_quiz


def quiz_xml(*questions: str) -> bytes:
    return ('<?xml version="1.0" encoding="UTF-8"?>\n<quiz>\n' + "\n".join(questions) + "\n</quiz>\n").encode()


CATEGORY = '<question type="category"><category><text>$course$/top/默认/政策法规</text></category></question>'
SINGLE = """<question type="multichoice">
  <name><text>响应时限</text></name>
  <questiontext format="html"><text><![CDATA[<p>一般问题的<b>响应</b>时限？<script>alert(1)</script><img src="x.png" onerror="alert(1)"></p>]]></text></questiontext>
  <generalfeedback format="html"><text><![CDATA[<p>24小时响应</p><p>72小时办结</p>]]></text></generalfeedback>
  <defaultgrade>2.0000000</defaultgrade>
  <single>true</single>
  <answer fraction="0" format="html"><text><![CDATA[<p>2小时</p>]]></text><feedback format="html"><text>太短</text></feedback></answer>
  <answer fraction="100" format="html"><text>24小时</text><feedback format="html"><text>正确</text></feedback></answer>
  <answer fraction="0" format="html"><text>72小时</text></answer>
  <tags><tag><text>能力指标:3.3</text></tag><tag><text>难度：易</text></tag><tag><text>其他标签</text></tag></tags>
</question>"""
MULTI = """<question type="multichoice">
  <name><text>负面清单</text></name>
  <questiontext format="plain_text"><text>哪些属于负面清单事项？</text></questiontext>
  <defaultgrade>4</defaultgrade>
  <single>false</single>
  <answer fraction="50"><text>行政执法</text></answer>
  <answer fraction="50"><text>强制拆迁</text></answer>
  <answer fraction="-100"><text>政策宣传</text><feedback><text>这是网格员的职责</text></feedback></answer>
</question>"""
TRUE_FALSE = """<question type="truefalse">
  <name><text>走访</text></name>
  <questiontext format="moodle_auto_format"><text>红色对象每月上门走访一次即可。</text></questiontext>
  <answer fraction="0" format="moodle_auto_format"><text>true</text><feedback><text>应每周</text></feedback></answer>
  <answer fraction="100" format="moodle_auto_format"><text>false</text><feedback><text>对，每周</text></feedback></answer>
</question>"""
SHORT = """<question type="shortanswer">
  <name><text>报警电话</text></name>
  <questiontext format="markdown"><text>报警电话是 **多少**？</text></questiontext>
  <usecase>0</usecase>
  <answer fraction="100"><text>110</text><feedback><text>正确</text></feedback></answer>
  <answer fraction="100"><text>幺幺零</text></answer>
  <answer fraction="50"><text>一一零</text><feedback><text>写数字更好</text></feedback></answer>
  <answer fraction="0"><text>119</text><feedback><text>那是火警</text></feedback></answer>
  <answer fraction="0"><text>120</text></answer>
</question>"""
ESSAY_XML = """<question type="essay">
  <name><text>燃气泄漏</text></name>
  <questiontext><text><![CDATA[<p>简述燃气泄漏现场的处置步骤。</p>]]></text></questiontext>
  <defaultgrade>10</defaultgrade>
  <graderinfo format="html"><text><![CDATA[<p>关阀、开窗、疏散、报警，各 2.5 分</p>]]></text></graderinfo>
  <responsetemplate format="html"><text>步骤：</text></responsetemplate>
</question>"""


def parse(*questions):
    records, errors = parse_moodle_xml(quiz_xml(*questions))
    assert not errors, errors.lines()
    return records


def test_each_supported_type_becomes_our_question():
    single, multi, true_false, short, essay = parse(CATEGORY, SINGLE, MULTI, TRUE_FALSE, SHORT, ESSAY_XML)
    assert (single.qtype, single.answer, single.title, single.category) == ("单选", "B", "响应时限", "政策法规")
    assert single.options == {"A": "2小时", "B": "24小时", "C": "72小时"}
    assert single.answer_feedback == {"A": "太短", "B": "正确"}
    assert (single.points, single.indicator_code, single.difficulty) == (Decimal("2"), "3.3", "易")
    assert single.explanation == "24小时响应\n72小时办结"
    assert (multi.qtype, multi.answer, multi.points, multi.answer_feedback) == (
        "多选",
        "AB",
        Decimal("4"),
        {"C": "这是网格员的职责"},
    )
    assert (true_false.qtype, true_false.answer) == ("判断", "错")
    assert true_false.answer_feedback == {"对": "应每周", "错": "对，每周"}
    assert (short.qtype, short.answer) == ("填空", "110|幺幺零|一一零")
    assert short.blank_credit == {"一一零": "50"}
    # a 0-fraction answer scores nothing; its feedback is kept, an answer without feedback is dropped
    assert short.answer_feedback == {"110": "正确", "一一零": "写数字更好", "119": "那是火警"}
    assert (essay.qtype, essay.answer, essay.points) == ("简答", "", Decimal("10"))
    assert essay.marking_guide == "关阀、开窗、疏散、报警，各 2.5 分"
    assert all(record.category == "政策法规" for record in (multi, true_false, short, essay))


def test_question_text_formats_and_sanitising():
    single, multi, true_false, short, essay = parse(SINGLE, MULTI, TRUE_FALSE, SHORT, ESSAY_XML)
    assert single.stem_format == "html"
    assert "<script" not in single.stem and "onerror" not in single.stem and "alert" not in single.stem
    assert single.stem.startswith("<p>一般问题的<b>响应</b>时限？")
    assert (multi.stem_format, multi.stem) == ("plain", "哪些属于负面清单事项？")
    assert (true_false.stem_format, true_false.stem) == ("plain", "红色对象每月上门走访一次即可。")
    assert (short.stem_format, short.stem) == ("html", "<p>报警电话是 <strong>多少</strong>？</p>")
    # no format attribute: Moodle's importer assumes html
    assert (essay.stem_format, essay.stem) == ("html", "<p>简述燃气泄漏现场的处置步骤。</p>")


@pytest.mark.parametrize(
    ("qtype", "body", "reason"),
    [
        ("matching", "<subquestion><text>a</text><answer><text>b</text></answer></subquestion>", "匹配题（matching）"),
        ("numerical", '<answer fraction="100"><text>3</text></answer>', "数值题（numerical）"),
        ("multianswer", "", "完形填空（Cloze）题（multianswer）"),
        ("description", "", "说明（非试题）（description）"),
        ("ddwtos", "", "拖放填词题（ddwtos）"),
    ],
)
def test_types_we_lack_are_refused_by_name_number_and_line(qtype, body, reason):
    other = f"""<question type="{qtype}">
  <name><text>不支持的题</text></name>
  <questiontext format="html"><text>题干</text></questiontext>
  {body}
</question>"""
    records, errors = parse_moodle_xml(quiz_xml(CATEGORY, SINGLE, other))
    line = quiz_xml(CATEGORY, SINGLE).decode().count("\n")  # the question starts after the first two
    assert errors.lines() == [f"第2题（不支持的题，第{line}行）：{reason}暂不支持"]


def test_an_unknown_or_missing_type_is_named():
    _, errors = parse_moodle_xml(
        quiz_xml(
            '<question type="wordle"><name><text>猜词</text></name></question>',
            "<question><name><text>无类型</text></name></question>",
        )
    )
    assert errors.lines() == [
        "第1题（猜词，第3行）：题型“wordle”暂不支持（支持单选、多选、判断、填空、简答）",
        "第2题（无类型，第4行）：缺少题型（<question> 的 type 属性）",
    ]


def test_single_is_read_as_moodle_reads_it():
    one_right = MULTI.replace('"50"', '"100"', 1).replace('"50"', '"0"', 1)
    for value in ("true", "1", "yes"):
        (record,) = parse(one_right.replace("<single>false</single>", f"<single>{value}</single>"))
        assert (record.qtype, record.answer) == ("单选", "A")
    (record,) = parse(one_right.replace("<single>false</single>", ""))  # Moodle's default is single
    assert (record.qtype, record.answer) == ("单选", "A")
    for value in ("false", "0"):
        (record,) = parse(MULTI.replace("<single>false</single>", f"<single>{value}</single>"))
        assert (record.qtype, record.answer) == ("多选", "AB")


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"<quiz><question type='truefalse'></quiz>", "XML 格式错误（第1行）：标签不成对，请检查该行附近"),
        (
            b"<quiz>\n<question>\n<name>A & B</name>",
            "XML 格式错误（第3行）：有无效的字符（如未转义的 & 或 <），请检查该行附近",
        ),
        (b"", "XML 格式错误（第1行）：文件为空或不完整，请检查该行附近"),
        (b"<quiz></quiz><quiz/>", "XML 格式错误（第1行）：根元素之后还有多余内容，请检查该行附近"),
        (b"<questions/>", "XML 文件的根元素应为 <quiz>（Moodle XML 格式），却是 <questions>"),
    ],
)
def test_malformed_xml_is_one_clear_message_with_its_line(data, message):
    with pytest.raises(ImportRejected) as refused:
        parse_moodle_xml(data)
    assert refused.value.lines == [message]


def test_entity_expansion_is_refused():
    bomb = b'<?xml version="1.0"?><!DOCTYPE quiz [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;">]><quiz>&b;</quiz>'
    with pytest.raises(ImportRejected) as refused:
        parse_moodle_xml(bomb)
    assert refused.value.lines == ["XML 文件含有 DTD 或实体定义，出于安全原因不予导入"]


def test_answers_are_checked_by_the_same_rules_as_the_other_formats():
    one_right = MULTI.replace('fraction="50"><text>强制拆迁', 'fraction="0"><text>强制拆迁').replace(
        'fraction="50"><text>行政执法', 'fraction="100"><text>行政执法'
    )
    seven = SINGLE.replace(
        "<tags>", "".join(f'<answer fraction="0"><text>多余{n}</text></answer>' for n in range(4)) + "<tags>"
    )
    thirds = MULTI.replace("<defaultgrade>4</defaultgrade>", "<defaultgrade>0.3333333</defaultgrade>")
    partial_single = SINGLE.replace(
        'fraction="0" format="html"><text>72小时', 'fraction="50" format="html"><text>72小时'
    )
    no_full = SHORT.replace('fraction="100"', 'fraction="90"')
    long_category = CATEGORY.replace("政策法规", "很" * 51)
    _, errors = parse_moodle_xml(quiz_xml(one_right, seven, thirds, partial_single, no_full, long_category, ESSAY_XML))
    assert errors.lines() == [
        "第1题（负面清单，第3行）：多选题的答案至少要有两个选项，却只有“A”",
        "第2题（响应时限，第12行）：选项最多 6 个，本题有 7 个",
        "第3题（负面清单，第23行）：分值“0.3333333”最多两位小数且小于 10000",
        "第4题（响应时限，第32行）：单选题的选项C只得部分分（50%），本系统的单选题不支持",
        "第5题（报警电话，第43行）：填空题至少要有一个满分（fraction=100）的答案",
        f"第6题（燃气泄漏，第54行）：分类“{'很' * 51}”超过 50 个字",
    ]


@pytest.mark.django_db
def test_one_bad_question_refuses_the_whole_file(tmp_path):
    path = tmp_path / "bank.xml"
    path.write_bytes(quiz_xml(SINGLE, MULTI, '<question type="matching"><name><text>配对</text></name></question>'))
    with pytest.raises(ImportRejected) as refused:
        questions_import(path=path, quiz_title="Moodle 导入")
    assert refused.value.lines == ["第3题（配对，第23行）：匹配题（matching）暂不支持"]
    assert not Quiz.objects.exists() and not Question.objects.exists()


@pytest.mark.django_db
def test_the_same_question_twice_names_the_first_by_its_number(tmp_path):
    path = tmp_path / "bank.xml"
    path.write_bytes(quiz_xml(MULTI, TRUE_FALSE, MULTI.replace("<text>负面清单</text>", "<text>又一遍</text>")))
    with pytest.raises(ImportRejected) as refused:
        questions_import(path=path, quiz_title="重复")
    assert refused.value.lines == ["第3题（又一遍，第18行）：与第1题是同一道题（题型和题干相同）"]


# --- export ---------------------------------------------------------------------------------------


def test_fractions_are_entries_of_moodles_grade_list():
    assert moodle_fraction(Decimal(100) / 3) == "33.33333"
    assert moodle_fraction(Decimal(100) / 6) == "16.66667"
    assert moodle_fraction(Decimal(100) / 7) == "14.28571"
    assert moodle_fraction(Decimal(100) / 8) == "12.5"
    assert moodle_fraction(Decimal(-100)) == "-100"


# as assessments.html.sanitise_html writes it (importing it again must not change it)
LINK_AND_TABLE = (
    '<p>见<a href="https://example.org/a?x=1&amp;y=2" rel="noopener noreferrer nofollow">规定</a>'
    ' <img src="https://example.org/p.png" alt="图"> a &lt; b</p>'
    '<table><tbody><tr><td colspan="2">表</td></tr></tbody></table>'
)


def rich_bank():
    """Every field the Moodle format carries, on every type it holds."""
    return [
        {
            **SAMPLE[0],
            "title": "响应时限",
            "stem": "<p>一般问题的<strong>响应</strong>时限是多少？</p>" + LINK_AND_TABLE,
            "stem_format": "html",
            "explanation": "一般问题24小时响应，72小时办结",
            "answer_feedback": {"A": "太短", "B": "正确"},
        },
        {
            **SAMPLE[1],
            "options": {"A": "行政执法", "B": "强制拆迁", "C": "政策宣传", "D": "经济纠纷处置", "E": "矛盾调解"},
            "answer": "ABD",
            "answer_feedback": {"C": "这是网格员的职责"},
        },
        {**SAMPLE[2], "answer_feedback": {"对": "对", "错": "应每周"}, "difficulty": "难"},
        dict(
            qtype="填空",
            stem="报警电话：{110}？含特殊字符 ~ = # : < & >",
            answer="110|幺幺零|一一零",
            points=Decimal("1.5"),
            indicator_code="3.2",
            blank_credit={"一一零": "50", "幺幺零": "33.33333"},
            answer_feedback={"110": "正确", "119": "那是火警"},
            category="应急处置",
        ),
        {**ESSAY, "explanation": "要点：关阀\n开窗", "marking_guide": "每步 2.5 分"},
        {**ESSAY, "stem": "没有参考答案的简答题", "answer": "", "marking_guide": "言之有理即可"},
        {**ESSAY, "stem": "只有参考答案的简答题", "answer": "按规程处置", "marking_guide": ""},
    ]


def exported(quiz) -> tuple[ET.Element, list[str]]:
    buffer = io.BytesIO()
    notes = quiz_export_bank(quiz=quiz, target=buffer, fmt="xml")
    return ET.fromstring(buffer.getvalue()), notes


@pytest.mark.django_db
def test_export_has_the_structure_moodles_importer_reads():
    root, notes = exported(make_quiz("导出", rich_bank()))
    assert notes == []
    assert root.tag == "quiz"
    kinds = [q.get("type") for q in root.findall("question")]
    assert kinds == [
        "category", "multichoice", "multichoice", "category", "truefalse",
        "category", "shortanswer", "essay", "essay", "essay",
    ]  # fmt: skip
    categories = [q.findtext("category/text") for q in root.findall("question[@type='category']")]
    assert categories == ["$course$/top/政策法规", "$course$/top/精准服务", "$course$/top/应急处置"]
    questions = [q for q in root.findall("question") if q.get("type") != "category"]
    for question in questions:
        assert question.findtext("name/text")  # Moodle refuses a question without a name
        assert question.find("questiontext").get("format") in ("html", "plain_text")
        assert question.find("questiontext/text") is not None
        assert question.find("generalfeedback/text") is not None
        Decimal(question.findtext("defaultgrade"))
        for answer in question.findall("answer"):
            assert Decimal(answer.get("fraction")).copy_abs() in MOODLE_FRACTIONS
            assert answer.find("text") is not None and answer.find("feedback/text") is not None
    single, multi, true_false, short, essay, *_ = questions
    assert single.findtext("name/text") == "响应时限"
    assert single.find("questiontext").get("format") == "html"
    assert single.findtext("questiontext/text") == "<p>一般问题的<strong>响应</strong>时限是多少？</p>" + LINK_AND_TABLE
    assert single.find("questiontext/file") is None  # an outside picture stays a link
    assert single.findtext("generalfeedback/text") == "一般问题24小时响应，72小时办结"
    assert single.findtext("single") == "true" and single.findtext("defaultgrade") == "2"
    assert [
        (a.get("fraction"), a.findtext("text"), a.findtext("feedback/text") or "") for a in single.findall("answer")
    ] == [
        ("0", "2小时", "太短"),
        ("100", "24小时", "正确"),
        ("0", "72小时", ""),
    ]
    assert [t.findtext("text") for t in single.findall("tags/tag")] == ["能力指标:3.3", "难度:易"]
    assert multi.findtext("single") == "false"
    # three right options of five: 33.33333 each (Moodle's grade list has no 33.33), wrong ones -100
    assert [a.get("fraction") for a in multi.findall("answer")] == ["33.33333", "33.33333", "-100", "33.33333", "-100"]
    assert multi.findtext("name/text") == "哪些属于负面清单事项？"  # no title: the start of the stem
    assert [(a.findtext("text"), a.get("fraction")) for a in true_false.findall("answer")] == [
        ("true", "100"),
        ("false", "0"),
    ]
    assert short.findtext("usecase") == "0"
    assert short.findtext("questiontext/text") == "报警电话：{110}？含特殊字符 ~ = # : < & >"
    assert [(a.findtext("text"), a.get("fraction")) for a in short.findall("answer")] == [
        ("110", "100"),
        ("幺幺零", "33.33333"),
        ("一一零", "50"),
        ("119", "0"),
    ]
    assert essay.findtext("responseformat") == "editor"
    assert essay.findtext("graderinfo/text") == "参考答案：关阀、开窗、疏散、报警\n\n评分要点：每步 2.5 分"


@pytest.mark.django_db
def test_six_right_options_share_16_66667():
    options = {letter: f"选项{letter}" for letter in "ABCDEF"}
    quiz = make_quiz("六选", [dict(qtype="多选", stem="全选", options=options, answer="ABCDEF", points=Decimal("6"))])
    root, _ = exported(quiz)
    assert {a.get("fraction") for a in root.findall("question/answer")} == {"16.66667"}


@pytest.mark.django_db
def test_multi_blank_questions_are_skipped_with_a_note():
    root, notes = exported(make_quiz("多空", SAMPLE))
    assert notes == ["第4题为多空填空题，Moodle XML 无法表达，已跳过（请用 XLSX 导出）"]
    assert len(root.findall("question[@type='shortanswer']")) == 0


# --- round trip -----------------------------------------------------------------------------------


def contents(quiz):
    return [
        {name: getattr(slot.question, name) for name in QuestionVersion.CONTENT_FIELDS}
        for slot in quiz.slots.select_related("question").order_by("order")
    ]


@pytest.mark.django_db
def test_round_trip_into_a_new_quiz_is_identical(tmp_path):
    source = make_quiz("源题库", rich_bank())
    path = tmp_path / "bank.xml"
    assert quiz_export_bank(quiz=source, target=str(path), fmt="xml") == []
    questions_import(path=path, quiz_title="导回题库")
    assert contents(Quiz.objects.get(title="导回题库")) == contents(source)


@pytest.mark.django_db
def test_round_trip_into_the_same_quiz_changes_nothing(tmp_path):
    source = make_quiz("源题库", rich_bank())
    path = tmp_path / "bank.xml"
    quiz_export_bank(quiz=source, target=str(path), fmt="xml")
    versions = QuestionVersion.objects.count()
    summary = questions_import(path=path, quiz_title="源题库")
    assert (summary.created, summary.updated, summary.removed) == (0, 0, 0)
    assert QuestionVersion.objects.count() == versions and Question.objects.count() == len(rich_bank())


@pytest.mark.django_db
def test_export_command_writes_xml(tmp_path):
    make_quiz("命令导出", SAMPLE)
    out, err = io.StringIO(), io.StringIO()
    call_command("export_questions", "--quiz", "命令导出", "--output", str(tmp_path / "x.xml"), stdout=out, stderr=err)
    assert "已导出 3 道题" in out.getvalue() and "第4题为多空填空题" in err.getvalue()
    assert ET.parse(tmp_path / "x.xml").getroot().tag == "quiz"


# --- pages ----------------------------------------------------------------------------------------


@pytest.fixture
def trainer(city_tree, make_worker):
    return make_worker(unit=city_tree["street_a"], role_codes={roles.TRAINER})


@pytest.mark.django_db
def test_the_results_page_offers_moodle_xml_to_trainers_only(client, city_tree, make_worker, trainer):
    quiz = make_quiz("导出页", rich_bank())
    url = reverse("assessments:quiz_bank_export", args=[quiz.pk, "xml"])
    client.force_login(trainer.user)
    assert url in client.get(reverse("assessments:quiz_results", args=[quiz.pk])).content.decode()
    response = client.get(url)
    assert response.status_code == 200 and response["Content-Type"] == "application/xml; charset=utf-8"
    assert f"quiz-{quiz.pk}-bank.xml" in response["Content-Disposition"]
    assert ET.fromstring(response.content).findtext("question[@type='multichoice']/name/text") == "响应时限"
    assert client.get(reverse("assessments:quiz_bank_export", args=[quiz.pk, "docx"])).status_code == 404
    for role in (roles.TRAINEE, roles.MANAGER, roles.HR):
        client.force_login(make_worker(unit=city_tree["city"], role_codes={role}).user)
        assert client.get(url).status_code == 404
    client.logout()
    assert client.get(url).status_code == 302


@pytest.mark.django_db
def test_the_upload_page_takes_moodle_xml(client, city_tree, trainer):
    quiz = Quiz.objects.create(title="甲街道月考", audience=city_tree["street_a"])
    client.force_login(trainer.user)
    page = reverse("import_start", args=[QUESTIONS])
    html = client.get(page).content.decode()
    assert ".xml" in html and ".txt" in html and "Moodle XML" in html and "Aiken" in html
    upload = SimpleUploadedFile("题库.xml", quiz_xml(CATEGORY, SINGLE, SHORT), content_type="application/xml")
    response = client.post(page, {"file": upload, "target": quiz.pk})
    job = ImportJob.objects.get()
    assert job.status == ImportJob.Status.READY, job.errors
    assert "一般问题的" in client.get(response["Location"]).content.decode()
    client.post(reverse("import_job_confirm", args=[job.pk]))
    assert [slot.question.title for slot in quiz.slots.order_by("order")] == ["响应时限", "报警电话"]

    bad = SimpleUploadedFile(
        "坏.xml", quiz_xml(SINGLE, '<question type="numerical"><name><text>算</text></name></question>')
    )
    response = client.post(page, {"file": bad, "target": quiz.pk})
    failed = ImportJob.objects.exclude(pk=job.pk).get()
    assert failed.status == ImportJob.Status.REJECTED
    assert "第2题（算，第14行）：数值题（numerical）暂不支持" in client.get(response["Location"]).content.decode()
