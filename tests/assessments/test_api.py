"""The quiz API of docs/api.md: shapes, 400/404/409, double submit, no answers leaked."""

import datetime as dt
import json

import pytest
from django.utils import timezone

from assessments.models import Answer, Attempt
from lms import roles
from tests.assessments.helpers import ESSAY, SAMPLE, make_quiz

pytestmark = pytest.mark.django_db


@pytest.fixture
def trainee(city_tree, make_worker):
    return make_worker(unit=city_tree["grid_a"])


def api(client, method, url, body=None):
    kwargs = {"content_type": "application/json"}
    if body is not None:
        kwargs["data"] = json.dumps(body)
    return getattr(client, method)("/api/v1" + url, **kwargs)


def start(client, quiz):
    response = api(client, "post", f"/quizzes/{quiz.pk}/attempts")
    assert response.status_code == 200, response.content
    return response.json()


def test_list_start_save_submit(client, trainee):
    quiz = make_quiz()
    client.force_login(trainee.user)
    listing = api(client, "get", "/quizzes").json()
    assert [q["title"] for q in listing] == ["测试测验"]
    data = start(client, quiz)
    assert [q["type"] for q in data["questions"]] == ["单选", "多选", "判断", "填空"]
    first = data["questions"][0]
    assert first["stem"] == SAMPLE[0]["stem"] and first["options"] == {"A": "2小时", "B": "24小时", "C": "72小时"}
    assert all(q["answer"] is None for q in data["questions"])  # only the person's own (empty) responses
    assert "ABD" not in json.dumps(data) and "24|二十四" not in json.dumps(data)
    ids = {q["type"]: q["id"] for q in data["questions"]}
    for qtype, answer in (("单选", "B"), ("多选", "ABD"), ("判断", "对"), ("填空", ["二", "二十四"])):
        saved = api(client, "put", f"/attempts/{data['id']}/answers/{ids[qtype]}", {"answer": answer})
        assert saved.status_code == 200, saved.content
    result = api(client, "post", f"/attempts/{data['id']}/submit").json()
    assert (result["score"], result["max_score"], result["passed"]) == (10, 10, True)
    again = api(client, "post", f"/attempts/{data['id']}/submit").json()
    assert again == result
    assert Attempt.objects.get().graded_at is not None


@pytest.mark.parametrize(
    "qtype, body",
    [
        ("单选", {"answer": "AB"}),
        ("多选", {"answer": ["A"]}),
        ("判断", {"answer": "yes"}),
        ("填空", {"answer": "二"}),
        ("填空", {"answer": ["二"]}),
        ("单选", {"wrong": 1}),
        ("单选", [1, 2]),
    ],
)
def test_wrong_shape_is_400_in_chinese(client, trainee, qtype, body):
    client.force_login(trainee.user)
    data = start(client, make_quiz())
    qid = {q["type"]: q["id"] for q in data["questions"]}[qtype]
    response = api(client, "put", f"/attempts/{data['id']}/answers/{qid}", body)
    assert response.status_code == 400
    assert response.json()["code"] == "invalid"
    detail = response.json()["detail"]
    assert any("\u4e00" <= ch <= "\u9fff" for ch in detail)


def test_after_deadline_is_409_and_nothing_saved(client, trainee):
    quiz = make_quiz(time_limit_minutes=10)
    client.force_login(trainee.user)
    data = start(client, quiz)
    assert 595 <= data["time_left"] <= 600
    Attempt.objects.filter(pk=data["id"]).update(deadline=timezone.now() - dt.timedelta(seconds=1))
    qid = data["questions"][0]["id"]
    response = api(client, "put", f"/attempts/{data['id']}/answers/{qid}", {"answer": "B"})
    assert response.status_code == 409 and "截止" in response.json()["detail"]
    assert response.json()["code"] == "conflict"
    assert Answer.objects.get(attempt_id=data["id"], question_id=qid).response is None


