"""Setting a competition up (docs/rules.md, 14): importing its definition, entrants (open entry,
unit quotas, uploaded lists), panels and running order, and promotion to the next stage.

Each function is one domain action in one transaction; refusals raise `CompetitionError` (or, for
the whole-file import, `ImportRejected` listing every problem) with a Chinese message naming the
field, round or 工号 at fault.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.dateparse import parse_datetime

from assessments.competitions import ranking, selectors
from assessments.competitions.models import (
    Competition,
    Criterion,
    Entry,
    EntryMode,
    JudgeScore,
    Panel,
    PanelJudge,
    PanelSlot,
    Round,
    RoundKind,
    RoundResult,
    Stage,
)
from assessments.competitions.services import CompetitionError, board_rebuild_on_commit, knowledge_round_sync
from lms import roles
from lms.access import worker_of
from lms.importing import ImportRejected, Row, RowErrors
from lms.models import AuditLog, OrgLevel, OrgUnit, Worker
from lms.services import audit_log_record

FIRST_PANEL = "第一组"
LEVEL_BY_LABEL = {str(label): value for value, label in OrgLevel.choices}


# --- small helpers -----------------------------------------------------------------------------------


def _is_judge(worker: Worker) -> bool:
    return roles.has_role(worker.user, roles.JUDGE)


def _judge_problem(code: str, judge: Worker | None) -> str | None:
    """Why the worker named `code` cannot judge (unknown, or without the 评委 role), or None."""
    if judge is None:
        return f"评委 {code} 不存在"
    if not _is_judge(judge):
        return f"{judge.name}（{code}）没有评委角色"
    return None


def _within(unit: OrgUnit | None, worker: Worker) -> bool:
    return unit is None or worker.org_unit.path.startswith(unit.path)


def _round_has_scores(round_: Round) -> bool:
    return (
        JudgeScore.objects.filter(round=round_).exists()
        or RoundResult.objects.filter(round=round_).exists()
        or round_.closed_at is not None
        or round_.published_at is not None
    )


def _entry_has_scores(entry: Entry) -> bool:
    return JudgeScore.objects.filter(entry=entry).exists() or RoundResult.objects.filter(entry=entry).exists()


def entry_window_open(competition: Competition, now: dt.datetime | None = None) -> bool:
    """Entries are taken until `entry_closes_at` (if set) and while no round has closed."""
    now = now or timezone.now()
    if competition.entry_closes_at is not None and now >= competition.entry_closes_at:
        return False
    return not competition.rounds.filter(closed_at__isnull=False).exists()


def _entries_create(competition: Competition, worker_ids: list[int], source: str, actor) -> list[Entry]:
    """Enter these workers (those not yet entered) and place each in the judged rounds' running order."""
    created = []
    for worker_id in worker_ids:
        entry, made = Entry.objects.get_or_create(
            competition=competition, worker_id=worker_id, defaults={"source": source, "nominated_by": actor}
        )
        if made:
            _slot_into_panels(entry)
            created.append(entry)
    return created


def _slot_into_panels(entry: Entry) -> None:
    """Put a new entrant at the end of the running order of every judged round (its first panel,
    created as 第一组 when the round has none yet), unless already placed in that round."""
    for round_ in Round.objects.filter(competition_id=entry.competition_id).exclude(kind=RoundKind.KNOWLEDGE):
        if PanelSlot.objects.filter(panel__round=round_, entry=entry).exists():
            continue
        panel = round_.panels.order_by("id").first()
        if panel is None:
            panel = Panel.objects.create(round=round_, name=FIRST_PANEL)
        last = panel.slots.aggregate(m=Max("order"))["m"] or 0
        PanelSlot.objects.create(panel=panel, entry=entry, order=last + 1)


# --- import_competition ------------------------------------------------------------------------------

TOP_KEYS = {
    "name",
    "description",
    "stage",
    "organiser_unit",
    "entry_mode",
    "quota_level",
    "quota_per_unit",
    "entry_closes_at",
    "team_level",
    "next_stage",
    "promote_top_n",
    "promote_per_level",
    "rounds",
    "entrants",
}
ROUND_KEYS = {
    "name",
    "kind",
    "weight",
    "max_score",
    "quiz",
    "judges",
    "starts_at",
    "duration_minutes",
    "criteria",
    "award_name",
    "indicators",
    "drill",
}
CRITERION_KEYS = {"name", "max_score", "descriptors"}


@dataclass
class _RoundPlan:
    name: str
    values: dict = field(default_factory=dict)
    quiz_title: str | None = None
    judges: list[Worker] | None = None
    criteria: list[dict] | None = None


def _text(value) -> str:
    return "" if value is None else str(value).strip()


def _positive_decimal(value, label: str, problems: list[str]) -> Decimal | None:
    try:
        result = Decimal(_text(value))
    except (InvalidOperation, ValueError):
        problems.append(f"{label}不是有效的数字：{value!r}")
        return None
    if not result.is_finite() or result <= 0:
        problems.append(f"{label}应大于 0：{value!r}")
        return None
    if result != result.quantize(Decimal("0.01")):
        problems.append(f"{label}最多两位小数：{value!r}")
        return None
    return result


