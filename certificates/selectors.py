"""Read queries of certificates and allowances, and the allowance month rule itself (pure reads)."""

from __future__ import annotations

import calendar
import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from django.conf import settings
from django.db.models import Count, DecimalField, Exists, Min, OuterRef, Q, QuerySet, Sum
from django.db.models.functions import Coalesce
from django.utils import timezone

from lms import roles
from lms.access import (
    org_scope_q,
    scope_breakdown,
    scope_queryset,
    scope_roots,
    sees_everything,
    self_q,
    worker_of,
    worker_scope_q,
)
from lms.models import Worker
from lms.months import parse_month  # noqa: F401  (re-exported for the commands, pages and exports)

from .models import (
    STATUS_LABELS,
    AllowanceAdjustment,
    AllowanceLine,
    AllowanceMonth,
    AllowanceRate,
    Certificate,
    CertificateType,
    Incentive,
    IssuanceJob,
)

CENT = Decimal("0.01")


def month_bounds(month: dt.date) -> tuple[dt.date, dt.date]:
    first = month.replace(day=1)
    return first, first.replace(day=calendar.monthrange(first.year, first.month)[1])


def rates_for_month(month: dt.date) -> dict[int, Decimal]:
    """Monthly amount per type id, as in force on the month's first day.

    A standard changed on the 15th therefore applies from the following month; earlier months keep
    the amount they had.
    """
    first, _ = month_bounds(month)
    rates: dict[int, tuple[dt.date, Decimal]] = {}
    for type_id, effective_from, amount in AllowanceRate.objects.filter(effective_from__lte=first).values_list(
        "certificate_type_id", "effective_from", "monthly_amount"
    ):
        if type_id not in rates or effective_from > rates[type_id][0]:
            rates[type_id] = (effective_from, amount)
    return {type_id: amount for type_id, (_, amount) in rates.items()}


def certificates_valid_all_month_q(month: dt.date) -> Q:
    """Certificates valid on every day of the month (the validity rule at both ends of it)."""
    first, last = month_bounds(month)
    return (
        Q(issued_on__lte=first)
        & (Q(valid_until__isnull=True) | Q(valid_until__gte=last))
        & (Q(revoked_on__isnull=True) | Q(revoked_on__gt=last))
    )


@dataclass
class WorkerAllowance:
    amount: Decimal = Decimal("0.00")
    basis: list[dict] = field(default_factory=list)

    @property
    def basis_text(self) -> str:
        return "；".join(f"{b['type_name']}（{b['serial_no']}）{b['amount']}元" for b in self.basis)


def allowance_amounts(month: dt.date) -> dict[int, WorkerAllowance]:
    """The allowance month rule: worker id → amount and the certificates behind it.

    A certificate pays its type's monthly amount only if valid on every day of the month and its
    holder had joined by the month's first day (no 入职日期 recorded: joined); within a
    family of levels only the highest level held that month pays; a type without a family pays once
    however many certificates of it a worker holds.
    """
    rates = rates_for_month(month)
    types = {t.pk: t for t in CertificateType.objects.filter(pk__in=[pk for pk, amount in rates.items() if amount > 0])}
    if not types:
        return {}
    best: dict[tuple[int, str], tuple] = {}
    first, _ = month_bounds(month)
    rows = (
        Certificate.objects.filter(certificates_valid_all_month_q(month), certificate_type_id__in=list(types))
        # Paid for the months the holder worked here: joined by the month's first day (入职日期).
        .filter(Q(worker__hire_date__isnull=True) | Q(worker__hire_date__lte=first))
        .order_by()
        .values_list("worker_id", "certificate_type_id", "pk", "serial_no")
    )
    for worker_id, type_id, cert_id, serial_no in rows.iterator(chunk_size=5000):
        ctype = types[type_id]
        key = (worker_id, ctype.family_key)
        current = best.get(key)
        candidate = (ctype.level, rates[type_id], -cert_id, cert_id, serial_no, ctype)
        if current is None or candidate[:3] > current[:3]:
            best[key] = candidate
    result: dict[int, WorkerAllowance] = defaultdict(WorkerAllowance)
    for (worker_id, _), (_, amount, _, cert_id, serial_no, ctype) in sorted(
        best.items(), key=lambda item: (item[0][0], item[1][5].sort_order)
    ):
        entry = result[worker_id]
        entry.amount = (entry.amount + amount).quantize(CENT)
        entry.basis.append(
            {
                "certificate_id": cert_id,
                "serial_no": serial_no,
                "type_code": ctype.code,
                "type_name": ctype.name,
                "amount": str(amount.quantize(CENT)),
            }
        )
    return dict(result)


