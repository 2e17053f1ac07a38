"""技能比武 (docs/rules.md, 14. 技能比武).

A `Competition` is one contest with its own entrants, rounds and leaderboard. The stages of a
city's competition (街道初赛 → 区复赛 → 市决赛) are competitions chained by `next_stage`: the top N
of one stage (overall or per org unit) are entered into the next.
"""

from __future__ import annotations

import secrets
from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from modelcluster.fields import ParentalKey
from modelcluster.models import ClusterableModel

from lms.models import OrgLevel, OrgUnit, Worker


def new_board_token() -> str:
    return secrets.token_urlsafe(24)


class Stage(models.TextChoices):
    STREET = "街道初赛", _("街道初赛")
    DISTRICT = "区复赛", _("区复赛")
    CITY = "市决赛", _("市决赛")
    SINGLE = "单场", _("单场")


class EntryMode(models.TextChoices):
    OPEN = "open", _("自由报名")
    QUOTA = "quota", _("按单位名额推荐")


class Competition(ClusterableModel):
    name = models.CharField(_("名称"), max_length=100, unique=True)
    description = models.TextField(_("说明"), blank=True)
    stage = models.CharField(_("赛段"), max_length=8, choices=Stage.choices, default=Stage.SINGLE)
    organiser_unit = models.ForeignKey(
        OrgUnit,
        verbose_name=_("主办单位"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text=_("留空为全市；选定后仅其下属人员可报名，该单位的培训管理员可管理"),
    )
    entry_mode = models.CharField(_("报名方式"), max_length=8, choices=EntryMode.choices, default=EntryMode.OPEN)
    quota_level = models.PositiveSmallIntegerField(
        _("名额分配层级"), choices=OrgLevel.choices, default=OrgLevel.COMMUNITY
    )
    quota_per_unit = models.PositiveIntegerField(_("每单位名额"), default=2)
    entry_closes_at = models.DateTimeField(_("报名截止"), null=True, blank=True)
    team_level = models.PositiveSmallIntegerField(
        _("团体排名层级"),
        choices=OrgLevel.choices,
        default=OrgLevel.STREET,
        help_text=_("团体成绩 = 该单位最好三名选手总成绩的平均（不足三人按 0 分补足）"),
    )
    next_stage = models.ForeignKey(
        "self",
        verbose_name=_("下一赛段"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="previous_stages",
    )
    promote_top_n = models.PositiveIntegerField(_("晋级人数"), default=0)
    promote_per_level = models.PositiveSmallIntegerField(
        _("按单位晋级"),
        choices=OrgLevel.choices,
        null=True,
        blank=True,
        help_text=_("留空则取全场前 N 名；选定层级则取每个单位前 N 名"),
    )
    first_prize_share = models.DecimalField(
        _("一等奖比例（%）"),
        max_digits=5,
        decimal_places=2,
        default=Decimal("10"),
        validators=[MinValueValidator(0), MaxValueValidator(100)],
    )
    second_prize_share = models.DecimalField(
        _("二等奖比例（%）"),
        max_digits=5,
        decimal_places=2,
        default=Decimal("20"),
        validators=[MinValueValidator(0), MaxValueValidator(100)],
    )
    third_prize_share = models.DecimalField(
        _("三等奖比例（%）"),
        max_digits=5,
        decimal_places=2,
        default=Decimal("30"),
        validators=[MinValueValidator(0), MaxValueValidator(100)],
    )
    review_share = models.DecimalField(
        _("评委分差复核线（%）"),
        max_digits=5,
        decimal_places=2,
        default=Decimal("34"),
        validators=[MinValueValidator(0), MaxValueValidator(100)],
        help_text=_("同一评分组两名评委对同一评分项的分差超过该项满分的此比例时，须裁判长复核"),
    )
    screen_live = models.BooleanField(
        _("大屏实时显示评分"),
        default=False,
        help_text=_("勾选后现场大屏显示尚未公布轮次的实时成绩；手机排行榜始终只显示已公布的轮次"),
    )
    board_token = models.CharField(
        _("大屏链接密钥"), max_length=64, unique=True, default=new_board_token, editable=False
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("创建人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(_("创建时间"), default=timezone.now)

    class Meta:
        verbose_name = _("技能比武")
        verbose_name_plural = _("技能比武")
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return self.name


class RoundKind(models.TextChoices):
    KNOWLEDGE = "知识竞赛", _("知识竞赛")
    SCENARIO = "情景模拟", _("情景模拟")
    PRACTICAL = "实操考核", _("实操考核")


class Round(ClusterableModel):
    competition = ParentalKey(Competition, on_delete=models.CASCADE, related_name="rounds")
    order = models.PositiveIntegerField(_("顺序"), default=0)
    name = models.CharField(_("名称"), max_length=100)
    kind = models.CharField(_("类型"), max_length=4, choices=RoundKind.choices)
    weight = models.DecimalField(
        _("权重"), max_digits=6, decimal_places=2, default=Decimal("1"), validators=[MinValueValidator(Decimal("0.01"))]
    )
    max_score = models.DecimalField(
        _("满分"),
        max_digits=7,
        decimal_places=2,
        default=Decimal("100"),
        validators=[MinValueValidator(Decimal("0.01"))],
    )
    quiz = models.ForeignKey(
        "assessments.Quiz",
        verbose_name=_("试卷"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="competition_rounds",
        help_text=_("知识竞赛轮使用的测验；开赛时间、限时与一次作答由本轮设定"),
    )
    starts_at = models.DateTimeField(_("开赛时间"), null=True, blank=True, help_text=_("知识竞赛全体选手同一秒开考"))
    duration_minutes = models.PositiveIntegerField(_("答题时长（分钟）"), default=30)
    drill = models.ForeignKey(
        "casebank.DrillPage",
        verbose_name=_("情景素材"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    indicator_codes = models.JSONField(
        _("能力指标"), default=list, blank=True, help_text=_("本轮成绩计入的能力指标代码")
    )
    award_name = models.CharField(
        _("单项奖名称"), max_length=50, blank=True, help_text=_("如 政策通、调解能手、服务之星；本轮第一名获得")
    )
    closed_at = models.DateTimeField(_("截止评分时间"), null=True, blank=True)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    published_at = models.DateTimeField(_("成绩公布时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("比赛轮次")
        verbose_name_plural = _("比赛轮次")
        ordering = ["competition", "order", "id"]
        constraints = [models.UniqueConstraint(fields=["competition", "name"], name="round_unique_name")]

    def __str__(self) -> str:
        return f"{self.competition.name} · {self.name}"

    @property
    def is_judged(self) -> bool:
        return self.kind != RoundKind.KNOWLEDGE

    @property
    def ends_at(self):
        if self.starts_at is None:
            return None
        return self.starts_at + timezone.timedelta(minutes=self.duration_minutes)


class Criterion(models.Model):
    """A judgement aspect of a judged round: a maximum and a written descriptor per level."""

    round = ParentalKey(Round, on_delete=models.CASCADE, related_name="criteria")
    order = models.PositiveIntegerField(_("顺序"), default=0)
    name = models.CharField(_("评分项"), max_length=100)
    max_score = models.DecimalField(
        _("满分"), max_digits=6, decimal_places=2, validators=[MinValueValidator(Decimal("0.01"))]
    )
    descriptors = models.TextField(
        _("等级描述"), blank=True, help_text=_("每行一个等级，从低到高，如“0分：未识别矛盾焦点”")
    )

    class Meta:
        verbose_name = _("评分项")
        verbose_name_plural = _("评分项")
        ordering = ["round", "order", "id"]

    def __str__(self) -> str:
        return self.name

    @property
    def descriptor_lines(self) -> list[str]:
        return [line.strip() for line in self.descriptors.splitlines() if line.strip()]


class Entry(models.Model):
    """A contestant of a competition, with the unit they were entered for."""

    class Source(models.TextChoices):
        OPEN = "报名", _("自由报名")
        NOMINATED = "推荐", _("单位推荐")
        IMPORTED = "导入", _("名单导入")
        PROMOTED = "晋级", _("上一赛段晋级")

    competition = models.ForeignKey(Competition, on_delete=models.CASCADE, related_name="entries")
    worker = models.ForeignKey(
        Worker, verbose_name=_("选手"), on_delete=models.PROTECT, related_name="competition_entries"
    )
    source = models.CharField(_("来源"), max_length=4, choices=Source.choices, default=Source.IMPORTED)
    nominated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("参赛选手")
        verbose_name_plural = _("参赛选手")
        ordering = ["competition", "worker__employee_no"]
        constraints = [models.UniqueConstraint(fields=["competition", "worker"], name="entry_unique_worker")]

    def __str__(self) -> str:
        return f"{self.competition.name} · {self.worker}"


class Panel(models.Model):
    """A judging group of a judged round: its judges and its contestants in running order."""

    round = models.ForeignKey(Round, on_delete=models.CASCADE, related_name="panels")
    name = models.CharField(_("评分组"), max_length=50, default="第一组")

    class Meta:
        verbose_name = _("评分组")
        verbose_name_plural = _("评分组")
        ordering = ["round", "id"]
        constraints = [models.UniqueConstraint(fields=["round", "name"], name="panel_unique_name")]

    def __str__(self) -> str:
        return f"{self.round} · {self.name}"


class PanelJudge(models.Model):
    panel = models.ForeignKey(Panel, on_delete=models.CASCADE, related_name="judges")
    judge = models.ForeignKey(
        Worker, verbose_name=_("评委"), on_delete=models.PROTECT, related_name="competition_panels"
    )
    is_chief = models.BooleanField(_("裁判长"), default=False)

    class Meta:
        ordering = ["panel", "-is_chief", "id"]
        constraints = [models.UniqueConstraint(fields=["panel", "judge"], name="paneljudge_unique")]


class PanelSlot(models.Model):
    """A contestant's place in a panel's running order (出场顺序)."""

    panel = models.ForeignKey(Panel, on_delete=models.CASCADE, related_name="slots")
    entry = models.ForeignKey(Entry, on_delete=models.CASCADE, related_name="slots")
    order = models.PositiveIntegerField(_("出场顺序"))

    class Meta:
        ordering = ["panel", "order", "id"]
        constraints = [models.UniqueConstraint(fields=["panel", "entry"], name="panelslot_unique")]


class JudgeScore(models.Model):
    """One judge's score of one contestant in one judged round: the sum of the criterion marks, or a
    paper sheet's total (`marks` empty). Replaced, never duplicated."""

    class Source(models.TextChoices):
        PHONE = "现场评分", _("现场评分")
        PAPER = "纸质录入", _("纸质录入")

    round = models.ForeignKey(Round, on_delete=models.CASCADE, related_name="judge_scores")
    entry = models.ForeignKey(Entry, on_delete=models.CASCADE, related_name="judge_scores")
    judge = models.ForeignKey(Worker, verbose_name=_("评委"), on_delete=models.PROTECT, related_name="+")
    score = models.DecimalField(_("得分"), max_digits=7, decimal_places=2)
    # {criterion id (str): mark}; empty for a paper sheet's total.
    marks = models.JSONField(_("分项得分"), default=dict, blank=True)
    comment = models.TextField(_("专家点评"), blank=True)
    source = models.CharField(_("来源"), max_length=4, choices=Source.choices, default=Source.PHONE)
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    updated_at = models.DateTimeField(_("评分时间"), default=timezone.now)

    class Meta:
        verbose_name = _("评委评分")
        verbose_name_plural = _("评委评分")
        ordering = ["round", "entry", "judge"]
        constraints = [models.UniqueConstraint(fields=["round", "entry", "judge"], name="judgescore_unique")]


class ScoreReview(models.Model):
    """Judges of a panel who differ too much on a criterion: the chief judge reviews before closing."""

    round = models.ForeignKey(Round, on_delete=models.CASCADE, related_name="reviews")
    entry = models.ForeignKey(Entry, on_delete=models.CASCADE, related_name="+")
    criterion = models.ForeignKey(Criterion, null=True, blank=True, on_delete=models.CASCADE, related_name="+")
    spread = models.DecimalField(_("分差"), max_digits=7, decimal_places=2)
    resolved_at = models.DateTimeField(_("复核时间"), null=True, blank=True)
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    note = models.CharField(_("复核意见"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("分差复核")
        verbose_name_plural = _("分差复核")
        ordering = ["round", "entry", "id"]
        constraints = [
            models.UniqueConstraint(fields=["round", "entry", "criterion"], name="scorereview_unique"),
        ]


class ScoreChange(models.Model):
    """An audited change of a score after its round was closed (by the chief judge, with a reason)."""

    judge_score = models.ForeignKey(JudgeScore, on_delete=models.CASCADE, related_name="changes")
    old_score = models.DecimalField(max_digits=7, decimal_places=2)
    new_score = models.DecimalField(max_digits=7, decimal_places=2)
    old_marks = models.JSONField(default=dict, blank=True)
    new_marks = models.JSONField(default=dict, blank=True)
    reason = models.CharField(_("原因"), max_length=300)
    changed_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    changed_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("闭轮后改分记录")
        verbose_name_plural = _("闭轮后改分记录")
        ordering = ["-changed_at", "-id"]


class RoundResult(models.Model):
    """A contestant's score in one round, kept current as judges score and attempts are graded."""

    round = models.ForeignKey(Round, on_delete=models.CASCADE, related_name="results")
    entry = models.ForeignKey(Entry, on_delete=models.CASCADE, related_name="round_results")
    score = models.DecimalField(_("得分"), max_digits=7, decimal_places=2)
    percent = models.DecimalField(_("得分率"), max_digits=6, decimal_places=2)
    seconds = models.PositiveIntegerField(_("用时（秒）"), null=True, blank=True)
    judge_count = models.PositiveIntegerField(_("评委人数"), default=0)
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["round", "-percent"]
        constraints = [models.UniqueConstraint(fields=["round", "entry"], name="roundresult_unique")]


class Board(models.Model):
    """The leaderboard as served: a precomputed JSON payload per competition and audience, with its
    ETag. Rebuilt after every committed score; the page, the big screen and the API read it."""

    class Audience(models.TextChoices):
        STAFF = "staff", _("工作人员（全部轮次）")
        PUBLIC = "public", _("公开（已公布轮次）")

    competition = models.ForeignKey(Competition, on_delete=models.CASCADE, related_name="boards")
    audience = models.CharField(max_length=6, choices=Audience.choices)
    payload = models.TextField(default="{}")
    etag = models.CharField(max_length=64, default="")
    version = models.PositiveBigIntegerField(default=0)
    built_at = models.DateTimeField(default=timezone.now)
    # Every committed score bumps `requested`; a rebuild records the request it covered in
    # `built_for`, so requested > built_for means the board is behind (services.board_refresh).
    requested = models.PositiveBigIntegerField(default=0)
    built_for = models.PositiveBigIntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["competition", "audience"], name="board_unique")]


class AwardKind(models.TextChoices):
    FIRST = "一等奖", _("一等奖")
    SECOND = "二等奖", _("二等奖")
    THIRD = "三等奖", _("三等奖")
    SINGLE = "单项奖", _("单项奖")


class Award(models.Model):
    competition = models.ForeignKey(Competition, on_delete=models.CASCADE, related_name="awards")
    entry = models.ForeignKey(Entry, on_delete=models.CASCADE, related_name="awards")
    kind = models.CharField(_("奖项类别"), max_length=4, choices=AwardKind.choices)
    round = models.ForeignKey(Round, null=True, blank=True, on_delete=models.CASCADE, related_name="awards")
    title = models.CharField(_("奖项"), max_length=100)
    rank = models.PositiveIntegerField(_("名次"))
    confirmed_at = models.DateTimeField(_("确认时间"), null=True, blank=True)
    confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    certificate = models.ForeignKey(
        "certificates.Certificate", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    # The bulk issuance that prints this award's certificate (one job per award title); set when the
    # award is confirmed, so a second confirmation issues nothing.
    issuance_job = models.ForeignKey(
        "certificates.IssuanceJob", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = _("获奖")
        verbose_name_plural = _("获奖")
        ordering = ["competition", "kind", "rank", "id"]
        constraints = [models.UniqueConstraint(fields=["competition", "entry", "title"], name="award_unique")]
