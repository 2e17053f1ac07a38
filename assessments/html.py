"""Question text that arrives as HTML or Markdown (Moodle's `[html]`, `[markdown]`, XML `format="html"`).

It is stored sanitised (docs/rules.md §5): a maintained sanitiser (nh3, the Rust `ammonia`) keeps a
small formatting subset and drops scripts, event handlers and `javascript:` links, so a stem can be
shown as formatting with `|safe` on the page and returned as-is by the API.
"""

from __future__ import annotations

import html as html_lib

import markdown as markdown_lib
import nh3

ALLOWED_TAGS = {
    "p", "br", "strong", "b", "em", "i", "u", "s", "sub", "sup", "span", "div", "code", "pre",
    "ul", "ol", "li", "blockquote", "table", "thead", "tbody", "tr", "th", "td", "img", "a", "h3", "h4",
}  # fmt: skip
ALLOWED_ATTRIBUTES = {
    "img": {"src", "alt", "width", "height"},
    "a": {"href", "title"},
    "td": {"colspan", "rowspan"},
    "th": {"colspan", "rowspan"},
}
URL_SCHEMES = {"http", "https", "mailto"}


def sanitise_html(text: str) -> str:
    """`text` with only the allowed tags and attributes; relative URLs (our own images) are kept."""
    return nh3.clean(
        text or "",
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes=URL_SCHEMES,
        link_rel="noopener noreferrer nofollow",
        strip_comments=True,
    ).strip()


def markdown_to_html(text: str) -> str:
    return sanitise_html(markdown_lib.markdown(text or ""))


def html_to_text(text: str) -> str:
    """Plain text of sanitised HTML (for search, titles, CSV export and duplicate matching)."""
    plain = nh3.clean(text or "", tags=set(), attributes={})
    return html_lib.unescape(plain).strip()
