"""Certificate PDFs: WeasyPrint with an embedded Noto CJK font and a segno QR code.

Why this is fast enough for bulk issuance: embedding the system font makes WeasyPrint cut the 20 MB
Noto CJK collection down to the glyphs used, for every document. We build once (and cache under
VAR_DIR/cache/fonts) a pre-subset font with fontTools holding the GB 2312 character set (7,000 common
characters, ASCII, CJK punctuation), and declare it first in the font stack; the full system font
follows it, so a name with a character outside that set (堃, 䶮 …) still renders — only that PDF pays
for cutting the big font. One FontConfiguration and stylesheet are kept per process, and a batch is
laid out once: each page is written as its own PDF and the whole as the print-ready batch.
"""

from __future__ import annotations

import atexit
import datetime as dt
import logging
import os
import shutil
import subprocess
import tempfile
import threading
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.template.loader import render_to_string

logger = logging.getLogger(__name__)

FULL_FONT_CANDIDATES = [
    # (file, face index in the collection, family name for local())
    ("/usr/share/fonts/opentype/noto/NotoSerifCJK-Regular.ttc", 2, "Noto Serif CJK SC"),
    ("/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc", 2, "Noto Sans CJK SC"),
]
COMMON_FONT_NAME = "GACommonSC-v1.otf"
_lock = threading.RLock()
_state: dict = {}
# Drop WeasyPrint objects before interpreter teardown (their __del__ fails once modules are gone).
atexit.register(_state.clear)


def full_font() -> tuple[Path, int, str]:
    configured = getattr(settings, "CERTIFICATE_FONT_FILE", "")
    if configured:
        return Path(configured), int(getattr(settings, "CERTIFICATE_FONT_INDEX", 0)), ""
    for path, index, family in FULL_FONT_CANDIDATES:
        if Path(path).exists():
            return Path(path), index, family
    raise RuntimeError("未找到 Noto CJK 字体，请安装 Debian 软件包 fonts-noto-cjk")


def font_cache_dir() -> Path:
    return Path(getattr(settings, "CERTIFICATE_FONT_CACHE_DIR", "") or Path(settings.VAR_DIR) / "cache" / "fonts")


def common_characters() -> set[int]:
    """GB 2312 (6,763 汉字 and its symbols), ASCII, CJK and full-width punctuation."""
    chars = set(range(0x20, 0x7F)) | set(range(0x3000, 0x3040)) | set(range(0xFF01, 0xFF5F))
    chars |= {0xB7, 0x2014, 0x2026, 0x2018, 0x2019, 0x201C, 0x201D, 0x2116, 0x25CB}
    for high in range(0xA1, 0xF8):
        for low in range(0xA1, 0xFF):
            try:
                chars.add(ord(bytes([high, low]).decode("gb2312")))
            except UnicodeDecodeError:
                pass
    return chars


def common_font_path() -> Path:
    """The pre-subset font, built on first use (about 15 s) and cached on disk."""
    target = font_cache_dir() / COMMON_FONT_NAME
    if target.exists():
        return target
    with _lock:
        if target.exists():
            return target
        from fontTools import subset
        from fontTools.ttLib import TTFont

        path, index, _ = full_font()
        logger.info("building the pre-subset certificate font from %s", path)
        font = TTFont(str(path), fontNumber=index) if path.suffix.lower() in {".ttc", ".otc"} else TTFont(str(path))
        options = subset.Options()
        options.name_IDs = ["*"]
        options.layout_features = ["*"]
        options.hinting = False
        options.desubroutinize = True
        subsetter = subset.Subsetter(options)
        subsetter.populate(unicodes=common_characters())
        subsetter.subset(font)
        target.parent.mkdir(parents=True, exist_ok=True)
        tmp = target.with_suffix(f".{os.getpid()}.tmp")
        font.save(str(tmp))
        os.replace(tmp, target)
    return target


CERTIFICATE_CSS = "certificates/pdf/certificate.css"


