"""docs/rules.md 12, 帮带期列表与详情: who sees which term on /mentorship/terms/, the status filter,
and ending a term early or changing the mentor from the term's page through term_end / term_reassign."""

import datetime as dt

import pytest
from django.urls import reverse

from assessments.mentorship import services
from assessments.mentorship.models import GuidanceSession, MentorshipTerm, SessionType
from assessments.mentorship.selectors import add_months


@pytest.fixture
def terms(people, make_worker, city_tree, make_term, today):
    """a: mentor → mentee (street A, 40 days in); a2: mentor2 → mentee2 (street A); b: mentor_b →
    a street-B trainee, opened by street B's trainer."""
    people["mentee_b"] = make_worker(unit=city_tree["grid_b"])
    return {
        "a": make_term(people["mentor"], people["mentee"]),
        "a2": make_term(people["mentor2"], people["mentee2"], start=today - dt.timedelta(days=10)),
        "b": make_term(people["mentor_b"], people["mentee_b"], actor=people["trainer_b"]),
    }


def listed(client, user, **params):
    client.force_login(user)
    page = client.get(reverse("mentorship:terms"), params)
    assert page.status_code == 200
    return {t.pk for t in page.context["page"].object_list}, page


def messages_of(page):
    return [str(m) for m in page.context["messages"]]


def detail(client, user, term):
    client.force_login(user)
    return client.get(reverse("mentorship:term", args=[term.pk]))


@pytest.mark.parametrize(
    ("who", "expected"),
    [
        ("trainer_a", {"a", "a2"}),
        ("hr_a", {"a", "a2"}),
        ("manager_a", {"a", "a2"}),
        ("trainer_b", {"b"}),  # another subtree's trainer sees none of street A
        ("mentor", {"a"}),  # a mentor: their own terms only
        ("mentor2", {"a2"}),
        ("mentee", {"a"}),  # a mentee: their own
        ("plain", set()),
    ],
)
def test_list_is_scoped_for_each_role(client, people, terms, who, expected):
    seen, _ = listed(client, people[who].user)
    assert seen == {terms[k].pk for k in expected}


def test_superuser_lists_every_term_newest_first(client, terms, django_user_model):
    admin = django_user_model.objects.create_superuser("root", password="x-Long-Passw0rd")
    client.force_login(admin)
    page = client.get(reverse("mentorship:terms"))
    # a2 started 10 days ago; a and b 40 days ago (b created later: higher id first)
    assert [t.pk for t in page.context["page"].object_list] == [terms["a2"].pk, terms["b"].pk, terms["a"].pk]


@pytest.mark.parametrize("who", ["trainer_a", "hr_a", "manager_a", "mentor", "mentee"])
def test_detail_opens_for_those_who_see_the_term(client, people, terms, who):
    page = detail(client, people[who].user, terms["a"])
    assert page.status_code == 200
    body = page.content.decode()
    assert people["mentee"].name in body and people["mentor"].name in body


@pytest.mark.parametrize("who", ["mentor2", "mentee2", "trainer_b", "plain", "mentor_b"])
def test_detail_is_404_for_everyone_else(client, people, terms, who):
    # a peer mentor asking for another mentor's term by id, another subtree's trainer, a bystander
    assert detail(client, people[who].user, terms["a"]).status_code == 404


def test_detail_lists_sessions_and_sign_off_state(client, people, terms, today):
    term = terms["a"]
    session = services.session_log(
        mentor_user=people["mentor"].user,
        mentee=people["mentee"],
        date=today - dt.timedelta(days=2),
        type=SessionType.HOME_VISIT,
        minutes=60,
        place="三号楼",
    )
    services.signoff_propose(user=people["mentor"].user, term=term, assessment="能独立入户")
    page = detail(client, people["trainer_a"].user, term)
    body = page.content.decode()
    assert reverse("mentorship:session", args=[session.pk]) in body and "入户走访" in body and "待确认" in body
    assert 'data-testid="signoff-status">待审核' in body
    # the trainer may open the proposal; the mentee sees its state but no link to it
    assert reverse("mentorship:signoff", args=[term.signoffs.get().pk]) in body
    mentee_body = detail(client, people["mentee"].user, term).content.decode()
    assert 'data-testid="signoff-status">待审核' in mentee_body
    assert reverse("mentorship:signoff", args=[term.signoffs.get().pk]) not in mentee_body


