"""Per-answer feedback and HTML stems on the attempt pages and in the API (docs/rules.md §5):
the response's own feedback is shown only when the quiz's review setting shows answers; an HTML
stem is sanitised on every way in and shown as formatting, a plain one escaped as before."""

from decimal import Decimal

import pytest
from django.urls import reverse

from assessments.models import Question, QuestionVersion, Quiz
from assessments.selectors import question_statistics
from assessments.services import answer_save, attempt_start, attempt_submit, question_save
from lms import roles
from tests.assessments.helpers import make_quiz

pytestmark = pytest.mark.django_db

HTML_STEM = "<p>发现<b>燃气</b>泄漏，首先应该？</p>"
QUESTIONS = [
    dict(
        qtype="单选",
        stem=HTML_STEM,
        stem_format="html",
        title="燃气",
        options={"A": "关闭阀门", "B": "打开电灯"},
        answer="A",
        answer_feedback={"A": "关阀是第一步", "B": "开灯会产生电火花"},
        points=Decimal("2"),
        indicator_code="3.2",
    ),
    dict(
        qtype="填空",
        stem="火警电话 <b>不是</b> 标签？",
        answer="119",
        answer_feedback={"*": "再想想：火警是 119"},
        points=Decimal("1"),
        indicator_code="3.2",
    ),
]


@pytest.fixture
def trainee(city_tree, make_worker):
    return make_worker(unit=city_tree["grid_a"])


@pytest.fixture
def trainer(city_tree, make_worker):
    return make_worker(unit=city_tree["street_a"], role_codes={roles.TRAINER})


def submitted(trainee, review_answers):
    quiz = make_quiz(questions=QUESTIONS, review_answers=review_answers, review_score="after_submit")
    attempt = attempt_start(quiz=quiz, worker=trainee)
    by_type = {a.version.qtype: a for a in attempt.answers.select_related("version")}
    answer_save(answer=by_type["单选"], response="B")
    answer_save(answer=by_type["填空"], response=["120"])
    return attempt_submit(attempt=attempt)


def test_feedback_of_the_response_is_shown_when_answers_are(client, trainee):
    attempt = submitted(trainee, "after_submit")
    client.force_login(trainee.user)
    html = client.get(f"/attempts/{attempt.pk}/").content.decode()
    assert "开灯会产生电火花" in html and "再想想：火警是 119" in html
    assert "关阀是第一步" not in html  # only the chosen option's feedback
    questions = {q["type"]: q for q in client.get(f"/api/v1/attempts/{attempt.pk}").json()["questions"]}
    assert questions["单选"]["feedback"] == "开灯会产生电火花"
    assert questions["填空"]["feedback"] == "再想想：火警是 119"


def test_feedback_is_hidden_while_answers_are(client, trainee):
    attempt = submitted(trainee, "never")
    client.force_login(trainee.user)
    html = client.get(f"/attempts/{attempt.pk}/").content.decode()
    assert "开灯会产生电火花" not in html and "再想想" not in html and "答案反馈" not in html
    questions = client.get(f"/api/v1/attempts/{attempt.pk}").json()["questions"]
    assert all("feedback" not in q and "right_answer" not in q for q in questions)


def test_html_stem_is_formatting_and_plain_stem_is_escaped_once(client, trainee):
    attempt = submitted(trainee, "after_submit")
    client.force_login(trainee.user)
    html = client.get(f"/attempts/{attempt.pk}/").content.decode()
    assert HTML_STEM in html and "&lt;b&gt;燃气" not in html and "&amp;lt;" not in html
    assert "火警电话 &lt;b&gt;不是&lt;/b&gt; 标签？" in html
    questions = {q["type"]: q for q in client.get(f"/api/v1/attempts/{attempt.pk}").json()["questions"]}
    assert (questions["单选"]["stem"], questions["单选"]["stem_format"], questions["单选"]["title"]) == (
        HTML_STEM,
        "html",
        "燃气",
    )
    assert questions["填空"]["stem_format"] == "plain"


def test_the_take_page_and_the_marking_page_show_html_stems_as_formatting(client, trainee, trainer):
    essay = QUESTIONS[0] | {"qtype": "简答", "options": {}, "answer": "", "answer_feedback": {}}
    attempt = attempt_start(quiz=make_quiz(questions=[essay]), worker=trainee)
    client.force_login(trainee.user)
    assert HTML_STEM in client.get(f"/attempts/{attempt.pk}/").content.decode()
    answer_save(answer=attempt.answers.get(), response="先关阀")
    attempt_submit(attempt=attempt)
    client.force_login(trainer.user)
    page = client.get(reverse("assessments:mark_answer", args=[attempt.answers.get().pk])).content.decode()
    assert HTML_STEM in page and "&lt;b&gt;" not in page


def test_question_save_sanitises_an_html_stem():
    question, _ = question_save(
        qtype="判断",
        stem='<p onclick="steal()">安全<script>alert(1)</script><img src="x" onerror="alert(2)"></p>',
        stem_format="html",
        answer="对",
        points=Decimal("1"),
    )
    assert question.stem == '<p>安全<img src="x"></p>'
    question, changed = question_save(question=question, stem="<b>改</b><script>x()</script>")
    assert changed and question.stem == "<b>改</b>"
    assert QuestionVersion.objects.filter(question=question).latest("number").stem == "<b>改</b>"


def test_an_admin_edit_cannot_inject_script(client, trainer):
    client.force_login(trainer.user)
    question, _ = question_save(qtype="判断", stem="原题", answer="对", points=Decimal("1"))
    url = reverse("wagtailsnippets_assessments_question:edit", args=[question.pk])
    data = {
        "qtype": "判断",
        "difficulty": "",
        "points": "1",
        "stem": "<p>新题<script>alert(1)</script></p>",
        "stem_format": "html",
        "title": "改过",
        "options": "{}",
        "answer": "对",
        "explanation": "",
        "answer_feedback": '{"错": "再想想"}',
        "blank_credit": "{}",
        "indicator_code": "",
        "category": "",
        "marking_guide": "",
    }
    assert client.post(url, data).status_code == 302
    question = Question.objects.get(pk=question.pk)
    assert (question.stem, question.title, question.answer_feedback) == ("<p>新题</p>", "改过", {"错": "再想想"})
    assert question.versions.latest("number").stem == "<p>新题</p>"


def test_the_results_statistics_show_an_html_stem_as_its_text(trainee, trainer):
    submitted(trainee, "after_submit")
    rows = question_statistics(trainer.user, Quiz.objects.get())["rows"]
    assert {row["qtype"]: row["stem"] for row in rows}["单选"] == "发现燃气泄漏，首先应该？"
