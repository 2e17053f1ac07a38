"""Mentorship pages: parse, check who asks, call a service or selector, render (docs/rules.md, 12)."""

from __future__ import annotations

import datetime as dt

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from assessments.selectors import active_indicators
from lms import roles
from lms.access import org_scope_q, worker_of
from lms.models import Worker
from lms.private_media import private_file_response
from lms.services import export_job_start

from . import exports, selectors, services
from .forms import (
    DecisionForm,
    DisputeForm,
    FeedbackForm,
    SessionForm,
    SignOffForm,
    TermEndForm,
    TermForm,
    TermReassignForm,
)
from .models import MentorFeedback, MentorshipTerm, SessionStatus, SignOff, SignOffStatus, TermStatus


def _month_param(request):
    """The board's month: `?month=YYYY-MM`, or this month (junk: this month and a Chinese message)."""
    text = request.GET.get("month", "").strip()
    if not text:
        return timezone.localdate().replace(day=1), None
    try:
        month = selectors.parse_month(text)
    except ValueError as exc:
        return timezone.localdate().replace(day=1), str(exc)
    return month, None


def _may_see_board(user) -> bool:
    return selectors.is_staff(user) or roles.has_role(user, roles.MENTOR)


@login_required
def index(request):
    """导师制: a mentor's mentees and sessions, a mentee's sessions to confirm, staff links."""
    worker = worker_of(request.user)
    today = timezone.localdate()
    context = {
        "may_create": selectors.may_create_terms(request.user),
        "may_board": _may_see_board(request.user),
        "is_staff": selectors.is_staff(request.user),
        "is_trainer": selectors.is_trainer(request.user),
    }
    if context["is_trainer"]:
        context["signoffs_pending"] = (
            selectors.signoffs_to_decide(request.user).filter(status=SignOffStatus.PENDING).count()
        )
    if worker is not None:
        context["has_mentored"] = MentorshipTerm.objects.filter(mentor=worker, start__lte=today).exists()
        if context["has_mentored"]:
            context["feedback_summary"] = selectors.feedback_summary_for_mentor(worker)
        context["awaiting_feedback"] = list(selectors.ended_terms_awaiting_feedback(worker))
        context["mentor_rows"] = selectors.compliance_rows(selectors.active_terms_of_mentor(worker, today), today)
        latest = {
            s.term_id: s
            for s in SignOff.objects.filter(term__mentor=worker, term__status=TermStatus.ACTIVE).order_by("proposed_at")
        }
        for row in context["mentor_rows"]:
            row.signoff = latest.get(row.term.pk)
        context["mentor_sessions"] = list(
            selectors.sessions_visible(request.user).filter(term__mentor=worker).order_by("-date", "-id")[:10]
        )
        context["mentee_term"] = selectors.current_term_of_mentee(worker)
        context["pending"] = list(selectors.pending_sessions_of_mentee(worker).order_by("date", "id"))
        context["mentee_sessions"] = list(
            selectors.sessions_visible(request.user)
            .filter(term__mentee=worker)
            .exclude(status=SessionStatus.PENDING)
            .order_by("-date", "-id")[:10]
        )
    return render(request, "mentorship/index.html", context)


@login_required
def term_new(request):
    """A trainer or HR user of the mentee's subtree opens a term, helped by mentor suggestions."""
    if not selectors.may_create_terms(request.user):
        raise Http404("页面不存在")
    data = request.POST if request.method == "POST" else (request.GET if request.GET.get("mentee") else None)
    form = TermForm(data)
    suggestions, mentee = None, None
    if form.is_valid():
        values = form.cleaned_data
        scope = Worker.objects.filter(org_scope_q(request.user, "org_unit__")).select_related("org_unit", "user")
        mentee = scope.filter(employee_no=values["mentee"]).first()
        if mentee is None:
            form.add_error("mentee", "未找到该工号，或不在您的辖区内")
        elif values["planned_end"] <= values["start"]:
            form.add_error("planned_end", "计划结束日期应晚于开始日期")
        else:
            if request.method == "POST":
                mentor = scope.filter(employee_no=values["mentor"]).first() if values["mentor"] else None
                if mentor is None:
                    form.add_error("mentor", "请选择导师（辖区内的导师工号）")
                else:
                    try:
                        term = services.term_create(
                            actor=request.user,
                            mentor=mentor,
                            mentee=mentee,
                            start=values["start"],
                            planned_end=values["planned_end"],
                        )
                    except services.MentorshipError as exc:
                        form.add_error(None, str(exc))
                    else:
                        messages.success(
                            request,
                            f"已安排导师{term.mentor.name}带教{term.mentee.name}（{term.start}–{term.planned_end}）",
                        )
                        return redirect("mentorship:index")
            suggestions = selectors.mentor_suggestions(request.user, mentee, values["start"], values["planned_end"])
    return render(request, "mentorship/term_new.html", {"form": form, "mentee": mentee, "suggestions": suggestions})


