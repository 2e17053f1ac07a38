"""Assessments: the competency model and its evidence; the question bank, quizzes and attempts.

Business rules (scoring, versioning, the attempt state machine) live in `scoring.py` and
`services.py`; the models hold data and the invariants the database can enforce.
"""

from __future__ import annotations

import uuid
from decimal import ROUND_HALF_UP, Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from modelcluster.fields import ParentalKey
from modelcluster.models import ClusterableModel
from wagtail.contrib.settings.models import BaseSiteSetting, register_setting

from lms.models import OrgUnit, Worker

# --- competency model -----------------------------------------------------------------------------


class CompetencyModel(ClusterableModel):
    """One version of the 5 × 18 model. Exactly one version is active; evidence names indicators by code."""

    version = models.PositiveIntegerField(_("版本"), unique=True)
    name = models.CharField(_("名称"), max_length=100, default="网格员能力素质模型")
    is_active = models.BooleanField(_("当前启用"), default=False)
    note = models.TextField(_("修订说明"), blank=True)
    created_at = models.DateTimeField(_("创建时间"), default=timezone.now)

    class Meta:
        verbose_name = _("能力素质模型")
        verbose_name_plural = _("能力素质模型")
        ordering = ["-version"]
        constraints = [
            models.UniqueConstraint(
                fields=["is_active"], condition=models.Q(is_active=True), name="competency_one_active"
            )
        ]

    def __str__(self) -> str:
        return f"{self.name}（第{self.version}版）"


class Indicator(models.Model):
    """A secondary indicator such as 3.2 应急处置规范性, under its primary indicator."""

    model = ParentalKey(
        CompetencyModel, verbose_name=_("模型版本"), on_delete=models.CASCADE, related_name="indicators"
    )
    code = models.CharField(_("编码"), max_length=10)
    # Stable across model versions (a new version copies it): exports of the framework and of
    # certificates name an indicator by this id, not by its code or its row.
    uuid = models.UUIDField(_("唯一标识"), default=uuid.uuid4, editable=False)
    primary_name = models.CharField(_("一级指标"), max_length=50)
    name = models.CharField(_("二级指标"), max_length=50)
    description = models.CharField(_("能力描述"), max_length=200, blank=True)
    evidence_methods = models.CharField(_("评估方式"), max_length=200, blank=True)
    order = models.PositiveSmallIntegerField(_("排序"), default=0)

    class Meta:
        verbose_name = _("能力指标")
        verbose_name_plural = _("能力指标")
        ordering = ["model", "order", "code"]
        constraints = [
            models.UniqueConstraint(fields=["model", "code"], name="indicator_unique_code_per_model"),
            models.UniqueConstraint(fields=["model", "uuid"], name="indicator_unique_uuid_per_model"),
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.name}"

    @property
    def primary_code(self) -> str:
        return self.code.split(".", 1)[0]


class Level(models.TextChoices):
    EXCELLENT = "优秀", _("优秀")
    GOOD = "良好", _("良好")
    PASS = "合格", _("合格")
    IMPROVE = "待提升", _("待提升")


def level_for(score: Decimal) -> str:
    """The level band of a 0–100 score: 优秀 ≥ 90, 良好 80–89.99, 合格 60–79.99, 待提升 < 60."""
    score = Decimal(score)
    if score >= 90:
        return Level.EXCELLENT
    if score >= 80:
        return Level.GOOD
    if score >= 60:
        return Level.PASS
    return Level.IMPROVE


class EvidenceSource(models.TextChoices):
    """The six kinds of evidence an assessment plan weighs (docs/rules.md, "能力评分")."""

    TEST = "测试", _("测试")
    DRILL = "演练", _("演练")
    OBSERVATION = "观察", _("观察")
    SURVEY = "群众评价", _("群众评价")
    SELF = "自评", _("自评")
    METRIC = "业务指标", _("业务指标")