def font_stylesheet(css_template: str, batch_font: Path | None = None):
    """(FontConfiguration, CSS) of a PDF: the template's rules over the project's Chinese font stack
    (a batch's own subset first if given, the pre-subset common font, the full system font behind),
    built once per process per template and batch font. Certificates, the survey card and the
    competency report all print through it."""
    key = (css_template, str(batch_font or ""))
    with _lock:
        if key not in _state:
            from weasyprint import CSS
            from weasyprint.text.fonts import FontConfiguration

            common = common_font_path()
            path, _, family = full_font()
            local = f'local("{family}"), ' if family else ""
            font_config = FontConfiguration()
            faces = ""
            stack = '"GACommon", "GAFull"'
            if batch_font is not None:
                faces = f'@font-face {{ font-family: "GABatch"; src: url("{batch_font.as_uri()}"); }}\n'
                stack = '"GABatch", ' + stack
            css_text = (
                faces
                + f'@font-face {{ font-family: "GACommon"; src: url("{common.as_uri()}"); }}\n'
                + f'@font-face {{ font-family: "GAFull"; src: {local}url("{path.as_uri()}"); }}\n'
                + render_to_string(css_template)
                + f"\nbody {{ font-family: {stack}; }}\n"
            )
            _state[key] = (font_config, CSS(string=css_text, font_config=font_config))
        return _state[key]


def _stylesheet(batch_font: Path | None = None):
    return font_stylesheet(CERTIFICATE_CSS, batch_font)


def batch_font_build(sheets: list[CertificateSheet], directory: Path) -> Path:
    """A font holding only the characters this batch prints, cut from the pre-subset font.

    WeasyPrint subsets every font it embeds, once per PDF, and the cost grows with the source
    font: about 15 ms a page from the 7,000-character font against 3 ms from a few hundred
    glyphs. Characters outside the common set are not in it and fall back to the full font.
    """
    from fontTools import subset
    from fontTools.ttLib import TTFont

    text = sheet_html(sheets[0]) + "0123456789年月日"
    text += "".join(
        f"{s.holder_name}{s.employee_no}{s.type_name}{s.serial_no}{s.issuer}{s.source_label}{s.original_issuer}"
        for s in sheets
    )
    wanted = {ord(ch) for ch in text} | set(range(0x20, 0x7F))
    font = TTFont(str(common_font_path()))
    options = subset.Options()
    options.layout_features = ["*"]
    options.name_IDs = ["*"]
    options.hinting = False
    options.desubroutinize = True
    subsetter = subset.Subsetter(options)
    subsetter.populate(unicodes=wanted & set(font.getBestCmap()))
    subsetter.subset(font)
    directory.mkdir(parents=True, exist_ok=True)
    target = directory / f"batch-{os.getpid()}-{id(sheets)}.otf"
    font.save(str(target))
    return target


@dataclass(frozen=True)
class CertificateSheet:
    """Everything printed on one certificate (plain data, so worker processes need no database)."""

    holder_name: str
    employee_no: str
    type_name: str
    type_code: str
    serial_no: str
    issued_on: dt.date
    valid_until: dt.date | None
    issuer: str
    source_label: str
    verify_url: str
    # "certificate": one the platform issues in its own name. "registration": the 持证登记凭证 of an
    # external qualification — issued by the centre (`issuer`), naming the authority that issued
    # the original (`original_issuer`) only as a registered fact.
    kind: str = "certificate"
    original_issuer: str = ""
    registered_on: dt.date | None = None


def qr_data_uri(url: str) -> str:
    """The QR code as a one-pixel-per-module PNG (printed without smoothing, so edges stay sharp).

    A fixed mask skips segno's evaluation of all eight masks, and a tiny PNG is far cheaper for
    WeasyPrint than an SVG path of hundreds of segments.
    """
    import segno

    return segno.make(url, error="m", mask=2).png_data_uri(scale=1, border=2)


def sheet_html(sheet: CertificateSheet) -> str:
    return render_to_string("certificates/pdf/sheet.html", {"s": sheet, "qr": qr_data_uri(sheet.verify_url)})


def _document(sheets: list[CertificateSheet], batch_font: Path | None = None):
    from weasyprint import HTML

    font_config, css = _stylesheet(batch_font)
    body = "".join(sheet_html(sheet) for sheet in sheets)
    html = f'<!doctype html><html lang="zh-Hans"><head><meta charset="utf-8"><title>证书</title></head><body>{body}</body></html>'
    return HTML(string=html, base_url=str(settings.BASE_DIR)).render(stylesheets=[css], font_config=font_config)


