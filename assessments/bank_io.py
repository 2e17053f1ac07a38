"""Reading and writing a question bank: CSV/XLSX rows and Moodle's GIFT format.

Both readers produce `QuestionData` records and collect problems as `第N行: <原因>`; the import
service validates indicator codes against the database and writes. The writers are the inverse,
so a bank exported and imported again is unchanged.

GIFT mapping (the types GIFT can express):
  单选  `{=right ~wrong ~wrong}`            多选  `{~%50%A ~%50%B ~%-100%C}` (positive weight = right)
  判断  `{T}` / `{F}`                        填空  `{=答案 =别名}` (short answer: one blank only)
  简答  `{}` (essay)
解析 is the general feedback (`####…`), 分类 the `$CATEGORY:` line, and 分值 / 能力指标 / 难度 a
comment line before the question: `// 分值: 2; 能力指标: 3.2; 难度: 中` (a 简答's reference answer
likewise: `// 参考答案: …`). GIFT has no points, so a
question without that comment is worth 1 point (Moodle's default mark).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from pathlib import Path

from assessments.models import OPTION_LETTERS, Difficulty, QuestionType
from assessments.scoring import split_blanks
from lms.importing import ImportRejected, Row, RowErrors, read_rows
from lms.spreadsheets import Sheet, table_write

COLUMNS = ["题型", "题干", *[f"选项{c}" for c in OPTION_LETTERS], "答案", "解析", "分值", "能力指标", "难度", "分类"]
REQUIRED = ["题型", "题干", "答案", "分值"]
TRUE_WORDS = {"对", "正确", "√", "T", "TRUE", "是"}
FALSE_WORDS = {"错", "错误", "×", "F", "FALSE", "否"}


@dataclass
class QuestionData:
    """One validated question as read from a file (indicator codes are checked later)."""

    number: int
    qtype: str
    stem: str
    options: dict[str, str] = field(default_factory=dict)
    answer: str = ""
    explanation: str = ""
    points: Decimal = Decimal("1")
    indicator_code: str = ""
    difficulty: str = ""
    category: str = ""
    title: str = ""
    stem_format: str = "plain"
    answer_feedback: dict[str, str] = field(default_factory=dict)
    blank_credit: dict[str, str] = field(default_factory=dict)

    def content(self) -> dict:
        return {
            "qtype": self.qtype,
            "stem": self.stem,
            "options": dict(self.options),
            "answer": self.answer,
            "explanation": self.explanation,
            "points": self.points,
            "indicator_code": self.indicator_code,
            "difficulty": self.difficulty,
            "category": self.category,
            "title": self.title,
            "stem_format": self.stem_format,
            "answer_feedback": dict(self.answer_feedback),
            "blank_credit": dict(self.blank_credit),
        }


def parse_points(text: str) -> tuple[Decimal | None, str | None]:
    if not text.strip():
        return None, "缺少分值"
    try:
        value = Decimal(text.strip())
    except InvalidOperation:
        return None, f"分值“{text}”不是数字"
    if not value.is_finite() or value <= 0:
        return None, f"分值“{text}”应大于 0"
    if value != value.quantize(Decimal("0.01")) or value >= Decimal("10000"):
        return None, f"分值“{text}”最多两位小数且小于 10000"
    return value.quantize(Decimal("0.01")), None


def normalise_answer(qtype: str, raw: str, options: dict[str, str]) -> tuple[str, list[str]]:
    """The canonical answer text for a type, and the problems found."""
    problems: list[str] = []
    text = raw.strip()
    if qtype in (QuestionType.SINGLE, QuestionType.MULTI):
        if len(options) < 2:
            problems.append("选择题至少需要两个选项")
        letters = re.sub(r"[\s,，、;；]", "", text).upper()
        if not letters:
            problems.append("缺少答案")
            return "", problems
        bad = [c for c in letters if c not in options]
        if bad:
            given = "、".join(options) or "无"
            problems.append(f"答案“{''.join(bad)}”不在给出的选项中（已给选项：{given}）")
        if len(set(letters)) != len(letters):
            problems.append(f"答案“{text}”中有重复字母")
        if qtype == QuestionType.SINGLE and len(set(letters)) > 1:
            problems.append(f"单选题只能有一个答案，却给了“{letters}”")
        if qtype == QuestionType.MULTI and len(set(letters)) < 2:
            problems.append(f"多选题的答案至少要有两个选项，却只有“{letters}”")
        return "".join(sorted(set(letters))), problems
    if qtype == QuestionType.TRUE_FALSE:
        if options:
            problems.append("判断题不应填写选项")
        upper = text.upper()
        if upper in TRUE_WORDS:
            return "对", problems
        if upper in FALSE_WORDS:
            return "错", problems
        problems.append(f"判断题答案应为“对”或“错”，却是“{text}”")
        return text, problems
    if qtype == QuestionType.BLANK:
        if not text:
            problems.append("缺少答案")
            return "", problems
        blanks = split_blanks(text)
        if any(not alternatives for alternatives in blanks):
            problems.append(f"填空答案“{text}”中有空白的空")
        return ";".join("|".join(alternatives) for alternatives in blanks), problems
    return text, problems  # 简答: a reference answer, may be empty


def question_from_values(number: int, values: dict[str, str], errors: RowErrors) -> QuestionData | None:
    get = lambda key: (values.get(key) or "").strip()  # noqa: E731
    problems: list[str] = []
    qtype = get("题型")
    if qtype not in QuestionType.values:
        problems.append(f"未知题型“{qtype}”（可选：{'、'.join(QuestionType.values)}）" if qtype else "缺少题型")
    stem = get("题干")
    if not stem:
        problems.append("缺少题干")
    options = {}
    for letter in OPTION_LETTERS:
        text = get(f"选项{letter}")
        if text:
            options[letter] = text
    letters = "".join(options)
    if letters and letters != OPTION_LETTERS[: len(letters)]:
        problems.append(f"选项应从 A 起连续填写，现为 {'、'.join(options)}")
    points, problem = parse_points(get("分值"))
    if problem:
        problems.append(problem)
    difficulty = get("难度")
    if difficulty and difficulty not in Difficulty.values:
        problems.append(f"难度“{difficulty}”应为 易、中 或 难")
    answer = ""
    if qtype in QuestionType.values:
        if qtype in (QuestionType.BLANK, QuestionType.ESSAY) and options:
            problems.append(f"{qtype}题不应填写选项")
        answer, answer_problems = normalise_answer(qtype, get("答案"), options)
        problems.extend(answer_problems)
    for problem in problems:
        errors.add(number, problem)
    if problems:
        return None
    return QuestionData(
        number=number,
        qtype=qtype,
        stem=stem,
        options=options,
        answer=answer,
        explanation=get("解析"),
        points=points,
        indicator_code=get("能力指标"),
        difficulty=difficulty,
        category=get("分类"),
    )


def read_bank(path: str | Path) -> tuple[list[QuestionData], RowErrors]:
    """Read a question file into question records and the row errors found, by its suffix.

    The one place that knows the question file formats (`BANK_READERS`): the command and the
    import page accept exactly these."""
    path = Path(path)
    reader = BANK_READERS.get(path.suffix.lower())
    if reader is None:
        raise ImportRejected([f"不支持的文件格式“{path.suffix or path.name}”，请使用 {'、'.join(BANK_READERS)}"])
    if not path.exists():
        raise ImportRejected([f"文件不存在：{path}"])
    return reader(path)


def _read_gift_file(path: Path) -> tuple[list[QuestionData], RowErrors]:
    return parse_gift(path.read_text(encoding="utf-8-sig"))


def _read_table(path: Path) -> tuple[list[QuestionData], RowErrors]:
    rows: list[Row] = read_rows(path, required=REQUIRED)
    errors = RowErrors()
    records = []
    for row in rows:
        record = question_from_values(row.number, row.values, errors)
        if record is not None:
            records.append(record)
    return records, errors


BANK_READERS = {".csv": _read_table, ".xlsx": _read_table, ".gift": _read_gift_file}


def question_row(record: QuestionData) -> Row:
    """A question record as a row under COLUMNS (what the import page's preview shows)."""
    values = {
        "题型": record.qtype,
        "题干": record.stem,
        **{f"选项{letter}": text for letter, text in record.options.items()},
        "答案": record.answer,
        "解析": record.explanation,
        "分值": str(record.points),
        "能力指标": record.indicator_code,
        "难度": record.difficulty,
        "分类": record.category,
    }
    return Row(number=record.number, values=values)


# --- GIFT -----------------------------------------------------------------------------------------

_GIFT_SPECIAL = "~=#{}:"


def gift_escape(text: str) -> str:
    text = text.replace("\\", "\\\\")
    for char in _GIFT_SPECIAL:
        text = text.replace(char, "\\" + char)
    return text.replace("\n", "\\n")


def gift_unescape(text: str) -> str:
    out = []
    index = 0
    while index < len(text):
        char = text[index]
        if char == "\\" and index + 1 < len(text):
            nxt = text[index + 1]
            out.append("\n" if nxt == "n" else nxt)
            index += 2
            continue
        out.append(char)
        index += 1
    return "".join(out)


def _split_unescaped(text: str, separators: str) -> list[tuple[str, str]]:
    """Split at unescaped separator characters; returns (separator, chunk) pairs."""
    parts: list[tuple[str, str]] = []
    current: list[str] = []
    sep = ""
    index = 0
    while index < len(text):
        char = text[index]
        if char == "\\" and index + 1 < len(text):
            current.append(text[index : index + 2])
            index += 2
            continue
        if char in separators:
            parts.append((sep, "".join(current)))
            current = []
            sep = char
            index += 1
            continue
        current.append(char)
        index += 1
    parts.append((sep, "".join(current)))
    return parts


def _find_unescaped(text: str, target: str, start: int = 0) -> int:
    index = start
    while index < len(text):
        if text[index] == "\\":
            index += 2
            continue
        if text.startswith(target, index):
            return index
        index += 1
    return -1


_META_RE = re.compile(r"^//\s*(分值|能力指标|难度)\s*[:：]")
_REFERENCE_RE = re.compile(r"^//\s*参考答案\s*[:：]")


def _parse_meta(comment: str) -> dict[str, str]:
    meta = {}
    body = comment.lstrip("/").strip()
    for part in re.split(r"[;；]", body):
        if ":" in part or "：" in part:
            key, _, value = part.replace("：", ":").partition(":")
            meta[key.strip()] = value.strip()
    return meta


def parse_gift(text: str) -> tuple[list[QuestionData], RowErrors]:
    """Parse GIFT text. Questions are numbered from 1 in file order for error messages."""
    errors = RowErrors()
    records: list[QuestionData] = []
    category = ""
    blocks: list[tuple[dict, str, str]] = []  # (meta, category, question text)
    meta: dict[str, str] = {}
    buffer: list[str] = []

    def flush():
        nonlocal buffer, meta
        body = "\n".join(buffer).strip()
        if body:
            blocks.append((meta, category, body))
            meta = {}
        buffer = []

    for line in text.splitlines():
        stripped = line.strip()
        if not stripped:
            flush()
            continue
        if stripped.startswith("//"):
            if _META_RE.match(stripped):
                flush()
                meta.update(_parse_meta(stripped))
            elif _REFERENCE_RE.match(stripped):
                flush()
                meta["参考答案"] = gift_unescape(_REFERENCE_RE.sub("", stripped, count=1).strip())
            continue
        if stripped.startswith("$CATEGORY:") and not buffer:
            raw = stripped[len("$CATEGORY:") :].strip()
            # Moodle writes `$course$/top/分类`; `$course$/top` alone is the default (no category).
            parts = [p.strip() for p in raw.split("/") if p.strip()]
            if parts and parts[0] in ("$course$", "$system$", "$module$"):
                parts = parts[1:]
            if parts and parts[0] == "top":
                parts = parts[1:]
            category = parts[-1] if parts else ""
            continue
        buffer.append(line)
    flush()

    for number, (meta, block_category, body) in enumerate(blocks, start=1):
        record = _gift_question(number, meta, block_category, body, errors)
        if record is not None:
            records.append(record)
    return records, errors


def _gift_question(number: int, meta: dict, category: str, body: str, errors: RowErrors) -> QuestionData | None:
    problems: list[str] = []
    if body.startswith("::"):
        end = _find_unescaped(body, "::", 2)
        if end == -1:
            errors.add(number, "题目标题缺少结束的“::”")
            return None
        body = body[end + 2 :].strip()
    open_at = _find_unescaped(body, "{")
    close_at = _find_unescaped(body, "}", open_at + 1) if open_at != -1 else -1
    if open_at == -1 or close_at == -1:
        errors.add(number, "缺少答案块 { … }")
        return None
    before, block, after = body[:open_at], body[open_at + 1 : close_at], body[close_at + 1 :]
    before = re.sub(r"^\[(html|moodle|plain|markdown)\]", "", before.strip())
    stem = gift_unescape(before.strip())
    if after.strip():
        stem = f"{stem}____{gift_unescape(after.strip())}"
    explanation = ""
    general = _find_unescaped(block, "####")
    if general != -1:
        explanation = gift_unescape(block[general + 4 :].strip())
        block = block[:general]
    block = block.strip()
    points, problem = parse_points(meta.get("分值", "1"))
    if problem:
        problems.append(problem)
    difficulty = meta.get("难度", "")
    if difficulty and difficulty not in Difficulty.values:
        problems.append(f"难度“{difficulty}”应为 易、中 或 难")
    record = QuestionData(
        number=number,
        qtype="",
        stem=stem,
        explanation=explanation,
        points=points or Decimal("1"),
        indicator_code=meta.get("能力指标", ""),
        difficulty=difficulty,
        category=category,
    )
    if not stem:
        problems.append("缺少题干")
    if block == "":
        record.qtype = QuestionType.ESSAY
        record.answer = meta.get("参考答案", "")
    elif block.upper() in ("T", "TRUE", "F", "FALSE") or re.match(r"^(T|F|TRUE|FALSE)\s*#", block, re.I):
        value = block.split("#", 1)[0].strip().upper()
        record.qtype = QuestionType.TRUE_FALSE
        record.answer = "对" if value in ("T", "TRUE") else "错"
    else:
        answers = []
        for sep, chunk in _split_unescaped(block, "=~"):
            if sep == "":
                if chunk.strip():
                    problems.append("答案块格式无法识别")
                continue
            feedback = _find_unescaped(chunk, "#")
            if feedback != -1:
                chunk = chunk[:feedback]
            chunk = chunk.strip()
            weight = None
            match = re.match(r"^%(-?\d+(?:\.\d+)?)%", chunk)
            if match:
                weight = Decimal(match.group(1))
                chunk = chunk[match.end() :].strip()
            answers.append((sep, weight, gift_unescape(chunk)))
        if not answers:
            problems.append("答案块中没有答案")
        elif all(sep == "=" for sep, _, _ in answers) and len(answers) >= 1 and all(w is None for _, w, _ in answers):
            record.qtype = QuestionType.BLANK
            record.answer = "|".join(text for _, _, text in answers)
        else:
            if len(answers) > len(OPTION_LETTERS):
                problems.append(f"选项最多 {len(OPTION_LETTERS)} 个")
            right = []
            for letter, (sep, weight, text) in zip(OPTION_LETTERS, answers, strict=False):
                record.options[letter] = text
                if (weight is not None and weight > 0) or (weight is None and sep == "="):
                    right.append(letter)
            if not right:
                problems.append("选择题没有标出正确答案")
            record.qtype = QuestionType.MULTI if len(right) > 1 else QuestionType.SINGLE
            record.answer = "".join(right)
    for problem in problems:
        errors.add(number, problem)
    return None if problems else record


def _points_text(points: Decimal) -> str:
    return format(Decimal(points).normalize(), "f")


def write_gift(questions) -> tuple[str, list[str]]:
    """GIFT text for the questions GIFT can express, and notes on the ones it cannot."""
    lines: list[str] = ["// 网格学院题库导出（GIFT 格式）", ""]
    skipped: list[str] = []
    category = None
    for index, q in enumerate(questions, start=1):
        if q.qtype == QuestionType.BLANK and len(split_blanks(q.answer)) > 1:
            skipped.append(f"第{index}题为多空填空题，GIFT 无法表达，已跳过（请用 XLSX 导出）")
            continue
        if (q.category or "") != category:
            category = q.category or ""
            lines += [f"$CATEGORY: $course$/top/{category}" if category else "$CATEGORY: $course$/top", ""]
        meta = [f"分值: {_points_text(q.points)}"]
        if q.indicator_code:
            meta.append(f"能力指标: {q.indicator_code}")
        if q.difficulty:
            meta.append(f"难度: {q.difficulty}")
        lines.append("// " + "; ".join(meta))
        if q.qtype == QuestionType.ESSAY and q.answer:
            lines.append("// 参考答案: " + gift_escape(q.answer))
        if q.qtype == QuestionType.ESSAY:
            block = ""
        elif q.qtype == QuestionType.TRUE_FALSE:
            block = "T" if q.answer == "对" else "F"
        elif q.qtype == QuestionType.BLANK:
            block = " ".join("=" + gift_escape(alt) for alt in split_blanks(q.answer)[0])
        elif q.qtype == QuestionType.SINGLE:
            block = " ".join(
                ("=" if letter == q.answer else "~") + gift_escape(text) for letter, text in q.options.items()
            )
        else:
            right = set(q.answer)
            share = (Decimal(100) / len(right)).quantize(Decimal("0.00001"))
            block = " ".join(
                (f"~%{format(share.normalize(), 'f')}%" if letter in right else "~%-100%") + gift_escape(text)
                for letter, text in q.options.items()
            )
        if q.explanation:
            block += (" " if block else "") + "####" + gift_escape(q.explanation)
        lines.append(f"::Q{index}:: {gift_escape(q.stem)} {{{block}}}")
        lines.append("")
    if skipped:
        lines += [f"// {note}" for note in skipped]
    return "\n".join(lines) + "\n", skipped


def write_xlsx(questions, target) -> None:
    """An XLSX with the import columns, one question per row; `target` is a path or binary stream."""

    def number(value):
        points = Decimal(value).normalize()
        return int(points) if points == points.to_integral_value() else float(points)

    rows = (
        [
            q.qtype,
            q.stem,
            *[q.options.get(letter, "") for letter in OPTION_LETTERS],
            q.answer,
            q.explanation,
            number(q.points),
            q.indicator_code,
            q.difficulty,
            q.category,
        ]
        for q in questions
    )
    table_write(target, [Sheet("题库", COLUMNS, rows)])


# Readers of the Moodle formats live in their own modules, which add themselves to BANK_READERS.
import assessments.bank_aiken  # noqa: E402, F401
import assessments.bank_moodle_xml  # noqa: E402, F401
