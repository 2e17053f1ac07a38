from __future__ import annotations

from pathlib import Path

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import update_session_auth_hash
from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import LoginView
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.cache import cache_control
from django.views.decorators.http import require_POST

from lms import roles, selectors, services
from lms.access import get_scoped_object_or_404, worker_of
from lms.forms import LoginForm, PasswordSetForm
from lms.models import Notification, Worker
from lms.pii import mask_id_number, mask_phone, may_view_unmasked
from lms.private_media import private_file_response


def client_ip(request) -> str | None:
    if getattr(settings, "TRUST_X_FORWARDED_FOR", False):
        forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
        if forwarded:
            return forwarded.split(",")[0].strip()
    return request.META.get("REMOTE_ADDR")


class RateLimitedLoginView(LoginView):
    """Django's login, refusing further tries after too many failures per account or per IP."""

    form_class = LoginForm
    template_name = "registration/login.html"
    redirect_authenticated_user = True

    def post(self, request, *args, **kwargs):
        reason = selectors.login_block_reason(username=request.POST.get("username", ""), ip_address=client_ip(request))
        if reason:
            form = self.get_form()
            form.errors.clear()
            form.add_error(None, reason)
            return self.render_to_response(self.get_context_data(form=form), status=429)
        return super().post(request, *args, **kwargs)

    def form_invalid(self, form):
        username = self.request.POST.get("username", "")
        if username:
            services.login_failure_record(username=username, ip_address=client_ip(self.request))
        return super().form_invalid(form)

    def form_valid(self, form):
        services.login_failures_clear(username=form.get_user().get_username())
        return super().form_valid(form)


@login_required
def password_set(request):
    worker = worker_of(request.user)
    first_time = bool(worker and worker.must_change_password)
    form = PasswordSetForm(request.user, request.POST or None, first_time=first_time)
    if request.method == "POST" and form.is_valid():
        services.worker_password_set(user=request.user, password=form.cleaned_data["new_password1"])
        update_session_auth_hash(request, request.user)
        messages.success(request, "密码已设置，请牢记新密码。")
        return redirect("home")
    return render(request, "lms/password_set.html", {"form": form, "first_time": first_time})


def home(request):
    """Anonymous visitors get the landing page; a signed-in user goes to their main role's page."""
    if not request.user.is_authenticated:
        return render(request, "lms/landing.html")
    codes = roles.user_role_codes(request.user)
    if roles.HR in codes:
        return redirect("hr_home")
    if roles.MANAGER in codes:
        return redirect("manager_home")
    if roles.TRAINER in codes and not worker_of(request.user):
        return redirect("wagtailadmin_home")
    return redirect("trainee_home")


def _require_role(request, *codes: str) -> None:
    if not (request.user.is_superuser or roles.has_role(request.user, *codes)):
        raise Http404("页面不存在")


@login_required
def trainee_home(request):
    """我的学习."""
    worker = worker_of(request.user)
    context = {
        "worker": worker,
        "notifications": selectors.notifications_for(request.user)[:5],
        "sections": home_sections(request, "trainee"),
    }
    return render(request, "lms/home_trainee.html", context)


@login_required
def manager_home(request):
    """辖区概览: head-counts and, per direct sub-unit of the chosen unit, the period's figures."""
    from django.utils import timezone

    from lms.forms import DashboardForm

    _require_role(request, roles.MANAGER)
    today = timezone.localdate()
    form = DashboardForm(request.GET)
    period = form.period(today)
    unit = selectors.dashboard_unit(request.user, form.cleaned_data.get("unit"))
    return render(
        request,
        "lms/home_manager.html",
        {
            "overview": selectors.org_overview(request.user),
            "dashboard": selectors.dashboard(request.user, unit=unit, period=period, today=today),
            "form": form,
            "errors": form.error_messages_list(),
            "years": range(today.year, today.year - 5, -1),
            "sections": home_sections(request, "manager"),
        },
    )


@login_required
def hr_home(request):
    """人事工作台."""
    _require_role(request, roles.HR)
    search = request.GET.get("q", "").strip()
    page = Paginator(selectors.visible_workers(request.user, search=search), 30).get_page(request.GET.get("page"))
    return render(
        request,
        "lms/home_hr.html",
        {
            "page": page,
            "search": search,
            "rows": [_worker_row(w) for w in page.object_list],
            "audit_entries": selectors.recent_audit_entries(request.user, limit=10),
            "sections": home_sections(request, "hr"),
        },
    )


