"""State changes of the mentorship app (docs/rules.md, 12. 导师制): terms, guidance sessions,
ratings, the `import_mentorships` file, reminders, sign-off (独立上岗), the mentee's feedback on the
mentor and 优秀导师 honours. Each operation is one transaction."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.conf import settings
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone

from lms import roles
from lms.access import sees_everything, worker_of
from lms.importing import ImportRejected, Row, RowErrors, parse_date
from lms.models import Worker
from lms.services import notification_send

from . import selectors
from .models import (
    GuidanceSession,
    MentorFeedback,
    MentorshipTerm,
    SessionStatus,
    SessionType,
    SignOff,
    SignOffStatus,
    TermStatus,
)


class MentorshipError(Exception):
    """A refused change; the message (Chinese) is shown as is."""


# --- terms -----------------------------------------------------------------------------------------


def _may_manage(actor, mentee: Worker) -> bool:
    """Trainers and HR manage the terms of the workers in their subtree (superusers: all)."""
    if sees_everything(actor):
        return True
    worker = worker_of(actor)
    if worker is None or not roles.has_role(actor, roles.TRAINER, roles.HR):
        return False
    return mentee.org_unit.path.startswith(worker.org_unit.path)


def may_manage_term(actor, term: MentorshipTerm) -> bool:
    """Whether `actor` may end the term or change its mentor (the pages show the forms only then)."""
    return _may_manage(actor, term.mentee)


def term_errors(
    *,
    mentor: Worker,
    mentee: Worker,
    start: dt.date,
    planned_end: dt.date,
    others: list[tuple[int, int, dt.date, dt.date]] = (),
    ignore_term: MentorshipTerm | None = None,
) -> list[str]:
    """Every rule a new term breaks (empty when none). `others` adds (mentor id, mentee id, start,
    end) of terms not yet saved (the other rows of an import file)."""
    errors = []
    if mentor.pk == mentee.pk:
        errors.append("导师和徒弟不能是同一人")
    if not roles.has_role(mentor.user, roles.MENTOR):
        errors.append(f"{mentor.name}（{mentor.employee_no}）没有导师角色")
    if planned_end <= start:
        errors.append("计划结束日期应晚于开始日期")
    else:
        length = selectors.term_length_error(start, planned_end)
        if length:
            errors.append(length)
    if errors:
        return errors
    existing = MentorshipTerm.objects.filter(mentor__in=[mentor, mentee]) | MentorshipTerm.objects.filter(
        mentee__in=[mentor, mentee]
    )
    if ignore_term is not None:
        existing = existing.exclude(pk=ignore_term.pk)
    spans = [(t.mentor_id, t.mentee_id, t.start, t.end) for t in existing] + list(others)
    for _, mentee_id, s, e in spans:
        if mentee_id == mentee.pk and s <= planned_end and e >= start:
            errors.append(f"{mentee.name}（{mentee.employee_no}）在 {s:%Y-%m-%d}–{e:%Y-%m-%d} 已有帮带期，与本期重叠")
            break
    load, day = selectors.peak_load([(s, e) for m, _, s, e in spans if m == mentor.pk], start, planned_end)
    if load >= settings.MENTOR_CAPACITY:
        errors.append(
            f"导师{mentor.name}（{mentor.employee_no}）在 {day:%Y-%m-%d} 已带 {load} 名徒弟，"
            f"超过每人同时最多 {settings.MENTOR_CAPACITY} 名的上限"
        )
    return errors


def _lock(*workers: Worker) -> None:
    """Lock the workers' rows, in id order, so two assignments touching one of them run one after
    the other (PostgreSQL; SQLite serialises writers anyway)."""
    list(Worker.objects.select_for_update().filter(pk__in=[w.pk for w in workers]).order_by("pk").values("pk"))


def term_create(*, actor, mentor: Worker, mentee: Worker, start: dt.date, planned_end: dt.date) -> MentorshipTerm:
    """Join a mentor and a mentee from `start` to `planned_end` after checking every rule."""
    if not _may_manage(actor, mentee):
        raise MentorshipError("只有徒弟所在辖区的培训管理员或人事可以安排导师")
    if not _may_manage(actor, mentor):
        raise MentorshipError("所选导师不在您的辖区内")
    with transaction.atomic():
        _lock(mentor, mentee)
        errors = term_errors(mentor=mentor, mentee=mentee, start=start, planned_end=planned_end)
        if errors:
            raise MentorshipError("；".join(errors))
        return MentorshipTerm.objects.create(
            mentor=mentor,
            mentee=mentee,
            start=start,
            planned_end=planned_end,
            created_by=actor if getattr(actor, "pk", None) else None,
        )


def term_end(*, actor, term: MentorshipTerm, status: str, reason: str = "", on: dt.date) -> MentorshipTerm:
    """End a running term on `on` as 已出师 or 已终止 (a reason is required for 已终止)."""
    if not _may_manage(actor, term.mentee):
        raise MentorshipError("只有徒弟所在辖区的培训管理员或人事可以结束帮带期")
    if status not in (TermStatus.GRADUATED, TermStatus.ENDED):
        raise MentorshipError("结束状态应为“已出师”或“已终止”")
    reason = (reason or "").strip()
    if status == TermStatus.ENDED and not reason:
        raise MentorshipError("终止帮带期须填写原因")
    with transaction.atomic():
        term = MentorshipTerm.objects.select_for_update().get(pk=term.pk)
        if term.status != TermStatus.ACTIVE:
            raise MentorshipError(f"该帮带期的状态是“{term.status}”，不能再结束")
        if on < term.start or on > term.planned_end:
            raise MentorshipError(f"结束日期应在 {term.start:%Y-%m-%d} 至 {term.planned_end:%Y-%m-%d} 之间（帮带期内）")
        if on > timezone.localdate() and on != term.start:
            raise MentorshipError("结束日期不能晚于今天")
        later = term.sessions.filter(date__gt=on).exclude(status=SessionStatus.DISPUTED).count()
        if later:
            raise MentorshipError(f"结束日期之后还有 {later} 条指导记录，请先核对日期")
        term.status, term.actual_end, term.end_reason = status, on, reason[:200]
        term.save(update_fields=["status", "actual_end", "end_reason"])
    return term


def term_reassign(
    *, actor, term: MentorshipTerm, mentor: Worker, on: dt.date, planned_end: dt.date, reason: str
) -> MentorshipTerm:
    """Change a mentee's mentor: the running term ends (已终止) the day before `on` and a new one
    starts on `on`; the old term and its sessions stay as they were."""
    if mentor.pk == term.mentor_id:
        raise MentorshipError(f"{mentor.name}（{mentor.employee_no}）已是这个帮带期的导师，无需更换")
    if on <= term.start:
        raise MentorshipError("更换导师的日期应晚于原帮带期的开始日期")
    reason = (reason or "").strip()
    if not reason:
        raise MentorshipError("更换导师须填写原因")
    with transaction.atomic():
        term_end(
            actor=actor,
            term=term,
            status=TermStatus.ENDED,
            reason=f"更换导师：{reason}",
            on=on - dt.timedelta(days=1),
        )
        return term_create(actor=actor, mentor=mentor, mentee=term.mentee, start=on, planned_end=planned_end)


# --- import_mentorships ----------------------------------------------------------------------------

IMPORT_COLUMNS = ["导师工号", "徒弟工号", "开始日期", "计划结束日期"]


@dataclass
class TermImportSummary:
    created: int
    unchanged: int

    def __str__(self) -> str:
        return f"导入完成：新建帮带期 {self.created} 个，已存在未变 {self.unchanged} 个"


def terms_import(*, rows: list[Row], actor=None) -> TermImportSummary:
    """The rows of an `import_mentorships` file, all or nothing (docs/imports.md). A page passes the
    uploader as `actor`, who may only pair mentees of their subtree; the command passes None."""
    errors = RowErrors()
    numbers = {r.get(c) for r in rows for c in ("导师工号", "徒弟工号") if r.get(c)}
    with transaction.atomic():
        workers = {
            w.employee_no: w for w in Worker.objects.filter(employee_no__in=numbers).select_related("user", "org_unit")
        }
        _lock(*workers.values())
        pending: list[tuple[int, int, dt.date, dt.date]] = []
        seen: set[tuple] = set()
        created = unchanged = 0
        for row in rows:
            reasons = []
            mentor, mentee = workers.get(row.get("导师工号")), workers.get(row.get("徒弟工号"))
            for column, worker in (("导师工号", mentor), ("徒弟工号", mentee)):
                if not row.get(column):
                    reasons.append(f"{column}不能为空")
                elif worker is None:
                    reasons.append(f"{column}“{row.get(column)}”不存在")
            if mentee is not None and actor is not None and not _may_manage(actor, mentee):
                reasons.append(f"徒弟“{mentee.employee_no}”不在您的管理范围内")
            dates = {}
            for column in ("开始日期", "计划结束日期"):
                try:
                    dates[column] = parse_date(row.get(column))
                except ValueError:
                    reasons.append(f"{column}“{row.get(column)}”不是有效日期")
            if reasons:
                errors.add(row.number, "；".join(reasons))
                continue
            start, planned_end = dates["开始日期"], dates["计划结束日期"]
            key = (mentor.pk, mentee.pk, start, planned_end)
            if (
                key in seen
                or MentorshipTerm.objects.filter(
                    mentor=mentor, mentee=mentee, start=start, planned_end=planned_end
                ).exists()
            ):
                unchanged += 1
                continue
            problems = term_errors(mentor=mentor, mentee=mentee, start=start, planned_end=planned_end, others=pending)
            if problems:
                errors.add(row.number, "；".join(problems))
                continue
            seen.add(key)
            pending.append(key)
        if errors:
            raise ImportRejected(errors)
        for mentor_id, mentee_id, start, planned_end in pending:
            MentorshipTerm.objects.create(
                mentor_id=mentor_id,
                mentee_id=mentee_id,
                start=start,
                planned_end=planned_end,
                created_by=actor if getattr(actor, "pk", None) else None,
            )
            created += 1
    return TermImportSummary(created=created, unchanged=unchanged)


# --- guidance sessions -----------------------------------------------------------------------------


def session_log(
    *,
    mentor_user,
    mentee: Worker,
    date: dt.date,
    type: str,
    minutes: int,
    place: str,
    indicators: list[str] = (),
    notes: str = "",
    photo=None,
) -> GuidanceSession:
    """A mentor logs a session with their own mentee (a running term); it waits for the mentee's
    confirmation. Raises LookupError when `mentee` is not the user's mentee (→ 404)."""
    from assessments.selectors import active_indicators

    mentor = worker_of(mentor_user)
    if mentor is None:
        raise LookupError("不是您的徒弟")
    terms = list(MentorshipTerm.objects.filter(mentor=mentor, mentee=mentee, status=TermStatus.ACTIVE))
    if not terms:
        raise LookupError("不是您的徒弟")
    if date > timezone.localdate():
        raise MentorshipError("日期不能晚于今天")
    term = next((t for t in terms if t.covers(date)), None)
    if term is None:
        spans = "、".join(f"{t.start:%Y-%m-%d} 至 {t.end:%Y-%m-%d}" for t in terms)
        raise MentorshipError(f"日期不在帮带期内（{spans}）")
    if type not in SessionType.values:
        raise MentorshipError(f"类型应为：{'、'.join(SessionType.values)}")
    if not 1 <= int(minutes) <= 720:
        raise MentorshipError("时长应在 1 到 720 分钟之间")
    place = (place or "").strip()
    if not place:
        raise MentorshipError("请填写地点")
    known = [i.code for i in active_indicators()]
    unknown = [c for c in indicators if c not in known]
    if unknown:
        raise MentorshipError(f"未知的能力指标：{'、'.join(unknown)}")
    codes = [c for c in known if c in set(indicators)]
    with transaction.atomic():
        session = GuidanceSession(
            term=term, date=date, type=type, minutes=int(minutes), place=place[:100], indicators=codes, notes=notes
        )
        if photo is not None:
            session.photo.save(photo.name, photo, save=False)
        session.save()
    return session