# --- the term list and a term's page (end early, change the mentor) ----------------------------------


@login_required
def terms(request):
    """帮带期: the terms the viewer may see (staff: their subtree's; a mentor or mentee: their own),
    newest first, by a validated `?status=` and a mentor or mentee (`?q=`)."""
    try:
        status = selectors.parse_term_status(request.GET.get("status", ""))
    except ValueError as exc:
        messages.error(request, str(exc))
        status = ""
    search = request.GET.get("q", "").strip()[:32]
    rows = selectors.terms_listed(request.user, status=status, search=search)
    page = Paginator(rows, 30).get_page(request.GET.get("page"))
    return render(
        request,
        "mentorship/terms.html",
        {
            "page": page,
            "status": status,
            "search": search,
            "statuses": TermStatus.values,
            "may_create": selectors.may_create_terms(request.user),
        },
    )


def _term_for_viewer(request, pk: int) -> MentorshipTerm:
    term = selectors.term_for_viewer(request.user, pk)
    if term is None:
        raise Http404("未找到该帮带期")
    return term


def _suggestion_dates(request, term, form):
    """The dates mentor suggestions are made for: the posted form's, else `?on=&planned_end=`
    (validated: junk gives a Chinese message and the defaults), else `reassign_defaults`."""
    if form is not None and form.is_bound:
        data = getattr(form, "cleaned_data", {})
        if data.get("on") and data.get("planned_end") and data["planned_end"] > data["on"]:
            return data["on"], data["planned_end"], None
        return (*selectors.reassign_defaults(term), None)
    if not (request.GET.get("on") or request.GET.get("planned_end")):
        return (*selectors.reassign_defaults(term), None)
    probe = TermReassignForm({"on": request.GET.get("on", ""), "planned_end": request.GET.get("planned_end", "")})
    probe.is_valid()
    problems = [probe.errors[f][0] for f in ("on", "planned_end") if f in probe.errors]
    if not problems and probe.cleaned_data["planned_end"] <= probe.cleaned_data["on"]:
        problems.append("新帮带期计划结束日期应晚于换导师日期")
    if problems:
        return (*selectors.reassign_defaults(term), "；".join(problems) + "，已按默认日期推荐")
    return probe.cleaned_data["on"], probe.cleaned_data["planned_end"], None


def _term_page(request, term, *, end_form=None, reassign_form=None):
    user = request.user
    worker = worker_of(user)
    may_manage = services.may_manage_term(user, term)
    show_forms = may_manage and (
        term.status == TermStatus.ACTIVE or any(f is not None and f.is_bound for f in (end_form, reassign_form))
    )
    context = {
        "term": term,
        "sessions": list(term.sessions.order_by("-date", "-id")),
        "signoffs": list(term.signoffs.order_by("-proposed_at", "-id")),
        "may_open_signoffs": (worker is not None and term.mentor_id == worker.pk)
        or selectors.may_decide_signoff(user, term.mentee),
        "others": list(selectors.terms_visible(user).filter(mentee=term.mentee).exclude(pk=term.pk).order_by("start")),
        "is_mentee": worker is not None and term.mentee_id == worker.pk,
        "has_feedback": MentorFeedback.objects.filter(term=term).exists(),
        "show_forms": show_forms,
    }
    if show_forms:
        on, planned_end, problem = _suggestion_dates(request, term, reassign_form)
        if problem:
            messages.error(request, problem)
        context.update(
            end_form=end_form or TermEndForm(initial={"on": timezone.localdate()}),
            reassign_form=reassign_form or TermReassignForm(initial={"on": on, "planned_end": planned_end}),
            suggestion_on=on,
            suggestion_end=planned_end,
            suggestions=[
                s
                for s in selectors.mentor_suggestions(user, term.mentee, on, planned_end, limit=11)
                if s.worker.pk != term.mentor_id
            ][:10],
        )
    return render(request, "mentorship/term_detail.html", context)


