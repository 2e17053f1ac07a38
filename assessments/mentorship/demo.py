"""Demo data of the mentorship app: 20 mentors with 30 mentees at every stage — signed off, ended
early, running on track, behind this month, just started, starting next week — and a year of
guidance sessions (most confirmed, a few pending, one disputed), all through the app's services.

`wg0001` mentors two running mentees: `wg0002` (new, behind this month: one visit still waiting
for confirmation) and `wg0007` (on track); and signed off `wg0008` last year.
"""

from __future__ import annotations

import datetime as dt
import random

from django.utils import timezone

from lms import roles
from lms.access import EVERYONE
from lms.models import Worker
from lms.services import worker_roles_set

from . import services
from .models import MentorshipTerm, SessionStatus, SessionType, TermStatus
from .selectors import add_months, month_bounds, required_visits

MENTORS = 20
PLACES = ["幸福小区3栋", "老街社区活动室", "滨江花园12栋", "独居老人王大爷家", "菜市场门口", "网格服务站", "锦绣苑5栋"]
OTHER_TYPES = [SessionType.DEMONSTRATION, SessionType.QUESTIONS, SessionType.REVIEW]


def _mentors() -> list[Worker]:
    """The demo's mentors, topped up to 20 with the longest-serving grid workers."""
    label = roles.LABEL_BY_CODE[roles.MENTOR]
    workers = Worker.objects.filter(employee_no__startswith="wg").select_related("user", "org_unit")
    mentors = list(workers.filter(user__groups__name=label).order_by("employee_no"))
    if len(mentors) < MENTORS:
        for worker in workers.exclude(pk__in=[m.pk for m in mentors]).exclude(hire_date=None).order_by("hire_date"):
            worker_roles_set(worker=worker, role_codes=worker.role_codes | {roles.MENTOR})
            mentors.append(worker)
            if len(mentors) == MENTORS:
                break
    return mentors[:MENTORS]


def _sessions(term, *, until: dt.date, rng: random.Random, behind_month: dt.date | None, pending_last: bool):
    """Each month's required home visits (confirmed), now and then another kind of session; in
    `behind_month` only one visit, left unconfirmed."""
    mentor_user, mentee_user = term.mentor.user, term.mentee.user
    month = term.start.replace(day=1)
    logged = []
    while month <= until:
        first, last = month_bounds(month)
        low, high = max(first, term.start), min(last, until, term.end)
        if low <= high:
            need = required_visits(term.start, term.end, month)
            kinds = [SessionType.HOME_VISIT] * (1 if month == behind_month else need)
            if rng.random() < 0.6:
                kinds.append(rng.choice(OTHER_TYPES))
            for kind in kinds:
                day = low + dt.timedelta(days=rng.randint(0, (high - low).days))
                session = services.session_log(
                    mentor_user=mentor_user,
                    mentee=term.mentee,
                    date=day,
                    type=kind,
                    minutes=rng.choice([30, 45, 60, 90]),
                    place=rng.choice(PLACES),
                    indicators=rng.sample(["2.1", "2.3", "3.1", "3.2", "3.4", "4.1"], 2),
                    notes="带徒弟入户，示范沟通和信息采集。" if kind == SessionType.HOME_VISIT else "",
                )
                logged.append(session)
                if month != behind_month:
                    services.session_confirm(user=mentee_user, session=session)
        month = (last + dt.timedelta(days=1)).replace(day=1)
    if pending_last and logged and logged[-1].status == SessionStatus.CONFIRMED:
        extra = services.session_log(
            mentor_user=mentor_user,
            mentee=term.mentee,
            date=min(until, term.end),
            type=SessionType.QUESTIONS,
            minutes=30,
            place="网格服务站",
            indicators=["1.2"],
        )
        logged.append(extra)
    return logged


