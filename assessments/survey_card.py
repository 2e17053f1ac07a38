"""The printable survey card: an A6 PDF with the worker's name, 网格, the QR code of their public
survey link and how to answer. WeasyPrint with the certificates' Noto CJK font stack
(certificates/rendering.py: the pre-subset common font first, the full system font behind it)."""

from __future__ import annotations

import atexit
import threading

from django.template.loader import render_to_string

from certificates.rendering import common_font_path, full_font

_lock = threading.Lock()
_state: dict = {}
# Drop WeasyPrint objects before interpreter teardown (their __del__ fails once modules are gone).
atexit.register(_state.clear)


def qr_svg(url: str) -> str:
    """The QR code as inline SVG for the card page (crisp at any zoom)."""
    import segno

    return segno.make(url, error="m").svg_inline(scale=6, border=2, omitsize=True)


def qr_png_data_uri(url: str) -> str:
    """One pixel per module (printed without smoothing), as in the certificates."""
    import segno

    return segno.make(url, error="m").png_data_uri(scale=1, border=2)


def _stylesheet():
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
            + render_to_string("assessments/survey/card.css")
            + '\nbody { font-family: "GACommon", "GAFull"; }\n'
        )
        _state["css"] = (font_config, CSS(string=css_text, font_config=font_config))
    return _state["css"]


def card_pdf(*, name: str, unit_name: str, unit_path: str, url: str) -> bytes:
    """The A6 card as PDF bytes; `url` is the absolute survey link the QR code holds."""
    from weasyprint import HTML

    html = render_to_string(
        "assessments/survey/card_pdf.html",
        {"name": name, "unit_name": unit_name, "unit_path": unit_path, "url": url, "qr": qr_png_data_uri(url)},
    )
    with _lock:
        font_config, css = _stylesheet()
        return HTML(string=html).write_pdf(stylesheets=[css], font_config=font_config)
