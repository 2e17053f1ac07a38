"""Demo data of the mentorship app: 20 mentors with 30 mentees at every stage — signed off, ended
early, running on track, behind this month, just started, starting next week — and a year of
guidance sessions (most confirmed, a few pending, one disputed), all through the app's services.

`wg0001` mentors two running mentees: `wg0002` (new, behind this month: one visit still waiting
for confirmation) and `wg0007` (on track, with a sign-off proposal waiting for the trainers); and
signed off `wg0008` last year.

The past terms form one cohort (they start in the quarter a year ago; their mentees joined the day
their term started): seven signed off after 96–120 days, median 108 — 40% sooner than the
180-day baseline — and two ended early; every past mentee rated the mentor. Two running terms
are signed off today through the sign-off service (and rated), one proposal is returned.
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
FEEDBACK = [
    "师傅带我把网格里的每栋楼都走了一遍，入户怎么开口讲得很细。",
    "遇到邻里纠纷时先让我旁听，再让我试着调解，收获很大。",
    "很耐心，信息采集的表格一项项教我填。",
    "应急演练讲得清楚，就是有时候太忙，见面少了一些。",
    "",
]
ASSESSMENTS = [
    "能独立完成入户走访和信息采集，群众沟通耐心；常见的邻里纠纷能先稳住情绪再调解。建议独立上岗。",
    "已经能独立处理网格内的日常事项，底数清楚，上报及时。可以独立上岗。",
    "入户、采集、上报都能独立完成，应急处置流程熟悉。建议出师。",
    "日常走访没有问题，矛盾调解能按步骤进行，可以独立上岗。",
]


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
    year_ago = add_months(today, -12)
    cohort_start = year_ago.replace(month=3 * ((year_ago.month - 1) // 3) + 1, day=1)
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
        if past_mentee is not None:  # the cohort a year ago: signed off, or (k = 7, 8) ended early
            start = cohort_start + dt.timedelta(days=3 * k)
            # a newcomer mentored from the first day (the cohort report compares first years)
            Worker.objects.filter(pk=past_mentee.pk).update(hire_date=start)
            term = open_term(mentor, past_mentee, start, months=4)
            if k in (7, 8):
                end = start + dt.timedelta(days=55)
                _sessions(term, until=end, rng=rng, behind_month=None, pending_last=False)
                reason = "徒弟调往其他街道" if k == 7 else "导师长期病休"
                term = services.term_end(actor=actor, term=term, status=TermStatus.ENDED, reason=reason, on=end)
            else:
                end = start + dt.timedelta(days=96 + 4 * k)  # 96, 100 … 120 days: median 108
                _sessions(term, until=end, rng=rng, behind_month=None, pending_last=False)
                term = services.term_end(actor=actor, term=term, status=TermStatus.GRADUATED, on=end)
            services.feedback_submit(
                user=past_mentee.user,
                term=term,
                stars=3 if k == 8 else rng.choice([4, 5, 5]),
                comment=FEEDBACK[k % len(FEEDBACK)],
            )
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
    signoffs = _signoffs(actor, by_no, mentors, rng)
    stdout.write(f"导师制演示数据：{len(mentors)} 名导师，{terms} 个帮带期，{signoffs} 份出师申请。")


def _signoffs(actor, by_no: dict[str, Worker], mentors: list[Worker], rng: random.Random) -> int:
    """Through the sign-off service: wg0001 proposes wg0007 (left pending for the trainers); mentors
    k = 1, 2 have their longest-running mentee signed off today (and rated); k = 4's is returned."""
    if not hasattr(actor, "pk"):
        return 0
    count = 0
    proposals = [(mentors[0], by_no["wg0007"], None)]
    for k, decision in ((1, True), (2, True), (4, False)):
        running = list(
            MentorshipTerm.objects.filter(
                mentor=mentors[k], status=TermStatus.ACTIVE, start__lte=timezone.localdate()
            ).order_by("start")
        )
        if running:
            proposals.append((mentors[k], running[0].mentee, decision))
    for mentor, mentee, decision in proposals:
        term = MentorshipTerm.objects.get(mentor=mentor, mentee=mentee, status=TermStatus.ACTIVE)
        signoff = services.signoff_propose(
            user=mentor.user, term=term, assessment=ASSESSMENTS[count % len(ASSESSMENTS)]
        )
        count += 1
        if decision is True:
            services.signoff_decide(user=actor, signoff=signoff, approve=True)
            term.refresh_from_db()
            services.feedback_submit(user=mentee.user, term=term, stars=rng.choice([4, 5]), comment=FEEDBACK[count])
        elif decision is False:
            services.signoff_decide(
                user=actor, signoff=signoff, approve=False, reason="矛盾调解还不熟练，请再带一个月，多安排几次调解现场"
            )
    return count
