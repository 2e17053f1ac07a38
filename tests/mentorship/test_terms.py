"""docs/rules.md 12: who may open a term and every rule it must keep."""

import datetime as dt

import pytest
from django.urls import reverse

from assessments.mentorship import services
from assessments.mentorship.models import MentorshipTerm, TermStatus
from assessments.mentorship.selectors import add_months, mentor_suggestions
from assessments.mentorship.services import MentorshipError

D = dt.date


def create(people, mentor, mentee, start, planned_end, actor="trainer_a"):
    return services.term_create(
        actor=people[actor].user, mentor=people[mentor], mentee=people[mentee], start=start, planned_end=planned_end
    )


def test_trainer_and_hr_of_the_subtree_create_terms(people):
    term = create(people, "mentor", "mentee", D(2026, 3, 1), D(2026, 7, 1))
    assert (term.status, term.created_by) == (TermStatus.ACTIVE, people["trainer_a"].user)
    other = create(people, "mentor2", "mentee2", D(2026, 3, 1), D(2026, 9, 1), actor="hr_a")
    assert other.created_by == people["hr_a"].user


@pytest.mark.parametrize("actor", ["trainer_b", "manager_a", "mentor", "mentee"])
def test_others_may_not_create(people, actor):
    with pytest.raises(MentorshipError, match="培训管理员或人事"):
        create(people, "mentor", "mentee", D(2026, 3, 1), D(2026, 7, 1), actor=actor)
    assert not MentorshipTerm.objects.exists()


def test_mentor_outside_the_actors_subtree_is_refused(people):
    with pytest.raises(MentorshipError, match="不在您的辖区"):
        create(people, "mentor_b", "mentee", D(2026, 3, 1), D(2026, 7, 1))


def test_mentor_without_the_role_and_mentor_as_mentee(people):
    with pytest.raises(MentorshipError, match="没有导师角色"):
        create(people, "plain", "mentee", D(2026, 3, 1), D(2026, 7, 1))
    with pytest.raises(MentorshipError, match="同一人"):
        create(people, "mentor", "mentor", D(2026, 3, 1), D(2026, 7, 1))


@pytest.mark.parametrize(
    ("planned_end", "message"),
    [(D(2026, 5, 31), "不足 3 个月"), (D(2026, 9, 2), "超过 6 个月"), (D(2026, 3, 1), "应晚于")],
)
def test_three_to_six_months(people, planned_end, message):
    with pytest.raises(MentorshipError, match=message):
        create(people, "mentor", "mentee", D(2026, 3, 1), planned_end)


def test_mentee_has_one_term_at_a_time(people):
    create(people, "mentor", "mentee", D(2026, 3, 1), D(2026, 7, 1))
    with pytest.raises(MentorshipError, match="重叠"):
        create(people, "mentor2", "mentee", D(2026, 7, 1), D(2026, 10, 1))  # shares 7月1日
    create(people, "mentor2", "mentee", D(2026, 7, 2), D(2026, 10, 2))  # the day after is fine


def test_capacity_on_any_day_of_the_new_term(people, make_worker, city_tree):
    # mentor holds mentee (Mar–Jul) and mentee2 (May–Aug): two on every day of May–Jul
    create(people, "mentor", "mentee", D(2026, 3, 1), D(2026, 7, 1))
    create(people, "mentor", "mentee2", D(2026, 5, 1), D(2026, 8, 1))
    # a third starting after mentee's term but while mentee2's runs: still only two at once — allowed
    create(people, "mentor", "mentee3", D(2026, 7, 2), D(2026, 10, 2))
    extra = make_worker(unit=city_tree["grid_a"])
    people["extra"] = extra
    # a fourth from 2026-02-01: one at a time in February–April, but from 2026-05-01 it would be the third
    with pytest.raises(MentorshipError, match="2026-05-01 已带 2 名徒弟"):
        create(people, "mentor", "extra", D(2026, 2, 1), D(2026, 5, 15))
    # and one from 2026-07-02, while mentee2 and mentee3 both run, is refused on its first day
    with pytest.raises(MentorshipError, match="2026-07-02 已带 2 名徒弟"):
        create(people, "mentor", "extra", D(2026, 7, 2), D(2026, 10, 2))


def test_capacity_is_a_setting(people, settings):
    settings.MENTOR_CAPACITY = 1
    create(people, "mentor", "mentee", D(2026, 3, 1), D(2026, 7, 1))
    with pytest.raises(MentorshipError, match="最多 1 名"):
        create(people, "mentor", "mentee2", D(2026, 6, 1), D(2026, 9, 1))


def test_an_ended_term_frees_the_mentor_and_mentee_after_its_actual_end(people):
    term = create(people, "mentor", "mentee", D(2025, 3, 1), D(2025, 7, 1))
    services.term_end(actor=people["trainer_a"].user, term=term, status="已出师", on=D(2025, 5, 31))
    create(people, "mentor2", "mentee", D(2025, 6, 1), D(2025, 9, 1))


def test_term_end_rules(people, today):
    term = create(people, "mentor", "mentee", today - dt.timedelta(days=10), add_months(today, 3))
    actor = people["trainer_a"].user
    with pytest.raises(MentorshipError, match="须填写原因"):
        services.term_end(actor=actor, term=term, status="已终止", on=today)
    with pytest.raises(MentorshipError, match="不能晚于今天"):
        services.term_end(actor=actor, term=term, status="已出师", on=today + dt.timedelta(days=1))
    with pytest.raises(MentorshipError, match="培训管理员或人事"):
        services.term_end(actor=people["trainer_b"].user, term=term, status="已出师", on=today)
    services.term_end(actor=actor, term=term, status="已终止", reason="徒弟离职", on=today)
    term.refresh_from_db()
    assert (term.status, term.actual_end, term.end_reason) == ("已终止", today, "徒弟离职")
    with pytest.raises(MentorshipError, match="不能再结束"):
        services.term_end(actor=actor, term=term, status="已出师", on=today)


