from decimal import Decimal

from django import forms

from assessments.scoring import plain


class MarkForm(forms.Form):
    score = forms.DecimalField(label="得分", min_value=Decimal("0"), decimal_places=2, max_digits=6)
    comment = forms.CharField(label="评语", required=False, widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args, max_points: Decimal, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["score"].max_value = max_points
        self.fields["score"].widget.attrs.update({"max": str(max_points), "step": "0.5", "inputmode": "decimal"})
        self.fields["score"].help_text = f"满分 {plain(max_points)} 分"


class SelfAssessmentForm(forms.Form):
    """压力与倦怠自评: one 1–5 choice per item of assessments/self_assessment.py."""

    def __init__(self, *args, **kwargs):
        from assessments.self_assessment import ITEMS, SCALE

        super().__init__(*args, **kwargs)
        for item in ITEMS:
            self.fields[f"item_{item.number}"] = forms.TypedChoiceField(
                label=f"{item.number}. {item.text}",
                choices=[(str(value), label) for value, label in SCALE],
                coerce=int,
                widget=forms.RadioSelect,
                error_messages={"required": "请选择一项", "invalid_choice": "请在“从不”到“总是”中选择一项"},
            )

    def answers(self) -> dict[str, int]:
        return {name.removeprefix("item_"): value for name, value in self.cleaned_data.items()}


class RecomputeForm(forms.Form):
    """The period to recompute: empty → this year and this quarter; 2026 → the year and its four
    quarters; 2026-Q2 → that quarter (assessments.services.scores.recompute_periods)."""

    period = forms.CharField(
        label="期间",
        required=False,
        max_length=7,
        help_text="留空为今年和本季度；填年份（如 2026）为该年及其四个季度；填季度（如 2026-Q2）只算该季度。",
    )

    def clean_period(self):
        from lms.periods import PeriodError, parse_period

        text = self.cleaned_data["period"].strip()
        if text:
            try:
                parse_period(text)
            except PeriodError as wrong:
                raise forms.ValidationError(str(wrong)) from None
        return text or None
