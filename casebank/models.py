"""Case library (案例库), FAQ knowledge base (常见问题), scenario drills (情景模拟) and their runs."""

from __future__ import annotations

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from modelcluster.contrib.taggit import ClusterTaggableManager
from modelcluster.fields import ParentalKey, ParentalManyToManyField
from taggit.models import TaggedItemBase
from wagtail import blocks
from wagtail.admin.panels import FieldPanel, InlinePanel, MultiFieldPanel, PageChooserPanel
from wagtail.fields import StreamField
from wagtail.models import Orderable, Page
from wagtail.search import index

from lms.models import Worker
from lms.private_media import private_storage

# --- managed list of categories -------------------------------------------------------------------

DEFAULT_CATEGORIES = [
    "高空抛物",
    "邻里纠纷",
    "家庭矛盾",
    "困难帮扶",
    "噪音扰民",
    "燃气安全",
    "独居老人",
    "传销线索",
    "环境卫生",
    "政策咨询",
    "消防安全",
    "矛盾调解",
]


class CaseCategory(models.Model):
    """类别 of cases and FAQs — a list trainers manage in the admin (an import never adds to it)."""

    name = models.CharField(_("名称"), max_length=30, unique=True)
    order = models.PositiveSmallIntegerField(_("排序"), default=0)

    class Meta:
        verbose_name = _("案例类别")
        verbose_name_plural = _("案例类别")
        ordering = ["order", "name"]

    def __str__(self) -> str:
        return self.name


class LoginRequiredMixin:
    """Case and drill pages are for signed-in users (grid workers and staff)."""

    def serve(self, request, *args, **kwargs):
        if not request.user.is_authenticated:
            from django.contrib.auth.views import redirect_to_login

            return redirect_to_login(request.get_full_path())
        return super().serve(request, *args, **kwargs)


# --- case library ---------------------------------------------------------------------------------


class CaseIndexPage(LoginRequiredMixin, Page):
    intro = models.TextField(_("简介"), blank=True)

    max_count = 1
    parent_page_types = ["lms.HomePage"]
    subpage_types = ["casebank.CasePage"]
    content_panels = Page.content_panels + [FieldPanel("intro")]

    class Meta:
        verbose_name = _("案例库")

    def get_context(self, request, *args, **kwargs):
        from casebank import selectors

        context = super().get_context(request, *args, **kwargs)
        context.update(selectors.case_search_page_context(request))
        # the selector only reads; the search is logged here, its id carried by the result links
        if context.get("searched"):
            from casebank.services import search_log_record

            context["search_log"] = search_log_record(
                user=request.user, scope=SearchScope.CASES, query=context["query"], result_count=context["count"]
            )
        context["may_see_insights"] = selectors.may_see_search_insights(request.user)
        return context


class CaseTag(TaggedItemBase):
    content_object = ParentalKey("casebank.CasePage", on_delete=models.CASCADE, related_name="tagged_items")


