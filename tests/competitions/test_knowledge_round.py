"""知识竞赛: the waiting room shows no question before the start, only entrants start, one attempt,
results with time taken (also for papers closed automatically at the deadline), ties by time."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from assessments.competitions import selectors
from assessments.competitions.models import RoundResult
from assessments.competitions.services import CompetitionError, knowledge_round_sync
from assessments.competitions.services_knowledge import knowledge_round_start
from assessments.models import Attempt, AttemptState
from assessments.selectors import quizzes_for
from assessments.services import answer_save, attempt_submit, attempts_close_overdue
from lms import roles
from tests.assessments.helpers import SAMPLE
from tests.factories import org

STEMS = [q["stem"] for q in SAMPLE]


def _no_stems(text: str) -> None:
    for stem in STEMS:
        assert stem not in text


def _move_start(round_, starts_at):
    round_.starts_at = starts_at
    round_.save(update_fields=["starts_at"])
    knowledge_round_sync(round_=round_)


def _answer_all_right(attempt, *, now):
    right = {"单选": "B", "多选": "ABD", "判断": "对", "填空": ["2", "24"]}
    for answer in attempt.answers.select_related("version", "attempt"):
        response = right[answer.version.qtype]
        if answer.option_map and isinstance(response, str) and answer.version.qtype != "判断":
            shown = {own: shown for shown, own in answer.option_map.items()}
            response = "".join(sorted(shown[c] for c in response))
        answer_save(answer=answer, response=response, now=now)


def test_waiting_room_sends_no_question_before_the_start(client, contest, paper):
    entrant = contest["entries"][0].worker
    client.force_login(entrant.user)
    page = client.get(reverse("competitions:paper", args=[paper.pk]))
    assert page.status_code == 200
    html = page.content.decode()
    assert 'data-phase="waiting"' in html and "距开考还有" in html
    _no_stems(html)
    clock = client.get(reverse("competitions:paper_clock", args=[paper.pk])).json()
    assert 3500 < clock["seconds_left"] <= 3600 and clock["started"] is False
    # the quiz API neither lists the paper nor starts it early, and says no question either
    listed = client.get("/api/v1/quizzes")
    assert paper.quiz.title not in listed.content.decode()
    early = client.post(f"/api/v1/quizzes/{paper.quiz_id}/attempts")
    assert early.status_code == 409
    _no_stems(early.content.decode())
    assert not Attempt.objects.filter(quiz=paper.quiz).exists()


def test_start_refused_before_the_start_and_after_the_end(contest, paper):
    worker = contest["entries"][0].worker
    with pytest.raises(CompetitionError, match="尚未开始"):
        knowledge_round_start(round_=paper, worker=worker, now=paper.starts_at - dt.timedelta(seconds=1))
    with pytest.raises(CompetitionError, match="已结束"):
        knowledge_round_start(round_=paper, worker=worker, now=paper.ends_at)
    assert not Attempt.objects.filter(quiz=paper.quiz).exists()


def test_early_post_from_the_page_starts_nothing(client, contest, paper):
    client.force_login(contest["entries"][0].worker.user)
    response = client.post(reverse("competitions:paper", args=[paper.pk]), follow=True)
    assert "尚未开始" in response.content.decode()
    assert not Attempt.objects.filter(quiz=paper.quiz).exists()


def test_only_entrants_start_or_see_the_paper(client, contest, paper, make_worker):
    outsider = make_worker(unit=org("测试市/甲区/甲街道/一社区/一网格"), employee_no="WX001")
    with pytest.raises(CompetitionError, match="未报名"):
        knowledge_round_start(round_=paper, worker=outsider, now=paper.starts_at)
    _move_start(paper, timezone.now() - dt.timedelta(minutes=1))
    client.force_login(outsider.user)
    page = client.get(reverse("competitions:paper", args=[paper.pk]))
    assert page.status_code == 404 and "参赛选手" in page.content.decode()
    clock = client.get(reverse("competitions:paper_clock", args=[paper.pk]))
    assert clock.status_code == 404 and clock.json()["detail"] == "未找到该知识竞赛"
    junk = client.get("/competitions/rounds/99999999999999999999/paper/clock.json")
    assert junk.status_code == 404 and junk.json()["detail"] == "未找到该知识竞赛"
    refused = client.post(f"/api/v1/quizzes/{paper.quiz_id}/attempts")
    assert refused.status_code == 409 and "参赛选手" in refused.json()["detail"]
    assert paper.quiz not in quizzes_for(outsider.user)
    assert paper.quiz not in quizzes_for(contest["entries"][0].worker.user)  # not in the general list
    assert not Attempt.objects.filter(quiz=paper.quiz).exists()


def test_at_the_start_the_page_opens_the_attempt_with_the_questions(client, contest, paper):
    _move_start(paper, timezone.now() - dt.timedelta(seconds=2))
    client.force_login(contest["entries"][0].worker.user)
    response = client.post(reverse("competitions:paper", args=[paper.pk]))
    attempt = Attempt.objects.get(quiz=paper.quiz, worker=contest["entries"][0].worker)
    assert response.status_code == 302 and response["Location"] == reverse("assessments:attempt", args=[attempt.pk])
    assert attempt.deadline == paper.ends_at
    taking = client.get(response["Location"]).content.decode()
    assert all(stem in taking for stem in STEMS)
    # a second post resumes the same attempt
    again = client.post(reverse("competitions:paper", args=[paper.pk]))
    assert again["Location"] == reverse("assessments:attempt", args=[attempt.pk])


def test_second_attempt_refused_once_submitted(contest, paper):
    worker = contest["entries"][0].worker
    attempt = knowledge_round_start(round_=paper, worker=worker, now=paper.starts_at)
    attempt_submit(attempt=attempt, now=paper.starts_at + dt.timedelta(minutes=5))
    with pytest.raises(CompetitionError, match="只能作答一次"):
        knowledge_round_start(round_=paper, worker=worker, now=paper.starts_at + dt.timedelta(minutes=6))
    assert Attempt.objects.filter(quiz=paper.quiz, worker=worker).count() == 1


def test_result_recorded_with_time_taken(contest, paper):
    entry = contest["entries"][0]
    attempt = knowledge_round_start(round_=paper, worker=entry.worker, now=paper.starts_at + dt.timedelta(seconds=3))
    _answer_all_right(attempt, now=paper.starts_at + dt.timedelta(seconds=100))
    attempt_submit(attempt=attempt, now=paper.starts_at + dt.timedelta(seconds=300))
    result = RoundResult.objects.get(round=paper, entry=entry)
    assert result.seconds == 300  # counted from the round's start, not the late click
    assert result.percent == Decimal("100.00") and result.score == Decimal("100.00")


def test_auto_submitted_papers_at_the_deadline_record_a_result(contest, paper):
    entry = contest["entries"][1]
    attempt = knowledge_round_start(round_=paper, worker=entry.worker, now=paper.starts_at)
    _answer_all_right(attempt, now=paper.starts_at + dt.timedelta(minutes=1))
    assert attempts_close_overdue(now=paper.ends_at + dt.timedelta(seconds=30)) == 1
    attempt.refresh_from_db()
    assert attempt.auto_closed and attempt.state == AttemptState.GRADED
    result = RoundResult.objects.get(round=paper, entry=entry)
    assert result.seconds == paper.duration_minutes * 60 and result.percent == Decimal("100.00")


def test_equal_scores_rank_by_time_taken(contest, paper):
    fast, slow = contest["entries"][2], contest["entries"][3]
    for entry, seconds in ((slow, 900), (fast, 400)):
        attempt = knowledge_round_start(round_=paper, worker=entry.worker, now=paper.starts_at)
        _answer_all_right(attempt, now=paper.starts_at + dt.timedelta(seconds=60))
        attempt_submit(attempt=attempt, now=paper.starts_at + dt.timedelta(seconds=seconds))
    rows = {s.worker_no: s for s in selectors.standings(contest["competition"], published_only=False)}
    first, second = rows[fast.worker.employee_no], rows[slow.worker.employee_no]
    assert first.overall == second.overall
    assert first.rank == 1 and second.rank == 2


def test_trainer_not_entered_cannot_start(contest, paper, make_worker):
    trainer = contest["trainer"]
    assert roles.has_role(trainer.user, roles.TRAINER)
    with pytest.raises(CompetitionError, match="未报名"):
        knowledge_round_start(round_=paper, worker=trainer, now=paper.starts_at)


def test_every_contestant_gets_the_same_frozen_paper_and_one_attempt(contest, paper):
    first = knowledge_round_start(round_=paper, worker=contest["entries"][0].worker, now=paper.starts_at)
    second = knowledge_round_start(round_=paper, worker=contest["entries"][4].worker, now=paper.starts_at)
    again = knowledge_round_start(round_=paper, worker=contest["entries"][0].worker, now=paper.starts_at)
    order = [list(a.answers.order_by("position").values_list("question_id", "version_id")) for a in (first, second)]
    assert order[0] == order[1] and len(order[0]) == len(STEMS)
    assert again.pk == first.pk and first.deadline == paper.ends_at and first.max_score == Decimal("10")
    assert Attempt.objects.filter(quiz=paper.quiz).count() == 2


def test_paper_out_of_step_with_the_round_is_refused(contest, paper):
    paper.starts_at -= dt.timedelta(minutes=5)
    paper.save(update_fields=["starts_at"])  # saved without knowledge_round_sync
    with pytest.raises(CompetitionError, match="开放时间与本轮不一致"):
        knowledge_round_start(round_=paper, worker=contest["entries"][0].worker, now=paper.starts_at)
