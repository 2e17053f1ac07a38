from __future__ import annotations

from django import forms
from django.utils import timezone

from .models import SessionType

PHOTO_TYPES = {"image/jpeg", "image/png", "image/webp", "image/heic"}
PHOTO_MAX_BYTES = 8 * 1024 * 1024


class SessionForm(forms.Form):
    """The mentor's phone form: everything but the mentee has a default or may stay empty."""

    mentee = forms.ChoiceField(label="徒弟")
    date = forms.DateField(label="日期", widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"))
    type = forms.ChoiceField(label="类型", choices=SessionType.choices, initial=SessionType.HOME_VISIT)
    minutes = forms.IntegerField(
        label="时长（分钟）",
        min_value=1,
        max_value=720,
        initial=60,
        widget=forms.NumberInput(attrs={"inputmode": "numeric"}),
    )
    place = forms.CharField(label="地点", max_length=100)
    indicators = forms.MultipleChoiceField(label="练习的能力指标", required=False, widget=forms.CheckboxSelectMultiple)
    notes = forms.CharField(label="记录", required=False, widget=forms.Textarea(attrs={"rows": 3}))
    photo = forms.FileField(
        label="照片（可选）", required=False, widget=forms.ClearableFileInput(attrs={"accept": "image/*"})
    )

    def __init__(self, *args, mentees, indicators, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["mentee"].choices = [(w.employee_no, f"{w.name}（{w.employee_no}）") for w in mentees]
        if len(mentees) == 1:
            self.fields["mentee"].initial = mentees[0].employee_no
        self.fields["indicators"].choices = [(i.code, f"{i.code} {i.name}") for i in indicators]
        self.fields["date"].initial = timezone.localdate()

    def clean_photo(self):
        photo = self.cleaned_data.get("photo")
        if photo:
            if photo.size > PHOTO_MAX_BYTES:
                raise forms.ValidationError("照片不能超过 8 MB")
            if getattr(photo, "content_type", "") not in PHOTO_TYPES:
                raise forms.ValidationError("照片应为 JPG、PNG、WEBP 或 HEIC 图片")
        return photo


class DisputeForm(forms.Form):
    reason = forms.CharField(label="异议原因", max_length=200)


class TermForm(forms.Form):
    mentee = forms.CharField(label="徒弟工号", max_length=32)
    start = forms.DateField(label="开始日期", widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"))
    planned_end = forms.DateField(
        label="计划结束日期", widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )
    mentor = forms.CharField(label="导师工号", max_length=32, required=False)


class SignOffForm(forms.Form):
    assessment = forms.CharField(
        label="对徒弟的评估",
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 5, "placeholder": "能否独立入户、处置常见问题、录入信息；还需注意什么"}),
        error_messages={"required": "请填写对徒弟的评估", "max_length": "评估不能超过 1000 字"},
    )


class DecisionForm(forms.Form):
    decision = forms.ChoiceField(
        label="审核结果",
        choices=[("approve", "通过"), ("return", "退回")],
        error_messages={"required": "请选择通过或退回", "invalid_choice": "审核结果应为通过或退回"},
    )
    reason = forms.CharField(
        label="退回原因", max_length=200, required=False, error_messages={"max_length": "退回原因不能超过 200 字"}
    )

    def clean(self):
        data = super().clean()
        if data.get("decision") == "return" and not (data.get("reason") or "").strip():
            self.add_error("reason", "退回须填写原因")
        return data


class FeedbackForm(forms.Form):
    stars = forms.TypedChoiceField(
        label="给导师打星",
        coerce=int,
        choices=[(n, f"{n} 星") for n in range(5, 0, -1)],
        widget=forms.RadioSelect,
        error_messages={"required": "请选择 1–5 星", "invalid_choice": "星级应为 1–5"},
    )
    comment = forms.CharField(
        label="想对导师说的话（可选）",
        max_length=500,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"max_length": "意见不能超过 500 字"},
    )


DATE_ERRORS = {"required": "请填写日期", "invalid": "日期应写成 2026-05-01 这样的格式"}


def _date_field(label: str) -> forms.DateField:
    return forms.DateField(
        label=label,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        error_messages={key: f"{label}：{text}" for key, text in DATE_ERRORS.items()},
    )


class TermEndForm(forms.Form):
    """Ending a term early as 已终止. The reason is checked by `term_end` (its message shows on the
    form); 已出师 is not offered here: it comes only from an approved sign-off."""

    on = _date_field("终止日期")
    reason = forms.CharField(
        label="终止原因", max_length=200, required=False, error_messages={"max_length": "终止原因不能超过 200 字"}
    )


class TermReassignForm(forms.Form):
    """Changing the mentee's mentor: a suggested mentor (radio) or a 工号 typed in, which wins."""

    mentor = forms.CharField(label="推荐的导师", max_length=32, required=False)
    mentor_no = forms.CharField(
        label="或填写导师工号",
        max_length=32,
        required=False,
        error_messages={"max_length": "导师工号不能超过 32 个字符"},
    )
    on = _date_field("换导师日期")
    planned_end = _date_field("新帮带期计划结束日期")
    reason = forms.CharField(
        label="更换原因", max_length=190, required=False, error_messages={"max_length": "更换原因不能超过 190 字"}
    )

    def clean(self):
        data = super().clean()
        number = (data.get("mentor_no") or "").strip() or (data.get("mentor") or "").strip()
        if not number:
            self.add_error("mentor_no", "请选择推荐的导师，或填写导师工号")
        data["employee_no"] = number
        return data