@login_required
def term_detail(request, pk: int):
    """A term: people, dates, status, sessions, sign-off; for a trainer or HR user of the mentee's
    subtree the forms to end it (已终止) and to change the mentor. Anyone who may not see it: 404."""
    return _term_page(request, _term_for_viewer(request, pk))


def _managed_term(request, pk: int) -> MentorshipTerm:
    """The term for a POST that changes it: 404 for those who may not see it and for those who may
    see it but not manage it (a manager, the mentor, the mentee), as the sign-off decision does."""
    term = _term_for_viewer(request, pk)
    if not services.may_manage_term(request.user, term):
        raise Http404("未找到该帮带期")
    return term


@login_required
@require_POST
def term_end(request, pk: int):
    term = _managed_term(request, pk)
    form = TermEndForm(request.POST)
    if form.is_valid():
        try:
            services.term_end(
                actor=request.user,
                term=term,
                status=TermStatus.ENDED,
                reason=form.cleaned_data["reason"],
                on=form.cleaned_data["on"],
            )
        except services.MentorshipError as exc:
            text = str(exc)
            form.add_error("reason" if "原因" in text else "on" if "日期" in text else None, text)
        else:
            messages.success(request, f"已终止{term.mentee.name}与导师{term.mentor.name}的帮带期")
            return redirect("mentorship:term", pk=term.pk)
    return _term_page(request, term, end_form=form)


@login_required
@require_POST
def term_reassign(request, pk: int):
    term = _managed_term(request, pk)
    form = TermReassignForm(request.POST)
    if form.is_valid():
        values = form.cleaned_data
        number = values["employee_no"]
        mentor = (
            Worker.objects.filter(org_scope_q(request.user, "org_unit__"), employee_no=number)
            .select_related("user", "org_unit")
            .first()
        )
        if mentor is None:
            form.add_error("mentor_no", f"未找到工号“{number}”，或不在您的辖区内")
        else:
            try:
                new = services.term_reassign(
                    actor=request.user,
                    term=term,
                    mentor=mentor,
                    on=values["on"],
                    planned_end=values["planned_end"],
                    reason=values["reason"],
                )
            except services.MentorshipError as exc:
                form.add_error(None, str(exc))
            else:
                messages.success(
                    request,
                    f"已为{new.mentee.name}更换导师为{new.mentor.name}（{new.start:%Y-%m-%d}–{new.planned_end:%Y-%m-%d}），"
                    f"原帮带期于 {new.start - dt.timedelta(days=1):%Y-%m-%d} 终止",
                )
                return redirect("mentorship:term", pk=new.pk)
    return _term_page(request, term, reassign_form=form)


@login_required
def session_new(request):
    """The mentor's phone form for one guidance session (under a minute: most fields have defaults)."""
    worker = worker_of(request.user)
    terms = list(selectors.active_terms_of_mentor(worker)) if worker is not None else []
    mentees = list({t.mentee.pk: t.mentee for t in terms}.values())
    if not mentees:
        return render(request, "mentorship/session_new.html", {"form": None})
    form = SessionForm(request.POST or None, request.FILES or None, mentees=mentees, indicators=active_indicators())
    if request.method == "POST" and form.is_valid():
        values = form.cleaned_data
        mentee = next(w for w in mentees if w.employee_no == values["mentee"])
        try:
            session = services.session_log(
                mentor_user=request.user,
                mentee=mentee,
                date=values["date"],
                type=values["type"],
                minutes=values["minutes"],
                place=values["place"],
                indicators=values["indicators"],
                notes=values["notes"],
                photo=values.get("photo"),
            )
        except LookupError:
            raise Http404("不是您的徒弟") from None
        except services.MentorshipError as exc:
            form.add_error("date" if "日期" in str(exc) else None, str(exc))
        else:
            messages.success(request, f"已记录 {session.date:%m月%d日} 的{session.type}，等待{mentee.name}确认")
            return redirect("mentorship:session", pk=session.pk)
    return render(request, "mentorship/session_new.html", {"form": form})


