"""Pages of the quiz engine: list, take (phone screen), review, marking queue, trainer results."""

from __future__ import annotations

import io

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from assessments import selectors, services
from assessments.api import question_payload, time_left
from assessments.exports import QUIZ_RESULTS
from assessments.forms import MarkForm
from assessments.models import AttemptState, QuestionType, Quiz
from assessments.scoring import is_answered
from lms.access import worker_of
from lms.downloads import name_download
from lms.pii import mask_name
from lms.services import export_job_start
from lms.spreadsheets import XLSX_CONTENT_TYPE


def _visible_quiz(request, pk: int) -> Quiz:
    worker = worker_of(request.user)
    quiz = Quiz.objects.filter(pk=pk).select_related("audience").first()
    if quiz is None or worker is None:
        raise Http404("未找到测验")
    if selectors.is_results_viewer(request.user):
        return quiz
    if quiz.is_draft or not selectors.quiz_audience_includes(quiz, worker):
        raise Http404("未找到测验")
    return quiz


@login_required
def quiz_list(request):
    worker = worker_of(request.user)
    rows = [
        {"quiz": quiz, "grade": selectors.quiz_grade(worker, quiz), "used": selectors.attempts_of(worker, quiz).count()}
        for quiz in selectors.quizzes_for(request.user)
    ]
    return render(
        request,
        "assessments/quiz_list.html",
        {"rows": rows, "is_results_viewer": selectors.is_results_viewer(request.user)},
    )


@login_required
def quiz_detail(request, pk: int):
    quiz = _visible_quiz(request, pk)
    worker = worker_of(request.user)
    attempts = list(selectors.attempts_of(worker, quiz))
    return render(
        request,
        "assessments/quiz_detail.html",
        {
            "quiz": quiz,
            "attempts": attempts,
            "open_attempt": next((a for a in attempts if a.state == AttemptState.IN_PROGRESS), None),
            "unavailable": selectors.quiz_unavailable_reason(quiz, worker),
            "grade": selectors.quiz_grade(worker, quiz),
            "question_count": selectors.quiz_question_count(quiz),
        },
    )


@login_required
@require_POST
def quiz_start(request, pk: int):
    quiz = _visible_quiz(request, pk)
    try:
        attempt = services.attempt_start(quiz=quiz, worker=worker_of(request.user))
    except services.AttemptRefused as refused:
        messages.error(request, str(refused))
        return redirect("assessments:quiz_detail", pk=quiz.pk)
    return redirect("assessments:attempt", pk=attempt.pk)


def _clock(seconds: int | None) -> str:
    return "" if seconds is None else f"{seconds // 60}:{seconds % 60:02d}"


def _take_items(attempt, answers, show_answers: bool):
    reviews = _review_items(attempt, answers, True) if show_answers else [None] * len(answers)
    items = []
    for answer, review in zip(answers, reviews, strict=True):
        data = question_payload(answer)
        response = answer.response
        if answer.version.qtype == QuestionType.BLANK:
            values = response if isinstance(response, list) else []
            data["blank_values"] = [values[i] if i < len(values) else "" for i in range(data["blanks"])]
        data["chosen"] = response if isinstance(response, str) else ""
        data["answered"] = is_answered(answer.version.qtype, response)
        data["review"] = review
        items.append(data)
    return items


def _review_items(attempt, answers, show_answers: bool):
    items = []
    for answer in answers:
        version = answer.version
        options = services.shown_options(answer)
        response = answer.response
        shown_response = "、".join(response) if isinstance(response, list) else (response or "")
        items.append(
            {
                "position": answer.position,
                "type": version.qtype,
                "stem": version.stem,
                "stem_format": version.stem_format,
                "options": options,
                "response": shown_response,
                "score": answer.score,
                "points": version.points,
                "right": services.shown_right_answer(answer) if show_answers else None,
                "explanation": version.explanation if show_answers else "",
                # The response's own feedback, under the same gate as the answer (docs/rules.md §5).
                "feedback": services.shown_feedback(answer) if show_answers else "",
                "comment": answer.comment,
                "correct": answer.score is not None and answer.score == version.points,
            }
        )
    return items


@login_required
def attempt_page(request, pk: int):
    """The phone quiz screen while in progress; the review afterwards. Only the person's own."""
    attempt = selectors.attempt_for_user(request.user, pk)
    if attempt is None:
        raise Http404("未找到作答记录")
    answers = selectors.attempt_answers(attempt)
    now = timezone.now()
    if attempt.state == AttemptState.IN_PROGRESS and attempt.deadline is not None and now > attempt.deadline:
        attempt = services.attempt_submit(attempt=attempt, auto=True)
        answers = selectors.attempt_answers(attempt)
    review = selectors.review_options(attempt, now=now)
    if attempt.state == AttemptState.IN_PROGRESS:
        return render(
            request,
            "assessments/attempt_take.html",
            {
                "attempt": attempt,
                "quiz": attempt.quiz,
                "items": _take_items(attempt, answers, review["answers"]),
                "server_now": now.isoformat(),
                "time_left_text": _clock(time_left(attempt, now)),
            },
        )
    return render(
        request,
        "assessments/attempt_review.html",
        {
            "attempt": attempt,
            "quiz": attempt.quiz,
            "review": review,
            "items": _review_items(attempt, answers, review["answers"]),
            "grade": selectors.quiz_grade(attempt.worker, attempt.quiz),
        },
    )