def _count(value, label: str, problems: list[str], *, minimum: int = 0) -> int | None:
    if isinstance(value, bool) or not isinstance(value, int | str):
        problems.append(f"{label}应是整数：{value!r}")
        return None
    try:
        result = int(str(value).strip())
    except ValueError:
        problems.append(f"{label}应是整数：{value!r}")
        return None
    if result < minimum or result > 100000:
        problems.append(f"{label}应不小于 {minimum}：{value!r}")
        return None
    return result


def _moment(value, label: str, problems: list[str]) -> dt.datetime | None:
    text = _text(value).replace("/", "-")
    parsed = None
    try:
        parsed = parse_datetime(text) if text else None
    except ValueError:
        parsed = None
    if parsed is None:
        problems.append(f"{label}应是日期时间，如 2026-05-20 09:00：{value!r}")
        return None
    if timezone.is_naive(parsed):
        parsed = timezone.make_aware(parsed)
    return parsed


def _level(value, label: str, problems: list[str]) -> int | None:
    text = _text(value)
    if text in LEVEL_BY_LABEL:
        return LEVEL_BY_LABEL[text]
    problems.append(f"{label}应是 市/区/街道/社区/网格 之一：{value!r}")
    return None


def _code_list(value, label: str, problems: list[str]) -> list[str] | None:
    if not isinstance(value, list) or not all(isinstance(v, str | int) for v in value):
        problems.append(f'{label}应是工号列表，如 ["GW001", "GW002"]')
        return None
    codes = [_text(v) for v in value]
    seen, repeated = set(), []
    for code in codes:
        if not code:
            problems.append(f"{label}中有空的工号")
        elif code in seen:
            repeated.append(code)
        seen.add(code)
    for code in dict.fromkeys(repeated):
        problems.append(f"{label}中工号 {code} 重复")
    return [c for c in dict.fromkeys(codes) if c]


def _workers_by_no(codes) -> dict[str, Worker]:
    return {
        w.employee_no: w for w in Worker.objects.filter(employee_no__in=list(codes)).select_related("org_unit", "user")
    }


def _plan_round(raw, index: int, problems: list[str], existing: Round | None) -> _RoundPlan | None:
    if not isinstance(raw, dict):
        problems.append(f"rounds 第{index}项应是一个对象")
        return None
    name = _text(raw.get("name"))
    where = f"轮次“{name}”" if name else f"rounds 第{index}项"
    if not name:
        problems.append(f"{where}: 缺少轮次名称 name")
    elif len(name) > 100:
        problems.append(f"{where}: 名称超过 100 字")
    for key in sorted(set(raw) - ROUND_KEYS):
        problems.append(f"{where}: 未知字段 {key}")
    plan = _RoundPlan(name=name)
    kind = _text(raw.get("kind"))
    if kind not in RoundKind.values:
        problems.append(f"{where}: 类型 kind 应是 {'/'.join(RoundKind.values)} 之一：{raw.get('kind')!r}")
        kind = None
    else:
        plan.values["kind"] = kind
    for key, label in (("weight", "权重 weight"), ("max_score", "满分 max_score")):
        if key not in raw:
            problems.append(f"{where}: 缺少{label}")
            continue
        value = _positive_decimal(raw[key], f"{where}: {label}", problems)
        if value is not None:
            plan.values[key] = value
    if "starts_at" in raw:
        plan.values["starts_at"] = (
            _moment(raw["starts_at"], f"{where}: 开赛时间 starts_at", problems) if raw["starts_at"] else None
        )
    if "duration_minutes" in raw:
        minutes = _count(raw["duration_minutes"], f"{where}: 答题时长 duration_minutes", problems, minimum=1)
        if minutes is not None:
            plan.values["duration_minutes"] = minutes
    if "award_name" in raw:
        award = _text(raw["award_name"])
        if len(award) > 50:
            problems.append(f"{where}: 单项奖名称超过 50 字")
        plan.values["award_name"] = award
    if "indicators" in raw:
        from assessments.selectors import indicator_codes

        codes = raw["indicators"]
        if not isinstance(codes, list):
            problems.append(f'{where}: 能力指标 indicators 应是代码列表，如 ["2.3"]')
        else:
            known = indicator_codes()
            codes = [_text(c) for c in codes]
            for code in codes:
                if code not in known:
                    problems.append(f"{where}: 能力指标 {code} 不是现行能力模型中的指标")
            plan.values["indicator_codes"] = list(dict.fromkeys(codes))
    if "drill" in raw:
        title = _text(raw["drill"])
        if title:
            from casebank.models import DrillPage

            drill = DrillPage.objects.filter(title=title).first()
            if drill is None:
                problems.append(f"{where}: 情景素材 drill “{title}” 不存在")
            plan.values["drill"] = drill
        else:
            plan.values["drill"] = None
    quiz = raw.get("quiz")
    if kind == RoundKind.KNOWLEDGE:
        title = _text(quiz)
        if not title:
            problems.append(f"{where}: 知识竞赛轮须填写试卷 quiz（测验名称）")
        elif len(title) > 100:
            problems.append(f"{where}: 试卷名称超过 100 字")
        else:
            plan.quiz_title = title
        if raw.get("judges"):
            problems.append(f"{where}: 知识竞赛轮由系统计分，不设评委")
        if raw.get("criteria"):
            problems.append(f"{where}: 知识竞赛轮不设评分项")
    elif kind is not None:
        if _text(quiz):
            problems.append(f"{where}: 只有知识竞赛轮使用试卷 quiz")
        plan.values["quiz"] = None
        if "judges" in raw:
            codes = _code_list(raw["judges"], f"{where}: 评委", problems)
            if codes is not None:
                found = _workers_by_no(codes)
                judges = []
                for code in codes:
                    problem = _judge_problem(code, found.get(code))
                    if problem:
                        problems.append(f"{where}: {problem}")
                    else:
                        judges.append(found[code])
                plan.judges = judges
        if "criteria" in raw:
            plan.criteria = _plan_criteria(raw["criteria"], where, problems)
    # a round that already has scores keeps its kind, maximum and criteria
    if existing is not None and _round_has_scores(existing):
        if kind and kind != existing.kind:
            problems.append(f"{where}: 已有成绩，不能更改类型")
        if "max_score" in plan.values and plan.values["max_score"] != existing.max_score:
            problems.append(f"{where}: 已有成绩，不能更改满分")
        if plan.criteria is not None:
            current = [(c.name, c.max_score) for c in existing.criteria.order_by("order", "id")]
            if current != [(c["name"], c["max_score"]) for c in plan.criteria]:
                problems.append(f"{where}: 已有评分，不能更改评分项")
    # a judged round's criteria add up to its maximum
    if kind and kind != RoundKind.KNOWLEDGE and "max_score" in plan.values:
        if plan.criteria is not None:
            maxima = [c["max_score"] for c in plan.criteria if c.get("max_score") is not None]
        elif existing is not None:
            maxima = list(existing.criteria.values_list("max_score", flat=True))
        else:
            maxima = []
        if maxima and sum(maxima, Decimal(0)) != plan.values["max_score"]:
            problems.append(
                f"{where}: 评分项满分合计 {sum(maxima, Decimal(0)).normalize():f} 与本轮满分 "
                f"{plan.values['max_score'].normalize():f} 不一致"
            )
    return plan


