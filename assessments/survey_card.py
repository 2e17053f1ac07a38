"""The printable survey card: an A6 PDF with the worker's name, 网格, the QR code of their public
survey link and how to answer. WeasyPrint with the certificates' Noto CJK font stack
(certificates/rendering.py: the pre-subset common font first, the full system font behind it)."""

from __future__ import annotations

import threading

from django.template.loader import render_to_string

from certificates.rendering import font_stylesheet, qr_data_uri

_lock = threading.Lock()


def qr_svg(url: str) -> str:
    """The QR code as inline SVG for the card page (crisp at any zoom)."""
    import segno

    return segno.make(url, error="m").svg_inline(scale=6, border=2, omitsize=True)


def card_pdf(*, name: str, unit_name: str, unit_path: str, url: str) -> bytes:
    """The A6 card as PDF bytes; `url` is the absolute survey link the QR code holds."""
    from weasyprint import HTML

    html = render_to_string(
        "assessments/survey/card_pdf.html",
        {"name": name, "unit_name": unit_name, "unit_path": unit_path, "url": url, "qr": qr_data_uri(url)},
    )
    with _lock:
        font_config, css = font_stylesheet("assessments/survey/card.css")
        return HTML(string=html).write_pdf(stylesheets=[css], font_config=font_config)
