"""批量导入 pages: one set of views for every registered import kind (lms.imports)."""

from __future__ import annotations

import io

from django import forms
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from lms.downloads import name_download
from lms.imports import import_kind, import_kinds_for, kind_label
from lms.models import ImportJob
from lms.services_imports import (
    ImportRefused,
    import_job_confirm,
    import_job_start,
    import_template_write,
)
from lms.spreadsheets import XLSX_CONTENT_TYPE

MAX_UPLOAD_BYTES = 20 * 1024 * 1024


class ImportUploadForm(forms.Form):
    file = forms.FileField(label="文件", error_messages={"required": "请选择要上传的文件"})
    target = forms.TypedChoiceField(label="导入到", coerce=int, required=False, empty_value=None)

    def __init__(self, *args, entry, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["file"].widget.attrs["accept"] = ",".join(entry.formats)
        if entry.targets is None:
            del self.fields["target"]
        else:
            field = self.fields["target"]
            field.label = entry.target_label
            field.required = True
            field.error_messages["required"] = f"请选择{entry.target_label}"
            field.error_messages["invalid_choice"] = f"请从列表中选择{entry.target_label}"
            field.choices = [("", "请选择…"), *entry.targets(user)]
            field.help_text = (
                f"只列出您管理的{entry.target_label}；要导入的{entry.target_label}不在其中时，请先在后台新建"
            )

    def clean_file(self):
        uploaded = self.cleaned_data["file"]
        if uploaded.size > MAX_UPLOAD_BYTES:
            raise forms.ValidationError("文件超过 20 MB，请分成几个文件上传")
        return uploaded


def _entry(request, kind: str):
    entry = import_kind(kind)
    if entry is None:
        raise Http404("没有这种导入")
    if not entry.may_start(request.user):
        raise PermissionDenied("您没有这项导入的权限")
    return entry


def _own_job(request, pk: int) -> ImportJob:
    # Another user's upload is as absent as a wrong id: its file may hold personal data.
    return get_object_or_404(ImportJob, pk=pk, requested_by=request.user)


@login_required
def import_list(request):
    """批量导入: the kinds the user may start and their recent uploads."""
    kinds = import_kinds_for(request.user)
    if not kinds:
        raise PermissionDenied("您没有批量导入的权限")
    jobs = ImportJob.objects.filter(requested_by=request.user)[:20]
    rows = [{"job": job, "kind_label": kind_label(job.kind)} for job in jobs]
    return render(request, "lms/imports.html", {"kinds": kinds, "rows": rows})


@login_required
def import_start(request, kind: str):
    entry = _entry(request, kind)
    if request.method == "POST":
        form = ImportUploadForm(request.POST, request.FILES, entry=entry, user=request.user)
        if form.is_valid():
            try:
                job = import_job_start(
                    user=request.user,
                    kind=kind,
                    uploaded=form.cleaned_data["file"],
                    target_id=form.cleaned_data.get("target"),
                )
            except ImportRefused as refused:
                form.add_error(None, str(refused))
            else:
                return redirect("import_job", pk=job.pk)
    else:
        form = ImportUploadForm(entry=entry, user=request.user, initial={"target": request.GET.get("target")})
    return render(request, "lms/import_start.html", {"entry": entry, "form": form})


@login_required
def import_template(request, kind: str):
    entry = _entry(request, kind)
    buffer = io.BytesIO()
    import_template_write(entry=entry, target=buffer)
    response = HttpResponse(buffer.getvalue(), content_type=XLSX_CONTENT_TYPE)
    return name_download(response, f"{entry.label}导入模板.xlsx", ascii_name=f"{entry.kind}-template.xlsx")


@login_required
def import_job(request, pk: int):
    job = _own_job(request, pk)
    entry = import_kind(job.kind)
    return render(request, "lms/import_job.html", {"job": job, "entry": entry})


@login_required
def import_job_status(request, pk: int):
    job = _own_job(request, pk)
    return JsonResponse(
        {
            # job_progress.js keeps polling while the status is "running"
            "status": "running" if job.is_running else job.status,
            "status_label": job.get_status_display(),
            "done": job.done,
            "total": job.total,
            "percent": job.percent,
            "error": job.result if job.status == job.Status.FAILED else "",
        }
    )


@login_required
@require_POST
def import_job_confirm_view(request, pk: int):
    job = _own_job(request, pk)
    try:
        import_job_confirm(job=job, user=request.user)
    except ImportRefused as refused:
        raise PermissionDenied(str(refused)) from None
    return redirect(reverse("import_job", args=[job.pk]))


def _home_section(request, home: str):
    kinds = import_kinds_for(request.user, home=home)
    if not kinds:
        return None
    return {
        "title": "批量导入",
        "template": "lms/_home_imports.html",
        "context": {"kinds": kinds},
        "order": 15,
    }


def hr_home_section(request):
    return _home_section(request, "hr")


def trainer_home_section(request):
    return _home_section(request, "trainer")
