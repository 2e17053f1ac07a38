"""Courses as Wagtail pages (CourseIndexPage → CoursePage → LessonPage), enrolment, progress,
the training-hours ledger (学时台账) and in-person sessions with attendance."""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from modelcluster.fields import ParentalManyToManyField
from wagtail import blocks
from wagtail.admin.panels import FieldPanel, FieldRowPanel, MultiFieldPanel
from wagtail.documents.blocks import DocumentChooserBlock
from wagtail.embeds.blocks import EmbedBlock
from wagtail.fields import StreamField
from wagtail.images.blocks import ImageBlock
from wagtail.models import Page
from wagtail.snippets.blocks import SnippetChooserBlock

from courses.choosers import CoursePageForm, split_codes
from lms import roles
from lms.models import OrgUnit, Worker


class Tier(models.TextChoices):
    ONBOARDING = "onboarding", _("入职培训")
    ANNUAL = "annual", _("年度轮训")
    THEMATIC = "thematic", _("专题培训")


class EnrolmentMode(models.TextChoices):
    ASSIGNED = "assigned", _("指派")
    SELF = "self", _("自主报名")


INDICATOR_CODES = [f"{p}.{s}" for p, n in ((1, 4), (2, 4), (3, 4), (4, 4), (5, 2)) for s in range(1, n + 1)]


def validate_indicator_codes(value: str) -> None:
    bad = [code for code in split_codes(value) if code not in INDICATOR_CODES]
    if bad:
        raise ValidationError(_("未知的能力指标编码：%(codes)s（应为 1.1…5.2）"), params={"codes": "、".join(bad)})


# --- lesson body blocks ---------------------------------------------------------------------------


class CasebankPageBlock(blocks.StructBlock):
    """A link card to a page of the case library; the chosen page must be of `model` in casebank.

    casebank is built separately, so the type is checked by content-type label, not by import.
    """

    page = blocks.PageChooserBlock(label=_("页面"))
    note = blocks.CharBlock(label=_("导读"), required=False, max_length=200)
    model_name = "casepage"
    kind_label = "案例"

    def clean(self, value):
        value = super().clean(value)
        page = value.get("page")
        if page is not None:
            content_type = ContentType.objects.get_for_id(page.content_type_id)
            if (content_type.app_label, content_type.model) != ("casebank", self.model_name):
                raise blocks.StructBlockValidationError(
                    block_errors={"page": ValidationError(f"请选择案例库中的{self.kind_label}页面")}
                )
        return value


class CaseRefBlock(CasebankPageBlock):
    model_name = "casepage"
    kind_label = "案例"

    class Meta:
        icon = "doc-full"
        label = _("案例引用")
        template = "courses/blocks/page_ref.html"


class DrillRefBlock(CasebankPageBlock):
    model_name = "drillpage"
    kind_label = "情景演练"

    class Meta:
        icon = "pick"
        label = _("情景演练")
        template = "courses/blocks/page_ref.html"


class CalloutBlock(blocks.StructBlock):
    style = blocks.ChoiceBlock(
        choices=[("tip", "提示"), ("warning", "注意"), ("rule", "要点")], default="tip", label=_("样式")
    )
    title = blocks.CharBlock(label=_("标题"), required=False)
    text = blocks.RichTextBlock(label=_("内容"), features=["bold", "italic", "ol", "ul", "link"])

    class Meta:
        icon = "warning"
        label = _("提示框")
        template = "courses/blocks/callout.html"


class VideoFileBlock(blocks.StructBlock):
    document = DocumentChooserBlock(label=_("视频文件"))
    caption = blocks.CharBlock(label=_("说明"), required=False)

    class Meta:
        icon = "media"
        label = _("视频文件")
        template = "courses/blocks/video.html"


class DownloadBlock(blocks.StructBlock):
    document = DocumentChooserBlock(label=_("文档"))
    caption = blocks.CharBlock(label=_("说明"), required=False)

    class Meta:
        icon = "download"
        label = _("资料下载")
        template = "courses/blocks/download.html"


class QuizRefBlock(blocks.StructBlock):
    quiz = SnippetChooserBlock("assessments.Quiz", label=_("测验"))
    note = blocks.CharBlock(label=_("说明"), required=False, max_length=200)

    class Meta:
        icon = "form"
        label = _("随堂测验")
        template = "courses/blocks/quiz.html"


