"""Quiz API (DESIGN.md "Interfaces"): list quizzes, start an attempt, autosave answers, submit.

Another person's attempt answers 404; an answer of the wrong shape 400 (Chinese message); an
answer after the server's deadline or after submission 409.
"""

from __future__ import annotations

import json
from decimal import Decimal

from django.http import Http404
from django.utils import timezone
from ninja import Router
from ninja.errors import HttpError

from assessments import selectors, services
from assessments.models import Answer, AttemptState, QuestionType, Quiz
from assessments.scoring import AnswerShapeError, blank_count, is_answered
from lms.access import worker_of

router = Router(tags=["测验"])


def num(value: Decimal | None):
    """A Decimal as a JSON number (integral values without a fraction)."""
    if value is None:
        return None
    value = Decimal(value)
    return int(value) if value == value.to_integral_value() else float(value)


def time_left(attempt, now=None) -> int | None:
    if attempt.deadline is None:
        return None
    now = now or timezone.now()
    return max(0, int((attempt.deadline - now).total_seconds()))


def question_payload(answer: Answer, *, with_response: bool = False) -> dict:
    version = answer.version
    item = {
        "id": answer.question_id,
        "position": answer.position,
        "type": version.qtype,
        "stem": version.stem,
        "options": services.shown_options(answer),
        "points": num(version.points),
    }
    if version.qtype == QuestionType.BLANK:
        item["blanks"] = blank_count(version.answer)
    if with_response:
        item["answer"] = answer.response
        item["flagged"] = answer.flagged
    return item


def attempt_payload(attempt, answers, *, with_response: bool = False) -> dict:
    return {
        "id": attempt.pk,
        "quiz": attempt.quiz_id,
        "number": attempt.number,
        "state": attempt.state,
        "started_at": attempt.started_at,
        "deadline": attempt.deadline,
        "time_left": time_left(attempt),
        "questions": [question_payload(a, with_response=with_response) for a in answers],
    }


def result_payload(attempt) -> dict:
    review = selectors.review_options(attempt)
    show = review["score"]
    return {
        "id": attempt.pk,
        "state": attempt.state,
        "state_label": attempt.get_state_display(),
        "score": num(attempt.score) if show else None,
        "max_score": num(attempt.max_score),
        "percent": num(attempt.percent) if show else None,
        "passed": attempt.passed if show else None,
        "pending_marking": attempt.state == AttemptState.PENDING_MARKING,
        "submitted_at": attempt.submitted_at,
        "review_url": f"/attempts/{attempt.pk}/",
    }


@router.get("/quizzes", summary="我可参加的测验")
def quiz_list(request):
    worker = worker_of(request.user)
    rows = []
    for quiz in selectors.quizzes_for(request.user):
        used = selectors.attempts_of(worker, quiz).count()
        rows.append(
            {
                "id": quiz.pk,
                "title": quiz.title,
                "description": quiz.description,
                "time_limit_minutes": quiz.time_limit_minutes,
                "attempts_allowed": quiz.attempts_allowed,
                "attempts_used": used,
                "pass_mark_percent": num(quiz.pass_mark_percent),
                "closes_at": quiz.closes_at,
                "grade_percent": num(selectors.quiz_grade(worker, quiz)),
            }
        )
    return rows


@router.post("/quizzes/{quiz_id}/attempts", summary="开始（或继续）作答")
def attempt_start(request, quiz_id: int):
    worker = worker_of(request.user)
    quiz = Quiz.objects.filter(pk=quiz_id, is_draft=False).select_related("audience").first()
    if quiz is None or worker is None or not selectors.quiz_audience_includes(quiz, worker):
        raise Http404("未找到测验")
    try:
        attempt = services.attempt_start(quiz=quiz, worker=worker)
    except services.AttemptRefused as refused:
        raise HttpError(409, str(refused)) from None
    answers = selectors.attempt_answers(attempt)
    return attempt_payload(attempt, answers, with_response=True)


@router.get("/attempts/{attempt_id}", summary="作答详情（断线重连时取回已保存的答案和剩余时间）")
def attempt_detail(request, attempt_id: int):
    attempt = selectors.attempt_for_user(request.user, attempt_id)
    if attempt is None:
        raise Http404("未找到作答记录")
    payload = attempt_payload(attempt, selectors.attempt_answers(attempt), with_response=True)
    if attempt.state != AttemptState.IN_PROGRESS:
        payload["result"] = result_payload(attempt)
    return payload


@router.put("/attempts/{attempt_id}/answers/{question_id}", summary="自动保存一道题的答案")
def answer_put(request, attempt_id: int, question_id: int):
    try:
        body = json.loads(request.body or b"null")
    except (ValueError, UnicodeDecodeError):
        raise HttpError(400, "请求内容不是有效的 JSON") from None
    if not isinstance(body, dict) or ("answer" not in body and "flagged" not in body):
        raise HttpError(400, '请求内容应为 {"answer": …}')
    target = selectors.autosave_target(request.user, attempt_id, question_id)
    if target is None:
        raise Http404("未找到该题")
    flagged = body.get("flagged")
    if flagged is not None and not isinstance(flagged, bool):
        raise HttpError(400, "flagged 应为 true 或 false")
    try:
        if "answer" in body:
            services.answer_autosave(target=target, response=body["answer"], flagged=flagged)
        else:
            services.answer_flag(target=target, flagged=flagged)
    except AnswerShapeError as wrong:
        raise HttpError(400, str(wrong)) from None
    except services.AttemptClosed as closed:
        raise HttpError(409, str(closed)) from None
    result = {"saved": True, "flagged": target.flagged if flagged is not None else None, "time_left": time_left(target)}
    if "answer" in body:
        result.update(answered=is_answered(target.qtype, target.response), saved_at=target.saved_at)
    return result


@router.post("/attempts/{attempt_id}/submit", summary="交卷（重复提交只评分一次）")
def attempt_submit(request, attempt_id: int):
    attempt = selectors.attempt_for_user(request.user, attempt_id)
    if attempt is None:
        raise Http404("未找到作答记录")
    attempt = services.attempt_submit(attempt=attempt)
    return result_payload(attempt)
