"""Demo data of 技能比武, all scores, closings, publications and awards through the app's services.

(a) A finished city competition in three stages, chained by `next_stage`: 街道初赛 (24 contestants,
three from each 社区) → 区复赛 (the top 12) → 市决赛 (the top 6); every knowledge paper answered through
the quiz services, every judged round scored from paper sheets, closed and published, the promotions
done, and the final's awards confirmed with their 竞赛获奖证书 issued. wg0001 goes all the way.

(b) One running now: its knowledge paper opens at load time for three hours (wg0001 can sit it), and
its 情景模拟 round is half scored: judge pw001 sits on the panel with four contestants nobody has
scored yet, so a newcomer can score as pw001 and watch the board move. The big screen's address is
printed.

Setting up a competition (its rounds, criteria, panels and entrants) has no service on this branch,
so those rows are created directly; everything that scores or decides goes through the services.
"""

from __future__ import annotations

import datetime as dt
import random
from decimal import Decimal

from django.urls import reverse
from django.utils import timezone

from assessments.models import Question, Quiz, QuizQuestion
from lms import roles
from lms.models import Worker
from lms.services import worker_roles_set

from . import ranking, selectors, selectors_awards, services, services_awards
from .models import (
    Competition,
    Criterion,
    Entry,
    JudgeScore,
    Panel,
    PanelJudge,
    PanelSlot,
    Round,
    RoundKind,
    Stage,
)

PAPER_SIZE = 10
SERVER = "http://127.0.0.1:8000"


def _names(year: int) -> dict[str, str]:
    base = f"{year}年网格员技能比武"
    return {
        Stage.STREET: f"{base}·街道初赛",
        Stage.DISTRICT: f"{base}·区复赛",
        Stage.CITY: f"{base}·市决赛",
        "running": f"{year}年应急处置技能比武",
    }


def _paper_questions() -> list[Question]:
    """Objective questions of the demo bank (单选, 判断): the contest papers draw from them."""
    return list(Question.objects.filter(qtype__in=["单选", "判断"]).order_by("id"))


def _paper(title: str, questions: list[Question], rng: random.Random) -> Quiz:
    quiz, created = Quiz.objects.get_or_create(
        title=title[:100],
        defaults={"description": "技能比武知识竞赛试卷：全体选手同时开考，限时作答一次，闭赛后公布答案。"},
    )
    if created:
        chosen = rng.sample(questions, min(PAPER_SIZE, len(questions)))
        QuizQuestion.objects.bulk_create(
            QuizQuestion(quiz=quiz, question=q, order=n) for n, q in enumerate(chosen, start=1)
        )
    return quiz


def _round(competition, order, name, kind, weight, max_score, **extra) -> Round:
    round_ = Round.objects.create(
        competition=competition,
        order=order,
        name=name,
        kind=kind,
        weight=Decimal(weight),
        max_score=Decimal(max_score),
        **extra,
    )
    if kind == RoundKind.KNOWLEDGE:
        services.knowledge_round_sync(round_=round_)
    return round_


def _criteria(round_: Round) -> None:
    per = round_.max_score / 3
    for order, (name, text) in enumerate(
        [
            ("问题识别", "0分：未识别矛盾焦点\n中等：识别主要矛盾\n满分：准确识别各方诉求"),
            ("处置方法", "0分：方法不当\n中等：按流程处置\n满分：依法依规、灵活有效"),
            ("沟通表达", "0分：表达混乱\n中等：基本清楚\n满分：耐心清楚、群众认可"),
        ],
        start=1,
    ):
        Criterion.objects.create(round=round_, order=order, name=name, max_score=per, descriptors=text)


def _panel(round_: Round, judges: list[Worker], entries: list[Entry], chief: Worker) -> Panel:
    panel = Panel.objects.create(round=round_, name="第一组")
    for judge in judges:
        PanelJudge.objects.create(panel=panel, judge=judge, is_chief=judge.pk == chief.pk)
    PanelSlot.objects.bulk_create(
        PanelSlot(panel=panel, entry=entry, order=n) for n, entry in enumerate(entries, start=1)
    )
    return panel