def session_confirm(*, user, session: GuidanceSession) -> GuidanceSession:
    """The mentee confirms a pending session (again: no change). Raises LookupError for anyone else."""
    with transaction.atomic():
        session = GuidanceSession.objects.select_for_update().select_related("term").get(pk=session.pk)
        if session.term.mentee_id != getattr(worker_of(user), "pk", None):
            raise LookupError("未找到该指导记录")
        if session.status == SessionStatus.CONFIRMED:
            return session
        if session.status != SessionStatus.PENDING:
            raise MentorshipError("已提出异议的记录不能再确认")
        session.status, session.confirmed_at = SessionStatus.CONFIRMED, timezone.now()
        session.save(update_fields=["status", "confirmed_at"])
    return session


def session_dispute(*, user, session: GuidanceSession, reason: str) -> GuidanceSession:
    """The mentee disputes a pending session with a reason; the trainers over the mentee hear of it."""
    reason = (reason or "").strip()
    if not reason:
        raise MentorshipError("请填写异议原因")
    with transaction.atomic():
        session = (
            GuidanceSession.objects.select_for_update()
            .select_related("term__mentee", "term__mentor")
            .get(pk=session.pk)
        )
        if session.term.mentee_id != getattr(worker_of(user), "pk", None):
            raise LookupError("未找到该指导记录")
        if session.status != SessionStatus.PENDING:
            raise MentorshipError(f"该记录的状态是“{session.status}”，不能再提出异议")
        session.status, session.dispute_reason = SessionStatus.DISPUTED, reason[:200]
        session.save(update_fields=["status", "dispute_reason"])
        term = session.term
        url = reverse("mentorship:session", args=[session.pk])
        for trainer in selectors.trainers_over(term.mentee):
            notification_send(
                recipient=trainer.user,
                title=f"指导记录有异议：{term.mentee.name}",
                body=f"{term.mentee.name}对导师{term.mentor.name} {session.date:%Y-%m-%d} 的{session.type}记录提出异议：{reason}",
                url=url,
                dedupe_key=f"mentorship-dispute-{session.pk}",
            )
    return session


