"""Reads of the case library: Chinese search over cases and FAQs, drills and the judge's queue."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import Count, Max, Q, QuerySet
from django.utils.html import escape
from django.utils.safestring import mark_safe
from wagtail.search.backends import get_search_backend

from casebank.models import (
    CaseCategory,
    CaseCompilation,
    CasePage,
    DrillAttempt,
    DrillAttemptState,
    DrillAttemptStep,
    DrillPage,
    Faq,
    SearchLog,
    SynonymGroup,
)
from casebank.search import synonyms
from casebank.search.postings import restricted_paths
from casebank.search.segment import MAX_QUERY_LENGTH, is_question_only, query_terms, term_impact
from lms import roles
from lms.access import scope_queryset, worker_of

# Without a ranking index (a deployment on Elasticsearch/OpenSearch) the backend's first CANDIDATES
# matches are scored here with the same formula as the ranking index.
CANDIDATES = 100
SNIPPET_LENGTH = 80


@dataclass
class Hit:
    id: int
    title: str
    url: str
    snippet: str
    snippet_html: str
    score: float
    obj: object = None


def _score(weights: dict[str, float] | list[str], title: str, body: str) -> float:
    """A document's score as the ranking index computes it (a list of words: each at weight 1)."""
    if not isinstance(weights, dict):
        weights = dict.fromkeys(weights, 1.0)
    title, body = title.lower(), body.lower()
    return sum(weight * term_impact(term, title, body) for term, weight in weights.items())


def search_weights(query: str) -> dict[str, float]:
    """The words a search looks for and what each counts: the query's own words at 1.0, their
    synonyms at `synonyms.SYNONYM_WEIGHT` (docs/rules.md §10); {} when nothing is to be searched."""
    return synonyms.expand(query_terms(query or ""))


