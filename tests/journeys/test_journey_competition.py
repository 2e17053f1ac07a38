"""Journey 4, a skills competition (docs/rules.md §14, docs/guides/judge.md, the trainer guide's
技能比武): the organiser opens a knowledge round and three contestants waiting on their phones start
it in the same second; three judges score the scenario round on phones; the organiser closes and
publishes both rounds; the big screen's secret link shows the contestants in the order the ranking
rule gives; the organiser confirms the awards, the certificates are issued in a batch whose
progress shows, and a contestant finds theirs under 我的比赛."""

from __future__ import annotations

import datetime as dt
import json
import re
import subprocess
import time
from decimal import ROUND_HALF_UP, Decimal

import pytest
from playwright.sync_api import expect

from tests.journeys.steps_b import make_workers, shell_json

pytestmark = pytest.mark.browser

NAME = "旅程技能比武（乙）"
QUIZ = "旅程比武知识竞赛卷"
JUDGES = ["pw001", "jbj0001", "jbj0002"]  # pw001 first: the chief judge
# Contestants in three different communities (the judges sit at city level: no recusal, §14.3).
CONTESTANTS = {"jbc0001": ("比武甲", "wg0010"), "jbc0002": ("比武乙", "wg0030"), "jbc0003": ("比武丙", "wg0055")}
KNOWLEDGE_WEIGHT, SCENARIO_WEIGHT, SCENARIO_MAX = Decimal("0.4"), Decimal("0.6"), Decimal(30)
# Two single-choice questions: stem → (right option, wrong option).
QUESTIONS = {
    "入户走访时网格员首先应当做什么？": ("出示工作证件并说明来意", "直接进门查看情况"),
    "居民情绪激动地反映问题时，网格员应当怎样做？": ("先安抚情绪再了解诉求", "请居民自己去信访部门"),
}
# How many questions each contestant answers right, and each judge's total for them (of 30).
RIGHT = {"jbc0001": 2, "jbc0002": 1, "jbc0003": 0}
SCORES = {
    "pw001": {"jbc0001": 14, "jbc0002": 27, "jbc0003": 24},
    "jbj0001": {"jbc0001": 15, "jbc0002": 26, "jbc0003": 25},
    "jbj0002": {"jbc0001": 16, "jbc0002": 28, "jbc0003": 23},
}


def definition(starts_at: str | None) -> dict:
    knowledge = {"name": "知识竞赛", "kind": "知识竞赛", "weight": float(KNOWLEDGE_WEIGHT), "max_score": 100}
    knowledge.update(quiz=QUIZ, duration_minutes=1)
    if starts_at:
        knowledge["starts_at"] = starts_at
    scenario = {"name": "情景模拟", "kind": "情景模拟", "weight": float(SCENARIO_WEIGHT), "max_score": 30}
    scenario.update(judges=JUDGES, award_name="调解能手")
    return {
        "name": NAME,
        "stage": "单场",
        "organiser_unit": "临江市",
        "rounds": [knowledge, scenario],
        "entrants": list(CONTESTANTS),
    }


def expected_order() -> list[str]:
    """§14.2: score rate per round, total = weighted mean of the rates, higher first (the
    scores here leave no tie, so the tie-breaks do not come in)."""
    total_questions = len(QUESTIONS)
    totals = {}
    for no in CONTESTANTS:
        knowledge_rate = Decimal(RIGHT[no]) / total_questions * 100
        judged = [Decimal(SCORES[judge][no]) for judge in JUDGES]  # 3 judges: the plain mean
        average = (sum(judged) / len(judged)).quantize(Decimal("0.01"), ROUND_HALF_UP)
        scenario_rate = average / SCENARIO_MAX * 100
        weights = KNOWLEDGE_WEIGHT + SCENARIO_WEIGHT
        totals[no] = (KNOWLEDGE_WEIGHT * knowledge_rate + SCENARIO_WEIGHT * scenario_rate) / weights
    assert len(set(totals.values())) == len(totals), totals
    return sorted(totals, key=lambda no: -totals[no])


