"""Thin views: parse, authorise, call a service or selector, render."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from casebank import selectors, services
from casebank.models import CaseCompilation, DrillAttemptState
from lms.access import get_scoped_object_or_404, worker_of
from lms.private_media import private_file_response


def home_section(request):
    """我的学习 card: drills to run, and the judge's queue for judges."""
    user = request.user
    if not user.is_authenticated:
        return None
    drills = list(selectors.live_drills()[:4])
    to_judge = selectors.judge_queue(user).count() if selectors.is_judge(user) else None
    if not drills and to_judge is None:
        return None
    return {
        "title": "案例与情景模拟",
        "template": "casebank/_home_card.html",
        "context": {"drills": drills, "to_judge": to_judge},
        "order": 30,
    }


@login_required
def faq_list(request):
    query = request.GET.get("q", "").strip()
    category = request.GET.get("category", "").strip()
    context = {"query": query, "category": category, "categories": selectors.categories()}
    if query and selectors.question_only(query):
        # only 怎么办 / 请问 …: the list itself, in its order (docs/rules.md §10)
        context.update(question_only=True, faqs=selectors.faqs_by_category(category))
    elif query:
        context["count"], context["hits"] = selectors.search_faqs(query, category=category, limit=30)
    else:
        context["faqs"] = selectors.faqs_by_category(category)
    return render(request, "casebank/faq_list.html", context)


@login_required
@require_POST
def drill_start(request, pk: int):
    drill = get_object_or_404(selectors.live_drills(), pk=pk)
    worker = worker_of(request.user)
    if worker is None:
        messages.error(request, "只有网格员账号可以参加演练")
        return redirect(drill.url)
    try:
        services.drill_attempt_start(drill=drill, worker=worker)
    except services.DrillRefused as refused:
        messages.error(request, str(refused))
    return redirect(drill.url)


@login_required
@require_POST
def drill_step(request, attempt_id: int):
    # only the runner's own attempt: a peer's id is 404
    worker = worker_of(request.user)
    if worker is None:
        raise Http404
    attempt = get_object_or_404(selectors.own_attempts(request.user).select_related("drill"), pk=attempt_id)
    step_key = request.POST.get("step", "")
    try:
        if "response" in request.POST:
            services.drill_attempt_respond(attempt=attempt, step_key=step_key, text=request.POST.get("response", ""))
        else:
            try:
                index = int(request.POST.get("choice", ""))
            except ValueError:
                raise services.DrillRefused("请选择一个选项") from None
            taken = services.drill_attempt_choose(attempt=attempt, step_key=step_key, choice_index=index)
            if taken.feedback:
                messages.info(request, taken.feedback)
    except services.DrillRefused as refused:
        messages.error(request, str(refused))
    attempt.refresh_from_db()
    if attempt.state != DrillAttemptState.IN_PROGRESS:
        return redirect("casebank:drill_result", attempt_id=attempt.pk)
    return redirect(attempt.drill.url)


@login_required
def drill_result(request, attempt_id: int):
    attempt = get_scoped_object_or_404(request.user, selectors.visible_attempts(request.user), pk=attempt_id)
    return render(request, "casebank/drill_result.html", {"attempt": attempt, "steps": attempt.steps.all()})


@login_required
def judge_queue(request):
    if not selectors.is_judge(request.user):
        raise Http404
    return render(request, "casebank/judge_queue.html", {"items": selectors.judge_queue(request.user)[:100]})


@login_required
def judge_step(request, step_id: int):
    if not selectors.is_judge(request.user):
        raise Http404
    step = get_object_or_404(selectors.judge_queue(request.user), pk=step_id)
    error = ""
    if request.method == "POST":
        try:
            services.drill_response_judge(
                step=step,
                judge=request.user,
                points=request.POST.get("points", ""),
                comment=request.POST.get("comment", ""),
            )
            messages.success(request, "评分已保存")
            return redirect("casebank:judge_queue")
        except services.JudgingRefused as refused:
            error = str(refused)
        except (ArithmeticError, ValueError):
            error = "得分应为数字"
    return render(request, "casebank/judge_step.html", {"step": step, "error": error})


@login_required
def compilation_download(request, pk: int):
    """Any signed-in user; the file itself lives in private storage, so no URL reaches it without this check."""
    compilation = get_object_or_404(CaseCompilation, pk=pk)
    if not compilation.file:
        raise Http404
    return private_file_response(
        compilation.file.name,
        filename=f"网格员工作案例汇编-{compilation.month:%Y-%m}.pdf",
        content_type="application/pdf",
        as_attachment=True,
    )
