"""Two years of competency evidence for the demo's 200 grid workers, of every kind.

Each worker gets an ability per indicator (seeded `random.Random`, so every load is the same):
a general level, an offset per primary indicator and a little per indicator, plus a few stories —

- about one in five is strong in policy (1.x) but weak in emergencies (3.2);
- 南湖街道 closes cases late: 3.3 闭环办结时效 is poor for everyone there;
- about one in twelve is under strain: 5.x low, so their self-assessments fall in 需要关注;
- workers hired inside the two years start lower and improve quarter by quarter; the newest
  (wg0002–wg0006, hired weeks ago) have only a few weeks of evidence;
- wg0001, the demo mentor, is strong in communication and mediation (2.x) and weak in data analysis (4.2);
- one in five gets few resident surveys (fewer than 5 a quarter), so the 5-response rule shows.

The evidence follows the ability with noise, through real records wherever the product has them:
graded attempts of the daily practice quiz (测试, one evidence row per answer), completed drill runs
(演练), observations rated by mentors and trainers (观察), resident survey responses (群众评价),
quarterly 压力与倦怠自评 (自评) and monthly metrics from the grid platform (业务指标). Records are
bulk-created, then their evidence goes through `evidence_record_many` one worker and source at a
time. Runs once: a second load finds the metrics and skips.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import random
import time
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from django.utils import timezone

from assessments.defaults import DEFAULT_PLAN, DEFAULT_PLAN_SOURCES
from assessments.models import (
    Answer,
    Attempt,
    AttemptState,
    EvidenceSource,
    MetricRecord,
    Observation,
    ObservationRating,
    QuestionVersion,
    Quiz,
    SelfAssessment,
    SurveyResponse,
    SurveyStatus,
)
from assessments.scoring import quantize, score_response
from assessments.self_assessment import ITEMS
from assessments.services import (
    competency_recompute,
    evidence_record_many,
    metric_records_write,
    self_assessment_score,
)
from assessments.survey import NO, SURVEY_ITEMS, YES, item_score
from lms import roles
from lms.models import Worker
from lms.periods import Period, year_and_quarters

SEED = 20261202
ORIGIN = "网格平台"
PRACTICE = "每日练习（随机20题）"
STRAINED_STREET = "南湖街道"


def _codes_for(source: str) -> list[str]:
    column = DEFAULT_PLAN_SOURCES.index(source)
    return [code for code, weights in DEFAULT_PLAN.items() if weights[column]]


TEST_CODES = _codes_for("测试")
OBSERVATION_CODES = _codes_for("观察")
METRIC_CODES = _codes_for("业务指标")
ALL_CODES = list(DEFAULT_PLAN)

OBSERVATION_COMMENTS = {
    5: ["入户沟通耐心细致，群众认可度高。", "处置规范，记录完整，可作为示范。"],
    4: ["整体表现较好，个别环节可以更主动。", "沟通有条理，台账记录还可以更及时。"],
    3: ["基本能完成任务，建议多参加情景演练。", "面对群众情绪时略显急躁，需要多练习倾听。"],
    2: ["流程不够熟悉，需要导师继续带教。", "信息记录不完整，建议复习采集规范。"],
    1: ["需要重点帮扶，已约定下次跟岗指导。"],
}
SURVEY_COMMENTS = ["网格员很耐心", "上门很及时，谢谢", "办事效率可以再快一点", "政策讲得很清楚", ""]


@dataclass
class Ability:
    """A worker's ability per indicator (0–100 at full experience) and how far below it they start."""

    levels: dict[str, float]
    start: dt.date  # no evidence before this day (the hire date inside the window)
    ramp: float = 0.0  # points below `levels` on `start`, made up at RAMP_PER_MONTH
    few_surveys: bool = False

    RAMP_PER_MONTH = 2.0

    def at(self, code: str, day: dt.date) -> float:
        deficit = 0.0
        if self.ramp:
            months = (day - self.start).days / 30.4
            deficit = max(0.0, self.ramp - self.RAMP_PER_MONTH * months)
        return self.levels[code] - deficit


def _clip(value: float, low: float = 0.0, high: float = 100.0) -> float:
    return max(low, min(high, value))


