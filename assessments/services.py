"""State changes of assessments: evidence, the question bank and its versions, quiz imports,
attempts (start → autosave → submit → marking → graded), and exports."""

from __future__ import annotations

import datetime as dt
import json
import random
from dataclasses import dataclass
from decimal import Decimal

from django.db import IntegrityError, connection, transaction
from django.db.models import Model
from django.utils import timezone

from assessments import selectors
from assessments.bank_io import QuestionData, read_bank
from assessments.models import (
    Answer,
    Attempt,
    AttemptState,
    CompetencyModel,
    Evidence,
    Indicator,
    Question,
    QuestionType,
    QuestionVersion,
    Quiz,
    QuizQuestion,
)
from assessments.scoring import (
    AnswerShapeError,
    blank_count,
    plain,
    quantize,
    score_response,
    to_original_letters,
    validate_response,
)
from lms.importing import ImportRejected, RowErrors
from lms.models import AuditLog, Worker
from lms.services import audit_log_record, notification_send


class AttemptRefused(Exception):
    """The quiz cannot be started now (closed, draft, no attempts left…). Message is Chinese."""


class AttemptClosed(Exception):
    """The attempt no longer takes answers (submitted, or past the server's deadline) → HTTP 409."""


class MarkingRefused(Exception):
    """The marker may not mark this answer, or the mark is out of range."""


# --- competency evidence --------------------------------------------------------------------------


def _source_key(source) -> tuple[str, str]:
    if isinstance(source, Model):
        return f"{source._meta.app_label}.{source._meta.model_name}", str(source.pk)
    source_type, source_id = source
    return str(source_type), str(source_id)


def evidence_record(*, worker: Worker, indicator_code: str, score, occurred_on: dt.date, source) -> Evidence:
    """Record (or correct) one score 0–100 for `worker` on an indicator of the active model.

    `source` is a model instance or a `(type, id)` pair; the same source recorded again updates
    its row instead of adding another, so re-grading never double-counts.
    """
    return evidence_record_many(worker=worker, items=[(indicator_code, score, occurred_on, source)])[0]


def evidence_record_many(*, worker: Worker, items: list[tuple]) -> list[Evidence]:
    """`evidence_record` for several `(indicator_code, score, occurred_on, source)` at once
    (a graded attempt records one per answer): a handful of queries however many items."""
    if not items:
        return []
    indicators = {i.code: i for i in selectors.active_indicators()}
    prepared = []
    for indicator_code, score, occurred_on, source in items:
        score = quantize(Decimal(score))
        if not Decimal(0) <= score <= Decimal(100):
            raise ValueError("能力证据得分应在 0–100 之间")
        indicator = indicators.get(indicator_code)
        if indicator is None:
            raise ValueError(f"未知能力指标“{indicator_code}”")
        prepared.append((indicator, score, occurred_on, *_source_key(source)))
    with transaction.atomic():
        existing = {
            (e.indicator_id, e.source_type, e.source_id): e
            for e in Evidence.objects.filter(
                worker=worker, source_id__in={p[4] for p in prepared}, source_type__in={p[3] for p in prepared}
            )
        }
        result, new, changed = [], [], []
        for indicator, score, occurred_on, source_type, source_id in prepared:
            evidence = existing.get((indicator.pk, source_type, source_id))
            if evidence is None:
                evidence = Evidence(
                    worker=worker,
                    indicator=indicator,
                    score=score,
                    occurred_on=occurred_on,
                    source_type=source_type,
                    source_id=source_id,
                )
                new.append(evidence)
                existing[(indicator.pk, source_type, source_id)] = evidence
            elif evidence.score != score or evidence.occurred_on != occurred_on:
                evidence.score, evidence.occurred_on = score, occurred_on
                changed.append(evidence)
            result.append(evidence)
        Evidence.objects.bulk_create(new)
        Evidence.objects.bulk_update(changed, ["score", "occurred_on"])
    return result


