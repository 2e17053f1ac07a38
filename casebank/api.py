"""Case search API: GET /api/v1/cases/search (any logged-in user)."""

from ninja import Field, Query, Router, Schema

from casebank import selectors
from lms.api_schemas import Text, errors

router = Router(tags=["案例库"])


class CaseSearchIn(Schema):
    q: Text = Field("", description="检索词（中文按词切分）")
    category: Text = Field("", description="案例分类名称")
    indicator: Text = Field("", description="能力指标代码，如 3.2")
    limit: int = Field(20, ge=1, le=100, description="最多返回条数（1–100）")


class CaseHit(Schema):
    id: int
    title: str
    url: str
    snippet: str


class CaseSearchOut(Schema):
    count: int
    results: list[CaseHit]
    suggestions: list[CaseHit] = Field(
        [],
        description="检索词只有提问用语（如“怎么办”“请问”）时，为当前用户常看类别中阅读最多的案例；否则为空",
    )


@router.get(
    "/cases/search",
    response={200: CaseSearchOut, **errors(422)},
    summary="案例检索（中文分词）",
    description="按词检索已发布的案例（含同义词，原词排在同义词之前），最相关的在前；count 为全部命中数，"
    "results 最多 limit 条；只有提问用语时 suggestions 为常看的案例。",
)
def case_search(request, params: Query[CaseSearchIn]):
    count, hits = selectors.search_cases(
        params.q, category=params.category, indicator=params.indicator, limit=params.limit
    )
    suggestions = []
    if selectors.question_only(params.q):
        suggestions = [
            CaseHit(id=c.pk, title=c.title, url=c.url or "", snippet=selectors.snippet_for([], c.problem)[0])
            for c in selectors.popular_cases(request.user)
        ]
    return CaseSearchOut(
        count=count,
        results=[CaseHit(id=h.id, title=h.title, url=h.url, snippet=h.snippet) for h in hits],
        suggestions=suggestions,
    )
