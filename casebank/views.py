"""Thin views: parse, authorise, call a service or selector, render."""

from __future__ import annotations

from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from casebank import selectors, services
from casebank.models import CaseCompilation, DrillAttemptState, SearchScope
from lms.access import get_scoped_object_or_404, worker_of
from lms.private_media import private_file_response


def home_section(request):
    """我的学习 card: drills to run, and the judge's queue for judges."""
    user = request.user
    if not user.is_authenticated:
        return None
    drills = list(selectors.live_drills()[:4])
    to_judge = selectors.judge_queue(user).count() if selectors.is_judge(user) else None
    insights = selectors.may_see_search_insights(user)
    if not drills and to_judge is None and not insights:
        return None
    return {
        "title": "案例与情景模拟",
        "template": "casebank/_home_card.html",
        "context": {"drills": drills, "to_judge": to_judge, "insights": insights},
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
        context["search_log"] = services.search_log_record(
            user=request.user, scope=SearchScope.FAQS, query=query, result_count=context["count"]
        )
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


# --- search log: what was opened, and the trainers' 检索分析 (docs/rules.md §10) -------------------

MAX_ROW_ID = 2**63 - 1


def _own_log_or_404(request, log_id: int):
    log = selectors.own_search_log(request.user, log_id) if 0 < log_id <= MAX_ROW_ID else None
    if log is None:
        raise Http404("未找到这次检索")
    return log


@login_required
def search_open(request, log_id: int, case_id: int):
    """A case result link of the case search: note the open on the searcher's own log row, then
    show the case with the query highlighted. Someone else's log id is 404 and changes nothing."""
    log = _own_log_or_404(request, log_id)
    if not 0 < case_id <= MAX_ROW_ID:
        raise Http404("未找到该案例")
    case = get_object_or_404(selectors.live_cases(), pk=case_id)
    services.search_log_open(log=log, user=request.user, case=case)
    return redirect(f"{case.url}?{urlencode({'q': log.query})}" if log.query else case.url)


@login_required
@require_POST
def faq_helpful(request, log_id: int, faq_id: int):
    """有帮助 under an FAQ search result: the FAQ answers are shown inline, so this click is the
    only open of an FAQ the server can see."""
    log = _own_log_or_404(request, log_id)
    if not 0 < faq_id <= MAX_ROW_ID:
        raise Http404("未找到该问题")
    faq = get_object_or_404(selectors.faqs_by_category(), pk=faq_id)
    services.search_log_open(log=log, user=request.user, faq=faq)
    messages.success(request, f"感谢反馈：“{faq.question}”对您有帮助")
    target = reverse("casebank:faq_list")
    return redirect(f"{target}?{urlencode({'q': log.query})}" if log.query else target)


def _require_insights(request) -> None:
    if not selectors.may_see_search_insights(request.user):
        raise PermissionDenied("检索分析只对培训管理员开放")


def _case_add_url() -> str:
    from casebank.models import CaseIndexPage

    library = CaseIndexPage.objects.first()
    return reverse("wagtailadmin_pages:add", args=("casebank", "casepage", library.pk)) if library else ""


@login_required
def search_insights(request):
    """检索分析: the most frequent zero-result and no-click queries of the last 7/30/90 days."""
    from casebank.forms import InsightDaysForm

    _require_insights(request)
    form = InsightDaysForm(request.GET if "days" in request.GET else None)
    days = form.cleaned_data["days"] if form.is_bound and form.is_valid() else 30
    insights = selectors.search_insights(days=days)
    context = {
        "form": form,
        "days": days,
        "keep_days": _keep_days(),
        "total": insights["total"],
        "zero_page": Paginator(insights["zero_result"], 50).get_page(request.GET.get("zero_page")),
        "click_page": Paginator(insights["no_click"], 50).get_page(request.GET.get("click_page")),
        "synonym_words": selectors.synonym_words(),
        "case_add_url": _case_add_url(),
    }
    return render(request, "casebank/search_insights.html", context)


def _keep_days() -> int:
    from django.conf import settings

    return settings.SEARCH_LOG_KEEP_DAYS


def _insights_url(days) -> str:
    days = days if str(days) in {str(d) for d in selectors.INSIGHT_DAY_CHOICES} else 30
    return f"{reverse('casebank:search_insights')}?days={days}"


@login_required
@require_POST
def search_insight_synonym(request):
    """加为同义词: the query and the word the trainer typed end up in one synonym group."""
    _require_insights(request)
    query = request.POST.get("query", "")
    word = request.POST.get("word", "")
    try:
        if "\x00" in query + word:
            raise services.SynonymRefused("同义词中有无法保存的字符")
        _, named = services.synonym_from_search(query=query, word=word)
    except services.SynonymRefused as refused:
        messages.error(request, f"“{services.search_query_normalise(query)[:30]}”未加为同义词：{refused}")
    else:
        messages.success(request, f"已把“{services.search_query_normalise(query)}”和“{named}”放进同一个同义词组")
    return redirect(_insights_url(request.POST.get("days", "")))


@login_required
def search_insight_faq(request):
    """写一个常见问题: question prefilled from the query; saved, it opens in the admin for polishing."""
    from casebank.forms import InsightFaqForm

    _require_insights(request)
    if request.method == "POST":
        form = InsightFaqForm(request.POST)
        if form.is_valid():
            faq, _ = services.faq_save(
                question=form.cleaned_data["question"],
                answer=form.cleaned_data["answer"],
                category=form.cleaned_data["category"],
            )
            messages.success(request, f"已添加常见问题“{faq.question}”")
            return redirect(reverse("wagtailsnippets_casebank_faq:edit", args=[faq.pk]))
    else:
        question = services.search_query_normalise(request.GET.get("q", "").replace("\x00", ""))[:200]
        form = InsightFaqForm(initial={"question": question})
    return render(request, "casebank/search_insight_faq.html", {"form": form})
