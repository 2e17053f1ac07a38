"""On a phone (375×812): a judge opens their round from 我的学习, taps a level descriptor to fill a
mark, saves, and lands on the next contestant in running order; every page fits the width."""

import pytest

from assessments.competitions.models import JudgeScore
from tests.browser import login

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def fits(page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth") <= 375


def test_judge_scores_on_a_phone(phone_page, live_server, contest, tmp_path):
    judge, entries, scenario = contest["judges"][3], contest["entries"], contest["scenario"]  # 评委四, 一社区
    login(phone_page, live_server.url, judge.employee_no, "Test@12345")
    phone_page.goto(live_server.url + "/me/")
    phone_page.get_by_test_id("judge-card").get_by_role("link").first.click()
    phone_page.wait_for_load_state("networkidle")
    assert "回避" in phone_page.get_by_test_id(f"slot-{entries[0].pk}").inner_text()
    assert fits(phone_page)
    phone_page.get_by_test_id("next-pending").click()  # 选手1 and 选手2 are 回避: 选手3 is next
    phone_page.wait_for_load_state("networkidle")
    assert phone_page.locator("h1").inner_text().startswith("选手3")
    criteria = list(scenario.criteria.all())
    phone_page.get_by_role("button", name="3分：准确识别").click()
    assert phone_page.locator(f"#c{criteria[0].pk}").input_value() == "3"
    phone_page.fill(f"#c{criteria[1].pk}", "7.5")
    phone_page.fill(f"#c{criteria[2].pk}", "8")
    assert phone_page.get_by_test_id("sum").inner_text() == "18.5"
    phone_page.fill("#comment", "表达清楚")
    assert fits(phone_page)
    phone_page.screenshot(path=str(tmp_path / "sheet.png"), full_page=True)
    phone_page.get_by_test_id("save-score").click()
    phone_page.wait_for_load_state("networkidle")
    assert phone_page.locator("h1").inner_text().startswith("选手4")
    score = JudgeScore.objects.get(judge=judge)
    assert (score.entry_id, str(score.score), score.comment) == (entries[2].pk, "18.50", "表达清楚")
    phone_page.goto(live_server.url + f"/competitions/rounds/{scenario.pk}/judge/")
    assert "已评 18.5" in phone_page.get_by_test_id(f"slot-{entries[2].pk}").inner_text()
    assert fits(phone_page)
