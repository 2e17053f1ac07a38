"""docs/rules.md 12, 徒弟评价导师: once per term, only the mentee, only after the term ended; trainers of
the subtree read each one, the mentor only the count and (from 3 responses) the mean."""

import datetime as dt

import pytest
from django.urls import reverse

from assessments.mentorship import services
from assessments.mentorship.models import MentorFeedback
from assessments.mentorship.selectors import feedback_summary_for_mentor
from assessments.mentorship.services import MentorshipError

D = dt.date


@pytest.fixture
def ended(people, make_term):
    """Three past terms of `mentor`, with mentee, mentee2 and mentee3, each signed off."""
    terms = []
    for k, who in enumerate(("mentee", "mentee2", "mentee3")):
        start = D(2025, 1 + 2 * k, 1)
        term = make_term(people["mentor"], people[who], start=start, planned_end=D(2025, 5 + 2 * k, 1))
        terms.append(
            services.term_end(
                actor=people["trainer_a"].user, term=term, status="已出师", on=start + dt.timedelta(days=100)
            )
        )
    return terms


def give(people, term, who, stars, comment=""):
    return services.feedback_submit(user=people[who].user, term=term, stars=stars, comment=comment)


def test_once_per_term_only_the_mentee_only_after_the_end(people, make_term, ended):
    running = make_term(people["mentor2"], people["plain"])
    with pytest.raises(MentorshipError, match="帮带期结束后才能评价导师"):
        give(people, running, "plain", 5)
    with pytest.raises(LookupError):  # another mentee
        give(people, ended[0], "mentee2", 5)
    with pytest.raises(LookupError):  # the mentor
        give(people, ended[0], "mentor", 5)
    for stars in (0, 6, "5", True):
        with pytest.raises(MentorshipError, match="星级应为 1–5"):
            give(people, ended[0], "mentee", stars)
    with pytest.raises(MentorshipError, match="不能超过 500 字"):
        give(people, ended[0], "mentee", 4, "好" * 501)
    assert not MentorFeedback.objects.exists()
    feedback = give(people, ended[0], "mentee", 4, " 耐心，带我跑遍了网格 ")
    assert (feedback.stars, feedback.comment) == (4, "耐心，带我跑遍了网格")
    with pytest.raises(MentorshipError, match="已经评价过"):
        give(people, ended[0], "mentee", 5)
    assert MentorFeedback.objects.count() == 1


def test_mentor_sees_count_and_mean_only_from_three(client, people, ended):
    give(people, ended[0], "mentee", 5, "很好")
    give(people, ended[1], "mentee2", 4)
    summary = feedback_summary_for_mentor(people["mentor"])
    assert (summary.count, summary.mean) == (2, None)
    client.force_login(people["mentor"].user)
    page = client.get(reverse("mentorship:index")).content.decode()
    assert "已收到 2 条，满 3 条后显示平均星级" in page and "很好" not in page
    give(people, ended[2], "mentee3", 4)
    summary = feedback_summary_for_mentor(people["mentor"])
    assert (summary.count, str(summary.mean)) == (3, "4.33")  # (5 + 4 + 4) ÷ 3 = 4.333… → 4.33
    page = client.get(reverse("mentorship:index")).content.decode()
    assert "徒弟对我的评价：3 条，平均 4.33 星" in page and "很好" not in page
    assert feedback_summary_for_mentor(people["mentor2"]).count == 0


def test_mentor_card_shows_the_mean(client, people, ended, make_term):
    for term, who, stars in zip(ended, ("mentee", "mentee2", "mentee3"), (5, 4, 4), strict=True):
        give(people, term, who, stars, "评语原文")
    make_term(people["mentor"], people["plain"])  # a running mentee: the mentor card shows
    client.force_login(people["mentor"].user)
    page = client.get(reverse("mentorship:index")).content.decode()
    assert "徒弟对我的评价：3 条，平均 4.33 星" in page and "评语原文" not in page


def test_trainers_of_the_subtree_read_each_feedback(client, people, ended):
    give(people, ended[0], "mentee", 5, "带我跑遍了网格")
    url = reverse("mentorship:feedback")
    client.force_login(people["trainer_a"].user)
    page = client.get(url).content.decode()
    assert "带我跑遍了网格" in page and f'data-testid="feedback-{ended[0].pk}"' in page
    assert "带我跑遍了网格" in client.get(url, {"mentor": people["mentor"].employee_no}).content.decode()
    page = client.get(url, {"mentor": "no-such"}).content.decode()
    assert "在您的辖区内没有徒弟评价" in page
    client.force_login(people["trainer_b"].user)
    assert "带我跑遍了网格" not in client.get(url).content.decode()
    for who in ("mentor", "mentee", "mentee2", "hr_a", "manager_a", "plain"):
        client.force_login(people[who].user)
        assert client.get(url).status_code == 404, who


def test_feedback_page_for_the_mentee_only(client, people, ended, make_term):
    url = reverse("mentorship:feedback_new", args=[ended[0].pk])
    for who in ("mentor", "mentee2", "trainer_a"):
        client.force_login(people[who].user)
        assert client.get(url).status_code == 404, who
    client.force_login(people["mentee"].user)
    assert "评价我的导师" in client.get(reverse("mentorship:index")).content.decode()
    page = client.post(url, {"stars": "9"})
    assert page.status_code == 200 and "星级应为 1–5" in page.content.decode()
    assert client.post(url, {"stars": "5", "comment": "谢谢师傅"}).status_code == 302
    assert MentorFeedback.objects.get().stars == 5
    assert 'data-testid="feedback-done"' in client.get(url).content.decode()
    client.post(url, {"stars": "1"})
    assert MentorFeedback.objects.get().stars == 5
    running = make_term(people["mentor2"], people["plain"])
    client.force_login(people["plain"].user)
    assert (
        "帮带期结束后才能评价导师" in client.get(reverse("mentorship:feedback_new", args=[running.pk])).content.decode()
    )
