"""Moodle XML question banks (`<quiz><question type="…">`), read and written (docs/imports.md).

Mapping (docs/rules.md §11):
  multichoice `<single>true</single>` → 单选 (the 100% answer is right; other positive fractions refused)
  multichoice multiple → 多选 (every positive fraction is a right option)
  truefalse → 判断;  shortanswer → 填空 (one blank: fraction 100 and partial answers are the
  alternatives, partial ones keep their percent in `blank_credit`, 0-fraction answers only their feedback)
  essay → 简答 (`graderinfo` is what graders read: our 评分要点, with the reference answer in front
  of it as `参考答案：…` — Moodle has no other place for it; `responsetemplate` is not kept)
  category → 分类 (last part of `$course$/top/…`);  `<name>` → 题目名称;  `generalfeedback` → 解析;
  per-answer `<feedback>` → 答案反馈;  `defaultgrade` → 分值;  tags `能力指标:3.2` / `难度:中`.
questiontext `html` is sanitised (assessments.html), `markdown` becomes sanitised HTML, `plain_text`
and `moodle_auto_format` stay plain text. Options, feedback and 解析 are plain text in our bank, so
HTML there is read as its text. Images embedded in the question text (`<file … encoding="base64">`,
`@@PLUGINFILE@@/名称`) become Wagtail images in the 题库图片 collection when the import is applied
(assessments.services.bank_images) and go back to base64 on export.

The file is parsed with defusedxml (no DTDs, no entity expansion) and a tree builder that notes the
line each element starts on, so a problem names its question's number, name and line.
"""

from __future__ import annotations

import base64
import binascii
import io
import re
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from pathlib import Path
from urllib.parse import unquote
from xml.etree import ElementTree as ET
from xml.parsers import expat

from defusedxml import DefusedXmlException
from defusedxml.ElementTree import DefusedXMLParser

from assessments.bank_errors import QuestionErrors
from assessments.bank_io import (
    BANK_READERS,
    QuestionData,
    moodle_category_name,
    moodle_category_path,
    normalise_answer,
    parse_points,
)
from assessments.html import html_to_text, markdown_to_html, sanitise_html
from assessments.models import OPTION_LETTERS, Difficulty, QuestionType, StemFormat
from assessments.scoring import split_blanks
from lms.importing import ImportRejected

MAX_IMAGE_BYTES = 2 * 1024 * 1024
IMAGE_FORMATS = {"PNG", "JPEG", "GIF", "WEBP"}
PLUGINFILE = "@@PLUGINFILE@@/"
CATEGORY_MAX_LENGTH = 50  # Question.category

# The grades Moodle's question editor offers (question_bank::fraction_options_full); an import of
# any other fraction is rounded to one of these by Moodle, so we only ever write these.
MOODLE_FRACTIONS = tuple(
    Decimal(text)
    for text in (
        "100 90 83.33333 80 75 70 66.66667 60 50 40 33.33333 30 25 20 16.66667 14.28571 12.5 11.11111 10 5 0"
    ).split()
)

UNSUPPORTED_TYPES = {
    "matching": "匹配题",
    "randomsamatch": "随机简答匹配题",
    "numerical": "数值题",
    "calculated": "计算题",
    "calculatedsimple": "简单计算题",
    "calculatedmulti": "计算选择题",
    "ddwtos": "拖放填词题",
    "ddimageortext": "图片拖放题",
    "ddmarker": "拖放标记题",
    "gapselect": "下拉选词题",
    "multianswer": "完形填空（Cloze）题",
    "description": "说明（非试题）",
    "random": "随机题",
    "ordering": "排序题",
}
SUPPORTED_TYPES = ("multichoice", "truefalse", "shortanswer", "essay")

