"""State changes of 技能比武 after the scoring: publishing a round's results (with their 演练 competency
evidence and the contestants' messages), proposing and confirming the awards, and issuing their
certificates as `AWARD` bulk issuance jobs (one job per award title, so each PDF names its award).
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass

from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from assessments.competitions import ranking, selectors
from assessments.competitions.models import Award, AwardKind, Competition, Entry, Round, RoundResult
from assessments.competitions.services import CompetitionError, board_rebuild_on_commit
from lms.models import AuditLog
from lms.services import audit_log_record, notification_send

AWARD_TYPE_CODE = "AWARD"
TIER_KINDS = (AwardKind.FIRST, AwardKind.SECOND, AwardKind.THIRD)
EVIDENCE_SOURCE_TYPE = "competitions.roundentry"


# --- publication ----------------------------------------------------------------------------------


def evidence_reference(round_: Round, entry_id: int) -> tuple[str, str]:
    """The evidence row's reference: one per round × contestant (and indicator), so a re-publish or a
    later correction updates it instead of adding another."""
    return EVIDENCE_SOURCE_TYPE, f"{round_.pk}-{entry_id}"


def round_evidence_sync(*, round_: Round, entry_ids: list[int] | None = None) -> int:
    """Write (or update) the `演练` competency evidence of a published judged round: the contestant's
    percentage on each of the round's indicators, dated the day scoring closed. Knowledge rounds
    already are `测试` evidence through their graded answers. Returns the number of contestants."""
    if not round_.is_judged or round_.published_at is None or not round_.indicator_codes:
        return 0
    from assessments.models import EvidenceSource
    from assessments.services import evidence_record_many

    results = RoundResult.objects.filter(round=round_).select_related("entry__worker")
    if entry_ids is not None:
        results = results.filter(entry_id__in=entry_ids)
    occurred_on = timezone.localdate(round_.closed_at or round_.published_at)
    count = 0
    for result in results:
        reference = evidence_reference(round_, result.entry_id)
        items = [(code, result.percent, occurred_on, reference) for code in round_.indicator_codes]
        try:
            evidence_record_many(worker=result.entry.worker, source=EvidenceSource.DRILL, items=items)
        except ValueError as exc:  # an indicator code no longer in the active model
            raise CompetitionError(f"轮次“{round_.name}”的能力指标有误：{exc}") from None
        count += 1
    return count


def round_result_changed(*, round_: Round, entry: Entry) -> None:
    """Called by the judged-score path after a contestant's result changed: a published round's
    evidence follows a post-close correction."""
    if round_.published_at is not None:
        round_evidence_sync(round_=round_, entry_ids=[entry.pk])


def round_publish(*, round_: Round, actor) -> Round:
    """Publish a closed round's results: contestants and the public board see it; a judged round's
    results become 演练 evidence on its indicators; every contestant is told. Publishing again
    re-syncs the evidence and tells nobody twice."""
    if not selectors.can_manage(actor, round_.competition):
        raise CompetitionError("只有本比赛的主办培训管理员可以公布成绩")
    with transaction.atomic():
        locked = Round.objects.select_for_update().select_related("competition").get(pk=round_.pk)
        if locked.closed_at is None:
            raise CompetitionError(f"轮次“{locked.name}”尚未截止评分，截止后才能公布成绩")
        first_time = locked.published_at is None
        if first_time:
            locked.published_at = timezone.now()
            locked.save(update_fields=["published_at"])
        round_evidence_sync(round_=locked)
        url = reverse("competitions:mine")
        for entry in Entry.objects.filter(competition=locked.competition_id).select_related("worker__user"):
            notification_send(
                recipient=entry.worker.user,
                title=f"{locked.competition.name}“{locked.name}”成绩已公布",
                body="可在“我的比赛”中查看本轮得分和当前名次。",
                url=url,
                dedupe_key=f"competition-round-published:{locked.pk}",
            )
        audit_log_record(
            actor=actor,
            action=AuditLog.Action.CHANGE,
            target_type="竞赛轮次",
            target_id=locked.pk,
            detail={"轮次": str(locked), "操作": "公布成绩" if first_time else "重新公布"},
        )
        board_rebuild_on_commit(competition_id=locked.competition_id)
    return locked


# --- awards ---------------------------------------------------------------------------------------


@dataclass
class AwardProposal:
    entry_id: int
    worker_no: str
    name: str
    unit_name: str
    kind: str
    title: str
    rank: int
    round_id: int | None = None
    percent: object = None


def awards_propose(*, competition: Competition) -> list[AwardProposal]:
    """一/二/三等奖 by overall rank over the published standings (tier sizes from the competition's
    shares of the contestants scoring above 0; a tie at a tier boundary shares the better tier), and
    each published round's single award (its `award_name`) for the best percentage, ties all win."""
    standings = [s for s in selectors.standings(competition, published_only=True) if s.overall > 0]
    shares = [competition.first_prize_share, competition.second_prize_share, competition.third_prize_share]
    sizes = ranking.award_tiers(len(standings), shares)
    bounds, total = [], 0
    for size in sizes:
        total += size
        bounds.append(total)
    proposals: list[AwardProposal] = []
    tier_of_rank: dict[int, int] = {}
    for position, standing in enumerate(standings):
        tier = tier_of_rank.get(standing.rank)
        if tier is None:
            tier = next((t for t, bound in enumerate(bounds) if position < bound), None)
            if tier is None:
                break
            tier_of_rank[standing.rank] = tier
        proposals.append(
            AwardProposal(
                standing.entry_id,
                standing.worker_no,
                standing.name,
                standing.unit_name,
                TIER_KINDS[tier],
                str(TIER_KINDS[tier]),
                standing.rank,
            )
        )
    by_entry = {s.entry_id: s for s in standings}
    for round_ in selectors.rounds_of(competition):
        if round_.published_at is None or not round_.award_name.strip():
            continue
        results = list(
            RoundResult.objects.filter(round=round_, percent__gt=0, entry_id__in=list(by_entry)).order_by("-percent")
        )
        if not results:
            continue
        best = results[0].percent
        for result in sorted((r for r in results if r.percent == best), key=lambda r: by_entry[r.entry_id].worker_no):
            standing = by_entry[result.entry_id]
            proposals.append(
                AwardProposal(
                    standing.entry_id,
                    standing.worker_no,
                    standing.name,
                    standing.unit_name,
                    AwardKind.SINGLE,
                    round_.award_name.strip(),
                    1,
                    round_id=round_.pk,
                    percent=result.percent,
                )
            )
    return proposals


