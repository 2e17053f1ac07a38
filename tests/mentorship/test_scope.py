"""docs/rules.md 1 and 12: a mentor sees the workers of their active terms wherever lms.access scopes,
not before the term starts and not after it ends; nobody else gains anything."""

import datetime as dt

import pytest
from django.urls import reverse

from assessments.mentorship import services
from assessments.selectors import quiz_attempts_visible
from assessments.services import attempt_start
from lms.access import scope_queryset
from lms.models import Worker
from tests.assessments.helpers import make_quiz


def visible(user):
    return set(scope_queryset(user, Worker.objects.all(), worker_path=""))


def test_mentor_opens_mentee_page_and_quiz_attempts_until_the_term_ends(client, people, make_term, today):
    mentor, mentee = people["mentor"], people["mentee"]
    quiz = make_quiz()
    attempt = attempt_start(quiz=quiz, worker=mentee)
    url = reverse("worker_detail", args=[mentee.employee_no])
    client.force_login(mentor.user)
    assert client.get(url).status_code == 404  # no term yet
    assert attempt not in quiz_attempts_visible(mentor.user, quiz)

    term = make_term(mentor, mentee)
    assert client.get(url).status_code == 200
    assert visible(mentor.user) == {mentor, mentee}
    assert list(quiz_attempts_visible(mentor.user, quiz)) == [attempt]
    # another mentor's mentee stays hidden
    assert client.get(reverse("worker_detail", args=[people["mentee2"].employee_no])).status_code == 404

    services.term_end(actor=people["trainer_a"].user, term=term, status="已出师", on=today)
    assert client.get(url).status_code == 404
    assert visible(mentor.user) == {mentor}
    assert attempt not in quiz_attempts_visible(mentor.user, quiz)


def test_a_term_not_started_yet_shows_nothing(client, people, make_term, today):
    make_term(people["mentor"], people["mentee"], start=today + dt.timedelta(days=1))
    assert visible(people["mentor"].user) == {people["mentor"]}


def test_peer_mentor_and_mentee_gain_nothing(people, make_term):
    make_term(people["mentor"], people["mentee"])
    assert visible(people["mentor2"].user) == {people["mentor2"]}
    assert visible(people["mentee"].user) == {people["mentee"]}  # a mentee does not see the mentor's records


def test_mentor_who_lost_the_role_sees_only_themself(people, make_term):
    from lms import roles
    from lms.services import worker_roles_set

    make_term(people["mentor"], people["mentee"])
    worker_roles_set(worker=people["mentor"], role_codes={roles.TRAINEE})
    people["mentor"].user.refresh_from_db()
    user = type(people["mentor"].user).objects.get(pk=people["mentor"].user.pk)
    assert visible(user) == {people["mentor"]}


@pytest.mark.parametrize("who", ["trainer_a", "manager_a", "hr_a"])
def test_staff_scope_is_unchanged(people, make_term, who):
    make_term(people["mentor"], people["mentee"])
    seen = visible(people[who].user)
    assert people["mentee"] in seen and people["mentor_b"] not in seen
