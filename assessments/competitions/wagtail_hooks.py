"""技能比武 in the Wagtail admin: trainers define a competition with its rounds inline, and each
round with its criteria inline. A trainer sees and edits only the competitions organised in their
subtree (`selectors.can_manage`); saving makes a knowledge round's quiz the contest paper and
rebuilds the boards."""

from __future__ import annotations

from decimal import Decimal

from django import forms
from django.core.exceptions import PermissionDenied
from wagtail import hooks
from wagtail.admin.forms import WagtailAdminModelForm
from wagtail.admin.panels import FieldPanel, FieldRowPanel, InlinePanel, MultiFieldPanel, ObjectList
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSet, SnippetViewSetGroup

from assessments.competitions import selectors, services
from assessments.competitions.models import Competition, Round, RoundKind
from lms import roles
from lms.access import org_scope_q
from lms.models import OrgUnit


def _indicator_choices() -> list[tuple[str, str]]:
    from assessments.selectors import indicator_choices

    return indicator_choices()


def _managed_ids(user) -> list[int]:
    return [c.pk for c in selectors.competitions_managed_by(user)]


def _round_problems(cleaned: dict, criteria_maxima: list[Decimal] | None) -> dict[str, str]:
    """Field → message for a round's definition (shared by the inline and the round's own form)."""
    errors = {}
    kind = cleaned.get("kind")
    if kind == RoundKind.KNOWLEDGE:
        if not cleaned.get("quiz"):
            errors["quiz"] = "知识竞赛轮须选择试卷"
        if not cleaned.get("starts_at"):
            errors["starts_at"] = "知识竞赛轮须设置开赛时间"
    elif kind and cleaned.get("quiz"):
        errors["quiz"] = "只有知识竞赛轮使用试卷"
    weight = cleaned.get("weight")
    if weight is not None and weight <= 0:
        errors["weight"] = "权重应大于 0"
    maximum = cleaned.get("max_score")
    if kind and kind != RoundKind.KNOWLEDGE and maximum is not None and criteria_maxima:
        total = sum(criteria_maxima, Decimal(0))
        if total != maximum:
            errors["max_score"] = f"评分项满分合计 {total.normalize():f}，应等于本轮满分 {maximum.normalize():f}"
    return errors


class _IndicatorCodesMixin:
    def _set_indicator_field(self):
        self.fields["indicator_codes"] = forms.MultipleChoiceField(
            label="能力指标",
            required=False,
            choices=_indicator_choices(),
            widget=forms.CheckboxSelectMultiple,
            help_text="本轮成绩计入的能力指标",
        )
        if self.instance is not None and self.instance.pk:
            self.initial["indicator_codes"] = list(self.instance.indicator_codes or [])