LESSON_BLOCKS = [
    ("text", blocks.RichTextBlock(label=_("正文"), features=["h2", "h3", "bold", "italic", "ol", "ul", "link", "hr"])),
    ("image", ImageBlock(label=_("图片"))),
    ("video", VideoFileBlock()),
    ("embed", EmbedBlock(label=_("外链视频"))),
    ("download", DownloadBlock()),
    ("callout", CalloutBlock()),
    ("case", CaseRefBlock()),
    ("drill", DrillRefBlock()),
    ("quiz", QuizRefBlock()),
]


# --- pages ----------------------------------------------------------------------------------------


# The course centre's slug: lesson addresses /courses/<course>/<lesson>/ are routed by courses.urls,
# which names this prefix, so the page cannot move elsewhere.
COURSE_INDEX_SLUG = "courses"
# Addresses under /courses/ that belong to the course screens (courses.urls), not to a course.
RESERVED_COURSE_SLUGS = {"my", "sessions", "lessons", "hours", "compliance", "compliance.xlsx"}


class CourseIndexPage(Page):
    intro = models.TextField(_("简介"), blank=True)

    parent_page_types = ["lms.HomePage"]
    subpage_types = ["courses.CoursePage"]
    max_count = 1
    private_page_options: list[str] = []  # access is by enrolment; the lesson route checks no privacy
    content_panels = Page.content_panels + [FieldPanel("intro")]

    class Meta:
        verbose_name = _("课程中心")

    def clean(self):
        super().clean()
        if self.slug != COURSE_INDEX_SLUG:
            raise ValidationError({"slug": f"课程中心的地址固定为“{COURSE_INDEX_SLUG}”"})

    def serve(self, request, *args, **kwargs):
        from django.shortcuts import redirect

        return redirect("courses:my_courses")


