"""Helpers for tests of the import and export commands."""

from __future__ import annotations

import csv
import io
from pathlib import Path

from django.core.management import call_command
from openpyxl import Workbook


def write_csv(path: Path, header: list[str], rows: list[list], *, bom: bool = True) -> str:
    """A CSV file as Excel on a Chinese desktop saves it (UTF-8 with BOM unless `bom=False`)."""
    with open(path, "w", encoding="utf-8-sig" if bom else "utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(header)
        writer.writerows(rows)
    return str(path)


def write_xlsx(path: Path, header: list[str], rows: list[list]) -> str:
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(header)
    for row in rows:
        sheet.append(row)
    workbook.save(path)
    return str(path)


def run_command(name: str, *args) -> tuple[int, str, str]:
    """Run a management command as the shell would: (exit status, stdout, stderr)."""
    out, err = io.StringIO(), io.StringIO()
    try:
        call_command(name, *[str(a) for a in args], stdout=out, stderr=err)
    except SystemExit as exc:
        return int(exc.code or 0), out.getvalue(), err.getvalue()
    return 0, out.getvalue(), err.getvalue()