class CasePage(LoginRequiredMixin, Page):
    """A structured case: what happened, how it was handled, what was learnt, what residents said."""

    case_date = models.DateField(_("案例日期"), default=timezone.localdate, db_index=True)
    category = models.ForeignKey(CaseCategory, verbose_name=_("类别"), on_delete=models.PROTECT, related_name="cases")
    problem = models.TextField(_("问题描述"))
    handling = models.TextField(_("处置过程"))
    lessons = models.TextField(_("经验教训"), blank=True)
    feedback = models.TextField(_("群众反馈"), blank=True)
    tags = ClusterTaggableManager(verbose_name=_("标签"), through=CaseTag, blank=True)
    indicators = ParentalManyToManyField(
        "assessments.Indicator", verbose_name=_("能力指标"), blank=True, limit_choices_to={"model__is_active": True}
    )

    parent_page_types = ["casebank.CaseIndexPage"]
    subpage_types: list[str] = []

    content_panels = Page.content_panels + [
        MultiFieldPanel([FieldPanel("case_date"), FieldPanel("category"), FieldPanel("tags")], heading=_("基本信息")),
        FieldPanel("problem"),
        FieldPanel("handling"),
        FieldPanel("lessons"),
        FieldPanel("feedback"),
        FieldPanel("indicators", widget=forms.CheckboxSelectMultiple),
        InlinePanel("related_links", label=_("相关案例")),
    ]

    search_fields = Page.search_fields + [
        index.SearchField("problem"),
        index.SearchField("handling"),
        index.SearchField("lessons"),
        index.SearchField("feedback"),
        index.SearchField("tag_text"),
        index.SearchField("category_name"),
        index.FilterField("category"),
        index.FilterField("case_date"),
    ]

    class Meta:
        verbose_name = _("案例")
        verbose_name_plural = _("案例")

    def tag_text(self) -> str:
        return " ".join(tag.name for tag in self.tags.all())

    def category_name(self) -> str:
        return self.category.name if self.category_id else ""

    def search_document(self) -> tuple[str, str]:
        """(title, body) the case search scores: the four sections, tags and category."""
        body = " ".join(
            [self.problem, self.handling, self.lessons, self.feedback, self.tag_text(), self.category_name()]
        )
        return self.title, body

    def serve(self, request, *args, **kwargs):
        response = super().serve(request, *args, **kwargs)
        if request.method == "GET" and request.user.is_authenticated and response.status_code == 200:
            from casebank.services import case_read_record

            case_read_record(user=request.user, case=self)
        return response

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        context["highlight"] = request.GET.get("q", "")[:200]
        context["related"] = [link.case for link in self.related_links.select_related("case") if link.case.live]
        return context


class CaseRelated(Orderable):
    page = ParentalKey(CasePage, on_delete=models.CASCADE, related_name="related_links")
    case = models.ForeignKey(CasePage, verbose_name=_("相关案例"), on_delete=models.CASCADE, related_name="+")

    panels = [PageChooserPanel("case", "casebank.CasePage")]

    class Meta(Orderable.Meta):
        verbose_name = _("相关案例")


class CaseRead(models.Model):
    """Who has opened a case and how often: the case search suggests the most-read cases when it
    finds nothing (docs/rules.md §10)."""

    case = models.ForeignKey(CasePage, on_delete=models.CASCADE, related_name="reads")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    times = models.PositiveIntegerField(default=1)
    last_read_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["case", "user"], name="casebank_case_read_unique")]
        indexes = [models.Index(fields=["user", "last_read_at"], name="casebank_case_read_by_user")]


# --- FAQ knowledge base ---------------------------------------------------------------------------


class Faq(index.Indexed, models.Model):
    """常见问题: a question and its answer, searched with the same engine as cases."""

    question = models.CharField(_("问题"), max_length=200)
    answer = models.TextField(_("解答"))
    category = models.ForeignKey(CaseCategory, verbose_name=_("类别"), on_delete=models.PROTECT, related_name="faqs")
    order = models.PositiveIntegerField(_("排序"), default=0)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    panels = [FieldPanel("question"), FieldPanel("category"), FieldPanel("answer"), FieldPanel("order")]
    search_fields = [
        # indexed under the name "title" so question matches rank like page titles
        index.SearchField("title"),
        index.SearchField("answer"),
        index.SearchField("category_name"),
        index.FilterField("category"),
    ]

    class Meta:
        verbose_name = _("常见问题")
        verbose_name_plural = _("常见问题")
        ordering = ["category__order", "order", "pk"]

    def __str__(self) -> str:
        return self.question

    def search_document(self) -> tuple[str, str]:
        return self.question, f"{self.answer} {self.category.name}"

    @property
    def title(self) -> str:
        return self.question

    def category_name(self) -> str:
        return self.category.name if self.category_id else ""


# --- scenario drills ------------------------------------------------------------------------------


