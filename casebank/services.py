"""State changes of the case library, FAQs, drills and the monthly compilation."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from decimal import Decimal

from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.text import slugify

from casebank.drills import DrillGraphError, drill_graph_check, drill_max_points, drill_percent, graph_from_stream
from casebank.models import (
    DEFAULT_CATEGORIES,
    CaseCategory,
    CaseCompilation,
    CaseIndexPage,
    CasePage,
    CaseRead,
    DrillAttempt,
    DrillAttemptState,
    DrillAttemptStep,
    DrillIndexPage,
    DrillPage,
    Faq,
    SearchIndexState,
    SearchLog,
    SynonymGroup,
)
from lms.importing import ImportRejected, RowErrors, parse_date, read_rows
from lms.services import notification_send


class DrillRefused(Exception):
    """The run cannot take this step (finished, out of turn, bad choice). Message is Chinese."""


class JudgingRefused(Exception):
    """The user may not judge this response, or the mark is out of range."""


# --- defaults: categories, library pages, trainer permissions and review workflow -----------------

TRAINER_MODELS = ("casecategory", "faq", "casecompilation", "synonymgroup")
PAGE_PERMISSIONS = ("add_page", "change_page", "publish_page")


def casebank_defaults_ensure() -> None:
    """Seed the category list, the two library pages, trainers' page/snippet permissions and the
    review workflow (草稿 → 审核 → 发布). Idempotent; runs after every migrate."""
    with transaction.atomic():
        for order, name in enumerate(DEFAULT_CATEGORIES, start=1):
            CaseCategory.objects.get_or_create(name=name, defaults={"order": order})
        libraries = [p for p in (case_library_ensure(), drill_library_ensure()) if p is not None]
        _trainer_permissions_ensure(libraries)
        synonym_groups_seed()
    ranking_index_ensure()


DICTIONARY_STATE_KEY = "dictionary"
SYNONYMS_SEEDED_KEY = "synonyms_seeded"


def ranking_index_ensure() -> None:
    """Build the case/FAQ ranking index when it is empty but there is something to find — a
    database that had cases before the index existed — and rebuild it, with Wagtail's full-text
    entries of cases and FAQs, when the dictionary fingerprint differs from the one it was built
    with (docs/rules.md §10). Incremental updates keep it current after."""
    from wagtail.search.backends import get_search_backend

    from casebank.search import postings
    from casebank.search.segment import dictionary_fingerprint

    fingerprint = dictionary_fingerprint()
    state = SearchIndexState.objects.filter(key=DICTIONARY_STATE_KEY).first()
    stale = state is None or state.value != fingerprint
    backend = get_search_backend()
    for model, objects in (
        (CasePage, CasePage.objects.live().select_related("category").prefetch_related("tags")),
        (Faq, Faq.objects.select_related("category")),
    ):
        if not (stale or postings.is_empty(model)) or not objects.exists():
            continue
        pks = list(objects.order_by("pk").values_list("pk", flat=True))
        for start in range(0, len(pks), 1000):
            chunk = list(objects.filter(pk__in=pks[start : start + 1000]))
            if stale and getattr(backend, "has_ranking_index", lambda m: False)(model):
                backend.add_bulk(model, chunk)  # Wagtail's entries and the ranking index
            else:
                postings.index_objects(model, chunk)
    if stale:
        SearchIndexState.objects.update_or_create(
            key=DICTIONARY_STATE_KEY, defaults={"value": fingerprint, "updated_at": timezone.now()}
        )


def synonym_groups_seed() -> int:
    """Load the shipped synonym groups (casebank/search/synonyms.txt) once, into an empty table:
    after that the trainers' edits and deletions are theirs, never overwritten. Returns the count."""
    from casebank.search.segment import shipped_synonym_lines

    if SearchIndexState.objects.filter(key=SYNONYMS_SEEDED_KEY).exists():
        return 0
    created = 0
    if not SynonymGroup.objects.exists():
        SynonymGroup.objects.bulk_create(
            SynonymGroup(words=" ".join(SynonymGroup(words=line).word_list()), note="初始词表")
            for line in shipped_synonym_lines()
        )
        created = SynonymGroup.objects.count()
    SearchIndexState.objects.create(key=SYNONYMS_SEEDED_KEY, value=str(created))
    return created