def _sit_paper(round_: Round, entries: list[Entry], skill: dict[int, float], rng: random.Random) -> None:
    """Each contestant answers the paper through the attempt services, at the round's own time."""
    from assessments.services import answer_save, attempt_start, attempt_submit

    for index, entry in enumerate(entries):
        began = round_.starts_at + dt.timedelta(seconds=rng.randint(5, 60))
        attempt = attempt_start(quiz=round_.quiz, worker=entry.worker, now=began, seed=index)
        for answer in attempt.answers.select_related("version"):
            version = answer.version
            right = rng.random() < skill[entry.worker_id]
            own_to_shown = {own: shown for shown, own in answer.option_map.items()} or {c: c for c in version.options}
            if version.qtype == "判断":
                response = version.answer if right else ("错" if version.answer == "对" else "对")
            else:
                letter = version.answer if right else rng.choice([c for c in version.options if c != version.answer])
                response = own_to_shown[letter]
            answer_save(answer=answer, response=response, now=began + dt.timedelta(minutes=1))
        minutes = rng.randint(8, round_.duration_minutes - 2)
        attempt_submit(
            attempt=attempt, now=round_.starts_at + dt.timedelta(minutes=minutes, seconds=rng.randint(0, 59))
        )


def _judge_sheets(round_: Round, entries: list[Entry], skill: dict[int, float], rng: random.Random, staff) -> None:
    """Paper score sheets of every judge on the panel (a judge of the contestant's 社区 abstains)."""
    judges = [pj.judge for pj in PanelJudge.objects.filter(panel__round=round_).select_related("judge__org_unit")]
    for entry in entries:
        base = float(round_.max_score) * (0.35 + 0.6 * skill[entry.worker_id])
        for judge in judges:
            if services.judge_score_problem(round_=round_, entry=entry, judge=judge):
                continue
            total = max(0.0, min(float(round_.max_score), base + rng.uniform(-2, 2)))
            services.judge_score_save(
                round_=round_,
                entry=entry,
                judge=judge,
                total=Decimal(f"{total:.1f}"),
                source=JudgeScore.Source.PAPER,
                actor=staff,
            )


def _stage(
    name, stage, *, starts, workers, skill, rng, questions, judges, chief, staff, singles, next_stage=None, top_n=0
):
    competition = Competition.objects.create(
        name=name,
        stage=stage,
        description="临江市网格员技能比武：知识竞赛考政策与业务知识，情景模拟考现场处置。",
        next_stage=next_stage,
        promote_top_n=top_n,
        created_by=staff,
        created_at=starts - dt.timedelta(days=14),
    )
    source = Entry.Source.IMPORTED if stage == Stage.STREET else Entry.Source.PROMOTED
    entries = [
        Entry.objects.create(competition=competition, worker=w, source=source, nominated_by=staff) for w in workers
    ]
    knowledge = _round(
        competition,
        1,
        "知识竞赛",
        RoundKind.KNOWLEDGE,
        "0.4",
        "100",
        quiz=_paper(f"{name}·知识竞赛试卷", questions, rng),
        starts_at=starts,
        duration_minutes=30,
        indicator_codes=["1.1", "1.2"],
        award_name=singles.get(RoundKind.KNOWLEDGE, ""),
    )
    judged = [
        _round(
            competition,
            2,
            "情景模拟",
            RoundKind.SCENARIO,
            "0.6" if stage != Stage.CITY else "0.3",
            "30",
            indicator_codes=["2.3"],
            award_name=singles.get(RoundKind.SCENARIO, ""),
        )
    ]
    if stage == Stage.CITY:
        judged.append(
            _round(
                competition,
                3,
                "实操考核",
                RoundKind.PRACTICAL,
                "0.3",
                "50",
                indicator_codes=["3.1", "4.1"],
                award_name=singles.get(RoundKind.PRACTICAL, ""),
            )
        )
    for round_ in judged:
        _criteria(round_)
        _panel(round_, judges, entries, chief)
    _sit_paper(knowledge, entries, skill, rng)
    services.round_close(round_=knowledge, actor=staff, now=knowledge.ends_at + dt.timedelta(minutes=5))
    for round_ in judged:
        _judge_sheets(round_, entries, skill, rng, staff)
        services.round_close(round_=round_, actor=staff, now=starts + dt.timedelta(hours=3))
    for round_ in selectors.rounds_of(competition):
        services_awards.round_publish(round_=round_, actor=staff)
    if stage == Stage.CITY:  # the preliminaries promote; the final awards (and keeps the demo quick)
        services_awards.awards_confirm(
            competition=competition, actor=staff, issued_on=(starts + dt.timedelta(days=1)).date()
        )
        _issue_now(competition)
    services.board_rebuild(competition=competition)
    return competition


