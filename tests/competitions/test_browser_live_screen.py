"""A judge scores on a phone (375×812) and the venue's big screen (1920×1080, no login) shows the
new order within 5 seconds (docs/rules.md, 14.6)."""

import time
from decimal import Decimal

import pytest

from assessments.competitions.services import judge_score_save
from tests.browser import login

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

FIRST_ROW = "document.querySelector('#people tbody tr') && document.querySelector('#people tbody tr').dataset.worker"


def test_a_phone_score_reorders_the_big_screen_within_5_seconds(phone_page, live_server, contest):
    competition, scenario, entries, judges = (
        contest["competition"],
        contest["scenario"],
        contest["entries"],
        contest["judges"],
    )
    competition.screen_live = True
    competition.save(update_fields=["screen_live"])
    judge_score_save(round_=scenario, entry=entries[0], judge=judges[1], total=Decimal("20"))
    judge_score_save(round_=scenario, entry=entries[2], judge=judges[1], total=Decimal("15"))

    screen = phone_page.context.browser.new_page(viewport={"width": 1920, "height": 1080})
    screen.goto(f"{live_server.url}/competitions/screen/{competition.board_token}/")
    screen.wait_for_function(f"{FIRST_ROW} === 'XS001'", timeout=5000)

    login(phone_page, live_server.url, judges[3].employee_no, "Test@12345")  # 评委四, 一社区: 选手3 is 二社区
    phone_page.goto(f"{live_server.url}/competitions/rounds/{scenario.pk}/judge/{entries[2].pk}/")
    for criterion in scenario.criteria.all():
        phone_page.fill(f"#c{criterion.pk}", "10")
    assert phone_page.evaluate("document.documentElement.scrollWidth") <= 375
    phone_page.get_by_test_id("save-score").click()
    saved = time.monotonic()
    # (15 + 30) / 2 = 22.5 of 30 now beats 20 of 30: 选手3 moves to the top of the wall.
    screen.wait_for_function(f"{FIRST_ROW} === 'XS003'", timeout=5000)
    assert time.monotonic() - saved < 5
    assert screen.evaluate("document.documentElement.scrollWidth") <= 1920
    screen.close()