def _plan_criteria(raw, where: str, problems: list[str]) -> list[dict] | None:
    if not isinstance(raw, list):
        problems.append(f"{where}: 评分项 criteria 应是列表")
        return None
    criteria, names = [], set()
    for number, item in enumerate(raw, start=1):
        if not isinstance(item, dict):
            problems.append(f"{where}: 评分项第{number}项应是对象")
            continue
        for key in sorted(set(item) - CRITERION_KEYS):
            problems.append(f"{where}: 评分项第{number}项有未知字段 {key}")
        name = _text(item.get("name"))
        if not name or len(name) > 100:
            problems.append(f"{where}: 评分项第{number}项缺少名称（或超过 100 字）")
        elif name in names:
            problems.append(f"{where}: 评分项“{name}”重复")
        names.add(name)
        maximum = _positive_decimal(item.get("max_score"), f"{where}: 评分项“{name}”满分", problems)
        criteria.append({"name": name, "max_score": maximum, "descriptors": _text(item.get("descriptors"))})
    return criteria


def competition_import(*, data, actor=None) -> str:
    """Create or update the competition a JSON definition names (import_competition and the upload
    page). Every problem is collected; any problem → ImportRejected and nothing written. Importing
    the same definition again changes nothing.

    Keys (besides `name`, `rounds`, `entrants`): description, stage (街道初赛/区复赛/市决赛/单场),
    organiser_unit (path 市/区/街道), entry_mode (open/quota or 自由报名/按单位名额推荐), quota_level
    (社区…), quota_per_unit, entry_closes_at, team_level, next_stage (name of an existing competition),
    promote_top_n, promote_per_level; per round: starts_at, duration_minutes, criteria [{name,
    max_score, descriptors}], award_name, indicators [codes], drill (a DrillPage title). Keys left
    out of a file leave what is stored as it is. Rounds are matched by name; a stored round missing
    from the file is removed unless it has scores. Entrants are added (source 导入) and never removed
    by an import; each judged round's panel 第一组 gets the round's judges (first = chief judge) and
    the entrants in file order, then any other entrant not placed in another panel of that round."""
    problems: list[str] = []
    if not isinstance(data, dict):
        raise ImportRejected(['文件内容应是一个 JSON 对象：{"name": …, "rounds": […], "entrants": […]}'])
    for key in sorted(set(data) - TOP_KEYS):
        problems.append(f"比赛: 未知字段 {key}")
    name = _text(data.get("name"))
    if not name:
        problems.append("比赛: 缺少比赛名称 name")
    elif len(name) > 100:
        problems.append("比赛: 名称超过 100 字")
    competition = Competition.objects.select_related("organiser_unit").filter(name=name).first() if name else None
    values: dict = {}
    if "description" in data:
        values["description"] = _text(data["description"])
    if "stage" in data:
        stage = _text(data["stage"])
        if stage in Stage.values:
            values["stage"] = stage
        else:
            problems.append(f"比赛: 赛段 stage 应是 {'/'.join(Stage.values)} 之一：{data['stage']!r}")
    if "organiser_unit" in data:
        path = _text(data["organiser_unit"])
        unit = OrgUnit.objects.filter(full_name=path).first() if path else None
        if path and unit is None:
            problems.append(f"比赛: 主办单位 organiser_unit “{path}” 不存在（写完整路径，如 临江市/江北区）")
        values["organiser_unit"] = unit
    if "entry_mode" in data:
        mode = _text(data["entry_mode"])
        by_label = {str(label): value for value, label in EntryMode.choices}
        if mode in EntryMode.values or mode in by_label:
            values["entry_mode"] = by_label.get(mode, mode)
        else:
            problems.append(
                f"比赛: 报名方式 entry_mode 应是 open/quota（自由报名/按单位名额推荐）：{data['entry_mode']!r}"
            )
    for key, label in (("quota_level", "名额分配层级 quota_level"), ("team_level", "团体排名层级 team_level")):
        if key in data:
            level = _level(data[key], f"比赛: {label}", problems)
            if level is not None:
                values[key] = level
    if "promote_per_level" in data:
        values["promote_per_level"] = (
            _level(data["promote_per_level"], "比赛: 按单位晋级 promote_per_level", problems)
            if data["promote_per_level"] not in (None, "")
            else None
        )
    for key, label in (("quota_per_unit", "每单位名额 quota_per_unit"), ("promote_top_n", "晋级人数 promote_top_n")):
        if key in data:
            number = _count(data[key], f"比赛: {label}", problems)
            if number is not None:
                values[key] = number
    if "entry_closes_at" in data:
        values["entry_closes_at"] = (
            _moment(data["entry_closes_at"], "比赛: 报名截止 entry_closes_at", problems)
            if data["entry_closes_at"]
            else None
        )
    if "next_stage" in data:
        next_name = _text(data["next_stage"])
        following = Competition.objects.filter(name=next_name).first() if next_name else None
        if next_name and following is None:
            problems.append(f"比赛: 下一赛段 next_stage “{next_name}” 不存在，请先导入下一赛段")
        elif following is not None and following.name == name:
            problems.append("比赛: 下一赛段不能是本比赛自己")
        values["next_stage"] = following

    # who may do this
    if actor is not None:
        target = competition or Competition(name=name)
        if "organiser_unit" in values and values["organiser_unit"] is not None:
            target = Competition(name=name, organiser_unit=values["organiser_unit"])
        if competition is not None and not selectors.can_manage(actor, competition):
            problems.append(f"比赛: 您无权管理“{name}”")
        elif not selectors.can_manage(actor, target):
            problems.append("比赛: 主办单位须在您的辖区内")
    organiser = values.get("organiser_unit", competition.organiser_unit if competition else None)

    # rounds
    stored = {r.name: r for r in competition.rounds.all()} if competition else {}
    raw_rounds = data.get("rounds")
    plans: list[_RoundPlan] = []
    if not isinstance(raw_rounds, list) or not raw_rounds:
        problems.append("比赛: rounds 应是至少一轮的列表")
        raw_rounds = []
    seen_rounds = set()
    for index, raw in enumerate(raw_rounds, start=1):
        round_name = _text(raw.get("name")) if isinstance(raw, dict) else ""
        if round_name and round_name in seen_rounds:
            problems.append(f"轮次“{round_name}”: 名称重复")
        seen_rounds.add(round_name)
        plan = _plan_round(raw, index, problems, stored.get(round_name))
        if plan is not None:
            plans.append(plan)
    for round_name, round_ in stored.items():
        if round_name not in seen_rounds and _round_has_scores(round_):
            problems.append(f"轮次“{round_name}”: 文件中没有这一轮，但它已有成绩，不能删除")
    quiz_titles = [p.quiz_title for p in plans if p.quiz_title]
    for title in {t for t in quiz_titles if quiz_titles.count(t) > 1}:
        problems.append(f"试卷“{title}”被本比赛的多个轮次使用")
    if quiz_titles:
        others = Round.objects.filter(quiz__title__in=quiz_titles).select_related("competition", "quiz")
        if competition is not None:
            others = others.exclude(competition=competition)
        for other in others:
            problems.append(f"试卷“{other.quiz.title}”已用于比赛“{other.competition.name}”的“{other.name}”，请另备试卷")

    # entrants
    entrant_codes = _code_list(data.get("entrants", []), "选手名单 entrants", problems) or []
    found = _workers_by_no(entrant_codes)
    entrants = []
    for code in entrant_codes:
        worker = found.get(code)
        if worker is None:
            problems.append(f"选手 {code}: 工号不存在")
        elif not _within(organiser, worker):
            problems.append(f"选手 {code}: {worker.name}不在主办单位 {organiser.full_name} 范围内")
        else:
            entrants.append(worker)
    entrant_ids = {w.pk for w in entrants}
    for plan in plans:
        for judge in plan.judges or []:
            if judge.pk in entrant_ids:
                problems.append(f"轮次“{plan.name}”: {judge.name}（{judge.employee_no}）既是评委又是选手")
        if plan.judges is not None and plan.name in stored:
            kept = {j.pk for j in plan.judges}
            scored = (
                JudgeScore.objects.filter(round=stored[plan.name])
                .exclude(judge_id__in=kept)
                .select_related("judge")
                .values_list("judge__employee_no", flat=True)
                .distinct()
            )
            for code in scored:
                problems.append(f"轮次“{plan.name}”: 评委 {code} 已评分，不能移出评分组")
    if problems:
        raise ImportRejected(list(dict.fromkeys(problems)))

    with transaction.atomic():
        changes = _write_competition(name, values, competition, plans, stored, entrants, actor)
        if changes and actor is not None:
            audit_log_record(
                actor=actor,
                action=AuditLog.Action.IMPORT,
                target_type="技能比武",
                target_id=Competition.objects.get(name=name).pk,
                detail={"比赛": name, "变更": changes},
            )
    verb = "新建" if competition is None else ("更新" if changes else "无变化")
    return f"比赛“{name}”：{verb}，{len(plans)} 轮，选手 {len(entrants)} 名（变更 {changes} 处）"


