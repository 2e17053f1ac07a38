"""State changes of 技能比武 (docs/rules.md, 14). Each function is one domain action in one transaction.

Every committed score (a judge's mark, a paper sheet, a graded knowledge paper, a correction)
refreshes the contestant's `RoundResult` and, once the transaction commits, rebuilds the served board.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from decimal import Decimal, InvalidOperation

from django.conf import settings
from django.db import transaction
from django.db.models import F
from django.utils import timezone

from assessments.competitions import ranking, selectors
from assessments.competitions.models import (
    Board,
    Competition,
    Entry,
    JudgeScore,
    PanelJudge,
    PanelSlot,
    Round,
    RoundKind,
    RoundResult,
    ScoreChange,
    ScoreReview,
)
from lms.models import AuditLog, Worker


class CompetitionError(Exception):
    """A refused competition action; the message is Chinese and names what is wrong."""


# --- judged scores ----------------------------------------------------------------------------------


def _decimal(value, label: str) -> Decimal:
    try:
        result = Decimal(str(value).strip())
    except (InvalidOperation, ValueError):
        raise CompetitionError(f"{label}不是有效的数字：{value}") from None
    if not result.is_finite():
        raise CompetitionError(f"{label}不是有效的数字：{value}")
    return result


def judge_score_problem(*, round_: Round, entry: Entry, judge: Worker) -> str | None:
    """Why `judge` may not score `entry` in `round_` (closedness aside), or None. The one check of
    who may score whom, shared by the phone sheet and the paper-sheet import (services_scores)."""
    if not round_.is_judged:
        return "知识竞赛轮由系统按答卷计分，不能由评委打分"
    if entry.competition_id != round_.competition_id:
        return f"{entry.worker.name}（{entry.worker.employee_no}）未报名本比赛"
    if not PanelJudge.objects.filter(panel__round=round_, judge=judge).exists():
        return f"{judge.name}（{judge.employee_no}）不是本轮评分组的评委"
    if not PanelSlot.objects.filter(panel__round=round_, panel__judges__judge=judge, entry=entry).exists():
        return f"{entry.worker.name}（{entry.worker.employee_no}）不在评委{judge.name}所在评分组的选手名单中"
    if judge_conflicts(judge=judge, contestant=entry.worker):
        return f"评委{judge.name}与选手{entry.worker.name}同属一个社区，须回避，不能为其评分"
    return None


def judge_conflicts(*, judge: Worker, contestant: Worker) -> bool:
    """A judge never scores a contestant of their own 社区 (回避)."""
    judge_community = selectors.community_of(judge)
    return judge_community is not None and judge_community == selectors.community_of(contestant)


def total_checked(round_: Round, total) -> Decimal:
    """A whole-round total (a round without criteria, or a paper sheet): a number in 0…max."""
    if total is None or str(total).strip() == "":
        raise CompetitionError("请填写得分")
    score = _decimal(total, "得分")
    if not Decimal(0) <= score <= round_.max_score:
        raise CompetitionError(f"得分应在 0–{round_.max_score.normalize():f} 之间")
    return ranking.quantize(score)


def _marks_checked(round_: Round, marks: dict) -> tuple[dict[str, str], Decimal]:
    criteria = list(round_.criteria.all())
    if not criteria:
        raise CompetitionError("本轮尚未设置评分细则，请录入总分")
    given = {str(k): v for k, v in marks.items()}
    unknown = set(given) - {str(c.pk) for c in criteria}
    if unknown:
        raise CompetitionError("评分项不属于本轮")
    stored, total = {}, Decimal(0)
    for criterion in criteria:
        raw = given.get(str(criterion.pk))
        if raw is None or str(raw).strip() == "":
            raise CompetitionError(f"请为评分项“{criterion.name}”打分")
        mark = _decimal(raw, f"评分项“{criterion.name}”的得分")
        if not Decimal(0) <= mark <= criterion.max_score:
            raise CompetitionError(f"评分项“{criterion.name}”的得分应在 0–{criterion.max_score.normalize():f} 之间")
        stored[str(criterion.pk)] = str(ranking.quantize(mark))
        total += mark
    return stored, ranking.quantize(total)


def closed_round_problem(*, round_: Round, actor, reason: str, exists: bool) -> str | None:
    """Why a score may not be written because `round_` is closed, or None: after the close only the
    round's chief judge may change an existing score, with a reason; nothing new is added."""
    if round_.closed_at is None:
        return None
    actor_worker = getattr(actor, "worker", None) if actor is not None else None
    if actor_worker is None or not selectors.is_chief(round_, actor_worker):
        return "本轮评分已截止，改分须由裁判长填写原因后操作"
    if not (reason or "").strip():
        return "闭轮后改分须填写原因"
    if not exists:
        return "本轮评分已截止，不能补录新的评分"
    return None