def abilities_for(workers: list[Worker], first_day: dt.date, rng: random.Random) -> dict[int, Ability]:
    from assessments.mentorship.models import MentorshipTerm, TermStatus

    mentored = set(MentorshipTerm.objects.filter(status=TermStatus.GRADUATED).values_list("mentee_id", flat=True))
    result = {}
    for worker in workers:
        general = rng.gauss(76, 6)
        primary = {p: rng.gauss(0, 5) for p in "12345"}
        levels = {code: general + primary[code[0]] + rng.gauss(0, 3) for code in ALL_CODES}
        if rng.random() < 0.2:  # strong in policy, weak in emergencies
            for code in ("1.1", "1.2", "1.3", "1.4"):
                levels[code] += 9
            levels["3.2"] -= 16
        if rng.random() < 0.08:  # under strain
            levels["5.1"] -= 28
            levels["5.2"] -= 22
        if STRAINED_STREET in worker.org_unit.full_name:
            levels["3.3"] -= 17
        start, ramp = first_day, 0.0
        if worker.hire_date and worker.hire_date > first_day:
            # newcomers who had a mentor (the mentorship demo's signed-off terms) catch up faster
            start, ramp = worker.hire_date, 10.0 if worker.pk in mentored else 16.0
        if worker.employee_no == "wg0001":  # the demo mentor: two years in post whatever the hire date says
            start, ramp = first_day, 0.0
            levels.update({code: 88 + rng.gauss(0, 2) for code in ("2.1", "2.2", "2.3", "2.4")})
            levels.update({"4.2": 61.0, "5.1": 84.0, "5.2": 90.0})
        elif worker.employee_no == "wg0002":  # the new hire: quick with the app, unsure in mediation
            ramp = 18.0
            levels["4.4"] = 90.0
            levels["2.3"] = 62.0
        result[worker.pk] = Ability(
            levels={c: _clip(v, 20, 98) for c, v in levels.items()},
            start=start,
            ramp=ramp,
            few_surveys=rng.random() < 0.2 and worker.employee_no != "wg0001",
        )
    return result


def _month_starts(first_day: dt.date, today: dt.date) -> list[dt.date]:
    months, day = [], first_day.replace(day=1)
    while day <= today:
        months.append(day)
        day = (day + dt.timedelta(days=32)).replace(day=1)
    return months


def _month_end(month: dt.date) -> dt.date:
    return (month + dt.timedelta(days=32)).replace(day=1) - dt.timedelta(days=1)


def _day_in(rng: random.Random, low: dt.date, high: dt.date) -> dt.date | None:
    """A random day in [low, high], or None when the range is empty."""
    if high < low:
        return None
    return low + dt.timedelta(days=rng.randint(0, (high - low).days))


def _at(day: dt.date, hour: int, minute: int = 0) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time(hour, minute)))


@dataclass
class Context:
    workers: list[Worker]
    abilities: dict[int, Ability]
    today: dt.date
    first_day: dt.date
    rng: random.Random
    counts: dict[str, int] = field(default_factory=dict)

    def quarters(self) -> list[Period]:
        return [p for year in (self.first_day.year, self.today.year) for p in year_and_quarters(year)[1:]]

    def window(self, worker: Worker, low: dt.date, high: dt.date) -> tuple[dt.date, dt.date]:
        return max(low, self.abilities[worker.pk].start), min(high, self.today)

    def noisy(self, worker: Worker, code: str, day: dt.date, spread: float) -> float:
        return _clip(self.abilities[worker.pk].at(code, day) + self.rng.gauss(0, spread))


def _record_evidence(source: str, per_worker: dict[Worker, list[tuple]]) -> int:
    total = 0
    for worker, items in per_worker.items():
        evidence_record_many(worker=worker, source=source, items=items)
        total += len(items)
    return total


# --- 测试: graded attempts of the daily practice quiz ------------------------------------------------


def _right_response(version: QuestionVersion):
    return version.answer


def _wrong_response(version: QuestionVersion, rng: random.Random):
    if version.qtype == "单选":
        return rng.choice([c for c in version.options if c != version.answer])
    if version.qtype == "多选":
        return version.answer[:-1]  # one right option left out: half the points with partial credit
    return "错" if version.answer == "对" else "对"