def competency_defaults_ensure() -> CompetencyModel | None:
    """Create version 1 of the model with DESIGN.md's 18 indicators when no version exists.

    Migration 0002 ships the same defaults; this also runs after every migrate/flush (post_migrate),
    so a database emptied by a test flush gets them back like the role groups.
    """
    from assessments.migrations import DEFAULT_INDICATORS

    with transaction.atomic():
        if CompetencyModel.objects.exists():
            return None
        model = CompetencyModel.objects.create(
            version=1, name="网格员能力素质模型", is_active=True, note="初始版本：5 个一级指标、18 个二级指标"
        )
        Indicator.objects.bulk_create(
            Indicator(
                model=model,
                code=code,
                primary_name=primary,
                name=name,
                description=description,
                evidence_methods=methods,
                order=order,
            )
            for order, (code, primary, name, description, methods) in enumerate(DEFAULT_INDICATORS, start=1)
        )
    return model


def competency_model_new_version(*, note: str = "") -> CompetencyModel:
    """Copy the active model into a new version and activate it (edit the copy in the admin)."""
    with transaction.atomic():
        current = CompetencyModel.objects.select_for_update().filter(is_active=True).first()
        number = (CompetencyModel.objects.order_by("-version").values_list("version", flat=True).first() or 0) + 1
        if current is not None:
            CompetencyModel.objects.filter(pk=current.pk).update(is_active=False)
        new = CompetencyModel.objects.create(
            version=number, name=current.name if current else "网格员能力素质模型", is_active=True, note=note
        )
        if current is not None:
            Indicator.objects.bulk_create(
                Indicator(
                    model=new,
                    code=i.code,
                    primary_name=i.primary_name,
                    name=i.name,
                    description=i.description,
                    evidence_methods=i.evidence_methods,
                    order=i.order,
                )
                for i in current.indicators.all()
            )
    return new


# --- question bank and versions -------------------------------------------------------------------


def _content_of(obj) -> dict:
    return {name: getattr(obj, name) for name in QuestionVersion.CONTENT_FIELDS}


def _same_content(a: dict, b: dict) -> bool:
    for name in QuestionVersion.CONTENT_FIELDS:
        left, right = a.get(name), b.get(name)
        if name == "points":
            if Decimal(left or 0) != Decimal(right or 0):
                return False
        elif name == "options":
            if list((left or {}).items()) != list((right or {}).items()):
                return False
        elif (left or "") != (right or ""):
            return False
    return True


def question_version_current(*, question: Question) -> QuestionVersion:
    """The version matching the question as it reads now.

    The latest version is reused while it matches; if the question was edited, a version no
    attempt has used yet is updated in place, and a used one is kept and a new version made.
    """
    with transaction.atomic():
        latest = question.versions.order_by("-number").first()
        content = _content_of(question)
        if latest is not None and _same_content(_content_of(latest), content):
            return latest
        if latest is not None and not latest.answers.exists():
            for name, value in content.items():
                setattr(latest, name, value)
            latest.save(update_fields=list(content))
            return latest
        return QuestionVersion.objects.create(question=question, number=(latest.number + 1) if latest else 1, **content)


def question_save(*, question: Question | None = None, **content) -> tuple[Question, bool]:
    """Create a question, or change one; returns (question, changed). Unchanged content writes nothing."""
    with transaction.atomic():
        if question is None:
            question = Question.objects.create(**content)
            question_version_current(question=question)
            return question, True
        merged = {**_content_of(question), **content}
        if _same_content(_content_of(question), merged):
            return question, False
        for name, value in content.items():
            setattr(question, name, value)
        question.updated_at = timezone.now()
        question.save()
        question_version_current(question=question)
        return question, True


@dataclass
class QuestionImportSummary:
    quiz: Quiz
    quiz_created: bool = False
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    removed: int = 0

    def __str__(self) -> str:
        head = "新建测验" if self.quiz_created else "更新测验"
        return (
            f"{head}“{self.quiz.title}”：新增 {self.created} 题，修改 {self.updated} 题，"
            f"未变化 {self.unchanged} 题，移出 {self.removed} 题"
        )


