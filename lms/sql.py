"""Plain SQL for the few reads that run on nearly every request.

Profiling the busiest pages (the lesson reader, 我的课程, quiz autosave) showed Django spending more
CPU building and compiling a simple ORM query than the database spent answering it: a session
lookup is ~1,000 Python calls through the ORM and ~100 as plain SQL. Only such hot, simple
statements use this module. Tables are named through their models; columns are Django's default
names, and the tests of those pages run the statements on SQLite and PostgreSQL alike.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.db import DEFAULT_DB_ALIAS, connections


def table(model) -> str:
    return connections[DEFAULT_DB_ALIAS].ops.quote_name(model._meta.db_table)


def fetch_all(sql: str, params: list | tuple = (), *, using: str = DEFAULT_DB_ALIAS) -> list[tuple]:
    with connections[using].cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()


def fetch_one(sql: str, params: list | tuple = (), *, using: str = DEFAULT_DB_ALIAS) -> tuple | None:
    with connections[using].cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchone()


def execute(sql: str, params: list | tuple = (), *, using: str = DEFAULT_DB_ALIAS) -> int:
    """Run one statement; returns the number of rows it changed."""
    with connections[using].cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.rowcount


def datetime_param(value, *, using: str = DEFAULT_DB_ALIAS):
    """An aware datetime as the database stores it (SQLite keeps naive UTC text)."""
    return connections[using].ops.adapt_datetimefield_value(value)


def date_param(value, *, using: str = DEFAULT_DB_ALIAS):
    return connections[using].ops.adapt_datefield_value(value)


def date_value(value, *, using: str = DEFAULT_DB_ALIAS):
    """A date column as Python (SQLite returns text)."""
    if value is None or isinstance(value, dt.date):
        return value
    return dt.date.fromisoformat(value)


def decimal_value(value, field) -> Decimal:
    """A numeric result as the Decimal of `field`'s precision (SQLite sums to float)."""
    return Decimal(str(value)).quantize(Decimal(1).scaleb(-field.decimal_places))