def _set_fields(instance, values: dict) -> bool:
    changed = [key for key, value in values.items() if getattr(instance, key) != value]
    for key in changed:
        setattr(instance, key, values[key])
    return bool(changed)


def _write_competition(name, values, competition, plans, stored, entrants, actor) -> int:
    from assessments.models import Quiz

    changes = 0
    if competition is None:
        competition = Competition.objects.create(name=name, created_by=actor, **values)
        changes += 1
    elif _set_fields(competition, values):
        competition.save()
        changes += 1
    wanted = {p.name for p in plans}
    for round_name, round_ in stored.items():
        if round_name not in wanted:
            round_.delete()
            changes += 1
    rounds = []
    for order, plan in enumerate(plans, start=1):
        round_values = dict(plan.values, order=order)
        if plan.quiz_title:
            quiz, created = Quiz.objects.get_or_create(title=plan.quiz_title)
            changes += created
            round_values["quiz"] = quiz
        round_ = stored.get(plan.name)
        if round_ is None:
            round_ = Round.objects.create(competition=competition, name=plan.name, **round_values)
            changes += 1
        elif _set_fields(round_, round_values):
            round_.save()
            changes += 1
        if plan.criteria is not None:
            changes += _write_criteria(round_, plan.criteria)
        knowledge_round_sync(round_=round_)
        rounds.append((round_, plan))
    for worker in entrants:
        _, created = Entry.objects.get_or_create(
            competition=competition,
            worker=worker,
            defaults={"source": Entry.Source.IMPORTED, "nominated_by": actor},
        )
        changes += created
    order_first = [w.pk for w in entrants]
    for round_, plan in rounds:
        if round_.is_judged:
            changes += _write_first_panel(round_, plan.judges, order_first)
    if changes:
        board_rebuild_on_commit(competition_id=competition.pk)
    return changes