def questions_validate(*, records: list[QuestionData], errors: RowErrors) -> None:
    """Database-dependent checks: indicator codes exist; no question appears twice in the file."""
    codes = selectors.indicator_codes()
    first_row: dict[tuple[str, str], int] = {}
    for record in records:
        if record.indicator_code and record.indicator_code not in codes:
            errors.add(record.number, f"未知能力指标“{record.indicator_code}”（应为 1.1–5.2 中的编码）")
        key = (record.qtype, record.stem)
        if key in first_row:
            errors.add(record.number, f"与第{first_row[key]}行是同一道题（题型和题干相同）")
        else:
            first_row[key] = record.number


def questions_import(*, path, quiz_title: str, actor=None) -> QuestionImportSummary:
    """Create or update quiz `quiz_title` so it holds exactly the file's questions in file order.

    All rows are checked first; any bad row → ImportRejected and nothing is written. A question
    already in the quiz is matched by 题型 + 题干 and updated in place (a new version only if an
    attempt used it); running the same file again changes nothing.
    """
    quiz_title = (quiz_title or "").strip()
    if not quiz_title:
        raise ImportRejected(["请用 --quiz 指定测验名称"])
    records, errors = read_bank(path)
    questions_validate(records=records, errors=errors)
    if errors:
        raise ImportRejected(errors)
    if not records:
        raise ImportRejected(["文件中没有试题"])
    with transaction.atomic():
        quiz, quiz_created = Quiz.objects.get_or_create(title=quiz_title)
        summary = QuestionImportSummary(quiz=quiz, quiz_created=quiz_created)
        slots = list(QuizQuestion.objects.filter(quiz=quiz).select_related("question").order_by("order", "id"))
        by_key = {(s.question.qtype, s.question.stem): s.question for s in slots}
        wanted: list[Question] = []
        for record in records:
            existing = by_key.get((record.qtype, record.stem))
            if existing is None:
                question, _ = question_save(**record.content())
                summary.created += 1
            else:
                question, changed = question_save(question=existing, **record.content())
                if changed:
                    summary.updated += 1
                else:
                    summary.unchanged += 1
            wanted.append(question)
        current_order = [s.question_id for s in slots]
        wanted_order = [q.pk for q in wanted]
        if current_order != wanted_order:
            keep = set(wanted_order)
            removed = [s.pk for s in slots if s.question_id not in keep]
            summary.removed = len(removed)
            QuizQuestion.objects.filter(pk__in=removed).delete()
            by_question = {s.question_id: s for s in slots if s.question_id in keep}
            for order, question_id in enumerate(wanted_order, start=1):
                slot = by_question.get(question_id)
                if slot is None:
                    QuizQuestion.objects.create(quiz=quiz, question_id=question_id, order=order)
                elif slot.order != order:
                    QuizQuestion.objects.filter(pk=slot.pk).update(order=order)
        if quiz_created or summary.created or summary.updated or summary.removed or current_order != wanted_order:
            audit_log_record(
                actor=actor,
                action=AuditLog.Action.IMPORT,
                target_type="quiz",
                target_id=quiz.pk,
                detail={"created": summary.created, "updated": summary.updated, "removed": summary.removed},
            )
    return summary


def quiz_export_bank(*, quiz: Quiz, target, fmt: str) -> list[str]:
    """Write the quiz's fixed questions to `target` as 'xlsx' (path/stream) or 'gift' (path).

    Returns notes on questions the format could not hold (multi-blank 填空 in GIFT).
    """
    from assessments.bank_io import write_gift, write_xlsx

    questions = [slot.question for slot in quiz.slots.select_related("question").order_by("order", "id")]
    if fmt == "xlsx":
        write_xlsx(questions, target)
        return []
    if fmt == "gift":
        text, notes = write_gift(questions)
        if hasattr(target, "write"):
            target.write(text.encode("utf-8") if "b" in getattr(target, "mode", "b") else text)
        else:
            with open(target, "w", encoding="utf-8") as handle:
                handle.write(text)
        return notes
    raise ValueError("导出格式应为 xlsx 或 gift")