class Evidence(models.Model):
    """One observed score (0–100) for a worker on an indicator, with its source kind and the
    record it came from (`source_type` "app.model" and `source_id`, e.g. the quiz answer)."""

    worker = models.ForeignKey(Worker, verbose_name=_("人员"), on_delete=models.CASCADE, related_name="evidence")
    indicator = models.ForeignKey(
        Indicator, verbose_name=_("能力指标"), on_delete=models.PROTECT, related_name="evidence"
    )
    score = models.DecimalField(
        _("得分"), max_digits=5, decimal_places=2, validators=[MinValueValidator(0), MaxValueValidator(100)]
    )
    occurred_on = models.DateField(_("日期"))
    source = models.CharField(_("证据来源"), max_length=8, choices=EvidenceSource.choices)
    source_type = models.CharField(_("来源类型"), max_length=40)
    source_id = models.CharField(_("来源编号"), max_length=64)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("能力证据")
        verbose_name_plural = _("能力证据")
        ordering = ["-occurred_on", "-id"]
        indexes = [
            models.Index(fields=["worker", "indicator", "occurred_on"]),
            models.Index(fields=["occurred_on"], name="evidence_by_date"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["worker", "indicator", "source_type", "source_id"], name="evidence_unique_per_source"
            ),
            models.CheckConstraint(condition=models.Q(score__gte=0, score__lte=100), name="evidence_score_0_100"),
        ]

    def __str__(self) -> str:
        return f"{self.worker} {self.indicator.code} {self.score}"


class PlanMethod(models.TextChoices):
    """How the evidence of one source for one indicator in a period becomes one value."""

    DECAY = "衰减平均", _("衰减平均")
    LATEST = "最新", _("最新")
    MEAN = "平均", _("平均")
    MAX = "最高", _("最高")


class PlanEntry(models.Model):
    """One source counted for one indicator by a model version's assessment plan (评估方案).

    The weights of an indicator's entries are percentages; when some of its sources have no
    counted evidence in a period the others are re-normalised (docs/rules.md, "能力评分").
    """

    model = ParentalKey(CompetencyModel, verbose_name=_("模型版本"), on_delete=models.CASCADE, related_name="plan")
    indicator_code = models.CharField(_("指标编码"), max_length=10)
    source = models.CharField(_("证据来源"), max_length=8, choices=EvidenceSource.choices)
    weight = models.DecimalField(
        _("权重（%）"), max_digits=5, decimal_places=2, validators=[MinValueValidator(0), MaxValueValidator(100)]
    )
    method = models.CharField(_("计算方法"), max_length=8, choices=PlanMethod.choices, default=PlanMethod.DECAY)
    decay = models.DecimalField(
        _("衰减系数"),
        max_digits=3,
        decimal_places=2,
        default=Decimal("0.65"),
        validators=[MinValueValidator(Decimal("0.01")), MaxValueValidator(1)],
        help_text=_("衰减平均中最新一条证据的权重：s₁ = x₁，sₖ = a·xₖ + (1 − a)·sₖ₋₁"),
    )
    min_count = models.PositiveSmallIntegerField(
        _("最少证据条数"), default=1, help_text=_("本期证据少于此数时该来源不计入（群众评价默认 5）")
    )

    class Meta:
        verbose_name = _("评估方案条目")
        verbose_name_plural = _("评估方案")
        ordering = ["model", "indicator_code", "source"]
        constraints = [
            models.UniqueConstraint(fields=["model", "indicator_code", "source"], name="plan_entry_unique_source"),
            models.CheckConstraint(condition=models.Q(weight__gte=0, weight__lte=100), name="plan_weight_0_100"),
        ]

    def __str__(self) -> str:
        return f"{self.indicator_code} {self.source} {self.weight}% {self.method}"