def _write_criteria(round_: Round, criteria: list[dict]) -> int:
    changes = 0
    current = {c.name: c for c in round_.criteria.all()}
    for name, criterion in current.items():
        if name not in {c["name"] for c in criteria}:
            criterion.delete()
            changes += 1
    for order, item in enumerate(criteria, start=1):
        values = {"order": order, "max_score": item["max_score"], "descriptors": item["descriptors"]}
        criterion = current.get(item["name"])
        if criterion is None:
            Criterion.objects.create(round=round_, name=item["name"], **values)
            changes += 1
        elif _set_fields(criterion, values):
            criterion.save()
            changes += 1
    return changes


def _write_first_panel(round_: Round, judges: list[Worker] | None, worker_order: list[int]) -> int:
    changes = 0
    panel, created = Panel.objects.get_or_create(round=round_, name=FIRST_PANEL)
    changes += created
    if judges is not None:
        current = {pj.judge_id: pj for pj in panel.judges.all()}
        wanted = [j.pk for j in judges]
        for judge_id, pj in current.items():
            if judge_id not in wanted:
                pj.delete()
                changes += 1
        for index, judge_id in enumerate(wanted):
            pj = current.get(judge_id)
            if pj is None:
                PanelJudge.objects.create(panel=panel, judge_id=judge_id, is_chief=index == 0)
                changes += 1
            elif pj.is_chief != (index == 0):
                pj.is_chief = index == 0
                pj.save(update_fields=["is_chief"])
                changes += 1
    # running order: the file's entrants in file order, then the other entrants of this panel (in
    # their order), then entrants not placed in any panel of the round (by 工号)
    entries = {
        e.worker_id: e for e in Entry.objects.filter(competition_id=round_.competition_id).select_related("worker")
    }
    elsewhere = set(
        PanelSlot.objects.filter(panel__round=round_).exclude(panel=panel).values_list("entry_id", flat=True)
    )
    slots = {s.entry_id: s for s in panel.slots.all()}
    ordered = [entries[w].pk for w in worker_order if w in entries and entries[w].pk not in elsewhere]
    rest_in_panel = [s.entry_id for s in sorted(slots.values(), key=lambda s: (s.order, s.pk))]
    unplaced = [e.pk for e in sorted(entries.values(), key=lambda e: e.worker.employee_no) if e.pk not in elsewhere]
    for entry_id in rest_in_panel + unplaced:
        if entry_id not in ordered:
            ordered.append(entry_id)
    for position, entry_id in enumerate(ordered, start=1):
        slot = slots.get(entry_id)
        if slot is None:
            PanelSlot.objects.create(panel=panel, entry_id=entry_id, order=position)
            changes += 1
        elif slot.order != position:
            slot.order = position
            slot.save(update_fields=["order"])
            changes += 1
    return changes