# --- attempts -------------------------------------------------------------------------------------


def _deadline_for(quiz: Quiz, started: dt.datetime) -> dt.datetime | None:
    deadline = started + dt.timedelta(minutes=quiz.time_limit_minutes) if quiz.time_limit_minutes else None
    if quiz.closes_at is not None and (deadline is None or quiz.closes_at < deadline):
        deadline = quiz.closes_at
    return deadline


def _draw_questions(quiz: Quiz, rng: random.Random) -> list[Question]:
    chosen: list[Question] = [slot.question for slot in quiz.slots.select_related("question").order_by("order", "id")]
    taken = {q.pk for q in chosen}
    for rule in quiz.draw_rules.order_by("order", "id"):
        pool = Question.objects.exclude(pk__in=taken)
        if rule.category:
            pool = pool.filter(category=rule.category)
        if rule.difficulty:
            pool = pool.filter(difficulty=rule.difficulty)
        if rule.indicator_code:
            pool = pool.filter(indicator_code=rule.indicator_code)
        ids = list(pool.values_list("pk", flat=True))
        picked = rng.sample(ids, min(rule.count, len(ids)))
        for question in Question.objects.filter(pk__in=picked):
            chosen.append(question)
            taken.add(question.pk)
    if quiz.shuffle_questions:
        rng.shuffle(chosen)
    if quiz.max_questions:
        chosen = chosen[: quiz.max_questions]
    return chosen


def attempt_start(*, quiz: Quiz, worker: Worker, now: dt.datetime | None = None, seed: int | None = None) -> Attempt:
    """Start an attempt, or resume the open one. The question order is frozen here.

    The worker's row is locked for the check-and-create, and the database allows one open attempt
    per person and quiz, so two simultaneous starts of a single-attempt quiz make one attempt.
    """
    now = now or timezone.now()
    problem = selectors.quiz_unavailable_reason(quiz, worker, now=now)
    if problem:
        raise AttemptRefused(problem)
    try:
        with transaction.atomic():
            list(Worker.objects.select_for_update().filter(pk=worker.pk).values_list("pk", flat=True))
            existing = Attempt.objects.filter(quiz=quiz, worker=worker)
            open_attempt = existing.filter(state=AttemptState.IN_PROGRESS).first()
            if open_attempt is not None:
                if open_attempt.deadline is None or open_attempt.deadline > now:
                    return open_attempt
                attempt_submit(attempt=open_attempt, now=now, auto=True)  # past its deadline: close it first
            used = existing.count()
            if quiz.attempts_allowed is not None and used >= quiz.attempts_allowed:
                raise AttemptRefused("已达到本测验允许的作答次数")
            rng = random.Random(seed)
            questions = _draw_questions(quiz, rng)
            if not questions:
                raise AttemptRefused("本测验还没有试题")
            latest: dict[int, QuestionVersion] = {}
            for candidate in QuestionVersion.objects.filter(question__in=questions).order_by("question_id", "-number"):
                latest.setdefault(candidate.question_id, candidate)
            frozen = []
            for question in questions:
                version = latest.get(question.pk)
                if version is None or not _same_content(_content_of(version), _content_of(question)):
                    version = question_version_current(question=question)
                option_map = {}
                if quiz.shuffle_options and version.qtype in (QuestionType.SINGLE, QuestionType.MULTI):
                    originals = list(version.options)
                    shuffled = originals[:]
                    rng.shuffle(shuffled)
                    option_map = dict(zip(originals, shuffled, strict=True))  # shown letter → own letter
                frozen.append((question, version, option_map))
            attempt = Attempt.objects.create(
                quiz=quiz,
                worker=worker,
                number=used + 1,
                started_at=now,
                deadline=_deadline_for(quiz, now),
                max_score=sum((version.points for _, version, _ in frozen), Decimal(0)),
            )
            Answer.objects.bulk_create(
                Answer(attempt=attempt, question=question, version=version, position=position, option_map=option_map)
                for position, (question, version, option_map) in enumerate(frozen, start=1)
            )
            return attempt
    except IntegrityError:
        # A simultaneous start won the race on the one-open-attempt constraint: use its attempt.
        winner = Attempt.objects.filter(quiz=quiz, worker=worker, state=AttemptState.IN_PROGRESS).first()
        if winner is None:
            raise AttemptRefused("已达到本测验允许的作答次数") from None
        return winner


