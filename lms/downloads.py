"""The name a downloaded file gets: one Content-Disposition for every download of the site.

RFC 6266 / RFC 5987: `filename*=UTF-8''…` carries the Chinese name (every current browser uses it),
and a plain `filename="…"` carries an ASCII fallback for the clients that ignore `filename*`. Every
view that sends a file (exports, certificates, reports, templates) names it through here.
"""

from __future__ import annotations

import re
import unicodedata
from urllib.parse import quote

# Characters no file system or header should get: path separators, quotes, control characters.
_UNSAFE = re.compile(r'[\\/:*?"<>|\x00-\x1f\x7f]+')


def safe_filename(name: str) -> str:
    """`name` without characters a file system or an HTTP header refuses; never empty."""
    cleaned = re.sub(r"-{2,}", "-", _UNSAFE.sub("-", unicodedata.normalize("NFC", name))).strip(" .-")
    return cleaned[:150] or "download"


def ascii_fallback(name: str) -> str:
    """An ASCII stand-in for `name`: its ASCII words and extension (`学时达标-2026.xlsx` → `2026.xlsx`)."""
    stem, dot, extension = name.rpartition(".")
    if not dot:
        stem, extension = name, ""
    ascii_stem = re.sub(r"[^A-Za-z0-9_.-]+", "-", stem).strip("-._")
    ascii_extension = re.sub(r"[^A-Za-z0-9]", "", extension)
    result = ascii_stem or "download"
    return f"{result}.{ascii_extension}" if ascii_extension else result


def content_disposition(filename: str, *, attachment: bool = True, ascii_name: str | None = None) -> str:
    name = safe_filename(filename)
    fallback = ascii_fallback(ascii_name or name)
    disposition = "attachment" if attachment else "inline"
    header = f'{disposition}; filename="{fallback}"'
    if name != fallback:
        header += f"; filename*=UTF-8''{quote(name, safe='')}"
    return header


def name_download(response, filename: str, *, attachment: bool = True, ascii_name: str | None = None):
    """Give `response` the Chinese `filename` (and an ASCII fallback); returns the response."""
    response["Content-Disposition"] = content_disposition(filename, attachment=attachment, ascii_name=ascii_name)
    return response