def render_batch(
    sheets: list[CertificateSheet],
    paths: list[Path] | None = None,
    batch_path: Path | None = None,
    batch_font: Path | None = None,
) -> None:
    """Lay the sheets out once; write each page to its own file and/or the whole to `batch_path`."""
    with _lock:
        document = _document(sheets, batch_font)
        if paths is not None:
            for page, path in zip(document.pages, paths, strict=True):
                _write_atomic(Path(path), document.copy([page]).write_pdf())
        if batch_path is not None:
            _write_atomic(Path(batch_path), document.write_pdf())


def _write_atomic(path: Path, data: bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    tmp.write_bytes(data)
    os.replace(tmp, path)


def _render_chunk(args) -> int:
    sheets, paths, part_path, batch_font = args
    render_batch(sheets, paths, part_path, batch_font)
    return len(sheets)


def _join_parts(parts: list[Path], batch_path: Path) -> None:
    """Join the chunk PDFs into the batch PDF with poppler's pdfunite (poppler-utils)."""
    batch_path.parent.mkdir(parents=True, exist_ok=True)
    tmp = batch_path.with_name(f".{batch_path.name}.{os.getpid()}.tmp")
    if len(parts) == 1:
        os.replace(parts[0], tmp)
    else:
        subprocess.run(["pdfunite", *map(str, parts), str(tmp)], check=True, capture_output=True)
    os.replace(tmp, batch_path)


def render_many(
    sheets: list[CertificateSheet],
    paths: list[Path],
    batch_path: Path | None,
    *,
    progress=None,
    chunk_size: int = 50,
) -> None:
    """Render many certificates, one file each, plus one print-ready batch PDF.

    Each chunk of 50 is laid out once, in forked worker processes when there is more than one CPU
    (plain data in, files out, no database): its pages are written one file each and together as a
    part of the batch, and the parts are joined with pdfunite. A font holding just the batch's
    characters keeps each PDF's font subsetting cheap.
    """
    if not sheets:
        return
    processes = int(getattr(settings, "CERTIFICATE_RENDER_PROCESSES", 0) or os.cpu_count() or 1)
    if batch_path is not None:
        Path(batch_path).parent.mkdir(parents=True, exist_ok=True)
    workdir = Path(tempfile.mkdtemp(prefix=".certbatch-", dir=str(Path(batch_path).parent) if batch_path else None))
    batch_font = None
    try:
        batch_font = batch_font_build(sheets, workdir) if len(sheets) >= 20 else None
        _stylesheet(batch_font)  # built before forking, so the children inherit it
        join = batch_path is not None and shutil.which("pdfunite") is not None
        chunks = []
        for number, start in enumerate(range(0, len(sheets), chunk_size)):
            part = workdir / f"part-{number:05d}.pdf" if join else None
            chunks.append((sheets[start : start + chunk_size], paths[start : start + chunk_size], part, batch_font))
        pool = None
        if processes > 1 and len(chunks) > 1:
            import multiprocessing

            try:
                pool = multiprocessing.get_context("fork").Pool(processes)
            except (AssertionError, OSError) as exc:  # e.g. inside a daemonic worker process
                logger.warning("rendering certificates in one process: %s", exc)
        results = pool.imap(_render_chunk, chunks) if pool is not None else map(_render_chunk, chunks)
        try:
            for count in results:
                if progress:
                    progress(count)
        finally:
            if pool is not None:
                pool.close()
                pool.join()
        if batch_path is not None:
            if join:
                _join_parts([chunk[2] for chunk in chunks], Path(batch_path))
            else:
                render_combined(sheets, Path(batch_path), batch_font=batch_font)
    finally:
        if batch_font is not None:
            _state.pop((CERTIFICATE_CSS, str(batch_font)), None)  # its file goes with the work directory
        shutil.rmtree(workdir, ignore_errors=True)


def render_combined(
    sheets: list[CertificateSheet], batch_path: Path, chunk_size: int = 50, batch_font: Path | None = None
) -> None:
    """One PDF of many sheets without pdfunite: laid out in chunks, pages joined in one document.

    (WeasyPrint's layout time per page grows with a document's length, so chunks keep it linear.)
    """
    with _lock:
        documents = [_document(sheets[i : i + chunk_size], batch_font) for i in range(0, len(sheets), chunk_size)]
        pages = [page for document in documents for page in document.pages]
        _write_atomic(batch_path, documents[0].copy(pages).write_pdf())