def shown_options(answer: Answer) -> dict[str, str]:
    """The options as this attempt shows them (shuffled if the quiz says so)."""
    options = answer.version.options or {}
    if not answer.option_map:
        return dict(options)
    return {shown: options[own] for shown, own in answer.option_map.items()}


def answer_save(*, answer: Answer, response, flagged: bool | None = None, now: dt.datetime | None = None) -> Answer:
    """Autosave one response (see `answer_autosave`); returns the answer as saved."""
    attempt = answer.attempt
    version = answer.version
    target = selectors.AutosaveTarget(
        answer_id=answer.pk,
        attempt_id=attempt.pk,
        state=attempt.state,
        deadline=attempt.deadline,
        qtype=version.qtype,
        options=version.options,
        answer_key=version.answer,
        option_map=answer.option_map,
    )
    answer_autosave(target=target, response=response, flagged=flagged, now=now)
    answer.response = target.response
    answer.saved_at = target.saved_at
    if flagged is not None:
        answer.flagged = bool(flagged)
    return answer


def answer_autosave(
    *, target: selectors.AutosaveTarget, response, flagged: bool | None = None, now: dt.datetime | None = None
) -> selectors.AutosaveTarget:
    """Store one response of an open attempt.

    Refused with AttemptClosed once submitted or past the server's deadline; a response of the
    wrong shape raises AnswerShapeError. The write is a single UPDATE that only succeeds while the
    attempt is still open; on PostgreSQL it holds a share lock on the attempt row, so a submit
    (which locks that row for update) is ordered either wholly before or wholly after it — no save
    can slip in between grading and commit.
    """
    now = now or timezone.now()
    if target.state != AttemptState.IN_PROGRESS:
        raise AttemptClosed("本次作答已提交，不能再修改答案")
    if target.deadline is not None and now > target.deadline:
        raise AttemptClosed("已超过作答截止时间，答案未保存")
    value = validate_response(
        qtype=target.qtype,
        shown_letters="".join(target.option_map or target.options),
        blanks=blank_count(target.answer_key) if target.qtype == QuestionType.BLANK else 0,
        response=response,
    )
    postgres = connection.vendor == "postgresql"
    assignments = ["response = %s" + ("::jsonb" if postgres else ""), "saved_at = %s"]
    params: list = [None if value is None else json.dumps(value, ensure_ascii=False), now]
    if flagged is not None:
        assignments.append("flagged = %s")
        params.append(bool(flagged))
    lock = " FOR SHARE" if postgres else ""
    sql = (
        f"UPDATE assessments_answer SET {', '.join(assignments)} WHERE id = %s AND EXISTS ("
        f"SELECT 1 FROM assessments_attempt WHERE id = %s AND state = %s{lock})"
    )
    with transaction.atomic():
        with connection.cursor() as cursor:
            cursor.execute(sql, [*params, target.answer_id, target.attempt_id, AttemptState.IN_PROGRESS.value])
            updated = cursor.rowcount
    if not updated:
        raise AttemptClosed("本次作答已提交，不能再修改答案")
    target.response = value
    target.saved_at = now
    if flagged is not None:
        target.flagged = bool(flagged)
    return target


