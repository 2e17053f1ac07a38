"""Moodle's Aiken format (`.txt`): single-answer choice questions only (docs/imports.md).

    居民反映楼道堆物，网格员首先应当？
    A. 直接清理
    B) 上门了解情况并劝导
    ANSWER: B

The question text may run over several lines; options are `A.`/`A)` (also full-width `．`/`）`) from A
in order; `ANSWER:` ends the question; a blank line may separate questions. Aiken has no points,
so every question is worth 1 point (Moodle's default mark), and no categories or feedback.
"""

from __future__ import annotations

import re
from pathlib import Path

from assessments.bank_errors import QuestionErrors
from assessments.bank_io import BANK_READERS, QuestionData, normalise_answer
from assessments.models import OPTION_LETTERS, QuestionType

_OPTION_RE = re.compile(r"^([A-Za-z])\s*[.)．）]\s*(.*)$")
_ANSWER_RE = re.compile(r"^ANSWER\s*[:：]\s*(.*)$", re.IGNORECASE)


def parse_aiken(text: str) -> tuple[list[QuestionData], QuestionErrors]:
    """Parse Aiken text; questions are numbered from 1 in file order for error messages."""
    errors = QuestionErrors()
    records: list[QuestionData] = []
    number = 0
    stem_lines: list[str] = []
    options: list[tuple[str, str]] = []
    start = 0

    def finish(answer: str | None, line_number: int) -> None:
        nonlocal number, stem_lines, options
        number += 1
        stem = "\n".join(stem_lines).strip()
        errors.locate(number, name=stem.split("\n")[0][:30], line=start or line_number)
        problems = []
        if not stem:
            problems.append("缺少题干")
        letters = "".join(letter for letter, _ in options)
        if len(options) > len(OPTION_LETTERS):
            problems.append(f"选项最多 {len(OPTION_LETTERS)} 个，本题有 {len(options)} 个")
        elif letters != OPTION_LETTERS[: len(letters)]:
            problems.append(f"选项应从 A 起按顺序排列，现为 {'、'.join(letters) or '无'}")
        option_map = dict(options)
        for letter, option in options:
            if not option:
                problems.append(f"选项{letter}为空")
        if answer is None:
            problems.append("缺少“ANSWER: 字母”行")
            answer_text = ""
        else:
            answer_text, answer_problems = normalise_answer(QuestionType.SINGLE, answer, option_map)
            problems.extend(answer_problems)
        for problem in problems:
            errors.add(number, problem)
        if not problems:
            records.append(
                QuestionData(
                    number=number, qtype=QuestionType.SINGLE, stem=stem, options=option_map, answer=answer_text
                )
            )
        stem_lines, options = [], []

    for line_number, raw in enumerate(text.splitlines(), start=1):
        line = raw.strip()
        if not line:
            if stem_lines and not options:
                stem_lines.append("")  # a blank line inside the question text
            continue
        answer = _ANSWER_RE.match(line)
        if answer:
            finish(answer.group(1), line_number)
            start = 0
            continue
        option = _OPTION_RE.match(line)
        if option and stem_lines:
            options.append((option.group(1).upper(), option.group(2).strip()))
            continue
        if options:  # text after the options without an ANSWER line: the question ended there
            finish(None, line_number)
            start = 0
        if not stem_lines:
            start = line_number
        stem_lines.append(line)
    if stem_lines or options:
        finish(None, start)
    return records, errors


def read_aiken_file(path: Path) -> tuple[list[QuestionData], QuestionErrors]:
    return parse_aiken(Path(path).read_text(encoding="utf-8-sig"))


def write_aiken(questions) -> tuple[str, list[str]]:
    """Aiken text for the 单选 questions, and notes on the others (Aiken holds nothing else)."""
    blocks: list[str] = []
    notes: list[str] = []
    for index, q in enumerate(questions, start=1):
        if q.qtype != QuestionType.SINGLE:
            notes.append(f"第{index}题为{q.qtype}题，Aiken 只能表达单选题，已跳过")
            continue
        lines = [line for line in q.stem.split("\n") if line.strip()]
        lines += [f"{letter}. {text}" for letter, text in q.options.items()]
        lines.append(f"ANSWER: {q.answer}")
        blocks.append("\n".join(lines))
    return "\n\n".join(blocks) + "\n", notes


BANK_READERS[".txt"] = read_aiken_file