def set_up(site, tmp_path) -> None:
    """The competition, its judges, contestants and paper exist before the journey (setup by the
    import command, as the brief allows); everything after happens in the browsers."""
    people = [
        {"employee_no": no, "name": name, "like": "pw001", "roles": ["judge"]}
        for no, name in (("jbj0001", "评委乙"), ("jbj0002", "评委丙"))
    ]
    people += [{"employee_no": no, "name": name, "like": like} for no, (name, like) in CONTESTANTS.items()]
    make_workers(site, people)
    path = tmp_path / "competition.json"
    path.write_text(json.dumps(definition(None), ensure_ascii=False), encoding="utf-8")
    site.manage("import_competition", str(path))
    aiken = tmp_path / "paper.txt"
    aiken.write_text(
        "\n\n".join(f"{stem}\nA. {right}\nB. {wrong}\nANSWER: A" for stem, (right, wrong) in QUESTIONS.items()) + "\n",
        encoding="utf-8",
    )
    site.manage("import_questions", str(aiken), "--quiz", QUIZ)


def answer_paper(page, right: int) -> None:
    """Answer the paper on the quiz screen: the first `right` questions shown right, the rest wrong
    (the paper may shuffle, so options are chosen by their text)."""
    sections = page.locator("section.question")
    for index in range(sections.count()):
        section = sections.nth(index)
        section.wait_for(state="visible")
        stem = section.locator(".stem").inner_text().strip()
        good, bad = QUESTIONS[stem]
        section.locator("label.choice", has_text=good if index < right else bad).click()
        if index < sections.count() - 1:
            page.click("#next")
    page.once("dialog", lambda dialog: dialog.accept())
    page.click("#submit")
    # The review page has the quiz screen's address; it is there once the 交卷 button is gone.
    expect(page.locator("#submit")).to_have_count(0, timeout=20000)


def close_round(page, base: str, round_name: str, *, wait_seconds: int = 0) -> None:
    """截止评分 from the 组织管理 page. A knowledge round closes only once its time is over: until
    then the page refuses with its reason, and the organiser tries again a little later."""
    deadline = time.monotonic() + wait_seconds
    while True:
        open_manage(page, base)
        page.locator("tr", has_text=round_name).get_by_role("link", name="截止评分").click()
        close_url = page.url
        page.get_by_test_id("confirm-close").click()
        page.wait_for_load_state("networkidle")
        refused = page.get_by_test_id("close-error")
        if refused.count() == 0:
            break
        assert "尚未结束" in refused.inner_text() and time.monotonic() < deadline, refused.inner_text()
        time.sleep(3)
    page.goto(close_url)
    expect(page.get_by_test_id("already-closed")).to_be_visible()


def open_manage(page, base: str) -> None:
    """技能比武 → the competition → 组织管理, as the organiser goes there."""
    page.goto(base + "/competitions/")
    page.get_by_role("link", name=NAME).first.click()
    page.get_by_test_id("manage-link").click()