def judge_score_save(
    *,
    round_: Round,
    entry: Entry,
    judge: Worker,
    marks: dict | None = None,
    total=None,
    comment: str = "",
    source: str = JudgeScore.Source.PHONE,
    actor=None,
    reason: str = "",
) -> JudgeScore:
    """Record (or replace) `judge`'s score of `entry`: criterion `marks` on a phone, or a paper sheet's
    `total`. After the round is closed only its chief judge may change a score, with a reason; the
    change writes a ScoreChange and an AuditLog row."""
    problem = judge_score_problem(round_=round_, entry=entry, judge=judge)
    if problem:
        raise CompetitionError(problem)
    if marks is not None:
        stored_marks, score = _marks_checked(round_, marks)
    else:
        score, stored_marks = total_checked(round_, total), {}
    comment = (comment or "").strip()
    with transaction.atomic():
        locked = Round.objects.select_for_update().get(pk=round_.pk)
        existing = JudgeScore.objects.select_for_update().filter(round=locked, entry=entry, judge=judge).first()
        problem = closed_round_problem(round_=locked, actor=actor, reason=reason, exists=existing is not None)
        if problem:
            raise CompetitionError(problem)
        if existing is None:
            judge_score = JudgeScore.objects.create(
                round=locked,
                entry=entry,
                judge=judge,
                score=score,
                marks=stored_marks,
                comment=comment,
                source=source,
                entered_by=actor,
            )
        else:
            old_score, old_marks = existing.score, existing.marks
            existing.score, existing.marks, existing.source = score, stored_marks, source
            existing.comment = comment
            existing.entered_by, existing.updated_at = actor, timezone.now()
            existing.save()
            judge_score = existing
            if locked.closed_at is not None:
                ScoreChange.objects.create(
                    judge_score=existing,
                    old_score=old_score,
                    new_score=score,
                    old_marks=old_marks,
                    new_marks=stored_marks,
                    reason=reason.strip(),
                    changed_by=actor,
                )
                AuditLog.objects.create(
                    actor=actor,
                    action=AuditLog.Action.CHANGE,
                    target_type="竞赛评分",
                    target_id=str(existing.pk),
                    detail={
                        "轮次": str(locked),
                        "选手": entry.worker.employee_no,
                        "评委": judge.employee_no,
                        "原分": str(old_score),
                        "新分": str(score),
                        "原因": reason.strip(),
                    },
                )
        judged_result_refresh(round_=locked, entry=entry)
        if locked.published_at is not None:  # a published round's 演练 evidence follows the correction
            from assessments.competitions.services_awards import round_result_changed

            round_result_changed(round_=locked, entry=entry)
        reviews_refresh(round_=locked, entry=entry)
        board_rebuild_on_commit(competition_id=locked.competition_id)
    return judge_score


def judged_result_refresh(*, round_: Round, entry: Entry) -> RoundResult | None:
    scores = list(JudgeScore.objects.filter(round=round_, entry=entry).values_list("score", flat=True))
    score = ranking.judged_score(scores)
    if score is None:
        RoundResult.objects.filter(round=round_, entry=entry).delete()
        return None
    result, _ = RoundResult.objects.update_or_create(
        round=round_,
        entry=entry,
        defaults={
            "score": score,
            "percent": ranking.percent_of(score, round_.max_score),
            "judge_count": len(scores),
            "seconds": None,
            "updated_at": timezone.now(),
        },
    )
    return result


def reviews_refresh(*, round_: Round, entry: Entry) -> None:
    """Open a review where two judges of one panel differ on a criterion (or, for paper totals, on the
    total) by more than the competition's share of its maximum; an unresolved review whose spread
    has come back within the line is dropped, a resolved one stays resolved."""
    share = round_.competition.review_share
    criteria = {str(c.pk): c for c in round_.criteria.all()}
    panel_ids = list(PanelSlot.objects.filter(panel__round=round_, entry=entry).values_list("panel_id", flat=True))
    wanted: dict[int | None, Decimal] = {}
    for panel_id in panel_ids:
        judges = PanelJudge.objects.filter(panel_id=panel_id).values_list("judge_id", flat=True)
        scores = list(JudgeScore.objects.filter(round=round_, entry=entry, judge_id__in=list(judges)))
        for key, criterion in criteria.items():
            marks = [Decimal(s.marks[key]) for s in scores if key in s.marks]
            spread = ranking.spread_exceeds(marks, criterion.max_score, share)
            if spread is not None:
                wanted[criterion.pk] = max(spread, wanted.get(criterion.pk, Decimal(0)))
        totals = [s.score for s in scores if not s.marks]
        spread = ranking.spread_exceeds(totals, round_.max_score, share)
        if spread is not None:
            wanted[None] = max(spread, wanted.get(None, Decimal(0)))
    existing = {r.criterion_id: r for r in ScoreReview.objects.filter(round=round_, entry=entry)}
    for criterion_id, review in existing.items():
        if criterion_id not in wanted and review.resolved_at is None:
            review.delete()
    for criterion_id, spread in wanted.items():
        review = existing.get(criterion_id)
        if review is None:
            review = ScoreReview.objects.create(round=round_, entry=entry, criterion_id=criterion_id, spread=spread)
            _review_notify(review=review, panel_ids=panel_ids)
        elif review.spread != spread:
            review.spread = spread
            review.save(update_fields=["spread"])


