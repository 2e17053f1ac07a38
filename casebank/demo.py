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
    # last month's 《网格员工作案例汇编》, so the library lists one for download
    month = services.previous_month()
    if with_compilation and not CaseCompilation.objects.filter(month=month).exists():
        services.compilation_render(month=month)
    if stdout is not None:
        stdout.write(
            f"案例库：{len(CASES)} 个案例（本次写入 {created} 个）、{len(FAQS)} 条常见问题、{len(DRILLS)} 个情景演练、"
            f"{reads} 次案例阅读"
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
