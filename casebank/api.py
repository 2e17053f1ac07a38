"""Case search API: GET /api/v1/cases/search (any logged-in user)."""

from ninja import Router, Schema

from casebank import selectors

router = Router(tags=["案例库"])


class CaseHit(Schema):
    id: int
    title: str
    url: str
    snippet: str


class CaseSearchOut(Schema):
    count: int
    results: list[CaseHit]


@router.get("/cases/search", response=CaseSearchOut, summary="案例检索（中文分词）")
def case_search(request, q: str = "", category: str = "", indicator: str = "", limit: int = 20):
    count, hits = selectors.search_cases(q, category=category, indicator=indicator, limit=max(1, min(limit, 100)))
    return {
        "count": count,
        "results": [{"id": h.id, "title": h.title, "url": h.url, "snippet": h.snippet} for h in hits],
    }