def answer_flag(*, target: selectors.AutosaveTarget, flagged: bool) -> None:
    """Mark or unmark a question for review (the navigator's flag) while the attempt is open."""
    if target.state != AttemptState.IN_PROGRESS:
        raise AttemptClosed("本次作答已提交，不能再修改")
    with transaction.atomic():
        updated = Answer.objects.filter(pk=target.answer_id, attempt__state=AttemptState.IN_PROGRESS).update(
            flagged=bool(flagged)
        )
    if not updated:
        raise AttemptClosed("本次作答已提交，不能再修改")
    target.flagged = bool(flagged)


def _grade_auto(attempt: Attempt) -> bool:
    """Score every automatically marked answer; returns whether any 简答 awaits a person."""
    pending = False
    changed: list[Answer] = []
    for answer in attempt.answers.select_related("version"):
        version = answer.version
        if version.qtype == QuestionType.ESSAY:
            if answer.score is None:
                pending = True
            continue
        response = answer.response
        if version.qtype in (QuestionType.SINGLE, QuestionType.MULTI) and isinstance(response, str):
            response = to_original_letters(response, answer.option_map)
        score = score_response(
            qtype=version.qtype,
            answer=version.answer,
            points=version.points,
            response=response,
            partial_credit=attempt.quiz.multi_partial_credit,
        )
        if answer.score != score:
            answer.score = score
            changed.append(answer)
    Answer.objects.bulk_update(changed, ["score"])
    return pending


def _finish_grading(attempt: Attempt, now: dt.datetime) -> None:
    answers = list(attempt.answers.select_related("version"))
    total = sum((a.score or Decimal(0) for a in answers), Decimal(0))
    attempt.score = quantize(total)
    attempt.state = AttemptState.GRADED
    attempt.graded_at = now
    pass_mark = attempt.quiz.pass_mark_percent
    attempt.passed = bool(attempt.max_score) and attempt.score * 100 >= pass_mark * attempt.max_score
    attempt.save(update_fields=["score", "state", "graded_at", "passed"])
    occurred_on = timezone.localdate(attempt.submitted_at or now)
    evidence_record_many(
        worker=attempt.worker,
        items=[
            (answer.version.indicator_code, answer.score * 100 / answer.version.points, occurred_on, answer)
            for answer in answers
            if answer.version.indicator_code and answer.score is not None and answer.version.points
        ],
    )
    from assessments.hooks import attempt_graded

    attempt_graded(attempt)


def attempt_submit(*, attempt: Attempt, now: dt.datetime | None = None, auto: bool = False) -> Attempt:
    """Submit and grade. Submitting again returns the attempt as graded the first time."""
    now = now or timezone.now()
    with transaction.atomic():
        locked = Attempt.objects.select_for_update().select_related("quiz", "worker").get(pk=attempt.pk)
        if locked.state != AttemptState.IN_PROGRESS:
            return locked
        locked.state = AttemptState.SUBMITTED
        locked.submitted_at = now if locked.deadline is None or now <= locked.deadline else locked.deadline
        locked.auto_closed = auto
        locked.save(update_fields=["state", "submitted_at", "auto_closed"])
        pending = _grade_auto(locked)
        if pending:
            locked.state = AttemptState.PENDING_MARKING
            locked.save(update_fields=["state"])
        else:
            _finish_grading(locked, now)
    return locked


def attempts_close_overdue(*, now: dt.datetime | None = None) -> int:
    """Submit every open attempt past its deadline, grading what was saved (run by Celery beat)."""
    now = now or timezone.now()
    ids = list(Attempt.objects.filter(state=AttemptState.IN_PROGRESS, deadline__lt=now).values_list("pk", flat=True))
    for attempt in Attempt.objects.filter(pk__in=ids):
        attempt_submit(attempt=attempt, now=now, auto=True)
    return len(ids)