class CoursePage(Page):
    tier = models.CharField(_("培训层级"), max_length=20, choices=Tier.choices, default=Tier.THEMATIC)
    summary = models.TextField(_("课程简介"), blank=True)
    hours = models.DecimalField(
        _("学时"), max_digits=5, decimal_places=1, default=Decimal("1"), validators=[MinValueValidator(Decimal("0"))]
    )
    indicator_codes = models.CharField(
        _("培养的能力指标"),
        max_length=100,
        blank=True,
        validators=[validate_indicator_codes],
        help_text=_("能力指标编码，用分号分隔，如 2.3;3.2"),
    )
    owner_unit = models.ForeignKey(
        OrgUnit,
        verbose_name=_("主办单位"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text=_("课程归属的组织；培训管理员只能管理本辖区的课程"),
    )
    audience_units = ParentalManyToManyField(
        OrgUnit, verbose_name=_("面向组织"), blank=True, related_name="+", help_text=_("留空为全体人员")
    )
    audience_roles = models.CharField(
        _("面向角色"), max_length=100, blank=True, help_text=_("角色编码，分号分隔，如 trainee;mentor；留空为所有角色")
    )
    enrolment_mode = models.CharField(
        _("报名方式"), max_length=10, choices=EnrolmentMode.choices, default=EnrolmentMode.ASSIGNED
    )
    capacity = models.PositiveIntegerField(
        _("名额"), null=True, blank=True, help_text=_("自主报名的人数上限；留空不限")
    )
    final_quiz = models.ForeignKey(
        "assessments.Quiz",
        verbose_name=_("结业考试"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    prerequisites = ParentalManyToManyField(
        "courses.CoursePage", verbose_name=_("先修课程"), blank=True, related_name="+"
    )
    issues_certificate = models.BooleanField(_("结业颁发证书"), default=False)

    parent_page_types = ["courses.CourseIndexPage"]
    subpage_types = ["courses.LessonPage"]
    private_page_options: list[str] = []
    base_form_class = CoursePageForm  # checkbox choosers for indicator_codes and audience_roles

    content_panels = Page.content_panels + [
        FieldPanel("summary"),
        FieldRowPanel([FieldPanel("tier"), FieldPanel("hours")]),
        FieldPanel("indicator_codes"),
        FieldPanel("owner_unit"),
        MultiFieldPanel(
            [
                FieldPanel("audience_units"),
                FieldPanel("audience_roles"),
                FieldRowPanel([FieldPanel("enrolment_mode"), FieldPanel("capacity")]),
            ],
            heading=_("学员与报名"),
        ),
        MultiFieldPanel(
            [FieldPanel("final_quiz"), FieldPanel("prerequisites"), FieldPanel("issues_certificate")],
            heading=_("结业"),
        ),
    ]

    class Meta:
        verbose_name = _("课程")
        verbose_name_plural = _("课程")

    def clean(self):
        super().clean()
        errors = {}
        unknown = set(split_codes(self.audience_roles)) - set(roles.LABEL_BY_CODE)
        if unknown:
            errors["audience_roles"] = f"未知角色：{'、'.join(sorted(unknown))}"
        if self.enrolment_mode == EnrolmentMode.SELF and self.tier == Tier.ONBOARDING:
            errors["enrolment_mode"] = "入职培训只能指派，不能自主报名"
        if self.slug in RESERVED_COURSE_SLUGS or (self.slug or "").isdigit():
            errors["slug"] = f"“{self.slug}”是系统保留的地址，请换一个"
        if errors:
            raise ValidationError(errors)

    @property
    def indicators(self) -> list[str]:
        return split_codes(self.indicator_codes)

    @property
    def audience_role_codes(self) -> set[str]:
        return set(split_codes(self.audience_roles))

    def lessons(self):
        return LessonPage.objects.child_of(self).live().order_by("path")

    def serve(self, request, *args, **kwargs):
        from courses import views

        return views.course_page(request, self)


class LessonPage(Page):
    minutes = models.PositiveIntegerField(_("学习时长（分钟）"), default=45)
    is_required = models.BooleanField(_("必修"), default=True)
    body = StreamField(LESSON_BLOCKS, verbose_name=_("正文"), blank=True)

    parent_page_types = ["courses.CoursePage"]
    subpage_types: list[str] = []
    private_page_options: list[str] = []
    content_panels = Page.content_panels + [
        FieldRowPanel([FieldPanel("minutes"), FieldPanel("is_required")]),
        FieldPanel("body"),
    ]

    class Meta:
        verbose_name = _("课时")
        verbose_name_plural = _("课时")

    @property
    def hours(self) -> Decimal:
        return (Decimal(self.minutes) / 60).quantize(Decimal("0.01"))

    def quiz_ids(self) -> list[int]:
        return [block.value["quiz"].pk for block in self.body if block.block_type == "quiz" and block.value["quiz"]]

    def serve(self, request, *args, **kwargs):
        """Not Wagtail's to serve: courses.urls routes /courses/<course>/<lesson>/ before Wagtail
        sees it (courses.views.lesson), so Wagtail's routing reaches a lesson only at an address
        that is not a lesson's."""
        from django.http import Http404

        raise Http404

    def serve_preview(self, request, mode_name):
        from courses import views

        return views.lesson_page(request, self)


# --- enrolment and progress -----------------------------------------------------------------------


class Enrolment(models.Model):
    class Source(models.TextChoices):
        ASSIGNED = "assigned", _("指派")
        SELF = "self", _("自主报名")
        ONBOARDING = "onboarding", _("入职自动")

    worker = models.ForeignKey(Worker, verbose_name=_("人员"), on_delete=models.CASCADE, related_name="enrolments")
    course = models.ForeignKey(CoursePage, verbose_name=_("课程"), on_delete=models.CASCADE, related_name="enrolments")
    source = models.CharField(_("来源"), max_length=12, choices=Source.choices, default=Source.ASSIGNED)
    required = models.BooleanField(_("必修"), default=True)
    due_on = models.DateField(_("完成期限"), null=True, blank=True)
    enrolled_at = models.DateTimeField(_("报名时间"), default=timezone.now)
    assigned_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    last_lesson = models.ForeignKey(LessonPage, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    completed_on = models.DateField(_("结业日期"), null=True, blank=True)

    class Meta:
        verbose_name = _("选课记录")
        verbose_name_plural = _("选课记录")
        ordering = ["-enrolled_at", "-id"]
        constraints = [models.UniqueConstraint(fields=["worker", "course"], name="enrolment_unique")]
        indexes = [models.Index(fields=["completed_on", "due_on"])]

    def __str__(self) -> str:
        return f"{self.worker} · {self.course}"


class LessonCompletion(models.Model):
    worker = models.ForeignKey(Worker, on_delete=models.CASCADE, related_name="lesson_completions")
    lesson = models.ForeignKey(LessonPage, on_delete=models.CASCADE, related_name="completions")
    completed_at = models.DateTimeField(_("完成时间"), default=timezone.now)

    class Meta:
        verbose_name = _("课时完成")
        verbose_name_plural = _("课时完成")
        constraints = [models.UniqueConstraint(fields=["worker", "lesson"], name="lesson_completion_unique")]


# --- in-person sessions ---------------------------------------------------------------------------


class TrainingSession(models.Model):
    """面授/大讲堂: a time and place, a capacity, sign-up and QR check-in/out."""

    title = models.CharField(_("名称"), max_length=120)
    course = models.ForeignKey(
        CoursePage,
        verbose_name=_("所属课程"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="sessions",
    )
    owner_unit = models.ForeignKey(OrgUnit, verbose_name=_("主办单位"), on_delete=models.PROTECT, related_name="+")
    place = models.CharField(_("地点"), max_length=200)
    starts_at = models.DateTimeField(_("开始时间"))
    ends_at = models.DateTimeField(_("结束时间"))
    capacity = models.PositiveIntegerField(_("名额"))
    hours = models.DecimalField(_("学时"), max_digits=4, decimal_places=1, default=Decimal("3"))
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = _("面授课堂")
        verbose_name_plural = _("面授课堂")
        ordering = ["-starts_at"]

    def __str__(self) -> str:
        return self.title

    def clean(self):
        if self.ends_at and self.starts_at and self.ends_at <= self.starts_at:
            raise ValidationError({"ends_at": "结束时间应晚于开始时间"})

    def has_ended(self, now=None) -> bool:
        """Sign-up (报名) is open until the session ends (docs/rules.md §4, 面授课堂报名)."""
        return (now or timezone.now()) >= self.ends_at


class Attendance(models.Model):
    session = models.ForeignKey(TrainingSession, on_delete=models.CASCADE, related_name="attendances")
    worker = models.ForeignKey(Worker, on_delete=models.CASCADE, related_name="session_attendances")
    signed_up_at = models.DateTimeField(_("报名时间"), null=True, blank=True)
    checked_in_at = models.DateTimeField(_("签到时间"), null=True, blank=True)
    checked_out_at = models.DateTimeField(_("签退时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("出勤")
        verbose_name_plural = _("出勤")
        ordering = ["session", "worker__employee_no"]
        constraints = [models.UniqueConstraint(fields=["session", "worker"], name="attendance_unique")]


# --- hours ledger ---------------------------------------------------------------------------------


class HoursEntry(models.Model):
    """One line of the training-hours ledger. Unique per source object: nothing is credited twice."""

    class Source(models.TextChoices):
        LESSON = "lesson", _("线上课时")
        COURSE = "course", _("课程结业")
        SESSION = "session", _("面授")
        EXTERNAL = "external", _("外部培训")

    worker = models.ForeignKey(Worker, verbose_name=_("人员"), on_delete=models.CASCADE, related_name="hours_entries")
    source = models.CharField(_("来源"), max_length=10, choices=Source.choices)
    hours = models.DecimalField(_("学时"), max_digits=6, decimal_places=2)
    earned_on = models.DateField(_("日期"), db_index=True)
    title = models.CharField(_("内容"), max_length=200)
    lesson = models.ForeignKey(LessonPage, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    course = models.ForeignKey(CoursePage, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    session = models.ForeignKey(TrainingSession, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("学时记录")
        verbose_name_plural = _("学时台账")
        ordering = ["-earned_on", "-id"]
        indexes = [models.Index(fields=["worker", "earned_on"])]
        constraints = [
            models.UniqueConstraint(
                fields=["worker", "lesson"], condition=models.Q(source="lesson"), name="hours_once_per_lesson"
            ),
            models.UniqueConstraint(
                fields=["worker", "course"], condition=models.Q(source="course"), name="hours_once_per_course"
            ),
            models.UniqueConstraint(
                fields=["worker", "session"], condition=models.Q(source="session"), name="hours_once_per_session"
            ),
            models.CheckConstraint(condition=models.Q(hours__gte=0), name="hours_not_negative"),
        ]
