"""Competency profile API (docs/api.md): a worker's stored scores for a period.

Mounted under the assessments router (assessments/api.py). Another worker outside the caller's
view answers 404, a period that is not `YYYY` or `YYYY-Qn` 400 with a Chinese detail.
"""

from __future__ import annotations

from decimal import Decimal

from django.utils import timezone
from ninja import Field, Query, Router, Schema

from assessments.profiles import Score, profile_for, visible_worker
from lms.api_schemas import ApiError, Text, errors
from lms.periods import Period, PeriodError, parse_period

router = Router(tags=["能力评分"])


def _text(score: Decimal | None) -> str | None:
    return None if score is None else f"{score:.2f}"


class ProfileIn(Schema):
    worker: Text = Field("", description="工号；省略为本人")
    period: Text = Field("", description="年份（2026）或季度（2026-Q2）；省略为今年")


class OverallOut(Schema):
    score: str | None = Field(description="综合得分，两位小数的字符串；暂无数据为 null")
    level: str | None = Field(description="等级：优秀、良好、合格、待提升；暂无数据为 null")


class PrimaryOut(OverallOut):
    code: str = Field(description='一级指标编码，如 "1"')
    name: str


class IndicatorOut(PrimaryOut):
    code: str = Field(description='二级指标编码，如 "1.1"')
    evidence_count: int = Field(description="计入的证据条数")


class ProfileOut(Schema):
    worker: str = Field(description="工号")
    period: str = Field(description="期间：年份（2026）或季度（2026-Q2）")
    overall: OverallOut
    primaries: list[PrimaryOut]
    indicators: list[IndicatorOut]


def _line(score: Score) -> dict:
    return {"code": score.code, "name": score.name, "score": _text(score.score), "level": score.level}


@router.get(
    "/competency/profile",
    response={200: ProfileOut, **errors(400, 404, 422)},
    summary="能力画像（存储的得分）",
    description=(
        "worker 为工号，省略时为本人；period 为年份（2026）或季度（2026-Q2），省略时为今年。"
        "看不到的人员返回 404，期间格式不对返回 400。"
    ),
)
def competency_profile(request, params: Query[ProfileIn]):
    worker, period = params.worker.strip() or None, params.period
    if not period.strip():
        chosen = Period(timezone.localdate().year)
    else:
        try:
            chosen = parse_period(period)
        except PeriodError as wrong:
            raise ApiError(400, f"查询参数 period：{wrong}") from None
    person = visible_worker(request.user, worker)
    if person is None:
        raise ApiError(404, "未找到该人员或无权查看")
    profile = profile_for(person, chosen)
    return ProfileOut(
        worker=person.employee_no,
        period=chosen.code,
        overall=OverallOut(score=_text(profile.overall.score), level=profile.overall.level),
        primaries=[PrimaryOut(**_line(p)) for p in profile.primaries],
        indicators=[IndicatorOut(**_line(i), evidence_count=i.evidence_count) for i in profile.indicators],
    )
