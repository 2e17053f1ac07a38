"""docs/rules.md 12, 出师（独立上岗）: the mentor proposes with an assessment, a trainer of the mentee's
subtree approves (the term ends 已出师 today) or returns it with a reason; who may do what."""

import datetime as dt

import pytest
from django.urls import reverse

from assessments.mentorship import services
from assessments.mentorship.models import MentorshipTerm, SignOff
from assessments.mentorship.selectors import add_months
from assessments.mentorship.services import MentorshipError
from lms.models import Notification


@pytest.fixture
def term(people, make_term):
    return make_term(people["mentor"], people["mentee"])


def propose(people, term, text="能独立入户、处置常见问题，信息采集准确"):
    return services.signoff_propose(user=people["mentor"].user, term=term, assessment=text)


def titles(worker):
    return list(Notification.objects.filter(recipient=worker.user).values_list("title", flat=True))


def test_mentor_proposes_and_the_trainers_over_the_mentee_hear(people, term):
    signoff = propose(people, term)
    assert signoff.status == "待审核" and signoff.proposed_by == people["mentor"].user
    assert titles(people["trainer_a"]) == [f"出师申请待审核：{people['mentee'].name}"]
    assert titles(people["trainer_b"]) == [] and titles(people["hr_a"]) == []


def test_propose_refusals_write_nothing(people, term, make_term, today):
    with pytest.raises(MentorshipError, match="请填写对徒弟的评估"):
        propose(people, term, "   ")
    with pytest.raises(MentorshipError, match="不能超过 1000 字"):
        propose(people, term, "好" * 1001)
    with pytest.raises(LookupError):  # a peer mentor for another's term
        services.signoff_propose(user=people["mentor2"].user, term=term, assessment="可以")
    with pytest.raises(LookupError):  # the mentee
        services.signoff_propose(user=people["mentee"].user, term=term, assessment="可以")
    later = make_term(people["mentor2"], people["mentee2"], start=today + dt.timedelta(days=3))
    with pytest.raises(MentorshipError, match="尚未开始"):
        services.signoff_propose(user=people["mentor2"].user, term=later, assessment="可以")
    assert not SignOff.objects.exists()
    propose(people, term)
    with pytest.raises(MentorshipError, match="已有一份待审核"):
        propose(people, term)
    assert SignOff.objects.count() == 1


def test_approval_ends_the_term_today_and_tells_mentee_and_mentor(people, term, today):
    signoff = propose(people, term)
    services.signoff_decide(user=people["trainer_a"].user, signoff=signoff, approve=True)
    signoff.refresh_from_db()
    term.refresh_from_db()
    assert (signoff.status, signoff.signed_off_on, signoff.decided_by) == ("已通过", today, people["trainer_a"].user)
    assert (term.status, term.actual_end) == ("已出师", today)
    assert titles(people["mentee"]) == ["恭喜出师，可以独立上岗"]
    assert f"出师申请已通过：{people['mentee'].name}" in titles(people["mentor"])
    with pytest.raises(MentorshipError, match="该出师申请已通过"):
        services.signoff_decide(user=people["trainer_a"].user, signoff=signoff, approve=True)
    with pytest.raises(MentorshipError, match="该帮带期已出师"):
        propose(people, term)


def test_return_needs_a_reason_and_goes_back_to_the_mentor(people, term):
    signoff = propose(people, term)
    with pytest.raises(MentorshipError, match="退回须填写原因"):
        services.signoff_decide(user=people["trainer_a"].user, signoff=signoff, approve=False, reason=" ")
    signoff.refresh_from_db()
    assert signoff.status == "待审核"
    services.signoff_decide(user=people["trainer_a"].user, signoff=signoff, approve=False, reason="应急处置还要再练")
    signoff.refresh_from_db()
    term.refresh_from_db()
    assert (signoff.status, signoff.return_reason, term.status) == ("已退回", "应急处置还要再练", "进行中")
    note = Notification.objects.get(recipient=people["mentor"].user, title__startswith="出师申请被退回")
    assert "应急处置还要再练" in note.body
    assert propose(people, term).status == "待审核"  # the mentor may propose again


@pytest.mark.parametrize("who", ["trainer_b", "hr_a", "manager_a", "mentor", "mentee", "mentor2"])
def test_only_trainers_of_the_subtree_decide(people, term, who):
    signoff = propose(people, term)
    with pytest.raises(LookupError):
        services.signoff_decide(user=people[who].user, signoff=signoff, approve=True)
    term.refresh_from_db()
    assert term.status == "进行中"


