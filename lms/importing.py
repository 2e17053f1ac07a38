"""Shared machinery of the import commands (workers, questions, cases, certificates).

Every import reads a whole file, validates every row, and either writes everything in one
transaction or nothing: bad rows are collected as `第N行: <原因>` (N counts data rows from 1) and
the command exits with status 2.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError


@dataclass
class Row:
    number: int  # 1-based data-row number as shown to the user
    values: dict[str, str]

    def get(self, column: str) -> str:
        value = self.values.get(column)
        if value is None:
            return ""
        return str(value).strip()


@dataclass
class RowErrors:
    """Reasons collected per data row, reported in row order."""

    messages: list[tuple[int, str]] = field(default_factory=list)

    def add(self, row_number: int, reason: str) -> None:
        self.messages.append((row_number, reason))

    def __bool__(self) -> bool:
        return bool(self.messages)

    def lines(self) -> list[str]:
        return [f"第{n}行: {reason}" for n, reason in sorted(self.messages, key=lambda item: item[0])]


class ImportRejected(Exception):
    """Raised by an import service when any row is bad; nothing has been written."""

    def __init__(self, errors: RowErrors | list[str]):
        self.lines = errors.lines() if isinstance(errors, RowErrors) else list(errors)
        super().__init__("\n".join(self.lines))


def _cell_to_text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, dt.datetime):
        if value.time() == dt.time(0, 0):
            return value.date().isoformat()
        return value.isoformat(sep=" ")
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def read_rows(path: str | Path, *, required: Iterable[str] = ()) -> list[Row]:
    """Read a .csv (UTF-8, with or without BOM), .xlsx or .jsonl file into rows of text.

    Raises ImportRejected when the file cannot be read or lacks a required column.
    """
    path = Path(path)
    if not path.exists():
        raise ImportRejected([f"文件不存在：{path}"])
    suffix = path.suffix.lower()
    if suffix == ".csv":
        headers, records = _read_csv(path)
    elif suffix == ".xlsx":
        headers, records = _read_xlsx(path)
    elif suffix == ".jsonl":
        headers, records = _read_jsonl(path)
    else:
        raise ImportRejected([f"不支持的文件格式“{suffix or path.name}”，请使用 .csv 或 .xlsx"])
    missing = [column for column in required if column not in headers]
    if missing:
        raise ImportRejected([f"缺少必需的列：{'、'.join(missing)}"])
    rows = []
    for index, record in enumerate(records, start=1):
        if all(not str(v or "").strip() for v in record.values()):
            continue  # a blank line is not a row
        rows.append(Row(number=index, values=record))
    return rows


def _read_csv(path: Path) -> tuple[list[str], list[dict[str, str]]]:
    raw = path.read_bytes()
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        try:
            text = raw.decode("gb18030")
        except UnicodeDecodeError:
            raise ImportRejected(["文件编码无法识别，请保存为 UTF-8 编码的 CSV"]) from None
    reader = csv.DictReader(io.StringIO(text))
    headers = [h.strip() for h in (reader.fieldnames or [])]
    reader.fieldnames = headers
    records = [{k: (v if v is not None else "") for k, v in rec.items() if k is not None} for rec in reader]
    return headers, records


def _read_xlsx(path: Path) -> tuple[list[str], list[dict[str, str]]]:
    from openpyxl import load_workbook

    try:
        workbook = load_workbook(path, read_only=True, data_only=True)
    except Exception:
        raise ImportRejected(["无法读取 Excel 文件，请确认是 .xlsx 格式"]) from None
    sheet = workbook.worksheets[0]
    iterator = sheet.iter_rows(values_only=True)
    try:
        header_cells = next(iterator)
    except StopIteration:
        return [], []
    headers = [_cell_to_text(cell).strip() for cell in header_cells]
    records = []
    for cells in iterator:
        record = {}
        for header, cell in zip(headers, cells, strict=False):
            if header:
                record[header] = _cell_to_text(cell)
        records.append(record)
    workbook.close()
    return [h for h in headers if h], records


def _read_jsonl(path: Path) -> tuple[list[str], list[dict[str, str]]]:
    headers: list[str] = []
    records = []
    for line_no, line in enumerate(path.read_text(encoding="utf-8-sig").splitlines(), start=1):
        if not line.strip():
            records.append({})
            continue
        try:
            obj = json.loads(line)
        except json.JSONDecodeError as exc:
            raise ImportRejected([f"第{line_no}行: 不是有效的 JSON（{exc.msg}）"]) from None
        if not isinstance(obj, dict):
            raise ImportRejected([f"第{line_no}行: 每行应是一个 JSON 对象"])
        record = {}
        for key, value in obj.items():
            if key not in headers:
                headers.append(key)
            record[key] = ";".join(map(str, value)) if isinstance(value, list) else _cell_to_text(value)
        records.append(record)
    return headers, records


def parse_date(text: str) -> dt.date:
    """Accept 2024-03-01, 2024/3/1, 2024.3.1 and 2024年3月1日."""
    cleaned = text.strip().replace("年", "-").replace("月", "-").replace("日", "")
    for sep in ("/", "."):
        cleaned = cleaned.replace(sep, "-")
    if " " in cleaned:
        cleaned = cleaned.split(" ", 1)[0]
    parts = cleaned.split("-")
    if len(parts) != 3 or not all(p.isdigit() for p in parts):
        raise ValueError(text)
    return dt.date(int(parts[0]), int(parts[1]), int(parts[2]))


class ImportCommand(BaseCommand):
    """Base for `import_*` commands: prints rejected rows to stderr and exits with status 2."""

    def add_arguments(self, parser):
        parser.add_argument("file", help="要导入的文件")

    def run_import(self, path: str, **options):  # pragma: no cover - abstract
        raise NotImplementedError

    def handle(self, *args, **options):
        try:
            summary = self.run_import(options["file"], **options)
        except ImportRejected as rejected:
            for line in rejected.lines:
                self.stderr.write(line)
            raise SystemExit(2) from None
        except CommandError:
            raise
        if summary:
            self.stdout.write(str(summary))