# --- entrants ----------------------------------------------------------------------------------------


def entry_register(*, competition: Competition, worker: Worker, now: dt.datetime | None = None) -> Entry:
    """报名: a worker of the organising unit's subtree enters an open-entry competition."""
    if competition.entry_mode != EntryMode.OPEN:
        raise CompetitionError("本比赛按单位名额推荐参赛，不接受个人报名")
    if not entry_window_open(competition, now):
        raise CompetitionError("报名已截止")
    if not _within(competition.organiser_unit, worker):
        raise CompetitionError(f"本比赛仅限{competition.organiser_unit.full_name}的人员报名")
    if PanelJudge.objects.filter(panel__round__competition=competition, judge=worker).exists():
        raise CompetitionError("您是本比赛的评委，不能报名参赛")
    with transaction.atomic():
        Competition.objects.select_for_update().filter(pk=competition.pk).first()
        entry, created = Entry.objects.get_or_create(
            competition=competition, worker=worker, defaults={"source": Entry.Source.OPEN}
        )
        if not created:
            raise CompetitionError("您已报名本比赛")
        _slot_into_panels(entry)
        board_rebuild_on_commit(competition_id=competition.pk)
    return entry


def entry_withdraw(*, competition: Competition, worker: Worker, now: dt.datetime | None = None) -> None:
    """取消报名: only one's own 自由报名 entry, before entries close and before any score."""
    entry = Entry.objects.filter(competition=competition, worker=worker).first()
    if entry is None:
        raise CompetitionError("您尚未报名本比赛")
    if entry.source != Entry.Source.OPEN:
        raise CompetitionError(f"您的参赛资格来自{entry.get_source_display()}，如需退出请联系主办单位")
    if not entry_window_open(competition, now):
        raise CompetitionError("报名已截止，不能取消报名")
    with transaction.atomic():
        if _entry_has_scores(entry):
            raise CompetitionError("已有成绩，不能取消报名")
        entry.delete()
        board_rebuild_on_commit(competition_id=competition.pk)


def nomination_units(competition: Competition, user) -> list[OrgUnit]:
    """The units at the competition's quota level for which `user` may nominate: units of their own
    subtree (superusers: every unit) inside the organising unit's subtree."""
    if competition.entry_mode != EntryMode.QUOTA or user is None or not user.is_authenticated:
        return []
    units = OrgUnit.objects.filter(level=competition.quota_level)
    if competition.organiser_unit is not None:
        units = units.filter(competition.organiser_unit.subtree_q())
    if not user.is_superuser:
        worker = worker_of(user)
        if worker is None or not roles.has_role(user, roles.TRAINER):
            return []
        units = units.filter(worker.org_unit.subtree_q())
    return list(units.order_by("path"))


