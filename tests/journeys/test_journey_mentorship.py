"""Journey 2, mentorship: a trainer pairs a fresh mentor and mentee; the mentor logs a home visit on
a phone, the mentee confirms it, the compliance board counts it, the mentor's observation rating
becomes the mentee's `观察` evidence on indicator 2.1 (rules §7.2, §12).

The pair is imported for this journey (HR's import page), so the demo's terms stay as they are.
"""

from __future__ import annotations

import datetime as dt

import pytest

from tests.journeys import steps_a

pytestmark = pytest.mark.browser


def compliance_row(page, base: str, mentee: str) -> dict[str, str]:
    """The mentee's row of the compliance board this month, as the columns' labels read it."""
    page.goto(base + "/mentorship/compliance/")
    row = page.get_by_test_id(f"row-{mentee}")
    return {cell.get_attribute("data-label"): cell.inner_text().strip() for cell in row.locator("td").all()}


def test_mentor_logs_a_visit_the_mentee_confirms_the_board_counts_it_and_the_rating_is_evidence(journey_site, actors):
    base = journey_site.base
    hr = actors.log_in("rs001", phone=False)
    mentor = steps_a.imported_worker(journey_site, actors, hr, prefix="jm", name="李建华", roles="网格员;导师")
    mentee = steps_a.imported_worker(journey_site, actors, hr, prefix="jt", name="张小雨")

    # The trainer arranges the term: the import made the mentor one of the suggestions.
    trainer = actors.log_in("px001", phone=False)
    trainer.goto(base + "/mentorship/terms/new/")
    today = dt.date.today()
    trainer.fill("#id_mentee", mentee)
    trainer.fill("#id_start", today.isoformat())
    trainer.fill("#id_planned_end", (today + dt.timedelta(days=120)).isoformat())
    trainer.get_by_role("button", name="推荐导师").click()
    trainer.get_by_test_id(f"choose-{mentor}").click()
    trainer.wait_for_load_state("networkidle")
    assert "已安排导师李建华带教张小雨" in trainer.locator("body").inner_text()

    mentor_page = actors.log_in(mentor, steps_a.NEW_PASSWORD)
    before = compliance_row(mentor_page, base, mentee)
    assert before["已确认"] == "0"
    assert before["状态"] == "未达标"
    required = int(before["应走访"])
    assert required >= 1

    # The mentor logs today's home visit, practising 2.1 群众沟通技巧.
    mentor_page.goto(base + "/mentorship/sessions/new/")
    assert mentor_page.locator("#id_type").input_value() == "入户走访"
    mentor_page.fill("#id_place", "春晖社区3栋独居老人家")
    mentor_page.check("input[name=indicators][value='2.1']")
    mentor_page.fill("#id_notes", "示范如何耐心听老人讲完再解释政策")
    mentor_page.get_by_test_id("save-session").click()
    mentor_page.wait_for_load_state("networkidle")
    session_url = mentor_page.url
    assert "待确认" in mentor_page.locator("body").inner_text()
    # Not confirmed yet: the board has not moved.
    assert compliance_row(mentor_page, base, mentee)["已确认"] == "0"

    # The mentee confirms it on the phone, from the mentorship page.
    mentee_page = actors.log_in(mentee, steps_a.NEW_PASSWORD)
    mentee_page.goto(base + "/mentorship/")
    assert "待我确认的指导记录" in mentee_page.locator("body").inner_text()
    mentee_page.locator("[data-testid^=confirm-]").first.click()
    mentee_page.wait_for_load_state("networkidle")
    assert mentee_page.locator("[data-testid^=confirm-]").count() == 0

    after = compliance_row(mentor_page, base, mentee)
    assert after["已确认"] == "1"
    assert after["状态"] == ("达标" if required == 1 else "未达标")
    # The trainer's board shows the same row.
    trainer_row = compliance_row(trainer, base, mentee)
    assert trainer_row["已确认"] == "1"
    assert trainer_row["导师"] == f"李建华（{mentor}）"

    # The mentor rates what was practised: 4 stars on 2.1 → 80 points of 观察 evidence.
    mentor_page.goto(session_url)
    mentor_page.select_option("#stars_2\\.1", "4")
    mentor_page.fill("#id_comment", "沟通耐心，解释清楚")
    mentor_page.get_by_role("button", name="保存评价").click()
    mentor_page.wait_for_load_state("networkidle")
    assert "已于" in mentor_page.locator("body").inner_text()

    # The mentee's own explanation of 2.1 shows the observation.
    mentee_page.goto(base + "/competency/")
    mentee_page.get_by_test_id("indicator-2.1").locator("a").click()
    mentee_page.wait_for_load_state("networkidle")
    observed = mentee_page.get_by_test_id("source-观察")
    assert observed.locator("td[data-label=本期得分]").inner_text().strip() == "80.00"
    assert observed.locator("td[data-label=证据条数]").inner_text().strip() == "1"
    evidence = mentee_page.locator("section", has_text="证据明细").inner_text()
    assert "观察" in evidence
    assert today.isoformat() in evidence