# --- certificates -----------------------------------------------------------------------------------


def certificate_by_code(code: str) -> Certificate | None:
    return Certificate.objects.select_related("worker", "certificate_type").filter(verification_code=code).first()


def verification_view(certificate: Certificate, *, today: dt.date | None = None) -> dict:
    """What anyone may learn about a certificate from its code: no personal data beyond a masked name."""
    from certificates.services.common import centre_name
    from lms.pii import mask_name

    today = today or timezone.localdate()
    status = certificate.status_on(today)
    if status == "pending":
        status = "valid"  # issued with a date that is today at the latest; kept simple for the public
    return {
        "status": status,
        "status_label": STATUS_LABELS[status],
        "holder": mask_name(certificate.worker.name),
        "type": certificate.certificate_type.name,
        "type_code": certificate.certificate_type.code,
        "serial_no": certificate.serial_no,
        "issuer": certificate.issuer,
        "issued_on": certificate.issued_on,
        "valid_until": certificate.valid_until,
        "revoked_on": certificate.revoked_on,
        "reissued": certificate.replaced_by_id is not None,
        # An external qualification is verified as what the platform holds of it: the centre's
        # registration record, the original's authority named only as registered.
        "record_type": "registration" if certificate.source == Certificate.Source.EXTERNAL else "certificate",
        "registrar": centre_name() if certificate.source == Certificate.Source.EXTERNAL else None,
    }


def certificates_of(worker: Worker) -> QuerySet[Certificate]:
    return worker.certificates.select_related("certificate_type").order_by("-issued_on", "-id")


def visible_certificates(user, *, search: str = "", type_code: str = "") -> QuerySet[Certificate]:
    qs = scope_queryset(user, Certificate.objects.select_related("worker__org_unit", "certificate_type"))
    if search:
        qs = qs.filter(
            Q(worker__name__contains=search) | Q(worker__employee_no__contains=search) | Q(serial_no__contains=search)
        )
    if type_code:
        qs = qs.filter(certificate_type__code=type_code)
    return qs.order_by("-issued_on", "-id")


def certificates_downloadable_by(user) -> QuerySet[Certificate]:
    """Certificates whose PDF the user may download: their own, and as HR (or a superuser) those of
    the workers they may see."""
    qs = Certificate.objects.select_related("worker", "certificate_type")
    if sees_everything(user) or roles.has_role(user, roles.HR):
        return scope_queryset(user, qs)
    return qs.filter(self_q(user, "worker__"))


def jobs_for(user) -> QuerySet[IssuanceJob]:
    """Bulk issuance jobs started within the user's org scope (their batch PDFs hold its people)."""
    return IssuanceJob.objects.filter(org_scope_q(user, "org_unit__"))


# --- allowances -------------------------------------------------------------------------------------


def may_run_allowance_month(user) -> bool:
    """Computing and approving a month affects the whole city: HR at city level (or a superuser)."""
    from lms.models import OrgLevel

    if user.is_superuser:
        return True
    own = worker_of(user)
    return bool(own and roles.has_role(user, roles.HR) and own.org_unit.level == OrgLevel.CITY)


def allowance_start_month() -> dt.date | None:
    """The first month allowances may be computed for: ALLOWANCE_START_MONTH (YYYY-MM) if set, else
    the month of the earliest certificate recorded; None while there is neither (nothing to pay)."""
    configured = (getattr(settings, "ALLOWANCE_START_MONTH", "") or "").strip()
    if configured:
        return parse_month(configured)
    earliest = Certificate.objects.aggregate(first=Min("issued_on"))["first"]
    return earliest.replace(day=1) if earliest else None