def test_reassign_keeps_history(people):
    term = create(people, "mentor", "mentee", D(2025, 3, 1), D(2025, 8, 1))
    new = services.term_reassign(
        actor=people["trainer_a"].user,
        term=term,
        mentor=people["mentor2"],
        on=D(2025, 4, 1),
        planned_end=D(2025, 8, 1),
        reason="导师调岗",
    )
    term.refresh_from_db()
    assert (term.status, term.actual_end, term.end_reason) == ("已终止", D(2025, 3, 31), "更换导师：导师调岗")
    assert (new.mentor, new.mentee, new.start, new.status) == (
        people["mentor2"],
        people["mentee"],
        D(2025, 4, 1),
        "进行中",
    )
    assert MentorshipTerm.objects.filter(mentee=people["mentee"]).count() == 2


def test_reassign_is_all_or_nothing(people):
    term = create(people, "mentor", "mentee", D(2025, 3, 1), D(2025, 8, 1))
    with pytest.raises(MentorshipError, match="没有导师角色"):
        services.term_reassign(
            actor=people["trainer_a"].user,
            term=term,
            mentor=people["plain"],
            on=D(2025, 4, 1),
            planned_end=D(2025, 8, 1),
            reason="调岗",
        )
    term.refresh_from_db()
    assert term.status == "进行中" and term.actual_end is None


def test_suggestions_same_street_spare_capacity_then_experience(people, make_worker, city_tree, settings):
    from lms import roles

    settings.MENTOR_CAPACITY = 1
    people["mentor"].hire_date = D(2012, 1, 1)
    people["mentor"].save()
    people["mentor2"].hire_date = D(2018, 1, 1)
    people["mentor2"].save()
    veteran = make_worker(unit=city_tree["grid_a"], role_codes={roles.MENTOR}, hire_date=D(2010, 1, 1))
    # the veteran is busy for the whole proposed period: not suggested
    create(people, "mentor", "mentee3", D(2026, 1, 1), D(2026, 4, 1))  # ends before the proposal
    services.term_create(
        actor=people["trainer_a"].user,
        mentor=veteran,
        mentee=people["plain"],
        start=D(2026, 4, 1),
        planned_end=D(2026, 8, 1),
    )
    suggestions = mentor_suggestions(people["trainer_a"].user, people["mentee"], D(2026, 5, 1), D(2026, 8, 1))
    # city-wide trainer? no: street A's trainer sees only street A mentors; mentor_b (street B) absent
    assert [s.worker for s in suggestions] == [people["mentor"], people["mentor2"]]
    assert suggestions[0].same_street and suggestions[0].load == 0


def test_suggestions_rank_certificates_and_median_signoff(people, make_worker, city_tree):
    from lms import roles

    a = make_worker(unit=city_tree["grid_a"], role_codes={roles.MENTOR}, hire_date=D(2015, 1, 1))
    b = make_worker(unit=city_tree["grid_a"], role_codes={roles.MENTOR}, hire_date=D(2015, 1, 1))
    for m in (people["mentor"], people["mentor2"]):
        m.hire_date = D(2024, 6, 1)
        m.save()
    # b signed off a mentee after 92 days (2025-01-01 → 2025-04-03), a after 120 days (→ 2025-05-01)
    for mentor, end in ((a, D(2025, 5, 1)), (b, D(2025, 4, 3))):
        t = services.term_create(
            actor=people["trainer_a"].user,
            mentor=mentor,
            mentee=people["mentee3"] if mentor is a else people["plain"],
            start=D(2025, 1, 1),
            planned_end=D(2025, 6, 1),
        )
        services.term_end(actor=people["trainer_a"].user, term=t, status="已出师", on=end)
    ranked = mentor_suggestions(people["trainer_a"].user, people["mentee"], D(2026, 5, 1), D(2026, 8, 1))
    assert [s.worker for s in ranked][:2] == [b, a]  # same years and certificates: fewer days first
    assert (ranked[0].median_days, ranked[1].median_days) == (92, 120)


def test_term_page_creates_through_the_service(client, people, today):
    client.force_login(people["trainer_a"].user)
    url = reverse("mentorship:term_new")
    start, end = today, add_months(today, 4)
    page = client.get(url, {"mentee": people["mentee"].employee_no, "start": start, "planned_end": end})
    assert page.status_code == 200 and people["mentor"].employee_no in page.content.decode()
    response = client.post(
        url,
        {
            "mentee": people["mentee"].employee_no,
            "start": start,
            "planned_end": end,
            "mentor": people["mentor"].employee_no,
        },
    )
    assert response.status_code == 302
    assert MentorshipTerm.objects.get().mentor == people["mentor"]
    again = client.post(
        url,
        {
            "mentee": people["mentee"].employee_no,
            "start": start,
            "planned_end": end,
            "mentor": people["mentor2"].employee_no,
        },
    )
    assert "重叠" in again.content.decode() and MentorshipTerm.objects.count() == 1


def test_term_page_refuses_others_and_junk(client, people):
    client.force_login(people["mentor"].user)
    assert client.get(reverse("mentorship:term_new")).status_code == 404
    client.force_login(people["trainer_a"].user)
    page = client.get(reverse("mentorship:term_new"), {"mentee": people["mentor_b"].employee_no, "start": "x"})
    assert page.status_code == 200
    page = client.get(
        reverse("mentorship:term_new"),
        {"mentee": people["mentor_b"].employee_no, "start": "2026-03-01", "planned_end": "2026-07-01"},
    )
    assert "不在您的辖区内" in page.content.decode()