def session_rate(*, user, session: GuidanceSession, ratings: dict[str, int], comment: str = "") -> GuidanceSession:
    """The mentor rates the mentee 1–5 stars on indicators practised in the session, once: an
    Observation (assessments.services.observation_record) whose ratings become 观察 evidence of
    stars × 20 dated the session's day (docs/rules.md, 7 and 12)."""
    from assessments.services.observations import ObservationRefused, observation_record

    if session.term.mentor_id != getattr(worker_of(user), "pk", None):
        raise LookupError("未找到该指导记录")
    if not ratings:
        raise MentorshipError("请至少给一个能力指标打星")
    for code, stars in ratings.items():
        if code not in session.indicators:
            raise MentorshipError(f"指标 {code} 不是本次练习的指标")
        if not isinstance(stars, int) or not 1 <= stars <= 5:
            raise MentorshipError(f"指标 {code} 的星级应为 1–5")
    with transaction.atomic():
        session = GuidanceSession.objects.select_for_update().select_related("term__mentee").get(pk=session.pk)
        if session.rated_at is not None:
            raise MentorshipError("这次指导已经评价过")
        try:
            observation_record(
                rater=user,
                worker=session.term.mentee,
                observed_on=session.date,
                ratings=ratings,
                comment=comment,
                context=session,
            )
        except ObservationRefused as exc:
            raise MentorshipError(str(exc)) from None
        except PermissionError:  # the term has ended: the mentee is no longer in the mentor's view
            raise MentorshipError("帮带期已结束，不能再评价") from None
        session.rated_at = timezone.now()
        session.save(update_fields=["rated_at"])
    return session