class ChoiceBlock(blocks.StructBlock):
    label = blocks.CharBlock(label=_("选项"))
    next_key = blocks.CharBlock(label=_("下一步编号"), required=False, help_text=_("留空表示演练到此结束"))
    points = blocks.IntegerBlock(label=_("得分"), default=0, min_value=0)
    feedback = blocks.TextBlock(label=_("反馈"), required=False)


class StepBlock(blocks.StructBlock):
    key = blocks.CharBlock(label=_("步骤编号"), help_text=_("如 S1；选项用它指向下一步"))
    situation = blocks.TextBlock(label=_("情景"))
    choices = blocks.ListBlock(ChoiceBlock(), label=_("选项"), required=False, default=[])
    response_prompt = blocks.TextBlock(
        label=_("作答要求"), required=False, help_text=_("填写后此步为文字作答，由评委按评分标准打分")
    )
    rubric = blocks.TextBlock(label=_("评分标准"), required=False)
    max_points = blocks.IntegerBlock(label=_("作答满分"), required=False, min_value=1)
    next_key = blocks.CharBlock(
        label=_("作答后下一步编号"), required=False, help_text=_("仅文字作答步骤；留空表示结束")
    )

    class Meta:
        icon = "list-ol"
        label = _("步骤")


class DrillIndexPage(LoginRequiredMixin, Page):
    intro = models.TextField(_("简介"), blank=True)

    max_count = 1
    parent_page_types = ["lms.HomePage"]
    subpage_types = ["casebank.DrillPage"]
    content_panels = Page.content_panels + [FieldPanel("intro")]

    class Meta:
        verbose_name = _("情景模拟")


class DrillPage(LoginRequiredMixin, Page):
    """A branching scenario. The first step is where a run starts; each choice names the next step."""

    summary = models.TextField(_("情景说明"), blank=True)
    indicators = ParentalManyToManyField(
        "assessments.Indicator", verbose_name=_("能力指标"), blank=True, limit_choices_to={"model__is_active": True}
    )
    steps = StreamField([("step", StepBlock())], verbose_name=_("步骤"), use_json_field=True)
    judges = ParentalManyToManyField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("评委"),
        blank=True,
        related_name="judged_drills",
        help_text=_("为文字作答打分的评委；不选则由培训管理员在其辖区内评分"),
    )

    parent_page_types = ["casebank.DrillIndexPage"]
    subpage_types: list[str] = []
    content_panels = Page.content_panels + [
        FieldPanel("summary"),
        FieldPanel("indicators", widget=forms.CheckboxSelectMultiple),
        FieldPanel("judges"),
        FieldPanel("steps"),
    ]
    search_fields = Page.search_fields + [index.SearchField("summary")]

    class Meta:
        verbose_name = _("情景演练")
        verbose_name_plural = _("情景演练")

    def clean(self):
        super().clean()
        from casebank.drills import DrillGraphError, drill_graph_check, graph_from_stream

        try:
            drill_graph_check(graph_from_stream(self.steps))
        except DrillGraphError as error:
            raise ValidationError({"steps": ValidationError(str(error))}) from None

    def get_context(self, request, *args, **kwargs):
        from casebank import selectors

        context = super().get_context(request, *args, **kwargs)
        context.update(selectors.drill_page_context(request, self))
        return context


class DrillAttemptState(models.TextChoices):
    IN_PROGRESS = "in_progress", _("进行中")
    AWAITING_REVIEW = "awaiting_review", _("待评委评分")
    COMPLETED = "completed", _("已完成")


