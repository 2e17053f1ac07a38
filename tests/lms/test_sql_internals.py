"""The Django internals lms.sql relies on, pinned. If an upgrade changes one, a test here fails and
names it, instead of plain SQL quietly loading wrong values.

- lms.sql.column_converters: Field.get_col(alias, output_field=None) → Col,
  connection.ops.get_db_converters(expression), Col.get_db_converters(connection), and converters
  called as converter(value, expression, connection);
- lms.sql.instance_from_db: Model.from_db(db, field_names, values);
- lms.sql.cache_related: FieldCacheMixin.set_cached_value(instance, value), on a forward field and
  on the reverse side of a one-to-one.

Runs on SQLite (dates as text, booleans as 0/1, JSON as text) and on PostgreSQL alike.
"""

import datetime as dt
import inspect
from decimal import Decimal

import pytest
from django.contrib.auth import get_user_model
from django.db import connection, models
from django.db.models.expressions import Col
from django.db.models.fields.mixins import FieldCacheMixin
from django.test.utils import isolate_apps
from django.utils import timezone

from assessments.models import Answer, Attempt
from assessments.services import attempt_start
from courses.models import HoursEntry
from lms import sql
from lms.models import OrgUnit, Worker
from tests.assessments.helpers import make_quiz
from tests.courses.helpers import lessons_of, make_course

pytestmark = pytest.mark.django_db


def _parameters(function) -> list[str]:
    return list(inspect.signature(function).parameters)


@pytest.mark.parametrize(
    "name, function, expected",
    [
        ("Field.get_col", models.Field.get_col, ["self", "alias", "output_field"]),
        (
            f"{type(connection.ops).__qualname__}.get_db_converters",
            type(connection.ops).get_db_converters,
            ["self", "expression"],
        ),
        ("Col.get_db_converters", Col.get_db_converters, ["self", "connection"]),
        ("Model.from_db", models.Model.from_db, ["db", "field_names", "values"]),
        ("FieldCacheMixin.set_cached_value", FieldCacheMixin.set_cached_value, ["self", "instance", "value"]),
    ],
)
def test_the_signatures_lms_sql_calls_are_unchanged(name, function, expected):
    assert _parameters(function) == expected, (
        f"Django changed {name}{inspect.signature(function)} (lms.sql expects {expected}): "
        "adapt the wrapper in lms/sql.py that calls it"
    )


def test_get_col_gives_a_col_of_the_field_under_the_alias():
    field = HoursEntry._meta.get_field("earned_on")
    column, _ = sql.column_converters(field, "h", connection)
    assert isinstance(column, Col), f"Field.get_col now returns {type(column)}, not Col"
    assert (column.alias, column.target, column.output_field) == ("h", field, field)


def test_every_converter_takes_value_expression_connection():
    for model in (HoursEntry, Answer, Attempt, Worker, get_user_model()):
        for field in model._meta.concrete_fields:
            _, converters = sql.column_converters(field, "x", connection)
            for converter in converters:
                assert len(inspect.signature(converter).parameters) == 3, (
                    f"{model.__name__}.{field.name}: converter {converter} no longer takes "
                    "(value, expression, connection)"
                )


def test_sqlite_still_needs_the_converters_the_reader_applies():
    """On SQLite the raw values are text and integers; the converters found must turn them into
    what the ORM gives (on PostgreSQL the driver does most of this itself)."""
    if connection.vendor != "sqlite":
        pytest.skip("SQLite's raw values")
    converted = {}
    for name, raw in (("earned_on", "2025-12-31"), ("hours", 1.25)):
        field = HoursEntry._meta.get_field(name)
        column, converters = sql.column_converters(field, "h", connection)
        assert converters, f"Django no longer converts SQLite {field.get_internal_type()} values"
        value = raw
        for converter in converters:
            value = converter(value, column, connection)
        converted[name] = value
    assert converted == {"earned_on": dt.date(2025, 12, 31), "hours": Decimal("1.25")}
    assert isinstance(converted["hours"], Decimal)


def _read_back(instance):
    """`instance` as RowReader builds it from a plain SELECT, and as the ORM loads it."""
    model = type(instance)
    reader = sql.RowReader(model, "x")
    x = sql.columns(model, "x")
    row = sql.fetch_one(f"SELECT {reader.columns} FROM {sql.table(model)} x WHERE {x.pk} = %s", [instance.pk])
    return reader.instance(row), model.objects.get(pk=instance.pk)