@login_required
def session_detail(request, pk: int):
    session = selectors.session_for_viewer(request.user, pk)
    if session is None:
        raise Http404("未找到该指导记录")
    worker = worker_of(request.user)
    is_mentor = worker is not None and session.term.mentor_id == worker.pk
    is_mentee = worker is not None and session.term.mentee_id == worker.pk
    names = {i.code: i.name for i in active_indicators()}
    return render(
        request,
        "mentorship/session_detail.html",
        {
            "session": session,
            "is_mentor": is_mentor,
            "is_mentee": is_mentee,
            "indicators": [(code, names.get(code, "")) for code in session.indicators],
            "dispute_form": DisputeForm(),
            "stars": range(1, 6),
        },
    )


@login_required
def session_photo(request, pk: int):
    session = selectors.session_for_viewer(request.user, pk)
    if session is None or not session.photo:
        raise Http404("未找到照片")
    return private_file_response(session.photo.name, filename=f"指导记录照片-{session.pk}{session.photo.name[-5:]}")


def _mentee_session(request, pk: int):
    session = selectors.session_of_mentee(request.user, pk)
    if session is None:
        raise Http404("未找到该指导记录")
    return session


@login_required
@require_POST
def session_confirm(request, pk: int):
    session = _mentee_session(request, pk)
    try:
        services.session_confirm(user=request.user, session=session)
    except services.MentorshipError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, f"已确认 {session.date:%m月%d日} 的{session.type}")
    return redirect("mentorship:index")


@login_required
@require_POST
def session_dispute(request, pk: int):
    session = _mentee_session(request, pk)
    form = DisputeForm(request.POST)
    if not form.is_valid():
        messages.error(request, "请填写异议原因（不超过 200 字）")
        return redirect("mentorship:session", pk=session.pk)
    try:
        services.session_dispute(user=request.user, session=session, reason=form.cleaned_data["reason"])
    except services.MentorshipError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, "已提出异议，培训管理员会核实")
    return redirect("mentorship:index")


@login_required
@require_POST
def session_rate(request, pk: int):
    session = selectors.session_of_mentor(request.user, pk)
    if session is None:
        raise Http404("未找到该指导记录")
    ratings = {}
    for code in session.indicators:
        value = request.POST.get(f"stars_{code}", "").strip()
        if value:
            ratings[code] = int(value) if value.isdigit() else -1
    try:
        services.session_rate(
            user=request.user, session=session, ratings=ratings, comment=request.POST.get("comment", "")[:500]
        )
    except services.MentorshipError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, f"已记录对{session.term.mentee.name}的观察评价")
    return redirect("mentorship:session", pk=session.pk)


@login_required
def compliance(request):
    """Monthly home-visit board: staff see their subtree's terms, a mentor their own."""
    if not _may_see_board(request.user):
        raise Http404("页面不存在")
    month, problem = _month_param(request)
    if problem:
        messages.error(request, problem)
    behind = request.GET.get("behind") == "1"
    rows = selectors.compliance_rows(selectors.board_terms(request.user), month)
    met, total = sum(1 for r in rows if r.met), len(rows)
    if behind:
        rows = [r for r in rows if not r.met]
    page = Paginator(rows, 50).get_page(request.GET.get("page"))
    return render(
        request,
        "mentorship/compliance.html",
        {"page": page, "month": month, "behind": behind, "met": met, "total": total},
    )


@login_required
@require_POST
def compliance_export(request):
    if not exports.may_export(request.user):
        raise Http404("页面不存在")
    month, problem = _month_param(request)
    if problem:
        messages.error(request, problem)
        return redirect("mentorship:compliance")
    job = export_job_start(
        user=request.user,
        kind=exports.COMPLIANCE,
        params={"month": f"{month:%Y-%m}"},
        title=f"{month:%Y年%m月}导师制走访达标（Excel）",
    )
    return redirect("export_job", pk=job.pk)


# --- home cards ------------------------------------------------------------------------------------