# --- reminders (docs/rules.md 12, 提醒) --------------------------------------------------------------

BEHIND_FROM_DAY = 20  # from the 20th, mentors behind the visits due by then hear of it
UNCONFIRMED_AFTER_DAYS = 3  # a session still 待确认 more than 3 days after it was logged
SIGNOFF_NOTICE_DAYS = 14  # a term this many days (or fewer) from its planned end without a proposal


def reminders_send(*, today: dt.date | None = None) -> dict[str, int]:
    """The three mentorship reminders as in-app messages; each reaches its recipient once (dedupe
    keys), so running again the same day or the next sends nothing new."""
    today = today or timezone.localdate()
    sent = {"behind": 0, "unconfirmed": 0, "signoff": 0}

    if today.day >= BEHIND_FROM_DAY:
        month, due_by = today.replace(day=1), today.replace(day=BEHIND_FROM_DAY)
        behind: dict[int, list[selectors.ComplianceRow]] = {}
        for row in selectors.visits_due_rows(month, due_by):
            if not row.met:
                behind.setdefault(row.term.mentor_id, []).append(row)
        for rows in behind.values():
            mentor = rows[0].term.mentor
            if not mentor.user.is_active:
                continue
            names = "、".join(f"{r.term.mentee.name}（已确认 {r.confirmed_visits} / 应 {r.required}）" for r in rows)
            if notification_send(
                recipient=mentor.user,
                title=f"{month:%m月}入户走访未达进度：{len(rows)} 名徒弟",
                body=f"截至 {due_by:%m月%d日} 应完成的入户走访：{names}。只计徒弟已确认的入户走访。",
                url=reverse("mentorship:compliance"),
                dedupe_key=f"mentorship-behind-{mentor.pk}-{month:%Y%m}",
            ):
                sent["behind"] += 1

    midnight = timezone.make_aware(dt.datetime.combine(today - dt.timedelta(days=UNCONFIRMED_AFTER_DAYS), dt.time.min))
    stale: dict[int, list[GuidanceSession]] = {}
    for session in (
        GuidanceSession.objects.filter(status=SessionStatus.PENDING, created_at__lt=midnight)
        .select_related("term__mentee__user", "term__mentor")
        .order_by("pk")
    ):
        stale.setdefault(session.term.mentee_id, []).append(session)
    for sessions in stale.values():
        mentee = sessions[0].term.mentee
        if not mentee.user.is_active:
            continue
        listed = "、".join(f"{s.date:%m月%d日}{s.type}（导师{s.term.mentor.name}）" for s in sessions[:5])
        if notification_send(
            recipient=mentee.user,
            title=f"有 {len(sessions)} 条指导记录等您确认",
            body=f"{listed}{' 等' if len(sessions) > 5 else ''}已记录超过 {UNCONFIRMED_AFTER_DAYS} 天，请确认或提出异议。",
            url=reverse("mentorship:index"),
            dedupe_key=f"mentorship-unconfirmed-{mentee.pk}-{sessions[-1].pk}",
        ):
            sent["unconfirmed"] += 1

    pending = SignOff.objects.filter(status=SignOffStatus.PENDING).values("term_id")
    for term in (
        MentorshipTerm.objects.filter(
            status=TermStatus.ACTIVE,
            start__lte=today,
            planned_end__gte=today,
            planned_end__lte=today + dt.timedelta(days=SIGNOFF_NOTICE_DAYS),
        )
        .exclude(pk__in=pending)
        .select_related("mentor__user", "mentee")
    ):
        if not term.mentor.user.is_active:
            continue
        if notification_send(
            recipient=term.mentor.user,
            title=f"{term.mentee.name}的帮带期将于 {term.planned_end:%m月%d日} 结束",
            body="还没有提出出师申请。徒弟可以独立上岗时，请写一段评估并提交，由培训管理员审核。",
            url=reverse("mentorship:signoff_new", args=[term.pk]),
            dedupe_key=f"mentorship-signoff-due-{term.pk}-{term.planned_end:%Y%m%d}",
        ):
            sent["signoff"] += 1
    return sent


