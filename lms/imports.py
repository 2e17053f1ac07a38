"""The registry of on-screen imports (ImportJob): the pages behind 批量导入 for every kind of file.

An app registers each import once, in its AppConfig.ready():

    register_import(
        "lms.workers", label="人员", columns=[...], example=[...],
        apply=apply_workers, may_start=may_import_workers,
    )

`apply(context)` runs the very service the kind's `manage.py import_*` command runs (so a page and a
command validate the same way) and returns its summary; it raises `ImportRejected` with the
`第N行: 原因` lines when any row is bad. The page never calls a separate validator: the preview runs
`apply` inside a transaction that is rolled back (`lms.services_imports`), so what the preview
promises is exactly what the confirm writes.

`read(path)` gives the rows the preview shows and counts (default: `read_rows` with the kind's
`required` columns); `formats` are the file suffixes the kind accepts. `targets(user)` is for a kind
that imports into something the uploader chooses (questions into a quiz): it returns the choices
the user may pick as (id, label) pairs and `target(user, id)` gets the chosen object or None.
`may_start(user)` checks role; scope is checked per row by the service, which is given the uploader.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from lms.importing import Row, read_rows

DEFAULT_FORMATS = (".csv", ".xlsx")


@dataclass(frozen=True)
class ImportContext:
    path: Path
    user: Any
    target: Any = None


@dataclass(frozen=True)
class ImportKind:
    kind: str
    label: str
    columns: Sequence[str]
    example: Sequence[str]
    apply: Callable[[ImportContext], Any]
    may_start: Callable[[Any], bool]
    required: Sequence[str] = ()
    formats: Sequence[str] = DEFAULT_FORMATS
    read: Callable[[Path], list[Row]] | None = None
    targets: Callable[[Any], list[tuple[int, str]]] | None = None
    target: Callable[[Any, int], Any] | None = None
    target_label: str = ""
    notes: Sequence[str] = field(default_factory=tuple)
    # Which staff homes link here: "hr" (人事工作台), "trainer" (a trainer's 我的学习).
    homes: Sequence[str] = ("trainer",)

    def rows(self, path: Path) -> list[Row]:
        if self.read is not None:
            return self.read(path)
        return read_rows(path, required=self.required)

    @property
    def formats_label(self) -> str:
        return "、".join(self.formats)


_registry: dict[str, ImportKind] = {}


def register_import(kind: str, **options) -> None:
    _registry[kind] = ImportKind(kind=kind, **options)


def import_kind(kind: str) -> ImportKind | None:
    return _registry.get(kind)


def kind_label(kind: str) -> str:
    entry = _registry.get(kind)
    return entry.label if entry else kind


def import_kinds_for(user, *, home: str | None = None) -> list[ImportKind]:
    """The kinds the user may start (role checks only), in registration order."""
    if user is None or not user.is_authenticated:
        return []
    return [entry for entry in _registry.values() if (home is None or home in entry.homes) and entry.may_start(user)]


def summary_counts(summary) -> str:
    """What a service summary says will change, in the preview's words (created/updated/… counts)."""
    parts = []
    for attribute, word in (
        ("created", "新增"),
        ("updated", "更新"),
        ("unchanged", "未变化"),
        ("removed", "移出"),
    ):
        value = getattr(summary, attribute, None)
        if value is not None:
            parts.append(f"{word} {value} 条")
    return "，".join(parts) if parts else str(summary)