def scope_name(viewer) -> str:
    """What the viewer's totals cover, for labels such as 计发人数（江南区）: the top units of their
    scope by name, 全部 for a superuser, 本人 for someone without a subtree."""
    if sees_everything(viewer):
        return "全部"
    return "、".join(unit.name for unit in scope_roots(viewer)) or "本人"


def allowance_month_totals(user, run: AllowanceMonth) -> dict:
    """A month's figures over the workers the user may see: 计发人数 and 证书津贴 of its lines, its
    adjustments and the month's one-off incentives, and what is payable in all (Decimal)."""
    lines = scope_queryset(user, run.lines.all()).aggregate(count=Count("pk"), total=Sum("amount"))
    adjustments = scope_queryset(user, run.adjustments.all()).aggregate(count=Count("pk"), total=Sum("amount"))
    incentives = scope_queryset(user, Incentive.objects.filter(month=run.month)).aggregate(
        count=Count("pk"), total=Sum("amount")
    )
    zero = Decimal("0.00")
    totals = {
        "scope": scope_name(user),
        "worker_count": lines["count"],
        "lines_total": (lines["total"] or zero).quantize(CENT),
        "adjustment_count": adjustments["count"],
        "adjustments_total": (adjustments["total"] or zero).quantize(CENT),
        "incentive_count": incentives["count"],
        "incentives_total": (incentives["total"] or zero).quantize(CENT),
    }
    totals["payable_total"] = totals["lines_total"] + totals["adjustments_total"] + totals["incentives_total"]
    return totals


def allowance_months_visible(user) -> QuerySet[AllowanceMonth]:
    """Allowance months with the head-count and total of the lines the user may see
    (`visible_count`, `visible_total`): a district's HR sees their district's figures, not the city's."""
    lines_q = worker_scope_q(user, "lines__worker__")
    return AllowanceMonth.objects.annotate(
        visible_count=Count("lines", filter=lines_q),
        visible_total=Coalesce(Sum("lines__amount", filter=lines_q), Decimal("0.00"), output_field=DecimalField()),
    ).order_by("-month")


def allowance_lines_visible(user, run: AllowanceMonth) -> QuerySet[AllowanceLine]:
    return scope_queryset(user, run.lines.select_related("worker__org_unit")).order_by("worker__employee_no")


def allowance_adjustments_visible(user, run: AllowanceMonth) -> QuerySet[AllowanceAdjustment]:
    return scope_queryset(user, run.adjustments.select_related("worker", "corrects"))


def incentives_visible(user, month: dt.date) -> QuerySet[Incentive]:
    return scope_queryset(user, Incentive.objects.filter(month=month.replace(day=1)).select_related("worker__org_unit"))


def certification_rates(viewer, *, today: dt.date | None = None) -> list[dict]:
    """持证率 by org unit: for each unit the viewer's scope splits into (lms.access.scope_breakdown),
    the grid workers (网格员) the viewer may see there and how many hold a valid qualification."""
    today = today or timezone.localdate()
    holding = (
        Certificate.objects.filter(
            worker=OuterRef("pk"),
            certificate_type__counts_for_rate=True,
            issued_on__lte=today,
        )
        .filter(Q(valid_until__isnull=True) | Q(valid_until__gte=today))
        .filter(Q(revoked_on__isnull=True) | Q(revoked_on__gt=today))
    )
    trainees = Worker.objects.filter(user__groups__name=roles.LABEL_BY_CODE[roles.TRAINEE])
    rows = []
    for unit in scope_breakdown(viewer):
        stats = (
            scope_queryset(viewer, trainees, worker_path="", within=unit)
            .annotate(holds=Exists(holding))
            .aggregate(total=Count("pk", distinct=True), holders=Count("pk", filter=Q(holds=True), distinct=True))
        )
        total, holders = stats["total"], stats["holders"]
        rate = (Decimal(holders) * 100 / Decimal(total)).quantize(Decimal("0.1")) if total else Decimal("0.0")
        rows.append({"unit": unit, "total": total, "holders": holders, "rate": rate})
    return rows


