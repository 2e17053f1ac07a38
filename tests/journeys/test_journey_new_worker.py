"""Journey 1, a new worker: HR imports them, they set their own password on a phone, study the
onboarding course, pass its final exam, download the completion certificate, anyone can verify it,
and the exam is `测试` evidence in their competency profile (rules §3, §4, §5, §7, §8).
"""

from __future__ import annotations

import datetime as dt
import re
import subprocess
import tempfile
from pathlib import Path

import pytest

from tests.journeys import steps_a

pytestmark = pytest.mark.browser

COURSE = "新入职网格员岗前培训"
EXAM = "入职结业考试"

# What a worker who knows the answers would put in, per question of their open attempt: the shown
# letters of the right options (options are shuffled per attempt), 对/错, the first accepted text of
# each blank; essays get a sound answer that the marker then marks. Printed as one JSON line.
RIGHT_ANSWERS = """
import json
from assessments.models import Attempt
from assessments.scoring import split_blanks
attempt = Attempt.objects.filter(worker__employee_no="{no}", quiz__title="{exam}").latest("pk")
out = []
for a in attempt.answers.select_related("version").order_by("position"):
    v = a.version
    shown = {{own: s for s, own in a.option_map.items()}} or {{c: c for c in v.options}}
    if v.qtype in ("单选", "多选"):
        right = "".join(sorted(shown[c] for c in v.answer))
    elif v.qtype == "填空":
        right = [alts[0] for alts in split_blanks(v.answer)]
    else:
        right = v.answer
    out.append({{"qid": a.question_id, "answer": a.pk, "type": v.qtype, "right": right,
                "points": str(v.points)}})
print(json.dumps(out, ensure_ascii=False))
"""


def answer_question(page, item: dict) -> None:
    section = page.locator(f"section.question[data-qid='{item['qid']}']")
    kind, right = item["type"], item["right"]
    if kind in ("单选", "多选"):
        for letter in right:
            section.locator(f"input[value='{letter}']").check()
    elif kind == "判断":
        section.locator(f"input[value='{right}']").check()
    elif kind == "填空":
        for box, text in zip(section.locator("input[type=text]").all(), right, strict=True):
            box.fill(text)
            box.dispatch_event("change")
    else:
        box = section.locator("textarea")
        box.fill("先了解情况并安抚群众，按流程上报，跟踪办理并及时反馈。")
        box.dispatch_event("change")


def test_imported_worker_sets_password_studies_passes_the_exam_and_holds_a_verifiable_certificate(journey_site, actors):
    base = journey_site.base
    employee_no = steps_a.fresh_employee_no("jn")
    name = "欧阳晓雯"
    number = steps_a.id_number()

    # HR imports the worker from the page's own template.
    hr = actors.log_in("rs001", phone=False)
    today = dt.date.today().isoformat()
    row = {
        "工号": employee_no,
        "姓名": name,
        "身份证号": number,
        "所属网格": steps_a.GRID,
        "入职日期": today,
        "角色": "网格员",
    }
    result = steps_a.import_workers_on_page(hr, base, [row])
    assert "新增 1" in result, result

    # First login on a phone with the last 6 digits of the 身份证号; a password of their own.
    worker = steps_a.first_login(actors, employee_no, number[-6:])

    # The import enrolled them in the onboarding course; every lesson is marked done on its page.
    worker.goto(base + "/courses/my/")
    worker.get_by_role("link", name=COURSE).first.click()
    lessons = [link.get_attribute("href") for link in worker.locator("section", has_text="课时").locator("ol a").all()]
    assert len(lessons) == 8
    for href in lessons:
        worker.goto(base + href)
        worker.get_by_test_id("complete-lesson").click()
        worker.wait_for_load_state("networkidle")
    worker.goto(base + lessons[0])
    assert worker.get_by_test_id("lesson-done").is_visible()
    worker.goto(base + "/courses/onboarding/")
    assert "已完成 8/8 个必修课时" in worker.locator("main").inner_text()

    # The final exam: started from the course page, answered one screen at a time.
    worker.get_by_role("link", name=EXAM).click()
    worker.get_by_test_id("start").click()
    worker.wait_for_url("**/attempts/*/")
    items = steps_a.db_value(journey_site, RIGHT_ANSWERS.format(no=employee_no, exam=EXAM))
    assert items
    for index, item in enumerate(items):
        answer_question(worker, item)
        if index < len(items) - 1:
            worker.click("#next")
    worker.wait_for_function("() => !document.querySelector('#save-status').textContent.includes('保存中')")
    worker.once("dialog", lambda dialog: dialog.accept())
    with worker.expect_navigation():  # the review is the same address as the take page
        worker.click("#submit")
    worker.wait_for_load_state("networkidle")

    # Essays wait for a marker: the trainer marks them (full marks for the sound answer).
    essays = [item for item in items if item["type"] == "简答"]
    if essays:
        assert "待阅卷" in worker.locator("main").inner_text()
        marker = actors.log_in("px001", phone=False)
        for item in essays:
            marker.goto(f"{base}/marking/{item['answer']}/")
            marker.fill("#id_score", item["points"])
            marker.get_by_role("button", name="保存评分").click()
            marker.wait_for_load_state("networkidle")
    worker.goto(base + "/courses/onboarding/")
    worker.get_by_role("link", name=EXAM).click()
    grade = re.search(r"我的成绩\s*([\d.]+)%", worker.locator("main").inner_text())
    # Every answer was the right one and every save reached the server: full marks, not merely a pass.
    assert grade and float(grade.group(1)) == 100, f"结业考试成绩 {grade and grade.group(1)}%，应为满分"

    # The completion certificate: the PDF carries the name; the share link verifies anonymously.
    worker.goto(base + "/certificates/mine/")
    assert "结业证书 有效" in worker.locator("main").inner_text()
    # The PDF opens inline in the browser; fetch the link's address with the worker's own session.
    href = worker.get_by_role("link", name="下载 PDF").first.get_attribute("href")
    response = worker.request.get(base + href)
    assert response.ok
    assert response.headers["content-type"] == "application/pdf"
    pdf = Path(tempfile.mkdtemp(prefix="journey-cert-")) / "certificate.pdf"
    pdf.write_bytes(response.body())
    text = subprocess.run(["pdftotext", str(pdf), "-"], check=True, capture_output=True, text=True).stdout
    assert name in text.replace(" ", "")
    share = worker.get_by_test_id("share-link").first.inner_text().strip()
    resident = actors.new_page("居民")
    resident.goto(share)
    assert resident.get_by_test_id("verify-status").inner_text().strip() == "有效"
    verified = resident.locator("main").inner_text()
    assert name not in verified  # the public page shows the name masked

    # The exam's graded questions are 测试 evidence on the indicator of the first one.
    code = steps_a.db_value(
        journey_site,
        "import json\nfrom assessments.models import Answer\n"
        f"a = Answer.objects.filter(attempt__worker__employee_no='{employee_no}')"
        ".exclude(question__indicator_code='').select_related('question').order_by('position').first()\n"
        "print(json.dumps(a.question.indicator_code))",
    )
    worker.goto(base + "/competency/")
    worker.get_by_test_id(f"indicator-{code}").locator("a").click()
    worker.wait_for_load_state("networkidle")
    tested = worker.get_by_test_id("source-测试")
    assert re.fullmatch(r"\d+\.\d\d", tested.locator("td[data-label=本期得分]").inner_text().strip())
    assert int(tested.locator("td[data-label=证据条数]").inner_text()) >= 1
    assert "测试" in worker.locator("section", has_text="证据明细").inner_text()