def answer_mark(*, answer: Answer, marker, score, comment: str = "", now: dt.datetime | None = None) -> Answer:
    """A trainer or judge marks one 简答 answer; the attempt is graded when its last one is marked."""
    now = now or timezone.now()
    if not selectors.may_mark(marker, answer):
        raise MarkingRefused("无权批阅这道题")
    try:
        score = Decimal(str(score))
    except Exception:
        raise MarkingRefused("得分应为数字") from None
    if not score.is_finite() or score < 0 or score > answer.version.points:
        raise MarkingRefused(f"得分应在 0 到 {plain(answer.version.points)} 之间")
    if score != score.quantize(Decimal("0.01")):
        raise MarkingRefused("得分最多两位小数")
    with transaction.atomic():
        attempt = Attempt.objects.select_for_update().select_related("quiz", "worker__user").get(pk=answer.attempt_id)
        if attempt.state not in (AttemptState.PENDING_MARKING, AttemptState.GRADED):
            raise MarkingRefused("该作答尚未提交")
        answer.score = score
        answer.comment = comment
        answer.marker = marker
        answer.marked_at = now
        answer.save(update_fields=["score", "comment", "marker", "marked_at"])
        still_open = attempt.answers.filter(version__qtype=QuestionType.ESSAY, score__isnull=True).exists()
        if not still_open:
            _finish_grading(attempt, now)
            notification_send(
                recipient=attempt.worker.user,
                title=f"“{attempt.quiz.title}”已阅卷，得分 {plain(attempt.score)} / {plain(attempt.max_score)}",
                url=f"/attempts/{attempt.pk}/",
                dedupe_key=f"attempt-graded-{attempt.pk}-{now.timestamp():.0f}",
            )
    return answer


def quiz_results_export(*, actor, quiz: Quiz, target, progress=None, record_audit=None) -> int:
    """Write the results the actor may see to XLSX; logs the export. Returns the row count.

    `progress(done, total)` follows the rows; `record_audit` stands in for `audit_log_record` (an
    export job keeps the row until the file is downloaded).
    """
    from openpyxl import Workbook

    attempts = (
        selectors.quiz_attempts_visible(actor, quiz)
        .select_related("worker__org_unit")
        .order_by("worker__org_unit__path", "worker__employee_no", "number")
    )
    total = attempts.count() if progress is not None else 0
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("成绩")
    sheet.append(
        ["工号", "姓名", "所属网格", "第几次", "状态", "开始时间", "提交时间", "得分", "满分", "得分率(%)", "是否通过"]
    )
    count = 0
    for attempt in attempts.iterator(chunk_size=500):
        local = lambda value: timezone.localtime(value).strftime("%Y-%m-%d %H:%M") if value else ""  # noqa: E731
        sheet.append(
            [
                attempt.worker.employee_no,
                attempt.worker.name,
                attempt.worker.org_unit.full_name,
                attempt.number,
                attempt.get_state_display(),
                local(attempt.started_at),
                local(attempt.submitted_at),
                attempt.score,
                attempt.max_score,
                attempt.percent,
                "" if attempt.passed is None else ("通过" if attempt.passed else "未通过"),
            ]
        )
        count += 1
        if progress is not None:
            progress(count, max(total, count))
    workbook.save(target)
    if progress is not None:
        progress(count, count)
    (record_audit or audit_log_record)(
        actor=actor,
        action=AuditLog.Action.EXPORT,
        target_type="quiz_results",
        target_id=quiz.pk,
        detail={"rows": count},
    )
    return count


__all__ = [
    "AnswerShapeError",
    "AttemptClosed",
    "AttemptRefused",
    "MarkingRefused",
    "answer_flag",
    "answer_mark",
    "answer_save",
    "attempt_start",
    "attempt_submit",
    "attempts_close_overdue",
    "competency_model_new_version",
    "answer_autosave",
    "evidence_record",
    "evidence_record_many",
    "question_save",
    "question_version_current",
    "questions_import",
    "quiz_export_bank",
    "quiz_results_export",
    "shown_options",
]
