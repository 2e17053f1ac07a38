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


class _UnitsField(forms.ModelMultipleChoiceField):
    """Unit ids checked for being ids before they reach the database (an `in` lookup passes a huge
    number on unchecked, and SQLite cannot bind it)."""

    def clean(self, value):
        for item in value or []:
            if not (isinstance(item, str) and item.isdigit() and 0 < int(item) < 2**63):
                raise forms.ValidationError("所选组织不存在或不在您的管理范围内", code="invalid_choice")
        return super().clean(value)


class AssignForm(forms.Form):
    org_units = _UnitsField(label="指派给组织", queryset=None, required=False)
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


YEAR_MIN, YEAR_MAX = 2000, 2100


class _UnitField(forms.ModelChoiceField):
    def to_python(self, value):
        # Django rejects a NUL character with its own message before looking the unit up.
        if isinstance(value, str) and "\x00" in value:
            raise forms.ValidationError(self.error_messages["invalid_choice"], code="invalid_choice")
        return super().to_python(value)


class ComplianceQueryForm(forms.Form):
    """Every query parameter of the compliance report and its export, with bounds. A value that
    does not fit is reported in Chinese and replaced by its default (`value`), never a 500."""

    unit = _UnitField(
        label="组织",
        queryset=None,
        required=False,
        error_messages={"invalid_choice": "所选组织不存在或不在您的管理范围内，已显示默认组织"},
    )
    year = forms.IntegerField(
        label="年份",
        required=False,
        min_value=YEAR_MIN,
        max_value=YEAR_MAX,
        error_messages={
            "invalid": f"年份应为 {YEAR_MIN}–{YEAR_MAX} 之间的整数，已显示今年",
            "min_value": f"年份应为 {YEAR_MIN}–{YEAR_MAX} 之间的整数，已显示今年",
            "max_value": f"年份应为 {YEAR_MIN}–{YEAR_MAX} 之间的整数，已显示今年",
        },
    )
    status = forms.ChoiceField(
        label="达标情况",
        required=False,
        choices=selectors.COMPLIANCE_STATUS_CHOICES,
        error_messages={"invalid_choice": "达标情况只能是“达标”或“未达标”，已显示全部"},
    )
    q = forms.CharField(
        label="工号或姓名",
        required=False,
        max_length=50,
        error_messages={
            "max_length": "检索词不能超过 50 个字，已忽略",
            "null_characters_not_allowed": "检索词含有无效字符，已忽略",
        },
    )
    page = forms.IntegerField(
        label="页码",
        required=False,
        min_value=1,
        max_value=100_000,
        error_messages={
            "invalid": "页码应为正整数，已显示第 1 页",
            "min_value": "页码应为正整数，已显示第 1 页",
            "max_value": "页码过大，已显示第 1 页",
        },
    )

    def __init__(self, data, *, user, **kwargs):
        super().__init__(data, **kwargs)
        self.units = selectors.report_units(user)
        self.fields["unit"].queryset = self.units
        self.fields["unit"].widget.attrs["data-testid"] = "unit"

    def value(self, name: str):
        """The cleaned value of a field, or its default when it was missing or did not fit."""
        self.is_valid()
        value = self.cleaned_data.get(name)
        if value not in (None, ""):
            return value
        return {
            "unit": self.units.first(),
            "year": timezone.localdate().year,
            "status": "",
            "q": "",
            "page": 1,
        }[name]

    def problems(self) -> list[str]:
        self.is_valid()
        return [message for errors in self.errors.values() for message in errors]
