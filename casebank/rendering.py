"""《网格员工作案例汇编》 as a PDF: WeasyPrint with the Noto CJK fonts certificates/rendering.py uses
(the pre-subset common font first, the full system font behind it for rare characters)."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.template.loader import render_to_string
from django.utils import timezone


def _css():
    from weasyprint import CSS
    from weasyprint.text.fonts import FontConfiguration

    from certificates.rendering import common_font_path, full_font

    path, _, family = full_font()
    local = f'local("{family}"), ' if family else ""
    font_config = FontConfiguration()
    css = (
        f'@font-face {{ font-family: "GACommon"; src: url("{common_font_path().as_uri()}"); }}\n'
        f'@font-face {{ font-family: "GAFull"; src: {local}url("{path.as_uri()}"); }}\n'
        + render_to_string("casebank/pdf/compilation.css")
    )
    return font_config, CSS(string=css, font_config=font_config)


def render_compilation(*, month: dt.date, cases: list) -> bytes:
    from weasyprint import HTML

    font_config, css = _css()
    html = render_to_string(
        "casebank/pdf/compilation.html",
        {"month": month, "cases": cases, "generated": timezone.localdate()},
    )
    return HTML(string=html, base_url=str(settings.BASE_DIR)).write_pdf(stylesheets=[css], font_config=font_config)