@login_required
def marking_queue(request):
    if not selectors.is_marker(request.user):
        raise Http404("仅培训管理员和评委可以阅卷")
    pending = list(selectors.marking_queue(request.user)[:200])
    for answer in pending:
        answer.display_name = mask_name(answer.attempt.worker.name)
    return render(request, "assessments/marking_queue.html", {"pending": pending})


@login_required
def mark_answer(request, answer_id: int):
    answer = selectors.markable_answer(request.user, answer_id)
    if answer is None:
        raise Http404("未找到或无权批阅")
    form = MarkForm(
        request.POST or None,
        max_points=answer.version.points,
        initial={"score": answer.score, "comment": answer.comment},
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.answer_mark(
                answer=answer,
                marker=request.user,
                score=form.cleaned_data["score"],
                comment=form.cleaned_data["comment"],
            )
        except services.MarkingRefused as refused:
            form.add_error("score", str(refused))
        else:
            messages.success(request, "已保存评分")
            following = selectors.marking_queue(request.user).first()
            if following is not None:
                return redirect("assessments:mark_answer", answer_id=following.pk)
            return redirect("assessments:marking_queue")
    return render(
        request,
        "assessments/mark_answer.html",
        {"answer": answer, "form": form, "display_name": mask_name(answer.attempt.worker.name)},
    )


def _results_quiz(request, pk: int) -> Quiz:
    if not selectors.is_results_viewer(request.user):
        raise Http404("仅培训管理员可以查看成绩统计")
    return get_object_or_404(Quiz, pk=pk)


@login_required
def quiz_results(request, pk: int):
    quiz = _results_quiz(request, pk)
    stats = selectors.question_statistics(request.user, quiz)
    attempts = selectors.quiz_attempts_visible(request.user, quiz)
    return render(
        request,
        "assessments/quiz_results.html",
        {
            "quiz": quiz,
            "stats": stats,
            "counts": {
                "total": attempts.count(),
                "graded": attempts.filter(state=AttemptState.GRADED).count(),
                "pending": attempts.filter(state=AttemptState.PENDING_MARKING).count(),
                "passed": attempts.filter(passed=True).count(),
            },
        },
    )


@login_required
@require_POST
def quiz_results_xlsx(request, pk: int):
    """Starts the export as a background job (lms.exports) and shows its progress page."""
    quiz = _results_quiz(request, pk)
    job = export_job_start(
        user=request.user, kind=QUIZ_RESULTS, params={"quiz": quiz.pk}, title=f"{quiz.title} · 成绩（Excel）"
    )
    return redirect("export_job", pk=job.pk)


@login_required
def quiz_bank_export(request, pk: int, fmt: str):
    quiz = _results_quiz(request, pk)
    content_types = {
        "xlsx": XLSX_CONTENT_TYPE,
        "gift": "text/plain; charset=utf-8",
        "xml": "application/xml; charset=utf-8",
    }
    if fmt not in content_types:
        raise Http404("不支持的格式")
    buffer = io.BytesIO()
    services.quiz_export_bank(quiz=quiz, target=buffer, fmt=fmt)
    content_type = content_types[fmt]
    response = HttpResponse(buffer.getvalue(), content_type=content_type)
    name_download(response, f"{quiz.title}-题库.{fmt}", ascii_name=f"quiz-{quiz.pk}-bank.{fmt}")
    return response


def home_section(request):
    """我的学习 card: quizzes open to the person, and marking/results links for staff."""
    user = request.user
    worker = worker_of(user)
    rows = []
    if worker is not None:
        for quiz in selectors.quizzes_for(user)[:6]:
            attempts = list(selectors.attempts_of(worker, quiz))
            rows.append(
                {
                    "quiz": quiz,
                    "grade": selectors.quiz_grade(worker, quiz),
                    "open": next((a for a in attempts if a.state == AttemptState.IN_PROGRESS), None),
                    "pending": any(a.state == AttemptState.PENDING_MARKING for a in attempts),
                    "used": len(attempts),
                }
            )
    to_mark = selectors.marking_queue(user).count() if selectors.is_marker(user) else None
    if not rows and to_mark is None:
        return None
    return {
        "title": "测验与考试",
        "template": "assessments/_home_card.html",
        "context": {"rows": rows, "to_mark": to_mark, "is_results_viewer": selectors.is_results_viewer(user)},
        "order": 20,
    }