def test_status_filter_and_junk(client, people, terms, today):
    services.term_end(actor=people["trainer_a"].user, term=terms["a2"], status="已终止", reason="徒弟离职", on=today)
    user = people["trainer_a"].user
    assert listed(client, user, status="已终止")[0] == {terms["a2"].pk}
    assert listed(client, user, status="进行中")[0] == {terms["a"].pk}
    assert listed(client, user, status="已出师")[0] == set()
    for junk in ("abc", "进行", "' OR 1=1 --", "已终止" * 20):
        seen, page = listed(client, user, status=junk)
        assert seen == {terms["a"].pk, terms["a2"].pk}, junk  # the whole list, with a message
        assert "无效" in messages_of(page)[0], junk
    seen, page = listed(client, user, page="xyz")
    assert seen == {terms["a"].pk, terms["a2"].pk}
    # a mentor or mentee, by 工号 or part of the name
    assert listed(client, user, q=people["mentee2"].employee_no)[0] == {terms["a2"].pk}
    assert listed(client, user, q=people["mentor"].name[1:])[0] >= {terms["a"].pk}


def test_list_paginates_thirty_a_page(client, people, today):
    # 31 terms, one a day (31 mentees; saved directly, the rules are not what this test is about)
    from tests.factories import WorkerFactory

    mentees = [WorkerFactory(org_unit=people["mentee"].org_unit) for _ in range(31)]
    MentorshipTerm.objects.bulk_create(
        MentorshipTerm(
            mentor=people["mentor"],
            mentee=m,
            start=today - dt.timedelta(days=i),
            planned_end=add_months(today - dt.timedelta(days=i), 4),
        )
        for i, m in enumerate(mentees)
    )
    first, _ = listed(client, people["trainer_a"].user)
    second, page = listed(client, people["trainer_a"].user, page=2)
    assert len(first) == 30 and len(second) == 1
    assert page.context["page"].object_list[0].mentee == mentees[30]  # the oldest start comes last


def test_pages_link_to_the_list(client, people):
    client.force_login(people["trainer_a"].user)
    url = reverse("mentorship:terms")
    assert url in client.get(reverse("mentorship:index")).content.decode()
    assert url in client.get(reverse("mentorship:term_new")).content.decode()


# --- ending a term early -----------------------------------------------------------------------------


def end(client, user, term, **data):
    client.force_login(user)
    return client.post(reverse("mentorship:term_end", args=[term.pk]), data)


def test_trainer_ends_a_term_with_a_reason(client, people, terms, today):
    term = terms["a"]
    response = end(client, people["trainer_a"].user, term, on=today, reason="徒弟离职")
    assert response.status_code == 302 and response.url == reverse("mentorship:term", args=[term.pk])
    term.refresh_from_db()
    assert (term.status, term.actual_end, term.end_reason) == ("已终止", today, "徒弟离职")
    page = detail(client, people["trainer_a"].user, term)
    assert 'data-testid="end-reason">徒弟离职' in page.content.decode()
    assert "end-form" not in page.content.decode()  # an ended term offers no forms


def test_hr_of_the_subtree_ends_a_term(client, people, terms, today):
    assert end(client, people["hr_a"].user, terms["a2"], on=today, reason="导师病休").status_code == 302
    terms["a2"].refresh_from_db()
    assert terms["a2"].status == "已终止"


def test_ending_without_a_reason_or_with_a_bad_date_writes_nothing(client, people, terms, today):
    term = terms["a"]
    user = people["trainer_a"].user
    cases = [
        ({"on": today, "reason": "  "}, "终止帮带期须填写原因"),
        ({"on": "2026-13-45", "reason": "离职"}, "终止日期：日期应写成 2026-05-01 这样的格式"),
        ({"reason": "离职"}, "终止日期：请填写日期"),
        ({"on": today + dt.timedelta(days=1), "reason": "离职"}, "结束日期不能晚于今天"),
        ({"on": term.start - dt.timedelta(days=1), "reason": "离职"}, "结束日期应在"),
    ]
    for data, message in cases:
        page = end(client, user, term, **data)
        assert page.status_code == 200 and message in page.content.decode(), data
    term.refresh_from_db()
    assert (term.status, term.actual_end, term.end_reason) == ("进行中", None, "")