def tests(ctx: Context) -> None:
    quiz = Quiz.objects.filter(title=PRACTICE).first()
    if quiz is None:
        return
    versions = defaultdict(list)
    for version in QuestionVersion.objects.filter(
        indicator_code__in=TEST_CODES, qtype__in=("单选", "多选", "判断")
    ).order_by("question_id", "-number"):
        if (
            not versions[version.indicator_code]
            or versions[version.indicator_code][-1].question_id != version.question_id
        ):
            versions[version.indicator_code].append(version)  # the newest version of each question
    numbers = defaultdict(int)
    for worker_id, number in Attempt.objects.filter(quiz=quiz).values_list("worker_id", "number"):
        numbers[worker_id] = max(numbers[worker_id], number)
    attempts, planned = [], []
    rng = ctx.rng
    for period in ctx.quarters():
        for worker in ctx.workers:
            low, high = ctx.window(worker, period.start, period.end)
            day = _day_in(rng, low, high)
            if day is None:
                continue
            chosen = [(code, v) for code in TEST_CODES for v in rng.sample(versions[code], min(2, len(versions[code])))]
            rows, total, maximum = [], Decimal(0), Decimal(0)
            for position, (code, version) in enumerate(chosen, start=1):
                right = rng.random() < ctx.abilities[worker.pk].at(code, day) / 100
                response = _right_response(version) if right else _wrong_response(version, rng)
                score = score_response(
                    qtype=version.qtype,
                    answer=version.answer,
                    points=version.points,
                    response=response,
                    partial_credit=quiz.multi_partial_credit,
                    blank_credit=version.blank_credit,
                )
                rows.append((position, version, response, score))
                total += score
                maximum += version.points
            numbers[worker.pk] += 1
            submitted = _at(day, 19, rng.randint(0, 50))
            attempt = Attempt(
                quiz=quiz,
                worker=worker,
                number=numbers[worker.pk],
                state=AttemptState.GRADED,
                started_at=submitted - dt.timedelta(minutes=12),
                submitted_at=submitted,
                graded_at=submitted,
                score=quantize(total),
                max_score=maximum,
            )
            # The verdict on the percent as shown, as finish_grading takes it (docs/rules.md §5).
            attempt.passed = attempt.percent is not None and attempt.percent >= quiz.pass_mark_percent
            attempts.append(attempt)
            planned.append((attempt, day, rows))
    Attempt.objects.bulk_create(attempts, batch_size=500)
    answers = [
        Answer(
            attempt=attempt,
            question_id=version.question_id,
            version=version,
            position=position,
            response=response,
            saved_at=attempt.submitted_at,
            score=score,
        )
        for attempt, _, rows in planned
        for position, version, response, score in rows
    ]
    Answer.objects.bulk_create(answers, batch_size=1000)
    per_worker = defaultdict(list)
    for answer in answers:
        attempt = answer.attempt
        per_worker[attempt.worker].append(
            (
                answer.version.indicator_code,
                answer.score * 100 / answer.version.points,
                timezone.localdate(attempt.submitted_at),
                answer,
            )
        )
    ctx.counts["测验作答"] = len(attempts)
    ctx.counts["测试证据"] = _record_evidence(EvidenceSource.TEST, per_worker)


# --- 演练: completed drill runs ------------------------------------------------------------------------


def drills(ctx: Context) -> None:
    from casebank.models import DrillAttempt, DrillAttemptState, DrillPage

    pages = list(DrillPage.objects.live().order_by("path"))
    codes = {page.pk: list(page.indicators.values_list("code", flat=True)) for page in pages}  # a handful of drills
    pages = [p for p in pages if codes[p.pk]]
    if not pages:
        return
    rng = ctx.rng
    runs = []
    for period in ctx.quarters():
        for worker in ctx.workers:
            if rng.random() > 0.8:
                continue
            low, high = ctx.window(worker, period.start, period.end)
            day = _day_in(rng, low, high)
            if day is None:
                continue
            page = rng.choice(pages)
            level = sum(ctx.abilities[worker.pk].at(c, day) for c in codes[page.pk]) / len(codes[page.pk])
            score = quantize(Decimal(str(round(_clip(level + rng.gauss(0, 8)), 2))))
            finished = _at(day, 10, rng.randint(0, 59))
            runs.append(
                DrillAttempt(
                    drill=page,
                    worker=worker,
                    state=DrillAttemptState.COMPLETED,
                    current_key="",
                    score=score,
                    points=score,
                    max_points=Decimal(100),
                    started_at=finished - dt.timedelta(minutes=8),
                    finished_at=finished,
                )
            )
    DrillAttempt.objects.bulk_create(runs, batch_size=500)
    per_worker = defaultdict(list)
    for run in runs:
        for code in codes[run.drill_id]:
            per_worker[run.worker].append((code, run.score, timezone.localdate(run.finished_at), run))
    ctx.counts["演练记录"] = len(runs)
    ctx.counts["演练证据"] = _record_evidence(EvidenceSource.DRILL, per_worker)