def unit_nominations_set(
    *, competition: Competition, unit: OrgUnit, workers: list[Worker], actor, now: dt.datetime | None = None
) -> list[Entry]:
    """A unit's 培训管理员 nominates exactly `workers` for `unit` (adding the new, withdrawing the
    unticked nominations). The competition row is locked, so concurrent nominations are serialised
    and the unit never exceeds `quota_per_unit` entrants."""
    if competition.entry_mode != EntryMode.QUOTA:
        raise CompetitionError("本比赛为自由报名，不设单位名额")
    if unit.pk not in {u.pk for u in nomination_units(competition, actor)}:
        raise CompetitionError("只能为本辖区内、名额分配层级的单位推荐选手")
    if not entry_window_open(competition, now):
        raise CompetitionError("报名已截止，不能再推荐")
    for worker in workers:
        if not worker.org_unit.path.startswith(unit.path):
            raise CompetitionError(f"{worker.name}（{worker.employee_no}）不属于{unit.full_name}")
    with transaction.atomic():
        Competition.objects.select_for_update().get(pk=competition.pk)
        current = list(
            Entry.objects.filter(competition=competition)
            .filter(unit.subtree_q("worker__org_unit__"))
            .select_related("worker")
        )
        wanted = {w.pk for w in workers}
        held = {e.worker_id for e in current}
        removed = [e for e in current if e.source == Entry.Source.NOMINATED and e.worker_id not in wanted]
        for entry in removed:
            if _entry_has_scores(entry):
                raise CompetitionError(f"{entry.worker.name}已有成绩，不能撤销推荐")
        added = [w for w in workers if w.pk not in held]
        total = len(current) - len(removed) + len(added)
        if total > competition.quota_per_unit:
            raise CompetitionError(
                f"{unit.name}的名额为 {competition.quota_per_unit} 人，本次推荐后将有 {total} 人，超出名额"
            )
        for entry in removed:
            entry.delete()
        created = _entries_create(competition, [w.pk for w in added], Entry.Source.NOMINATED, actor)
        if removed or added:
            board_rebuild_on_commit(competition_id=competition.pk)
    return created


ENTRANT_COLUMNS = ("工号",)


def entrants_check(*, competition: Competition, rows: list[Row]) -> tuple[list[Worker], RowErrors]:
    """The workers an uploaded entrant list names, and its `第N行` problems (nothing is written)."""
    errors = RowErrors()
    codes = [row.get("工号") for row in rows]
    found = _workers_by_no([c for c in codes if c])
    workers, seen = [], {}
    for row, code in zip(rows, codes, strict=True):
        worker = found.get(code)
        if not code:
            errors.add(row.number, "工号为空")
        elif code in seen:
            errors.add(row.number, f"工号 {code} 与第{seen[code]}行重复")
        elif worker is None:
            errors.add(row.number, f"工号 {code} 不存在")
        elif not _within(competition.organiser_unit, worker):
            errors.add(row.number, f"{worker.name}（{code}）不在主办单位 {competition.organiser_unit.full_name} 范围内")
        else:
            workers.append(worker)
        seen.setdefault(code, row.number)
    return workers, errors


def entrants_add(*, competition: Competition, employee_nos: list[str], actor) -> list[Entry]:
    """Enter the confirmed list (source 导入); those already entered are left as they are."""
    rows = [Row(number=i, values={"工号": code}) for i, code in enumerate(employee_nos, start=1)]
    workers, errors = entrants_check(competition=competition, rows=rows)
    if errors:
        raise ImportRejected(errors)
    with transaction.atomic():
        Competition.objects.select_for_update().get(pk=competition.pk)
        created = _entries_create(competition, [w.pk for w in workers], Entry.Source.IMPORTED, actor)
        if created:
            audit_log_record(
                actor=actor,
                action=AuditLog.Action.IMPORT,
                target_type="技能比武选手",
                target_id=competition.pk,
                detail={"比赛": competition.name, "新增": [e.worker.employee_no for e in created]},
            )
            board_rebuild_on_commit(competition_id=competition.pk)
    return created


# --- panels and running order ------------------------------------------------------------------------


def _open_round(round_: Round) -> Round:
    locked = Round.objects.select_for_update().get(pk=round_.pk)
    if not locked.is_judged:
        raise CompetitionError("知识竞赛轮不设评分组")
    if locked.closed_at is not None:
        raise CompetitionError("本轮已截止评分，不能再调整评分组")
    return locked


def panel_add(*, round_: Round, name: str) -> Panel:
    name = _text(name)
    if not name or len(name) > 50:
        raise CompetitionError("请填写评分组名称（不超过 50 字）")
    with transaction.atomic():
        locked = _open_round(round_)
        if Panel.objects.filter(round=locked, name=name).exists():
            raise CompetitionError(f"评分组“{name}”已存在")
        return Panel.objects.create(round=locked, name=name)


def panel_judges_set(*, panel: Panel, employee_nos: list[str]) -> None:
    """The panel's judges are exactly these (first = 裁判长); each must hold the 评委 role, sit on no
    other panel of the round and not be an entrant; a judge who has scored cannot be removed."""
    codes = [c for c in dict.fromkeys(_text(c) for c in employee_nos) if c]
    found = _workers_by_no(codes)
    problems = []
    for code in codes:
        judge = found.get(code)
        if problem := _judge_problem(code, judge):
            problems.append(problem)
        elif Entry.objects.filter(competition_id=panel.round.competition_id, worker=judge).exists():
            problems.append(f"{judge.name}（{code}）是本比赛选手，不能担任评委")
        elif PanelJudge.objects.filter(panel__round_id=panel.round_id, judge=judge).exclude(panel=panel).exists():
            problems.append(f"{judge.name}（{code}）已在本轮另一个评分组")
    if problems:
        raise CompetitionError("；".join(problems))
    with transaction.atomic():
        _open_round(panel.round)
        wanted = [found[c].pk for c in codes]
        current = {pj.judge_id: pj for pj in panel.judges.select_related("judge")}
        for judge_id, pj in current.items():
            if judge_id not in wanted:
                if JudgeScore.objects.filter(round_id=panel.round_id, judge_id=judge_id).exists():
                    raise CompetitionError(f"评委{pj.judge.name}已评分，不能移出评分组")
                pj.delete()
        for index, judge_id in enumerate(wanted):
            pj = current.get(judge_id)
            if pj is None:
                PanelJudge.objects.create(panel=panel, judge_id=judge_id, is_chief=index == 0)
            elif pj.is_chief != (index == 0):
                pj.is_chief = index == 0
                pj.save(update_fields=["is_chief"])


