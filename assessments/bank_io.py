"""Reading and writing a question bank: CSV/XLSX rows and Moodle's GIFT format.

Table readers collect problems as `第N行: <原因>`; the GIFT reader as `第N题（名称，第L行）：<原因>`
(`QuestionErrors`). Both produce `QuestionData` records; the import service validates indicator
codes against the database and writes. The writers are the inverse, so a bank exported and
imported again is unchanged.

GIFT is read as Moodle's qformat_gift reads it (docs/imports.md «GIFT»):
  单选  `{=right ~wrong#反馈 ~wrong}`        多选  `{~%50%A ~%50%B ~%-100%C}` (positive weight = right)
  判断  `{T#答错时的反馈#答对时的反馈}`      填空  `{=Frog =%50%Cat =%0%*#提示}` (one blank; 50% → blank_credit)
  简答  `{}` (essay)                         missing word: a block inside the sentence leaves `____`
Matching (`->`), numerical (`{#…}`) and descriptions (no block) are refused by name. `::名称::`
is the 题目名称, `[html]`/`[markdown]`/`[moodle]` stems are stored sanitised with stem_format
"html"; options, feedback and 解析 are kept as plain text. 解析 is the general feedback
(`####…`), 分类 the `$CATEGORY:` line, and 分值 / 能力指标 / 难度 a comment line before the
question: `// 分值: 2; 能力指标: 3.2; 难度: 中` (a 简答's reference answer likewise:
`// 参考答案: …`). GIFT has no points, so a question without that comment is worth 1 point
(Moodle's default mark).

Tables add four optional columns: 名称, 题干格式 (纯文本/HTML), 答案反馈 and 部分得分, the last two
one `键：值` per line (`A：反馈`, `Cat：50`).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from pathlib import Path

from assessments.bank_errors import QuestionErrors
from assessments.html import html_to_text, markdown_to_html, sanitise_html
from assessments.models import OPTION_LETTERS, Difficulty, QuestionType
from assessments.scoring import plain, split_blanks
from lms.importing import ImportRejected, Row, RowErrors, read_rows
from lms.spreadsheets import Sheet, table_write

COLUMNS = [
    "题型",
    "题干",
    *[f"选项{c}" for c in OPTION_LETTERS],
    "答案",
    "解析",
    "分值",
    "能力指标",
    "难度",
    "分类",
    "名称",
    "题干格式",
    "答案反馈",
    "部分得分",
]
TITLE_MAX, CATEGORY_MAX = 255, 50  # Question.title / Question.category
STEM_FORMAT_WORDS = {"": "plain", "纯文本": "plain", "PLAIN": "plain", "HTML": "html"}
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
    stem_format = STEM_FORMAT_WORDS.get(get("题干格式").upper())
    if stem_format is None:
        problems.append(f"题干格式“{get('题干格式')}”应为 纯文本 或 HTML")
    elif stem_format == "html":
        stem = sanitise_html(stem)
    problems.extend(_length_problems(get("名称"), get("分类")))
    answer_feedback, feedback_problems = _parse_pairs(get("答案反馈"), "答案反馈")
    problems.extend(feedback_problems)
    blank_credit, credit_problems = _parse_pairs(get("部分得分"), "部分得分", last_colon=True)
    problems.extend(credit_problems)
    if not problems:
        problems.extend(_check_feedback_and_credit(qtype, answer, options, answer_feedback, blank_credit))
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
        title=get("名称"),
        stem_format=stem_format,
        answer_feedback=answer_feedback,
        blank_credit=blank_credit,
    )


def _length_problems(title: str, category: str) -> list[str]:
    problems = []
    if len(title) > TITLE_MAX:
        problems.append(f"题目名称超过 {TITLE_MAX} 字")
    if len(category) > CATEGORY_MAX:
        problems.append(f"分类“{category[:20]}…”超过 {CATEGORY_MAX} 字")
    return problems


def _parse_pairs(text: str, column: str, *, last_colon: bool = False) -> tuple[dict[str, str], list[str]]:
    """`A：反馈` one per line → {"A": "反馈"}. Feedback may hold colons (split at the first);
    a 部分得分 key may hold one (`10:30：50`, split at the last)."""
    pairs: dict[str, str] = {}
    problems = []
    for line in text.replace("\r", "").split("\n"):
        if not line.strip():
            continue
        normal = line.replace("：", ":")
        at = normal.rfind(":") if last_colon else normal.find(":")
        if at == -1:
            problems.append(f"{column}“{line.strip()}”应写成“键：内容”，每行一条")
            continue
        key, value = line[:at].strip(), line[at + 1 :].strip().replace("\\n", "\n")
        if not key or not value:
            problems.append(f"{column}“{line.strip()}”的键或内容是空的")
            continue
        pairs[key] = value
    return pairs, problems


def _check_feedback_and_credit(qtype, answer, options, feedback, credit) -> list[str]:
    problems = []
    if qtype in (QuestionType.SINGLE, QuestionType.MULTI):
        bad = [key for key in feedback if key not in options]
        if bad:
            problems.append(f"答案反馈的键“{'、'.join(bad)}”应为选项字母（{'、'.join(options)}）")
    elif qtype == QuestionType.TRUE_FALSE:
        bad = [key for key in feedback if key not in ("对", "错")]
        if bad:
            problems.append(f"答案反馈的键“{'、'.join(bad)}”应为“对”或“错”")
    elif qtype == QuestionType.ESSAY and feedback:
        problems.append("简答题没有答案反馈（请写在解析里）")
    if credit and qtype != QuestionType.BLANK:
        problems.append("只有填空题可以填写部分得分")
    elif credit:
        alternatives = {alt for alts in split_blanks(answer) for alt in alts}
        for key, value in credit.items():
            if key not in alternatives:
                problems.append(f"部分得分的“{key}”不是本题的备选答案（请同时写在答案里，用 | 分隔）")
                continue
            try:
                percent = Decimal(value)
            except InvalidOperation:
                percent = Decimal(-1)
            if not percent.is_finite() or not 0 < percent < 100:
                problems.append(f"部分得分“{key}：{value}”应为 0 到 100 之间（不含）的百分数")
            else:
                credit[key] = plain(percent)
        if any(all(alt in credit for alt in alts) for alts in split_blanks(answer)):
            problems.append("每个空至少要有一个满分答案（部分得分只用于其余的备选答案）")
    return problems


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
        "名称": record.title,
        "题干格式": _stem_format_word(record.stem_format),
        "答案反馈": _pairs_text(record.answer_feedback),
        "部分得分": _pairs_text(record.blank_credit),
    }
    return Row(number=record.number, values=values)


def _stem_format_word(stem_format: str) -> str:
    return "HTML" if stem_format == "html" else "纯文本"


def _pairs_text(pairs: dict | None) -> str:
    # One pair a line, so a line break inside a feedback is written as the two characters \n.
    return "\n".join(f"{key}：{str(value).replace(chr(10), chr(92) + 'n')}" for key, value in (pairs or {}).items())


# --- GIFT -----------------------------------------------------------------------------------------

_GIFT_SPECIAL = "~=#{}:"
_GIFT_FORMATS = ("html", "moodle", "plain", "markdown")
_FORMAT_RE = re.compile(r"^\[(html|moodle|plain|markdown)\]")
_WEIGHT_RE = re.compile(r"^%(-?\d+(?:\.\d+)?)%")
_TAG_BREAK_RE = re.compile(r"<br\s*/?>|</(p|div|li|h3|h4|tr|blockquote|pre)>", re.I)
_GIFT_TYPES_REFUSED = {
    "match": "匹配题暂不支持",
    "numerical": "数值题暂不支持",
    "description": "没有答案块 { … }：这是 Moodle 的“说明”（description），不是试题，暂不支持",
}


def gift_escape(text: str) -> str:
    text = text.replace("\\", "\\\\")
    for char in _GIFT_SPECIAL:
        text = text.replace(char, "\\" + char)
    return text.replace("\r", "").replace("\n", "\\n")


def gift_unescape(text: str) -> str:
    r"""Moodle's escapes only: `\\ \~ \= \# \{ \} \:` and `\n` (a line break); any other
    backslash stays, so `\frac` or a Windows path survives."""
    out = []
    index = 0
    while index < len(text):
        char = text[index]
        if char == "\\" and index + 1 < len(text):
            nxt = text[index + 1]
            if nxt == "n":
                out.append("\n")
                index += 2
                continue
            if nxt == "\\" or nxt in _GIFT_SPECIAL:
                out.append(nxt)
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


def _rfind_unescaped(text: str, target: str) -> int:
    found, index = -1, _find_unescaped(text, target)
    while index != -1:
        found = index
        index = _find_unescaped(text, target, index + 1)
    return found


def _formatted(raw: str, default: str) -> tuple[str, str]:
    """(unescaped text, format) of a GIFT text that may start with `[html]` & co (Moodle's
    parse_text_with_format: an unknown `[word]` is text; the default is the stem's format)."""
    raw = raw.strip()
    match = _FORMAT_RE.match(raw)
    fmt = default
    if match:
        fmt, raw = match.group(1), raw[match.end() :]
    return gift_unescape(raw).strip(), fmt


def _as_html(text: str, fmt: str) -> str:
    if fmt == "markdown":
        return markdown_to_html(text)
    if fmt == "moodle":  # Moodle's auto-format: HTML allowed, line breaks kept
        return sanitise_html(text.replace("\n", "<br>"))
    return sanitise_html(text)


def _as_plain(text: str, fmt: str) -> str:
    """Options, feedback and 解析 are stored as plain text (docs/imports.md): formatting from
    `[html]`/`[markdown]` is dropped but paragraphs and line breaks stay line breaks."""
    if fmt == "plain":
        return text
    html = _as_html(text, fmt)
    lines = html_to_text(_TAG_BREAK_RE.sub("\n", html)).split("\n")
    return "\n".join(line.strip() for line in lines if line.strip())


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


@dataclass
class _GiftBlock:
    meta: dict
    category: str
    body: str
    line: int


def moodle_category_name(path: str) -> str:
    """Our 分类 of a Moodle category path (GIFT `$CATEGORY:`, XML `<category>`): its last part.
    Moodle writes `$course$/top/分类`; a context and `top` alone are the default (no category)."""
    parts = [p.strip() for p in path.split("/") if p.strip()]
    if parts and parts[0] in ("$course$", "$system$", "$module$", "$cat1$"):
        parts = parts[1:]
    if parts and parts[0] == "top":
        parts = parts[1:]
    return parts[-1] if parts else ""


def moodle_category_path(category: str) -> str:
    """The Moodle category path our 分类 is written as: `$course$/top/分类`, or `$course$/top`."""
    return f"$course$/top/{category}" if category else "$course$/top"


def parse_gift(text: str) -> tuple[list[QuestionData], QuestionErrors]:
    """Parse GIFT text as Moodle's qformat_gift reads it (docs/imports.md «GIFT»).

    Questions are separated by blank lines and numbered from 1 in file order; each problem is
    reported once, with the question's number, name and first line in the file."""
    errors = QuestionErrors()
    category = ""
    blocks: list[_GiftBlock] = []
    meta: dict[str, str] = {}
    buffer: list[str] = []
    first_line = 0

    def flush():
        nonlocal buffer, meta
        body = "\n".join(buffer).strip()
        if body:
            blocks.append(_GiftBlock(meta, category, body, first_line))
            meta = {}
        buffer = []

    for line_number, line in enumerate(text.splitlines(), start=1):
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
            category = moodle_category_name(stripped[len("$CATEGORY:") :].strip())
            continue
        if not buffer:
            first_line = line_number
        buffer.append(line)
    flush()

    records: list[QuestionData] = []
    for number, block in enumerate(blocks, start=1):
        record = _gift_question(number, block, errors)
        if record is not None:
            records.append(record)
    return records, errors


def _gift_kind(block: str) -> str:
    """Moodle's order of deciding the type of an answer block (general feedback removed)."""
    if block == "":
        return "essay"
    if block.startswith("#"):
        return "numerical"
    if _find_unescaped(block, "~") != -1:
        return "multichoice"
    if _find_unescaped(block, "=") != -1 and _find_unescaped(block, "->") != -1:
        return "match"
    hash_at = _find_unescaped(block, "#")
    value = (block[:hash_at] if hash_at > 0 else block).strip()
    if value.upper() in ("T", "TRUE", "F", "FALSE"):
        return "truefalse"
    return "shortanswer"


def _gift_answers(block: str, separators: str, fmt: str) -> list[tuple[str, Decimal | None, str, str, str]]:
    """(separator, weight, text, text format, feedback) per answer of a choice or short-answer block."""
    answers = []
    for sep, chunk in _split_unescaped(block, separators):
        if sep == "" and not chunk.strip():
            continue
        chunk = chunk.strip()
        weight = None
        match = _WEIGHT_RE.match(chunk)
        if match:
            weight = Decimal(match.group(1))
            chunk = chunk[match.end() :]
        hash_at = _find_unescaped(chunk, "#")
        feedback = ""
        if hash_at != -1:
            feedback = _as_plain(*_formatted(chunk[hash_at + 1 :], fmt))
            chunk = chunk[:hash_at]
        text, text_fmt = _formatted(chunk, fmt)
        answers.append((sep, weight, text, text_fmt, feedback))
    return answers


def _gift_question(number: int, block: _GiftBlock, errors: QuestionErrors) -> QuestionData | None:
    body, title = block.body, ""
    if body.startswith("::"):
        end = _find_unescaped(body, "::", 2)
        if end != -1:
            title = gift_unescape(body[2:end]).strip()
            body = body[end + 2 :].strip()
    errors.locate(number, name=title, line=block.line)

    def refuse(reason: str) -> None:
        errors.add(number, reason)

    open_at = _find_unescaped(body, "{")
    close_at = _find_unescaped(body, "}", open_at + 1) if open_at != -1 else _find_unescaped(body, "}")
    if open_at == -1 and close_at == -1:
        refuse(_GIFT_TYPES_REFUSED["description"])
        return None
    if open_at == -1 or close_at == -1:
        refuse("答案块的花括号 { } 不成对")
        return None
    after = body[close_at + 1 :]
    # Moodle: a block at the end is removed; one inside the sentence leaves a blank to fill.
    stem_raw = body[:open_at] + ("____" + after if after.strip() else "")
    stem_text, stem_fmt = _formatted(stem_raw, "plain")
    if stem_fmt == "plain":
        stem, stem_format = stem_text, "plain"
    else:
        stem, stem_format = _as_html(stem_text, stem_fmt), "html"
    answer_block = body[open_at + 1 : close_at]
    explanation = ""
    general = _rfind_unescaped(answer_block, "####")
    if general != -1:
        explanation = _as_plain(*_formatted(answer_block[general + 4 :], stem_fmt))
        answer_block = answer_block[:general]
    answer_block = answer_block.strip()

    kind = _gift_kind(answer_block)
    if kind in _GIFT_TYPES_REFUSED:
        refuse(_GIFT_TYPES_REFUSED[kind])
        return None

    problems: list[str] = []
    points, problem = parse_points(block.meta.get("分值", "1"))
    if problem:
        problems.append(problem)
    difficulty = block.meta.get("难度", "")
    if difficulty and difficulty not in Difficulty.values:
        problems.append(f"难度“{difficulty}”应为 易、中 或 难")
    problems.extend(_length_problems(title, block.category))
    if not (html_to_text(stem) if stem_format == "html" else stem):
        problems.append("缺少题干")
    record = QuestionData(
        number=number,
        qtype="",
        stem=stem,
        explanation=explanation,
        points=points or Decimal("1"),
        indicator_code=block.meta.get("能力指标", ""),
        difficulty=difficulty,
        category=block.category,
        title=title,
        stem_format=stem_format,
    )
    if kind == "essay":
        record.qtype = QuestionType.ESSAY
        record.answer = block.meta.get("参考答案", "")
    elif kind == "truefalse":
        problems += _gift_true_false(record, answer_block, stem_fmt)
    elif kind == "multichoice":
        problems += _gift_choice(record, answer_block, stem_fmt)
    else:
        problems += _gift_short_answer(record, answer_block, stem_fmt)
    for problem in problems:
        refuse(problem)
    return None if problems else record


def _gift_true_false(record: QuestionData, block: str, fmt: str) -> list[str]:
    # `{T#反馈甲#反馈乙}`: Moodle shows 甲 to whoever answered wrongly and 乙 to whoever answered right.
    parts = [chunk for _, chunk in _split_unescaped(block, "#")]
    value = parts[0].strip().upper()
    wrong = _as_plain(*_formatted(parts[1], fmt)) if len(parts) > 1 else ""
    right = _as_plain(*_formatted("#".join(parts[2:]), fmt)) if len(parts) > 2 else ""
    record.qtype = QuestionType.TRUE_FALSE
    record.answer = "对" if value in ("T", "TRUE") else "错"
    other = "错" if record.answer == "对" else "对"
    record.answer_feedback = {key: text for key, text in ((record.answer, right), (other, wrong)) if text}
    return []


def _gift_choice(record: QuestionData, block: str, fmt: str) -> list[str]:
    """`=` marks the one right answer (单选); without `=`, `%n%` weights say which are right (多选).

    Our 单选 is all-or-nothing and our 多选 scores the right set (docs/rules.md §5), so a
    positive weight means "right" and a negative one "wrong"; partial credit on a single choice
    cannot be expressed and is refused."""
    answers = _gift_answers(block, "=~", fmt)
    problems = []
    if answers and answers[0][0] == "":
        return [f"答案“{answers[0][2]}”前缺少 = 或 ~"]
    if len(answers) < 2:
        return ["选择题至少需要两个选项"]
    if len(answers) > len(OPTION_LETTERS):
        return [f"选项最多 {len(OPTION_LETTERS)} 个，本题有 {len(answers)} 个"]
    single = any(sep == "=" for sep, *_ in answers)
    right = []
    for letter, (sep, weight, text, _fmt, feedback) in zip(OPTION_LETTERS, answers, strict=False):
        record.options[letter] = _as_plain(text, _fmt)
        if not record.options[letter]:
            problems.append(f"选项{letter}是空的")
        if feedback:
            record.answer_feedback[letter] = feedback
        if sep == "=" or (weight is not None and weight >= 100 and single):
            right.append(letter)
        elif weight is not None and weight > 0:
            if single:
                problems.append(
                    f"单选题的选项{letter}有部分得分（%{plain(weight)}%）：单选只按全对计分，"
                    "请改为 = 或 ~，或把本题改成多选（全部用 ~%n% 权重）"
                )
            else:
                right.append(letter)
    if single and len(right) > 1:
        problems.append(f"单选题有 {len(right)} 个正确答案（{''.join(right)}）：单选只能有一个，多选请用 ~%n% 权重")
    if not right:
        problems.append("选择题没有标出正确答案（= 或正的 %n% 权重）")
    record.qtype = QuestionType.MULTI if len(right) > 1 and not single else QuestionType.SINGLE
    record.answer = "".join(right)
    return problems


def _gift_short_answer(record: QuestionData, block: str, fmt: str) -> list[str]:
    """`{=Frog =%50%Cat =%0%*#提示}` → 填空 "Frog|Cat", blank_credit {"Cat": "50"}.

    A 0% answer scores nothing: only its feedback is kept (keyed by its text; `*` is the
    feedback for any other response). Our scoring compares whole texts, so a `*` wildcard
    that would earn marks is refused."""
    problems = []
    alternatives: list[str] = []
    for _sep, weight, text, text_fmt, feedback in _gift_answers(block, "=", fmt):
        text = _as_plain(text, text_fmt)
        percent = Decimal(100) if weight is None else weight
        if not text:
            problems.append("填空题有空白的答案")
            continue
        if percent < 0 or percent > 100:
            problems.append(f"答案“{text}”的权重 {plain(percent)}% 应在 0–100 之间")
            continue
        if percent > 0 and "*" in text:
            problems.append(f"答案“{text}”含通配符 *：本系统按整句比对，无法判分（只可用于 0% 的反馈）")
            continue
        if percent > 0 and re.search(r"[|;｜；]", text):
            problems.append(f"答案“{text}”含 | 或 ;（本系统用它们分隔备选答案和空）")
            continue
        if feedback:
            record.answer_feedback[text] = feedback
        if percent == 0:
            continue
        alternatives.append(text)
        if percent < 100:
            record.blank_credit[text] = plain(percent)
    if not problems and not any(alt not in record.blank_credit for alt in alternatives):
        problems.append("填空题没有满分答案（=答案 或 =%100%答案）")
    record.qtype = QuestionType.BLANK
    record.answer = "|".join(alternatives)
    return problems


def _points_text(points: Decimal) -> str:
    return format(Decimal(points).normalize(), "f")


def _gift_feedback(q, key: str) -> str:
    text = (q.answer_feedback or {}).get(key, "")
    return "#" + gift_escape(text) if text else ""


def _gift_block(q) -> str:
    if q.qtype == QuestionType.ESSAY:
        return ""
    if q.qtype == QuestionType.TRUE_FALSE:
        feedback = q.answer_feedback or {}
        other = "错" if q.answer == "对" else "对"
        wrong, right = feedback.get(other, ""), feedback.get(q.answer, "")
        block = "T" if q.answer == "对" else "F"
        if wrong or right:
            block += "#" + gift_escape(wrong)
        if right:
            block += "#" + gift_escape(right)
        return block
    if q.qtype == QuestionType.BLANK:
        credit = q.blank_credit or {}
        alternatives = split_blanks(q.answer)[0]
        parts = [
            ("=" + (f"%{credit[alt]}%" if alt in credit else "") + gift_escape(alt) + _gift_feedback(q, alt))
            for alt in alternatives
        ]
        # 0% answers (feedback only) in a stable order, the catch-all `*` last as Moodle reads it
        # (PostgreSQL's jsonb does not keep key order).
        others = sorted(
            (key for key in (q.answer_feedback or {}) if key not in alternatives), key=lambda k: (k == "*", k)
        )
        parts += ["=%0%" + gift_escape(key) + _gift_feedback(q, key) for key in others]
        return " ".join(parts)
    if q.qtype == QuestionType.SINGLE:
        return " ".join(
            ("=" if letter == q.answer else "~") + gift_escape(text) + _gift_feedback(q, letter)
            for letter, text in q.options.items()
        )
    right = set(q.answer)
    share = (Decimal(100) / len(right)).quantize(Decimal("0.00001"))
    return " ".join(
        (f"~%{format(share.normalize(), 'f')}%" if letter in right else "~%-100%")
        + gift_escape(text)
        + _gift_feedback(q, letter)
        for letter, text in q.options.items()
    )


def write_gift(questions) -> tuple[str, list[str]]:
    """GIFT text for the questions GIFT can express, and notes on the ones it cannot.

    A question with a 题目名称 is written `::名称::`; one without gets no name (Moodle then
    names it from its text), so a round trip never invents a name. An HTML stem is written
    `[html]…`; options and feedback are plain text."""
    lines: list[str] = ["// 网格学院题库导出（GIFT 格式）", ""]
    skipped: list[str] = []
    category = None
    for index, q in enumerate(questions, start=1):
        if q.qtype == QuestionType.BLANK and len(split_blanks(q.answer)) > 1:
            skipped.append(f"第{index}题为多空填空题，GIFT 无法表达，已跳过（请用 XLSX 导出）")
            continue
        if (q.category or "") != category:
            category = q.category or ""
            lines += [f"$CATEGORY: {moodle_category_path(category)}", ""]
        meta = [f"分值: {_points_text(q.points)}"]
        if q.indicator_code:
            meta.append(f"能力指标: {q.indicator_code}")
        if q.difficulty:
            meta.append(f"难度: {q.difficulty}")
        lines.append("// " + "; ".join(meta))
        if q.qtype == QuestionType.ESSAY and q.answer:
            lines.append("// 参考答案: " + gift_escape(q.answer))
        block = _gift_block(q)
        if q.explanation:
            block += (" " if block else "") + "####" + gift_escape(q.explanation)
        name = f"::{gift_escape(q.title)}:: " if getattr(q, "title", "") else ""
        stem = ("[html]" if getattr(q, "stem_format", "plain") == "html" else "") + gift_escape(q.stem)
        lines.append(f"{name}{stem} {{{block}}}")
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
            q.title,
            _stem_format_word(q.stem_format),
            _pairs_text(q.answer_feedback),
            _pairs_text(q.blank_credit),
        ]
        for q in questions
    )
    table_write(target, [Sheet("题库", COLUMNS, rows)])


# Readers of the Moodle formats live in their own modules, which add themselves to BANK_READERS.
import assessments.bank_aiken  # noqa: E402, F401
import assessments.bank_moodle_xml  # noqa: E402, F401