def _issue_now(competition: Competition) -> None:
    """Run the award certificates' issuance jobs here rather than after the demo's transaction
    commits, so the awards point at their certificates when the demo is done (the queued task then
    finds each job done and does nothing)."""
    from certificates.services import issuance_job_run

    for job in selectors_awards.award_jobs(competition):
        issuance_job_run(job_id=job.pk)
    services_awards.awards_certificates_link(competition=competition)


def _promote(competition: Competition) -> list[Worker]:
    """The stage's top N by the published standings (a tie at the N-th place promotes everyone tied)."""
    chosen = ranking.promoted(selectors.standings(competition, published_only=True), competition.promote_top_n)
    ids = {s.entry_id for s in chosen}
    return [e.worker for e in Entry.objects.filter(pk__in=ids).select_related("worker").order_by("worker__employee_no")]


def _demo_judges() -> tuple[Worker, Worker, Worker]:
    """pw001 and pw002, and wg0200 (an experienced worker of 安居社区) given the 评委 role too."""
    pw001 = Worker.objects.get(employee_no="pw001")
    pw002 = Worker.objects.get(employee_no="pw002")
    third = Worker.objects.filter(employee_no="wg0200").first() or pw002
    if third.pk != pw002.pk and roles.JUDGE not in third.role_codes:
        worker_roles_set(worker=third, role_codes=third.role_codes | {roles.JUDGE})
    return pw001, pw002, third


def load(stdout) -> None:
    today = timezone.localdate()
    names = _names(today.year)
    if Competition.objects.filter(name__in=list(names.values())).exists():
        stdout.write("技能比武演示数据已存在，跳过。")
        return
    needed = ["wg0001", "pw001", "pw002", "px001"]
    if Worker.objects.filter(employee_no__in=needed).count() < len(needed):
        stdout.write("演示人员不足，跳过技能比武演示数据。")
        return
    questions = _paper_questions()
    if len(questions) < PAPER_SIZE:
        stdout.write("演示题库不足，跳过技能比武演示数据。")
        return
    rng = random.Random(20261202)
    staff = Worker.objects.select_related("user").get(employee_no="px001").user
    pw001, pw002, third = _demo_judges()
    judges = [pw001, pw002, third]

    # three contestants of each 社区 (wg0001 among them), by 工号 order within the 社区
    by_community: dict[int, list[Worker]] = {}
    for worker in (
        Worker.objects.filter(employee_no__startswith="wg").select_related("org_unit").order_by("employee_no")
    ):
        community = selectors.community_of(worker)
        if worker.pk != third.pk and community is not None:
            by_community.setdefault(community, []).append(worker)
    street_workers = [w for members in by_community.values() for w in members[:3]]
    skill = {w.pk: 0.45 + 0.5 * rng.random() for w in street_workers}
    wg0001 = next((w for w in street_workers if w.employee_no == "wg0001"), None)
    if wg0001 is not None:
        skill[wg0001.pk] = 0.9  # the demo's own newcomer wins through to the final

    now = timezone.now().replace(second=0, microsecond=0)
    day = dt.timedelta(days=1)
    street = _stage(
        names[Stage.STREET],
        Stage.STREET,
        starts=now - 42 * day,
        workers=street_workers,
        skill=skill,
        rng=rng,
        questions=questions,
        judges=judges,
        chief=pw001,
        staff=staff,
        singles={},
        top_n=12,
    )
    district_workers = _promote(street)
    district = _stage(
        names[Stage.DISTRICT],
        Stage.DISTRICT,
        starts=now - 28 * day,
        workers=district_workers,
        skill=skill,
        rng=rng,
        questions=questions,
        judges=judges,
        chief=pw001,
        staff=staff,
        singles={},
        top_n=6,
    )
    Competition.objects.filter(pk=street.pk).update(next_stage=district)
    city_workers = _promote(district)
    city = _stage(
        names[Stage.CITY],
        Stage.CITY,
        starts=now - 14 * day,
        workers=city_workers,
        skill=skill,
        rng=rng,
        questions=questions,
        judges=judges,
        chief=pw001,
        staff=staff,
        singles={RoundKind.KNOWLEDGE: "政策通", RoundKind.SCENARIO: "调解能手", RoundKind.PRACTICAL: "服务之星"},
    )
    Competition.objects.filter(pk=district.pk).update(next_stage=city)
    awards = city.awards.count()
    stdout.write(
        f"技能比武（已结束）：{street.entries.count()} → {district.entries.count()} → {city.entries.count()} 人三个赛段，"
        f"全部轮次已公布，市决赛获奖 {awards} 人次，获奖证书已颁发。"
    )
    running = _running(names["running"], now, street_workers, judges, pw001, pw002, staff, rng, questions)
    screen = reverse("competitions:big_screen", args=[running.board_token])
    stdout.write(
        f"技能比武（进行中）：“{running.name}”知识竞赛已开考（3 小时内可作答，wg0001 是选手）；"
        f"情景模拟已评一半，评委 pw001 登录后可为剩余 4 名选手评分。大屏：{SERVER}{screen}"
    )


