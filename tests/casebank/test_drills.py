"""Drills: the publish check (dead ends, cycles without an end, unreachable steps), the scorer on
branching paths, judging of free-text steps, and the evidence a finished drill records."""

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from assessments.models import Evidence
from casebank import services
from casebank.demo_drills import DRILLS, _c, _s
from casebank.drills import DrillGraphError, drill_graph_check, drill_max_points, graph_from_stream
from casebank.models import DrillAttemptState, DrillPage
from lms import roles
from lms.models import Notification
from tests.casebank.helpers import branching_steps, make_drill


def check(steps):
    drill_graph_check(graph_from_stream(steps))


def test_a_good_graph_passes_and_the_demo_drills_pass():
    check(branching_steps())
    for drill in DRILLS:
        check(drill["steps"])


def test_dead_end_is_refused_naming_the_step():
    steps = branching_steps()
    steps[1]["choices"][0]["next_key"] = "S9"
    with pytest.raises(DrillGraphError, match="步骤“S2”指向不存在的步骤“S9”"):
        check(steps)


def test_cycle_without_an_end_is_refused_naming_the_steps():
    steps = [
        _s("S1", "开始", [_c("去 S2", "S2", 1, ""), _c("结束", "", 1, "")]),
        _s("S2", "绕圈", [_c("去 S3", "S3", 1, "")]),
        _s("S3", "绕圈", [_c("回 S2", "S2", 1, "")]),
    ]
    with pytest.raises(DrillGraphError, match="S2”“S3”陷入没有结束的循环"):
        check(steps)


def test_a_cycle_with_a_way_out_is_allowed():
    check(branching_steps())  # S2 → S1 is a loop, but S2 can also end


def test_unreachable_step_is_refused():
    steps = branching_steps() + [_s("S4", "孤立的步骤", [_c("结束", "", 1, "")])]
    with pytest.raises(DrillGraphError, match="“S4”从起始步骤无法到达"):
        check(steps)


def test_response_step_needs_max_points_and_keys_are_unique():
    steps = branching_steps()
    steps[2]["max_points"] = None
    with pytest.raises(DrillGraphError, match="须填写作答满分"):
        check(steps)
    with pytest.raises(DrillGraphError, match="重复"):
        check(branching_steps() + [_s("S1", "重复", [])])


def test_max_points_is_the_best_path():
    # S1(10) → S2(5) → end = 15; S1(0) → S3(10) = 10
    assert drill_max_points(graph_from_stream(branching_steps())) == Decimal(15)


@pytest.mark.django_db
def test_page_clean_blocks_saving_a_broken_drill():
    page = make_drill()
    broken = branching_steps()
    broken[0]["choices"][1]["next_key"] = "S7"
    page.steps = [("step", s) for s in broken]
    with pytest.raises(ValidationError) as info:
        page.full_clean()
    assert "S7" in str(info.value)


@pytest.fixture
def trainee(city_tree, make_worker):
    return make_worker(unit=city_tree["grid_a"])


@pytest.mark.django_db
def test_best_path_scores_100_and_records_evidence(trainee):
    drill = make_drill()
    attempt = services.drill_attempt_start(drill=drill, worker=trainee)
    assert attempt.current_key == "S1" and attempt.max_points == 15
    services.drill_attempt_choose(attempt=attempt, step_key="S1", choice_index=0)
    services.drill_attempt_choose(attempt=attempt, step_key="S2", choice_index=0)
    attempt.refresh_from_db()
    assert attempt.state == DrillAttemptState.COMPLETED
    assert (attempt.points, attempt.score) == (Decimal(15), Decimal("100.00"))
    evidence = Evidence.objects.filter(worker=trainee).order_by("indicator__code")
    assert [(e.indicator.code, e.score) for e in evidence] == [("2.3", Decimal("100.00")), ("3.2", Decimal("100.00"))]
    assert evidence[0].source_type == "casebank.drillattempt"


@pytest.mark.django_db
def test_looping_back_scores_a_step_only_once(trainee):
    drill = make_drill()
    attempt = services.drill_attempt_start(drill=drill, worker=trainee)
    services.drill_attempt_choose(attempt=attempt, step_key="S1", choice_index=0)  # +10
    services.drill_attempt_choose(attempt=attempt, step_key="S2", choice_index=1)  # back to S1, 0
    services.drill_attempt_choose(attempt=attempt, step_key="S1", choice_index=0)  # revisit: 0
    services.drill_attempt_choose(attempt=attempt, step_key="S2", choice_index=0)  # revisit: 0 → end
    attempt.refresh_from_db()
    assert attempt.points == Decimal(10)
    assert attempt.score == Decimal("66.67")
    assert attempt.steps.count() == 4


