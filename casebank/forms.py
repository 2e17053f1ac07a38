"""Forms of the trainers' 检索分析 page (docs/rules.md §10)."""

from __future__ import annotations

from django import forms

from casebank.models import CaseCategory, Faq
from casebank.selectors import INSIGHT_DAY_CHOICES


class InsightDaysForm(forms.Form):
    days = forms.TypedChoiceField(
        label="统计范围",
        choices=[(days, f"最近 {days} 天") for days in INSIGHT_DAY_CHOICES],
        coerce=int,
        initial=30,
        error_messages={
            "required": "请选择统计范围",
            "invalid_choice": "统计范围只能是最近 7、30 或 90 天，已显示最近 30 天",
        },
    )


class InsightFaqForm(forms.Form):
    """写一个常见问题 from a query trainers saw go unanswered."""

    question = forms.CharField(
        label="问题", max_length=200, error_messages={"required": "请填写问题", "max_length": "问题不超过 200 字"}
    )
    category = forms.ModelChoiceField(
        label="类别",
        queryset=CaseCategory.objects.all(),
        empty_label="请选择类别",
        error_messages={"required": "请选择类别", "invalid_choice": "请选择列表中的类别"},
    )
    answer = forms.CharField(
        label="解答", widget=forms.Textarea(attrs={"rows": 8}), error_messages={"required": "请填写解答"}
    )

    def clean_question(self):
        question = " ".join(self.cleaned_data["question"].split())
        if "\x00" in question:
            raise forms.ValidationError("问题中有无法保存的字符")
        if Faq.objects.filter(question=question).exists():
            # faq_save would overwrite that FAQ's answer: send the trainer to edit it instead
            raise forms.ValidationError("已有同样问题的常见问题，请在后台“常见问题”中修改它")
        return question

    def clean_answer(self):
        answer = self.cleaned_data["answer"].strip()
        if "\x00" in answer:
            raise forms.ValidationError("解答中有无法保存的字符")
        if not answer:
            raise forms.ValidationError("请填写解答")
        return answer
