"""辖区概览's figures: what a figure provider is given and what it gives back (docs/rules.md §15).

The core knows no app. Each app registers a provider with `lms.hooks.register_dashboard_figure`;
the page calls every provider with one `DashboardQuery` (the viewer, the unit broken down, its rows,
the period and the trend's quarters) and lays out the `Figure`s and `DashboardLink`s they return.

A provider answers each figure with ONE aggregate query over the whole subtree, grouped by the row
unit through `DashboardQuery.row_key` (a CASE over the rows' org paths), never a query per worker
or per unit; its trend is a second query with one conditional aggregate per quarter.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import Case, IntegerField, Q, Value, When

from lms.access import worker_scope_q
from lms.periods import Period

TREND_QUARTERS = 4


def day_bounds(start: dt.date, end: dt.date) -> tuple[dt.datetime, dt.datetime]:
    """[start 00:00, end+1 00:00) in the site's time zone: a period's days for a DateTimeField."""
    from django.utils import timezone

    zone = timezone.get_current_timezone()
    return (
        dt.datetime.combine(start, dt.time.min, tzinfo=zone),
        dt.datetime.combine(end + dt.timedelta(days=1), dt.time.min, tzinfo=zone),
    )


@dataclass(frozen=True)
class Ratio:
    """`numerator` of `denominator` people or events; shown as a percentage with one decimal."""

    numerator: int = 0
    denominator: int = 0

    def __add__(self, other: Ratio) -> Ratio:
        return Ratio(self.numerator + other.numerator, self.denominator + other.denominator)

    @property
    def percent(self) -> Decimal | None:
        if not self.denominator:
            return None
        return (Decimal(self.numerator) * 100 / Decimal(self.denominator)).quantize(
            Decimal("0.1"), rounding=ROUND_HALF_UP
        )


RATE, COUNT, MONEY = "rate", "count", "money"


@dataclass
class Figure:
    """One column of the dashboard.

    `by_unit` maps a row unit's id (`DashboardQuery.row_key`) to a `Ratio` (kind RATE), an int
    (COUNT) or a Decimal (MONEY); a unit missing from it has nothing (0, or no one to count).
    `trend` is one Ratio per `DashboardQuery.trend` quarter, over the whole scope (RATE only).
    `link(unit)` is where the figure's detail for a row unit lives (the report it comes from).
    """

    key: str
    label: str
    kind: str
    by_unit: dict[int, object]
    definition: str = ""
    order: int = 100
    trend: list[Ratio] | None = None
    link: Callable | None = None

    def value(self, unit_id: int):
        return self.by_unit.get(unit_id, self.zero)

    @property
    def zero(self):
        return {RATE: Ratio(), COUNT: 0, MONEY: Decimal("0.00")}[self.kind]

    @property
    def total(self):
        total = self.zero
        for value in self.by_unit.values():
            total = total + value
        return total


@dataclass
class DashboardLink:
    """A report beyond the dashboard (学时达标报表, 能力分析) for a unit and the period."""

    label: str
    url: Callable  # url(unit) -> str
    order: int = 100


@dataclass(frozen=True)
class DashboardQuery:
    """What every provider is asked: the viewer's figures for `units` (the rows) in `period`.

    `root` is the unit broken down (None when the viewer's scope has several top units, which are
    then the rows themselves); people who sit at `root` itself fall in a row of its own, keyed by
    `root.pk`.
    """

    viewer: object
    root: object | None
    units: tuple = field(default_factory=tuple)
    period: Period = Period(2000)
    today: dt.date = dt.date(2000, 1, 1)

    @property
    def trend(self) -> tuple[Period, ...]:
        return tuple(self.period.previous_quarters(TREND_QUARTERS))

    def started(self, period: Period) -> bool:
        return period.start <= self.today

    def scope_q(self, prefix: str = "worker__") -> Q:
        """Rows whose worker (at `prefix`, `""` for Worker) the viewer may see inside the breakdown."""
        q = worker_scope_q(self.viewer, prefix, within=self.root)
        if self.root is None:
            within = Q(pk__in=[])
            for unit in self.units:
                within |= unit.subtree_q(f"{prefix}org_unit__")
            q &= within
        return q

    def row_key(self, prefix: str = "worker__") -> Case:
        """The row unit's id of a worker at `prefix`: the row whose path its unit's path starts with."""
        whens = [When(**{f"{prefix}org_unit__path__startswith": unit.path}, then=Value(unit.pk)) for unit in self.units]
        default = Value(self.root.pk if self.root is not None else None)
        return Case(*whens, default=default, output_field=IntegerField())


def grouped(rows, key: str = "row") -> dict:
    """{row key: row} of a `.values(row=…).annotate(…)` result."""
    return {row[key]: row for row in rows}


def role_holders_q(codes, prefix: str = "") -> Q:
    """Workers (at `prefix`) holding any of the role `codes`, as an uncorrelated `IN` so that a role
    held twice never doubles a row and the database hashes the members once per query."""
    from django.contrib.auth import get_user_model

    from lms import roles

    labels = [roles.LABEL_BY_CODE[code] for code in codes]
    members = get_user_model().groups.through.objects.filter(group__name__in=labels).values("user_id")
    return Q(**{f"{prefix}user_id__in": members})
