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