class PeriodPlan(models.Model):
    """The plan a period's scores are computed with: a copy of the active plan, refreshed while the
    period is open and kept once it has ended, so a later plan change never rewrites a past period."""

    period = models.CharField(_("期间"), max_length=7)
    model_version = models.PositiveIntegerField(_("模型版本"))
    indicator_code = models.CharField(_("指标编码"), max_length=10)
    primary_code = models.CharField(_("一级指标编码"), max_length=5)
    source = models.CharField(_("证据来源"), max_length=8, choices=EvidenceSource.choices)
    weight = models.DecimalField(_("权重（%）"), max_digits=5, decimal_places=2)
    method = models.CharField(_("计算方法"), max_length=8, choices=PlanMethod.choices)
    decay = models.DecimalField(_("衰减系数"), max_digits=3, decimal_places=2)
    min_count = models.PositiveSmallIntegerField(_("最少证据条数"), default=1)

    class Meta:
        verbose_name = _("期间评估方案")
        verbose_name_plural = _("期间评估方案")
        ordering = ["period", "indicator_code", "source"]
        constraints = [
            models.UniqueConstraint(fields=["period", "indicator_code", "source"], name="period_plan_unique_source")
        ]


class ScoreKind(models.TextChoices):
    INDICATOR = "indicator", _("二级指标")
    PRIMARY = "primary", _("一级指标")
    OVERALL = "overall", _("综合")


class CompetencyScore(models.Model):
    """A worker's stored score for one period: an indicator (`3.2`), a primary (`3`) or overall (`""`).

    Only scores that exist are stored: no row means 暂无数据. Dashboards read these rows; the
    recompute (assessments/competency.py) writes them set-based.
    """

    worker = models.ForeignKey(
        Worker, verbose_name=_("人员"), on_delete=models.CASCADE, related_name="competency_scores"
    )
    period = models.CharField(_("期间"), max_length=7)
    kind = models.CharField(_("类别"), max_length=10, choices=ScoreKind.choices)
    code = models.CharField(_("编码"), max_length=10, blank=True)
    score = models.DecimalField(_("得分"), max_digits=5, decimal_places=2)
    evidence_count = models.PositiveIntegerField(_("计入证据条数"), default=0)
    computed_at = models.DateTimeField(_("计算时间"), default=timezone.now)

    class Meta:
        verbose_name = _("能力得分")
        verbose_name_plural = _("能力得分")
        ordering = ["worker", "period", "kind", "code"]
        constraints = [
            models.UniqueConstraint(fields=["worker", "period", "kind", "code"], name="competency_score_unique")
        ]
        indexes = [models.Index(fields=["period", "kind", "code"], name="competency_score_by_code")]

    @property
    def level(self) -> str:
        return level_for(self.score)


class CompetencyUnitStat(models.Model):
    """Per org unit (the workers attached to it directly), period and code: how many scored workers,
    the sum of their scores and how many in each level. Heat maps add these up over a subtree."""

    org_unit = models.ForeignKey(OrgUnit, on_delete=models.CASCADE, related_name="competency_stats")
    period = models.CharField(max_length=7)
    kind = models.CharField(max_length=10, choices=ScoreKind.choices)
    code = models.CharField(max_length=10, blank=True)
    scored = models.PositiveIntegerField(default=0)
    score_sum = models.DecimalField(max_digits=14, decimal_places=2, default=Decimal(0))
    excellent = models.PositiveIntegerField(default=0)
    good = models.PositiveIntegerField(default=0)
    passing = models.PositiveIntegerField(default=0)
    improve = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["org_unit", "period", "kind", "code"], name="competency_unit_stat_unique")
        ]
        indexes = [models.Index(fields=["period", "kind", "code"], name="competency_unit_stat_by_code")]


class CompetencyStale(models.Model):
    """A worker whose stored scores for a period predate evidence committed since: written in the
    evidence's transaction, cleared by the recompute. A profile read recomputes a stale worker first."""

    worker = models.ForeignKey(Worker, on_delete=models.CASCADE, related_name="+")
    period = models.CharField(max_length=7)
    marked_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["worker", "period"], name="competency_stale_unique")]


