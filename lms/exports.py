"""The registry of on-screen exports that run as background jobs (ExportJob).

An app registers each export once, in its AppConfig.ready():

    register_export("certificates.allowances", label="津贴发放表", run=run_allowances, may_start=may_export)

`may_start(user)` says whether the user may start it (the navigation shows 我的导出 to anyone who
may start at least one export; the view that starts a job still checks for itself).
`run(job, output, progress)` writes the file to `output` (a binary file object owned by the job
runner, so the app needs to know nothing of MEDIA_ROOT or the storage backend), calls
`progress(done, total)` as it goes and returns an `ExportResult`. It computes with
`job.requested_by`'s scope: the job runs later, in a worker, without the request.

Personal data leaves the server when the file is downloaded, not when it is written, so a writer
that logs its export takes a `DeferredAudit` in place of `audit_log_record`: the rows it would have
written are kept on the job and written on every download.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import IO, Any

Progress = Callable[[int, int], None]


class ExportError(Exception):
    """A refused or impossible export; the message (Chinese) is shown to the user as is."""


@dataclass(frozen=True)
class ExportResult:
    file_name: str
    content_type: str
    audit: list[dict] = field(default_factory=list)


@dataclass(frozen=True)
class ExportKind:
    kind: str
    label: str
    run: Callable[[Any, IO[bytes], Progress], ExportResult]
    may_start: Callable[[Any], bool] | None = None


_registry: dict[str, ExportKind] = {}


def register_export(
    kind: str,
    *,
    label: str,
    run: Callable[[Any, IO[bytes], Progress], ExportResult],
    may_start: Callable[[Any], bool] | None = None,
) -> None:
    _registry[kind] = ExportKind(kind=kind, label=label, run=run, may_start=may_start)


def export_kind(kind: str) -> ExportKind | None:
    return _registry.get(kind)


def kind_label(kind: str) -> str:
    """The Chinese name of an export kind (the code itself for a kind no longer registered)."""
    entry = _registry.get(kind)
    return entry.label if entry else kind


def may_export_any(user) -> bool:
    """Whether the user may start at least one registered export (role checks only, no query)."""
    if user is None or not user.is_authenticated:
        return False
    return any(entry.may_start(user) for entry in _registry.values() if entry.may_start is not None)


class DeferredAudit:
    """Stands in for `lms.services.audit_log_record` while a job writes its file."""

    def __init__(self) -> None:
        self.entries: list[dict] = []

    def __call__(
        self, *, actor=None, action: str, target_type: str, target_id="", detail: dict | None = None, ip_address=None
    ):
        self.entries.append(
            {"action": action, "target_type": target_type, "target_id": str(target_id), "detail": detail or {}}
        )