def _running(name, now, pool, judges, pw001, pw002, staff, rng, questions) -> Competition:
    competition = Competition.objects.create(
        name=name,
        stage=Stage.SINGLE,
        description="应急处置专项比武：知识竞赛 + 情景模拟（突发事件现场处置）。",
        screen_live=True,  # the venue's wall follows the judges' phones
        created_by=staff,
        created_at=now - dt.timedelta(days=7),
    )
    wg0001 = next((w for w in pool if w.employee_no == "wg0001"), None)
    contestants = [w for w in pool if w.employee_no != "wg0001"][1:16:2][:7] + ([wg0001] if wg0001 else [])
    entries = [Entry.objects.create(competition=competition, worker=w, nominated_by=staff) for w in contestants]
    _round(
        competition,
        1,
        "知识竞赛",
        RoundKind.KNOWLEDGE,
        "0.4",
        "100",
        quiz=_paper(f"{name}·知识竞赛试卷", questions, rng),
        starts_at=now,
        duration_minutes=180,
        indicator_codes=["4.1"],
        award_name="政策通",
    )
    scenario = _round(
        competition,
        2,
        "情景模拟",
        RoundKind.SCENARIO,
        "0.6",
        "30",
        indicator_codes=["4.1", "4.2"],
        award_name="应急先锋",
    )
    _criteria(scenario)
    _panel(scenario, judges, entries, chief=pw002)
    criteria = list(scenario.criteria.all())
    # the first four in the running order scored by every judge; the rest (wg0001 last) by nobody yet
    ordered = [s.entry for s in PanelSlot.objects.filter(panel__round=scenario).select_related("entry__worker")]
    for entry in ordered[:4]:
        level = rng.uniform(0.55, 0.9)
        for judge in judges:
            if services.judge_score_problem(round_=scenario, entry=entry, judge=judge):
                continue
            marks = {
                c.pk: str(
                    min(c.max_score, max(Decimal(0), Decimal(f"{float(c.max_score) * level + rng.uniform(-1, 1):.1f}")))
                )
                for c in criteria
            }
            services.judge_score_save(
                round_=scenario, entry=entry, judge=judge, marks=marks, comment="处置流程清楚，表达自然。"
            )
    services.board_rebuild(competition=competition)
    return competition