def _assert_same(got, expected):
    assert type(got) is type(expected)
    assert (got._state.adding, got._state.db) == (False, "default"), "Model.from_db no longer sets _state"
    for field in type(expected)._meta.concrete_fields:
        mine, orm = getattr(got, field.attname), getattr(expected, field.attname)
        assert (mine, type(mine)) == (orm, type(orm)), f"{type(expected).__name__}.{field.attname}"


def test_row_reader_builds_what_the_orm_loads(make_worker, city_tree):
    """Dates, datetimes, decimals, booleans, nullable booleans, JSON and nullable foreign keys, set
    and NULL."""
    worker = make_worker(unit=city_tree["grid_a"], hire_date=dt.date(2025, 12, 31), must_change_password=True)
    profileless = make_worker(unit=city_tree["grid_b"])  # hire_date NULL, must_change_password False
    course = make_course("读取", lessons=1)
    entries = [
        HoursEntry.objects.create(
            worker=worker,
            source="lesson",
            hours=Decimal("1.25"),
            earned_on=dt.date(2026, 1, 1),
            title="课时",
            lesson=lessons_of(course)[0],
            course=course,
        ),
        HoursEntry.objects.create(
            worker=worker, source="external", hours=Decimal("7"), earned_on=dt.date(2025, 12, 31), title="外训"
        ),
    ]
    quiz = make_quiz(shuffle_options=True, time_limit_minutes=30)
    attempt = attempt_start(quiz=quiz, worker=worker)
    answers = list(attempt.answers.order_by("position"))
    Answer.objects.filter(pk=answers[0].pk).update(
        response=["A", "C"], flagged=True, saved_at=timezone.now(), score=Decimal("1.50")
    )
    Attempt.objects.filter(pk=attempt.pk).update(passed=False, score=Decimal("0"))
    for instance in [worker, profileless, worker.user, worker.org_unit, *entries, attempt, *answers]:
        got, expected = _read_back(instance)
        _assert_same(got, expected)
    assert _read_back(answers[0])[0].response == ["A", "C"] and isinstance(_read_back(answers[0])[0].option_map, dict)


def test_a_row_of_nulls_is_no_instance():
    assert sql.RowReader(Worker, "w").instance([None] * len(Worker._meta.concrete_fields)) is None


def test_cache_related_sets_what_select_related_would(
    make_worker, city_tree, django_user_model, django_assert_num_queries
):
    worker = make_worker(unit=city_tree["grid_a"])
    user = django_user_model.objects.get(pk=worker.user_id)
    loaded = Worker.objects.get(pk=worker.pk)
    unit = OrgUnit.objects.get(pk=worker.org_unit_id)
    sql.cache_related(user, "worker", loaded)
    sql.cache_related(loaded, "user", user)
    sql.cache_related(loaded, "org_unit", unit)
    with django_assert_num_queries(0):
        assert user.worker is loaded and loaded.user is user and loaded.org_unit is unit

    admin = django_user_model.objects.create_superuser("root", password="x-Long-Passw0rd")
    orm = django_user_model.objects.select_related("worker").get(pk=admin.pk)
    sql.cache_related(admin, "worker", None)
    with django_assert_num_queries(0):
        for someone in (admin, orm):  # no profile: both raise, neither queries
            with pytest.raises(django_user_model.worker.RelatedObjectDoesNotExist):
                getattr(someone, "worker")  # noqa: B009


@isolate_apps("lms")
def test_columns_are_the_quoted_db_columns():
    class _Renamed(models.Model):
        """Columns that are not the field names (never created: only its _meta is read)."""

        when = models.DateField(db_column="EarnedOn")
        owner = models.ForeignKey(Worker, on_delete=models.CASCADE, db_column="OwnerRef", related_name="+")

        class Meta:
            app_label = "lms"
            db_table = "lms_renamed_for_tests"

    quote = connection.ops.quote_name
    cols = sql.columns(_Renamed)
    assert (cols.when, cols["when"], cols.owner, cols.owner_id, cols.pk) == (
        quote("EarnedOn"),
        quote("EarnedOn"),
        quote("OwnerRef"),
        quote("OwnerRef"),
        quote("id"),
    )
    assert sql.columns(HoursEntry, "h").earned_on == f"h.{quote('earned_on')}"
    assert sql.table(_Renamed) == quote("lms_renamed_for_tests")
    for missing in ("no_such_field", "enrolments"):  # a reverse relation has no column here
        with pytest.raises(AttributeError):
            getattr(sql.columns(Worker), missing)