def running_order_set(*, round_: Round, placements: dict[int, tuple[int, int]]) -> None:
    """Place entrants: `{entry id: (panel id, order number)}`; each panel is then renumbered 1, 2, …
    by the order numbers given (ties keep the previous order)."""
    with transaction.atomic():
        locked = _open_round(round_)
        panels = {p.pk: p for p in Panel.objects.filter(round=locked)}
        entries = set(Entry.objects.filter(competition_id=locked.competition_id).values_list("pk", flat=True))
        for entry_id, (panel_id, _order) in placements.items():
            if entry_id not in entries:
                raise CompetitionError("选手不属于本比赛")
            if panel_id not in panels:
                raise CompetitionError("评分组不属于本轮")
        slots = {s.entry_id: s for s in PanelSlot.objects.filter(panel__round=locked)}
        plan: dict[int, list[tuple[int, int, int]]] = {pk: [] for pk in panels}
        for entry_id in entries:
            slot = slots.get(entry_id)
            if entry_id in placements:
                panel_id, order = placements[entry_id]
            elif slot is not None:
                panel_id, order = slot.panel_id, slot.order
            else:
                continue
            previous = slot.order if slot is not None else 10**6
            plan[panel_id].append((order, previous, entry_id))
        for panel_id, items in plan.items():
            for position, (_o, _p, entry_id) in enumerate(sorted(items), start=1):
                slot = slots.get(entry_id)
                if slot is None:
                    PanelSlot.objects.create(panel_id=panel_id, entry_id=entry_id, order=position)
                elif slot.panel_id != panel_id or slot.order != position:
                    slot.panel_id, slot.order = panel_id, position
                    slot.save(update_fields=["panel", "order"])


def slot_move(*, slot: PanelSlot, step: int) -> None:
    """Move a contestant one place up (-1) or down (+1) in the panel's running order."""
    with transaction.atomic():
        _open_round(slot.panel.round)
        ordered = list(PanelSlot.objects.filter(panel_id=slot.panel_id).order_by("order", "id"))
        index = next(i for i, s in enumerate(ordered) if s.pk == slot.pk)
        other = index + (1 if step > 0 else -1)
        if not 0 <= other < len(ordered):
            return
        ordered[index], ordered[other] = ordered[other], ordered[index]
        for position, item in enumerate(ordered, start=1):
            if item.order != position:
                item.order = position
                item.save(update_fields=["order"])


# --- promotion ---------------------------------------------------------------------------------------


def competition_promote(*, competition: Competition, actor) -> list[Entry]:
    """Enter the top `promote_top_n` (overall, or of each unit at `promote_per_level`) into the next
    stage as 晋级; ties at the cut all go through. Only after every round is published; running it
    again adds no one twice. Returns the entries created now."""
    following = competition.next_stage
    if following is None:
        raise CompetitionError("本比赛没有设置下一赛段")
    if competition.promote_top_n <= 0:
        raise CompetitionError("请先设置晋级人数")
    rounds = selectors.rounds_of(competition)
    if not rounds or any(r.published_at is None for r in rounds):
        raise CompetitionError("所有轮次成绩公布后才能晋级")
    standings = selectors.standings(competition, published_only=True)
    group_of = None
    if competition.promote_per_level:
        group_of = {}
        for standing in standings:
            unit_id = selectors.unit_id_at(standing.unit_path, competition.promote_per_level)
            if unit_id is not None:
                group_of[standing.entry_id] = unit_id
    chosen = ranking.promoted(standings, competition.promote_top_n, group_of)
    workers = dict(Entry.objects.filter(pk__in=[s.entry_id for s in chosen]).values_list("pk", "worker_id"))
    with transaction.atomic():
        Competition.objects.select_for_update().get(pk=following.pk)
        created = _entries_create(following, [workers[s.entry_id] for s in chosen], Entry.Source.PROMOTED, actor)
        if created:
            audit_log_record(
                actor=actor,
                action=AuditLog.Action.CHANGE,
                target_type="技能比武晋级",
                target_id=competition.pk,
                detail={"从": competition.name, "到": following.name, "晋级": [s.worker_no for s in chosen]},
            )
            board_rebuild_on_commit(competition_id=following.pk)
    return created
