"""评委 pages (docs/rules.md, 14.3): a judge's rounds, their panel's contestants in running order, the
score sheet on a phone; the chief judge's reviews; closing a round; paper score sheets for organisers.

A judge sees only their own marks; the chief judge sees the panel's marks on the reviews page and may
rescore through the same sheet (`?judge=`). Every refusal is a Chinese message, never a 500.
"""

from __future__ import annotations

import io
import re
import tempfile
from pathlib import Path

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import FileResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods

from assessments.competitions import selectors, services
from assessments.competitions import selectors_judging as judging
from assessments.competitions.models import JudgeScore, PanelJudge, Round, ScoreReview
from assessments.competitions.services_scores import (
    SCORE_COLUMNS,
    TEMPLATE_HEADERS,
    judge_scores_import,
    template_rows,
)
from lms import roles
from lms.access import worker_of
from lms.downloads import name_download
from lms.importing import ImportRejected, Row, read_rows
from lms.spreadsheets import XLSX_CONTENT_TYPE, Sheet, table_write

NOTICE = "competitions/judging/notice.html"
REASON_MAX = 300
COMMENT_MAX = 2000
IMPORT_MAX_ROWS = 5000
LEVEL_MARK = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*分")


def _notice(request, message: str, *, status: int = 404, title: str = "未找到"):
    return render(request, NOTICE, {"title": title, "message": message}, status=status)


def _not_found(request):
    return _notice(request, "未找到该页面，或您无权查看。")


def _round(round_id: int) -> Round | None:
    return Round.objects.select_related("competition").filter(pk=round_id).first()


def _seated(round_: Round, worker) -> bool:
    return worker is not None and PanelJudge.objects.filter(panel__round=round_, judge=worker).exists()


def _judge_round_or_none(request, round_id: int):
    """The judged round and the signed-in judge sitting on one of its panels, or (None, None)."""
    round_, worker = _round(round_id), worker_of(request.user)
    if round_ is None or not round_.is_judged or not _seated(round_, worker):
        return None, None
    return round_, worker


# --- a judge's rounds --------------------------------------------------------------------------------


@login_required
def judging_index(request):
    """The rounds where I sit on a panel (open first, then closed); organisers also see the judged
    rounds of the competitions they manage, with paper-sheet import and closing."""
    worker = worker_of(request.user)
    seats = judging.judged_rounds_of(worker) if worker is not None else []
    managed = []
    for competition in selectors.competitions_managed_by(request.user):
        rounds = [r for r in selectors.rounds_of(competition) if r.is_judged]
        if rounds:
            managed.append({"competition": competition, "rounds": rounds})
    if not seats and not managed and not roles.has_role(request.user, roles.JUDGE):
        return _notice(request, "评委评分页面只对评委和比赛组织者开放。")
    return render(request, "competitions/judging/index.html", {"seats": seats, "managed": managed})


@login_required
def judge_round(request, round_id: int):
    """My panel's contestants in running order: 待评 / 已评 (my own score) / 回避."""
    round_, worker = _judge_round_or_none(request, round_id)
    if round_ is None:
        return _not_found(request)
    rows = judging.sheet_rows(round_, worker)
    chief = selectors.is_chief(round_, worker)
    return render(
        request,
        "competitions/judging/round.html",
        {
            "round": round_,
            "rows": rows,
            "scored": sum(1 for r in rows if r.status == judging.DONE),
            "scorable": sum(1 for r in rows if r.scorable),
            "next_entry": judging.next_pending(round_, worker),
            "is_chief": chief,
            "may_close": chief or selectors.can_manage(request.user, round_.competition),
            "pending_reviews": (
                ScoreReview.objects.filter(round=round_, resolved_at__isnull=True).count() if chief else 0
            ),
        },
    )


# --- the score sheet ---------------------------------------------------------------------------------


def _levels(criterion) -> list[dict]:
    """The written level descriptors, each with the mark it stands for when the line starts with one
    (“3分：准确识别”), so a tap fills the mark in."""
    out = []
    for line in criterion.descriptor_lines:
        match = LEVEL_MARK.match(line)
        value = match.group(1) if match else None
        if value is not None and float(value) > float(criterion.max_score):
            value = None
        out.append({"text": line, "value": value})
    return out