def test_the_page_never_ends_a_term_as_graduated(client, people, terms, today):
    """已出师 comes only from an approved sign-off: a status posted to the end form is ignored."""
    term = terms["a"]
    body = detail(client, people["trainer_a"].user, term).content.decode()
    assert 'name="status"' not in body
    end(client, people["trainer_a"].user, term, on=today, reason="出师", status="已出师")
    term.refresh_from_db()
    assert term.status == "已终止"


def test_ending_an_ended_term_shows_the_service_message(client, people, terms, today):
    term = terms["a"]
    end(client, people["trainer_a"].user, term, on=today, reason="徒弟离职")
    page = end(client, people["trainer_a"].user, term, on=today, reason="再次")
    assert page.status_code == 200 and "该帮带期的状态是“已终止”，不能再结束" in page.content.decode()
    term.refresh_from_db()
    assert term.end_reason == "徒弟离职"


# --- changing the mentor -------------------------------------------------------------------------------


def reassign(client, user, term, **data):
    client.force_login(user)
    return client.post(reverse("mentorship:term_reassign", args=[term.pk]), data)


def test_reassign_from_a_suggestion_keeps_the_history(client, people, terms, today):
    term = terms["a"]
    session = services.session_log(
        mentor_user=people["mentor"].user,
        mentee=people["mentee"],
        date=today - dt.timedelta(days=5),
        type=SessionType.HOME_VISIT,
        minutes=60,
        place="三号楼",
    )
    page = detail(client, people["trainer_a"].user, term)
    # suggestions for the default dates (today → term's planned end, moved into 3–6 months): the
    # other street-A mentors with room, never the current mentor
    suggested = [s.worker for s in page.context["suggestions"]]
    assert people["mentor2"] in suggested and people["mentor"] not in suggested
    assert page.context["suggestion_on"] == today
    planned_end = add_months(today, 4)
    response = reassign(
        client,
        people["trainer_a"].user,
        term,
        mentor=people["mentor2"].employee_no,
        on=today,
        planned_end=planned_end,
        reason="导师调岗",
    )
    new = MentorshipTerm.objects.exclude(pk=term.pk).get(mentee=people["mentee"])
    assert response.status_code == 302 and response.url == reverse("mentorship:term", args=[new.pk])
    term.refresh_from_db()
    # the old term ends the day before the change, as 已终止
    assert (term.status, term.actual_end, term.end_reason) == (
        "已终止",
        today - dt.timedelta(days=1),
        "更换导师：导师调岗",
    )
    assert (new.mentor, new.start, new.planned_end, new.status) == (people["mentor2"], today, planned_end, "进行中")
    assert GuidanceSession.objects.get(pk=session.pk).term == term  # the old sessions stay with the old term
    body = detail(client, people["trainer_a"].user, new).content.decode()
    assert reverse("mentorship:term", args=[term.pk]) in body  # history: the old term is linked


def test_reassign_by_employee_number(client, people, terms, today):
    response = reassign(
        client,
        people["hr_a"].user,
        terms["a"],
        mentor_no=people["mentor2"].employee_no,
        on=today,
        planned_end=add_months(today, 3),
        reason="导师调岗",
    )
    assert response.status_code == 302
    assert MentorshipTerm.objects.filter(mentee=people["mentee"], mentor=people["mentor2"], status="进行中").exists()


def assert_nothing_written(terms, people, count=3):
    assert MentorshipTerm.objects.count() == count
    terms["a"].refresh_from_db()
    assert (terms["a"].status, terms["a"].actual_end) == ("进行中", None)


