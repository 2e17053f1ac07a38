"""Checks of Chinese identity data."""

from __future__ import annotations

import datetime as dt
import re

_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_CHECK_CHARS = "10X98765432"
_PHONE_RE = re.compile(r"^1[3-9]\d{9}$")


def id_number_check_char(first17: str) -> str:
    total = sum(int(digit) * weight for digit, weight in zip(first17, _WEIGHTS, strict=False))
    return _CHECK_CHARS[total % 11]


def id_number_problem(value: str) -> str | None:
    """Why an 18-digit 居民身份证号 is malformed, or None when it is valid (GB 11643-1999)."""
    value = value.strip().upper()
    if len(value) != 18:
        return "身份证号应为18位"
    if not value[:17].isdigit() or not (value[17].isdigit() or value[17] == "X"):
        return "身份证号前17位应为数字，末位为数字或X"
    try:
        birth = dt.date(int(value[6:10]), int(value[10:12]), int(value[12:14]))
    except ValueError:
        return "身份证号中的出生日期无效"
    if birth.year < 1900 or birth > dt.date.today():
        return "身份证号中的出生日期无效"
    if id_number_check_char(value[:17]) != value[17]:
        return "身份证号校验位不正确"
    return None


def phone_problem(value: str) -> str | None:
    if not _PHONE_RE.match(value.strip()):
        return "手机号应为以1开头的11位数字"
    return None
