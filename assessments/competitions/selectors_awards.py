"""Reads of 技能比武 results: the results list behind the exports, the awards page's jobs, and a
worker's competition record (我的比赛 and the section on their competency profile)."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

from assessments.competitions import ranking, selectors
from assessments.competitions.models import Award, Competition, Entry, Round, RoundResult


@dataclass
class ResultsList:
    """The ranked results as exported: published rounds only, unless `provisional` (staff checking
    the list before publication: every round, labelled 未公布/仅供核对)."""

    competition: Competition
    provisional: bool
    rounds: list[Round]
    standings: list[ranking.Standing]
    teams: list[ranking.TeamStanding]
    awards: dict[int, list[str]]
    award_rows: list[Award]

    @property
    def label(self) -> str:
        return "未公布成绩，仅供核对" if self.provisional else "已公布成绩"


def results_list(competition: Competition, *, provisional: bool) -> ResultsList:
    rounds = [r for r in selectors.rounds_of(competition) if provisional or r.published_at is not None]
    standings = selectors.standings(competition, published_only=not provisional)
    award_rows = list(
        Award.objects.filter(competition=competition, confirmed_at__isnull=False)
        .select_related("entry__worker__org_unit", "round")
        .order_by("kind", "rank", "entry__worker__employee_no")
    )
    awards: dict[int, list[str]] = defaultdict(list)
    for award in award_rows:
        awards[award.entry_id].append(award.title)
    return ResultsList(
        competition=competition,
        provisional=provisional,
        rounds=rounds,
        standings=standings,
        teams=selectors.teams(competition, standings),
        awards=dict(awards),
        award_rows=award_rows,
    )


def award_jobs(competition: Competition) -> list:
    """The certificate issuance jobs of a competition's awards, one per award title."""
    from certificates.models import IssuanceJob

    ids = set(
        Award.objects.filter(competition=competition, issuance_job__isnull=False).values_list(
            "issuance_job_id", flat=True
        )
    )
    return list(IssuanceJob.objects.filter(pk__in=ids).order_by("id"))


# --- a worker's record ------------------------------------------------------------------------------


@dataclass
class AwardLine:
    title: str
    kind: str
    certificate_code: str | None


@dataclass
class HistoryRow:
    competition: Competition
    stage: str
    rounds_total: int
    rounds_published: int
    rank: int | None
    entrants: int
    overall: object
    percents: list[tuple[str, object]] = field(default_factory=list)
    awards: list[AwardLine] = field(default_factory=list)
    promoted_to: Competition | None = None

    @property
    def final(self) -> bool:
        return self.rounds_total > 0 and self.rounds_published == self.rounds_total


def competition_history(worker) -> list[HistoryRow]:
    """Every competition the worker entered, newest first: its stage, the published round
    percentages, the rank once every round is published, awards with their certificates, and the
    next stage they were promoted to."""
    entries = list(
        Entry.objects.filter(worker=worker)
        .select_related("competition__next_stage")
        .order_by("-competition__created_at", "-competition_id")
    )
    if not entries:
        return []
    next_ids = {e.competition.next_stage_id for e in entries if e.competition.next_stage_id}
    promoted = set(
        Entry.objects.filter(worker=worker, competition_id__in=next_ids).values_list("competition_id", flat=True)
    )
    awards_by_entry: dict[int, list[Award]] = defaultdict(list)
    for award in Award.objects.filter(entry__in=entries, confirmed_at__isnull=False).select_related("certificate"):
        awards_by_entry[award.entry_id].append(award)
    codes = _certificate_codes([a for group in awards_by_entry.values() for a in group], worker)
    rows = []
    for entry in entries:
        competition = entry.competition
        rounds = selectors.rounds_of(competition)
        published = [r for r in rounds if r.published_at is not None]
        mine = {
            r.round_id: r.percent for r in RoundResult.objects.filter(entry=entry, round__in=[r.pk for r in published])
        }
        row = HistoryRow(
            competition=competition,
            stage=competition.get_stage_display(),
            rounds_total=len(rounds),
            rounds_published=len(published),
            rank=None,
            entrants=0,
            overall=None,
            percents=[(r.name, mine.get(r.pk)) for r in published],
        )
        if published:
            standings = selectors.standings(competition, published_only=True)
            row.entrants = len(standings)
            own = next((s for s in standings if s.entry_id == entry.pk), None)
            if own is not None:
                row.overall = own.overall
                row.rank = own.rank if row.final else None
        row.awards = [AwardLine(a.title, a.kind, codes.get(a.pk)) for a in awards_by_entry.get(entry.pk, [])]
        if competition.next_stage_id in promoted:
            row.promoted_to = competition.next_stage
        rows.append(row)
    return rows


def _certificate_codes(awards: list[Award], worker) -> dict[int, str]:
    """Award id → its certificate's verification code: the linked certificate, or the one its
    issuance job made for the worker (before the link is written)."""
    from certificates.models import Certificate

    codes = {a.pk: a.certificate.verification_code for a in awards if a.certificate_id}
    waiting = {a.issuance_job_id: a.pk for a in awards if not a.certificate_id and a.issuance_job_id}
    if waiting:
        for job_id, code in Certificate.objects.filter(job_id__in=list(waiting), worker=worker).values_list(
            "job_id", "verification_code"
        ):
            codes[waiting[job_id]] = code
    return codes