# --- sign-off (独立上岗) -------------------------------------------------------------------------------

ASSESSMENT_MAX = 1000


def signoff_propose(*, user, term: MentorshipTerm, assessment: str) -> SignOff:
    """The term's mentor proposes that the mentee works independently, with a short assessment;
    the trainers over the mentee hear of it. Raises LookupError for anyone but the term's mentor."""
    if term.mentor_id != getattr(worker_of(user), "pk", None):
        raise LookupError("未找到该帮带期")
    assessment = (assessment or "").strip()
    if not assessment:
        raise MentorshipError("请填写对徒弟的评估")
    if len(assessment) > ASSESSMENT_MAX:
        raise MentorshipError(f"评估不能超过 {ASSESSMENT_MAX} 字")
    with transaction.atomic():
        term = MentorshipTerm.objects.select_for_update().select_related("mentee", "mentor").get(pk=term.pk)
        if term.status != TermStatus.ACTIVE:
            raise MentorshipError(f"该帮带期{term.status}，不能再申请出师")
        if term.start > timezone.localdate():
            raise MentorshipError("帮带期尚未开始，不能申请出师")
        if term.signoffs.filter(status=SignOffStatus.PENDING).exists():
            raise MentorshipError("已有一份待审核的出师申请")
        signoff = SignOff.objects.create(term=term, assessment=assessment, proposed_by=user)
        url = reverse("mentorship:signoff", args=[signoff.pk])
        for trainer in selectors.trainers_over(term.mentee):
            notification_send(
                recipient=trainer.user,
                title=f"出师申请待审核：{term.mentee.name}",
                body=f"导师{term.mentor.name}申请{term.mentee.name}独立上岗。",
                url=url,
                dedupe_key=f"mentorship-signoff-{signoff.pk}",
            )
    return signoff


