"""On a phone (375×812): the mentor logs a home visit, the mentee confirms it, and the board row
turns from 未达标 to 达标."""

import datetime as dt

import pytest
from django.utils import timezone

from assessments.mentorship import services
from assessments.mentorship.selectors import add_months
from lms import roles
from tests.browser import login

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def fits(page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth") <= 375


def test_home_visit_logged_confirmed_and_counted(phone_page, live_server, city_tree, make_worker):
    trainer = make_worker(unit=city_tree["street_a"], role_codes={roles.TRAINER})
    mentor = make_worker(unit=city_tree["grid_a"], role_codes={roles.TRAINEE, roles.MENTOR}, name="李师傅")
    mentee = make_worker(unit=city_tree["grid_a"], name="王小新")
    today = timezone.localdate()
    start = today - dt.timedelta(days=40)
    term = services.term_create(
        actor=trainer.user, mentor=mentor, mentee=mentee, start=start, planned_end=add_months(start, 4)
    )
    # This month the term runs every day: ⌈2 × days / days⌉ = 2 visits; one is already confirmed.
    first = services.session_log(
        mentor_user=mentor.user, mentee=mentee, date=today, type="入户走访", minutes=30, place="1栋"
    )
    services.session_confirm(user=mentee.user, session=first)

    login(phone_page, live_server.url, mentor.employee_no, "Test@12345")
    phone_page.goto(live_server.url + "/mentorship/compliance/")
    row = phone_page.get_by_test_id(f"row-{mentee.employee_no}")
    assert row.get_by_test_id("status").inner_text() == "未达标"
    assert fits(phone_page)

    phone_page.goto(live_server.url + "/me/")
    phone_page.get_by_test_id("log-session").first.click()
    assert phone_page.locator("#id_date").input_value() == f"{today:%Y-%m-%d}"
    assert phone_page.locator("#id_type").input_value() == "入户走访"
    phone_page.fill("#id_place", "幸福小区3栋")
    phone_page.get_by_label("2.1 群众沟通技巧").check()
    assert fits(phone_page)
    phone_page.get_by_test_id("save-session").click()
    phone_page.wait_for_load_state("networkidle")
    assert phone_page.get_by_test_id("session-status").inner_text() == "待确认"
    assert fits(phone_page)  # the session page, with its rating form
    session = term.sessions.order_by("-pk").first()
    assert (session.place, session.indicators) == ("幸福小区3栋", ["2.1"])

    phone_page.context.clear_cookies()
    login(phone_page, live_server.url, mentee.employee_no, "Test@12345")
    phone_page.goto(live_server.url + "/me/")
    phone_page.get_by_test_id("pending-sessions").click()
    assert fits(phone_page)
    phone_page.get_by_test_id(f"confirm-{session.pk}").click()
    phone_page.wait_for_load_state("networkidle")
    assert "已确认" in phone_page.locator(".messages").inner_text()

    phone_page.context.clear_cookies()
    login(phone_page, live_server.url, mentor.employee_no, "Test@12345")
    phone_page.goto(live_server.url + "/mentorship/compliance/")
    row = phone_page.get_by_test_id(f"row-{mentee.employee_no}")
    assert row.get_by_test_id("status").inner_text() == "达标"
    assert "2" in row.inner_text()
    assert fits(phone_page)


def test_trainer_assigns_a_suggested_mentor_on_a_phone(phone_page, live_server, city_tree, make_worker):
    from assessments.mentorship.models import MentorshipTerm

    near = make_worker(unit=city_tree["grid_a2"], role_codes={roles.MENTOR}, hire_date=dt.date(2016, 5, 1))
    far = make_worker(unit=city_tree["grid_b"], role_codes={roles.MENTOR}, hire_date=dt.date(2010, 5, 1))
    mentee = make_worker(unit=city_tree["grid_a"])
    city_trainer = make_worker(unit=city_tree["city"], role_codes={roles.TRAINER})
    login(phone_page, live_server.url, city_trainer.employee_no, "Test@12345")
    phone_page.goto(live_server.url + "/mentorship/terms/new/")
    phone_page.fill("#id_mentee", mentee.employee_no)
    phone_page.fill("#id_start", "2026-03-01")
    phone_page.fill("#id_planned_end", "2026-07-01")
    phone_page.get_by_role("button", name="推荐导师").click()
    phone_page.wait_for_load_state("networkidle")
    names = phone_page.locator("li strong").all_inner_texts()
    assert names == [near.name, far.name]  # the same street first, though the other has served longer
    assert fits(phone_page)
    phone_page.get_by_test_id(f"choose-{near.employee_no}").click()
    phone_page.wait_for_load_state("networkidle")
    term = MentorshipTerm.objects.get()
    assert (term.mentor, term.mentee, term.start, term.created_by) == (
        near,
        mentee,
        dt.date(2026, 3, 1),
        city_trainer.user,
    )


def test_signoff_feedback_report_and_honours_fit_a_phone(phone_page, live_server, city_tree, make_worker):
    """The mentor proposes, the trainer approves, the mentee rates; the report and the 优秀导师 list
    (with HR's checkboxes) fit 375 px."""
    trainer = make_worker(unit=city_tree["street_a"], role_codes={roles.TRAINER})
    hr = make_worker(unit=city_tree["street_a"], role_codes={roles.HR})
    mentor = make_worker(unit=city_tree["grid_a"], role_codes={roles.TRAINEE, roles.MENTOR}, name="李师傅")
    mentee = make_worker(unit=city_tree["grid_a"], name="王小新")
    today = timezone.localdate()
    start = today - dt.timedelta(days=100)
    term = services.term_create(
        actor=trainer.user, mentor=mentor, mentee=mentee, start=start, planned_end=add_months(start, 4)
    )

    login(phone_page, live_server.url, mentor.employee_no, "Test@12345")
    phone_page.goto(live_server.url + "/mentorship/")
    phone_page.get_by_test_id(f"propose-{mentee.employee_no}").click()
    phone_page.fill("#id_assessment", "能独立入户，沟通耐心，可以独立上岗。")
    assert fits(phone_page)
    phone_page.get_by_test_id("propose").click()
    phone_page.wait_for_load_state("networkidle")
    assert phone_page.get_by_test_id("signoff-status").inner_text() == "待审核"
    assert fits(phone_page)

    phone_page.context.clear_cookies()
    login(phone_page, live_server.url, trainer.employee_no, "Test@12345")
    phone_page.goto(live_server.url + "/mentorship/signoffs/")
    phone_page.get_by_test_id(f"pending-{mentee.employee_no}").click()
    assert fits(phone_page)
    phone_page.get_by_test_id("approve").click()
    phone_page.wait_for_load_state("networkidle")
    assert fits(phone_page)  # back on the list
    phone_page.goto(live_server.url + "/mentorship/")
    assert fits(phone_page)  # the trainer's buttons wrap
    term.refresh_from_db()
    assert (term.status, term.actual_end) == ("已出师", today)

    phone_page.context.clear_cookies()
    login(phone_page, live_server.url, mentee.employee_no, "Test@12345")
    phone_page.goto(live_server.url + f"/mentorship/terms/{term.pk}/feedback/")
    phone_page.get_by_label("5 星").check()
    phone_page.fill("#id_comment", "谢谢师傅")
    assert fits(phone_page)
    phone_page.get_by_test_id("send-feedback").click()
    phone_page.wait_for_load_state("networkidle")
    assert term.feedback.stars == 5

    phone_page.context.clear_cookies()
    login(phone_page, live_server.url, hr.employee_no, "Test@12345")
    phone_page.goto(live_server.url + f"/mentorship/report/?quarter={start.year}-Q{(start.month - 1) // 3 + 1}")
    assert "中位数 <strong>" in phone_page.content() or "暂无数据" in phone_page.get_by_test_id("median").inner_text()
    assert fits(phone_page)
    phone_page.goto(live_server.url + f"/mentorship/excellent/?year={today.year}")
    assert phone_page.get_by_test_id(f"mentor-{mentor.employee_no}").is_visible()
    assert phone_page.get_by_test_id("issue-honours").is_visible()
    assert fits(phone_page)


def test_trainer_changes_a_mentor_on_a_phone(phone_page, live_server, city_tree, make_worker):
    """The term list, the term page with both forms, and a change of mentor, all within 375 px."""
    trainer = make_worker(unit=city_tree["street_a"], role_codes={roles.TRAINER})
    mentor = make_worker(unit=city_tree["grid_a"], role_codes={roles.TRAINEE, roles.MENTOR}, name="李师傅")
    other = make_worker(unit=city_tree["grid_a2"], role_codes={roles.TRAINEE, roles.MENTOR}, name="赵师傅")
    mentee = make_worker(unit=city_tree["grid_a"], name="王小新")
    today = timezone.localdate()
    start = today - dt.timedelta(days=40)
    term = services.term_create(
        actor=trainer.user, mentor=mentor, mentee=mentee, start=start, planned_end=add_months(start, 4)
    )

    login(phone_page, live_server.url, trainer.employee_no, "Test@12345")
    phone_page.goto(live_server.url + "/mentorship/")
    phone_page.get_by_test_id("terms-link").click()
    assert fits(phone_page)
    phone_page.get_by_test_id(f"term-{term.pk}").get_by_role("link", name="详情").click()
    assert phone_page.get_by_test_id("term-status").inner_text() == "进行中"
    assert fits(phone_page)
    phone_page.get_by_label(f"赵师傅（{other.employee_no}）").check()
    phone_page.fill("#id_re_reason", "导师调岗")
    phone_page.get_by_test_id("reassign").click()
    phone_page.wait_for_load_state("networkidle")
    assert phone_page.get_by_test_id("term-status").inner_text() == "进行中"
    assert "赵师傅" in phone_page.locator("dl.kv").inner_text()
    assert fits(phone_page)
    term.refresh_from_db()
    assert (term.status, term.actual_end) == ("已终止", today - dt.timedelta(days=1))