# --- evidence sources other than quizzes and drills ---------------------------------------------


class Observation(models.Model):
    """A mentor's or supervisor's rating of a worker on chosen indicators (观察): 1–5 stars each."""

    worker = models.ForeignKey(
        Worker, verbose_name=_("被评人员"), on_delete=models.CASCADE, related_name="observations"
    )
    rater = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("评价人"), on_delete=models.PROTECT, related_name="observations_given"
    )
    observed_on = models.DateField(_("观察日期"))
    comment = models.TextField(_("评语"), blank=True)
    # The mentorship session it was rated from ("mentorship.guidancesession", id), if any.
    context_type = models.CharField(max_length=40, blank=True)
    context_id = models.CharField(max_length=64, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("观察评价")
        verbose_name_plural = _("观察评价")
        ordering = ["-observed_on", "-id"]


class ObservationRating(models.Model):
    observation = models.ForeignKey(Observation, on_delete=models.CASCADE, related_name="ratings")
    indicator_code = models.CharField(_("能力指标"), max_length=10)
    stars = models.PositiveSmallIntegerField(_("星级"), validators=[MinValueValidator(1), MaxValueValidator(5)])

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["observation", "indicator_code"], name="observation_one_rating_per_code"),
            models.CheckConstraint(condition=models.Q(stars__gte=1, stars__lte=5), name="observation_stars_1_5"),
        ]


class SurveyStatus(models.TextChoices):
    COUNTED = "已计入", _("已计入")
    HELD = "待审核", _("待审核")
    RELEASED = "已放行", _("已放行")
    REJECTED = "已驳回", _("已驳回")


class SurveyResponse(models.Model):
    """A resident's answer to a worker's satisfaction survey (群众评价), given without logging in.

    Nothing here names the resident: `device_key` is a hash of the signed cookie, `address_key` a
    hash of the address and user agent, kept only to enforce one response per device per month
    and to hold bursts from one address for review.
    """

    worker = models.ForeignKey(
        Worker, verbose_name=_("网格员"), on_delete=models.CASCADE, related_name="survey_responses"
    )
    month = models.DateField(_("月份"), help_text=_("当月第一天"))
    submitted_at = models.DateTimeField(_("提交时间"), default=timezone.now)
    answers = models.JSONField(_("作答"), default=dict)
    comment = models.TextField(_("意见建议"), blank=True)
    status = models.CharField(_("状态"), max_length=4, choices=SurveyStatus.choices, default=SurveyStatus.COUNTED)
    device_key = models.CharField(max_length=64, db_index=True)
    address_key = models.CharField(max_length=64)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    reviewed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("群众评价")
        verbose_name_plural = _("群众评价")
        ordering = ["-submitted_at", "-id"]
        indexes = [
            models.Index(fields=["worker", "address_key", "submitted_at"], name="survey_burst_lookup"),
            models.Index(fields=["worker", "month", "device_key"], name="survey_device_month"),
        ]


class SelfAssessment(models.Model):
    """One 压力与倦怠自评 questionnaire taken by a worker (at most once a calendar month).

    The item answers are seen only by the worker and HR; others see the derived 5.1/5.2 evidence.
    """

    worker = models.ForeignKey(
        Worker, verbose_name=_("人员"), on_delete=models.CASCADE, related_name="self_assessments"
    )
    month = models.DateField(_("月份"), help_text=_("当月第一天"))
    taken_on = models.DateField(_("填写日期"))
    answers = models.JSONField(_("作答"), default=dict)
    score_coping = models.DecimalField(_("压力应对得分"), max_digits=5, decimal_places=2)
    score_emotion = models.DecimalField(_("情绪管理得分"), max_digits=5, decimal_places=2)
    band = models.CharField(_("结果区间"), max_length=10)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("压力与倦怠自评")
        verbose_name_plural = _("压力与倦怠自评")
        ordering = ["-taken_on", "-id"]
        constraints = [models.UniqueConstraint(fields=["worker", "month"], name="self_assessment_once_a_month")]


