"""Who sees what: the judge's queue (judges of the drill, trainers of the subtree, nobody their
own), runs (own only; a peer's id is 404), case pages for signed-in users only."""

import pytest

from casebank import services
from casebank.models import DrillAttemptState
from lms import roles
from tests.casebank.helpers import make_drill

pytestmark = pytest.mark.django_db


@pytest.fixture
def people(city_tree, make_worker):
    return {
        "trainee": make_worker(unit=city_tree["grid_a"]),
        "peer": make_worker(unit=city_tree["grid_a"]),
        "far": make_worker(unit=city_tree["grid_b"]),
        "judge": make_worker(unit=city_tree["city"], role_codes=(roles.JUDGE,)),
        "judge_peer": make_worker(unit=city_tree["city"], role_codes=(roles.JUDGE,)),
        "trainer_a": make_worker(unit=city_tree["street_a"], role_codes=(roles.TRAINER,)),
        "trainer_b": make_worker(unit=city_tree["street_b"], role_codes=(roles.TRAINER,)),
        "mentor": make_worker(unit=city_tree["street_a"], role_codes=(roles.MENTOR,)),
        "hr": make_worker(unit=city_tree["city"], role_codes=(roles.HR,)),
        "manager": make_worker(unit=city_tree["city"], role_codes=(roles.MANAGER,)),
    }


def awaiting(drill, worker):
    attempt = services.drill_attempt_start(drill=drill, worker=worker)
    services.drill_attempt_choose(attempt=attempt, step_key="S1", choice_index=1)
    step = services.drill_attempt_respond(attempt=attempt, step_key="S3", text="道歉并协助清理。")
    return attempt, step


def test_judge_queue_by_role(client, people):
    drill = make_drill(judges=[people["judge"].user])
    _, step = awaiting(drill, people["trainee"])
    expectations = {
        "trainee": 404,
        "peer": 404,
        "mentor": 404,
        "hr": 404,
        "manager": 404,
        "judge": 200,
        "judge_peer": 404,  # judge_peer is a judge, but not of this drill
        "trainer_a": 200,
        "trainer_b": 404,  # trainer_b's subtree does not hold the trainee
    }
    for name, status in expectations.items():
        client.force_login(people[name].user)
        assert client.get(f"/drills/review/{step.pk}/").status_code == status, name
        queue = client.get("/drills/review/")
        if name in ("judge", "judge_peer", "trainer_a", "trainer_b"):
            assert queue.status_code == 200
            assert (f"/drills/review/{step.pk}/" in queue.content.decode()) == (status == 200), name
        else:
            assert queue.status_code == 404, name


def test_judge_scores_through_the_page(client, people):
    drill = make_drill(judges=[people["judge"].user])
    attempt, step = awaiting(drill, people["trainee"])
    client.force_login(people["judge_peer"].user)
    assert client.post(f"/drills/review/{step.pk}/", {"points": "9", "comment": "好"}).status_code == 404
    client.force_login(people["judge"].user)
    response = client.post(f"/drills/review/{step.pk}/", {"points": "12", "comment": "超分"})
    assert "得分应在 0 到 10 之间" in response.content.decode()
    response = client.post(f"/drills/review/{step.pk}/", {"points": "9", "comment": "补救及时，表达得体。"})
    assert response.status_code == 302
    attempt.refresh_from_db()
    assert attempt.state == DrillAttemptState.COMPLETED


def test_nobody_judges_their_own_response(people):
    from casebank.selectors import judge_queue

    drill = make_drill(judges=[people["judge"].user])
    _, step = awaiting(drill, people["judge"])  # the judge runs the drill as a worker
    assert not judge_queue(people["judge"].user).filter(pk=step.pk).exists()


def test_runs_are_private_to_the_runner(client, people):
    drill = make_drill()
    attempt = services.drill_attempt_start(drill=drill, worker=people["trainee"])
    client.force_login(people["peer"].user)
    assert client.post(f"/drills/runs/{attempt.pk}/step/", {"step": "S1", "choice": "0"}).status_code == 404
    assert client.get(f"/drills/runs/{attempt.pk}/").status_code == 404
    client.force_login(people["trainer_b"].user)
    assert client.get(f"/drills/runs/{attempt.pk}/").status_code == 404
    client.force_login(people["trainer_a"].user)
    assert client.get(f"/drills/runs/{attempt.pk}/").status_code == 200
    client.force_login(people["trainee"].user)
    assert client.post(f"/drills/runs/{attempt.pk}/step/", {"step": "S1", "choice": "0"}).status_code == 302
    attempt.refresh_from_db()
    assert attempt.current_key == "S2"


def test_case_and_drill_pages_need_login(client, people, small_library):
    for url in ("/cases/", "/drills/", "/faq/"):
        response = client.get(url)
        assert response.status_code == 302 and "/login/" in response["Location"], url
    client.force_login(people["trainee"].user)
    for url in ("/cases/", "/drills/", "/faq/"):
        assert client.get(url).status_code == 200, url
