"""Organisers' and contestants' pages of 技能比武: the list, a competition's page (报名, one's own
published scores and comments), the organiser's hub, the definition upload, entrants (quota
nominations, uploaded lists), panels and running order, and promotion to the next stage."""

from __future__ import annotations

import json
import tempfile
from pathlib import Path

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from lms import roles
from lms.access import worker_of
from lms.importing import ImportRejected, read_rows
from lms.models import Worker

from .. import selectors, selectors_setup, services_setup
from ..models import Competition, Entry, EntryMode, Panel, PanelJudge, PanelSlot, Round
from ..services import CompetitionError

MAX_UPLOAD = 2 * 1024 * 1024


def _competition(pk) -> Competition:
    return get_object_or_404(Competition.objects.select_related("organiser_unit", "next_stage"), pk=pk)


def _visible(request, pk) -> Competition:
    competition = _competition(pk)
    if not selectors_setup.may_see(request.user, competition):
        raise Http404("未找到该比赛或无权查看")
    return competition


def _managed(request, pk) -> Competition:
    competition = _competition(pk)
    if not selectors.can_manage(request.user, competition):
        raise Http404("未找到该比赛或无权管理")
    return competition


def _int_param(value) -> int | None:
    text = str(value or "").strip()
    if not text.isdigit() or len(text) > 9:
        return None
    return int(text)


@login_required
def competition_list(request):
    rows = selectors_setup.list_rows(request.user)
    may_import = request.user.is_superuser or roles.has_role(request.user, roles.TRAINER)
    return render(request, "competitions/list.html", {"rows": rows, "may_import": may_import})


@login_required
def competition_detail(request, pk):
    competition = _visible(request, pk)
    worker = worker_of(request.user)
    rounds = selectors.rounds_of(competition)
    now = timezone.now()
    entry = Entry.objects.filter(competition=competition, worker=worker).first() if worker else None
    window = services_setup.entry_window_open(competition, now)
    may_enter = (
        worker is not None
        and entry is None
        and competition.entry_mode == EntryMode.OPEN
        and window
        and (competition.organiser_unit is None or worker.org_unit.path.startswith(competition.organiser_unit.path))
        and not PanelJudge.objects.filter(panel__round__competition=competition, judge=worker).exists()
    )
    context = {
        "competition": competition,
        "status": selectors_setup.status_of(competition, rounds, now),
        "rounds": [(r, selectors_setup.round_status(r, now)) for r in rounds],
        "entry": entry,
        "may_enter": may_enter,
        "may_withdraw": entry is not None and entry.source == Entry.Source.OPEN and window,
        "own": selectors_setup.own_published_results(entry) if entry else [],
        "manages": selectors.can_manage(request.user, competition),
        "may_nominate": bool(services_setup.nomination_units(competition, request.user)) and window,
        "entrant_count": competition.entries.count(),
    }
    return render(request, "competitions/detail.html", context)


@login_required
@require_POST
def competition_enter(request, pk):
    competition = _visible(request, pk)
    worker = worker_of(request.user)
    if worker is None:
        raise Http404("没有人员档案")
    try:
        services_setup.entry_register(competition=competition, worker=worker)
        messages.success(request, f"已报名“{competition.name}”")
    except CompetitionError as exc:
        messages.error(request, str(exc))
    return redirect("competitions:detail", pk=competition.pk)


@login_required
@require_POST
def competition_withdraw(request, pk):
    competition = _visible(request, pk)
    worker = worker_of(request.user)
    if worker is None:
        raise Http404("没有人员档案")
    try:
        services_setup.entry_withdraw(competition=competition, worker=worker)
        messages.success(request, "已取消报名")
    except CompetitionError as exc:
        messages.error(request, str(exc))
    return redirect("competitions:detail", pk=competition.pk)


@login_required
def competition_manage(request, pk):
    competition = _managed(request, pk)
    context = {
        "competition": competition,
        "rounds": selectors_setup.manage_rounds(competition),
        "entrant_count": competition.entries.count(),
        "status": selectors_setup.status_of(competition, selectors.rounds_of(competition)),
        "may_promote": competition.next_stage_id is not None and competition.promote_top_n > 0,
        "promoted_count": (
            Entry.objects.filter(
                competition_id=competition.next_stage_id,
                source=Entry.Source.PROMOTED,
                worker__competition_entries__competition=competition,
            ).count()
            if competition.next_stage_id
            else 0
        ),
    }
    return render(request, "competitions/manage.html", context)


