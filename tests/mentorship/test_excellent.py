"""docs/rules.md 12, 优秀导师: a year's mentors ranked by on-time sign-offs, then the feedback mean, then
the home-visit requirement kept every month; HR issues HONOR certificates to the ones picked."""

import datetime as dt

import pytest
from django.urls import reverse

from assessments.mentorship import services
from assessments.mentorship.models import GuidanceSession, MentorshipTerm
from assessments.mentorship.selectors import excellent_mentors
from assessments.mentorship.services import MentorshipError
from certificates.models import IssuanceJob
from lms import roles

D = dt.date


@pytest.fixture(autouse=True)
def certificate_types(db):
    from certificates.defaults import ensure_default_types
    from certificates.models import AllowanceRate, CertificateType

    ensure_default_types(CertificateType, AllowanceRate)


def visits(term, *days):
    for day in days:
        GuidanceSession.objects.create(term=term, date=day, type="入户走访", minutes=30, place="3栋", status="已确认")


@pytest.fixture
def year_2026(people, make_term, make_worker, city_tree):
    """mentor: two on-time sign-offs (feedback 4 and 5); mentor2: one (feedback 5); mentor3: one
    (feedback 5) with every month's visits; mentor_b (street B): one; plus one late sign-off."""
    trainer = people["trainer_a"].user
    mentor3 = make_worker(unit=city_tree["grid_a"], role_codes={roles.TRAINEE, roles.MENTOR})
    extra = make_worker(unit=city_tree["grid_a"])

    def signed(mentor, mentee, start, planned, on, stars=None, actor=trainer):
        term = make_term(mentor, mentee, start=start, planned_end=planned, actor=people["trainer_a"])
        term = services.term_end(actor=actor, term=term, status="已出师", on=on)
        if stars:
            services.feedback_submit(user=mentee.user, term=term, stars=stars)
        return term

    signed(people["mentor"], people["mentee"], D(2026, 1, 5), D(2026, 5, 5), D(2026, 4, 20), 4)
    signed(people["mentor"], people["mentee3"], D(2026, 2, 1), D(2026, 5, 1), D(2026, 4, 25), 5)
    signed(people["mentor2"], people["mentee2"], D(2026, 1, 10), D(2026, 4, 10), D(2026, 4, 10), 5)
    kept = signed(mentor3, people["plain"], D(2026, 1, 15), D(2026, 4, 15), D(2026, 4, 10), 5)
    # Jan 15–31 is 17 days: ⌈2 × 17 ÷ 31⌉ = 2; Feb 2; Mar 2; Apr 1–10: ⌈2 × 10 ÷ 30⌉ = 1 → 7 visits
    visits(kept, D(2026, 1, 20), D(2026, 1, 28), D(2026, 2, 3), D(2026, 2, 17), D(2026, 3, 2), D(2026, 3, 9))
    visits(kept, D(2026, 4, 2))
    late = signed(people["mentor2"], extra, D(2026, 6, 1), D(2026, 9, 1), D(2026, 9, 1))
    MentorshipTerm.objects.filter(pk=late.pk).update(actual_end=D(2026, 9, 20))  # signed off after the planned end
    mentee_b = make_worker(unit=city_tree["grid_b"])
    term_b = make_term(
        people["mentor_b"], mentee_b, start=D(2026, 1, 5), planned_end=D(2026, 5, 5), actor=people["trainer_b"]
    )
    services.term_end(actor=people["trainer_b"].user, term=term_b, status="已出师", on=D(2026, 4, 1))
    return {"mentor3": mentor3}


def test_ranking_and_criteria(people, year_2026):
    rows = excellent_mentors(people["hr_a"].user, 2026, today=D(2026, 12, 2))
    by_no = {r.worker.employee_no: r for r in rows}
    mentor, mentor2, mentor3 = people["mentor"], people["mentor2"], year_2026["mentor3"]
    assert [r.worker for r in rows] == [mentor, mentor3, mentor2]  # mentor_b is in street B
    first = by_no[mentor.employee_no]
    # two sign-offs, both on time; feedback (4 + 5) ÷ 2 = 4.50; Jan–Apr and Feb–Apr = 7 months, none kept
    assert (first.rank, first.signoffs, first.on_time, str(first.feedback_mean)) == (1, 2, 2, "4.50")
    assert (first.months, first.months_kept, first.all_kept) == (7, 0, False)
    # mentor3 and mentor2 tie on one on-time sign-off and 5.00; mentor3 kept all 4 months
    third = by_no[mentor3.employee_no]
    assert (third.rank, third.on_time, str(third.feedback_mean), third.months, third.all_kept) == (
        2,
        1,
        "5.00",
        4,
        True,
    )
    # mentor2: two sign-offs, the second (20 Sep, planned 1 Sep) late; months Jan–Apr + Jun–Sep = 8
    last = by_no[mentor2.employee_no]
    assert (last.rank, last.signoffs, last.on_time, last.feedback_count, last.months) == (3, 2, 1, 1, 8)
    assert excellent_mentors(people["hr_a"].user, 2025) == []