def _trainer_permissions_ensure(libraries) -> None:
    from django.contrib.auth.models import Permission
    from wagtail.models import GroupApprovalTask, GroupPagePermission, Task, Workflow, WorkflowPage, WorkflowTask

    from lms import roles
    from lms.services import role_groups_ensure

    trainer = role_groups_ensure()[roles.TRAINER]
    trainer.permissions.add(
        *Permission.objects.filter(content_type__app_label="casebank", content_type__model__in=TRAINER_MODELS)
    )
    page_perms = list(Permission.objects.filter(content_type__app_label="wagtailcore", codename__in=PAGE_PERMISSIONS))
    if not libraries or not page_perms:
        return
    for page in libraries:
        for permission in page_perms:
            GroupPagePermission.objects.get_or_create(group=trainer, page=page, permission=permission)
    workflow, _ = Workflow.objects.get_or_create(name="案例与演练审核", defaults={"active": True})
    task = GroupApprovalTask.objects.filter(name="培训管理员审核").first()
    if task is None:
        task = GroupApprovalTask.objects.create(name="培训管理员审核")
        task.groups.set([trainer])
    WorkflowTask.objects.get_or_create(workflow=workflow, task=Task.objects.get(pk=task.pk), defaults={"sort_order": 0})
    for page in libraries:
        WorkflowPage.objects.get_or_create(page=page, defaults={"workflow": workflow})


def _home_page():
    from wagtail.models import Page

    from lms.models import HomePage

    home = HomePage.objects.first()
    if home is not None:
        return home
    return Page.get_first_root_node()


def case_library_ensure() -> CaseIndexPage | None:
    """The case library at /cases/, created under the site's home page when missing."""
    library = CaseIndexPage.objects.first()
    if library is None:
        home = _home_page()
        if home is None:
            return None
        library = home.add_child(
            instance=CaseIndexPage(
                title="案例库", slug="cases", intro="网格员工作中的典型案例：问题、处置、经验与群众反馈。"
            )
        )
    return library


def drill_library_ensure() -> DrillIndexPage | None:
    library = DrillIndexPage.objects.first()
    if library is None:
        home = _home_page()
        if home is None:
            return None
        library = home.add_child(
            instance=DrillIndexPage(
                title="情景模拟", slug="drills", intro="在手机上按情景一步步作出选择，结束时自动评分。"
            )
        )
    return library


# --- cases ----------------------------------------------------------------------------------------


@dataclass
class CaseData:
    title: str
    category: CaseCategory
    problem: str
    handling: str
    lessons: str = ""
    feedback: str = ""
    tags: list[str] = field(default_factory=list)
    indicator_codes: list[str] = field(default_factory=list)
    case_date: dt.date = field(default_factory=timezone.localdate)


def _unique_slug(library, title: str, day: dt.date) -> str:
    base = f"{day:%Y%m%d}-{slugify(title, allow_unicode=True)[:40]}".strip("-") or f"case-{day:%Y%m%d}"
    slug, n = base, 2
    siblings = set(library.get_children().values_list("slug", flat=True))
    while slug in siblings:
        slug, n = f"{base}-{n}", n + 1
    return slug


def _case_content(page: CasePage) -> tuple:
    return (
        page.title,
        page.category_id,
        page.problem,
        page.handling,
        page.lessons,
        page.feedback,
        sorted(t.name for t in page.tags.all()),
        sorted(page.indicators.values_list("code", flat=True)),
        page.case_date,
    )


