"""Quiz API (docs/api.md): list quizzes, start an attempt, autosave answers, submit.

Another person's attempt answers 404; an answer of the wrong shape 400 (Chinese message); an
answer after the server's deadline or after submission 409.
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated

from django.utils import timezone
from ninja import Router, Schema
from pydantic import BaseModel, Field, JsonValue, StrictBool, WithJsonSchema, model_validator

from assessments import selectors, services
from assessments.models import Answer, AttemptState, QuestionType, Quiz
from assessments.scoring import AnswerShapeError, blank_count, is_answered
from lms.access import worker_of
from lms.api_schemas import ApiError, Number, RowId, errors

router = Router(tags=["测验"])

RESPONSE_SHAPES = '单选如 "B"，多选如 "ACD"，判断 "对" 或 "错"，填空为字符串列表（每空一项），简答为文字'


def _absent(value) -> bool:
    return value is None


def time_left(attempt, now=None) -> int | None:
    if attempt.deadline is None:
        return None
    now = now or timezone.now()
    return max(0, int((attempt.deadline - now).total_seconds()))


# --- schemas -------------------------------------------------------------------------------------


class QuizOut(Schema):
    id: int
    title: str
    description: str
    time_limit_minutes: int | None = Field(description="限时（分钟），null 为不限时")
    attempts_allowed: int | None = Field(description="允许作答次数，null 为不限")
    attempts_used: int
    pass_mark_percent: Number
    closes_at: dt.datetime | None
    grade_percent: Number | None = Field(description="按测验的计分方式得出的成绩（百分制），尚无评分为 null")


class QuestionOut(Schema):
    id: int
    position: int
    type: str = Field(description="题型：单选、多选、判断、填空、简答")
    title: str = Field("", description="题目名称（Moodle 的题目名，可为空）")
    stem: str = Field(description="题干；stem_format 为 html 时是已清理的 HTML，为 plain 时是纯文本")
    stem_format: str = Field(
        "plain", description="题干格式：plain（纯文本，按原样显示、保留换行）或 html（已清理的 HTML，可直接显示为排版）"
    )
    options: dict[str, str] = Field(description="选项：字母 → 文字（乱序时为本次显示的字母）")
    points: Number
    blanks: int | None = Field(None, exclude_if=_absent, description="空数（仅填空题有此项）")
    answer: str | list[str] | None = Field(description=f"已保存的答案：{RESPONSE_SHAPES}")
    flagged: bool
    right_answer: str | None = Field(
        None,
        exclude_if=_absent,
        description="正确答案（乱序时为本次显示的字母；简答为参考答案）；仅在测验设定公布答案之后才有此项",
    )
    explanation: str | None = Field(None, exclude_if=_absent, description="解析；与正确答案同时公布")
    feedback: str | None = Field(
        None,
        exclude_if=_absent,
        description="针对所作答案的反馈（所选选项、判断或填空答案各自的反馈，纯文本）；与正确答案同时公布，没有反馈时无此项",
    )

    @classmethod
    def of(cls, answer: Answer, *, reveal: bool = False) -> QuestionOut:
        version = answer.version
        return cls(
            id=answer.question_id,
            position=answer.position,
            type=version.qtype,
            title=version.title,
            stem=version.stem,
            stem_format=version.stem_format,
            options=services.shown_options(answer),
            points=version.points,
            blanks=blank_count(version.answer) if version.qtype == QuestionType.BLANK else None,
            answer=answer.response,
            flagged=answer.flagged,
            right_answer=services.shown_right_answer(answer) if reveal else None,
            explanation=version.explanation if reveal else None,
            feedback=(services.shown_feedback(answer) or None) if reveal else None,
        )


class ResultOut(Schema):
    id: int
    state: str = Field(description="submitted、pending_marking（简答待阅卷）或 graded")
    state_label: str
    score: Number | None = Field(description="得分；测验设定暂不公布成绩时为 null")
    max_score: Number
    percent: Number | None
    passed: bool | None
    pending_marking: bool
    submitted_at: dt.datetime | None
    review_url: str

    @classmethod
    def of(cls, attempt) -> ResultOut:
        show = selectors.review_options(attempt)["score"]
        return cls(
            id=attempt.pk,
            state=attempt.state,
            state_label=attempt.get_state_display(),
            score=attempt.score if show else None,
            max_score=attempt.max_score,
            percent=attempt.percent if show else None,
            passed=attempt.passed if show else None,
            pending_marking=attempt.state == AttemptState.PENDING_MARKING,
            submitted_at=attempt.submitted_at,
            review_url=f"/attempts/{attempt.pk}/",
        )


class AttemptOut(Schema):
    id: int
    quiz: int
    number: int
    state: str = Field(description="in_progress（作答中）、submitted、pending_marking 或 graded")
    started_at: dt.datetime
    deadline: dt.datetime | None = Field(description="服务器端截止时间，null 为不限时")
    time_left: int | None = Field(description="剩余秒数，null 为不限时")
    questions: list[QuestionOut]

    @classmethod
    def of(cls, attempt, answers: list[Answer], *, reveal: bool = False, **extra) -> AttemptOut:
        return cls(
            id=attempt.pk,
            quiz=attempt.quiz_id,
            number=attempt.number,
            state=attempt.state,
            started_at=attempt.started_at,
            deadline=attempt.deadline,
            time_left=time_left(attempt),
            questions=[QuestionOut.of(a, reveal=reveal) for a in answers],
            **extra,
        )


class AttemptDetailOut(AttemptOut):
    result: ResultOut | None = Field(None, exclude_if=_absent, description="交卷后的结果（作答中没有此项）")


# Any JSON value reaches the question-type check (AnswerShapeError → 400); the documented shapes:
AnswerValue = Annotated[
    JsonValue,
    WithJsonSchema(
        {
            "anyOf": [{"type": "string"}, {"type": "array", "items": {"type": "string"}}, {"type": "null"}],
            "description": f"{RESPONSE_SHAPES}；null 清除答案",
        }
    ),
]


class AnswerIn(BaseModel):
    """`{"answer": …}`, `{"flagged": true}` or both; a body with neither is refused with 400.

    A plain pydantic model rather than a ninja Schema: a Schema hands its validators the input
    wrapped for attribute lookups (ORM objects), so the check below could not see a non-object
    body; `model_fields_set` tells which keys were sent.
    """

    answer: AnswerValue = None
    flagged: StrictBool | None = Field(None, description="标记本题以便稍后检查")

    @model_validator(mode="before")
    @classmethod
    def _object_or_nothing(cls, data):
        # A body that is not a JSON object carries neither key: the same 400 as `{}`.
        return data if isinstance(data, dict) else {}


class AutosaveOut(Schema):
    saved: bool
    flagged: bool | None = Field(description="请求中带了 flagged 时为保存后的标记，否则为 null")
    time_left: int | None
    answered: bool | None = Field(None, exclude_if=_absent, description="是否已作答（仅保存答案时有此项）")
    saved_at: dt.datetime | None = Field(None, exclude_if=_absent, description="保存时间（仅保存答案时有此项）")


# --- endpoints -----------------------------------------------------------------------------------


def question_payload(answer: Answer) -> dict:
    """One question of an attempt as the API shows it (the quiz page reuses it)."""
    return QuestionOut.of(answer).model_dump()


@router.get("/quizzes", response={200: list[QuizOut], **errors()}, summary="我可参加的测验")
def quiz_list(request):
    worker = worker_of(request.user)
    return [
        QuizOut(
            id=quiz.pk,
            title=quiz.title,
            description=quiz.description,
            time_limit_minutes=quiz.time_limit_minutes,
            attempts_allowed=quiz.attempts_allowed,
            attempts_used=selectors.attempts_of(worker, quiz).count(),
            pass_mark_percent=quiz.pass_mark_percent,
            closes_at=quiz.closes_at,
            grade_percent=selectors.quiz_grade(worker, quiz),
        )
        for quiz in selectors.quizzes_for(request.user)
    ]


@router.post(
    "/quizzes/{quiz_id}/attempts",
    response={200: AttemptOut, **errors(404, 409, 422)},
    summary="开始（或继续）作答",
    description="已有作答中的记录时返回该记录；不能开始（已截止、次数用完等）时返回 409 及原因。",
)
def attempt_start(request, quiz_id: RowId):
    worker = worker_of(request.user)
    quiz = Quiz.objects.filter(pk=quiz_id, is_draft=False).select_related("audience").first()
    if quiz is None or worker is None or not selectors.quiz_audience_includes(quiz, worker):
        raise ApiError(404, "未找到测验")
    try:
        attempt = services.attempt_start(quiz=quiz, worker=worker)
    except services.AttemptRefused as refused:
        raise ApiError(409, str(refused)) from None
    return AttemptOut.of(attempt, selectors.attempt_answers(attempt))


@router.get(
    "/attempts/{attempt_id}",
    response={200: AttemptDetailOut, **errors(404, 422)},
    summary="作答详情（断线重连时取回已保存的答案和剩余时间）",
    description="测验设定公布答案之后（如“最后一次作答后或截止后”），每道题另有 right_answer 和 explanation。",
)
def attempt_detail(request, attempt_id: RowId):
    attempt = selectors.attempt_for_user(request.user, attempt_id)
    if attempt is None:
        raise ApiError(404, "未找到作答记录")
    result = ResultOut.of(attempt) if attempt.state != AttemptState.IN_PROGRESS else None
    # Answers and explanations only once the quiz's review setting allows (docs/rules.md §5).
    reveal = selectors.review_options(attempt)["answers"]
    return AttemptDetailOut.of(attempt, selectors.attempt_answers(attempt), reveal=reveal, result=result)


@router.put(
    "/attempts/{attempt_id}/answers/{question_id}",
    response={200: AutosaveOut, **errors(400, 404, 409, 422)},
    summary="自动保存一道题的答案",
    description=(
        f"答案：{RESPONSE_SHAPES}；null 清除答案。答案形式与题型不符时返回 400；已交卷或超过服务器端截止时间时返回 409，答案不保存。"
    ),
)
def answer_put(request, attempt_id: RowId, question_id: RowId, payload: AnswerIn):
    sent = payload.model_fields_set
    if "answer" not in sent and "flagged" not in sent:
        raise ApiError(400, '请求内容应为 {"answer": …}，可另带 "flagged": true 或 false')
    target = selectors.autosave_target(request.user, attempt_id, question_id)
    if target is None:
        raise ApiError(404, "未找到该题")
    try:
        if "answer" in sent:
            services.answer_autosave(target=target, response=payload.answer, flagged=payload.flagged)
        else:
            services.answer_flag(target=target, flagged=payload.flagged)
    except AnswerShapeError as wrong:
        raise ApiError(400, str(wrong)) from None
    except services.AttemptClosed as closed:
        raise ApiError(409, str(closed)) from None
    answer_sent = "answer" in sent
    return AutosaveOut(
        saved=True,
        flagged=target.flagged if payload.flagged is not None else None,
        time_left=time_left(target),
        answered=is_answered(target.qtype, target.response) if answer_sent else None,
        saved_at=target.saved_at if answer_sent else None,
    )


@router.post(
    "/attempts/{attempt_id}/submit",
    response={200: ResultOut, **errors(404, 422)},
    summary="交卷（重复提交只评分一次）",
)
def attempt_submit(request, attempt_id: RowId):
    attempt = selectors.attempt_for_user(request.user, attempt_id)
    if attempt is None:
        raise ApiError(404, "未找到作答记录")
    return ResultOut.of(services.attempt_submit(attempt=attempt))


# The competency profile endpoint lives in its own module; it is mounted with this router.
from assessments.api_competency import router as competency_router  # noqa: E402

router.add_router("", competency_router)