SUPPORT_TEXT_DEFAULT = (
    "近期压力可能有点大，别一个人扛着。网格中心心理服务室每周二、周四 14:00–17:00 开放，可以当面聊聊，"
    "也可以先联系所在街道的导师或工会。需要时随时可以请假调整，照顾好自己同样是工作的一部分。"
)


@register_setting(icon="help")
class CompetencySettings(BaseSiteSetting):
    """Site settings of the competency pages, edited by staff in the Wagtail admin (设置 › 能力评估设置)."""

    support_text = models.TextField(
        _("自评结果“需要关注”时显示的支持信息"),
        default=SUPPORT_TEXT_DEFAULT,
        help_text=_("写明到哪里、什么时间可以得到支持（如中心心理服务室的开放时间）；不要写诊断或医学用语"),
    )

    class Meta:
        verbose_name = _("能力评估设置")


class MetricRecord(models.Model):
    """A business metric imported from the grid platform (业务指标), identified by 工号 + code + date + 来源."""

    worker = models.ForeignKey(Worker, verbose_name=_("人员"), on_delete=models.CASCADE, related_name="metric_records")
    indicator_code = models.CharField(_("指标代码"), max_length=10)
    value = models.DecimalField(
        _("数值"), max_digits=5, decimal_places=2, validators=[MinValueValidator(0), MaxValueValidator(100)]
    )
    occurred_on = models.DateField(_("日期"))
    origin = models.CharField(_("来源"), max_length=50)
    imported_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("业务指标")
        verbose_name_plural = _("业务指标")
        ordering = ["-occurred_on", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["worker", "indicator_code", "occurred_on", "origin"], name="metric_record_identity"
            )
        ]


# --- question bank --------------------------------------------------------------------------------


class QuestionType(models.TextChoices):
    SINGLE = "单选", _("单选")
    MULTI = "多选", _("多选")
    TRUE_FALSE = "判断", _("判断")
    BLANK = "填空", _("填空")
    ESSAY = "简答", _("简答")


class Difficulty(models.TextChoices):
    EASY = "易", _("易")
    MEDIUM = "中", _("中")
    HARD = "难", _("难")


OPTION_LETTERS = "ABCDEF"
TRUE_FALSE_VALUES = ("对", "错")


class StemFormat(models.TextChoices):
    PLAIN = "plain", _("纯文本")
    # Sanitised on the way in to a safe subset (assessments.html), shown as formatting.
    HTML = "html", _("HTML")


class Question(models.Model):
    """A question of the bank as it reads now. Attempts never point here for content: they keep
    the `QuestionVersion` they saw, so editing a used question leaves past attempts untouched."""

    qtype = models.CharField(_("题型"), max_length=4, choices=QuestionType.choices)
    stem = models.TextField(_("题干"))
    # {"A": "…", "B": "…"} in letter order; empty for 判断/填空/简答.
    options = models.JSONField(_("选项"), default=dict, blank=True)
    # Canonical text: "B", "ACD", "对"/"错", blanks "答案一|别名;答案二"; for 简答 a reference answer.
    answer = models.TextField(_("答案"), blank=True)
    explanation = models.TextField(_("解析"), blank=True)
    points = models.DecimalField(
        _("分值"), max_digits=6, decimal_places=2, validators=[MinValueValidator(Decimal("0.01"))]
    )
    indicator_code = models.CharField(_("能力指标"), max_length=10, blank=True)
    difficulty = models.CharField(_("难度"), max_length=2, choices=Difficulty.choices, blank=True)
    category = models.CharField(_("分类"), max_length=50, blank=True, db_index=True)
    marking_guide = models.TextField(_("评分要点"), blank=True, help_text=_("简答题阅卷时给评分人看的要点"))
    # Moodle's question name (GIFT `::名称::`, XML <name>): kept so an export says what the source said.
    title = models.CharField(_("题目名称"), max_length=255, blank=True)
    stem_format = models.CharField(_("题干格式"), max_length=5, choices=StemFormat.choices, default=StemFormat.PLAIN)
    # Per-answer feedback (docs/rules.md §5), keyed like the response it answers: an option letter
    # (单选/多选), "对"/"错" (判断) or an accepted alternative's text (填空).
    answer_feedback = models.JSONField(_("答案反馈"), default=dict, blank=True)
    # 填空 alternatives worth less than full marks: {"备选答案": "50"} (percent of the blank's share).
    blank_credit = models.JSONField(_("部分得分"), default=dict, blank=True)
    created_at = models.DateTimeField(_("创建时间"), default=timezone.now)
    updated_at = models.DateTimeField(_("修改时间"), default=timezone.now)

    class Meta:
        verbose_name = _("试题")
        verbose_name_plural = _("题库")
        ordering = ["id"]

    def __str__(self) -> str:
        return f"[{self.qtype}] {self.stem[:40]}"