def case_publish(*, data: CaseData, user=None) -> tuple[CasePage, bool]:
    """Create or update (by 标题 + 日期) a published case. Returns (page, changed)."""
    from assessments.selectors import active_indicators

    with transaction.atomic():
        library = case_library_ensure()
        indicators = list(active_indicators().filter(code__in=data.indicator_codes))
        page = CasePage.objects.filter(title=data.title, case_date=data.case_date).first()
        wanted = (
            data.title,
            data.category.pk,
            data.problem,
            data.handling,
            data.lessons,
            data.feedback,
            sorted(data.tags),
            sorted(i.code for i in indicators),
            data.case_date,
        )
        if page is not None and page.live and _case_content(page) == wanted:
            return page, False
        if page is None:
            page = CasePage(
                title=data.title,
                slug=_unique_slug(library, data.title, data.case_date),
                case_date=data.case_date,
                category=data.category,
                problem=data.problem,
                handling=data.handling,
                lessons=data.lessons,
                feedback=data.feedback,
                owner=user,
            )
            page.tags.set(data.tags)
            page.indicators.set(indicators)
            library.add_child(instance=page)
        else:
            page = page.specific
            page.category, page.problem, page.handling = data.category, data.problem, data.handling
            page.lessons, page.feedback = data.lessons, data.feedback
            page.tags.set(data.tags)
            page.indicators.set(indicators)
        page.save_revision(user=user).publish(user=user)
        return page, True


@dataclass
class CaseImportSummary:
    created: int = 0
    updated: int = 0
    unchanged: int = 0

    def __str__(self) -> str:
        return f"案例导入完成：新增 {self.created} 条，更新 {self.updated} 条，未变 {self.unchanged} 条"


CASE_COLUMNS = ("标题", "类别", "问题描述", "处置过程", "日期")


def cases_validate(*, rows) -> list[CaseData]:
    from assessments.selectors import indicator_codes

    errors = RowErrors()
    categories = {c.name: c for c in CaseCategory.objects.all()}
    codes = indicator_codes()
    seen: dict[tuple, int] = {}
    records = []
    for row in rows:
        reasons = []
        title = row.get("标题")
        if not title:
            reasons.append("标题不能为空")
        elif len(title) > 255:
            reasons.append("标题过长（最多 255 字）")
        category = categories.get(row.get("类别"))
        if category is None:
            reasons.append(
                f"类别“{row.get('类别')}”不在类别列表中（请先在后台“案例类别”中添加）"
                if row.get("类别")
                else "类别不能为空"
            )
        for column in ("问题描述", "处置过程"):
            if not row.get(column):
                reasons.append(f"{column}不能为空")
        try:
            day = parse_date(row.get("日期"))
        except (ValueError, TypeError):
            day = None
            reasons.append(f"日期“{row.get('日期')}”无效，应为 YYYY-MM-DD")
        if day and day > timezone.localdate():
            reasons.append("日期不能晚于今天")
        tags = [t.strip() for t in row.get("标签").replace("；", ";").split(";") if t.strip()]
        wanted_codes = [c.strip() for c in row.get("能力指标").replace("；", ";").split(";") if c.strip()]
        unknown = [c for c in wanted_codes if c not in codes]
        if unknown:
            reasons.append(f"能力指标“{'、'.join(unknown)}”不存在")
        if title and day:
            key = (title, day)
            if key in seen:
                reasons.append(f"与第{seen[key]}行的标题和日期重复")
            seen.setdefault(key, row.number)
        if reasons:
            for reason in reasons:
                errors.add(row.number, reason)
            continue
        records.append(
            CaseData(
                title=title,
                category=category,
                problem=row.get("问题描述"),
                handling=row.get("处置过程"),
                lessons=row.get("经验教训"),
                feedback=row.get("群众反馈"),
                tags=tags,
                indicator_codes=wanted_codes,
                case_date=day,
            )
        )
    if errors:
        raise ImportRejected(errors)
    return records


