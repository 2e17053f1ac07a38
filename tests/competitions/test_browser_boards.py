"""On a phone (375×812): the waiting room counts down and opens the paper at zero; the board fits,
marks my row and picks up a new score by itself. The big screen renders at 1920×1080 without login."""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal

import pytest
from django.utils import timezone

from assessments.competitions.services import judge_score_save, knowledge_round_sync
from tests.assessments.helpers import SAMPLE
from tests.browser import login

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def fits(page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth") <= 375


def test_countdown_reaches_zero_and_opens_the_paper(phone_page, live_server, contest, paper):
    paper.starts_at = timezone.now() + dt.timedelta(seconds=6)
    paper.save(update_fields=["starts_at"])
    knowledge_round_sync(round_=paper)
    entrant = contest["entries"][0].worker
    login(phone_page, live_server.url, entrant.employee_no, "Test@12345")
    phone_page.goto(f"{live_server.url}/competitions/rounds/{paper.pk}/paper/")
    assert phone_page.get_by_test_id("countdown").is_visible()
    assert SAMPLE[0]["stem"] not in phone_page.content()
    assert fits(phone_page)
    phone_page.wait_for_url(re.compile(r"/attempts/\d+/"), timeout=20000)
    assert SAMPLE[0]["stem"] in phone_page.content()


def test_board_fits_marks_me_and_refreshes(phone_page, live_server, contest):
    scenario = contest["scenario"]
    scenario.published_at = timezone.now()
    scenario.save(update_fields=["published_at"])
    me = contest["entries"][2].worker
    login(phone_page, live_server.url, me.employee_no, "Test@12345")
    phone_page.goto(f"{live_server.url}/competitions/{contest['competition'].pk}/board/")
    mine = phone_page.locator(f"tr[data-worker='{me.employee_no}']")
    assert "me" in mine.get_attribute("class")
    assert fits(phone_page)
    judge_score_save(round_=scenario, entry=contest["entries"][2], judge=contest["judges"][0], total=Decimal("27"))
    phone_page.wait_for_function(
        f"document.querySelector(`tr[data-worker='{me.employee_no}'] td.total`).textContent === '90.0'",
        timeout=10000,
    )
    phone_page.get_by_role("tab", name="团体排名").click()
    assert phone_page.locator("#teams tbody tr").count() >= 1


def test_big_screen_without_login(phone_page, live_server, contest):
    phone_page.set_viewport_size({"width": 1920, "height": 1080})
    phone_page.goto(f"{live_server.url}/competitions/screen/{contest['competition'].board_token}/")
    assert phone_page.get_by_test_id("screen-title").inner_text() == "测试技能比武"
    assert phone_page.locator("#people tbody tr").count() == 6
    assert phone_page.locator("#updated").inner_text() != "—"
