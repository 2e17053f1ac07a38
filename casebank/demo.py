"""Demo content of the case library: cases, FAQs, four drills and last month's compilation.
Idempotent: cases by 标题 + 日期, FAQs by question, drills by slug."""

from __future__ import annotations

import datetime as dt

from casebank.demo_cases import CASES
from casebank.demo_drills import DRILLS
from casebank.demo_faqs import FAQS
from casebank.models import CaseCategory, CaseCompilation, CaseRead


def load(stdout=None, *, with_compilation: bool = True) -> None:
    from django.contrib.auth import get_user_model

    from casebank import services

    services.casebank_defaults_ensure()
    categories = {c.name: c for c in CaseCategory.objects.all()}
    created = 0
    for title, category, problem, handling, lessons, feedback, tags, codes, day in CASES:
        _, changed = services.case_publish(
            data=services.CaseData(
                title=title,
                category=categories[category],
                problem=problem,
                handling=handling,
                lessons=lessons,
                feedback=feedback,
                tags=[t for t in tags.split(";") if t],
                indicator_codes=[c for c in codes.split(";") if c],
                case_date=dt.date.fromisoformat(day),
            )
        )
        created += changed
    for order, (category, question, answer) in enumerate(FAQS, start=1):
        services.faq_save(question=question, answer=answer, category=categories[category], order=order)
    library = services.drill_library_ensure()
    judges = list(get_user_model().objects.filter(username__in=["pw001", "pw002"]))
    for drill in DRILLS:
        services.drill_publish(
            parent=library,
            title=drill["title"],
            slug=drill["slug"],
            summary=drill["summary"],
            steps=drill["steps"],
            indicator_codes=drill["indicators"],
            judges=judges,
        )
    reads = _reads()
    searches = _searches()
    # last month's 《网格员工作案例汇编》, so the library lists one for download
    month = services.previous_month()
    if with_compilation and not CaseCompilation.objects.filter(month=month).exists():
        services.compilation_render(month=month)
    if stdout is not None:
        stdout.write(
            f"案例库：{len(CASES)} 个案例（本次写入 {created} 个）、{len(FAQS)} 条常见问题、{len(DRILLS)} 个情景演练、"
            f"{reads} 次案例阅读、{searches} 次检索记录"
        )


def _reads() -> int:
    """Demo workers have opened cases, a few far more often than the rest (a fixed random draw
    through the same service as a page view), so an empty search's 大家常看的案例 has real counts."""
    import random

    from django.contrib.auth import get_user_model

    from casebank import selectors, services

    if CaseRead.objects.exists():
        return 0
    cases = list(selectors.live_cases().order_by("case_date", "pk"))
    users = list(get_user_model().objects.filter(worker__employee_no__startswith="wg").order_by("username")[:120])
    if not cases:
        return 0
    rng = random.Random(14)
    weights = [1 / (rank + 1) for rank in range(len(cases))]
    rng.shuffle(weights)
    count = 0
    for user in users:
        for case in set(rng.choices(cases, weights=weights, k=3)):
            services.case_read_record(user=user, case=case)
            count += 1
    return count


# Searches workers typed in the last weeks: some find nothing (words no case uses yet), some find
# cases nobody opened, so the trainers' 检索分析 page has something to act on.
DEMO_SEARCHES = [
    ("预付卡跑路", 6),
    ("快递柜", 5),
    ("外卖骑手", 4),
    ("直播带货", 3),
    ("网约车", 2),
    ("燃气", 8),
    ("高空抛物", 6),
    ("邻里纠纷 调解", 5),
    ("租房合同", 4),
    ("电瓶车上楼", 3),
]


def _searches() -> int:
    """Demo searches through the same service as the search page (docs/rules.md §10); the first
    reader opens a result of every other found search, so both 检索分析 tables have rows."""
    from django.contrib.auth import get_user_model
    from django.utils import timezone

    from casebank import selectors, services
    from casebank.models import SearchLog, SearchScope

    if SearchLog.objects.exists():
        return 0
    users = list(get_user_model().objects.filter(worker__employee_no__startswith="wg").order_by("username")[:40])
    if not users:
        return 0
    now = timezone.now()
    count = 0
    for index, (query, times) in enumerate(DEMO_SEARCHES):
        found, hits = selectors.search_cases(query, limit=5)
        for turn in range(times):
            user = users[(index * 7 + turn * 3) % len(users)]
            when = now - dt.timedelta(days=(index + turn * 3) % 25, hours=turn)
            log = services.search_log_record(
                user=user, scope=SearchScope.CASES, query=query, result_count=found, now=when
            )
            if hits and turn % 2 == 0 and index % 2 == 0:
                services.search_log_open(log=log, user=user, case=hits[0].obj)
            count += 1
    return count