def cases_import(*, path, user=None) -> CaseImportSummary:
    """Validate every row, then publish all cases in one transaction (nothing on any bad row)."""
    rows = read_rows(path, required=CASE_COLUMNS)
    records = cases_validate(rows=rows)
    summary = CaseImportSummary()
    with transaction.atomic():
        for data in records:
            existed = CasePage.objects.filter(title=data.title, case_date=data.case_date).exists()
            _, changed = case_publish(data=data, user=user)
            if not changed:
                summary.unchanged += 1
            elif existed:
                summary.updated += 1
            else:
                summary.created += 1
    return summary


# --- FAQ ------------------------------------------------------------------------------------------


def case_read_record(*, user, case: CasePage, now: dt.datetime | None = None) -> None:
    """Count one opening of a case by a signed-in user (the suggestions' 最常阅读, docs/rules.md §10)."""
    now = now or timezone.now()
    with transaction.atomic():
        counted = CaseRead.objects.filter(case=case, user=user).update(times=F("times") + 1, last_read_at=now)
        if counted:
            return
        try:
            with transaction.atomic():
                CaseRead.objects.create(case=case, user=user, last_read_at=now)
        except IntegrityError:  # the same person's simultaneous first opening won
            CaseRead.objects.filter(case=case, user=user).update(times=F("times") + 1, last_read_at=now)


def faq_save(*, question: str, answer: str, category: CaseCategory, order: int = 0) -> tuple[Faq, bool]:
    """Create or update the FAQ with this question text. Returns (faq, changed)."""
    with transaction.atomic():
        faq = Faq.objects.filter(question=question).first()
        if faq is not None and (faq.answer, faq.category_id, faq.order) == (answer, category.pk, order):
            return faq, False
        if faq is None:
            faq = Faq(question=question)
        faq.answer, faq.category, faq.order = answer, category, order
        faq.save()  # modelsearch's post_save handler re-indexes it
        return faq, True


# --- drills ---------------------------------------------------------------------------------------


def drill_publish(
    *,
    parent: DrillIndexPage,
    title: str,
    slug: str,
    summary: str,
    steps: list[dict],
    indicator_codes: list[str],
    judges=None,
    user=None,
) -> DrillPage:
    """Create or update a drill from plain step dicts; refuses a graph that fails the check."""
    from assessments.selectors import active_indicators

    drill_graph_check(graph_from_stream(steps))
    with transaction.atomic():
        page = DrillPage.objects.filter(slug=slug).first()
        stream = [("step", step) for step in steps]
        if page is None:
            page = DrillPage(title=title, slug=slug, summary=summary, steps=stream, owner=user)
            page.indicators.set(list(active_indicators().filter(code__in=indicator_codes)))
            if judges is not None:
                page.judges.set(judges)
            parent.add_child(instance=page)
        else:
            page = page.specific
            page.title, page.summary, page.steps = title, summary, stream
            page.indicators.set(list(active_indicators().filter(code__in=indicator_codes)))
            if judges is not None:
                page.judges.set(judges)
        page.save_revision(user=user).publish(user=user)
        return page


def drill_attempt_start(*, drill: DrillPage, worker) -> DrillAttempt:
    """Resume the worker's unfinished run of this drill, or start a new one at the first step."""
    graph = graph_from_stream(drill.steps)
    try:
        drill_graph_check(graph)
    except DrillGraphError as error:
        raise DrillRefused(f"该演练暂不可用：{error}") from None
    with transaction.atomic():
        attempt = (
            DrillAttempt.objects.select_for_update()
            .filter(drill=drill, worker=worker, state=DrillAttemptState.IN_PROGRESS)
            .first()
        )
        if attempt is not None:
            return attempt
        return DrillAttempt.objects.create(
            drill=drill, worker=worker, current_key=graph.start.key, max_points=drill_max_points(graph)
        )


def _locked_step(attempt: DrillAttempt, step_key: str):
    attempt = DrillAttempt.objects.select_for_update().get(pk=attempt.pk)
    if attempt.state != DrillAttemptState.IN_PROGRESS:
        raise DrillRefused("本次演练已结束")
    if step_key != attempt.current_key:
        raise DrillRefused("该步骤已作答，请继续当前步骤")
    step = graph_from_stream(attempt.drill.steps).by_key.get(step_key)
    if step is None:
        raise DrillRefused("演练内容已修改，请重新开始")
    position = attempt.steps.count() + 1
    visited_before = attempt.steps.filter(step_key=step_key).exists()
    return attempt, step, position, visited_before


