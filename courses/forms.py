from __future__ import annotations

from decimal import Decimal

from django import forms
from django.utils import timezone

from courses import selectors
from lms import roles
from lms.models import Worker


def _employee_nos(value: str) -> list[str]:
    return [
        v
        for v in value.replace("，", ",").replace("；", ",").replace(";", ",").replace("\n", ",").split(",")
        if v.strip()
    ]


class AssignForm(forms.Form):
    org_units = forms.ModelMultipleChoiceField(label="指派给组织", queryset=None, required=False)
    roles = forms.MultipleChoiceField(
        label="限定角色",
        choices=roles.ROLE_CHOICES,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text="不选则组织内所有人员",
    )
    workers = forms.CharField(label="指派给个人（工号，逗号分隔）", required=False)
    due_on = forms.DateField(label="完成期限", required=False, widget=forms.DateInput(attrs={"type": "date"}))

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        self.fields["org_units"].queryset = selectors.report_units(user)

    def clean_workers(self):
        found = []
        for no in _employee_nos(self.cleaned_data["workers"]):
            worker = selectors.visible_worker(self.user, no.strip())
            if worker is None:
                raise forms.ValidationError(f"工号 {no.strip()} 不存在或不在您的管理范围内")
            found.append(worker)
        return found

    def clean(self):
        data = super().clean()
        if not data.get("org_units") and not data.get("workers"):
            raise forms.ValidationError("请至少选择一个组织或填写一个工号")
        if data.get("due_on") and data["due_on"] < timezone.localdate():
            self.add_error("due_on", "完成期限不能早于今天")
        return data


class ScopedWorkerForm(forms.Form):
    """A form whose 工号 field must name a worker the acting user may see."""

    worker = forms.CharField(label="工号")

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user

    def clean_worker(self) -> Worker:
        worker = selectors.visible_worker(self.user, self.cleaned_data["worker"].strip())
        if worker is None:
            raise forms.ValidationError("工号不存在或不在您的管理范围内")
        return worker


class ExternalHoursForm(ScopedWorkerForm):
    hours = forms.DecimalField(label="学时", min_value=Decimal("0.5"), max_value=Decimal("200"), decimal_places=1)
    earned_on = forms.DateField(label="培训日期", widget=forms.DateInput(attrs={"type": "date"}))
    title = forms.CharField(label="培训内容", max_length=200)


class AttendanceForm(ScopedWorkerForm):
    checked_in = forms.TimeField(label="签到时间", widget=forms.TimeInput(attrs={"type": "time"}))
    checked_out = forms.TimeField(label="签退时间", widget=forms.TimeInput(attrs={"type": "time"}))