def _extension_errors(term: MentorshipTerm, on: dt.date) -> list[str]:
    """Why a term may not run on to `on` (past its planned end): the mentee's other terms, the mentor's capacity."""
    others = MentorshipTerm.objects.exclude(pk=term.pk).filter(start__lte=on)
    errors = []
    for other in others.filter(mentee_id=term.mentee_id):
        if other.end >= term.start:
            errors.append(f"徒弟在 {other.start:%Y-%m-%d} 起已有其他帮带期")
            break
    spans = [(t.start, t.end) for t in others.filter(mentor_id=term.mentor_id)]
    load, day = selectors.peak_load(spans, term.planned_end + dt.timedelta(days=1), on)
    if load >= settings.MENTOR_CAPACITY:
        errors.append(f"导师在 {day:%Y-%m-%d} 已带 {load} 名其他徒弟")
    return errors


def signoff_decide(*, user, signoff: SignOff, approve: bool, reason: str = "") -> SignOff:
    """A trainer of the mentee's subtree approves (the term ends 已出师 today; mentee and mentor are
    told) or returns the proposal with a reason (the mentor is told). LookupError for anyone else."""
    if not selectors.may_decide_signoff(user, signoff.term.mentee):
        raise LookupError("未找到该出师申请")
    reason = (reason or "").strip()
    if not approve and not reason:
        raise MentorshipError("退回须填写原因")
    today = timezone.localdate()
    with transaction.atomic():
        signoff = SignOff.objects.select_for_update().get(pk=signoff.pk)
        term = (
            MentorshipTerm.objects.select_for_update()
            .select_related("mentor__user", "mentee__user")
            .get(pk=signoff.term_id)
        )
        if signoff.status != SignOffStatus.PENDING:
            raise MentorshipError(f"该出师申请{signoff.status}")
        signoff.decided_by, signoff.decided_at = user, timezone.now()
        if approve:
            if term.status != TermStatus.ACTIVE:
                raise MentorshipError(f"该帮带期{term.status}")
            if today > term.planned_end:
                problems = _extension_errors(term, today)
                if problems:
                    raise MentorshipError("帮带期已过计划结束日期，不能延至今天出师：" + "；".join(problems))
            term.status, term.actual_end, term.end_reason = TermStatus.GRADUATED, today, "出师（独立上岗）"
            term.save(update_fields=["status", "actual_end", "end_reason"])
            signoff.status, signoff.signed_off_on = SignOffStatus.APPROVED, today
            signoff.save(update_fields=["status", "signed_off_on", "decided_by", "decided_at"])
            notification_send(
                recipient=term.mentee.user,
                title="恭喜出师，可以独立上岗",
                body=f"您与导师{term.mentor.name}的帮带期于 {today:%Y年%m月%d日} 结束。欢迎给导师写一句评价。",
                url=reverse("mentorship:feedback_new", args=[term.pk]),
                dedupe_key=f"mentorship-signoff-approved-{signoff.pk}-mentee",
            )
            notification_send(
                recipient=term.mentor.user,
                title=f"出师申请已通过：{term.mentee.name}",
                body=f"{term.mentee.name}于 {today:%Y年%m月%d日} 出师，帮带期结束。",
                url=reverse("mentorship:signoff", args=[signoff.pk]),
                dedupe_key=f"mentorship-signoff-approved-{signoff.pk}-mentor",
            )
        else:
            signoff.status, signoff.return_reason = SignOffStatus.RETURNED, reason[:200]
            signoff.save(update_fields=["status", "return_reason", "decided_by", "decided_at"])
            notification_send(
                recipient=term.mentor.user,
                title=f"出师申请被退回：{term.mentee.name}",
                body=f"退回原因：{reason[:200]}。帮带继续，可以再次申请。",
                url=reverse("mentorship:signoff", args=[signoff.pk]),
                dedupe_key=f"mentorship-signoff-returned-{signoff.pk}",
            )
    return signoff