def drill_attempt_choose(*, attempt: DrillAttempt, step_key: str, choice_index: int) -> DrillAttemptStep:
    """Take choice `choice_index` (0-based) at the current step. A step revisited in a loop scores 0."""
    with transaction.atomic():
        attempt, step, position, visited_before = _locked_step(attempt, step_key)
        if step.is_response or not (0 <= choice_index < len(step.choices)):
            raise DrillRefused("请选择一个选项")
        choice = step.choices[choice_index]
        taken = DrillAttemptStep.objects.create(
            attempt=attempt,
            position=position,
            step_key=step.key,
            situation=step.situation,
            choice_index=choice_index,
            choice_label=choice.label[:300],
            points=Decimal(0) if visited_before else Decimal(choice.points),
            feedback=choice.feedback,
        )
        _advance(attempt, choice.next_key)
        return taken


def drill_attempt_respond(*, attempt: DrillAttempt, step_key: str, text: str) -> DrillAttemptStep:
    """Write the free-text response of the current step; a judge scores it later."""
    text = (text or "").strip()
    if not text:
        raise DrillRefused("请填写作答内容")
    with transaction.atomic():
        attempt, step, position, _ = _locked_step(attempt, step_key)
        if not step.is_response:
            raise DrillRefused("此步骤需要选择选项")
        taken = DrillAttemptStep.objects.create(
            attempt=attempt,
            position=position,
            step_key=step.key,
            situation=step.situation,
            response=text[:5000],
            rubric=step.rubric,
            max_points=Decimal(step.max_points or 0),
        )
        _advance(attempt, step.next_key)
        return taken


def _advance(attempt: DrillAttempt, next_key: str) -> None:
    if next_key:
        if next_key not in graph_from_stream(attempt.drill.steps).by_key:
            raise DrillRefused("演练内容已修改，请重新开始")
        attempt.current_key = next_key
        attempt.save(update_fields=["current_key"])
        return
    attempt.current_key = ""
    attempt.finished_at = timezone.now()
    if attempt.steps.filter(max_points__isnull=False, judged_at__isnull=True).exists():
        attempt.state = DrillAttemptState.AWAITING_REVIEW
        attempt.save(update_fields=["current_key", "finished_at", "state"])
        _notify_judges(attempt)
    else:
        _complete(attempt)


def _notify_judges(attempt: DrillAttempt) -> None:
    from django.urls import reverse

    for judge in attempt.drill.judges.all():
        notification_send(
            recipient=judge,
            title=f"有新的演练作答待评分：{attempt.drill.title}",
            url=reverse("casebank:judge_queue"),
            dedupe_key=f"drill-review-{attempt.pk}-{judge.pk}",
        )


def _complete(attempt: DrillAttempt) -> None:
    from assessments.models import EvidenceSource
    from assessments.services import evidence_record_many

    total = sum((s.points or Decimal(0)) for s in attempt.steps.all())
    attempt.points = total
    attempt.score = drill_percent(total, attempt.max_points)
    attempt.state = DrillAttemptState.COMPLETED
    attempt.save(update_fields=["current_key", "finished_at", "state", "points", "score"])
    day = timezone.localdate(attempt.finished_at)
    codes = list(attempt.drill.indicators.values_list("code", flat=True))
    evidence_record_many(
        worker=attempt.worker,
        source=EvidenceSource.DRILL,
        items=[(code, attempt.score, day, attempt) for code in codes],
    )


def _plain(number: Decimal) -> str:
    return format(number.to_integral() if number == number.to_integral() else number.normalize(), "f")


