"""Assessments: the competency model and its evidence; the question bank, quizzes and attempts.

Business rules (scoring, versioning, the attempt state machine) live in `scoring.py` and
`services.py`; the models hold data and the invariants the database can enforce.
"""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from modelcluster.fields import ParentalKey
from modelcluster.models import ClusterableModel

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
    primary_name = models.CharField(_("一级指标"), max_length=50)
    name = models.CharField(_("二级指标"), max_length=50)
    description = models.CharField(_("能力描述"), max_length=200, blank=True)
    evidence_methods = models.CharField(_("评估方式"), max_length=200, blank=True)
    order = models.PositiveSmallIntegerField(_("排序"), default=0)

    class Meta:
        verbose_name = _("能力指标")
        verbose_name_plural = _("能力指标")
        ordering = ["model", "order", "code"]
        constraints = [models.UniqueConstraint(fields=["model", "code"], name="indicator_unique_code_per_model")]

    def __str__(self) -> str:
        return f"{self.code} {self.name}"


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


class Evidence(models.Model):
    """One observed score (0–100) for a worker on an indicator, with where it came from."""

    worker = models.ForeignKey(Worker, verbose_name=_("人员"), on_delete=models.CASCADE, related_name="evidence")
    indicator = models.ForeignKey(
        Indicator, verbose_name=_("能力指标"), on_delete=models.PROTECT, related_name="evidence"
    )
    score = models.DecimalField(
        _("得分"), max_digits=5, decimal_places=2, validators=[MinValueValidator(0), MaxValueValidator(100)]
    )
    occurred_on = models.DateField(_("日期"))
    source_type = models.CharField(_("来源类型"), max_length=40)
    source_id = models.CharField(_("来源编号"), max_length=64)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("能力证据")
        verbose_name_plural = _("能力证据")
        ordering = ["-occurred_on", "-id"]
        indexes = [models.Index(fields=["worker", "indicator", "occurred_on"])]
        constraints = [
            models.UniqueConstraint(
                fields=["worker", "indicator", "source_type", "source_id"], name="evidence_unique_per_source"
            ),
            models.CheckConstraint(condition=models.Q(score__gte=0, score__lte=100), name="evidence_score_0_100"),
        ]

    def __str__(self) -> str:
        return f"{self.worker} {self.indicator.code} {self.score}"


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
    paper_mode = models.BooleanField(_("试卷模式（整卷一页）"), default=False, help_text=_("关闭时一屏一题"))
    review_answers = models.CharField(
        _("何时公布答案与解析"), max_length=20, choices=ReviewWhen.choices, default=ReviewWhen.AFTER_SUBMIT
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
        return (self.score * 100 / self.max_score).quantize(Decimal("0.01"))


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