@login_required
def competition_import_page(request):
    """Upload a competition definition (the same JSON as `import_competition`)."""
    if not (request.user.is_superuser or roles.has_role(request.user, roles.TRAINER)):
        raise Http404("页面不存在")
    problems, summary = [], None
    if request.method == "POST":
        upload = request.FILES.get("file")
        if upload is None:
            problems = ["请选择 JSON 文件"]
        elif upload.size > MAX_UPLOAD:
            problems = ["文件超过 2 MB"]
        else:
            try:
                data = json.loads(upload.read().decode("utf-8-sig"))
                summary = services_setup.competition_import(data=data, actor=request.user)
            except UnicodeDecodeError:
                problems = ["文件须是 UTF-8 编码的 JSON"]
            except json.JSONDecodeError as exc:
                problems = [f"第{exc.lineno}行: 不是有效的 JSON（{exc.msg}）"]
            except ImportRejected as rejected:
                problems = rejected.lines
        if summary:
            messages.success(request, summary)
            competition = Competition.objects.filter(name=str(data.get("name", "")).strip()).first()
            if competition is not None:
                return redirect("competitions:manage", pk=competition.pk)
    return render(request, "competitions/import.html", {"problems": problems})


def _read_upload(upload) -> list:
    suffix = Path(upload.name or "").suffix.lower()
    if suffix not in (".csv", ".xlsx"):
        raise ImportRejected([f"不支持的文件格式“{suffix or upload.name}”，请使用 .csv 或 .xlsx"])
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / f"upload{suffix}"
        with path.open("wb") as out:
            for chunk in upload.chunks():
                out.write(chunk)
        return read_rows(path, required=services_setup.ENTRANT_COLUMNS)


@login_required
def entrants(request, pk):
    """The entrant list, and an uploaded list of 工号: preview (with `第N行` problems), then confirm."""
    competition = _managed(request, pk)
    context = {"competition": competition, "problems": [], "preview": None}
    if request.method == "POST" and request.POST.get("confirm"):
        codes = [c for c in request.POST.get("codes", "").split(",") if c.strip()][:5000]
        try:
            created = services_setup.entrants_add(competition=competition, employee_nos=codes, actor=request.user)
            messages.success(request, f"已新增 {len(created)} 名选手")
            return redirect("competitions:entrants", pk=competition.pk)
        except ImportRejected as rejected:
            context["problems"] = rejected.lines
    elif request.method == "POST":
        upload = request.FILES.get("file")
        if upload is None:
            context["problems"] = ["请选择 .csv 或 .xlsx 文件（含“工号”列）"]
        elif upload.size > MAX_UPLOAD:
            context["problems"] = ["文件超过 2 MB"]
        else:
            try:
                rows = _read_upload(upload)
                workers, errors = services_setup.entrants_check(competition=competition, rows=rows)
                if errors:
                    context["problems"] = errors.lines()
                elif not workers:
                    context["problems"] = ["文件中没有选手"]
                else:
                    held = set(competition.entries.values_list("worker_id", flat=True))
                    context["preview"] = [(w, w.pk in held) for w in workers]
                    context["codes"] = ",".join(w.employee_no for w in workers)
            except ImportRejected as rejected:
                context["problems"] = rejected.lines
    context["entries"] = selectors_setup.entrants_of(competition)
    return render(request, "competitions/entrants.html", context)


@login_required
def nominate(request, pk):
    """A 培训管理员 ticks up to the quota of workers of one unit of their subtree."""
    competition = _visible(request, pk)
    units = services_setup.nomination_units(competition, request.user)
    if not units:
        raise Http404("您没有可推荐的单位")
    unit_id = _int_param(request.POST.get("unit") if request.method == "POST" else request.GET.get("unit"))
    unit = next((u for u in units if u.pk == unit_id), None)
    error = None
    if unit_id is None and (request.GET.get("unit") or request.POST.get("unit")):
        error = "单位参数无效"
    elif unit_id is not None and unit is None:
        error = "只能为本辖区内、名额分配层级的单位推荐选手"
    if unit is None:
        unit = units[0]
    candidates = list(
        Worker.objects.filter(unit.subtree_q("org_unit__")).select_related("org_unit").order_by("employee_no")
    )
    if request.method == "POST" and error is None:
        wanted = {_int_param(v) for v in request.POST.getlist("worker")}
        chosen = [w for w in candidates if w.pk in wanted]
        try:
            created = services_setup.unit_nominations_set(
                competition=competition, unit=unit, workers=chosen, actor=request.user
            )
            messages.success(request, f"{unit.name}的推荐已保存（新增 {len(created)} 人）")
            return redirect(f"{reverse('competitions:nominate', args=[competition.pk])}?unit={unit.pk}")
        except CompetitionError as exc:
            error = str(exc)
    entries = {e.worker_id: e for e in Entry.objects.filter(competition=competition, worker__in=candidates)}
    context = {
        "competition": competition,
        "units": units,
        "unit": unit,
        "rows": [(w, entries.get(w.pk)) for w in candidates],
        "held": len(entries),
        "error": error,
        "window": services_setup.entry_window_open(competition),
    }
    return render(request, "competitions/nominate.html", context, status=400 if error else 200)


