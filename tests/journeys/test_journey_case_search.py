"""Journey 3, case search: a trainer publishes a case in the Wagtail admin; a worker on a phone finds
it by a two-character word that only occurs inside a longer phrase of its body (rules §10: the
search finds Chinese words inside text), opens it and runs the scenario drill it points to.

The case model has no link to a drill (only 相关案例 and 能力指标), so the case names the demo's drill
「发现疑似传销窝点」 in its 处置过程 and shares its indicator 3.1; the worker opens the drill from the
情景模拟 list. Running a drill only adds the worker's own attempt, so the demo drill stays as it is.
"""

from __future__ import annotations

import random

import pytest

pytestmark = pytest.mark.browser

DRILL = "发现疑似传销窝点"


def test_trainer_publishes_a_case_a_worker_finds_it_by_a_word_inside_its_text_and_runs_its_drill(journey_site, actors):
    base = journey_site.base
    marker = f"{random.randint(1000, 9999)}"
    title = f"出租屋异常聚集排查（{marker}）"
    # 鸽笼 occurs only inside 楼顶鸽笼违规搭建 — not in the title, nor (as a word) in any demo case.
    problem = "巡查时发现出租屋内每晚有大量陌生人聚集，楼顶鸽笼违规搭建遮挡消防通道，居民多次反映。"
    handling = f"网格员记录情况后联系派出所和城管联合上门核查（可练习情景演练「{DRILL}」）。"

    trainer = actors.log_in("px001", phone=False)
    trainer.goto(base + "/admin/pages/")
    trainer.get_by_role("link", name="网格学院", exact=True).first.click()
    case_index = trainer.locator("main a", has_text="案例库").first.get_attribute("href")  # …/pages/<id>/edit/
    trainer.goto(base + case_index.replace("/edit/", "/add_subpage/"))
    trainer.fill("#id_title", title)
    trainer.fill("#id_problem", problem)
    trainer.fill("#id_handling", handling)
    trainer.fill("#id_lessons", "发现异常聚集先核实再上报，不单独处置。")
    # The category is a chooser: open it and pick the first category.
    trainer.locator("[data-chooser-action-choose]").first.click()
    trainer.locator(".modal a[data-chooser-modal-choice], .modal td a").first.click()
    trainer.locator(".modal").wait_for(state="hidden")
    trainer.get_by_label("3.1 问题发现敏锐度").check()
    trainer.get_by_role("button", name="更多动作").click()  # 发布 sits in the save button's menu
    trainer.locator("button[name=action-publish]").click()
    trainer.wait_for_load_state("networkidle")
    assert "已发布" in trainer.locator("body").inner_text()

    # A worker on a phone searches for the two-character word.
    worker = actors.log_in("wg0002")
    worker.goto(base + "/cases/")
    worker.fill("input[name=q]", "鸽笼")
    worker.locator("input[name=q]").press("Enter")
    worker.wait_for_load_state("networkidle")
    results = worker.locator("main").inner_text()
    assert title in results
    worker.get_by_role("link", name=title).first.click()
    worker.wait_for_load_state("networkidle")
    body = worker.locator("main").inner_text()
    assert "楼顶鸽笼违规搭建" in body
    assert "3.1 问题发现敏锐度" in body
    assert worker.locator("mark", has_text="鸽笼").count() >= 1  # the word is highlighted inside the phrase

    # The drill it names, from the 情景模拟 list, run to the end by always taking the first choice.
    worker.goto(base + "/drills/")
    worker.get_by_role("link", name=DRILL).click()
    assert "3.1" in worker.locator("main").inner_text()
    worker.get_by_role("button", name="开始演练").click()
    steps = 0
    while worker.get_by_test_id("drill-step").count():
        step = worker.get_by_test_id("drill-step")
        if step.locator("textarea").count():
            step.locator("textarea").fill("先核实情况，联系社区民警，不打草惊蛇，做好记录并上报。")
            step.get_by_role("button", name="提交作答").click()
        else:
            step.locator("button[name=choice]").first.click()
        worker.wait_for_load_state("networkidle")
        steps += 1
        assert steps < 20
    assert steps >= 1
    assert "/drills/runs/" in worker.url
    assert worker.get_by_role("heading", name="演练结果").is_visible()
    assert worker.get_by_test_id("drill-result").is_visible()