_EXPAT_REASONS = {
    expat.errors.codes[expat.errors.XML_ERROR_TAG_MISMATCH]: "标签不成对",
    expat.errors.codes[expat.errors.XML_ERROR_INVALID_TOKEN]: "有无效的字符（如未转义的 & 或 <）",
    expat.errors.codes[expat.errors.XML_ERROR_UNCLOSED_TOKEN]: "标签没有写完",
    expat.errors.codes[expat.errors.XML_ERROR_NO_ELEMENTS]: "文件为空或不完整",
    expat.errors.codes[expat.errors.XML_ERROR_JUNK_AFTER_DOC_ELEMENT]: "根元素之后还有多余内容",
    expat.errors.codes[expat.errors.XML_ERROR_UNDEFINED_ENTITY]: "有未定义的实体（& 应写成 &amp;）",
    expat.errors.codes[expat.errors.XML_ERROR_SYNTAX]: "语法错误",
}

_REFERENCE_PREFIX = "参考答案："
_GUIDE_PREFIX = "评分要点："
_GUIDE_SEPARATOR = "\n\n" + _GUIDE_PREFIX


@dataclass
class MoodleQuestionData(QuestionData):
    """A question read from Moodle XML: also the 评分要点 (`graderinfo`) and the stem's images."""

    marking_guide: str = ""
    images: dict[str, bytes] = field(default_factory=dict)  # name in @@PLUGINFILE@@ → file content

    def content(self) -> dict:
        return {**super().content(), "marking_guide": self.marking_guide}


class _LineTreeBuilder(ET.TreeBuilder):
    """A TreeBuilder that remembers the line each element starts on (ElementTree keeps none)."""

    def __init__(self):
        super().__init__()
        self.expat = None
        self.lines: dict[int, int] = {}

    def start(self, tag, attrs):
        element = super().start(tag, attrs)
        self.lines[id(element)] = self.expat.CurrentLineNumber
        return element


def _parse_tree(data: bytes) -> tuple[ET.Element, dict[int, int]]:
    builder = _LineTreeBuilder()
    parser = DefusedXMLParser(target=builder, forbid_dtd=True)
    builder.expat = parser.parser
    try:
        parser.feed(data)
        root = parser.close()
    except ET.ParseError as exc:
        line, _column = exc.position
        reason = _EXPAT_REASONS.get(exc.code, "格式不正确")
        raise ImportRejected([f"XML 格式错误（第{line}行）：{reason}，请检查该行附近"]) from exc
    except DefusedXmlException as exc:
        raise ImportRejected(["XML 文件含有 DTD 或实体定义，出于安全原因不予导入"]) from exc
    return root, builder.lines


def _text(element: ET.Element | None, path: str = "") -> str:
    node = element.find(f"{path}/text" if path else "text") if element is not None else None
    return (node.text or "") if node is not None else ""


def _html_as_plain(text: str) -> str:
    """Text of an HTML fragment, keeping its line breaks."""
    text = re.sub(r"(?i)<br\s*/?>", "\n", text or "")
    text = re.sub(r"(?i)</(p|div|li|h\d|tr)>", "\n", text)
    lines = [line.strip() for line in html_to_text(text).split("\n")]
    return "\n".join(lines).strip()


def _plain(element: ET.Element | None, path: str = "", default_format: str = "html") -> str:
    """Plain text of a Moodle text element (HTML and Markdown are read as their text)."""
    node = element.find(path) if (element is not None and path) else element
    if node is None:
        return ""
    text = _text(node)
    fmt = node.get("format", default_format)
    if fmt == "html":
        return _html_as_plain(text)
    if fmt == "markdown":
        return _html_as_plain(markdown_to_html(text))
    return text.strip()


def _fraction(answer: ET.Element) -> Decimal | None:
    try:
        value = Decimal((answer.get("fraction") or "0").strip())
    except InvalidOperation:
        return None
    return value if value.is_finite() else None


def _fraction_text(value: Decimal) -> str:
    return format(value.normalize(), "f")


def _image_problems(name: str, data: bytes) -> str | None:
    from PIL import Image, UnidentifiedImageError

    if len(data) > MAX_IMAGE_BYTES:
        return f"图片“{name}”大于 {MAX_IMAGE_BYTES // (1024 * 1024)} MB，请压缩后再导入"
    try:
        with Image.open(io.BytesIO(data)) as image:
            kind = image.format
            image.verify()
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError):
        return f"文件“{name}”不是可识别的图片（支持 PNG、JPEG、GIF、WebP）"
    if kind not in IMAGE_FORMATS:
        return f"图片“{name}”的格式 {kind} 不支持（支持 PNG、JPEG、GIF、WebP）"
    return None