def test_after_submit_is_409(client, trainee):
    client.force_login(trainee.user)
    data = start(client, make_quiz())
    api(client, "post", f"/attempts/{data['id']}/submit")
    qid = data["questions"][0]["id"]
    assert api(client, "put", f"/attempts/{data['id']}/answers/{qid}", {"answer": "B"}).status_code == 409


@pytest.mark.parametrize("role", [roles.TRAINEE, roles.MENTOR, roles.TRAINER, roles.JUDGE, roles.HR, roles.MANAGER])
def test_other_peoples_attempts_are_404_for_every_role(client, trainee, city_tree, make_worker, role):
    client.force_login(trainee.user)
    data = start(client, make_quiz())
    # the other person sits at the city root, so subtree roles see the trainee — still 404 in the API
    other = make_worker(unit=city_tree["city"], role_codes={role})
    client.force_login(other.user)
    qid = data["questions"][0]["id"]
    response = api(client, "get", f"/attempts/{data['id']}")
    assert response.status_code == 404 and response.json() == {"detail": "未找到作答记录", "code": "not_found"}
    assert api(client, "put", f"/attempts/{data['id']}/answers/{qid}", {"answer": "A"}).status_code == 404
    assert api(client, "post", f"/attempts/{data['id']}/submit").status_code == 404
    assert Answer.objects.get(attempt_id=data["id"], question_id=qid).response is None


def test_resume_returns_saved_answers_and_true_time_left(client, trainee):
    quiz = make_quiz(time_limit_minutes=30)
    client.force_login(trainee.user)
    data = start(client, quiz)
    qid = data["questions"][0]["id"]
    api(client, "put", f"/attempts/{data['id']}/answers/{qid}", {"answer": "C"})
    Attempt.objects.filter(pk=data["id"]).update(deadline=timezone.now() + dt.timedelta(minutes=7))
    again = start(client, quiz)
    assert again["id"] == data["id"]
    assert again["questions"][0]["answer"] == "C"
    assert 415 <= again["time_left"] <= 420


def test_single_attempt_quiz_refuses_a_second_start_with_409(client, trainee):
    quiz = make_quiz(attempts_allowed=1)
    client.force_login(trainee.user)
    data = start(client, quiz)
    api(client, "post", f"/attempts/{data['id']}/submit")
    response = api(client, "post", f"/quizzes/{quiz.pk}/attempts")
    assert response.status_code == 409 and "次数" in response.json()["detail"]
    assert response.json()["code"] == "conflict"


def test_quiz_outside_audience_is_404(client, trainee, city_tree):
    quiz = make_quiz(audience=city_tree["street_b"])
    client.force_login(trainee.user)
    assert api(client, "get", "/quizzes").json() == []
    assert api(client, "post", f"/quizzes/{quiz.pk}/attempts").status_code == 404


def test_essay_submit_reports_pending_marking(client, trainee):
    client.force_login(trainee.user)
    data = start(client, make_quiz(questions=[ESSAY]))
    api(client, "put", f"/attempts/{data['id']}/answers/{data['questions'][0]['id']}", {"answer": "先关阀门"})
    result = api(client, "post", f"/attempts/{data['id']}/submit").json()
    assert result["pending_marking"] is True and result["score"] is None and result["state"] == "pending_marking"


def test_anonymous_is_refused(client):
    response = api(client, "get", "/quizzes")
    assert response.status_code == 401 and response.json()["code"] == "not_authenticated"


def test_openapi_lists_the_quiz_paths(client, trainee):
    client.force_login(trainee.user)
    paths = client.get("/api/v1/openapi.json").json()["paths"]
    assert "/api/v1/quizzes/{quiz_id}/attempts" in paths
    assert "/api/v1/attempts/{attempt_id}/answers/{question_id}" in paths


