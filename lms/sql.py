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


def date_value(value):
    """A date column as Python (SQLite returns text)."""
    if value is None or isinstance(value, dt.date):
        return value
    return dt.date.fromisoformat(value)


def decimal_value(value, field, *, default: Decimal | None = None) -> Decimal | None:
    """A numeric result as the Decimal of `field`'s precision (SQLite sums to float); `default`
    for NULL (an empty SUM)."""
    if value is None:
        return default
    return Decimal(str(value)).quantize(Decimal(1).scaleb(-field.decimal_places))


class RowReader:
    """Model instances from plain SQL rows, converted as the ORM converts them (SQLite returns
    dates as text and booleans as integers; fields may have from_db_value)."""

    def __init__(self, model, alias: str, *, using: str = DEFAULT_DB_ALIAS):
        connection = connections[using]
        self.model, self.using = model, using
        fields = model._meta.concrete_fields
        self.attnames = [field.attname for field in fields]
        self.columns = ", ".join(f"{alias}.{connection.ops.quote_name(field.column)}" for field in fields)
        self.converters = []
        for position, field in enumerate(fields):
            column = field.get_col(alias)
            found = connection.ops.get_db_converters(column) + column.get_db_converters(connection)
            if found:
                self.converters.append((position, found, column))
        self.width = len(fields)

    def instance(self, values):
        """The instance of `values` (this reader's columns, in order), or None for a row of NULLs."""
        if values[0] is None:
            return None
        values = list(values)
        connection = connections[self.using]
        for position, converters, column in self.converters:
            for converter in converters:
                values[position] = converter(values[position], column, connection)
        return self.model.from_db(self.using, self.attnames, values)