def snippet_for(terms: list[str], text: str, length: int = SNIPPET_LENGTH) -> tuple[str, str]:
    """(plain, html) excerpt of `text` around the first query word, words marked in the html."""
    text = " ".join((text or "").split())
    positions = [(text.find(t), t) for t in terms if t and text.find(t) >= 0]
    start = 0
    if positions:
        first = min(p for p, _ in positions)
        start = max(0, first - length // 4)
    plain = text[start : start + length]
    if start > 0:
        plain = "…" + plain
    if start + length < len(text):
        plain += "…"
    html = escape(plain)
    for term in sorted({t for t in terms if t}, key=len, reverse=True):
        html = html.replace(escape(term), f"\x00{escape(term)}\x01")
    html = html.replace("\x00", "<mark>").replace("\x01", "</mark>")
    # nested marks (a short word inside a longer one already marked) collapse to one level
    while "<mark><mark>" in html:
        html = html.replace("<mark><mark>", "<mark>").replace("</mark></mark>", "</mark>")
    return plain, mark_safe(html)


def _ranked(
    weights: dict[str, float], listed: QuerySet, limit: int, *, filters: QuerySet | None = None, sort_key=None
) -> tuple[int, list[tuple[object, float]]]:
    """(number of matches, best `limit` objects with their scores) for any of the words of
    `weights` (each scaled by its weight), among the
    `listed` objects (what readers may find) that are also in `filters` if given.

    With the database backends the ranking index answers; it holds only listed objects, so only
    the filters become a pk list. Otherwise the backend's search() finds the matches and its
    first CANDIDATES are scored here.
    """
    model = listed.model
    queryset = listed if filters is None else listed.filter(pk__in=filters.values("pk"))
    backend = get_search_backend()
    if getattr(backend, "has_ranking_index", lambda m: False)(model):
        only_ids = None if filters is None else list(filters.order_by().values_list("pk", flat=True))
        count, ranked = backend.ranked_object_ids(list(weights), model, limit, only_ids=only_ids, weights=weights)
        objects = queryset.in_bulk([pk for pk, _ in ranked])
        # an object listed when indexed but hidden since (a view restriction added later) drops out
        return count, [(objects[pk], score) for pk, score in ranked if pk in objects]
    results = backend.search(" ".join(weights), queryset, operator="or")
    scored = [(obj, _score(weights, *obj.search_document())) for obj in results[:CANDIDATES]]
    scored.sort(key=lambda pair: (-pair[1], -(sort_key(pair[0]) if sort_key else 0), pair[0].pk))
    return results.count(), scored[:limit]


def live_cases() -> QuerySet[CasePage]:
    """Published cases outside any view restriction (Wagtail's `.live().public()`, see restricted_paths)."""
    queryset = CasePage.objects.live()
    for path in restricted_paths():
        queryset = queryset.exclude(path__startswith=path)
    return queryset


def _limit(value, default: int) -> int:
    return max(1, min(int(value or default), 100))


def search_cases(query: str, *, category: str = "", indicator: str = "", limit: int = 20) -> tuple[int, list[Hit]]:
    """Cases matching any word of `query` or a synonym of one, best first: (count of matches, top
    `limit` hits)."""
    weights = search_weights(query)
    if not weights:
        return 0, []
    filters = None
    if category:
        filters = CasePage.objects.filter(category__name=category)
    if indicator:
        filters = (filters if filters is not None else CasePage.objects.all()).filter(indicators__code=indicator)
    count, ranked = _ranked(
        weights,
        live_cases().select_related("category"),
        _limit(limit, 20),
        filters=filters,
        sort_key=lambda page: page.case_date.toordinal(),
    )
    hits = []
    for page, score in ranked:
        plain, html = snippet_for(list(weights), " ".join([page.problem, page.handling, page.lessons, page.feedback]))
        hits.append(
            Hit(
                id=page.pk,
                title=page.title,
                url=page.url or "",
                snippet=plain,
                snippet_html=html,
                score=score,
                obj=page,
            )
        )
    return count, hits


def search_faqs(query: str, *, category: str = "", limit: int = 10) -> tuple[int, list[Hit]]:
    """FAQs matching any word of `query` or a synonym of one, best first."""
    weights = search_weights(query)
    if not weights:
        return 0, []
    filters = Faq.objects.filter(category__name=category) if category else None
    count, ranked = _ranked(weights, Faq.objects.select_related("category"), _limit(limit, 10), filters=filters)
    hits = []
    for faq, score in ranked:
        plain, html = snippet_for(list(weights), faq.answer)
        hits.append(Hit(id=faq.pk, title=faq.question, url="", snippet=plain, snippet_html=html, score=score, obj=faq))
    return count, hits


def categories() -> QuerySet[CaseCategory]:
    return CaseCategory.objects.all()


def case_search_page_context(request) -> dict:
    """What the case library page shows: the search form, hits or the latest cases, FAQ hits."""
    from assessments.selectors import active_indicators

    query = request.GET.get("q", "").strip()
    category = request.GET.get("category", "").strip()
    indicator = request.GET.get("indicator", "").strip()
    context = {
        "query": query,
        "category": category,
        "indicator": indicator,
        "categories": categories(),
        "indicators": active_indicators(),
        "too_long": len(query) > MAX_QUERY_LENGTH,
        "compilations": CaseCompilation.objects.all()[:12],
    }
    if query and is_question_only(query):
        # only 怎么办 / 请问 …: nothing to search for, so the reader's usual reading (docs/rules.md §10)
        context.update(
            count=0,
            hits=[],
            faq_hits=[],
            searched=True,
            question_only=True,
            popular=popular_cases(request.user, limit=SUGGESTIONS),
            popular_faqs=popular_faqs(request.user, limit=SUGGESTIONS),
        )
    elif query:
        count, hits = search_cases(query, category=category, indicator=indicator, limit=20)
        faq_count, faq_hits = search_faqs(query, category=category, limit=5)
        context.update(count=count, hits=hits, faq_hits=faq_hits, searched=True)
        if not hits and not faq_hits:
            context["popular"] = popular_cases(request.user, limit=SUGGESTIONS)
    else:
        latest = live_cases().select_related("category")
        if category:
            latest = latest.filter(category__name=category)
        if indicator:
            latest = latest.filter(indicators__code=indicator)
        context.update(latest=latest.order_by("-case_date", "-pk")[:20], searched=False)
    return context


SUGGESTIONS = 5


def popular_cases(user, *, limit: int = SUGGESTIONS) -> list[CasePage]:
    """The most-read cases (by how many people opened them; newer first on a tie), from the
    categories of the cases `user` has read if they have read any; what a search that found
    nothing suggests (docs/rules.md §10)."""
    cases = live_cases().select_related("category")
    read_categories = _read_category_ids(user)
    if read_categories:
        cases = cases.filter(category_id__in=read_categories)
    ranked = cases.annotate(readers=Count("reads")).order_by("-readers", "-case_date", "-pk")
    return list(ranked[:limit])


def _read_category_ids(user) -> list[int]:
    """Categories of the live cases `user` has read ([] for none, or for an anonymous user)."""
    if user is None or not user.is_authenticated:
        return []
    return list(live_cases().filter(reads__user=user).order_by().values_list("category_id", flat=True).distinct())


def popular_faqs(user, *, limit: int = SUGGESTIONS) -> list[Faq]:
    """FAQs of the categories `user` reads cases of (all categories if none), in the FAQ list's own
    order — how often an FAQ is read is not recorded (docs/rules.md §10)."""
    faqs = Faq.objects.select_related("category")
    read_categories = _read_category_ids(user)
    if read_categories:
        faqs = faqs.filter(category_id__in=read_categories)
    return list(faqs.order_by("category__order", "order", "pk")[:limit])


def question_only(query: str) -> bool:
    """The query has only question words (怎么办, 请问 …): nothing to search for (docs/rules.md §10)."""
    return is_question_only(query or "")


def faqs_by_category(category: str = "") -> QuerySet[Faq]:
    qs = Faq.objects.select_related("category")
    return qs.filter(category__name=category) if category else qs


def cases_of_month(month: dt.date) -> QuerySet[CasePage]:
    start = month.replace(day=1)
    end = (start + dt.timedelta(days=32)).replace(day=1)
    return (
        live_cases()
        .filter(case_date__gte=start, case_date__lt=end)
        .select_related("category")
        .order_by("category__order", "case_date", "pk")
    )


# --- search log and the trainers' 检索分析 page (docs/rules.md §10) ------------------------------

INSIGHT_DAY_CHOICES = (7, 30, 90)


def may_see_search_insights(user) -> bool:
    """Trainers (who keep the case library) and superusers."""
    return bool(user.is_authenticated and (user.is_superuser or roles.has_role(user, roles.TRAINER)))


def own_search_log(user, log_id: int) -> SearchLog | None:
    """The user's own search-log row; someone else's id is as unknown as a missing one."""
    if not user.is_authenticated:
        return None
    return SearchLog.objects.filter(pk=log_id, user=user).first()


def synonym_group_of(word: str) -> SynonymGroup | None:
    """The first synonym group holding `word` (groups are a few hundred rows of free text)."""
    word = (word or "").strip().lower()
    if not word:
        return None
    for group in SynonymGroup.objects.filter(words__icontains=word).order_by("pk"):
        if word in group.word_list():
            return group
    return None


def synonym_words() -> list[str]:
    """Every word of every group, for the insights page's word suggestions."""
    words: set[str] = set()
    for text in SynonymGroup.objects.values_list("words", flat=True):
        words.update(SynonymGroup(words=text).word_list())
    return sorted(words)


def _grouped_queries(logs: QuerySet[SearchLog]):
    """Rows of {query, searches, users, last} per query text, most searched first."""
    return (
        logs.exclude(query="")
        .order_by()
        .values("query")
        .annotate(searches=Count("pk"), users=Count("user", distinct=True), last=Max("created_at"))
        .order_by("-searches", "-last", "query")
    )


def search_insights(*, days: int, now: dt.datetime | None = None) -> dict:
    """The 检索分析 tables over the last `days` days: queries that found nothing, and queries
    that found something of which nothing was opened. Query texts and counts only, no names."""
    from django.utils import timezone

    since = (now or timezone.now()) - dt.timedelta(days=days)
    window = SearchLog.objects.filter(created_at__gte=since)
    return {
        "since": since,
        "total": window.count(),
        "zero_result": _grouped_queries(window.filter(result_count=0)),
        "no_click": _grouped_queries(
            window.filter(result_count__gt=0, opened_case__isnull=True, opened_faq__isnull=True)
        ),
    }


# --- drills ---------------------------------------------------------------------------------------


def live_drills() -> QuerySet[DrillPage]:
    return DrillPage.objects.live().public().order_by("path")


def own_attempts(user, drill: DrillPage | None = None) -> QuerySet[DrillAttempt]:
    worker = worker_of(user)
    if worker is None:
        return DrillAttempt.objects.none()
    qs = DrillAttempt.objects.filter(worker=worker)
    return qs.filter(drill=drill) if drill is not None else qs


def visible_attempts(user) -> QuerySet[DrillAttempt]:
    """Runs the user may look at: own, and (trainers) those of their subtree."""
    return scope_queryset(user, DrillAttempt.objects.select_related("drill", "worker"), worker_path="worker")


def drill_page_context(request, page: DrillPage) -> dict:
    from casebank.drills import graph_from_stream

    user = request.user
    context = {"graph": graph_from_stream(page.steps)}
    if not user.is_authenticated:
        return context
    attempts = own_attempts(user, page).prefetch_related("steps")
    current = attempts.filter(state=DrillAttemptState.IN_PROGRESS).first()
    context["attempt"] = current
    context["finished"] = attempts.exclude(state=DrillAttemptState.IN_PROGRESS)[:5]
    if current is not None:
        context["step"] = context["graph"].by_key.get(current.current_key)
        context["taken"] = list(current.steps.all())
    return context


def is_judge(user) -> bool:
    return user.is_authenticated and (user.is_superuser or roles.has_role(user, roles.JUDGE, roles.TRAINER))


def judge_queue(user) -> QuerySet[DrillAttemptStep]:
    """Free-text responses awaiting a mark that this user may mark: judges those of the drills they
    are named judges of; trainers those of their own subtree; nobody their own."""
    pending = DrillAttemptStep.objects.filter(
        max_points__isnull=False, judged_at__isnull=True, attempt__state=DrillAttemptState.AWAITING_REVIEW
    ).select_related("attempt__drill", "attempt__worker__org_unit")
    if not user.is_authenticated:
        return pending.none()
    if user.is_superuser:
        return pending.order_by("attempt__finished_at", "pk")
    allowed = Q(pk__in=[])
    if roles.has_role(user, roles.TRAINER):
        allowed |= Q(
            pk__in=scope_queryset(user, DrillAttemptStep.objects.all(), worker_path="attempt__worker").values("pk")
        )
    if roles.has_role(user, roles.JUDGE):
        allowed |= Q(attempt__drill__judges=user)
    qs = pending.filter(allowed)
    own = worker_of(user)
    if own is not None:
        qs = qs.exclude(attempt__worker=own)
    return qs.distinct().order_by("attempt__finished_at", "pk")


# --- 辖区概览 (lms.hooks.register_dashboard_figure; docs/rules.md §15) ------------------------------


def dashboard_figures(query) -> list:
    """情景演练 runs finished in the period per row unit and their pass rate (docs/rules.md §6), from
    one aggregate over the subtree's runs."""
    from django.db.models import Count

    from casebank.drills import DRILL_PASS_PERCENT
    from lms.dashboard import COUNT, RATE, Figure, Ratio, day_bounds, grouped

    start, end = day_bounds(query.period.start, query.period.end)
    rows = grouped(
        DrillAttempt.objects.filter(
            query.scope_q("worker__"), state=DrillAttemptState.COMPLETED, finished_at__gte=start, finished_at__lt=end
        )
        .order_by()
        .annotate(row=query.row_key("worker__"))
        .values("row")
        .annotate(runs=Count("pk"), passed=Count("pk", filter=Q(score__gte=DRILL_PASS_PERCENT)))
    )
    return [
        Figure(
            key="drills",
            label="情景演练",
            kind=COUNT,
            by_unit={key: r["runs"] for key, r in rows.items()},
            definition="期间内完成（已计分）的情景演练次数",
            order=50,
        ),
        Figure(
            key="drills_passed",
            label="演练合格率",
            kind=RATE,
            by_unit={key: Ratio(r["passed"], r["runs"]) for key, r in rows.items()},
            definition="期间内完成的演练中得分不低于 60 的比例",
            order=55,
        ),
    ]