def test_flag_only_and_clearing_an_answer(client, trainee):
    client.force_login(trainee.user)
    data = start(client, make_quiz())
    qid = data["questions"][1]["id"]
    assert api(client, "put", f"/attempts/{data['id']}/answers/{qid}", {"answer": "AB"}).json()["answered"] is True
    assert api(client, "put", f"/attempts/{data['id']}/answers/{qid}", {"flagged": True}).json()["flagged"] is True
    answer = Answer.objects.get(attempt_id=data["id"], question_id=qid)
    assert (answer.response, answer.flagged) == ("AB", True)
    assert api(client, "put", f"/attempts/{data['id']}/answers/{qid}", {"answer": None}).json()["answered"] is False
    assert Answer.objects.get(pk=answer.pk).response is None
    assert Answer.objects.filter(pk=answer.pk, response__isnull=True).exists()  # SQL NULL, not JSON null
    api(client, "post", f"/attempts/{data['id']}/submit")
    assert api(client, "put", f"/attempts/{data['id']}/answers/{qid}", {"flagged": False}).status_code == 409


@pytest.mark.parametrize(
    "qtype, answer, words",
    [
        ("单选", 5, "单选题"),
        ("单选", ["B"], "单选题"),  # a list is not turned into "B"
        ("单选", True, "单选题"),
        ("多选", ["A", "B"], "多选题"),
        ("判断", {"v": "对"}, "判断题"),
        ("填空", "二;二十四", "填空题"),  # nor a string into a list
        ("填空", [2, 24], "填空题"),
    ],
)
def test_answers_are_never_coerced_a_wrong_shape_is_the_400_of_the_question_type(client, trainee, qtype, answer, words):
    client.force_login(trainee.user)
    data = start(client, make_quiz())
    qid = {q["type"]: q["id"] for q in data["questions"]}[qtype]
    response = api(client, "put", f"/attempts/{data['id']}/answers/{qid}", {"answer": answer})
    assert response.status_code == 400, response.content
    assert response.json()["code"] == "invalid" and words in response.json()["detail"]
    assert Answer.objects.get(attempt_id=data["id"], question_id=qid).response is None


def test_shapes_keep_their_optional_keys_absent_and_numbers_integral(client, trainee):
    client.force_login(trainee.user)
    quiz = make_quiz()
    listing = api(client, "get", "/quizzes").json()
    assert listing[0]["pass_mark_percent"] == 60 and '"pass_mark_percent": 60,' in json.dumps(listing)
    data = start(client, quiz)
    assert "result" not in data
    by_type = {q["type"]: q for q in data["questions"]}
    assert by_type["填空"]["blanks"] == 2 and all("blanks" not in by_type[t] for t in ("单选", "多选", "判断"))
    assert '"points": 2,' in json.dumps(by_type["单选"])
    url = f"/attempts/{data['id']}/answers/{by_type['单选']['id']}"
    flag_only = api(client, "put", url, {"flagged": True}).json()
    assert flag_only == {"saved": True, "flagged": True, "time_left": None}
    saved = api(client, "put", url, {"answer": "B"}).json()
    assert set(saved) == {"saved", "flagged", "time_left", "answered", "saved_at"} and saved["flagged"] is None
    assert "result" not in api(client, "get", f"/attempts/{data['id']}").json()
    result = api(client, "post", f"/attempts/{data['id']}/submit").json()
    assert result["max_score"] == 10 and '"max_score": 10,' in json.dumps(result)
    detail = api(client, "get", f"/attempts/{data['id']}").json()
    assert detail["result"] == result and detail["questions"][0]["answer"] == "B"


def test_autosave_costs_no_more_queries_than_before(client, trainee, django_assert_num_queries):
    """The hottest endpoint: session, user, the autosave target and the UPDATE (in a savepoint)."""
    client.force_login(trainee.user)
    data = start(client, make_quiz())
    url = f"/attempts/{data['id']}/answers/{data['questions'][0]['id']}"
    api(client, "put", url, {"answer": "A"})
    with django_assert_num_queries(6):
        assert api(client, "put", url, {"answer": "B"}).status_code == 200