_PLUGINFILE_RE = re.compile(re.escape(PLUGINFILE) + r"([^\"'\s?#<>]+)")


def stem_image_names(stem: str) -> list[str]:
    return [unquote(match) for match in _PLUGINFILE_RE.findall(stem)]


def _stem(question: ET.Element, problems: list[str]) -> tuple[str, str, dict[str, bytes]]:
    node = question.find("questiontext")
    if node is None:
        return "", StemFormat.PLAIN, {}
    raw = _text(node)
    fmt = node.get("format", "html")  # Moodle's importer assumes html when no format is given
    if fmt == "html":
        stem, stem_format = sanitise_html(raw), StemFormat.HTML
    elif fmt == "markdown":
        stem, stem_format = markdown_to_html(raw), StemFormat.HTML
    else:
        stem, stem_format = raw.strip(), StemFormat.PLAIN
    if stem_format == StemFormat.HTML and not html_to_text(stem) and "<img" not in stem:
        stem = ""
    files: dict[str, bytes] = {}
    refused: set[str] = set()
    for file in node.findall("file"):
        name = file.get("name", "")
        if (file.get("encoding") or "base64") != "base64":
            problems.append(f"图片“{name}”的编码应为 base64")
            refused.add(name)
            continue
        try:
            files[name] = base64.b64decode("".join((file.text or "").split()), validate=True)
        except (binascii.Error, ValueError):
            problems.append(f"图片“{name}”的 base64 内容无效")
            refused.add(name)
    images: dict[str, bytes] = {}
    if stem_format == StemFormat.HTML:
        for name in dict.fromkeys(stem_image_names(stem)):
            if name in refused:
                continue
            if name not in files:
                problems.append(f"题干引用的图片“{name}”没有随文件提供")
                continue
            problem = _image_problems(name, files[name])
            if problem:
                problems.append(problem)
            else:
                images[name] = files[name]
    return stem, stem_format, images


def default_name(stem: str) -> str:
    """The name we give Moodle for a question without one (Moodle requires a name): its start."""
    text = " ".join(html_to_text(stem).split())
    if not text:
        return "图片题"  # a stem of pictures only
    return text if len(text) <= 30 else text[:29] + "…"


def _title(name: str, stem: str) -> str:
    name = name.strip()
    return "" if name == default_name(stem) else name[:255]


def _grader_info(text: str) -> tuple[str, str]:
    """(reference answer, marking guide) from `graderinfo` as we write it (see write_moodle_xml)."""
    if text.startswith(_REFERENCE_PREFIX):
        reference, _, guide = text[len(_REFERENCE_PREFIX) :].partition(_GUIDE_SEPARATOR)
        return reference, guide
    if text.startswith(_GUIDE_PREFIX):
        return "", text[len(_GUIDE_PREFIX) :]
    return "", text


def _answers(question: ET.Element, problems: list[str], *, plain: bool) -> list[tuple[str, Decimal, str]]:
    """(text, fraction, feedback) of each answer. Moodle reads 判断/填空 answers as plain text
    whatever their format says, and others (and all feedback) in the question text's format."""
    text_node = question.find("questiontext")
    default_format = text_node.get("format", "html") if text_node is not None else "html"
    answers = []
    for position, answer in enumerate(question.findall("answer"), start=1):
        fraction = _fraction(answer)
        if fraction is None:
            problems.append(f"第{position}个答案的 fraction“{answer.get('fraction')}”不是数字")
            continue
        text = _text(answer).strip() if plain else _plain(answer, default_format=default_format)
        answers.append((text, fraction, _plain(answer, "feedback", default_format)))
    return answers