def home_sections(request, page: str) -> list[dict]:
    """Cards other apps add to a role's home page (see lms.hooks.register_home_section)."""
    from lms.hooks import collect_home_sections

    return collect_home_sections(request, page)


def _worker_row(worker: Worker) -> dict:
    return {
        "worker": worker,
        "id_number": mask_id_number(worker.id_number),
        "phone": mask_phone(worker.phone),
    }


@login_required
def worker_list(request):
    _require_role(request, roles.HR, roles.MANAGER, roles.TRAINER)
    search = request.GET.get("q", "").strip()
    page = Paginator(selectors.visible_workers(request.user, search=search), 30).get_page(request.GET.get("page"))
    return render(
        request,
        "lms/worker_list.html",
        {"page": page, "search": search, "rows": [_worker_row(w) for w in page.object_list]},
    )


@login_required
def worker_detail(request, employee_no: str):
    worker = get_scoped_object_or_404(
        request.user, Worker.objects.select_related("org_unit", "user"), worker_path="", employee_no=employee_no
    )
    revealed = None
    if request.method == "POST" and request.POST.get("reveal"):
        try:
            revealed = services.worker_pii_reveal(viewer=request.user, worker=worker, ip_address=client_ip(request))
        except PermissionError:
            raise Http404("页面不存在") from None
    return render(
        request,
        "lms/worker_detail.html",
        {
            "worker": worker,
            "row": _worker_row(worker),
            "revealed": revealed,
            "may_reveal": may_view_unmasked(request.user, worker),
            # Links to the competency pages of someone else (assessments: 观察评价, 群众评价二维码).
            "is_other": worker.user_id != request.user.pk,
            "is_subtree_staff": request.user.is_superuser or roles.has_role(request.user, *roles.SUBTREE_ROLES),
        },
    )


@login_required
def notification_list(request):
    page = Paginator(selectors.notifications_for(request.user), 20).get_page(request.GET.get("page"))
    return render(request, "lms/notifications.html", {"page": page})


@login_required
@require_POST
def notification_open(request, pk: int):
    notification = get_object_or_404(Notification, pk=pk, recipient=request.user)
    services.notification_mark_read(notification=notification)
    if notification.url and notification.url.startswith("/"):
        return redirect(notification.url)
    return redirect("notifications")


@login_required
@require_POST
def notifications_read_all(request):
    services.notifications_mark_all_read(user=request.user)
    return redirect("notifications")


# --- export jobs ----------------------------------------------------------------------------------


@login_required
def export_job_list(request):
    """我的导出: the user's own export jobs, newest first; running ones update in place."""
    from lms.exports import kind_label

    page = Paginator(selectors.export_jobs_of(request.user), 20).get_page(request.GET.get("page"))
    rows = [{"job": job, "kind_label": kind_label(job.kind)} for job in page.object_list]
    return render(
        request, "lms/export_jobs.html", {"page": page, "rows": rows, "keep_days": settings.EXPORT_JOB_KEEP_DAYS}
    )


def _export_job(request, pk: int):
    return get_object_or_404(selectors.export_jobs_of(request.user), pk=pk)


@login_required
def export_job(request, pk: int):
    return render(request, "lms/export_job.html", {"job": _export_job(request, pk)})


@login_required
def export_job_status(request, pk: int):
    job = _export_job(request, pk)
    return JsonResponse(
        {
            "status": job.status,
            "status_label": job.get_status_display(),
            "done": job.done,
            "total": job.total,
            "percent": job.percent,
            "ready": bool(job.status == job.Status.DONE and job.file),
            "download_url": reverse("export_job_download", args=[job.pk]) if job.file else "",
            "file_name": job.file_name,
            "error": job.error,
        }
    )


@login_required
def export_job_download(request, pk: int):
    job = _export_job(request, pk)
    if job.status != job.Status.DONE or not job.file:
        raise Http404("文件尚未生成")
    response = private_file_response(
        job.file.name, filename=job.file_name, content_type=job.content_type or None, as_attachment=True
    )
    services.export_job_download_record(job=job, user=request.user, ip_address=client_ip(request))
    return response


_FAVICON = Path(__file__).resolve().parent / "static" / "lms" / "favicon.ico"


@cache_control(max_age=7 * 24 * 3600, public=True)
def favicon(request):
    """/favicon.ico, which browsers and feed readers ask for whatever the page links."""
    return FileResponse(_FAVICON.open("rb"), content_type="image/x-icon")


def csrf_failure(request, reason: str = ""):
    """CSRF_FAILURE_VIEW: the site's Chinese page instead of Django's English one; the reason is for logs only."""
    return render(request, "403_csrf.html", status=403)
