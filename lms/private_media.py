"""Files that hold personal data, kept where no URL reaches them and served only by views that
check who is asking.

Certificate PDFs and scans, bulk-issuance batch PDFs, export job files and case compilations
live under `PRIVATE_MEDIA_ROOT` (default `var/private`), outside `MEDIA_ROOT`, which holds only
public course content (Wagtail images and documents) and may be served by URL. A model keeps a
private file with `FileField(storage=private_storage)`, or a storage name (relative path) it
writes through `private_storage().path(name)`.

A view that has decided the user may have a file answers with `private_file_response`, the one
way such a file leaves the server: Django streams it, or — with `PRIVATE_MEDIA_ACCEL_REDIRECT`
set (e.g. "/_private/") — the response carries only an `X-Accel-Redirect` header and nginx sends
the file from an `internal` location aliasing `PRIVATE_MEDIA_ROOT`.
"""

from __future__ import annotations

import os
import shutil
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import quote

from django.conf import settings
from django.core.files.storage import FileSystemStorage
from django.http import FileResponse, Http404, HttpResponse
from django.utils.cache import patch_cache_control
from django.utils.deconstruct import deconstructible
from django.utils.functional import cached_property

from lms.downloads import name_download

# Where files of the private kinds were kept under MEDIA_ROOT before PRIVATE_MEDIA_ROOT existed.
# The stored names are relative, so a file moved to the same place under the new root is found
# again (lms/migrations/0005_private_media.py, `manage.py move_private_media`).
LEGACY_PRIVATE_DIRS = (
    "certificates/pdf",
    "certificates/batches",
    "certificates/scans",
    "exports",
    "casebank/compilations",
)


@deconstructible(path="lms.private_media.PrivateStorage")
class PrivateStorage(FileSystemStorage):
    """The file system under PRIVATE_MEDIA_ROOT. It has no URL: `url()` refuses, so a template
    cannot link to a private file by accident; link to the view that serves it instead."""

    @cached_property
    def base_location(self):
        return self._value_or_setting(self._location, settings.PRIVATE_MEDIA_ROOT)

    def _clear_cached_properties(self, setting, **kwargs):
        super()._clear_cached_properties(setting, **kwargs)
        if setting == "PRIVATE_MEDIA_ROOT":
            self.__dict__.pop("base_location", None)
            self.__dict__.pop("location", None)

    def url(self, name):
        raise ValueError("私有文件没有公开网址，请链接到检查权限的下载视图")


_storage = PrivateStorage()


def private_storage() -> PrivateStorage:
    """The storage of private files (a callable, so FileField migrations name it rather than a path)."""
    return _storage


def private_file_response(
    name: str, *, filename: str, content_type: str | None = None, as_attachment: bool = False
) -> HttpResponse:
    """Send the private file `name` (relative to PRIVATE_MEDIA_ROOT) to a user the caller has
    already authorised; 404 if it does not exist. Never cached by shared caches."""
    storage = private_storage()
    if not name or not storage.exists(name):
        raise Http404("文件不存在")
    prefix = settings.PRIVATE_MEDIA_ACCEL_REDIRECT
    if prefix:
        response = HttpResponse(content_type=content_type or "application/octet-stream")
        response["X-Accel-Redirect"] = prefix.rstrip("/") + "/" + quote(name.replace(os.sep, "/"))
    else:
        response = FileResponse(storage.open(name, "rb"), content_type=content_type)
    name_download(response, filename, attachment=as_attachment)
    patch_cache_control(response, private=True, no_store=True)
    return response


@dataclass
class MoveReport:
    moved: int = 0
    # Files left where they were because a file of that name already exists at the destination.
    conflicts: list[str] = field(default_factory=list)

    def __str__(self) -> str:
        text = f"已移动 {self.moved} 个私有文件"
        if self.conflicts:
            text += f"；{len(self.conflicts)} 个文件在目标位置已存在，旧文件保留未动（请核对后删除）：" + "、".join(
                self.conflicts[:10]
            )
        return text


def legacy_files(root) -> list[Path]:
    """Files of the private kinds under `root` (MEDIA_ROOT) at their old places."""
    root = Path(root)
    found = []
    for folder in LEGACY_PRIVATE_DIRS:
        if (root / folder).is_dir():
            found += sorted(p for p in (root / folder).rglob("*") if p.is_file())
    return found


def legacy_private_files_move(source_root=None, target_root=None) -> MoveReport:
    """Move private files written under MEDIA_ROOT by earlier versions to PRIVATE_MEDIA_ROOT, at
    the same relative names; never overwrites; removes the directories it empties. Idempotent."""
    source = Path(source_root or settings.MEDIA_ROOT)
    target = Path(target_root or settings.PRIVATE_MEDIA_ROOT)
    report = MoveReport()
    if source.resolve() == target.resolve():
        return report
    for path in legacy_files(source):
        relative = path.relative_to(source)
        destination = target / relative
        if destination.exists():
            report.conflicts.append(relative.as_posix())
            continue
        destination.parent.mkdir(parents=True, exist_ok=True)
        shutil.move(path, destination)  # a copy and delete when the roots are on different disks
        report.moved += 1
    for folder in LEGACY_PRIVATE_DIRS:
        directory = source / folder
        if directory.is_dir():
            for sub in sorted((p for p in directory.rglob("*") if p.is_dir()), key=lambda p: -len(p.parts)):
                _rmdir_if_empty(sub)
            _rmdir_if_empty(directory)
    return report


def _rmdir_if_empty(directory: Path) -> None:
    try:
        directory.rmdir()
    except OSError:  # not empty
        pass


def private_media_check(app_configs=None, **kwargs):
    """System checks: the private root must not lie inside a directory served by URL, and no
    private file may be left at its old place under MEDIA_ROOT."""
    from django.core.checks import Error, Warning

    private = Path(settings.PRIVATE_MEDIA_ROOT).resolve()
    errors = []
    for setting in ("MEDIA_ROOT", "STATIC_ROOT"):
        public = getattr(settings, setting, None)
        if public and private.is_relative_to(Path(public).resolve()):
            errors.append(
                Error(
                    f"PRIVATE_MEDIA_ROOT（{private}）位于 {setting}（{public}）之内，私有文件可能被按网址下载",
                    hint=f"把 PRIVATE_MEDIA_ROOT 设到 {setting} 之外，例如 var/private",
                    id="lms.E001",
                )
            )
    prefix = settings.PRIVATE_MEDIA_ACCEL_REDIRECT
    if prefix and not (prefix.startswith("/") and prefix.endswith("/")):
        errors.append(
            Error(
                f"PRIVATE_MEDIA_ACCEL_REDIRECT（{prefix}）应以 / 开头并以 / 结尾，例如 /_private/",
                id="lms.E002",
            )
        )
    media = Path(settings.MEDIA_ROOT)
    if any(p.is_file() for folder in LEGACY_PRIVATE_DIRS for p in (media / folder).rglob("*")):
        errors.append(
            Warning(
                f"MEDIA_ROOT（{settings.MEDIA_ROOT}）下仍有旧版本写入的私有文件（证书 PDF、扫描件、导出文件或案例汇编）",
                hint="运行 manage.py move_private_media 把它们移到 PRIVATE_MEDIA_ROOT",
                id="lms.W001",
            )
        )
    return errors