def award_source_label(competition: Competition, title: str) -> str:
    """What the certificate says the holder won, e.g. “2026年网格员技能比武·市决赛 一等奖”."""
    return f"{competition.name} {title}"[:200]


def awards_confirm(*, competition: Competition, actor, issued_on: dt.date | None = None) -> list[Award]:
    """Write the proposed awards and start their certificates: one `AWARD` issuance job per award
    title. Only organisers, only once every round is published; confirming again changes nothing and
    issues nothing."""
    from certificates.services import CertificateError, issuance_job_create

    if not selectors.can_manage(actor, competition):
        raise CompetitionError("只有本比赛的主办培训管理员可以确认获奖名单")
    with transaction.atomic():
        locked = Competition.objects.select_for_update().get(pk=competition.pk)
        confirmed = list(Award.objects.filter(competition=locked, confirmed_at__isnull=False))
        if confirmed:
            return confirmed
        rounds = selectors.rounds_of(locked)
        if not rounds:
            raise CompetitionError("本比赛还没有设置轮次")
        pending = [r.name for r in rounds if r.published_at is None]
        if pending:
            raise CompetitionError(f"以下轮次尚未公布成绩：{'、'.join(pending)}；全部公布后才能确认获奖名单")
        proposals = awards_propose(competition=locked)
        if not proposals:
            raise CompetitionError("没有得分高于 0 的选手，无法评奖")
        now = timezone.now()
        Award.objects.filter(competition=locked).delete()  # unconfirmed leftovers, if any
        awards = []
        seen = set()
        for p in proposals:
            if (p.entry_id, p.title) in seen:  # the same single-award name on two rounds
                continue
            seen.add((p.entry_id, p.title))
            awards.append(
                Award(
                    competition=locked,
                    entry_id=p.entry_id,
                    kind=p.kind,
                    round_id=p.round_id,
                    title=p.title,
                    rank=p.rank,
                    confirmed_at=now,
                    confirmed_by=actor,
                )
            )
        Award.objects.bulk_create(awards)
        awards = list(Award.objects.filter(competition=locked).select_related("entry__worker"))
        by_title: dict[str, list[Award]] = defaultdict(list)
        for award in awards:
            by_title[award.title].append(award)
        for title, group in by_title.items():
            try:
                job = issuance_job_create(
                    title=f"{locked.name} {title} 获奖证书",
                    type_code=AWARD_TYPE_CODE,
                    issued_on=issued_on or timezone.localdate(),
                    workers=[a.entry.worker for a in group],
                    source_label=award_source_label(locked, title),
                    created_by=actor,
                )
            except CertificateError as exc:
                raise CompetitionError(f"“{title}”证书发放失败：{exc}") from None
            Award.objects.filter(pk__in=[a.pk for a in group]).update(issuance_job=job)
        audit_log_record(
            actor=actor,
            action=AuditLog.Action.CHANGE,
            target_type="竞赛获奖",
            target_id=locked.pk,
            detail={"比赛": locked.name, "获奖": len(awards), "奖项": sorted(by_title)},
        )
    return list(Award.objects.filter(competition=competition).select_related("entry__worker", "issuance_job"))


def awards_certificates_link(*, competition: Competition) -> int:
    """Point each confirmed award at its certificate once its issuance job has made it."""
    from certificates.models import Certificate

    waiting = list(
        Award.objects.filter(
            competition=competition, certificate__isnull=True, issuance_job__isnull=False
        ).select_related("entry")
    )
    if not waiting:
        return 0
    found = {
        (c.job_id, c.worker_id): c.pk
        for c in Certificate.objects.filter(job_id__in={a.issuance_job_id for a in waiting}).only(
            "pk", "job_id", "worker_id"
        )
    }
    linked = 0
    with transaction.atomic():
        for award in waiting:
            certificate_id = found.get((award.issuance_job_id, award.entry.worker_id))
            if certificate_id is not None:
                Award.objects.filter(pk=award.pk).update(certificate_id=certificate_id)
                linked += 1
    return linked
