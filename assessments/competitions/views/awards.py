"""Results, awards, history and exports of 技能比武: publishing a closed round, confirming the awards
and following their certificates, 我的比赛, and the results list as XLSX and PDF (organisers only)."""

from __future__ import annotations

import io

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse, HttpResponseBadRequest, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone

from assessments.competitions import exports_results, selectors, selectors_awards, services_awards
from assessments.competitions.models import Competition, Round, RoundResult
from assessments.competitions.services import CompetitionError
from certificates.selectors import issuance_job_progress
from lms.access import worker_of
from lms.downloads import name_download
from lms.models import AuditLog
from lms.services import audit_log_record


def _managed_competition(request, pk: int) -> Competition:
    competition = get_object_or_404(Competition.objects.select_related("organiser_unit"), pk=pk)
    if not selectors.can_manage(request.user, competition):
        raise Http404("未找到或无权查看")
    return competition


@login_required
def round_publish(request, round_id: int):
    round_ = get_object_or_404(Round.objects.select_related("competition__organiser_unit"), pk=round_id)
    if not selectors.can_manage(request.user, round_.competition):
        raise Http404("未找到或无权查看")
    if request.method == "POST":
        try:
            services_awards.round_publish(round_=round_, actor=request.user)
        except CompetitionError as exc:
            messages.error(request, str(exc))
        else:
            messages.success(request, f"“{round_.name}”成绩已公布，已通知全部选手。")
            return redirect("competitions:awards", pk=round_.competition_id)
    results = RoundResult.objects.filter(round=round_)
    return render(
        request,
        "competitions/round_publish.html",
        {
            "round": round_,
            "competition": round_.competition,
            "result_count": results.count(),
            "entry_count": round_.competition.entries.count(),
            "unscored": round_.competition.entries.exclude(round_results__round=round_).count(),
        },
    )


@login_required
def awards(request, pk: int):
    competition = _managed_competition(request, pk)
    if request.method == "POST":
        already = competition.awards.filter(confirmed_at__isnull=False).exists()
        try:
            services_awards.awards_confirm(competition=competition, actor=request.user)
        except CompetitionError as exc:
            messages.error(request, str(exc))
        else:
            if already:
                messages.info(request, "获奖名单此前已确认，证书不会重复发放。")
            else:
                messages.success(request, "获奖名单已确认，正在生成获奖证书。")
            return redirect("competitions:awards", pk=competition.pk)
    services_awards.awards_certificates_link(competition=competition)
    rounds = selectors.rounds_of(competition)
    confirmed = list(
        competition.awards.filter(confirmed_at__isnull=False)
        .select_related("entry__worker__org_unit", "certificate")
        .order_by("kind", "rank", "entry__worker__employee_no")
    )
    return render(
        request,
        "competitions/awards.html",
        {
            "competition": competition,
            "rounds": rounds,
            "all_published": bool(rounds) and all(r.published_at for r in rounds),
            "proposals": [] if confirmed else services_awards.awards_propose(competition=competition),
            "confirmed": confirmed,
            "jobs": selectors_awards.award_jobs(competition),
        },
    )


@login_required
def award_job_status(request, pk: int, job_id: int):
    """The progress of one award title's certificate job (the certificates' job page answer)."""
    competition = _managed_competition(request, pk)
    job = next((j for j in selectors_awards.award_jobs(competition) if j.pk == job_id), None)
    if job is None:
        raise Http404("未找到该发证任务")
    if job.status == job.Status.DONE:
        services_awards.awards_certificates_link(competition=competition)
    return JsonResponse({**issuance_job_progress(job), "error": job.error})


def _provisional(request, competition: Competition) -> bool:
    raw = (request.GET.get("provisional") or "").strip()
    if raw not in {"", "0", "1"}:
        raise ValueError("参数 provisional 只能为 0 或 1")
    if raw == "1" and not selectors.is_staff_viewer(request.user, competition):
        raise ValueError("只有工作人员可以导出未公布的成绩")
    return raw == "1"


def _export(request, pk: int, fmt: str):
    competition = _managed_competition(request, pk)
    try:
        provisional = _provisional(request, competition)
    except ValueError as exc:
        return HttpResponseBadRequest(str(exc), content_type="text/plain; charset=utf-8")
    data = selectors_awards.results_list(competition, provisional=provisional)
    suffix = "（未公布·仅供核对）" if provisional else ""
    if fmt == "xlsx":
        buffer = io.BytesIO()
        exports_results.results_xlsx_write(buffer, data)
        body, content_type = buffer.getvalue(), exports_results.XLSX_CONTENT_TYPE
    else:
        body, content_type = exports_results.results_pdf(data), "application/pdf"
    audit_log_record(
        actor=request.user,
        action=AuditLog.Action.EXPORT,
        target_type="竞赛成绩",
        target_id=competition.pk,
        detail={"比赛": competition.name, "格式": fmt, "未公布": provisional},
    )
    response = HttpResponse(body, content_type=content_type)
    name_download(
        response, f"{competition.name}成绩{suffix}.{fmt}", ascii_name=f"competition-{competition.pk}-results.{fmt}"
    )
    response["Cache-Control"] = "private, no-store"
    return response


@login_required
def results_xlsx(request, pk: int):
    return _export(request, pk, "xlsx")


@login_required
def results_pdf(request, pk: int):
    return _export(request, pk, "pdf")


@login_required
def my_competitions(request):
    """我的比赛: only one's own record (there is no parameter naming anyone else)."""
    worker = worker_of(request.user)
    rows = selectors_awards.competition_history(worker) if worker is not None else []
    return render(request, "competitions/mine.html", {"rows": rows, "today": timezone.localdate()})


def profile_section(request, worker) -> dict | None:
    """The 技能比武 section of a competency profile page: the record of whoever the page is about
    (the page itself has checked that the viewer may see that worker)."""
    rows = selectors_awards.competition_history(worker)
    if not rows:
        return None
    me = worker_of(request.user)
    return {
        "title": "技能比武",
        "template": "competitions/_profile_section.html",
        "context": {"rows": rows[:5], "more": len(rows) > 5, "is_self": me is not None and me.pk == worker.pk},
        "order": 50,
    }
