"""The competitions demo: a finished three-stage competition (all rounds published, promotions done,
awards confirmed with their certificates) and a running one (knowledge paper open now, judged round
half scored with pw001 on the panel facing unscored contestants); loading twice adds nothing."""

import io

import pytest
from django.urls import reverse
from django.utils import timezone

from assessments import demo as assessments_demo
from assessments.competitions import demo, selectors, services
from assessments.competitions.models import Award, Competition, Entry, JudgeScore, PanelSlot, RoundResult, Stage
from assessments.models import Evidence, EvidenceSource
from certificates.models import Certificate
from lms import demo as lms_demo
from lms.models import Worker

pytestmark = pytest.mark.django_db


def test_demo_is_consistent_and_idempotent(client):
    lms_demo.load(io.StringIO())
    assessments_demo.load(io.StringIO())
    out = io.StringIO()
    demo.load(out)
    year = timezone.localdate().year
    street = Competition.objects.get(name=f"{year}年网格员技能比武·街道初赛")
    district, city = street.next_stage, street.next_stage.next_stage
    assert (street.stage, district.stage, city.stage) == (Stage.STREET, Stage.DISTRICT, Stage.CITY)
    assert city.next_stage is None
    assert (street.entries.count(), district.entries.count(), city.entries.count()) == (24, 12, 6)
    # promotion: the next stage's entrants are the previous stage's top N by the published standings
    for stage, following, top_n in ((street, district, 12), (district, city, 6)):
        ranked = selectors.standings(stage, published_only=True)
        cut = ranked[top_n - 1].rank
        expected = {s.worker_no for s in ranked if s.rank <= cut}
        assert set(following.entries.values_list("worker__employee_no", flat=True)) == expected
        assert not following.entries.exclude(source=Entry.Source.PROMOTED).exists()
    for stage in (street, district, city):
        assert not stage.rounds.filter(published_at=None).exists()
        assert not stage.rounds.filter(closed_at=None).exists()
    # the final awards: every award confirmed, with its AWARD certificate
    assert not Award.objects.exclude(competition=city).exists()
    assert city.awards.count() >= 7 and not city.awards.filter(certificate=None).exists()
    assert not city.awards.exclude(certificate__certificate_type__code="AWARD").exists()
    assert set(city.awards.values_list("title", flat=True)) >= {"一等奖", "政策通", "调解能手", "服务之星"}
    first = city.awards.get(title="一等奖").certificate
    assert first.source_label == f"{year}年网格员技能比武·市决赛 一等奖"
    # the judged rounds became 演练 evidence, one row per contestant and indicator
    city_practical = city.rounds.get(name="实操考核")
    assert (
        Evidence.objects.filter(source=EvidenceSource.DRILL, source_id__startswith=f"{city_practical.pk}-").count()
        == 6 * 2
    )

    running = Competition.objects.get(name=f"{year}年应急处置技能比武")
    knowledge, scenario = list(running.rounds.order_by("order"))
    now = timezone.now()
    assert knowledge.quiz is not None and knowledge.starts_at <= now < knowledge.ends_at
    assert knowledge.closed_at is None and scenario.closed_at is None
    pw001 = Worker.objects.get(employee_no="pw001")
    waiting = PanelSlot.objects.filter(panel__round=scenario, panel__judges__judge=pw001).exclude(
        entry__judge_scores__round=scenario
    )
    assert waiting.count() == 4
    assert RoundResult.objects.filter(round=scenario).count() == 4
    assert running.entries.filter(worker__employee_no="wg0001").exists()
    screen = reverse("competitions:big_screen", args=[running.board_token])
    assert screen in out.getvalue()

    # pw001 scores a waiting contestant: the staff board gains a row with a percentage
    before = selectors.board_payload(running, staff=True)
    entry = waiting.first().entry
    marks = {c.pk: "8" for c in scenario.criteria.all()}
    services.judge_score_save(round_=scenario, entry=entry, judge=pw001, marks=marks)
    services.board_rebuild(competition=running)
    after = selectors.board_payload(running, staff=True)
    row = next(r for r in after["results"] if r["worker"] == entry.worker.employee_no)
    assert row["rounds"]["情景模拟"] == 80.0 and before != after

    # the newcomer's own record
    client.force_login(Worker.objects.get(employee_no="wg0001").user)
    page = client.get(reverse("competitions:mine")).content.decode()
    assert "市决赛" in page and "晋级" in page

    counts = (
        Competition.objects.count(),
        Entry.objects.count(),
        Award.objects.count(),
        Certificate.objects.count(),
        JudgeScore.objects.count(),
        Evidence.objects.count(),
    )
    again = io.StringIO()
    demo.load(again)
    assert "已存在" in again.getvalue()
    assert counts == (
        Competition.objects.count(),
        Entry.objects.count(),
        Award.objects.count(),
        Certificate.objects.count(),
        JudgeScore.objects.count(),
        Evidence.objects.count(),
    )