class DrillAttempt(models.Model):
    drill = models.ForeignKey(DrillPage, verbose_name=_("演练"), on_delete=models.CASCADE, related_name="attempts")
    worker = models.ForeignKey(Worker, verbose_name=_("人员"), on_delete=models.CASCADE, related_name="drill_attempts")
    state = models.CharField(
        _("状态"), max_length=20, choices=DrillAttemptState.choices, default=DrillAttemptState.IN_PROGRESS
    )
    current_key = models.CharField(_("当前步骤"), max_length=30, blank=True)
    score = models.DecimalField(_("得分（百分制）"), max_digits=5, decimal_places=2, null=True, blank=True)
    points = models.DecimalField(_("得分"), max_digits=8, decimal_places=2, default=0)
    max_points = models.DecimalField(_("满分"), max_digits=8, decimal_places=2, default=0)
    started_at = models.DateTimeField(_("开始时间"), default=timezone.now)
    finished_at = models.DateTimeField(_("完成时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("演练记录")
        verbose_name_plural = _("演练记录")
        ordering = ["-started_at", "-pk"]
        indexes = [models.Index(fields=["worker", "drill", "state"])]

    def __str__(self) -> str:
        return f"{self.worker} {self.drill.title}"


class DrillAttemptStep(models.Model):
    """One step as taken in a run: the choice made, or the text written and the judge's mark."""

    attempt = models.ForeignKey(DrillAttempt, on_delete=models.CASCADE, related_name="steps")
    position = models.PositiveIntegerField(_("顺序"))
    step_key = models.CharField(_("步骤编号"), max_length=30)
    situation = models.TextField(_("情景"))
    choice_index = models.PositiveIntegerField(_("所选选项"), null=True, blank=True)
    choice_label = models.CharField(_("选项内容"), max_length=300, blank=True)
    points = models.DecimalField(_("得分"), max_digits=6, decimal_places=2, null=True, blank=True)
    feedback = models.TextField(_("反馈"), blank=True)
    response = models.TextField(_("作答"), blank=True)
    rubric = models.TextField(_("评分标准"), blank=True)
    max_points = models.DecimalField(_("作答满分"), max_digits=6, decimal_places=2, null=True, blank=True)
    judge = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("评委"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    expert_comment = models.TextField(_("专家点评"), blank=True)
    judged_at = models.DateTimeField(_("评分时间"), null=True, blank=True)

    class Meta:
        ordering = ["attempt", "position"]
        constraints = [models.UniqueConstraint(fields=["attempt", "position"], name="drill_step_unique_position")]

    @property
    def is_response(self) -> bool:
        return self.max_points is not None


# --- monthly compilation --------------------------------------------------------------------------


class CaseCompilation(models.Model):
    """《网格员工作案例汇编》 of one month, rendered as a PDF."""

    month = models.DateField(_("月份"), unique=True, help_text=_("该月第一天"))
    file = models.FileField(_("文件"), upload_to="casebank/compilations/", storage=private_storage)
    case_count = models.PositiveIntegerField(_("案例数"), default=0)
    created_at = models.DateTimeField(_("生成时间"), default=timezone.now)

    class Meta:
        verbose_name = _("案例汇编")
        verbose_name_plural = _("案例汇编")
        ordering = ["-month"]

    def __str__(self) -> str:
        return f"网格员工作案例汇编（{self.month:%Y年%m月}）"


# --- ranking index --------------------------------------------------------------------------------


class SearchPostingList(models.Model):
    """One word's postings within one bucket of object ids, for one model (cases or FAQs).

    `object_ids` (uint32) and `impacts` (float64) are parallel little-endian arrays: the objects
    that contain the word and what the word adds to each one's score. The case search sums the
    impacts of the query's words with numpy, so ranking and counting 50,000 cases costs a few
    blob reads however common the words are. The row with the empty word holds each listed
    object's tie-break key (the case date) instead of an impact.
    """

    content_type = models.ForeignKey("contenttypes.ContentType", on_delete=models.CASCADE, related_name="+")
    term = models.CharField(max_length=64)
    bucket = models.IntegerField()
    object_ids = models.BinaryField()
    impacts = models.BinaryField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["content_type", "term", "bucket"], name="casebank_posting_list_unique"),
        ]


class SearchDocument(models.Model):
    """The words an object was last indexed with, so re-indexing it knows which postings to drop."""

    content_type = models.ForeignKey("contenttypes.ContentType", on_delete=models.CASCADE, related_name="+")
    object_id = models.BigIntegerField()
    terms = models.TextField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["content_type", "object_id"], name="casebank_search_document_unique"),
        ]


