"""The question bank, quizzes and the competency model in the Wagtail admin (snippets)."""

from wagtail.admin.panels import FieldPanel, FieldRowPanel, InlinePanel, MultiFieldPanel
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSet, SnippetViewSetGroup

from assessments.models import CompetencyModel, Question, Quiz


class QuestionViewSet(SnippetViewSet):
    model = Question
    icon = "help"
    menu_label = "题库"
    list_display = ["stem", "qtype", "points", "indicator_code", "difficulty", "category"]
    list_filter = ["qtype", "difficulty", "category", "indicator_code"]
    search_fields = ["stem", "category"]
    panels = [
        FieldRowPanel([FieldPanel("qtype"), FieldPanel("difficulty"), FieldPanel("points")]),
        FieldPanel("title", help_text="Moodle 的题目名称（GIFT ::名称::），导出时原样写回；可留空"),
        FieldPanel("stem_format", help_text="HTML 题干保存时会清理（只保留安全的排版标签），页面按格式显示"),
        FieldPanel("stem"),
        FieldPanel("options", help_text='JSON，例如 {"A": "选项一", "B": "选项二"}；判断、填空、简答留空 {}'),
        FieldPanel("answer", help_text="单选 B；多选 ACD；判断 对/错；填空每空用 ; 分隔，同一空的多个答案用 | 分隔"),
        FieldPanel("explanation"),
        FieldPanel(
            "answer_feedback",
            help_text='JSON，每个答案的反馈：单选/多选按选项字母 {"A": "…"}，判断 {"对": "…", "错": "…"}，'
            '填空按备选答案原文，"*" 为其余答案；公布答案后在作答回顾中显示',
        ),
        FieldPanel(
            "blank_credit",
            help_text='JSON，仅填空题：得部分分的备选答案及百分比，例如 {"Cat": "50"}（该答案也要写在答案里）',
        ),
        FieldRowPanel([FieldPanel("indicator_code"), FieldPanel("category")]),
        FieldPanel("marking_guide"),
    ]


class QuizViewSet(SnippetViewSet):
    model = Quiz
    icon = "form"
    menu_label = "测验"
    list_display = ["title", "is_draft", "time_limit_minutes", "attempts_allowed", "closes_at"]
    search_fields = ["title"]
    panels = [
        FieldPanel("title"),
        FieldPanel("description"),
        MultiFieldPanel(
            [
                FieldPanel("is_draft"),
                FieldPanel("audience"),
                FieldRowPanel([FieldPanel("opens_at"), FieldPanel("closes_at")]),
            ],
            heading="开放",
        ),
        MultiFieldPanel(
            [
                FieldRowPanel(
                    [FieldPanel("time_limit_minutes"), FieldPanel("attempts_allowed"), FieldPanel("pass_mark_percent")]
                ),
                FieldRowPanel([FieldPanel("grading_method"), FieldPanel("multi_partial_credit")]),
                FieldRowPanel(
                    [FieldPanel("shuffle_questions"), FieldPanel("shuffle_options"), FieldPanel("max_questions")]
                ),
                FieldRowPanel([FieldPanel("paper_mode"), FieldPanel("draw_essays")]),
                FieldRowPanel([FieldPanel("review_score"), FieldPanel("review_answers")]),
            ],
            heading="规则",
        ),
        InlinePanel("slots", label="固定试题", panels=[FieldPanel("question"), FieldPanel("order")]),
        InlinePanel(
            "draw_rules",
            label="随机抽题",
            panels=[
                FieldPanel("count"),
                FieldPanel("category"),
                FieldPanel("difficulty"),
                FieldPanel("indicator_code"),
                FieldPanel("order"),
            ],
        ),
        FieldPanel("markers"),
    ]


class CompetencyModelViewSet(SnippetViewSet):
    model = CompetencyModel
    icon = "list-ul"
    menu_label = "能力素质模型"
    list_display = ["name", "version", "is_active"]
    panels = [
        FieldRowPanel([FieldPanel("name"), FieldPanel("version"), FieldPanel("is_active")]),
        FieldPanel("note"),
        InlinePanel(
            "indicators",
            label="二级指标",
            panels=[
                FieldRowPanel(
                    [FieldPanel("code"), FieldPanel("primary_name"), FieldPanel("name"), FieldPanel("order")]
                ),
                FieldPanel("description"),
                FieldPanel("evidence_methods"),
            ],
        ),
        InlinePanel(
            "plan",
            label="评估方案（每个指标计入哪些证据来源、权重与计算方法）",
            panels=[
                FieldRowPanel([FieldPanel("indicator_code"), FieldPanel("source"), FieldPanel("weight")]),
                FieldRowPanel([FieldPanel("method"), FieldPanel("decay"), FieldPanel("min_count")]),
            ],
        ),
    ]


class AssessmentsGroup(SnippetViewSetGroup):
    items = (QuestionViewSet, QuizViewSet, CompetencyModelViewSet)
    menu_icon = "doc-full"
    menu_label = "测评"
    menu_name = "assessments"


register_snippet(AssessmentsGroup)


from wagtail import hooks  # noqa: E402


@hooks.register("after_create_snippet")
@hooks.register("after_edit_snippet")
def _snapshot_edited_question(request, instance):
    """An edit in the admin takes effect as a new version if attempts already used the old one.

    An HTML stem typed in the admin is sanitised before it is versioned, as on import
    (docs/rules.md §5), so no page ever shows unsanitised HTML with |safe."""
    if isinstance(instance, Question):
        from assessments.html import sanitise_html
        from assessments.models import StemFormat
        from assessments.services import question_version_current

        if instance.stem_format == StemFormat.HTML:
            clean = sanitise_html(instance.stem)
            if clean != instance.stem:
                Question.objects.filter(pk=instance.pk).update(stem=clean)
                instance.stem = clean
        question_version_current(question=instance)