def _review_notify(*, review: ScoreReview, panel_ids: list[int]) -> None:
    """Tell the chief judge(s) of the contestant's panel(s) that a review is open (站内消息, once per
    review); a panel without a chief: the round's chiefs."""
    from django.urls import reverse

    from lms.services import notification_send

    chiefs = PanelJudge.objects.filter(panel_id__in=panel_ids, is_chief=True).select_related("judge__user")
    if not chiefs.exists():
        chiefs = PanelJudge.objects.filter(panel__round=review.round, is_chief=True).select_related("judge__user")
    item = review.criterion.name if review.criterion_id else "总分"
    contestant = review.entry.worker
    for user in {c.judge.user for c in chiefs}:
        notification_send(
            recipient=user,
            title=f"评分分差待复核：{review.round.name} · {contestant.name}",
            body=f"{contestant.name}（{contestant.employee_no}）的“{item}”评委分差 {review.spread.normalize():f} 分，"
            "超过复核线，请在截止评分前复核。",
            url=reverse("competitions:reviews", args=[review.round_id]),
            dedupe_key=f"competition-review-{review.pk}",
        )


def review_resolve(*, review: ScoreReview, actor, note: str = "") -> ScoreReview:
    worker = getattr(actor, "worker", None)
    if worker is None or not selectors.is_chief(review.round, worker):
        raise CompetitionError("只有本轮裁判长可以复核评分分差")
    with transaction.atomic():
        review.resolved_at, review.resolved_by, review.note = timezone.now(), actor, (note or "").strip()[:300]
        review.save(update_fields=["resolved_at", "resolved_by", "note"])
    return review


def round_close(*, round_: Round, actor, now: dt.datetime | None = None) -> Round:
    """Lock a round's scores. A judged round closes only when every divergent score has been
    reviewed by the chief judge; a knowledge round only after its answering time has ended."""
    now = now or timezone.now()
    with transaction.atomic():
        locked = Round.objects.select_for_update().get(pk=round_.pk)
        if locked.closed_at is not None:
            raise CompetitionError("本轮已截止评分")
        if locked.is_judged:
            pending = ScoreReview.objects.filter(round=locked, resolved_at__isnull=True).count()
            if pending:
                raise CompetitionError(f"还有 {pending} 处评委分差待裁判长复核，复核后才能截止评分")
        elif locked.ends_at is not None and now < locked.ends_at:
            raise CompetitionError("知识竞赛答题时间尚未结束，不能截止")
        locked.closed_at, locked.closed_by = now, actor
        locked.save(update_fields=["closed_at", "closed_by"])
        board_rebuild_on_commit(competition_id=locked.competition_id)
    return locked


# --- knowledge rounds ---------------------------------------------------------------------------------


def knowledge_round_sync(*, round_: Round) -> None:
    """Make a knowledge round's quiz the contest paper: it opens at the round's start and closes at
    its end for everyone at once, one attempt, the round's duration, answers and scores shown only
    after the close. Called whenever a round is saved or imported."""
    quiz = round_.quiz
    if round_.kind != RoundKind.KNOWLEDGE or quiz is None:
        return
    from assessments.models import ReviewWhen

    quiz.opens_at = round_.starts_at
    quiz.closes_at = round_.ends_at
    quiz.attempts_allowed = 1
    quiz.time_limit_minutes = round_.duration_minutes
    quiz.review_answers = ReviewWhen.AFTER_CLOSE
    quiz.review_score = ReviewWhen.AFTER_CLOSE
    quiz.is_draft = False
    quiz.save(
        update_fields=[
            "opens_at",
            "closes_at",
            "attempts_allowed",
            "time_limit_minutes",
            "review_answers",
            "review_score",
            "is_draft",
        ]
    )


