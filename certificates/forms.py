from decimal import Decimal

from django import forms
from django.utils import timezone

from lms.models import OrgUnit

from .models import CertificateType, Incentive
from .services import MAX_SCAN_BYTES, scan_problem


class DateInput(forms.DateInput):
    input_type = "date"


class ExternalCertificateForm(forms.Form):
    employee_no = forms.CharField(label="工号", max_length=32)
    certificate_type = forms.ModelChoiceField(
        label="证书类型", queryset=CertificateType.objects.filter(platform_issued=False), to_field_name="code"
    )
    serial_no = forms.CharField(label="证书编号", max_length=64)
    issued_on = forms.DateField(label="发证日期", widget=DateInput)
    valid_until = forms.DateField(label="有效期至", required=False, widget=DateInput, help_text="长期有效请留空")
    issuer = forms.CharField(label="发证机关", max_length=100, required=False)
    scan = forms.FileField(label="证书扫描件", required=False, help_text="PDF、JPEG 或 PNG，不超过 10 MB")

    def clean_scan(self):
        scan = self.cleaned_data.get("scan")
        if scan:
            if scan.size > MAX_SCAN_BYTES:
                raise forms.ValidationError("扫描件不能超过 10 MB")
            if problem := scan_problem(scan):
                raise forms.ValidationError(problem)
        return scan


class BulkIssueForm(forms.Form):
    title = forms.CharField(label="批次名称", max_length=200, initial="")
    certificate_type = forms.ModelChoiceField(
        label="证书类型", queryset=CertificateType.objects.filter(platform_issued=True), to_field_name="code"
    )
    issued_on = forms.DateField(label="发证日期", widget=DateInput)
    source_label = forms.CharField(
        label="颁发事由（印在证书上）", max_length=200, required=False, help_text="例：完成2026年度网格员岗前培训"
    )
    employee_nos = forms.CharField(
        label="工号（每行一个，或用逗号分隔）", required=False, widget=forms.Textarea(attrs={"rows": 5})
    )
    org_unit = forms.ModelChoiceField(
        label="或：该组织单元的全部网格员", queryset=OrgUnit.objects.none(), required=False
    )

    def __init__(self, *args, org_units=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["issued_on"].initial = timezone.localdate()
        if org_units is not None:
            self.fields["org_unit"].queryset = org_units

    def clean(self):
        data = super().clean()
        if not data.get("employee_nos", "").strip() and not data.get("org_unit"):
            raise forms.ValidationError("请填写工号，或选择一个组织单元")
        return data

    def employee_numbers(self) -> list[str]:
        text = self.cleaned_data["employee_nos"].replace("，", ",").replace(",", "\n")
        return [line.strip() for line in text.splitlines() if line.strip()]


class RevokeForm(forms.Form):
    reason = forms.CharField(label="撤销原因", max_length=200)
    revoked_on = forms.DateField(label="撤销日期", required=False, widget=DateInput)


class AdjustmentForm(forms.Form):
    employee_no = forms.CharField(label="工号", max_length=32)
    corrects = forms.CharField(label="更正月份（YYYY-MM，已审批）", max_length=7)
    amount = forms.DecimalField(label="调整金额（元，扣减填负数）", max_digits=10, decimal_places=2)
    reason = forms.CharField(label="原因", max_length=300)


class IncentiveForm(forms.Form):
    employee_no = forms.CharField(label="工号", max_length=32)
    kind = forms.ChoiceField(label="类别", choices=Incentive.Kind.choices)
    amount = forms.DecimalField(
        label="金额（元）",
        max_digits=10,
        decimal_places=2,
        min_value=Decimal("0.01"),
        required=False,
        help_text="年度考核优秀留空按 5000 元",
    )
    reason = forms.CharField(label="事由", max_length=300)
