"""Reads of 技能比武: standings computed from stored round results, the served board, panels."""

from __future__ import annotations

import json

from assessments.competitions import ranking
from assessments.competitions.models import Board, Competition, Entry, PanelJudge, Round, RoundKind, RoundResult
from lms import roles
from lms.access import worker_of
from lms.models import OrgLevel, OrgUnit


def unit_id_at(path: str, level: int) -> int | None:
    """The id of the ancestor at `level` (1 = 市 … 5 = 网格) from an org unit path like `/1/4/9/`."""
    ids = [part for part in path.split("/") if part]
    return int(ids[level - 1]) if len(ids) >= level else None


def community_of(worker) -> int | None:
    return unit_id_at(worker.org_unit.path, OrgLevel.COMMUNITY)


def is_staff_viewer(user, competition: Competition | None = None) -> bool:
    """Who sees unpublished rounds: superusers, 培训管理员 and 评委 (docs/rules.md, 14.5)."""
    if user is None or not user.is_authenticated:
        return False
    return user.is_superuser or roles.has_role(user, roles.TRAINER, roles.JUDGE)


def can_manage(user, competition: Competition) -> bool:
    """Organisers: superusers, and 培训管理员 whose subtree holds the organising unit (全市: city-level trainers)."""
    if user is None or not user.is_authenticated:
        return False
    if user.is_superuser:
        return True
    if not roles.has_role(user, roles.TRAINER):
        return False
    worker = worker_of(user)
    if worker is None:
        return False
    target = competition.organiser_unit
    if target is None:
        return worker.org_unit.parent_id is None
    return target.path.startswith(worker.org_unit.path)


def competitions_managed_by(user) -> list[Competition]:
    return [c for c in Competition.objects.select_related("organiser_unit") if can_manage(user, c)]


def rounds_of(competition: Competition) -> list[Round]:
    return list(competition.rounds.order_by("order", "id"))


def standings(competition: Competition, *, published_only: bool) -> list[ranking.Standing]:
    """Every entrant's standing, ranked. `published_only` leaves unpublished rounds out entirely
    (their percentages, their weight and their tie-breaks), as contestants and the public see it."""
    rounds = [r for r in rounds_of(competition) if r.published_at is not None or not published_only]
    weights = {r.name: r.weight for r in rounds}
    by_round = {r.pk: r for r in rounds}
    results: dict[int, dict[int, RoundResult]] = {}
    for result in RoundResult.objects.filter(round__in=list(by_round)):
        results.setdefault(result.entry_id, {})[result.round_id] = result
    entries = (
        Entry.objects.filter(competition=competition).select_related("worker__org_unit").order_by("worker__employee_no")
    )
    out = []
    for entry in entries:
        mine = results.get(entry.pk, {})
        percents: dict[str, object] = {}
        seconds = None
        scenario = ranking.ZERO
        for r in rounds:
            result = mine.get(r.pk)
            percents[r.name] = result.percent if result else None
            if r.kind == RoundKind.KNOWLEDGE and result is not None and result.seconds is not None:
                seconds = (seconds or 0) + result.seconds
            if r.kind == RoundKind.SCENARIO and result is not None:
                scenario += result.percent
        unit = entry.worker.org_unit
        out.append(
            ranking.Standing(
                entry_id=entry.pk,
                worker_no=entry.worker.employee_no,
                name=entry.worker.name,
                unit_path=unit.path,
                unit_name=unit.full_name,
                overall=ranking.overall_score(percents, weights),
                rounds=percents,
                knowledge_seconds=seconds,
                scenario_percent=scenario,
            )
        )
    return ranking.assign_ranks(out)


def teams(competition: Competition, standings_: list[ranking.Standing]) -> list[ranking.TeamStanding]:
    level = competition.team_level
    unit_ids = {s.entry_id: unit_id_at(s.unit_path, level) for s in standings_}
    names = dict(OrgUnit.objects.filter(pk__in={u for u in unit_ids.values() if u}).values_list("pk", "name"))
    unit_of = {entry_id: (uid, names[uid]) for entry_id, uid in unit_ids.items() if uid in names}
    return ranking.team_standings(standings_, unit_of)


def board_payload(competition: Competition, *, staff: bool) -> dict:
    """The board as served (docs/rules.md, 14.6), read past the per-process cache of the pages:
    brought up to date first (services.board_refresh builds a missing board or one left behind)."""
    from assessments.competitions.services import board_refresh

    board_refresh(competition_id=competition.pk)
    audience = Board.Audience.STAFF if staff else Board.Audience.PUBLIC
    return json.loads(Board.objects.get(competition=competition, audience=audience).payload)


def is_chief(round_: Round, judge) -> bool:
    return PanelJudge.objects.filter(panel__round=round_, judge=judge, is_chief=True).exists()