def _sheet_target(request, round_: Round, worker, entry_id: int):
    """(entry, judge, error page): whose sheet this is. A judge opens their own sheet for a contestant
    of their own panel; the chief judge may open another panel judge's sheet with `?judge=<id>`."""
    raw = (request.POST.get("judge") if request.method == "POST" else None) or request.GET.get("judge", "")
    raw = raw.strip()
    if raw and raw != str(worker.pk):
        if not raw.isdigit() or len(raw) > 18:
            return None, None, _notice(request, "评委参数无效。", status=400, title="参数无效")
        if not selectors.is_chief(round_, worker):
            return None, None, _not_found(request)
        entry = judging.entry_in_round(round_, entry_id)
        judge = (
            next((j for j in judging.panel_judges_of_entry(round_, entry) if j.pk == int(raw)), None) if entry else None
        )
        if entry is None or judge is None:
            return None, None, _notice(request, "该评委不在这名选手的评分组中。")
        return entry, judge, None
    entry = judging.entry_on_panels(round_, worker, entry_id)
    if entry is None:
        return None, None, _not_found(request)
    return entry, worker, None


@login_required
@require_http_methods(["GET", "POST"])
def judge_entry(request, round_id: int, entry_id: int):
    round_, worker = _judge_round_or_none(request, round_id)
    if round_ is None:
        return _not_found(request)
    entry, judge, refusal = _sheet_target(request, round_, worker, entry_id)
    if refusal is not None:
        return refusal
    chief = selectors.is_chief(round_, worker)
    on_behalf = judge.pk != worker.pk
    criteria = list(round_.criteria.all())
    existing = JudgeScore.objects.filter(round=round_, entry=entry, judge=judge).first()
    recused = services.judge_conflicts(judge=judge, contestant=entry.worker)
    closed = round_.closed_at is not None
    editable = not recused and (not closed or (chief and existing is not None))
    values = {str(c.pk): (existing.marks.get(str(c.pk), "") if existing else "") for c in criteria}
    total = str(existing.score) if existing and not criteria else ""
    comment = existing.comment if existing else ""
    reason, error = "", None
    if request.method == "POST":
        values = {str(c.pk): request.POST.get(f"c{c.pk}", "").strip()[:20] for c in criteria}
        total = request.POST.get("total", "").strip()[:20]
        comment = request.POST.get("comment", "").strip()
        reason = request.POST.get("reason", "").strip()
        if len(comment) > COMMENT_MAX:
            error = f"专家点评不超过 {COMMENT_MAX} 字"
        elif len(reason) > REASON_MAX:
            error = f"改分原因不超过 {REASON_MAX} 字"
        else:
            try:
                services.judge_score_save(
                    round_=round_,
                    entry=entry,
                    judge=judge,
                    marks=values if criteria else None,
                    total=None if criteria else total,
                    comment=comment,
                    actor=request.user,
                    reason=reason,
                )
            except services.CompetitionError as refused:
                error = str(refused)
            else:
                return _after_save(request, round_, worker, entry, judge, on_behalf)
    return render(
        request,
        "competitions/judging/sheet.html",
        {
            "round": round_,
            "entry": entry,
            "judge": judge,
            "on_behalf": on_behalf,
            "existing": existing,
            "criteria": [{"criterion": c, "levels": _levels(c), "value": values.get(str(c.pk), "")} for c in criteria],
            "total": total,
            "comment": comment,
            "reason": reason,
            "error": error,
            "recused": recused,
            "closed": closed,
            "editable": editable,
            "is_chief": chief,
            "from_reviews": request.GET.get("from") == "reviews" or request.POST.get("from") == "reviews",
        },
        status=400 if error else 200,
    )


