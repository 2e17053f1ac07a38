"""Images embedded in imported question text, kept as Wagtail images (docs/rules.md §11).

A Moodle XML stem refers to its pictures as `@@PLUGINFILE@@/名称` with the bytes in the file; on
import each becomes a Wagtail image in the 题库图片 collection and the stem points at its URL. The
same picture (same SHA-1, which Wagtail stores as `file_hash`) is reused, so importing a file again
leaves the stem — and so the question — unchanged. Export does the reverse.
"""

from __future__ import annotations

import hashlib
import io
import re
from pathlib import PurePosixPath
from urllib.parse import quote, unquote

from django.conf import settings
from django.core.files.base import ContentFile
from wagtail.images import get_image_model
from wagtail.models import Collection

from assessments.bank_moodle_xml import PLUGINFILE, stem_image_names

IMAGE_COLLECTION = "题库图片"
_SUFFIXES = {"PNG": ".png", "JPEG": ".jpg", "GIF": ".gif", "WEBP": ".webp"}


def question_image_collection() -> Collection:
    root = Collection.get_first_root_node()
    existing = root.get_children().filter(name=IMAGE_COLLECTION).first()
    return existing or root.add_child(name=IMAGE_COLLECTION)


def question_image_store(*, name: str, data: bytes):
    """The Wagtail image holding `data`: the one already stored, else a new one in 题库图片.

    The file is named by its content (SHA-1) and written only if absent: the import page's check
    runs the import in a transaction it rolls back, and files are not rolled back — this way a
    check leaves at most the one file the real import will then use, never a pile of copies."""
    from PIL import Image as PILImage

    Image = get_image_model()
    collection = question_image_collection()
    digest = hashlib.sha1(data).hexdigest()
    existing = Image.objects.filter(collection=collection, file_hash=digest).first()
    if existing is not None:
        return existing
    with PILImage.open(io.BytesIO(data)) as picture:
        width, height = picture.size
        suffix = _SUFFIXES.get(picture.format, ".img")
    image = Image(title=name[:255], collection=collection, width=width, height=height)
    storage = image.file.field.storage
    file_name = image.get_upload_to(f"question-{digest[:20]}{suffix}")
    if not storage.exists(file_name):
        file_name = storage.save(file_name, ContentFile(data))
    image.file.name = file_name
    image.file_size, image.file_hash = len(data), digest
    image.save()
    return image


def question_images_store(*, records) -> None:
    """Store the images of records read from Moodle XML and point their stems at them."""
    for record in records:
        images = getattr(record, "images", None)
        if not images:
            continue
        urls = {name: question_image_store(name=name, data=data).file.url for name, data in images.items()}

        def replace(match, urls=urls):
            name = stem_image_names(match.group(0))[0]
            return urls.get(name, match.group(0))

        record.stem = re.sub(re.escape(PLUGINFILE) + r"[^\"'\s?#<>]+", replace, record.stem)
        record.images = {}


def _export_name(image) -> str:
    """The picture's original file name (its title) when it is one, else its stored file name."""
    title = PurePosixPath(image.title.replace("\\", "/")).name
    if PurePosixPath(title).suffix.lower() in {".png", ".jpg", ".jpeg", ".gif", ".webp"}:
        return title
    return PurePosixPath(image.file.name).name


_SRC_RE = re.compile(r'(<img\b[^>]*?\bsrc=")([^"]+)(")')


def stem_images_embed(stem: str) -> tuple[str, dict[str, bytes]]:
    """`stem` with our stored images as `@@PLUGINFILE@@/名称`, and those files' bytes (for export)."""
    Image = get_image_model()
    files: dict[str, bytes] = {}
    by_url: dict[str, str] = {}

    def replace(match):
        url = match.group(2)
        if url in by_url:
            return match.group(1) + PLUGINFILE + quote(by_url[url]) + match.group(3)
        if not url.startswith(settings.MEDIA_URL):
            return match.group(0)
        image = Image.objects.filter(file=unquote(url[len(settings.MEDIA_URL) :])).first()
        if image is None:
            return match.group(0)
        name = _export_name(image)
        stem_part, suffix = PurePosixPath(name).stem, PurePosixPath(name).suffix
        counter = 1
        while name in files:
            counter += 1
            name = f"{stem_part}-{counter}{suffix}"
        with image.open_file() as handle:
            files[name] = handle.read()
        by_url[url] = name
        return match.group(1) + PLUGINFILE + quote(name) + match.group(3)

    return _SRC_RE.sub(replace, stem), files