def _fill_choice(record: MoodleQuestionData, question: ET.Element, problems: list[str]) -> str | None:
    # as Moodle's trans_single: only "false", "0" or an empty value mean several answers
    single = (question.findtext("single") or "true").strip().lower() not in ("false", "0", "")
    record.qtype = QuestionType.SINGLE if single else QuestionType.MULTI
    answers = _answers(question, problems, plain=False)
    if len(answers) > len(OPTION_LETTERS):
        problems.append(f"选项最多 {len(OPTION_LETTERS)} 个，本题有 {len(answers)} 个")
    right = []
    for letter, (text, fraction, feedback) in zip(OPTION_LETTERS, answers, strict=False):
        if not text:
            problems.append(f"选项{letter}为空")
        record.options[letter] = text
        if feedback:
            record.answer_feedback[letter] = feedback
        if single and 0 < fraction < 100:
            problems.append(f"单选题的选项{letter}只得部分分（{_fraction_text(fraction)}%），本系统的单选题不支持")
        is_right = fraction >= 100 if single else fraction > 0
        if is_right:
            right.append(letter)
    if answers and not right:
        problems.append("选择题没有标出正确答案（fraction 大于 0 的选项）")
        return None
    return "".join(right)


def _fill_truefalse(record: MoodleQuestionData, question: ET.Element, problems: list[str]) -> str:
    record.qtype = QuestionType.TRUE_FALSE
    answer = ""
    for text, fraction, feedback in _answers(question, problems, plain=True):
        value = {"true": "对", "false": "错"}.get(text.strip().lower())
        if value is None:
            problems.append(f"判断题的答案应为 true 或 false，却是“{text}”")
            continue
        if feedback:
            record.answer_feedback[value] = feedback
        if fraction >= 100:
            answer = value
    if not answer:
        problems.append("判断题没有标出正确答案（fraction=100 的 true 或 false）")
    return answer


def _fill_shortanswer(record: MoodleQuestionData, question: ET.Element, problems: list[str]) -> str:
    record.qtype = QuestionType.BLANK
    alternatives = []
    for text, fraction, feedback in _answers(question, problems, plain=True):
        if re.search(r"[;；|｜]", text):
            problems.append(f"答案“{text}”含有分隔符 ; 或 |，无法作为填空答案")
            continue
        if fraction > 0 and text:
            alternatives.append(text)
            if fraction < 100:
                record.blank_credit[text] = _fraction_text(fraction)
        if feedback and text:
            record.answer_feedback[text] = feedback
    if alternatives and len(alternatives) == len(record.blank_credit):
        problems.append("填空题至少要有一个满分（fraction=100）的答案")
    return "|".join(alternatives)


def _fill_essay(record: MoodleQuestionData, question: ET.Element) -> str:
    record.qtype = QuestionType.ESSAY
    reference, record.marking_guide = _grader_info(_plain(question, "graderinfo"))
    return reference


def _read_tags(record: MoodleQuestionData, question: ET.Element, problems: list[str]) -> None:
    for tag in question.findall("tags/tag"):
        key, sep, value = _text(tag).replace("：", ":").partition(":")
        if not sep:
            continue
        key, value = key.strip(), value.strip()
        if key == "能力指标":
            record.indicator_code = value
        elif key == "难度":
            if value not in Difficulty.values:
                problems.append(f"难度“{value}”应为 易、中 或 难")
            record.difficulty = value


def _question(number: int, question: ET.Element, category: str, errors: QuestionErrors) -> MoodleQuestionData | None:
    problems: list[str] = []
    stem, stem_format, images = _stem(question, problems)
    points, problem = parse_points((question.findtext("defaultgrade") or "1").strip() or "1")
    if problem:
        problems.append(problem)
    record = MoodleQuestionData(
        number=number,
        qtype="",
        stem=stem,
        explanation=_plain(question, "generalfeedback"),
        points=points or Decimal("1"),
        category=category,
        title=_title(_text(question, "name"), stem),
        stem_format=stem_format,
        images=images,
    )
    if not stem:
        problems.append("缺少题干")
    if len(category) > CATEGORY_MAX_LENGTH:
        problems.append(f"分类“{category}”超过 {CATEGORY_MAX_LENGTH} 个字")
    qtype = question.get("type")
    if qtype == "multichoice":
        raw = _fill_choice(record, question, problems)
    elif qtype == "truefalse":
        raw = _fill_truefalse(record, question, problems)
    elif qtype == "shortanswer":
        raw = _fill_shortanswer(record, question, problems)
    else:
        raw = _fill_essay(record, question)
    _read_tags(record, question, problems)
    if record.qtype == QuestionType.TRUE_FALSE:
        record.answer = raw
    elif raw is not None:  # None: the answers were already found wanting
        record.answer, answer_problems = normalise_answer(record.qtype, raw, record.options)
        problems.extend(answer_problems)
    for problem in problems:
        errors.add(number, problem)
    return None if problems else record