def drill_response_judge(*, step: DrillAttemptStep, judge, points, comment: str) -> DrillAttemptStep:
    """A judge scores one free-text response against its rubric and writes 专家点评."""
    from casebank.selectors import judge_queue

    points = Decimal(str(points)).quantize(Decimal("0.01"))
    with transaction.atomic():
        if not judge_queue(judge).filter(pk=step.pk).exists():
            raise JudgingRefused("无权为该作答评分，或已评分")
        step = DrillAttemptStep.objects.select_for_update().get(pk=step.pk)
        if not Decimal(0) <= points <= step.max_points:
            raise JudgingRefused(f"得分应在 0 到 {_plain(step.max_points)} 之间")
        if not (comment or "").strip():
            raise JudgingRefused("请填写专家点评")
        step.points, step.expert_comment, step.judge, step.judged_at = points, comment.strip(), judge, timezone.now()
        step.save(update_fields=["points", "expert_comment", "judge", "judged_at"])
        attempt = DrillAttempt.objects.select_for_update().get(pk=step.attempt_id)
        if not attempt.steps.filter(max_points__isnull=False, judged_at__isnull=True).exists():
            _complete(attempt)
            notification_send(
                recipient=attempt.worker.user,
                title=f"演练“{attempt.drill.title}”已评分：{attempt.score}分",
                url=attempt.drill.url or "",
                dedupe_key=f"drill-done-{attempt.pk}",
            )
        return step


# --- monthly compilation --------------------------------------------------------------------------


def previous_month(today: dt.date | None = None) -> dt.date:
    today = today or timezone.localdate()
    return (today.replace(day=1) - dt.timedelta(days=1)).replace(day=1)


def compilation_render(*, month: dt.date) -> CaseCompilation:
    """Render 《网格员工作案例汇编》 of the month's published cases to PDF (replacing an older one)."""
    from casebank.rendering import render_compilation
    from casebank.selectors import cases_of_month

    month = month.replace(day=1)
    cases = list(cases_of_month(month))
    pdf = render_compilation(month=month, cases=cases)
    with transaction.atomic():
        compilation = CaseCompilation.objects.select_for_update().filter(month=month).first()
        if compilation is None:
            compilation = CaseCompilation(month=month)
        elif compilation.file:
            compilation.file.delete(save=False)
        compilation.case_count = len(cases)
        compilation.created_at = timezone.now()
        compilation.file.save(f"anli-huibian-{month:%Y-%m}.pdf", ContentFile(pdf), save=False)
        compilation.save()
        return compilation


# --- synonym groups (docs/rules.md §10) -----------------------------------------------------------


class SynonymRefused(Exception):
    """The word or group cannot be saved as asked. Message is Chinese."""


def _synonym_word_clean(word: str) -> str:
    word = (word or "").strip().lower()
    if not word:
        raise SynonymRefused("同义词不能为空")
    if any(ch in word for ch in " \t\n,，、;；/|"):
        raise SynonymRefused(f"同义词“{word}”中不能有空格或分隔符")
    return word


def synonym_word_add(*, group: SynonymGroup, word: str) -> SynonymGroup:
    """Add `word` to `group` (the trainer's "加为…的同义词"); a word already in it changes nothing."""
    word = _synonym_word_clean(word)
    with transaction.atomic():
        group = SynonymGroup.objects.select_for_update().get(pk=group.pk)
        words = group.word_list()
        if word not in words:
            problem = SynonymGroup.words_problem([*words, word], exclude_pk=group.pk)
            if problem:
                raise SynonymRefused(problem)
            group.words = " ".join([*words, word])
            group.save(update_fields=["words", "updated_at"])
    return group


def synonym_group_create(*, words: list[str], note: str = "") -> SynonymGroup:
    """A new group of at least two distinct words."""
    cleaned: list[str] = []
    for word in words:
        word = _synonym_word_clean(word)
        if word not in cleaned:
            cleaned.append(word)
    problem = SynonymGroup.words_problem(cleaned)
    if problem:
        raise SynonymRefused(problem)
    return SynonymGroup.objects.create(words=" ".join(cleaned), note=note[:100])