class RoundInlineForm(_IndicatorCodesMixin, WagtailAdminModelForm):
    """A round as a row of the competition form: its criteria are edited on the round's own page."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._set_indicator_field()

    def clean(self):
        cleaned = super().clean()
        maxima = None
        if self.instance.pk:
            maxima = list(self.instance.criteria.values_list("max_score", flat=True))
        for name, message in _round_problems(cleaned, maxima).items():
            self.add_error(name, message)
        return cleaned


class RoundsInlinePanel(InlinePanel):
    def get_form_options(self):
        options = super().get_form_options()
        options["formsets"][self.relation_name]["form"] = RoundInlineForm
        return options


class CompetitionAdminForm(WagtailAdminModelForm):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        user = self.for_user
        if user is not None and not user.is_superuser and "organiser_unit" in self.fields:
            self.fields["organiser_unit"].queryset = OrgUnit.objects.filter(org_scope_q(user)).order_by("path")
        if "next_stage" in self.fields:
            stages = Competition.objects.all()
            if self.instance.pk:
                stages = stages.exclude(pk=self.instance.pk)
            self.fields["next_stage"].queryset = stages

    def clean(self):
        cleaned = super().clean()
        user = self.for_user
        if user is not None and not user.is_superuser:
            probe = Competition(organiser_unit=cleaned.get("organiser_unit"))
            if not selectors.can_manage(user, probe):
                self.add_error("organiser_unit", "主办单位须在您的辖区内（全市比赛由市级培训管理员主办）")
        rounds = self.formsets.get("rounds")
        # the formsets are validated after this form: validate them first to read their rows
        valid_rows = rounds is not None and rounds.is_valid()
        names = [
            form.cleaned_data.get("name")
            for form in (rounds.forms if valid_rows else [])
            if form.cleaned_data and not form.cleaned_data.get("DELETE")
        ]
        repeated = {n for n in names if n and names.count(n) > 1}
        if repeated:
            raise forms.ValidationError(f"轮次名称重复：{'、'.join(sorted(repeated))}")
        return cleaned


class RoundAdminForm(_IndicatorCodesMixin, WagtailAdminModelForm):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._set_indicator_field()
        user = self.for_user
        if user is not None and not user.is_superuser and "competition" in self.fields:
            self.fields["competition"].queryset = Competition.objects.filter(pk__in=_managed_ids(user))

    def clean(self):
        cleaned = super().clean()
        criteria = self.formsets.get("criteria")
        maxima = []
        if criteria is not None and criteria.is_valid():  # validated after this form otherwise
            for form in criteria.forms:
                data = getattr(form, "cleaned_data", None) or {}
                if data and not data.get("DELETE") and data.get("max_score") is not None:
                    maxima.append(data["max_score"])
        for name, message in _round_problems(cleaned, maxima).items():
            self.add_error(name, message)
        return cleaned


ROUND_FIELDS = [
    FieldRowPanel([FieldPanel("name"), FieldPanel("kind"), FieldPanel("order")]),
    FieldRowPanel([FieldPanel("weight"), FieldPanel("max_score")]),
    FieldRowPanel([FieldPanel("quiz"), FieldPanel("starts_at"), FieldPanel("duration_minutes")]),
    FieldPanel("drill"),
    FieldPanel("indicator_codes"),
    FieldPanel("award_name"),
]


class CompetitionViewSet(SnippetViewSet):
    model = Competition
    icon = "pick"
    menu_label = "比赛"
    list_display = ["name", "stage", "organiser_unit", "entry_mode", "created_at"]
    list_filter = ["stage", "entry_mode"]
    search_fields = ["name"]
    edit_handler = ObjectList(
        [
            FieldPanel("name"),
            FieldPanel("description"),
            FieldRowPanel([FieldPanel("stage"), FieldPanel("organiser_unit")]),
            MultiFieldPanel(
                [
                    FieldRowPanel([FieldPanel("entry_mode"), FieldPanel("entry_closes_at")]),
                    FieldRowPanel([FieldPanel("quota_level"), FieldPanel("quota_per_unit")]),
                ],
                heading="报名",
            ),
            MultiFieldPanel(
                [
                    FieldRowPanel(
                        [FieldPanel("next_stage"), FieldPanel("promote_top_n"), FieldPanel("promote_per_level")]
                    ),
                    FieldPanel("team_level"),
                    FieldRowPanel(
                        [
                            FieldPanel("first_prize_share"),
                            FieldPanel("second_prize_share"),
                            FieldPanel("third_prize_share"),
                        ]
                    ),
                    FieldPanel("review_share"),
                    FieldPanel("screen_live"),
                ],
                heading="晋级、团体与奖项",
            ),
            RoundsInlinePanel("rounds", label="轮次（评分项在保存后逐轮编辑）", panels=ROUND_FIELDS),
        ],
        base_form_class=CompetitionAdminForm,
    )

    def get_queryset(self, request):
        return Competition.objects.filter(pk__in=_managed_ids(request.user)).select_related("organiser_unit")


class RoundViewSet(SnippetViewSet):
    model = Round
    icon = "list-ol"
    menu_label = "比赛轮次与评分细则"
    list_display = ["name", "competition", "kind", "weight", "max_score"]
    list_filter = ["kind"]
    search_fields = ["name"]
    edit_handler = ObjectList(
        [
            FieldPanel("competition"),
            *ROUND_FIELDS,
            InlinePanel(
                "criteria",
                label="评分项（满分合计须等于本轮满分）",
                panels=[
                    FieldRowPanel([FieldPanel("name"), FieldPanel("max_score"), FieldPanel("order")]),
                    FieldPanel("descriptors"),
                ],
            ),
        ],
        base_form_class=RoundAdminForm,
    )

    def get_queryset(self, request):
        return Round.objects.filter(competition_id__in=_managed_ids(request.user)).select_related("competition")


class CompetitionsGroup(SnippetViewSetGroup):
    items = (CompetitionViewSet, RoundViewSet)
    menu_icon = "pick"
    menu_label = "技能比武"
    menu_name = "competitions"


register_snippet(CompetitionsGroup)


def _limited(user) -> bool:
    return not user.is_superuser


def _guard(request, instance) -> None:
    competition = None
    if isinstance(instance, Competition):
        competition = instance
    elif isinstance(instance, Round):
        competition = instance.competition
    if competition is None or not _limited(request.user):
        return
    if not roles.has_role(request.user, roles.TRAINER) or not selectors.can_manage(request.user, competition):
        raise PermissionDenied("只能管理本辖区主办的技能比武")


@hooks.register("before_edit_snippet")
def guard_edit(request, instance):
    _guard(request, instance)


@hooks.register("before_delete_snippet")
def guard_delete(request, instances):
    for instance in instances:
        _guard(request, instance)


def _after_save(request, instance) -> None:
    if isinstance(instance, Competition):
        for round_ in instance.rounds.all():
            services.knowledge_round_sync(round_=round_)
        services.board_rebuild(competition=instance)
    elif isinstance(instance, Round):
        services.knowledge_round_sync(round_=instance)
        services.board_rebuild(competition=instance.competition)


@hooks.register("after_create_snippet")
def after_create(request, instance):
    _after_save(request, instance)


@hooks.register("after_edit_snippet")
def after_edit(request, instance):
    _after_save(request, instance)