def test_late_approval_runs_the_term_on_to_today_unless_it_would_overlap(people, make_term, today):
    start = add_months(today, -5)
    late = make_term(people["mentor"], people["mentee"], start=start, planned_end=add_months(start, 3))
    signoff = propose(people, late)
    services.signoff_decide(user=people["trainer_a"].user, signoff=signoff, approve=True)
    late.refresh_from_db()
    assert late.actual_end == today > late.planned_end  # signed off, not on time

    other = make_term(people["mentor2"], people["mentee2"], start=start, planned_end=add_months(start, 3))
    # mentee2's next term (with mentor) starts the day after the planned end: no running on past it
    make_term(people["mentor"], people["mentee2"], start=other.planned_end + dt.timedelta(days=1))
    signoff = services.signoff_propose(user=people["mentor2"].user, term=other, assessment="可以")
    with pytest.raises(MentorshipError, match="徒弟在 .* 起已有其他帮带期"):
        services.signoff_decide(user=people["trainer_a"].user, signoff=signoff, approve=True)
    other.refresh_from_db()
    assert (other.status, other.actual_end) == ("进行中", None)


# --- pages ------------------------------------------------------------------------------------------


def test_phone_pages_propose_then_approve(client, people, term, today):
    url = reverse("mentorship:signoff_new", args=[term.pk])
    client.force_login(people["mentor"].user)
    assert client.get(url).status_code == 200
    page = client.post(url, {"assessment": ""})
    assert page.status_code == 200 and "请填写对徒弟的评估" in page.content.decode()
    response = client.post(url, {"assessment": "能独立入户"})
    signoff = SignOff.objects.get()
    assert response.status_code == 302 and response.url == reverse("mentorship:signoff", args=[signoff.pk])
    detail = client.get(response.url)
    assert "待审核" in detail.content.decode() and 'data-testid="approve"' not in detail.content.decode()
    assert (
        client.post(reverse("mentorship:signoff_decide", args=[signoff.pk]), {"decision": "approve"}).status_code == 404
    )

    client.force_login(people["trainer_a"].user)
    listing = client.get(reverse("mentorship:signoffs"))
    assert f'data-testid="pending-{people["mentee"].employee_no}"' in listing.content.decode()
    assert 'data-testid="approve"' in client.get(reverse("mentorship:signoff", args=[signoff.pk])).content.decode()
    page = client.post(reverse("mentorship:signoff_decide", args=[signoff.pk]), {"decision": "return"}, follow=True)
    assert "退回须填写原因" in page.content.decode()
    response = client.post(reverse("mentorship:signoff_decide", args=[signoff.pk]), {"decision": "approve"})
    assert response.status_code == 302
    assert MentorshipTerm.objects.get(pk=term.pk).actual_end == today


def test_pages_refuse_everyone_else_with_404(client, people, term):
    signoff = propose(people, term)
    new_url = reverse("mentorship:signoff_new", args=[term.pk])
    detail_url = reverse("mentorship:signoff", args=[signoff.pk])
    decide_url = reverse("mentorship:signoff_decide", args=[signoff.pk])
    for who in ("mentor2", "mentee", "trainer_a", "plain"):  # only the term's mentor proposes
        client.force_login(people[who].user)
        assert client.get(new_url).status_code == 404, who
    for who in ("mentor2", "mentee", "trainer_b", "hr_a", "plain"):
        client.force_login(people[who].user)
        assert client.get(detail_url).status_code == 404, who
        assert client.post(decide_url, {"decision": "approve"}).status_code == 404, who
    for who in ("mentor", "hr_a", "manager_a"):
        client.force_login(people[who].user)
        assert client.get(reverse("mentorship:signoffs")).status_code == 404, who
    client.force_login(people["trainer_b"].user)
    assert people["mentee"].employee_no not in client.get(reverse("mentorship:signoffs")).content.decode()
    assert SignOff.objects.get().status == "待审核"


def test_decision_form_rejects_junk(client, people, term):
    signoff = propose(people, term)
    client.force_login(people["trainer_a"].user)
    page = client.post(reverse("mentorship:signoff_decide", args=[signoff.pk]), {"decision": "maybe"}, follow=True)
    assert "审核结果应为通过或退回" in page.content.decode()
    assert SignOff.objects.get().status == "待审核"
