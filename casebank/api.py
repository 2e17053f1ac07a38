"""Case search API: GET /api/v1/cases/search (any logged-in user) and the open report of a search."""

from ninja import Field, Query, Router, Schema

from casebank import selectors, services
from casebank.models import SearchScope
from lms.api_schemas import ApiError, RowId, Text, errors

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
    search_id: int | None = Field(
        None,
        description="本次检索的记录编号（检索词为空时为 null）；用户打开某个结果时，"
        "用 POST /api/v1/cases/search/{search_id}/opened 报告",
    )
    suggestions: list[CaseHit] = Field(
        [],
        description="检索词只有提问用语（如“怎么办”“请问”）时，为当前用户常看类别中阅读最多的案例；否则为空",
    )


class CaseOpenedIn(Schema):
    case_id: int = Field(..., ge=1, le=2**63 - 1, description="打开的案例编号（检索结果的 id）")


class CaseOpenedOut(Schema):
    search_id: int
    case_id: int


@router.get(
    "/cases/search",
    response={200: CaseSearchOut, **errors(422)},
    summary="案例检索（中文分词）",
    description="按词检索已发布的案例（含同义词，原词排在同义词之前），最相关的在前；count 为全部命中数，"
    "results 最多 limit 条；只有提问用语时 suggestions 为常看的案例。"
    "每次非空检索记入检索记录（docs/rules.md §10），search_id 为其编号。",
)
def case_search(request, params: Query[CaseSearchIn]):
    count, hits = selectors.search_cases(
        params.q, category=params.category, indicator=params.indicator, limit=params.limit
    )
    log = services.search_log_record(user=request.user, scope=SearchScope.CASES, query=params.q, result_count=count)
    suggestions = []
    if selectors.question_only(params.q):
        suggestions = [
            CaseHit(id=c.pk, title=c.title, url=c.url or "", snippet=selectors.snippet_for([], c.problem)[0])
            for c in selectors.popular_cases(request.user)
        ]
    return CaseSearchOut(
        count=count,
        results=[CaseHit(id=h.id, title=h.title, url=h.url, snippet=h.snippet) for h in hits],
        search_id=log.pk if log is not None else None,
        suggestions=suggestions,
    )


@router.post(
    "/cases/search/{search_id}/opened",
    response={200: CaseOpenedOut, **errors(400, 404, 422)},
    summary="报告打开了检索结果中的案例",
    description="只能报告本人的检索，他人的 search_id 返回 404；案例不存在或未发布返回 404。",
)
def case_search_opened(request, search_id: RowId, payload: CaseOpenedIn):
    log = selectors.own_search_log(request.user, search_id)
    if log is None:
        raise ApiError(404, "未找到这次检索")
    case = selectors.live_cases().filter(pk=payload.case_id).first()
    if case is None:
        raise ApiError(404, "未找到该案例")
    services.search_log_open(log=log, user=request.user, case=case)
    return CaseOpenedOut(search_id=log.pk, case_id=case.pk)