def parse_moodle_xml(data: bytes) -> tuple[list[MoodleQuestionData], QuestionErrors]:
    """Parse a Moodle XML file. Questions (not categories) are numbered from 1 in file order."""
    root, lines = _parse_tree(data)
    if root.tag != "quiz":
        raise ImportRejected([f"XML 文件的根元素应为 <quiz>（Moodle XML 格式），却是 <{root.tag}>"])
    errors = QuestionErrors()
    records: list[MoodleQuestionData] = []
    category = ""
    number = 0
    for question in root.findall("question"):
        qtype = question.get("type", "")
        if qtype == "category":
            category = moodle_category_name(_text(question, "category"))
            continue
        number += 1
        errors.locate(number, name=_text(question, "name").strip(), line=lines.get(id(question)))
        if qtype in UNSUPPORTED_TYPES:
            errors.add(number, f"{UNSUPPORTED_TYPES[qtype]}（{qtype}）暂不支持")
            continue
        if not qtype:
            errors.add(number, "缺少题型（<question> 的 type 属性）")
            continue
        if qtype not in SUPPORTED_TYPES:
            errors.add(number, f"题型“{qtype}”暂不支持（支持单选、多选、判断、填空、简答）")
            continue
        record = _question(number, question, category, errors)
        if record is not None:
            records.append(record)
    return records, errors


def read_moodle_xml_file(path: Path) -> tuple[list[MoodleQuestionData], QuestionErrors]:
    return parse_moodle_xml(Path(path).read_bytes())


# --- writing ------------------------------------------------------------------------------------


def moodle_fraction(share: Decimal) -> str:
    """The entry of Moodle's grade list nearest to `share` percent, as Moodle writes it."""
    sign = -1 if share < 0 else 1
    nearest = min(MOODLE_FRACTIONS, key=lambda value: abs(value - abs(share)))
    return _fraction_text(nearest * sign)


def _text_element(parent: ET.Element, tag: str, text: str, fmt: str | None = "plain_text") -> ET.Element:
    element = ET.SubElement(parent, tag, {"format": fmt} if fmt else {})
    ET.SubElement(element, "text").text = text
    return element


def _answer(parent: ET.Element, fraction: str, text: str, feedback: str, fmt: str) -> None:
    answer = ET.SubElement(parent, "answer", {"fraction": fraction, "format": fmt})
    ET.SubElement(answer, "text").text = text
    _text_element(answer, "feedback", feedback)


def _grader_text(q) -> str:
    guide = getattr(q, "marking_guide", "") or ""
    if q.answer:
        return _REFERENCE_PREFIX + q.answer + (_GUIDE_SEPARATOR + guide if guide else "")
    return _GUIDE_PREFIX + guide if guide else ""


