"""The resident survey (群众评价): the public form at /s/<token>/ (no login), the worker's QR card and
its PDF, and the review of held answers for staff (docs/rules.md, "群众评价与观察评价")."""

from __future__ import annotations

import datetime as dt
import re
import secrets

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from assessments import selectors
from assessments.models import SurveyResponse
from assessments.services import surveys as service
from assessments.survey import NO, SURVEY_ITEMS, YES
from lms.access import worker_of
from lms.downloads import name_download
from lms.models import Worker
from lms.views import client_ip

DEVICE_COOKIE = "grid_survey_device"
DEVICE_COOKIE_MAX_AGE = 400 * 24 * 3600
STAR_CHOICES = (5, 4, 3, 2, 1)  # source order; shown as 1 … 5 (assessments/stars.css)
_MONTH = re.compile(r"^(\d{4})-(\d{2})$")


# --- the public form ------------------------------------------------------------------------------


def _link_error(request, title: str, text: str, status: int):
    return render(request, "assessments/survey/link_error.html", {"title": title, "text": text}, status=status)


def _resolve(request, token: str):
    """(worker, None) or (None, an error page) for a survey link."""
    try:
        return service.survey_worker(token), None
    except service.SurveyLinkExpired:
        return None, _link_error(
            request, "链接已过期", "这张评价卡片已超过有效期，请向网格员索取新的二维码。", status=410
        )
    except service.SurveyLinkInvalid:
        return None, _link_error(request, "链接无效", "没有找到这个评价链接，请重新扫描网格员的二维码。", status=404)


def _device_id(request) -> tuple[str, bool]:
    """The random id in the resident's signed cookie, or a new one (True: set the cookie)."""
    value = request.get_signed_cookie(DEVICE_COOKIE, default=None, salt=service.DEVICE_SALT)
    if value and re.fullmatch(r"[A-Za-z0-9_-]{16,64}", value):
        return value, False
    return secrets.token_urlsafe(18), True


def _with_cookie(response, device_id: str, new: bool):
    if new:
        response.set_signed_cookie(
            DEVICE_COOKIE,
            device_id,
            salt=service.DEVICE_SALT,
            max_age=DEVICE_COOKIE_MAX_AGE,
            httponly=True,
            samesite="Lax",
            secure=settings.SESSION_COOKIE_SECURE,
        )
    return response


def _already_page(request, worker):
    return render(request, "assessments/survey/already.html", {"worker": worker})


def _keys(request, device_id: str) -> tuple[str, str]:
    return service.device_key(device_id), service.address_key(
        client_ip(request), request.META.get("HTTP_USER_AGENT", "")
    )


@never_cache
def survey_form(request, token: str):
    """/s/<token>/: four star items, one yes/no item and a comment, on a phone, without logging in."""
    worker, error_page = _resolve(request, token)
    if error_page is not None:
        return error_page
    device_id, new = _device_id(request)
    errors: dict[str, str] = {}
    values: dict[str, str] = {}
    comment = ""
    if request.method == "POST":
        values = {item.key: request.POST.get(item.key, "") for item in SURVEY_ITEMS}
        comment = request.POST.get("comment", "")
        try:
            outcome = service.survey_submit(
                worker=worker,
                answers=values,
                comment=comment,
                device_id=device_id,
                address=client_ip(request),
                user_agent=request.META.get("HTTP_USER_AGENT", ""),
            )
        except service.SurveyInvalid as exc:
            errors = exc.errors
        else:
            if outcome.status == "duplicate":
                return _with_cookie(_already_page(request, worker), device_id, new)
            return _with_cookie(redirect("assessments:survey_thanks", token=token), device_id, new)
    else:
        device, address = _keys(request, device_id)
        if service.already_answered(worker=worker, device=device, address=address):
            return _with_cookie(_already_page(request, worker), device_id, new)
    items = [
        {
            "item": item,
            "value": values.get(item.key, ""),
            "error": errors.get(item.key),
            "choices": STAR_CHOICES if item.kind == "stars" else (YES, NO),
        }
        for item in SURVEY_ITEMS
    ]
    response = render(
        request,
        "assessments/survey/form.html",
        {
            "worker": worker,
            "items": items,
            "comment": comment,
            "comment_error": errors.get("comment"),
            "has_errors": bool(errors),
            "comment_max": service.COMMENT_MAX,
        },
        status=400 if errors else 200,
    )
    return _with_cookie(response, device_id, new)


def survey_thanks(request, token: str):
    worker, error_page = _resolve(request, token)
    if error_page is not None:
        return error_page
    return render(request, "assessments/survey/thanks.html", {"worker": worker})


# --- the worker's card ----------------------------------------------------------------------------


def _card_worker(request, employee_no: str) -> Worker:
    worker = selectors.survey_card_worker(request.user, employee_no)
    if worker is None:
        raise Http404("未找到或无权查看")
    return worker


@login_required
def my_survey_card(request):
    worker = worker_of(request.user)
    if worker is None:
        raise Http404("没有人员档案")
    return redirect("assessments:survey_card", employee_no=worker.employee_no)


def _month_param(request) -> tuple[dt.date, str | None]:
    today = timezone.localdate()
    text = request.GET.get("month", "").strip()
    if not text:
        return today.replace(day=1), None
    match = _MONTH.match(text)
    if match:
        year, month = int(match.group(1)), int(match.group(2))
        if 2000 <= year <= 2100 and 1 <= month <= 12:
            return dt.date(year, month, 1), None
    return today.replace(day=1), f"月份“{text}”格式不对，应为 年-月（如 {today:%Y-%m}），已显示本月"