def issuance_job_progress(job: IssuanceJob) -> dict:
    """What a page polling a bulk issuance shows: status, counts and whether the batch PDF is ready."""
    return {
        "status": job.status,
        "status_label": job.get_status_display(),
        "done": job.done,
        "total": job.total,
        "percent": job.percent,
        "batch_ready": bool(job.batch_pdf),
    }


# --- 辖区概览 (lms.hooks.register_dashboard_figure; docs/rules.md §15) ------------------------------


def _valid_on_q(day: dt.date) -> Q:
    """The validity rule of docs/rules.md §8 (Certificate.status_on) as a filter for `day`."""
    return (
        Q(issued_on__lte=day)
        & (Q(valid_until__isnull=True) | Q(valid_until__gte=day))
        & (Q(revoked_on__isnull=True) | Q(revoked_on__gt=day))
    )


def rate_certificates_valid_on(day: dt.date) -> QuerySet[Certificate]:
    """Certificates that count for 持证率 and are valid on `day`."""
    return Certificate.objects.filter(_valid_on_q(day), certificate_type__counts_for_rate=True)


def dashboard_figures(query) -> list:
    """持证率 (on the period's last day, or today while it runs) and 津贴发放 (approved months of the
    period) per row unit, each one aggregate over the subtree; one more for the 持证率 trend."""
    from lms.dashboard import MONEY, RATE, Figure, Ratio, grouped, role_holders_q

    period, today = query.period, query.today
    trainees = Worker.objects.filter(query.scope_q(""), role_holders_q((roles.TRAINEE,))).order_by()

    def holders_q(day: dt.date) -> Q:
        return Q(pk__in=rate_certificates_valid_on(day).values("worker_id").distinct())

    rows = grouped(
        trainees.annotate(row=query.row_key(""))
        .values("row")
        .annotate(people=Count("pk"), holders=Count("pk", filter=holders_q(period.as_of(today))))
    )
    # The trend from the certificates' side: one pass over the rate-counting certificates of the
    # scope's 网格员, a distinct count of holders for each quarter's last day.
    held = Certificate.objects.filter(
        query.scope_q("worker__"), role_holders_q((roles.TRAINEE,), "worker__"), certificate_type__counts_for_rate=True
    ).order_by()
    counts = held.aggregate(
        **{
            f"q{n}": Count("worker_id", distinct=True, filter=_valid_on_q(q.as_of(today)))
            for n, q in enumerate(query.trend)
        }
    )
    people = sum(r["people"] for r in rows.values())
    trend = [Ratio(counts[f"q{n}"], people) if query.started(q) else Ratio() for n, q in enumerate(query.trend)]

    approved = {"run__status": AllowanceMonth.Status.APPROVED, "run__month__range": (period.start, period.end)}
    paid: dict[int, Decimal] = defaultdict(lambda: Decimal("0.00"))
    for model in (AllowanceLine, AllowanceAdjustment):
        for row in (
            model.objects.filter(query.scope_q("worker__"), **approved)
            .order_by()
            .annotate(row=query.row_key("worker__"))
            .values("row")
            .annotate(amount=Sum("amount"))
        ):
            paid[row["row"]] += row["amount"] or Decimal("0.00")
    return [
        Figure(
            key="certified",
            label="持证率",
            kind=RATE,
            by_unit={key: Ratio(r["holders"], r["people"]) for key, r in rows.items()},
            definition="期末（进行中的期间为今天）持有计入持证率的有效职业资格证书的网格员比例",
            order=60,
            trend=trend,
        ),
        Figure(
            key="allowance",
            label="津贴发放（元）",
            kind=MONEY,
            by_unit={key: amount.quantize(CENT) for key, amount in paid.items()},
            definition="期间内已审批月份的持证津贴（含调整）合计",
            order=70,
        ),
    ]