# --- 观察: observations rated by mentors and trainers ----------------------------------------------------


def _street(worker: Worker) -> str:
    """The 街道 a grid worker belongs to: the third id of their unit's path (市/区/街道/社区/网格)."""
    return worker.org_unit.path.strip("/").split("/")[:3][-1]


def observations(ctx: Context) -> None:
    staff = {w.employee_no: w.user for w in Worker.objects.filter(employee_no__in=["px001", "px002", "gl002"])}
    mentor_ids = set(
        Worker.objects.filter(user__groups__name=roles.LABEL_BY_CODE[roles.MENTOR]).values_list("pk", flat=True)
    )
    mentors_by_street = defaultdict(list)
    for worker in ctx.workers:
        if worker.pk in mentor_ids:
            mentors_by_street[_street(worker)].append(worker)
    rng = ctx.rng
    planned = []
    for period in ctx.quarters():
        for worker in ctx.workers:
            if rng.random() > 0.9:
                continue
            low, high = ctx.window(worker, period.start, period.end)
            day = _day_in(rng, low, high)
            if day is None:
                continue
            mentors = [m for m in mentors_by_street[_street(worker)] if m.pk != worker.pk]
            if mentors and rng.random() < 0.7:
                rater = rng.choice(mentors).user
            else:
                rater = staff.get("px002" if "江北区" in worker.org_unit.full_name else "px001")
            if rater is None:
                continue
            stars = {
                code: int(_clip(round(ctx.noisy(worker, code, day, 7) / 20), 1, 5))
                for code in rng.sample(OBSERVATION_CODES, 3)
            }
            low_star = min(stars.values())
            comment = rng.choice(OBSERVATION_COMMENTS[low_star])
            planned.append(
                (
                    Observation(worker=worker, rater=rater, observed_on=day, comment=comment, created_at=_at(day, 17)),
                    stars,
                )
            )
    Observation.objects.bulk_create([o for o, _ in planned], batch_size=500)
    ObservationRating.objects.bulk_create(
        [ObservationRating(observation=o, indicator_code=c, stars=s) for o, stars in planned for c, s in stars.items()],
        batch_size=1000,
    )
    per_worker = defaultdict(list)
    for observation, stars in planned:
        for code, value in stars.items():
            per_worker[observation.worker].append((code, value * 20, observation.observed_on, observation))
    ctx.counts["观察评价"] = len(planned)
    ctx.counts["观察证据"] = _record_evidence(EvidenceSource.OBSERVATION, per_worker)


# --- 群众评价: resident survey responses -----------------------------------------------------------------


def surveys(ctx: Context) -> None:
    rng = ctx.rng
    responses = []
    for month in _month_starts(ctx.first_day, ctx.today):
        for worker in ctx.workers:
            ability = ctx.abilities[worker.pk]
            count = rng.randint(0, 1) if ability.few_surveys else rng.randint(2, 3)
            for n in range(count):
                low, high = ctx.window(worker, month, _month_end(month))
                day = _day_in(rng, low, high)
                if day is None:
                    continue
                answers = {}
                for item in SURVEY_ITEMS:  # stars follow the ability; 是 as often as the ability is high
                    if item.kind == "yesno":
                        yes = rng.random() < ability.at(item.indicator_code, day) / 100
                        answers[item.key] = YES if yes else NO
                    else:
                        stars = round(ctx.noisy(worker, item.indicator_code, day, 12) / 20)
                        answers[item.key] = int(_clip(stars, 1, 5))
                key = f"demo:{worker.pk}:{month:%Y-%m}:{n}"
                responses.append(
                    SurveyResponse(
                        worker=worker,
                        month=month,
                        submitted_at=_at(day, rng.randint(9, 20), rng.randint(0, 59)),
                        answers=answers,
                        comment=rng.choice(SURVEY_COMMENTS),
                        status=SurveyStatus.COUNTED,
                        device_key=hashlib.sha256(key.encode()).hexdigest(),
                        address_key=hashlib.sha256(f"{key}:addr".encode()).hexdigest(),
                    )
                )
    SurveyResponse.objects.bulk_create(responses, batch_size=1000)
    per_worker = defaultdict(list)
    for response in responses:
        day = timezone.localdate(response.submitted_at)
        per_worker[response.worker] += [
            (item.indicator_code, item_score(item, response.answers[item.key]), day, response) for item in SURVEY_ITEMS
        ]
    ctx.counts["群众评价"] = len(responses)
    ctx.counts["群众评价证据"] = _record_evidence(EvidenceSource.SURVEY, per_worker)