@login_required
def survey_card(request, employee_no: str):
    """The worker's survey link and QR code, the PDF to print, and the month's count and averages."""
    worker = _card_worker(request, employee_no)
    month, month_error = _month_param(request)
    url = request.build_absolute_uri(service.survey_url(worker))
    from assessments.survey_card import qr_svg

    own = worker_of(request.user)
    is_self = own is not None and own.pk == worker.pk
    return render(
        request,
        "assessments/survey/card.html",
        {
            "worker": worker,
            "url": url,
            "qr": qr_svg(url),
            "month": month,
            "month_error": month_error,
            "previous_month": (month - dt.timedelta(days=1)).replace(day=1),
            "next_month": (month + dt.timedelta(days=32)).replace(day=1),
            "stats": selectors.survey_month_stats(worker, month),
            "is_self": is_self,
            "may_review": not is_self and service.may_review(request.user, worker),
            "max_age_days": settings.SURVEY_LINK_MAX_AGE_DAYS,
        },
        status=400 if month_error else 200,
    )


@login_required
def survey_card_pdf(request, employee_no: str):
    """The A6 card to print, made on request for whoever may open the card page."""
    worker = _card_worker(request, employee_no)
    from assessments.survey_card import card_pdf

    pdf = card_pdf(
        name=worker.name,
        unit_name=worker.org_unit.name,
        unit_path=worker.org_unit.full_name,
        url=request.build_absolute_uri(service.survey_url(worker)),
    )
    response = HttpResponse(pdf, content_type="application/pdf")
    name_download(
        response,
        f"群众评价卡-{worker.name}-{worker.employee_no}.pdf",
        ascii_name=f"survey-card-{worker.employee_no}.pdf",
    )
    response["Cache-Control"] = "private, no-store"
    return response


# --- review of held answers -----------------------------------------------------------------------


def _require_reviewer(request) -> None:
    from lms import roles

    if not (request.user.is_superuser or roles.has_role(request.user, *roles.SUBTREE_ROLES)):
        raise Http404("页面不存在")


@login_required
def survey_review(request):
    """待审核的群众评价 of the staff member's subtree; `?worker=<工号>` narrows it to one worker."""
    _require_reviewer(request)
    employee_no = request.GET.get("worker", "").strip()
    worker = None
    notice = None
    if employee_no:
        worker = Worker.objects.filter(employee_no=employee_no).first()
        if worker is None or not service.may_review(request.user, worker):
            worker, notice = None, f"工号“{employee_no[:32]}”不在您的辖区内或不存在，已显示全部待审核评价"
    page = Paginator(selectors.held_survey_responses(request.user, worker=worker), 30).get_page(request.GET.get("page"))
    rows = [
        {
            "response": r,
            "answers": [
                {"item": item, "value": r.answers.get(item.key)} for item in SURVEY_ITEMS if item.key in r.answers
            ],
        }
        for r in page.object_list
    ]
    return render(
        request,
        "assessments/survey/review.html",
        {"page": page, "rows": rows, "worker": worker, "notice": notice, "employee_no": employee_no},
    )


@login_required
@require_POST
def survey_review_decide(request, pk: int):
    _require_reviewer(request)
    response = selectors.held_survey_responses(request.user).filter(pk=pk).first()
    if response is None:
        # Not held any more (decided already) but in scope: say so; otherwise 404.
        decided = SurveyResponse.objects.select_related("worker").filter(pk=pk).first()
        if decided is None or not service.may_review(request.user, decided.worker):
            raise Http404("未找到该评价")
        messages.error(request, f"该评价已是“{decided.status}”，不能再审核")
        return redirect(reverse("assessments:survey_review"))
    action = request.POST.get("action", "")
    if action not in ("release", "reject"):
        messages.error(request, "操作不对：请选择“放行”或“驳回”")
        return redirect(reverse("assessments:survey_review"))
    try:
        if action == "release":
            service.survey_response_release(reviewer=request.user, response=response)
            messages.success(request, f"已放行 {response.worker.name} 的一条评价，已计入能力证据")
        else:
            service.survey_response_reject(reviewer=request.user, response=response)
            messages.success(request, f"已驳回 {response.worker.name} 的一条评价，不计入")
    except service.SurveyReviewRefused as exc:
        messages.error(request, str(exc))
    except PermissionError:
        raise Http404("未找到该评价") from None
    target = reverse("assessments:survey_review")
    worker_filter = request.POST.get("worker", "").strip()
    if worker_filter and re.fullmatch(r"[\w-]{1,32}", worker_filter):
        target += f"?worker={worker_filter}"
    return redirect(target)


# --- home page cards ------------------------------------------------------------------------------


def trainee_home_section(request):
    """我的学习: this month's resident survey count and the link to print one's card."""
    worker = worker_of(request.user)
    if worker is None:
        return None
    month = timezone.localdate().replace(day=1)
    count = selectors.survey_month_stats(worker, month)["count"]
    return {
        "title": "群众评价",
        "template": "assessments/survey/_home_card.html",
        "context": {"count": count, "month": month},
        "order": 60,
    }


def manager_home_section(request):
    """辖区概览: how many resident survey answers wait for review, when there are any."""
    held = selectors.held_survey_responses(request.user).count()
    if not held:
        return None
    return {
        "title": "待审核的群众评价",
        "template": "assessments/survey/_review_card.html",
        "context": {"held": held},
        "order": 60,
    }