def _after_save(request, round_, worker, entry, judge, on_behalf):
    who = f"{entry.worker.name}（{entry.worker.employee_no}）"
    if on_behalf:
        messages.success(request, f"已保存评委{judge.name}对{who}的评分")
        return redirect("competitions:reviews", round_id=round_.pk)
    messages.success(request, f"已保存对{who}的评分")
    following = judging.next_pending(round_, worker, after=entry) if round_.closed_at is None else None
    if following is not None:
        return redirect("competitions:judge_entry", round_id=round_.pk, entry_id=following.pk)
    if round_.closed_at is None:
        messages.info(request, "本轮您的评分已全部完成")
    return redirect("competitions:judge_round", round_id=round_.pk)


# --- reviews -------------------------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def reviews(request, round_id: int):
    """The chief judge's table of divergent marks, side by side; each resolved with a note."""
    round_, worker = _judge_round_or_none(request, round_id)
    if round_ is None or not selectors.is_chief(round_, worker):
        return _not_found(request)
    if request.method == "POST":
        raw = request.POST.get("review", "").strip()
        note = request.POST.get("note", "").strip()
        review = (
            ScoreReview.objects.filter(round=round_, pk=int(raw)).first() if raw.isdigit() and len(raw) < 18 else None
        )
        if review is None:
            messages.error(request, "未找到该分差复核记录")
        elif review.resolved_at is not None:
            messages.error(request, "该分差已复核")
        elif not note:
            messages.error(request, "请填写复核意见")
        elif len(note) > 300:
            messages.error(request, "复核意见不超过 300 字")
        else:
            try:
                services.review_resolve(review=review, actor=request.user, note=note)
            except services.CompetitionError as refused:
                messages.error(request, str(refused))
            else:
                messages.success(request, f"已复核：{review.entry.worker.name}")
        return redirect("competitions:reviews", round_id=round_.pk)
    rows = judging.review_rows(round_)
    return render(
        request,
        "competitions/judging/reviews.html",
        {
            "round": round_,
            "rows": rows,
            "pending": sum(1 for r in rows if r.review.resolved_at is None),
        },
    )


# --- closing -------------------------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def round_close(request, round_id: int):
    """Confirm, then lock the round's scores: the round's chief judge or the competition's organisers."""
    round_ = _round(round_id)
    worker = worker_of(request.user)
    if round_ is None:
        return _not_found(request)
    chief = worker is not None and selectors.is_chief(round_, worker)
    if not chief and not selectors.can_manage(request.user, round_.competition):
        return _not_found(request)
    error = None
    if request.method == "POST" and round_.closed_at is None:
        try:
            services.round_close(round_=round_, actor=request.user)
        except services.CompetitionError as refused:
            error = str(refused)
        else:
            messages.success(request, f"{round_.name}已截止评分，成绩已锁定")
            if _seated(round_, worker):
                return redirect("competitions:judge_round", round_id=round_.pk)
            return redirect("competitions:judging")
    elif request.method == "POST":
        error = "本轮已截止评分"
    return render(
        request,
        "competitions/judging/close.html",
        {
            "round": round_,
            "counts": judging.close_counts(round_),
            "error": error,
            "is_chief": chief,
            "seated": _seated(round_, worker),
        },
        status=400 if error else 200,
    )


# --- paper score sheets --------------------------------------------------------------------------------


class ScoreImportForm(forms.Form):
    MAX_BYTES = 5 * 1024 * 1024

    file = forms.FileField(
        label="评分表文件",
        help_text="Excel（.xlsx）或 CSV（UTF-8），列：评委工号、选手工号、得分；不超过 5 MB",
        error_messages={"required": "请选择要导入的文件", "empty": "文件是空的", "invalid": "请选择文件"},
    )

    def clean_file(self):
        uploaded = self.cleaned_data["file"]
        suffix = Path(uploaded.name).suffix.lower()
        if suffix not in (".csv", ".xlsx"):
            raise forms.ValidationError("只支持 .csv 或 .xlsx 文件")
        if uploaded.size > self.MAX_BYTES:
            raise forms.ValidationError("文件超过 5 MB，请分批导入")
        return uploaded


def _session_key(round_: Round) -> str:
    return f"competitions.scores_import.{round_.pk}"


