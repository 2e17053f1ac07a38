"""The mentorship demo: 20 mentors, 30 mentees at every stage, wg0001 with two active mentees one of
which is behind this month; loading twice changes nothing."""

import io

import pytest
from django.utils import timezone

from assessments.mentorship import demo
from assessments.mentorship.models import GuidanceSession, MentorshipTerm
from assessments.mentorship.selectors import board_terms, compliance_rows
from lms import demo as lms_demo
from lms.models import Worker

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

    counts = (MentorshipTerm.objects.count(), GuidanceSession.objects.count())
    demo.load(io.StringIO())
    assert counts == (MentorshipTerm.objects.count(), GuidanceSession.objects.count())