# --- the mentee's feedback on the mentor ------------------------------------------------------------

COMMENT_MAX = 500


def feedback_submit(*, user, term: MentorshipTerm, stars: int, comment: str = "") -> MentorFeedback:
    """The mentee rates the mentor 1–5 stars with a comment, once per term, after the term ended.
    Raises LookupError for anyone but the term's mentee."""
    if term.mentee_id != getattr(worker_of(user), "pk", None):
        raise LookupError("未找到该帮带期")
    if term.status == TermStatus.ACTIVE:
        raise MentorshipError("帮带期结束后才能评价导师")
    if not isinstance(stars, int) or isinstance(stars, bool) or not 1 <= stars <= 5:
        raise MentorshipError("星级应为 1–5")
    comment = (comment or "").strip()
    if len(comment) > COMMENT_MAX:
        raise MentorshipError(f"意见不能超过 {COMMENT_MAX} 字")
    if MentorFeedback.objects.filter(term=term).exists():
        raise MentorshipError("这个帮带期已经评价过导师")
    try:
        with transaction.atomic():
            return MentorFeedback.objects.create(term=term, stars=stars, comment=comment)
    except IntegrityError:  # a second submission raced the first
        raise MentorshipError("这个帮带期已经评价过导师") from None


# --- 优秀导师 honours ---------------------------------------------------------------------------------


def honour_label(year: int) -> str:
    return f"{year}年度优秀导师"


def honours_issue(*, user, year: int, employee_nos: list[str], issued_on: dt.date | None = None):
    """HR issues HONOR certificates to mentors picked from the year's 优秀导师 list, as one bulk
    issuance job (certificates.services.issuance_job_create). Refuses, writing nothing, when a
    number is not on the viewer's list or the mentor already holds (or is queued for) this year's
    honour. PermissionError for anyone but HR."""
    from certificates.exports import may_export as is_hr
    from certificates.models import Certificate, IssuanceJob
    from certificates.services import CertificateError, issuance_job_create

    if not is_hr(user):
        raise PermissionError("只有人事可以颁发荣誉证书")
    numbers = list(dict.fromkeys(n.strip() for n in employee_nos if n and n.strip()))
    if not numbers:
        raise MentorshipError("请至少选择一名导师")
    listed = {r.worker.employee_no: r.worker for r in selectors.excellent_mentors(user, year)}
    missing = [n for n in numbers if n not in listed]
    if missing:
        raise MentorshipError(f"以下工号不在{year}年度优秀导师名单中：{'、'.join(missing)}")
    workers = [listed[n] for n in numbers]
    label = honour_label(year)
    held = set(
        Certificate.objects.filter(
            certificate_type__code="HONOR", source_label=label, worker__in=workers, revoked_on__isnull=True
        ).values_list("worker_id", flat=True)
    )
    for job in IssuanceJob.objects.filter(source_label=label, certificate_type__code="HONOR").exclude(
        status=IssuanceJob.Status.FAILED
    ):
        held |= set(job.worker_ids)
    already = [w for w in workers if w.pk in held]
    if already:
        names = "、".join(f"{w.name}（{w.employee_no}）" for w in already)
        raise MentorshipError(f"{names} 已颁发过{label}荣誉证书")
    try:
        return issuance_job_create(
            title=label,
            type_code="HONOR",
            issued_on=issued_on or timezone.localdate(),
            workers=workers,
            source_label=label,
            created_by=user,
        )
    except CertificateError as exc:
        raise MentorshipError(str(exc)) from None