class QuestionVersion(models.Model):
    """An immutable snapshot of a question's content as an attempt saw it."""

    question = models.ForeignKey(Question, verbose_name=_("试题"), on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveIntegerField(_("版本号"))
    qtype = models.CharField(_("题型"), max_length=4, choices=QuestionType.choices)
    stem = models.TextField(_("题干"))
    options = models.JSONField(_("选项"), default=dict, blank=True)
    answer = models.TextField(_("答案"), blank=True)
    explanation = models.TextField(_("解析"), blank=True)
    points = models.DecimalField(_("分值"), max_digits=6, decimal_places=2)
    indicator_code = models.CharField(_("能力指标"), max_length=10, blank=True)
    difficulty = models.CharField(_("难度"), max_length=2, blank=True)
    category = models.CharField(_("分类"), max_length=50, blank=True)
    marking_guide = models.TextField(_("评分要点"), blank=True)
    title = models.CharField(_("题目名称"), max_length=255, blank=True)
    stem_format = models.CharField(_("题干格式"), max_length=5, choices=StemFormat.choices, default=StemFormat.PLAIN)
    answer_feedback = models.JSONField(_("答案反馈"), default=dict, blank=True)
    blank_credit = models.JSONField(_("部分得分"), default=dict, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    CONTENT_FIELDS = (
        "qtype",
        "stem",
        "options",
        "answer",
        "explanation",
        "points",
        "indicator_code",
        "difficulty",
        "category",
        "marking_guide",
        "title",
        "stem_format",
        "answer_feedback",
        "blank_credit",
    )

    class Meta:
        verbose_name = _("试题版本")
        verbose_name_plural = _("试题版本")
        ordering = ["question", "number"]
        constraints = [models.UniqueConstraint(fields=["question", "number"], name="questionversion_unique_number")]

    def __str__(self) -> str:
        return f"{self.question_id} v{self.number}"


# --- quizzes --------------------------------------------------------------------------------------


class GradingMethod(models.TextChoices):
    HIGHEST = "highest", _("最高分")
    FIRST = "first", _("首次作答")
    LAST = "last", _("最后一次")
    AVERAGE = "average", _("平均分")


class ReviewWhen(models.TextChoices):
    NEVER = "never", _("不公布")
    DURING = "during", _("作答时即可查看")
    AFTER_SUBMIT = "after_submit", _("提交后立即")
    AFTER_CLOSE = "after_close", _("开放时间结束后")
    # docs/rules.md §5: once the person has no attempt left, or the quiz has closed.
    AFTER_LAST = "after_last", _("最后一次作答后或截止后")


class Quiz(ClusterableModel):
    title = models.CharField(_("名称"), max_length=100, unique=True)
    description = models.TextField(_("说明"), blank=True)
    is_draft = models.BooleanField(_("草稿"), default=False, help_text=_("草稿不向网格员开放"))
    audience = models.ForeignKey(
        OrgUnit,
        verbose_name=_("开放范围"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        help_text=_("留空则全体人员可参加；选定组织则仅其下属人员可参加"),
    )
    opens_at = models.DateTimeField(_("开放时间"), null=True, blank=True)
    closes_at = models.DateTimeField(_("截止时间"), null=True, blank=True)
    time_limit_minutes = models.PositiveIntegerField(
        _("限时（分钟）"), null=True, blank=True, help_text=_("留空为不限时")
    )
    attempts_allowed = models.PositiveIntegerField(
        _("允许作答次数"), null=True, blank=True, help_text=_("留空为不限次数")
    )
    grading_method = models.CharField(
        _("成绩计算方式"), max_length=10, choices=GradingMethod.choices, default=GradingMethod.HIGHEST
    )
    pass_mark_percent = models.DecimalField(
        _("及格线（%）"),
        max_digits=5,
        decimal_places=2,
        default=Decimal("60"),
        validators=[MinValueValidator(0), MaxValueValidator(100)],
    )
    multi_partial_credit = models.BooleanField(
        _("多选少选得一半分"), default=True, help_text=_("关闭后多选题须全对才得分")
    )
    shuffle_questions = models.BooleanField(_("题目乱序"), default=False)
    shuffle_options = models.BooleanField(_("选项乱序"), default=False)
    max_questions = models.PositiveIntegerField(_("最多抽题数"), null=True, blank=True)
    draw_essays = models.BooleanField(
        _("随机抽题包含简答题"),
        default=False,
        help_text=_(
            "简答题要人工阅卷，交卷后要等阅卷才有成绩。关闭时随机抽题只抽单选、多选、判断、填空（固定试题不受影响）"
        ),
    )
    paper_mode = models.BooleanField(_("试卷模式（整卷一页）"), default=False, help_text=_("关闭时一屏一题"))
    review_answers = models.CharField(
        _("何时公布答案与解析"),
        max_length=20,
        choices=ReviewWhen.choices,
        default=ReviewWhen.AFTER_LAST,
        help_text=_(
            "“最后一次作答后或截止后”：用完允许的作答次数或过了截止时间才公布；只允许作答一次时即交卷后公布，"
            "不限次数时到截止时间才公布"
        ),
    )
    review_score = models.CharField(
        _("何时公布得分"), max_length=20, choices=ReviewWhen.choices, default=ReviewWhen.AFTER_SUBMIT
    )
    markers = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("阅卷评委"),
        blank=True,
        related_name="quizzes_to_mark",
        help_text=_("可阅本测验简答题的评委（培训管理员按所辖范围阅卷，无需指定）"),
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("测验")
        verbose_name_plural = _("测验")
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return self.title


class QuizQuestion(models.Model):
    """A fixed question of a quiz, in order."""

    quiz = ParentalKey(Quiz, on_delete=models.CASCADE, related_name="slots")
    question = models.ForeignKey(Question, verbose_name=_("试题"), on_delete=models.PROTECT, related_name="slots")
    order = models.PositiveIntegerField(_("顺序"), default=0)

    class Meta:
        verbose_name = _("固定试题")
        verbose_name_plural = _("固定试题")
        ordering = ["quiz", "order", "id"]
        constraints = [models.UniqueConstraint(fields=["quiz", "question"], name="quizquestion_unique")]


class QuizDrawRule(models.Model):
    """A random draw: `count` questions matching category / difficulty / indicator, picked at start."""

    quiz = ParentalKey(Quiz, on_delete=models.CASCADE, related_name="draw_rules")
    order = models.PositiveIntegerField(_("顺序"), default=0)
    count = models.PositiveIntegerField(_("抽题数"), validators=[MinValueValidator(1)])
    category = models.CharField(_("分类"), max_length=50, blank=True)
    difficulty = models.CharField(_("难度"), max_length=2, choices=Difficulty.choices, blank=True)
    indicator_code = models.CharField(_("能力指标"), max_length=10, blank=True)

    class Meta:
        verbose_name = _("随机抽题规则")
        verbose_name_plural = _("随机抽题规则")
        ordering = ["quiz", "order", "id"]


# --- attempts -------------------------------------------------------------------------------------


class AttemptState(models.TextChoices):
    IN_PROGRESS = "in_progress", _("进行中")
    SUBMITTED = "submitted", _("已提交")
    PENDING_MARKING = "pending_marking", _("待阅卷")
    GRADED = "graded", _("已评分")


class Attempt(models.Model):
    quiz = models.ForeignKey(Quiz, verbose_name=_("测验"), on_delete=models.PROTECT, related_name="attempts")
    worker = models.ForeignKey(Worker, verbose_name=_("人员"), on_delete=models.CASCADE, related_name="quiz_attempts")
    number = models.PositiveIntegerField(_("第几次"))
    state = models.CharField(_("状态"), max_length=20, choices=AttemptState.choices, default=AttemptState.IN_PROGRESS)
    started_at = models.DateTimeField(_("开始时间"), default=timezone.now)
    deadline = models.DateTimeField(_("截止时间"), null=True, blank=True)
    submitted_at = models.DateTimeField(_("提交时间"), null=True, blank=True)
    graded_at = models.DateTimeField(_("评分时间"), null=True, blank=True)
    auto_closed = models.BooleanField(_("超时自动交卷"), default=False)
    score = models.DecimalField(_("得分"), max_digits=8, decimal_places=2, null=True, blank=True)
    max_score = models.DecimalField(_("满分"), max_digits=8, decimal_places=2, default=Decimal("0"))
    passed = models.BooleanField(_("通过"), null=True, blank=True)

    class Meta:
        verbose_name = _("作答记录")
        verbose_name_plural = _("作答记录")
        ordering = ["-started_at", "-id"]
        indexes = [
            models.Index(fields=["state", "deadline"]),
            models.Index(fields=["quiz", "state"]),
        ]
        constraints = [
            models.UniqueConstraint(fields=["quiz", "worker", "number"], name="attempt_unique_number"),
            # At most one open attempt per person and quiz: two simultaneous starts cannot both win.
            models.UniqueConstraint(
                fields=["quiz", "worker"], condition=models.Q(state="in_progress"), name="attempt_one_open"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.quiz} · {self.worker} · 第{self.number}次"

    @property
    def percent(self) -> Decimal | None:
        if self.score is None or not self.max_score:
            return None
        return (self.score * 100 / self.max_score).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


class Answer(models.Model):
    """One question of an attempt: the version seen, its place, the response and its mark."""

    attempt = models.ForeignKey(Attempt, on_delete=models.CASCADE, related_name="answers")
    question = models.ForeignKey(Question, on_delete=models.PROTECT, related_name="answers")
    version = models.ForeignKey(QuestionVersion, on_delete=models.PROTECT, related_name="answers")
    position = models.PositiveIntegerField(_("题号"))
    # Shown letter → original letter when options are shuffled, e.g. {"A": "C", "B": "A", …}.
    option_map = models.JSONField(default=dict, blank=True)
    response = models.JSONField(_("作答"), null=True, blank=True)
    flagged = models.BooleanField(_("标记"), default=False)
    saved_at = models.DateTimeField(_("保存时间"), null=True, blank=True)
    score = models.DecimalField(_("得分"), max_digits=6, decimal_places=2, null=True, blank=True)
    marker = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("阅卷人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    comment = models.TextField(_("评语"), blank=True)
    marked_at = models.DateTimeField(_("阅卷时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("作答")
        verbose_name_plural = _("作答")
        ordering = ["attempt", "position"]
        constraints = [models.UniqueConstraint(fields=["attempt", "question"], name="answer_unique_question")]