@login_required
def panels(request, round_id):
    """Panels of a judged round: judges (first = 裁判长) and the running order (numbers or ↑/↓)."""
    round_ = get_object_or_404(Round.objects.select_related("competition"), pk=round_id)
    if not selectors.can_manage(request.user, round_.competition) or not round_.is_judged:
        raise Http404("未找到该轮次或无权管理")
    if request.method == "POST":
        action = request.POST.get("action", "")
        try:
            if action == "add_panel":
                services_setup.panel_add(round_=round_, name=request.POST.get("name", ""))
                messages.success(request, "已添加评分组")
            elif action == "judges":
                panel = get_object_or_404(Panel, pk=_int_param(request.POST.get("panel")) or 0, round=round_)
                codes = request.POST.get("judges", "").replace("，", ",").replace("\n", ",").split(",")
                services_setup.panel_judges_set(panel=panel, employee_nos=codes[:100])
                messages.success(request, f"{panel.name}的评委已保存")
            elif action in ("up", "down"):
                slot = get_object_or_404(PanelSlot, pk=_int_param(request.POST.get("slot")) or 0, panel__round=round_)
                services_setup.slot_move(slot=slot, step=-1 if action == "up" else 1)
            elif action == "order":
                placements = {}
                for entry_id in round_.competition.entries.values_list("pk", flat=True):
                    raw_panel = request.POST.get(f"panel_{entry_id}", "")
                    if not raw_panel:
                        continue
                    panel_id = _int_param(raw_panel)
                    order = _int_param(request.POST.get(f"order_{entry_id}") or "9999")
                    if panel_id is None or order is None or order < 1:
                        raise CompetitionError("出场顺序须填写正整数")
                    placements[entry_id] = (panel_id, order)
                services_setup.running_order_set(round_=round_, placements=placements)
                messages.success(request, "出场顺序已保存")
            else:
                raise CompetitionError("未知操作")
            return redirect("competitions:panels", round_id=round_.pk)
        except CompetitionError as exc:
            messages.error(request, str(exc))
    panel_list = list(round_.panels.prefetch_related("judges__judge", "slots__entry__worker__org_unit"))
    placed = set(PanelSlot.objects.filter(panel__round=round_).values_list("entry_id", flat=True))
    unplaced = list(
        round_.competition.entries.exclude(pk__in=placed).select_related("worker").order_by("worker__employee_no")
    )
    context = {
        "round": round_,
        "competition": round_.competition,
        "panels": [
            (p, ",".join(pj.judge.employee_no for pj in sorted(p.judges.all(), key=lambda j: (not j.is_chief, j.pk))))
            for p in panel_list
        ],
        "unplaced": unplaced,
        "closed": round_.closed_at is not None,
    }
    return render(request, "competitions/panels.html", context)


@login_required
@require_POST
def promote(request, pk):
    competition = _managed(request, pk)
    try:
        created = services_setup.competition_promote(competition=competition, actor=request.user)
        messages.success(request, f"已晋级 {len(created)} 人到“{competition.next_stage.name}”")
    except CompetitionError as exc:
        messages.error(request, str(exc))
    return redirect("competitions:manage", pk=competition.pk)


def home_section(request):
    """技能比武 card on 我的学习: competitions open for entry, entered or managed."""
    rows = [r for r in selectors_setup.list_rows(request.user) if r.status != "已结束" or r.entered][:5]
    if not rows:
        return None
    return {"title": "技能比武", "template": "competitions/_home_card.html", "context": {"rows": rows}, "order": 40}