@pytest.mark.django_db
def test_out_of_turn_and_finished_runs_are_refused(trainee):
    drill = make_drill()
    attempt = services.drill_attempt_start(drill=drill, worker=trainee)
    with pytest.raises(services.DrillRefused):
        services.drill_attempt_choose(attempt=attempt, step_key="S2", choice_index=0)
    with pytest.raises(services.DrillRefused):
        services.drill_attempt_choose(attempt=attempt, step_key="S1", choice_index=5)
    services.drill_attempt_choose(attempt=attempt, step_key="S1", choice_index=0)
    with pytest.raises(services.DrillRefused):  # double submit of the same step
        services.drill_attempt_choose(attempt=attempt, step_key="S1", choice_index=0)
    assert services.drill_attempt_start(drill=drill, worker=trainee).pk == attempt.pk  # resumes


@pytest.mark.django_db
def test_response_branch_waits_for_the_judge_then_completes(trainee, city_tree, make_worker):
    judge = make_worker(unit=city_tree["city"], role_codes=(roles.JUDGE,))
    other_judge = make_worker(unit=city_tree["city"], role_codes=(roles.JUDGE,))
    drill = make_drill(judges=[judge.user])
    attempt = services.drill_attempt_start(drill=drill, worker=trainee)
    services.drill_attempt_choose(attempt=attempt, step_key="S1", choice_index=1)  # 0 → S3
    with pytest.raises(services.DrillRefused):
        services.drill_attempt_respond(attempt=attempt, step_key="S3", text="   ")
    step = services.drill_attempt_respond(
        attempt=attempt, step_key="S3", text="先向老人道歉，再解释楼道堆物的隐患，协助清理。"
    )
    attempt.refresh_from_db()
    assert attempt.state == DrillAttemptState.AWAITING_REVIEW
    assert Notification.objects.filter(recipient=judge.user).count() == 1
    assert not Evidence.objects.filter(worker=trainee).exists()
    with pytest.raises(services.JudgingRefused):  # not a judge of this drill
        services.drill_response_judge(step=step, judge=other_judge.user, points=8, comment="好")
    with pytest.raises(services.JudgingRefused):
        services.drill_response_judge(step=step, judge=judge.user, points=11, comment="超出满分")
    with pytest.raises(services.JudgingRefused):
        services.drill_response_judge(step=step, judge=judge.user, points=8, comment="")
    services.drill_response_judge(step=step, judge=judge.user, points=Decimal("8"), comment="态度诚恳，补救措施具体。")
    attempt.refresh_from_db()
    assert attempt.state == DrillAttemptState.COMPLETED
    assert (attempt.points, attempt.score) == (Decimal(8), Decimal("53.33"))
    assert set(Evidence.objects.filter(worker=trainee).values_list("score", flat=True)) == {Decimal("53.33")}
    assert Notification.objects.filter(recipient=trainee.user, title__contains="已评分").exists()


@pytest.mark.django_db
def test_demo_is_idempotent_and_has_the_four_drills(demo_library, tmp_path, settings):
    from casebank import demo
    from casebank.models import CaseCompilation, CasePage, Faq

    drills = DrillPage.objects.live()
    assert sorted(d.title for d in drills) == sorted(
        ["居民投诉噪音扰民", "发现疑似传销窝点", "独居老人突发疾病", "小区燃气泄漏"]
    )
    settings.MEDIA_ROOT = tmp_path
    demo.load(None)  # the full demo, with last month's compilation
    counts = (CasePage.objects.count(), Faq.objects.count(), DrillPage.objects.count(), CaseCompilation.objects.count())
    assert counts[:3] == (42, 30, 4) and counts[3] == 1
    assert len({c.category_id for c in CasePage.objects.all()}) >= 10
    demo.load(None)
    assert (
        CasePage.objects.count(),
        Faq.objects.count(),
        DrillPage.objects.count(),
        CaseCompilation.objects.count(),
    ) == counts