def test_competition_from_knowledge_round_to_award_certificates(journey_site, actors, tmp_path):
    base = journey_site.base
    set_up(journey_site, tmp_path)
    order = expected_order()

    # Three contestants on their phones, already on the competition's leaderboard page; the
    # organiser at a desk.
    contestants = {no: actors.log_in(no) for no in CONTESTANTS}
    for page in contestants.values():
        page.goto(base + "/competitions/")
        page.get_by_role("link", name=NAME).first.click()
        page.get_by_test_id("board-link").click()
    organiser = actors.log_in("px001", phone=False)

    # The organiser opens the knowledge round: the same definition with a start time, uploaded on
    # 导入比赛定义 (the trainer guide's way to define a round without the admin).
    starts = dt.datetime.now(dt.UTC).replace(microsecond=0) + dt.timedelta(seconds=25)
    upload = tmp_path / "open.json"
    upload.write_text(json.dumps(definition(starts.isoformat(sep=" ")), ensure_ascii=False), encoding="utf-8")
    organiser.goto(base + "/competitions/import/")
    organiser.set_input_files("#id_file", str(upload))
    organiser.get_by_role("button", name="导入").click()
    assert organiser.get_by_test_id("problems").count() == 0, organiser.get_by_test_id("problems").inner_text()

    # Each contestant enters the waiting room: a countdown by the server's clock, no question yet.
    for page in contestants.values():
        page.reload()
        page.get_by_test_id("paper-link").click()
        expect(page.get_by_test_id("countdown")).to_be_visible()
        assert "入户走访" not in page.content()
    # At zero every waiting page starts on its own and lands on the quiz screen.
    for page in contestants.values():
        page.wait_for_url(re.compile(r"/attempts/\d+/"), timeout=60000)
    started = shell_json(
        journey_site,
        "import json\nfrom assessments.models import Attempt\n"
        f"print(json.dumps([a.started_at.timestamp() for a in Attempt.objects.filter(quiz__title={QUIZ!r})]))",
    )
    assert len(started) == 3
    assert min(started) >= starts.timestamp() and max(started) - min(started) < 1, (starts, started)
    for no, page in contestants.items():
        answer_paper(page, RIGHT[no])

    # The judges score the scenario round on their phones, contestant after contestant.
    for judge_no in JUDGES:
        judge = actors.log_in(judge_no)
        judge.goto(base + "/competitions/judging/")
        judge.get_by_role("link", name=re.compile(f"{NAME} · 情景模拟")).click()
        judge.get_by_test_id("next-pending").click()
        for _ in CONTESTANTS:  # saving one sheet opens the next contestant's, then the round page
            name = judge.locator("h1").inner_text()
            no = next(n for n, (person, _) in CONTESTANTS.items() if person in name)
            judge.fill("#total", str(SCORES[judge_no][no]))
            judge.get_by_test_id("save-score").click()
            assert judge.get_by_test_id("sheet-error").count() == 0
        expect(judge.get_by_test_id("progress")).to_have_text("3 / 3")

    # The organiser closes both rounds (the knowledge round once its minute is over) and publishes.
    close_round(organiser, base, "情景模拟")
    close_round(organiser, base, "知识竞赛", wait_seconds=90)
    for round_name in ("知识竞赛", "情景模拟"):
        open_manage(organiser, base)
        organiser.locator("tr", has_text=round_name).get_by_role("link", name="公布成绩").click()
        organiser.get_by_test_id("publish").click()
        # Publishing leads to 获奖, where the round is now marked 已公布.
        expect(organiser.locator("[data-testid^=round-]", has_text=round_name)).to_contain_text("已公布")

    # The big screen, opened from the secret link on 组织管理 in a browser with no login.
    open_manage(organiser, base)
    screen_url = organiser.get_by_test_id("screen-link").get_by_role("link", name="打开大屏").get_attribute("href")
    screen = actors.new_page("大屏", phone=False)
    screen.goto(base + screen_url if screen_url.startswith("/") else screen_url)
    names = [CONTESTANTS[no][0] for no in order]
    rows = screen.locator("#people tbody tr")
    expect(rows).to_have_count(3, timeout=20000)
    for position, name in enumerate(names):
        expect(rows.nth(position)).to_contain_text(name)

    # Awards: first, second and third prize (one each of three), the single prize to the best
    # scenario rate; confirming issues the AWARD certificates in a batch with progress.
    organiser.get_by_role("link", name="获奖", exact=True).click()
    for prize, no in zip(("一等奖", "二等奖", "三等奖"), order, strict=True):
        expect(organiser.get_by_test_id(f"proposal-{no}").first).to_contain_text(CONTESTANTS[no][0])
        assert any(prize in row.inner_text() for row in organiser.get_by_test_id(f"proposal-{no}").all())
    organiser.get_by_test_id("confirm").click()
    # One batch per prize, each with its progress; when every batch is done the page is
    # refreshed, as it says, to show the certificates.
    jobs = organiser.get_by_test_id("job")
    expect(jobs.first).to_be_visible()
    assert jobs.count() >= 3
    for job in jobs.all():
        expect(job.locator("[data-job=count]")).to_have_text(re.compile(r"^(\d+)/\1$"), timeout=60000)
    organiser.reload()
    winner = order[0]
    award_row = organiser.locator(f"[data-testid=award-{winner}]", has_text="一等奖")
    expect(award_row.get_by_role("link", name=re.compile(r"^GA-\d{4}-\d{6}$"))).to_be_visible(timeout=60000)
    serial = award_row.get_by_role("link", name=re.compile(r"^GA-")).inner_text()

    # The winner sees the prize and the certificate under 我的比赛; the PDF names the prize.
    page = contestants[winner]
    page.goto(base + "/competitions/mine/")
    card = page.locator("[data-testid^=history-]", has_text=NAME)
    expect(card.get_by_test_id("rank")).to_have_text("第 1 名 / 3 人")
    expect(card.get_by_test_id("awards")).to_contain_text("一等奖")
    href = card.get_by_test_id("awards").get_by_role("link", name="证书").first.get_attribute("href")
    pdf = page.request.get(base + href)
    assert pdf.ok and pdf.headers["content-type"] == "application/pdf"
    path = tmp_path / "award.pdf"
    path.write_bytes(pdf.body())
    text = subprocess.run(["pdftotext", str(path), "-"], capture_output=True, text=True, check=True).stdout
    assert serial in text and "一等奖" in text and CONTESTANTS[winner][0] in text.replace(" ", "")
