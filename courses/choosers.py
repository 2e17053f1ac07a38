"""Checkbox choosers for the course editor: a course's indicators and audience roles stay stored as
codes separated by ";" (CoursePage.indicator_codes, .audience_roles), but trainers tick names
("2.3 矛盾调解能力", "网格员") instead of typing codes."""

from __future__ import annotations

import re

from django import forms
from wagtail.admin.forms import WagtailAdminPageForm

from lms import roles


def split_codes(value: str) -> list[str]:
    """Codes of a ";"-separated field; full-width ；，and "," separate too."""
    return [code.strip() for code in re.split(r"[;；,，]", value or "") if code.strip()]


class CodeListField(forms.MultipleChoiceField):
    """A list of ticked codes, read from and cleaned to the ";"-separated text a CharField stores."""

    widget = forms.CheckboxSelectMultiple

    def prepare_value(self, value):
        return split_codes(value) if isinstance(value, str) else value

    def clean(self, value) -> str:
        return ";".join(super().clean(value))

    def has_changed(self, initial, data) -> bool:
        return super().has_changed(self.prepare_value(initial), data)


def _with_stored(choices: list, stored: list[str]) -> list:
    """Codes already stored but no longer offered (an indicator of an older model version) stay
    visible and ticked, so saving a page never drops them unnoticed; validation then names them."""
    offered = {code for _, group in choices for code, _ in group}
    missing = [(code, f"{code}（当前能力模型中没有）") for code in stored if code not in offered]
    return choices + [("其他", missing)] if missing else choices


def indicator_choices() -> list:
    """Indicators grouped by primary indicator from the active competency model; without one, the
    bare codes the course model accepts (courses work before assessments has a model)."""
    from assessments.selectors import indicator_choices as active_choices
    from courses.models import INDICATOR_CODES

    return active_choices(grouped=True) or [("能力指标", [(code, code) for code in INDICATOR_CODES])]


class CoursePageForm(WagtailAdminPageForm):
    indicator_codes = CodeListField(label="培养的能力指标", required=False, help_text="勾选本课程培养的能力指标")
    audience_roles = CodeListField(
        label="面向角色", required=False, choices=roles.ROLE_CHOICES, help_text="不勾选为所有角色"
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        stored = split_codes(self.instance.indicator_codes) if self.instance else []
        self.fields["indicator_codes"].choices = _with_stored(indicator_choices(), stored)