def write_moodle_xml(questions, *, image_files=None) -> tuple[bytes, list[str]]:
    """Moodle XML (as Moodle 4.x imports it) for the questions, and notes on those it cannot hold.

    `image_files(stem)` → (stem with `@@PLUGINFILE@@/名称`, {名称: bytes}) turns our stored images
    back into embedded files (assessments.services.bank_images)."""
    root = ET.Element("quiz")
    root.append(ET.Comment(" 网格学院题库导出（Moodle XML 格式） "))
    notes: list[str] = []
    category = None
    for index, q in enumerate(questions, start=1):
        if q.qtype == QuestionType.BLANK and len(split_blanks(q.answer)) > 1:
            notes.append(f"第{index}题为多空填空题，Moodle XML 无法表达，已跳过（请用 XLSX 导出）")
            continue
        if (q.category or "") != category:
            category = q.category or ""
            head = ET.SubElement(root, "question", {"type": "category"})
            ET.SubElement(ET.SubElement(head, "category"), "text").text = moodle_category_path(category)
        qtype = {
            QuestionType.SINGLE: "multichoice",
            QuestionType.MULTI: "multichoice",
            QuestionType.TRUE_FALSE: "truefalse",
            QuestionType.BLANK: "shortanswer",
            QuestionType.ESSAY: "essay",
        }[q.qtype]
        element = ET.SubElement(root, "question", {"type": qtype})
        ET.SubElement(ET.SubElement(element, "name"), "text").text = q.title or default_name(q.stem)
        stem, files = q.stem, {}
        if q.stem_format == StemFormat.HTML and image_files is not None:
            stem, files = image_files(q.stem)
        text = _text_element(
            element, "questiontext", stem, "html" if q.stem_format == StemFormat.HTML else "plain_text"
        )
        for name, data in files.items():
            file = ET.SubElement(text, "file", {"name": name, "path": "/", "encoding": "base64"})
            file.text = base64.b64encode(data).decode("ascii")
        _text_element(element, "generalfeedback", q.explanation or "")
        ET.SubElement(element, "defaultgrade").text = _fraction_text(Decimal(q.points))
        ET.SubElement(element, "penalty").text = "0"
        ET.SubElement(element, "hidden").text = "0"
        ET.SubElement(element, "idnumber").text = ""
        feedback = q.answer_feedback or {}
        if qtype == "multichoice":
            single = q.qtype == QuestionType.SINGLE
            ET.SubElement(element, "single").text = "true" if single else "false"
            ET.SubElement(element, "shuffleanswers").text = "false"
            ET.SubElement(element, "answernumbering").text = "ABCD"
            right = set(q.answer)
            share = moodle_fraction(Decimal(100) / len(right)) if right else "0"
            for letter, option in q.options.items():
                fraction = ("100" if single else share) if letter in right else ("0" if single else "-100")
                _answer(element, fraction, option, feedback.get(letter, ""), "plain_text")
        elif qtype == "truefalse":
            for value, word in (("对", "true"), ("错", "false")):
                fraction = "100" if q.answer == value else "0"
                _answer(element, fraction, word, feedback.get(value, ""), "moodle_auto_format")
        elif qtype == "shortanswer":
            ET.SubElement(element, "usecase").text = "0"
            alternatives = split_blanks(q.answer)[0] if q.answer else []
            credit = q.blank_credit or {}
            for alternative in alternatives:
                fraction = moodle_fraction(Decimal(credit[alternative])) if alternative in credit else "100"
                _answer(element, fraction, alternative, feedback.get(alternative, ""), "moodle_auto_format")
            for text, note in feedback.items():
                if text not in alternatives:
                    _answer(element, "0", text, note, "moodle_auto_format")
        else:
            ET.SubElement(element, "responseformat").text = "editor"
            ET.SubElement(element, "responserequired").text = "1"
            ET.SubElement(element, "responsefieldlines").text = "10"
            ET.SubElement(element, "attachments").text = "0"
            ET.SubElement(element, "attachmentsrequired").text = "0"
            _text_element(element, "graderinfo", _grader_text(q))
            _text_element(element, "responsetemplate", "", "html")
        tags = [f"能力指标:{q.indicator_code}"] if q.indicator_code else []
        tags += [f"难度:{q.difficulty}"] if q.difficulty else []
        if tags:
            holder = ET.SubElement(element, "tags")
            for tag in tags:
                ET.SubElement(ET.SubElement(holder, "tag"), "text").text = tag
    ET.indent(root)
    buffer = io.BytesIO()
    ET.ElementTree(root).write(buffer, encoding="UTF-8", xml_declaration=True)
    return buffer.getvalue() + b"\n", notes


BANK_READERS[".xml"] = read_moodle_xml_file