# --- search vocabulary and search log (docs/rules.md §10) ----------------------------------------


class SynonymGroup(models.Model):
    """Words that mean the same to a grid worker (物业/物业公司/物管): a query word expands to its
    group at query time, the word typed ranking above its synonyms. Trainers edit these in the admin."""

    words = models.TextField(_("同义词"), help_text=_("用空格、逗号或顿号分隔，如：物业 物业公司 物管"))
    note = models.CharField(_("备注"), max_length=100, blank=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    panels = [FieldPanel("words"), FieldPanel("note")]

    class Meta:
        verbose_name = _("同义词组")
        verbose_name_plural = _("同义词组")
        ordering = ["pk"]

    def __str__(self) -> str:
        return " / ".join(self.word_list())

    def word_list(self) -> list[str]:
        import re

        seen: list[str] = []
        for word in re.split(r"[\s,，、;；/|]+", self.words or ""):
            word = word.strip().lower()
            if word and word not in seen:
                seen.append(word)
        return seen

    WORD_MAX = 20

    def clean(self) -> None:
        super().clean()
        problem = self.words_problem(self.word_list(), exclude_pk=self.pk)
        if problem:
            raise ValidationError({"words": problem})

    @classmethod
    def words_problem(cls, words: list[str], *, exclude_pk=None) -> str:
        """Chinese reason `words` cannot be one group, "" if they can: at least two distinct words,
        none longer than WORD_MAX, none already in another group (a word in two groups would make
        its two groups synonyms of each other through it). The admin and the services both ask here."""
        if len(set(words)) < 2:
            return "同义词组至少要有两个不同的词"
        for word in words:
            if len(word) > cls.WORD_MAX:
                return f"同义词“{word[: cls.WORD_MAX]}…”过长（不超过 {cls.WORD_MAX} 字）"
        return cls.clashes(words, exclude_pk=exclude_pk)

    @classmethod
    def clashes(cls, words: list[str], *, exclude_pk=None) -> str:
        """Chinese message naming the words already in another group, "" if none."""
        taken = {}
        for other in cls.objects.exclude(pk=exclude_pk).only("pk", "words"):
            for word in other.word_list():
                taken.setdefault(word, other)
        found = [f"“{word}”已在同义词组“{taken[word]}”中" for word in words if word in taken]
        return "；".join(found) + "，一个词只能属于一个同义词组" if found else ""


class SearchScope(models.TextChoices):
    CASES = "cases", _("案例")
    FAQS = "faqs", _("常见问题")


class SearchLog(models.Model):
    """One search as typed, what it found and what was opened from it; pruned after 180 days.

    No personal data beyond the user id; a query longer than 200 characters is logged without its
    text (`query` empty, `query_length` kept)."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    scope = models.CharField(_("范围"), max_length=5, choices=SearchScope.choices, default=SearchScope.CASES)
    query = models.CharField(_("搜索词"), max_length=200, blank=True)
    query_length = models.PositiveIntegerField(_("搜索词长度"), default=0)
    result_count = models.PositiveIntegerField(_("结果数"), default=0)
    opened_case = models.ForeignKey(
        CasePage, verbose_name=_("打开的案例"), on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    opened_faq = models.ForeignKey(
        Faq, verbose_name=_("打开的问题"), on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(_("时间"), default=timezone.now, db_index=True)

    class Meta:
        verbose_name = _("搜索记录")
        verbose_name_plural = _("搜索记录")
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["scope", "created_at"], name="casebank_searchlog_scope_time")]

    def __str__(self) -> str:
        return f"{self.query or '（过长未记录）'} → {self.result_count}"


class SearchIndexState(models.Model):
    """What the ranking index was last built with: when the shipped jieba dictionary changes, its
    fingerprint no longer matches and the index is rebuilt (docs/rules.md §10)."""

    key = models.CharField(max_length=50, unique=True)
    value = models.CharField(max_length=200, blank=True)
    updated_at = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return f"{self.key}={self.value}"
