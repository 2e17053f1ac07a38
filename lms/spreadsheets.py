"""Writing tables as XLSX or CSV: the one place that knows openpyxl's write-only mode and the BOM.

Every export (allowances, certificate register, quiz results, training compliance, a worker's own
record, question banks) streams its rows through `table_write`, so a 100,000-row file is written
without holding the workbook in memory, money is a number with two decimals in XLSX and plain
two-decimal text in CSV, and CSV starts with a BOM so that Excel reads the Chinese headers.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import IO

XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
CSV_CONTENT_TYPE = "text/csv; charset=utf-8"
CONTENT_TYPES = {"xlsx": XLSX_CONTENT_TYPE, "csv": CSV_CONTENT_TYPE}

CENT = Decimal("0.01")

Progress = Callable[[int, int], None]


@dataclass
class Sheet:
    """One worksheet: a header row (None for none) and its rows; `money` holds the column indexes
    written as amounts in 元."""

    title: str
    headers: Sequence[str] | None
    rows: Iterable[Sequence]
    money: frozenset[int] = field(default_factory=frozenset)


def format_of(path_or_name) -> str:
    """`xlsx` or `csv` from a file name; ValueError (Chinese) for anything else."""
    suffix = Path(str(path_or_name)).suffix.lower()
    if suffix not in {".csv", ".xlsx"}:
        raise ValueError(f"不支持的导出格式“{suffix}”，请使用 .csv 或 .xlsx")
    return suffix[1:]


def money_text(value) -> str:
    return f"{Decimal(value).quantize(CENT):.2f}"


def table_write(
    target: str | Path | IO,
    sheets: Sequence[Sheet],
    *,
    fmt: str = "xlsx",
    progress: Progress | None = None,
    total: int = 0,
) -> int:
    """Write `sheets` to `target` (a path, or a binary stream for XLSX / a text or binary stream
    for CSV) and return the number of rows of the first sheet.

    CSV holds the first sheet only. `progress(done, total)` follows the first sheet's rows (`total`
    counted by the caller beforehand, an upper bound when rows are filtered while streaming) and is
    called finally with (rows, rows).
    """
    if fmt == "csv":
        count = _csv_write(target, sheets[0], progress, total)
    elif fmt == "xlsx":
        count = _xlsx_write(target, sheets, progress, total)
    else:
        raise ValueError(f"不支持的导出格式“{fmt}”，请使用 csv 或 xlsx")
    if progress is not None:
        progress(count, count)
    return count


def _counted(rows: Iterable[Sequence], progress: Progress | None, total: int):
    count = 0
    for row in rows:
        yield row
        count += 1
        if progress is not None:
            progress(count, max(total, count))


def _csv_write(target, sheet: Sheet, progress: Progress | None, total: int) -> int:
    if isinstance(target, (str, Path)):
        with open(target, "w", encoding="utf-8-sig", newline="") as handle:
            return _csv_rows(handle, sheet, progress, total)
    if isinstance(target, io.TextIOBase):
        target.write("\ufeff")
        return _csv_rows(target, sheet, progress, total)
    text = io.TextIOWrapper(target, encoding="utf-8-sig", newline="")
    try:
        return _csv_rows(text, sheet, progress, total)
    finally:
        text.flush()
        text.detach()  # the caller still owns (and closes) the binary stream


def _csv_rows(handle, sheet: Sheet, progress: Progress | None, total: int) -> int:
    writer = csv.writer(handle)
    if sheet.headers is not None:
        writer.writerow(sheet.headers)
    count = 0
    for row in _counted(sheet.rows, progress, total):
        writer.writerow([money_text(v) if i in sheet.money else v for i, v in enumerate(row)])
        count += 1
    return count


def _xlsx_write(target, sheets: Sequence[Sheet], progress: Progress | None, total: int) -> int:
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell

    workbook = Workbook(write_only=True)
    count = 0
    for index, sheet in enumerate(sheets):
        worksheet = workbook.create_sheet(sheet.title[:31])
        if sheet.headers is not None:
            worksheet.append(list(sheet.headers))
        rows = _counted(sheet.rows, progress, total) if index == 0 else sheet.rows
        for row in rows:
            if sheet.money:
                row = [_money_cell(worksheet, v, WriteOnlyCell) if i in sheet.money else v for i, v in enumerate(row)]
            worksheet.append(list(row))
            if index == 0:
                count += 1
    workbook.save(target)
    return count


def _money_cell(worksheet, value, cell_class):
    if value is None or value == "":
        return value
    cell = cell_class(worksheet, value=Decimal(value).quantize(CENT))
    cell.number_format = "0.00"
    return cell