# --- 自评: a questionnaire each quarter ------------------------------------------------------------------


def self_assessments(ctx: Context) -> None:
    rng = ctx.rng
    records = []
    for period in ctx.quarters():
        middle = period.start.replace(month=period.start.month + 1)
        for worker in ctx.workers:
            low, high = ctx.window(worker, middle, _month_end(middle))
            if high < low:  # hired after the middle month: a week after starting, if still in the quarter
                low, high = ctx.window(worker, period.start, period.end)
                low = low + dt.timedelta(days=7)
            day = _day_in(rng, low, high)
            if day is None or day > period.end:
                continue
            answers = {}
            for item in ITEMS:
                value = int(_clip(round(ctx.noisy(worker, item.indicator_code, day, 10) / 25 + 1), 1, 5))
                answers[str(item.number)] = 6 - value if item.reverse else value
            result = self_assessment_score(answers)
            records.append(
                SelfAssessment(
                    worker=worker,
                    month=day.replace(day=1),
                    taken_on=day,
                    answers=answers,
                    score_coping=result.scores["5.1"],
                    score_emotion=result.scores["5.2"],
                    band=result.band,
                    created_at=_at(day, 21),
                )
            )
    SelfAssessment.objects.bulk_create(records, batch_size=1000)
    per_worker = defaultdict(list)
    for record in records:
        per_worker[record.worker] += [
            ("5.1", record.score_coping, record.taken_on, record),
            ("5.2", record.score_emotion, record.taken_on, record),
        ]
    ctx.counts["自评"] = len(records)
    ctx.counts["自评证据"] = _record_evidence(EvidenceSource.SELF, per_worker)


# --- 业务指标: monthly figures from the grid platform ------------------------------------------------------


def metrics(ctx: Context) -> None:
    items = []
    for month in _month_starts(ctx.first_day, ctx.today):
        day = _month_end(month)
        if day >= ctx.today:
            continue  # a month's figures arrive after it has ended
        for worker in ctx.workers:
            if day < ctx.abilities[worker.pk].start:
                continue
            for code in METRIC_CODES:
                value = quantize(Decimal(str(round(ctx.noisy(worker, code, day, 5), 2))))
                items.append((worker, code, value, day, ORIGIN))
    summary = metric_records_write(items)
    ctx.counts["业务指标"] = summary.created


# --- the whole ------------------------------------------------------------------------------------------

STEPS = (tests, drills, observations, surveys, self_assessments, metrics)


def load(stdout) -> None:
    workers = list(
        Worker.objects.filter(employee_no__startswith="wg").select_related("org_unit", "user").order_by("employee_no")
    )
    if not workers:
        return
    if MetricRecord.objects.filter(worker__in=workers, origin=ORIGIN).exists():
        stdout.write("能力证据：演示证据已存在，跳过。")
        return
    started = time.perf_counter()
    today = timezone.localdate()
    first_day = dt.date(today.year - 1, 1, 1)
    rng = random.Random(SEED)
    ctx = Context(
        workers=workers, abilities=abilities_for(workers, first_day, rng), today=today, first_day=first_day, rng=rng
    )
    for step in STEPS:
        step(ctx)
    elapsed = time.perf_counter() - started
    figures = "，".join(f"{name} {count}" for name, count in ctx.counts.items())
    stdout.write(
        f"能力证据（{first_day.year}–{today.year}，{len(workers)} 名网格员）：{figures}；用时 {elapsed:.1f} 秒"
    )
    competency_scores_recompute_demo(years=[first_day.year, today.year], stdout=stdout)


def competency_scores_recompute_demo(*, years: list[int], stdout) -> None:
    """Recompute every worker's scores for both years and their quarters once the evidence is in
    (docs/rules.md 7.1): the profiles and heat maps read stored scores."""
    periods = [period for year in years for period in year_and_quarters(year)]
    started = time.perf_counter()
    rows = competency_recompute(periods=periods)
    labels = "、".join(period.code for period in periods)
    stdout.write(f"能力得分：重新计算 {labels}，写入 {rows} 条得分；用时 {time.perf_counter() - started:.1f} 秒")