# --- search log (docs/rules.md §10) --------------------------------------------------------------

SEARCH_LOG_QUERY_MAX = 200
# The same person's same query within this window (a filter or page change) is one search.
SEARCH_LOG_REPEAT_SECONDS = 60


def search_query_normalise(query: str) -> str:
    """The query as typed, runs of whitespace collapsed to one space and the ends stripped."""
    return " ".join((query or "").split())


# A phone number or 身份证号 typed into the search box is personal data the log must not keep.
_NUMBER_RUN = re.compile(r"\d{6,}[\dXx]*")


def search_query_for_log(query: str) -> str:
    """The normalised query with runs of six or more digits replaced by 〔号码〕 (docs/rules.md §10)."""
    return _NUMBER_RUN.sub("〔号码〕", search_query_normalise(query))


def search_log_record(*, user, scope: str, query: str, result_count: int, now: dt.datetime | None = None):
    """Log one search of a signed-in user; returns the SearchLog row, or None for an empty query.

    A query over 200 characters keeps only its length. Repeating the same query within
    SEARCH_LOG_REPEAT_SECONDS reuses the row, keeping the larger result count (a narrowing filter
    does not turn a search that found something into a zero-result one)."""
    query = search_query_normalise(query)
    if not query or user is None or not user.is_authenticated:
        return None
    now = now or timezone.now()
    length = len(query)
    text = search_query_for_log(query) if length <= SEARCH_LOG_QUERY_MAX else ""
    result_count = max(0, int(result_count))
    recent = (
        SearchLog.objects.filter(
            user=user,
            scope=scope,
            query=text,
            query_length=length,
            created_at__gte=now - dt.timedelta(seconds=SEARCH_LOG_REPEAT_SECONDS),
        )
        .order_by("-created_at", "-pk")
        .first()
    )
    if recent is not None:
        if result_count > recent.result_count:
            recent.result_count = result_count
            recent.save(update_fields=["result_count"])
        return recent
    return SearchLog.objects.create(
        user=user, scope=scope, query=text, query_length=length, result_count=result_count, created_at=now
    )


def search_log_open(*, log: SearchLog, user, case: CasePage | None = None, faq: Faq | None = None) -> SearchLog:
    """Record what the searcher opened from this search: the latest case or FAQ counts. Only the
    log's own user may mark it (the views and the API look the row up by user first)."""
    if log.user_id is None or log.user_id != getattr(user, "pk", None):
        raise PermissionError("只能记录本人的检索")
    if case is not None:
        log.opened_case = case
    if faq is not None:
        log.opened_faq = faq
    log.save(update_fields=["opened_case", "opened_faq"])
    return log


def search_log_prune(*, now: dt.datetime | None = None) -> int:
    """Delete search-log rows older than SEARCH_LOG_KEEP_DAYS (180); returns how many went."""
    from django.conf import settings

    cutoff = (now or timezone.now()) - dt.timedelta(days=settings.SEARCH_LOG_KEEP_DAYS)
    deleted, _ = SearchLog.objects.filter(created_at__lt=cutoff).delete()
    return deleted


def synonym_from_search(*, query: str, word: str) -> tuple[SynonymGroup, str]:
    """The insights page's 加为同义词: put the searched `query` and `word` in one group.

    If `word` is in a group, the query joins it; else if the query is in a group, `word` joins
    that; else a new group of the two. Returns (group, the word the group was named by)."""
    from casebank.selectors import synonym_group_of

    query_word = _synonym_word_clean(search_query_normalise(query))
    word = _synonym_word_clean(word)
    if query_word == word:
        raise SynonymRefused("同义词不能与搜索词相同")
    group = synonym_group_of(word)
    if group is not None:
        return synonym_word_add(group=group, word=query_word), word
    group = synonym_group_of(query_word)
    if group is not None:
        return synonym_word_add(group=group, word=word), query_word
    return synonym_group_create(words=[word, query_word], note="由检索分析添加"), word