def test_a_running_month_is_not_judged_yet(people, make_term):
    make_term(people["mentor"], people["mentee"], start=D(2026, 11, 1), planned_end=D(2027, 2, 1))
    (row,) = excellent_mentors(people["trainer_a"].user, 2026, today=D(2026, 12, 2))
    assert (row.months, row.months_kept, row.signoffs) == (1, 0, 0)  # November only; December runs on


def test_page_validates_the_year_and_scope(client, people, year_2026):
    url = reverse("mentorship:excellent")
    client.force_login(people["trainer_a"].user)
    page = client.get(url, {"year": "2026"})
    assert [r.worker for r in page.context["rows"]][0] == people["mentor"]
    assert 'data-testid="issue-honours"' not in page.content.decode()  # trainers see, HR issues
    for junk in ("20x6", "1999", "-1", "2026.0"):
        page = client.get(url, {"year": junk})
        assert page.status_code == 200 and "年份" in [str(m) for m in page.context["messages"]][0], junk
    client.force_login(people["trainer_b"].user)
    rows = client.get(url, {"year": "2026"}).context["rows"]
    assert [r.worker for r in rows] == [people["mentor_b"]]
    for who in ("mentor", "mentee", "plain"):
        client.force_login(people[who].user)
        assert client.get(url).status_code == 404, who


def test_hr_issues_honours_in_one_action(client, people, year_2026):
    mentor, mentor3 = people["mentor"], year_2026["mentor3"]
    client.force_login(people["hr_a"].user)
    page = client.get(reverse("mentorship:excellent"), {"year": "2026"}).content.decode()
    assert 'data-testid="issue-honours"' in page
    response = client.post(
        reverse("mentorship:excellent_issue"), {"year": "2026", "mentor": [mentor.employee_no, mentor3.employee_no]}
    )
    job = IssuanceJob.objects.get()
    assert response.status_code == 302 and response.url == reverse("certificates:hr_job", args=[job.pk])
    assert (job.certificate_type.code, job.source_label, sorted(job.worker_ids)) == (
        "HONOR",
        "2026年度优秀导师",
        sorted([mentor.pk, mentor3.pk]),
    )
    again = client.post(
        reverse("mentorship:excellent_issue"), {"year": "2026", "mentor": [mentor.employee_no]}, follow=True
    )
    assert "已颁发过2026年度优秀导师荣誉证书" in again.content.decode()
    assert IssuanceJob.objects.count() == 1


def test_issue_refusals_write_nothing(client, people, year_2026):
    with pytest.raises(MentorshipError, match="不在2026年度优秀导师名单中：.*" + people["mentor_b"].employee_no):
        services.honours_issue(
            user=people["hr_a"].user,
            year=2026,
            employee_nos=[people["mentor"].employee_no, people["mentor_b"].employee_no],
        )
    with pytest.raises(MentorshipError, match="请至少选择一名导师"):
        services.honours_issue(user=people["hr_a"].user, year=2026, employee_nos=[])
    with pytest.raises(PermissionError):
        services.honours_issue(user=people["trainer_a"].user, year=2026, employee_nos=[people["mentor"].employee_no])
    assert not IssuanceJob.objects.exists()
    for who in ("trainer_a", "manager_a", "mentor"):
        client.force_login(people[who].user)
        response = client.post(
            reverse("mentorship:excellent_issue"), {"year": "2026", "mentor": [people["mentor"].employee_no]}
        )
        assert response.status_code == 404, who
    client.force_login(people["hr_a"].user)
    page = client.post(reverse("mentorship:excellent_issue"), {"year": "x", "mentor": ["a"]}, follow=True)
    assert "年份" in page.content.decode()
    assert not IssuanceJob.objects.exists()