def _uploaded_rows(uploaded) -> list[Row]:
    suffix = Path(uploaded.name).suffix.lower()
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / f"upload{suffix}"
        with path.open("wb") as out:
            for chunk in uploaded.chunks():
                out.write(chunk)
        rows = read_rows(path, required=SCORE_COLUMNS)
    if len(rows) > IMPORT_MAX_ROWS:
        raise ImportRejected([f"一次最多导入 {IMPORT_MAX_ROWS} 行，请分批导入"])
    return rows


def _template_response(round_: Round):
    buffer = io.BytesIO()
    table_write(buffer, [Sheet(title="评分表", headers=TEMPLATE_HEADERS, rows=template_rows(round_))], fmt="xlsx")
    buffer.seek(0)
    name = f"{round_.competition.name}-{round_.name}-纸质评分表.xlsx"
    return name_download(
        FileResponse(buffer, content_type=XLSX_CONTENT_TYPE), name, ascii_name=f"score-sheet-{round_.pk}.xlsx"
    )


@login_required
@require_http_methods(["GET", "POST"])
def scores_import(request, round_id: int):
    """Organisers: download the sheet, upload it, preview every refused row or the summary, confirm."""
    round_ = _round(round_id)
    if round_ is None or not selectors.can_manage(request.user, round_.competition):
        return _not_found(request)
    if not round_.is_judged:
        return _notice(request, "知识竞赛轮由系统按答卷计分，不需要导入纸质评分表。", status=400, title="不能导入")
    if request.method == "GET" and "template" in request.GET:
        if request.GET["template"] == "xlsx":
            return _template_response(round_)
        messages.error(request, "模板格式参数无效，请点击“下载评分表模板”")
    key = _session_key(round_)
    form = ScoreImportForm()
    preview = rejected = None
    step = request.POST.get("step", "") if request.method == "POST" else ""
    if step == "preview":
        form = ScoreImportForm(request.POST, request.FILES)
        request.session.pop(key, None)
        if form.is_valid():
            try:
                rows = _uploaded_rows(form.cleaned_data["file"])
                if not rows:
                    raise ImportRejected(["文件中没有数据行"])
                preview = judge_scores_import(round_=round_, rows=rows, actor=request.user, dry_run=True)
            except ImportRejected as refused:
                rejected = refused.lines
            else:
                request.session[key] = {
                    "name": form.cleaned_data["file"].name[:100],
                    "rows": [[r.number, r.values] for r in rows],
                }
    elif step == "confirm":
        stored = request.session.get(key)
        if not stored:
            messages.error(request, "请先上传评分表并预览，再确认导入")
            return redirect("competitions:scores_import", round_id=round_.pk)
        rows = [Row(number=int(n), values=dict(v)) for n, v in stored["rows"]]
        try:
            summary = judge_scores_import(round_=round_, rows=rows, actor=request.user)
        except ImportRejected as refused:
            rejected = refused.lines
            request.session.pop(key, None)
        else:
            request.session.pop(key, None)
            messages.success(request, f"导入完成：{summary}")
            return redirect("competitions:scores_import", round_id=round_.pk)
    elif request.method == "POST":
        messages.error(request, "请求无效，请重新上传评分表")
    return render(
        request,
        "competitions/judging/scores_import.html",
        {
            "round": round_,
            "form": form,
            "preview": preview,
            "preview_name": (request.session.get(key) or {}).get("name", "") if preview else "",
            "rejected": rejected,
            "columns": SCORE_COLUMNS,
            "paper_count": JudgeScore.objects.filter(round=round_, source=JudgeScore.Source.PAPER).count(),
            "closed": round_.closed_at is not None,
            "import_url": reverse("competitions:scores_import", args=[round_.pk]),
        },
        status=400 if rejected else 200,
    )


# --- home card ---------------------------------------------------------------------------------------------


def home_section(request):
    """评委评分 card on 我的学习: for judges sitting on a panel of an open round (their progress)."""
    worker = worker_of(request.user)
    if worker is None or not PanelJudge.objects.filter(judge=worker, panel__round__closed_at__isnull=True).exists():
        return None
    open_seats = [s for s in judging.judged_rounds_of(worker) if not s.closed]
    if not open_seats:
        return None
    return {
        "title": "评委评分",
        "template": "competitions/judging/_home_card.html",
        "context": {"seats": open_seats},
        "order": 20,
    }
