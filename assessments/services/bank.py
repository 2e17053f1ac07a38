"""The question bank: versioned questions, `import_questions` files and bank exports."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from assessments import selectors
from assessments.bank_errors import QuestionErrors
from assessments.bank_io import QuestionData, read_bank
from assessments.html import sanitise_html
from assessments.models import Question, QuestionVersion, Quiz, QuizQuestion, StemFormat
from assessments.services.bank_images import question_images_store, stem_images_embed
from lms.importing import ImportRejected, RowErrors
from lms.models import AuditLog
from lms.services import audit_log_record


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


def version_matches(version: QuestionVersion, question: Question) -> bool:
    """Whether `version` still reads as `question` does now (no new version needed)."""
    return _same_content(_content_of(version), _content_of(question))


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


def _sanitised(content: dict, question: Question | None) -> dict:
    """An HTML stem is stored sanitised whoever writes it (an import or an admin edit), so the
    pages may show it with |safe (docs/rules.md §5)."""
    stem_format = content.get("stem_format", question.stem_format if question is not None else StemFormat.PLAIN)
    if stem_format != StemFormat.HTML:
        return content
    stem = content.get("stem", question.stem if question is not None else "")
    return {**content, "stem": sanitise_html(stem)}


def question_save(*, question: Question | None = None, **content) -> tuple[Question, bool]:
    """Create a question, or change one; returns (question, changed). Unchanged content writes nothing."""
    content = _sanitised(content, question)
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
            unit = "题" if isinstance(errors, QuestionErrors) else "行"
            errors.add(record.number, f"与第{first_row[key]}{unit}是同一道题（题型和题干相同）")
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
        question_images_store(records=records)  # before matching: stems then read as stored
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
    """Write the quiz's fixed questions to `target` (path or binary stream) as 'xlsx', 'gift' or
    'xml' (Moodle XML, with the stems' images embedded).

    Returns notes on questions the format could not hold (multi-blank 填空 in GIFT and Moodle XML).
    """
    from assessments.bank_io import write_gift, write_xlsx
    from assessments.bank_moodle_xml import write_moodle_xml

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
    if fmt == "xml":
        data, notes = write_moodle_xml(questions, image_files=stem_images_embed)
        if hasattr(target, "write"):
            target.write(data)
        else:
            with open(target, "wb") as handle:
                handle.write(data)
        return notes
    raise ValueError("导出格式应为 xlsx、gift 或 xml")
