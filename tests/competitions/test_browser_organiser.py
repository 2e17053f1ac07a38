"""On a phone (375×812): a worker finds 技能比武 in the navigation and enters; the organiser's hub,
the panels page and the nomination checklist fit the screen."""

import pytest

from assessments.competitions.models import Competition, Entry, EntryMode
from lms import roles
from lms.models import OrgLevel
from tests.browser import login
from tests.factories import org

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def fits(page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth") <= 375


def test_worker_enters_and_organiser_pages_fit_a_phone(phone_page, live_server, contest, make_worker):
    worker = make_worker(unit=org("测试市/甲区/甲街道/一社区/一网格"), employee_no="NEW001", name="新选手")
    login(phone_page, live_server.url, worker.employee_no, "Test@12345")
    phone_page.goto(live_server.url + "/me/")
    phone_page.get_by_role("link", name="技能比武", exact=True).first.click()
    phone_page.get_by_text(contest["competition"].name).first.click()
    assert fits(phone_page)
    phone_page.get_by_test_id("enter").click()
    phone_page.wait_for_load_state("networkidle")
    assert phone_page.get_by_test_id("entered").is_visible()
    assert Entry.objects.filter(competition=contest["competition"], worker=worker).exists()
    assert fits(phone_page)

    phone_page.context.clear_cookies()
    login(phone_page, live_server.url, contest["trainer"].employee_no, "Test@12345")
    phone_page.goto(live_server.url + f"/competitions/{contest['competition'].pk}/manage/")
    assert phone_page.get_by_test_id(f"round-{contest['scenario'].pk}").is_visible()
    assert fits(phone_page)
    phone_page.goto(live_server.url + f"/competitions/rounds/{contest['scenario'].pk}/panels/")
    assert phone_page.get_by_test_id(f"panel-{contest['panel'].pk}").is_visible()
    assert fits(phone_page)

    quota = Competition.objects.create(
        name="推荐赛", entry_mode=EntryMode.QUOTA, quota_level=OrgLevel.COMMUNITY, quota_per_unit=1
    )
    community = org("测试市/甲区/甲街道/一社区")
    phone_page.goto(live_server.url + f"/competitions/{quota.pk}/nominate/?unit={community.pk}")
    assert fits(phone_page)
    phone_page.get_by_label("新选手（NEW001）").check()
    phone_page.get_by_test_id("save").click()
    phone_page.wait_for_load_state("networkidle")
    assert Entry.objects.filter(competition=quota, worker=worker, source="推荐").exists()
    assert roles.has_role(contest["trainer"].user, roles.TRAINER)
