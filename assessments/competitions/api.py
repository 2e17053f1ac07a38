"""Competitions API (DESIGN, HTTP): the competitions one may see and a competition's leaderboard.

The leaderboard is read from the same precomputed board as the pages (staff see every round, others
published rounds only), with an ETag: a matching If-None-Match answers 304 without a body.
"""

from __future__ import annotations

import datetime as dt
import json

from django.http import HttpResponse
from ninja import Header, Router, Schema
from pydantic import Field

from lms.access import worker_of
from lms.api_schemas import ApiError, RowId, errors

from . import selectors_boards

router = Router(tags=["技能比武"])


class CompetitionOut(Schema):
    id: int
    name: str
    stage: str = Field(description="赛段：街道初赛、区复赛、市决赛或单场")
    description: str
    entered: bool = Field(description="本人是否为参赛选手")


class LeaderboardRowOut(Schema):
    rank: int = Field(description="名次（并列同名次）")
    worker: str = Field(description="选手工号")
    name: str = Field(description="选手姓名")
    overall: float = Field(description="总成绩（各轮得分率的加权平均，百分制）")
    rounds: dict[str, float | None] = Field(description="轮次名称 → 得分率（百分制），尚无成绩为 null")


class LeaderboardOut(Schema):
    results: list[LeaderboardRowOut] = Field(description="按名次从前到后")
    updated_at: dt.datetime | None = Field(description="排行榜生成时间")


@router.get(
    "/competitions",
    response={200: list[CompetitionOut], **errors()},
    summary="可查看的技能比武",
    description="工作人员（培训管理员、评委）看到全部比赛；其他人看到全市性的、本单位所属单位主办的和本人参加的比赛。",
)
def competition_list(request):
    worker = worker_of(request.user)
    competitions = list(selectors_boards.competitions_visible(request.user))
    entered = set()
    if worker is not None:
        entered = set(
            worker.competition_entries.filter(competition__in=competitions).values_list("competition_id", flat=True)
        )
    return [
        CompetitionOut(id=c.pk, name=c.name, stage=c.stage, description=c.description, entered=c.pk in entered)
        for c in competitions
    ]


@router.get(
    "/competitions/{competition_id}/leaderboard",
    response={200: LeaderboardOut, 304: None, **errors(404, 422)},
    summary="排行榜",
    description=(
        "名次从前到后。工作人员（培训管理员、评委）看到全部轮次，其他人只看到已公布的轮次。"
        "响应带 ETag；请求带 If-None-Match 且排行榜未变化时返回 304（无内容）。看不到的比赛返回 404。"
    ),
)
def leaderboard(
    request,
    response: HttpResponse,
    competition_id: RowId,
    if_none_match: str = Header("", alias="If-None-Match", description="上次响应的 ETag（可省略）"),
):
    access = selectors_boards.board_access(request.user, competition_id)
    board = selectors_boards.served_board(competition_id, staff=access.staff) if access.visible else None
    if board is None:
        raise ApiError(404, "未找到该比赛")
    etag = f'"{board.etag}"'
    if selectors_boards.etag_matches(if_none_match, board.etag):
        not_modified = HttpResponse(status=304)
        not_modified["ETag"] = etag
        not_modified["Cache-Control"] = "private, no-cache"
        return not_modified
    response["ETag"] = etag
    response["Cache-Control"] = "private, no-cache"
    payload = json.loads(board.payload)
    return LeaderboardOut(
        results=[
            LeaderboardRowOut(
                rank=row["rank"], worker=row["worker"], name=row["name"], overall=row["overall"], rounds=row["rounds"]
            )
            for row in payload.get("results", [])
        ],
        updated_at=payload.get("updated_at"),
    )
