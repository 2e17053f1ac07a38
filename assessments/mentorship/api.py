"""Mentorship API (docs/api.md): a mentor logs a session, the mentee confirms it, the monthly board.

Not one's own mentee, someone else's session: 404. A date in the future or outside the term: 400.
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Literal

from django.utils import timezone
from ninja import Query, Router, Schema, Status
from pydantic import Field, StringConstraints

from lms.api_schemas import ApiError, RowId, Text, errors
from lms.models import Worker

from . import selectors, services
from .models import SessionType

router = Router(tags=["导师制"])

SessionKind = Literal["入户走访", "现场示范", "答疑辅导", "复盘总结"]
assert set(SessionKind.__args__) == set(SessionType.values)


class SessionIn(Schema):
    mentee: Annotated[Text, StringConstraints(min_length=1, max_length=32)] = Field(description="徒弟工号")
    date: dt.date = Field(description="日期（YYYY-MM-DD），不能晚于今天，须在帮带期内")
    type: SessionKind = Field(description="类型")
    minutes: int = Field(ge=1, le=720, description="时长（分钟）")
    place: Annotated[Text, StringConstraints(min_length=1, max_length=100)] = Field(description="地点")
    indicators: list[Annotated[str, StringConstraints(max_length=10)]] = Field(
        default_factory=list, max_length=18, description='练习的能力指标编码，如 ["2.1", "3.2"]'
    )
    notes: Annotated[Text, StringConstraints(max_length=2000)] = Field("", description="记录")


class SessionCreatedOut(Schema):
    id: int
    status: str = Field(description="待确认")


class SessionStatusOut(Schema):
    status: str = Field(description="已确认")


class ComplianceOut(Schema):
    mentor: str = Field(description="导师工号")
    mentee: str = Field(description="徒弟工号")
    required: int = Field(description="本月应完成的入户走访次数")
    confirmed_visits: int = Field(description="本月徒弟已确认的入户走访次数")
    status: Literal["达标", "未达标"]


class ComplianceQuery(Schema):
    month: Annotated[str, StringConstraints(pattern=r"^(\d{4}-(0[1-9]|1[0-2]))?$")] = Field(
        "", description="月份 YYYY-MM，默认本月"
    )


@router.post(
    "/mentorship/sessions",
    response={201: SessionCreatedOut, **errors(400, 404, 422)},
    summary="导师记录一次指导",
    description="只能为本人正在带教的徒弟记录；日期晚于今天或不在帮带期内返回 400；不是本人的徒弟返回 404。",
)
def session_create(request, payload: SessionIn):
    mentee = Worker.objects.filter(employee_no=payload.mentee).first()
    if mentee is None:
        raise ApiError(404, "未找到该徒弟（不是您正在带教的徒弟）")
    try:
        session = services.session_log(
            mentor_user=request.user,
            mentee=mentee,
            date=payload.date,
            type=payload.type,
            minutes=payload.minutes,
            place=payload.place,
            indicators=payload.indicators,
            notes=payload.notes,
        )
    except LookupError:
        raise ApiError(404, "未找到该徒弟（不是您正在带教的徒弟）") from None
    except services.MentorshipError as exc:
        raise ApiError(400, str(exc)) from None
    return Status(201, SessionCreatedOut(id=session.pk, status=session.status))


@router.post(
    "/mentorship/sessions/{session_id}/confirm",
    response={200: SessionStatusOut, **errors(404, 409, 422)},
    summary="徒弟确认指导记录",
    description="只有该帮带期的徒弟本人可以确认，其他人返回 404；已提出异议的记录返回 409。",
)
def session_confirm(request, session_id: RowId):
    session = selectors.session_of_mentee(request.user, session_id)
    if session is None:
        raise ApiError(404, "未找到该指导记录")
    try:
        session = services.session_confirm(user=request.user, session=session)
    except LookupError:
        raise ApiError(404, "未找到该指导记录") from None
    except services.MentorshipError as exc:
        raise ApiError(409, str(exc)) from None
    return SessionStatusOut(status=session.status)


@router.get(
    "/mentorship/compliance",
    response={200: list[ComplianceOut], **errors(422)},
    summary="当月入户走访达标情况",
    description="本人可见的每个与该月有交集的帮带期一行：导师看自己带教的，徒弟看自己的，培训管理员、管理者和人事看辖区内的。",
)
def compliance(request, query: Query[ComplianceQuery]):
    try:
        month = selectors.parse_month(query.month) if query.month else timezone.localdate().replace(day=1)
    except ValueError as exc:  # the pattern admits 0000-01; the year's range is the parser's
        raise ApiError(422, str(exc)) from None
    rows = selectors.compliance_rows(selectors.terms_visible(request.user), month)
    return [
        ComplianceOut(
            mentor=r.term.mentor.employee_no,
            mentee=r.term.mentee.employee_no,
            required=r.required,
            confirmed_visits=r.confirmed_visits,
            status=r.status,
        )
        for r in rows
    ]