def home_section(request):
    """导师制 card on 我的学习, for mentors with mentees and for mentees (nothing for others)."""
    worker = worker_of(request.user)
    if worker is None:
        return None
    today = timezone.localdate()
    terms = list(selectors.active_terms_of_mentor(worker, today))
    mentee_term = selectors.current_term_of_mentee(worker)
    pending = selectors.pending_sessions_of_mentee(worker).count()
    trainer = selectors.may_create_terms(request.user)
    if not (terms or mentee_term or pending or trainer):
        return None
    return {
        "title": "导师制",
        "template": "mentorship/_home_card.html",
        "context": {"terms": terms, "mentee_term": mentee_term, "pending": pending, "trainer": trainer},
        "order": 30,
    }


def staff_home_section(request):
    if not selectors.is_staff(request.user):
        return None
    return {
        "title": "导师制",
        "template": "mentorship/_staff_card.html",
        "context": {
            "may_create": selectors.may_create_terms(request.user),
            "is_trainer": selectors.is_trainer(request.user),
        },
        "order": 60,
    }


# --- sign-off (独立上岗) -------------------------------------------------------------------------------


@login_required
def signoff_new(request, pk: int):
    """The term's mentor proposes sign-off with a short assessment (anyone else: 404)."""
    term = selectors.term_of_mentor(request.user, pk)
    if term is None:
        raise Http404("未找到该帮带期")
    form = SignOffForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            signoff = services.signoff_propose(user=request.user, term=term, assessment=form.cleaned_data["assessment"])
        except services.MentorshipError as exc:
            form.add_error("assessment" if "评估" in str(exc) else None, str(exc))
        else:
            messages.success(request, f"已提交{term.mentee.name}的出师申请，等待培训管理员审核")
            return redirect("mentorship:signoff", pk=signoff.pk)
    return render(
        request,
        "mentorship/signoff_new.html",
        {"term": term, "form": form, "history": list(term.signoffs.all())},
    )


@login_required
def signoffs(request):
    """Trainers: the proposals of their subtree, pending first."""
    if not selectors.is_trainer(request.user):
        raise Http404("页面不存在")
    rows = selectors.signoffs_to_decide(request.user).order_by("-status", "-proposed_at")
    pending = rows.filter(status=SignOffStatus.PENDING)
    done = rows.exclude(status=SignOffStatus.PENDING)[:30]
    return render(request, "mentorship/signoffs.html", {"pending": pending, "done": done})


@login_required
def signoff_detail(request, pk: int):
    signoff = selectors.signoff_for_viewer(request.user, pk)
    if signoff is None:
        raise Http404("未找到该出师申请")
    may_decide = signoff.status == SignOffStatus.PENDING and selectors.may_decide_signoff(
        request.user, signoff.term.mentee
    )
    return render(
        request,
        "mentorship/signoff_detail.html",
        {"signoff": signoff, "term": signoff.term, "may_decide": may_decide, "form": DecisionForm()},
    )


@login_required
@require_POST
def signoff_decide(request, pk: int):
    signoff = selectors.signoff_for_viewer(request.user, pk)
    if signoff is None or not selectors.may_decide_signoff(request.user, signoff.term.mentee):
        raise Http404("未找到该出师申请")
    form = DecisionForm(request.POST)
    if not form.is_valid():
        messages.error(request, "；".join(e for errs in form.errors.values() for e in errs))
        return redirect("mentorship:signoff", pk=signoff.pk)
    approve = form.cleaned_data["decision"] == "approve"
    try:
        services.signoff_decide(user=request.user, signoff=signoff, approve=approve, reason=form.cleaned_data["reason"])
    except services.MentorshipError as exc:
        messages.error(request, str(exc))
        return redirect("mentorship:signoff", pk=signoff.pk)
    except LookupError:
        raise Http404("未找到该出师申请") from None
    if approve:
        messages.success(request, f"已通过：{signoff.term.mentee.name}今天出师，帮带期结束")
    else:
        messages.success(request, "已退回，导师会收到退回原因")
    return redirect("mentorship:signoffs")


# --- the mentee's feedback on the mentor ------------------------------------------------------------


