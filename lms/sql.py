"""Plain SQL for the few statements a benchmark figure needs.

Profiling the busiest requests (the lesson reader, 我的课程, quiz autosave) showed Django spending
more CPU building and compiling simple ORM queries than the database spent answering them: a
session lookup is ~1,000 Python calls through the ORM and ~180 as plain SQL. Only such hot, simple
statements use this module, and each says in one line which benchmark figure it buys.

The rules they follow:
- tables and columns are named through the models' _meta (`table`, `columns`), never literally;
- values come back as the ORM would give them (the adapters below, or `RowReader`);
- each statement has an ORM twin it is tested against on SQLite and PostgreSQL
  (tests/*/test_plain_sql.py; `tests/bench/test_bench_plain_sql.py` prints what each one saves);
- the few Django internals this needs are used only through the wrappers at the end of this
  module, which tests/lms/test_sql_internals.py pins.
"""

from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal

from django.core.exceptions import FieldDoesNotExist
from django.db import DEFAULT_DB_ALIAS, connections
from django.utils import timezone
from django.utils.dateparse import parse_datetime


def table(model, *, using: str = DEFAULT_DB_ALIAS) -> str:
    """The model's quoted table name."""
    return connections[using].ops.quote_name(model._meta.db_table)


class Columns:
    """The quoted column names of a model's concrete fields, by field name or attname:
    `columns(HoursEntry).worker` and `columns(HoursEntry)["worker_id"]` are both `"worker_id"`
    (the field's db_column); `pk` is the primary key. With an alias, `columns(HoursEntry, "h").hours`
    is `h."hours"`."""

    def __init__(self, model, alias: str = "", *, using: str = DEFAULT_DB_ALIAS):
        self._meta = model._meta
        self._prefix = f"{alias}." if alias else ""
        self._quote = connections[using].ops.quote_name

    def __getitem__(self, name: str) -> str:
        field = self._meta.pk if name == "pk" else self._meta.get_field(name)
        if not getattr(field, "concrete", False) or not getattr(field, "column", None):
            raise FieldDoesNotExist(f"{self._meta.label}.{name} has no column")
        return self._prefix + self._quote(field.column)

    def __getattr__(self, name: str) -> str:
        if name.startswith("_"):
            raise AttributeError(name)
        try:
            return self[name]
        except FieldDoesNotExist as missing:
            raise AttributeError(str(missing)) from None


def columns(model, alias: str = "", *, using: str = DEFAULT_DB_ALIAS) -> Columns:
    return Columns(model, alias, using=using)


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


# --- parameters and values ------------------------------------------------------------------------


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


def datetime_value(value):
    """A datetime column as an aware datetime (SQLite returns naive UTC text)."""
    if value is None:
        return None
    if not isinstance(value, dt.datetime):
        value = parse_datetime(str(value))
    return value if timezone.is_aware(value) else timezone.make_aware(value, dt.UTC)


def json_value(value):
    """A JSON column as Python (both databases return its text through Django's connection)."""
    return json.loads(value) if isinstance(value, (str, bytes)) else value


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
            column, found = column_converters(field, alias, connection)
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
        return instance_from_db(self.model, self.using, self.attnames, values)


# --- Django internals -----------------------------------------------------------------------------
# The only places this project calls Django's undocumented model and backend API. Each call is
# pinned (signature and behaviour) by tests/lms/test_sql_internals.py, so an upgrade that changes
# one fails there, by name, instead of loading wrong values.


def column_converters(field, alias: str, connection) -> tuple[object, list]:
    """The column expression of `field` under `alias` and the converters the ORM applies to its
    values when it reads it: the backend's (SQLite text → date, 0/1 → bool), then the field's
    from_db_value (JSON). A converter is called as `converter(value, expression, connection)`.

    Django internals: Field.get_col, DatabaseOperations.get_db_converters, Col.get_db_converters."""
    column = field.get_col(alias)
    return column, connection.ops.get_db_converters(column) + column.get_db_converters(connection)


def instance_from_db(model, using: str, attnames: list[str], values: list):
    """The instance the ORM builds from a row of `values` for `attnames` (Model.from_db)."""
    return model.from_db(using, attnames, values)


def cache_related(instance, name: str, value) -> None:
    """Put `value` where `instance.<name>` reads it, as select_related does, so reading it runs no
    query: a forward foreign key or one-to-one by its field name (worker.org_unit), or the reverse
    side of a one-to-one by its related name (user.worker; None: there is none, and reading it
    raises RelatedObjectDoesNotExist as after select_related).

    Django internals: FieldCacheMixin.set_cached_value of the field or of the reverse relation."""
    instance._meta.get_field(name).set_cached_value(instance, value)