def knowledge_result_record(attempt) -> None:
    """Called when a knowledge paper is graded (assessments.hooks): its percentage and time taken
    from the round's start become the contestant's result."""
    rounds = Round.objects.filter(quiz_id=attempt.quiz_id, kind=RoundKind.KNOWLEDGE)
    for round_ in rounds:
        entry = Entry.objects.filter(competition_id=round_.competition_id, worker_id=attempt.worker_id).first()
        if entry is None or attempt.score is None:
            continue
        begun = round_.starts_at or attempt.started_at
        finished = attempt.submitted_at or attempt.graded_at or timezone.now()
        seconds = max(0, int((finished - begun).total_seconds()))
        if round_.ends_at is not None:
            seconds = min(seconds, int((round_.ends_at - begun).total_seconds()))
        percent = attempt.percent or Decimal(0)
        RoundResult.objects.update_or_create(
            round=round_,
            entry=entry,
            defaults={
                "score": ranking.quantize(percent * round_.max_score / 100),
                "percent": percent,
                "seconds": seconds,
                "judge_count": 0,
                "updated_at": timezone.now(),
            },
        )
        board_rebuild_on_commit(competition_id=round_.competition_id)


# --- the served board ---------------------------------------------------------------------------------


def _payload(competition: Competition, *, published_only: bool) -> dict:
    rounds = [r for r in selectors.rounds_of(competition) if r.published_at is not None or not published_only]
    rows = selectors.standings(competition, published_only=published_only)
    teams = selectors.teams(competition, rows)
    return {
        "competition": {"id": competition.pk, "name": competition.name, "stage": competition.stage},
        "rounds": [
            {
                "name": r.name,
                "kind": r.kind,
                "weight": str(r.weight),
                "published": r.published_at is not None,
                "closed": r.closed_at is not None,
            }
            for r in rounds
        ],
        "results": [
            {
                "rank": s.rank,
                "worker": s.worker_no,
                "name": s.name,
                "unit": s.unit_name,
                "overall": float(s.overall),
                "rounds": {name: (float(p) if p is not None else None) for name, p in s.rounds.items()},
            }
            for s in rows
        ],
        "teams": [{"rank": t.rank, "unit": t.unit_name, "score": float(t.score), "members": t.members} for t in teams],
    }


def board_rebuild(*, competition: Competition) -> None:
    """Recompute both boards (staff: every round; public: published rounds only). The row lock
    orders concurrent rebuilds, so a slower, older rebuild never overwrites a newer one; each board
    records the request count it covers (`built_for`)."""
    with transaction.atomic():
        for audience, published_only in ((Board.Audience.STAFF, False), (Board.Audience.PUBLIC, True)):
            board, _ = Board.objects.get_or_create(competition=competition, audience=audience)
            board = Board.objects.select_for_update().get(pk=board.pk)
            covered = board.requested
            body = _payload(competition, published_only=published_only)
            content = json.dumps(body, ensure_ascii=False, sort_keys=True)
            digest = hashlib.sha256(content.encode()).hexdigest()[:32]
            now = timezone.now()
            if digest != board.etag:
                board.version += 1
            body["updated_at"] = now.isoformat()
            board.payload = json.dumps(body, ensure_ascii=False)
            board.etag, board.built_at, board.built_for = digest, now, covered
            board.save(update_fields=["payload", "etag", "version", "built_at", "built_for"])


def board_refresh(*, competition_id: int) -> bool:
    """Rebuild the boards if a score has committed since the last build, at most once per
    `COMPETITION_BOARD_INTERVAL` seconds per competition (docs/rules.md, 14.6). Committed scores
    and readers of the board both call this, so a burst (a thousand papers auto-submitted at the
    deadline) costs about one rebuild a second instead of one per score, and whatever a burst left
    behind is rebuilt by the next reader. Returns whether it rebuilt."""
    interval = dt.timedelta(seconds=settings.COMPETITION_BOARD_INTERVAL)
    with transaction.atomic():
        # skip_locked: while one process rebuilds, the others serve the board they have.
        staff = (
            Board.objects.select_for_update(skip_locked=True)
            .filter(competition_id=competition_id, audience=Board.Audience.STAFF)
            .only("requested", "built_for", "built_at")
            .first()
        )
        if staff is None and Board.objects.filter(competition_id=competition_id).exists():
            return False  # another process is rebuilding it now
        if staff is not None and (staff.requested <= staff.built_for or staff.built_at > timezone.now() - interval):
            return False
        competition = Competition.objects.filter(pk=competition_id).first()
        if competition is None:
            return False
        board_rebuild(competition=competition)
        return True


def board_rebuild_on_commit(*, competition_id: int) -> None:
    """After the transaction commits: mark the boards behind and refresh them (board_refresh)."""

    def request() -> None:
        Board.objects.filter(competition_id=competition_id).update(requested=F("requested") + 1)
        board_refresh(competition_id=competition_id)

    transaction.on_commit(request)
