"""Journey 6, the resident survey (docs/rules.md §7.2): a resident scans a worker's QR link on a
phone and answers; a burst from one address is held for review, does not count as the worker's
satisfaction evidence until a reviewer releases it, and a rejected one never counts."""

from __future__ import annotations

import datetime as dt

import pytest

from tests.journeys.conftest import PHONE
from tests.journeys.steps_b import make_worker

pytestmark = pytest.mark.browser

WORKER = "jbs0001"
BURST_LIMIT = 10  # §7.2: the 11th answer within an hour from one address is held


def resident(actors, label: str, user_agent: str | None = None):
    """An anonymous phone; each burst resident is a fresh browser (no device cookie) with its own
    browser identity, so only the shared address ties them together."""
    options = {"user_agent": user_agent} if user_agent else {}
    context = actors.browser.new_context(viewport=PHONE, locale="zh-CN", is_mobile=True, has_touch=True, **options)
    actors.contexts.append(context)
    page = context.new_page()
    page.set_default_timeout(20000)
    actors.pages.append((label, page))
    return page


def answer_survey(page, link: str, stars: dict[str, int], aware: str) -> None:
    page.goto(link)
    for key, value in stars.items():
        page.click(f"label[for={key}-{value}]")
    page.get_by_label(aware, exact=True).check()
    page.get_by_test_id("submit").click()
    page.get_by_test_id("thanks").wait_for()


def counted_on_card(page) -> int:
    return int(page.get_by_test_id("survey-count").inner_text())


def survey_evidence_count(page, base: str, indicator: str) -> int:
    """证据条数 of the 群众评价 source on the worker's indicator page (this year)."""
    page.goto(f"{base}/competency/{WORKER}/{dt.date.today().year}/{indicator}/")
    row = page.get_by_test_id("source-群众评价")
    return int(row.locator("td[data-label=证据条数]").inner_text())


def test_resident_answers_and_a_burst_waits_for_review(journey_site, actors):
    base = journey_site.base
    make_worker(journey_site, WORKER, "评价甲", like="wg0003")

    # The worker opens their card from 我的学习 and reads the link printed under the QR code.
    worker = actors.log_in(WORKER)
    worker.get_by_text("我的评价二维码").first.click()
    link = worker.get_by_test_id("survey-link").get_attribute("href")
    assert link and "/s/" in link, link
    assert counted_on_card(worker) == 0

    # A resident scans it: no login, four star questions and a yes/no one, then the thank-you page.
    first = resident(actors, "居民1")
    first.goto(link)
    assert first.get_by_test_id("survey-worker").inner_text() == "评价甲"
    answer_survey(first, link, {"policy": 5, "patience": 4, "closure": 5, "calm": 4}, "是")
    assert "感谢您的评价" in first.get_by_test_id("thanks").inner_text()
    worker.reload()
    assert counted_on_card(worker) == 1
    # One answer: the averages are that answer's stars and 100 % 是.
    stats = worker.get_by_test_id("survey-stats").inner_text()
    assert "5.00 星" in stats and "4.00 星" in stats and "100.00% 回答“是”" in stats

    # The same phone again this month is turned away, and nothing more is counted.
    first.goto(link)
    assert "本月已经评价过" in first.content()

    # A burst: eleven more answers from the same address (every journey's browser is 127.0.0.1),
    # each from a fresh browser. The first nine make ten; the 11th and 12th are held.
    for n in range(2, 13):
        page = resident(actors, f"居民{n}", user_agent=f"Mozilla/5.0 (Linux; Android 14; Journey{n}) Mobile")
        answer_survey(page, link, {"policy": 3, "patience": 3, "closure": 3, "calm": 3}, "否")

    # The worker sees only the counted ones; a trainer of the district also sees the two held.
    worker.reload()
    assert counted_on_card(worker) == BURST_LIMIT
    assert "待审核" not in worker.get_by_test_id("survey-stats").inner_text()
    trainer = actors.log_in("px001", phone=False)
    trainer.goto(f"{base}/competency/survey/card/{WORKER}/")
    assert counted_on_card(trainer) == BURST_LIMIT
    assert "另有 2 份待审核" in trainer.get_by_test_id("survey-stats").inner_text()
    # Satisfaction evidence: one 群众评价 row per counted answer on each item's indicator (2.1 here).
    assert survey_evidence_count(trainer, base, "2.1") == BURST_LIMIT

    # The review page lists the two held answers (the worker's own filter, from the card's link).
    trainer.goto(f"{base}/competency/survey/card/{WORKER}/")
    trainer.get_by_text("审核待审核的评价").click()
    assert trainer.locator("h1").inner_text() == "待审核的群众评价"
    held = trainer.get_by_test_id("held-list").locator("> li")
    assert held.count() == 2
    assert "评价甲" in held.first.inner_text() and "3 星" in held.first.inner_text()

    # Release one: it counts from now on. Reject the other: it never counts.
    held.first.locator("[data-testid^=release-]").click()
    assert "已放行" in trainer.locator(".messages").inner_text()
    held = trainer.get_by_test_id("held-list").locator("> li")
    assert held.count() == 1
    held.first.locator("[data-testid^=reject-]").click()
    assert "已驳回" in trainer.locator(".messages").inner_text()
    assert trainer.get_by_test_id("none-held").is_visible()

    assert survey_evidence_count(trainer, base, "2.1") == BURST_LIMIT + 1
    worker.reload()
    assert counted_on_card(worker) == BURST_LIMIT + 1
    # 1.2: one 5-star and ten 3-star answers counted → (5 + 10 × 3) / 11 = 3.18.
    assert "3.18 星" in worker.get_by_test_id("survey-stats").inner_text()
