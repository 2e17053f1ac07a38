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


def _stylesheet():
    """(FontConfiguration, CSS), built once per process."""
    if "css" not in _state:
        from weasyprint import CSS
        from weasyprint.text.fonts import FontConfiguration

        common = common_font_path()
        path, _, family = full_font()
        local = f'local("{family}"), ' if family else ""
        font_config = FontConfiguration()
        css_text = (
            f'@font-face {{ font-family: "GACommon"; src: url("{common.as_uri()}"); }}\n'
            f'@font-face {{ font-family: "GAFull"; src: {local}url("{path.as_uri()}"); }}\n'
            + render_to_string("certificates/pdf/certificate.css")
        )
        _state["font_config"] = font_config
        _state["css"] = CSS(string=css_text, font_config=font_config)
    return _state["font_config"], _state["css"]


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


def qr_data_uri(url: str) -> str:
    """The QR code as a one-pixel-per-module PNG (printed without smoothing, so edges stay sharp).

    A fixed mask skips segno's evaluation of all eight masks, and a tiny PNG is far cheaper for
    WeasyPrint than an SVG path of hundreds of segments.
    """
    import segno

    return segno.make(url, error="m", mask=2).png_data_uri(scale=1, border=2)


def sheet_html(sheet: CertificateSheet) -> str:
    return render_to_string("certificates/pdf/sheet.html", {"s": sheet, "qr": qr_data_uri(sheet.verify_url)})


def _document(sheets: list[CertificateSheet]):
    from weasyprint import HTML

    font_config, css = _stylesheet()
    body = "".join(sheet_html(sheet) for sheet in sheets)
    html = f'<!doctype html><html lang="zh-Hans"><head><meta charset="utf-8"><title>证书</title></head><body>{body}</body></html>'
    return HTML(string=html, base_url=str(settings.BASE_DIR)).render(stylesheets=[css], font_config=font_config)


def render_pdf(sheet: CertificateSheet) -> bytes:
    with _lock:
        return _document([sheet]).write_pdf()


def render_batch(sheets: list[CertificateSheet], paths: list[Path] | None = None, batch_path: Path | None = None) -> None:
    """Lay the sheets out once; write each page to its own file and/or the whole to `batch_path`."""
    with _lock:
        document = _document(sheets)
        if paths is not None:
            for page, path in zip(document.pages, paths):
                _write_atomic(Path(path), document.copy([page]).write_pdf())
        if batch_path is not None:
            _write_atomic(Path(batch_path), document.write_pdf())


def _write_atomic(path: Path, data: bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    tmp.write_bytes(data)
    os.replace(tmp, path)


def _render_chunk(args) -> int:
    sheets, paths = args
    render_batch(sheets, paths)
    return len(sheets)


def render_many(
    sheets: list[CertificateSheet],
    paths: list[Path],
    batch_path: Path | None,
    *,
    progress=None,
    chunk_size: int = 50,
) -> None:
    """Render many certificates, one file each, plus one batch PDF.

    With more than one CPU the single files are written by forked worker processes (plain data in,
    files out, no database) while this process lays out and writes the batch PDF.
    """
    _stylesheet()  # build the cached font before forking, so children inherit it
    processes = int(getattr(settings, "CERTIFICATE_RENDER_PROCESSES", 0) or os.cpu_count() or 1)
    chunks = [
        (sheets[i : i + chunk_size], paths[i : i + chunk_size]) for i in range(0, len(sheets), chunk_size)
    ]
    if processes <= 1 or len(chunks) <= 1:
        for chunk in chunks:
            _render_chunk(chunk)
            if progress:
                progress(len(chunk[0]))
        if batch_path is not None:
            render_batch(sheets, None, batch_path)
        return
    import multiprocessing

    context = multiprocessing.get_context("fork")
    with context.Pool(processes) as pool:
        # The batch goes first so that it runs alongside the single files, not after them.
        batch = pool.apply_async(_render_batch_only, ((sheets, batch_path),)) if batch_path is not None else None
        pending = pool.imap_unordered(_render_chunk, chunks)
        for count in pending:
            if progress:
                progress(count)
        if batch is not None:
            batch.get()


def _render_batch_only(args) -> None:
    sheets, batch_path = args
    render_batch(sheets, None, batch_path)
