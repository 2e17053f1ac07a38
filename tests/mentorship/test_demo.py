"""The mentorship demo: 20 mentors, 30 mentees at every stage, wg0001 with two active mentees one of
which is behind this month; loading twice changes nothing."""

import io
from decimal import Decimal

import pytest
from django.utils import timezone

from assessments.mentorship import demo
from assessments.mentorship.models import GuidanceSession, MentorFeedback, MentorshipTerm, SignOff
from assessments.mentorship.selectors import (
    add_months,
    board_terms,
    cohort_report,
    compliance_rows,
    excellent_mentors,
)
from lms import demo as lms_demo
from lms.models import OrgUnit, Worker
from lms.periods import Period

pytestmark = pytest.mark.django_db


def test_demo_covers_every_stage_and_is_idempotent():
    lms_demo.load(io.StringIO())
    demo.load(io.StringIO())
    terms = MentorshipTerm.objects.all()
    assert terms.values("mentor").distinct().count() == 20
    assert terms.values("mentee").distinct().count() == 30
    today = timezone.localdate()
    assert {"进行中", "已出师", "已终止"} == set(terms.values_list("status", flat=True))
    assert terms.filter(start__gt=today).exists()  # starting soon
    statuses = set(GuidanceSession.objects.values_list("status", flat=True))
    assert statuses == {"已确认", "待确认", "有异议"}
    assert GuidanceSession.objects.filter(status="有异议").count() == 1
    assert (
        GuidanceSession.objects.filter(status="已确认").count()
        > 10 * GuidanceSession.objects.filter(status="待确认").count()
    )
    oldest = GuidanceSession.objects.order_by("date").first().date
    assert (today - oldest).days >= 330  # about a year of sessions

    wg0001 = Worker.objects.get(employee_no="wg0001")
    rows = compliance_rows(board_terms(wg0001.user), today.replace(day=1))
    assert sorted((r.term.mentee.employee_no, r.status) for r in rows) == [("wg0002", "未达标"), ("wg0007", "达标")]

    # sign-off: wg0001's proposal for wg0007 waits for the trainers; two approved today, one returned
    pending = SignOff.objects.get(status="待审核")
    assert (pending.term.mentor.employee_no, pending.term.mentee.employee_no) == ("wg0001", "wg0007")
    assert SignOff.objects.filter(status="已通过", signed_off_on=today).count() == 2
    assert SignOff.objects.filter(status="已退回").count() == 1
    # the cohort a year ago: 7 sign-offs after 96, 100 … 120 days → median 108; (180 − 108) ÷ 180 = 40.0 %
    year_ago = add_months(today, -12)
    quarter = Period(year_ago.year, (year_ago.month - 1) // 3 + 1)
    report = cohort_report(OrgUnit.objects.get(parent=None), quarter)
    assert (report.signed_off, report.median_days, report.sooner_percent) == (7, Decimal("108.00"), Decimal("40.0"))
    assert report.mentees == 9 and report.mentee_scores.workers == 9
    # every past mentee and both signed off today rated their mentor; the 优秀导师 list has data
    assert MentorFeedback.objects.count() == 11
    admin = Worker.objects.get(employee_no="admin").user
    rows = excellent_mentors(admin, today.year) + excellent_mentors(admin, today.year - 1)
    assert any(r.on_time and r.feedback_count for r in rows)

    counts = (MentorshipTerm.objects.count(), GuidanceSession.objects.count(), SignOff.objects.count())
    demo.load(io.StringIO())
    assert counts == (MentorshipTerm.objects.count(), GuidanceSession.objects.count(), SignOff.objects.count())