@pytest.mark.parametrize(
    ("mentor", "data", "message"),
    [
        ("plain", {}, "没有导师角色"),  # a new mentor without the 导师 role
        ("mentor", {}, "已是这个帮带期的导师"),
        ("mentor_b", {}, "不在您的辖区内"),  # another subtree's mentor
        (None, {}, "请选择推荐的导师，或填写导师工号"),
        ("mentor2", {"reason": " "}, "更换导师须填写原因"),
        ("mentor2", {"planned_end": "x"}, "新帮带期计划结束日期：日期应写成"),
        ("mentor2", {"planned_end": "+2m"}, "帮带期不足 3 个月"),
        ("mentor2", {"on": "start"}, "更换导师的日期应晚于原帮带期的开始日期"),
        ("mentor2", {"on": "+2d"}, "结束日期不能晚于今天"),
    ],
)
def test_reassign_refusals_write_nothing(client, people, terms, today, mentor, data, message):
    term = terms["a"]
    values = {
        "on": today,
        "planned_end": add_months(today, 4),
        "reason": "导师调岗",
        "mentor_no": people[mentor].employee_no if mentor else "",
    }
    shifts = {"start": term.start, "+2d": today + dt.timedelta(days=2), "+2m": add_months(today, 2)}
    values.update({k: shifts.get(v, v) for k, v in data.items()})
    page = reassign(client, people["trainer_a"].user, term, **values)
    assert page.status_code == 200 and message in page.content.decode()
    assert_nothing_written(terms, people)


def test_reassign_over_capacity_writes_nothing(client, people, terms, today, settings):
    # mentor2 already holds a2 (10 days in, 4 months): with a capacity of 1 there is no room
    settings.MENTOR_CAPACITY = 1
    page = reassign(
        client,
        people["trainer_a"].user,
        terms["a"],
        mentor_no=people["mentor2"].employee_no,
        on=today,
        planned_end=add_months(today, 4),
        reason="导师调岗",
    )
    assert page.status_code == 200
    assert "已带 1 名徒弟，超过每人同时最多 1 名的上限" in page.content.decode()
    assert_nothing_written(terms, people)
    # and mentor2 is not suggested for those dates
    assert people["mentor2"] not in [s.worker for s in page.context["suggestions"]]


def test_suggestion_dates_are_validated(client, people, terms, today):
    client.force_login(people["trainer_a"].user)
    url = reverse("mentorship:term", args=[terms["a"].pk])
    for junk in ({"on": "abc"}, {"on": "2026-02-30", "planned_end": "2026-06-01"}, {"on": today, "planned_end": today}):
        page = client.get(url, junk)
        assert page.status_code == 200 and "已按默认日期推荐" in messages_of(page)[0], junk
        assert page.context["suggestion_on"] == today
    page = client.get(url, {"on": today + dt.timedelta(days=3), "planned_end": add_months(today, 5)})
    assert page.context["suggestion_on"] == today + dt.timedelta(days=3)


# --- those who see the term but may not change it ------------------------------------------------------


@pytest.mark.parametrize("who", ["manager_a", "mentor", "mentee"])
def test_viewers_without_the_right_see_no_forms_and_their_posts_are_404(client, people, terms, today, who):
    term = terms["a"]
    body = detail(client, people[who].user, term).content.decode()
    assert "end-form" not in body and "reassign-form" not in body
    assert end(client, people[who].user, term, on=today, reason="离职").status_code == 404
    response = reassign(
        client,
        people[who].user,
        term,
        mentor_no=people["mentor2"].employee_no,
        on=today,
        planned_end=add_months(today, 4),
        reason="调岗",
    )
    assert response.status_code == 404
    assert_nothing_written(terms, people)


@pytest.mark.parametrize("who", ["trainer_b", "mentor2", "plain"])
def test_posts_from_outside_are_404(client, people, terms, today, who):
    assert end(client, people[who].user, terms["a"], on=today, reason="离职").status_code == 404
    assert_nothing_written(terms, people)


def test_forms_are_shown_to_trainer_and_hr_of_the_subtree(client, people, terms):
    for who in ("trainer_a", "hr_a"):
        body = detail(client, people[who].user, terms["a"]).content.decode()
        assert "end-form" in body and "reassign-form" in body, who


def test_get_on_the_post_urls_is_refused(client, people, terms):
    client.force_login(people["trainer_a"].user)
    assert client.get(reverse("mentorship:term_end", args=[terms["a"].pk])).status_code == 405