@login_required
def feedback_new(request, pk: int):
    """The mentee rates the mentor once the term has ended (anyone else: 404)."""
    term = selectors.term_of_mentee(request.user, pk)
    if term is None:
        raise Http404("未找到该帮带期")
    existing = MentorFeedback.objects.filter(term=term).first()
    form = FeedbackForm(request.POST or None)
    if request.method == "POST" and existing is None and form.is_valid():
        try:
            services.feedback_submit(
                user=request.user, term=term, stars=form.cleaned_data["stars"], comment=form.cleaned_data["comment"]
            )
        except services.MentorshipError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, f"谢谢！已提交对导师{term.mentor.name}的评价")
            return redirect("mentorship:index")
    return render(
        request,
        "mentorship/feedback_new.html",
        {"term": term, "form": form, "existing": existing, "ended": term.status != TermStatus.ACTIVE},
    )


@login_required
def feedback_list(request):
    """Trainers: each mentee's feedback on their mentor, for the mentees of their subtree."""
    if not selectors.is_trainer(request.user):
        raise Http404("页面不存在")
    rows = selectors.feedback_visible(request.user).order_by("-created_at", "-id")
    mentor_no = request.GET.get("mentor", "").strip()
    if mentor_no:
        if not rows.filter(term__mentor__employee_no=mentor_no).exists():
            messages.error(request, f"导师工号“{mentor_no[:32]}”在您的辖区内没有徒弟评价")
            mentor_no = ""
        else:
            rows = rows.filter(term__mentor__employee_no=mentor_no)
    page = Paginator(rows, 30).get_page(request.GET.get("page"))
    return render(request, "mentorship/feedback_list.html", {"page": page, "mentor_no": mentor_no})


# --- the cohort report and 优秀导师 ------------------------------------------------------------------------


def _quarter_param(request):
    from lms.periods import Period

    today = timezone.localdate()
    default = Period(today.year, (today.month - 1) // 3 + 1)
    text = request.GET.get("quarter", "").strip()
    if not text:
        return default, None
    try:
        return selectors.parse_quarter(text), None
    except ValueError as exc:
        return default, str(exc)


def _year_param(data):
    text = data.get("year", "").strip()
    if not text:
        return timezone.localdate().year, None
    try:
        return selectors.parse_year(text), None
    except ValueError as exc:
        return timezone.localdate().year, str(exc)


@login_required
def report(request):
    """帮带成效: one quarter's cohort of terms in a unit of the viewer's subtree (other units: 404)."""
    if not selectors.is_staff(request.user):
        raise Http404("页面不存在")
    units = selectors.report_units(request.user)
    quarter, problem = _quarter_param(request)
    if problem:
        messages.error(request, problem)
    unit_id = request.GET.get("unit", "").strip()
    if unit_id and not unit_id.isdigit():
        messages.error(request, f"单位“{unit_id[:20]}”无效，已显示您的辖区")
        unit_id = ""
    unit = units.filter(pk=int(unit_id)).first() if unit_id else units.first()
    if unit is None:
        raise Http404("没有可查看的组织")
    data = selectors.cohort_report(unit, quarter)
    return render(
        request,
        "mentorship/report.html",
        {"r": data, "units": units[:300], "unit": unit, "quarter": quarter},
    )


@login_required
def excellent(request):
    """优秀导师: the year's mentors of the viewer's subtree, ranked, with the criteria; HR issues honours."""
    if not selectors.is_staff(request.user):
        raise Http404("页面不存在")
    year, problem = _year_param(request.GET)
    if problem:
        messages.error(request, problem)
    from certificates.exports import may_export as is_hr

    rows = selectors.excellent_mentors(request.user, year)
    return render(
        request,
        "mentorship/excellent.html",
        {"rows": rows, "year": year, "may_issue": is_hr(request.user), "label": services.honour_label(year)},
    )


@login_required
@require_POST
def excellent_issue(request):
    from certificates.exports import may_export as is_hr

    if not is_hr(request.user):
        raise Http404("页面不存在")
    year, problem = _year_param(request.POST)
    if problem:
        messages.error(request, problem)
        return redirect("mentorship:excellent")
    try:
        job = services.honours_issue(user=request.user, year=year, employee_nos=request.POST.getlist("mentor"))
    except services.MentorshipError as exc:
        messages.error(request, str(exc))
        return redirect(f"{reverse('mentorship:excellent')}?year={year}")
    messages.success(request, f"已开始颁发{job.title}荣誉证书 {job.total} 本")
    return redirect("certificates:hr_job", pk=job.pk)