def load(stdout) -> None:
    if MentorshipTerm.objects.exists():
        stdout.write("导师制演示数据已存在，跳过。")
        return
    mentors = _mentors()
    if len(mentors) < MENTORS or not Worker.objects.filter(employee_no="wg0002").exists():
        stdout.write("演示网格员不足，跳过导师制演示数据。")
        return
    rng = random.Random(20261212)
    today = timezone.localdate()
    this_month = today.replace(day=1)
    actor = Worker.objects.filter(employee_no="px001").select_related("user").first()
    actor = actor.user if actor else EVERYONE
    by_no = {w.employee_no: w for w in Worker.objects.filter(employee_no__startswith="wg").select_related("user")}
    mentor_nos = {m.employee_no for m in mentors}

    def pick(mentor: Worker, taken: set[str], count: int) -> list[Worker]:
        seq = int(mentor.employee_no[2:])
        found = []
        for n in range(seq + 1, seq + 10):
            no = f"wg{n:04d}"
            if no in by_no and no not in mentor_nos and no not in taken and not "wg0002" <= no <= "wg0006":
                found.append(by_no[no])
                taken.add(no)
            if len(found) == count:
                break
        return found

    taken = {"wg0002", "wg0007", "wg0008"}
    terms = 0

    def open_term(mentor, mentee, start, months=5):
        nonlocal terms
        terms += 1
        return services.term_create(
            actor=actor, mentor=mentor, mentee=mentee, start=start, planned_end=add_months(start, months)
        )

    disputed = False
    for k, mentor in enumerate(mentors):
        if k == 0:
            past_mentee, running = by_no["wg0008"], [by_no["wg0007"], by_no["wg0002"]]
        elif k <= 8:
            past_mentee, *running = pick(mentor, taken, 2)
        else:
            past_mentee, running = None, pick(mentor, taken, 1)
        if past_mentee is not None:  # a year ago: signed off, or (k = 7, 8) ended early
            start = add_months(today, -12) + dt.timedelta(days=3 * k)
            term = open_term(mentor, past_mentee, start, months=4)
            if k in (7, 8):
                end = start + dt.timedelta(days=55)
                _sessions(term, until=end, rng=rng, behind_month=None, pending_last=False)
                reason = "徒弟调往其他街道" if k == 7 else "导师长期病休"
                services.term_end(actor=actor, term=term, status=TermStatus.ENDED, reason=reason, on=end)
            else:
                end = term.planned_end - dt.timedelta(days=4 * k)
                _sessions(term, until=end, rng=rng, behind_month=None, pending_last=False)
                services.term_end(actor=actor, term=term, status=TermStatus.GRADUATED, on=end)
        for index, mentee in enumerate(running):
            if k == 0 and mentee.employee_no == "wg0002":
                start = mentee.hire_date or today  # a newcomer, mentored from the first day
                behind = True
            elif k >= 16:  # new: two started a few days ago, two start next week
                start = today - dt.timedelta(days=2) if k < 18 else today + dt.timedelta(days=7)
                behind = False
            else:
                start = add_months(today, -(1 + (k + index) % 4)) - dt.timedelta(days=k)
                behind = k in (3, 5, 9, 12)
            term = open_term(mentor, mentee, start)
            if start <= today:
                logged = _sessions(
                    term,
                    until=today,
                    rng=rng,
                    behind_month=this_month if behind else None,
                    pending_last=k in (2, 6, 10, 14),
                )
                confirmed = [s for s in logged if s.status == SessionStatus.CONFIRMED]
                if confirmed and k in (1, 4, 11):
                    rated = confirmed[-1]
                    services.session_rate(
                        user=mentor.user, session=rated, ratings={code: rng.randint(3, 5) for code in rated.indicators}
                    )
                if not disputed and k == 13:
                    session = services.session_log(
                        mentor_user=mentor.user,
                        mentee=mentee,
                        date=max(term.start, today - dt.timedelta(days=1)),
                        type=SessionType.HOME_VISIT,
                        minutes=60,
                        place="滨江花园12栋",
                        indicators=["2.1"],
                    )
                    services.session_dispute(
                        user=mentee.user, session=session, reason="当天我在参加入职培训，没有一起入户"
                    )
                    disputed = True
    stdout.write(f"导师制演示数据：{len(mentors)} 名导师，{terms} 个帮带期。")
