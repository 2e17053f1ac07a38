"""A phone (375×812) takes a timed quiz: answers, reloads mid-way and finds the answers kept,
loses the network and keeps typing, gets it back, submits and sees the score."""

import pytest

from assessments.models import Answer, Attempt
from tests.assessments.helpers import make_quiz
from tests.browser import login

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def saved(page):
    page.wait_for_function("document.getElementById('save-status').textContent.indexOf('已自动保存') !== -1")


def test_phone_takes_a_quiz_with_reload_and_offline(phone_page, live_server, city_tree, make_worker, tmp_path):
    quiz = make_quiz(time_limit_minutes=20)
    worker = make_worker(unit=city_tree["grid_a"])
    page = phone_page
    login(page, live_server.url, worker.employee_no, "Test@12345")
    page.goto(f"{live_server.url}/quizzes/{quiz.pk}/")
    page.click("[data-testid=start]")
    page.wait_for_selector("#countdown")
    assert page.inner_text("#countdown").startswith(("剩余 19:", "剩余 20:00"))

    page.check("section.question[data-index='0'] input[value=B]")
    saved(page)
    page.click("#next")
    page.check("section.question[data-index='1'] input[value=A]")
    page.check("section.question[data-index='1'] input[value=B]")
    page.check("section.question[data-index='1'] input[value=D]")
    page.click("section.question[data-index='1'] .flag-btn")
    saved(page)

    page.reload()
    page.wait_for_selector("#countdown")
    assert page.is_checked("section.question[data-index='0'] input[value=B]")
    page.click(".navigator .nav-item[data-target='1']")
    assert page.is_checked("section.question[data-index='1'] input[value=D]")
    assert "answered" in page.get_attribute(".navigator .nav-item[data-target='1']", "class")
    assert "flagged" in page.get_attribute(".navigator .nav-item[data-target='1']", "class")

    # the network drops: answers stay in the page (and localStorage) and go out when it returns
    page.context.set_offline(True)
    page.click(".navigator .nav-item[data-target='2']")
    page.check("section.question[data-index='2'] input[value='对']")
    page.click("#next")
    page.fill("section.question[data-index='3'] input >> nth=0", "２")
    page.fill("section.question[data-index='3'] input >> nth=1", "二十四")
    page.wait_for_function("document.getElementById('save-status').textContent.indexOf('网络') !== -1")
    attempt = Attempt.objects.get()
    assert Answer.objects.get(attempt=attempt, position=3).response is None
    page.context.set_offline(False)
    page.evaluate("window.dispatchEvent(new Event('online'))")
    page.wait_for_function("/已自动保存|已同步/.test(document.getElementById('save-status').textContent)")
    assert Answer.objects.get(attempt=attempt, position=3).response == "对"
    assert Answer.objects.get(attempt=attempt, position=4).response == ["２", "二十四"]

    assert page.evaluate("document.documentElement.scrollWidth") <= 375
    page.screenshot(path=str(tmp_path / "quiz-taking.png"))
    page.on("dialog", lambda dialog: dialog.accept())
    page.click("#submit")
    page.wait_for_selector("[data-testid=result]")
    assert page.inner_text("#score") == "10"
    assert "通过" in page.inner_text("[data-testid=result]")
    attempt.refresh_from_db()
    assert attempt.state == "graded" and attempt.score == 10


def test_two_quick_ticks_reach_the_server_in_order(phone_page, live_server, city_tree, make_worker):
    """Ticking two options of a 多选 fires two saves; if both were on the network at once the server
    could store them in either order and keep the older "A". While the first is held on the network
    the page must not send the second; once it returns, "AB" goes out and is what the server keeps."""
    quiz = make_quiz(time_limit_minutes=20)
    worker = make_worker(unit=city_tree["grid_a"])
    page = phone_page
    login(page, live_server.url, worker.employee_no, "Test@12345")
    page.goto(f"{live_server.url}/quizzes/{quiz.pk}/")
    page.click("[data-testid=start]")
    page.wait_for_selector("#countdown")
    page.click("#next")

    seen, held = [], []

    def hold_the_first(route):
        seen.append(route.request.post_data)
        if not held:
            held.append(route)  # stays on the network until the test lets it go
            return
        route.continue_()

    page.route("**/api/v1/attempts/*/answers/*", hold_the_first)
    page.check("section.question[data-index='1'] input[value=A]")
    page.check("section.question[data-index='1'] input[value=B]")
    page.wait_for_timeout(800)
    assert len(seen) == 1, seen
    held[0].continue_()
    saved(page)
    assert len(seen) == 2 and '"AB"' in seen[1], seen
    attempt = Attempt.objects.get()
    assert Answer.objects.get(attempt=attempt, position=2).response == "AB"
