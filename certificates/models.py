"""Certificates, their types and allowance rates, bulk issuance jobs, and the monthly allowance run.

The rules themselves (validity on a day, the allowance month rule, freezing) live in services.py
and selectors.py; the models hold the data and its database-level invariants.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from lms.models import OrgUnit, Worker
from lms.private_media import private_storage


class CertificateType(models.Model):
    """A kind of certificate: an external qualification HR records, or one the platform issues."""

    code = models.CharField(_("类型代码"), max_length=20, unique=True)
    name = models.CharField(_("名称"), max_length=100)
    # Levels of one family (e.g. 社会工作者 初级/中级/高级): only the highest held pays each month.
    family = models.CharField(_("系列"), max_length=20, blank=True)
    family_name = models.CharField(_("系列名称"), max_length=50, blank=True)
    level = models.PositiveSmallIntegerField(_("级别"), default=0)
    validity_months = models.PositiveIntegerField(
        _("有效期（月）"), null=True, blank=True, help_text=_("留空表示长期有效")
    )
    platform_issued = models.BooleanField(_("平台颁发"), default=False)
    counts_for_rate = models.BooleanField(_("计入持证率"), default=False)
    default_issuer = models.CharField(_("默认发证机关"), max_length=100, blank=True)
    sort_order = models.PositiveSmallIntegerField(_("排序"), default=0)

    class Meta:
        verbose_name = _("证书类型")
        verbose_name_plural = _("证书类型")
        ordering = ["sort_order", "code"]

    def __str__(self) -> str:
        return f"{self.name}（{self.code}）"

    @property
    def family_key(self) -> str:
        """Types without a family form a family of their own."""
        return self.family or f"type:{self.code}"


class AllowanceRate(models.Model):
    """The monthly allowance of a type from a date on. A month uses the rate in force on its 1st."""

    certificate_type = models.ForeignKey(
        CertificateType, verbose_name=_("证书类型"), on_delete=models.CASCADE, related_name="rates"
    )
    effective_from = models.DateField(_("生效日期"))
    monthly_amount = models.DecimalField(_("月津贴（元）"), max_digits=10, decimal_places=2)
    note = models.CharField(_("依据"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("津贴标准")
        verbose_name_plural = _("津贴标准")
        ordering = ["certificate_type", "-effective_from"]
        constraints = [
            models.UniqueConstraint(fields=["certificate_type", "effective_from"], name="rate_unique_type_date"),
            models.CheckConstraint(condition=Q(monthly_amount__gte=0), name="rate_amount_not_negative"),
        ]

    def __str__(self) -> str:
        return f"{self.certificate_type.code} {self.effective_from:%Y-%m-%d} 起 {self.monthly_amount} 元/月"


class SerialCounter(models.Model):
    """Last serial number used per year, for platform certificate numbers (GA-2026-000001)."""

    year = models.PositiveIntegerField(primary_key=True)
    last = models.PositiveIntegerField(default=0)


class IssuanceJob(models.Model):
    """A bulk issuance (course cohort, competition awards) run by Celery; the page polls done/total."""

    class Status(models.TextChoices):
        PENDING = "pending", _("排队中")
        RUNNING = "running", _("进行中")
        DONE = "done", _("已完成")
        FAILED = "failed", _("失败")

    title = models.CharField(_("批次名称"), max_length=200)
    certificate_type = models.ForeignKey(CertificateType, verbose_name=_("证书类型"), on_delete=models.PROTECT)
    issued_on = models.DateField(_("发证日期"))
    source_label = models.CharField(_("颁发事由"), max_length=200, blank=True)
    worker_ids = models.JSONField(_("人员"), default=list)
    status = models.CharField(_("状态"), max_length=10, choices=Status.choices, default=Status.PENDING)
    total = models.PositiveIntegerField(_("总数"), default=0)
    done = models.PositiveIntegerField(_("已完成"), default=0)
    # Relative to PRIVATE_MEDIA_ROOT (lms.private_media); served by certificates.views.hr_job_batch.
    batch_pdf = models.CharField(_("批量打印文件"), max_length=300, blank=True)
    error = models.TextField(_("错误"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("发起人"), null=True, blank=True, on_delete=models.SET_NULL
    )
    org_unit = models.ForeignKey(
        OrgUnit, verbose_name=_("发起人所属组织"), null=True, blank=True, on_delete=models.SET_NULL
    )
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    finished_at = models.DateTimeField(_("完成时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("批量发证任务")
        verbose_name_plural = _("批量发证任务")
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return self.title

    @property
    def percent(self) -> int:
        return int(self.done * 100 / self.total) if self.total else (100 if self.status == self.Status.DONE else 0)


class Certificate(models.Model):
    class Source(models.TextChoices):
        PLATFORM = "platform", _("平台颁发")
        EXTERNAL = "external", _("外部资格")

    worker = models.ForeignKey(Worker, verbose_name=_("持证人"), on_delete=models.PROTECT, related_name="certificates")
    certificate_type = models.ForeignKey(
        CertificateType, verbose_name=_("证书类型"), on_delete=models.PROTECT, related_name="certificates"
    )
    serial_no = models.CharField(_("证书编号"), max_length=64, unique=True)
    verification_code = models.CharField(_("核验码"), max_length=64, unique=True)
    issued_on = models.DateField(_("发证日期"))
    valid_until = models.DateField(_("有效期至"), null=True, blank=True)
    issuer = models.CharField(_("发证机关"), max_length=100)
    source = models.CharField(_("来源"), max_length=10, choices=Source.choices)
    source_label = models.CharField(_("颁发事由"), max_length=200, blank=True)
    scan = models.FileField(_("证书扫描件"), upload_to="certificates/scans/%Y/", storage=private_storage, blank=True)
    revoked_on = models.DateField(_("撤销日期"), null=True, blank=True)
    revoke_reason = models.CharField(_("撤销原因"), max_length=200, blank=True)
    replaced_by = models.OneToOneField(
        "self", verbose_name=_("换发为"), null=True, blank=True, on_delete=models.SET_NULL, related_name="replaces"
    )
    job = models.ForeignKey(
        IssuanceJob,
        verbose_name=_("批量任务"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="certificates",
    )
    # Relative to PRIVATE_MEDIA_ROOT (lms.private_media), like IssuanceJob.batch_pdf.
    pdf_path = models.CharField(_("PDF 文件"), max_length=300, blank=True)
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("经办人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(_("录入时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("证书")
        verbose_name_plural = _("证书")
        ordering = ["-issued_on", "-id"]
        indexes = [
            models.Index(fields=["worker", "certificate_type"]),
            models.Index(fields=["certificate_type", "issued_on"]),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(valid_until__isnull=True) | Q(valid_until__gte=models.F("issued_on")),
                name="certificate_valid_until_after_issue",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.certificate_type.name} {self.serial_no}"

    def is_valid_on(self, day: dt.date) -> bool:
        """The validity rule: 发证日期 ≤ d ≤ 有效期至 (inclusive, none = no end), not revoked before d."""
        return self.status_on(day) == "valid"

    def status_on(self, day: dt.date) -> str:
        """valid / revoked / expired / pending (not yet issued on that day)."""
        if self.revoked_on is not None and day >= self.revoked_on:
            return "revoked"
        if self.valid_until is not None and day > self.valid_until:
            return "expired"
        if day < self.issued_on:
            return "pending"
        return "valid"


STATUS_LABELS = {"valid": "有效", "expired": "已过期", "revoked": "已撤销", "pending": "未生效"}


class AllowanceMonth(models.Model):
    """One month's allowance run. Draft until approved; an approved month never changes again."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("待审核")
        APPROVED = "approved", _("已审批")

    month = models.DateField(_("月份"), unique=True, help_text=_("该月 1 日"))
    status = models.CharField(_("状态"), max_length=10, choices=Status.choices, default=Status.DRAFT)
    total = models.DecimalField(_("合计（元）"), max_digits=14, decimal_places=2, default=Decimal("0.00"))
    worker_count = models.PositiveIntegerField(_("计发人数"), default=0)
    computed_at = models.DateTimeField(_("计算时间"), null=True, blank=True)
    approved_at = models.DateTimeField(_("审批时间"), null=True, blank=True)
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("审批人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        verbose_name = _("月度津贴")
        verbose_name_plural = _("月度津贴")
        ordering = ["-month"]

    def __str__(self) -> str:
        return f"{self.month:%Y-%m}"

    @property
    def label(self) -> str:
        return f"{self.month.year}年{self.month.month}月"

    @property
    def key(self) -> str:
        return f"{self.month:%Y-%m}"

    @property
    def is_approved(self) -> bool:
        return self.status == self.Status.APPROVED


class AllowanceLine(models.Model):
    """One worker's certificate allowance for a month, with the certificates behind it."""

    run = models.ForeignKey(AllowanceMonth, verbose_name=_("月份"), on_delete=models.CASCADE, related_name="lines")
    worker = models.ForeignKey(Worker, verbose_name=_("人员"), on_delete=models.PROTECT, related_name="allowance_lines")
    amount = models.DecimalField(_("证书津贴（元）"), max_digits=12, decimal_places=2)
    # [{"certificate_id", "serial_no", "type_code", "type_name", "amount"}] — what was paid and why.
    basis = models.JSONField(_("计发依据"), default=list)
    basis_text = models.CharField(_("计发证书"), max_length=500)

    class Meta:
        verbose_name = _("津贴明细")
        verbose_name_plural = _("津贴明细")
        ordering = ["worker__employee_no"]
        constraints = [models.UniqueConstraint(fields=["run", "worker"], name="allowance_line_unique_worker")]


class AllowanceAdjustment(models.Model):
    """A correction of an approved month, paid (or deducted) in a later month that is still open."""

    run = models.ForeignKey(
        AllowanceMonth, verbose_name=_("计入月份"), on_delete=models.PROTECT, related_name="adjustments"
    )
    corrects = models.ForeignKey(
        AllowanceMonth, verbose_name=_("更正月份"), on_delete=models.PROTECT, related_name="corrected_by"
    )
    worker = models.ForeignKey(
        Worker, verbose_name=_("人员"), on_delete=models.PROTECT, related_name="allowance_adjustments"
    )
    amount = models.DecimalField(_("调整金额（元）"), max_digits=12, decimal_places=2)
    reason = models.CharField(_("原因"), max_length=300)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("经办人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(_("录入时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("津贴调整")
        verbose_name_plural = _("津贴调整")
        ordering = ["-created_at", "-id"]


class Incentive(models.Model):
    """A one-off award (年度考核优秀 5,000 元, competition prizes), paid with a month's allowance."""

    class Kind(models.TextChoices):
        ANNUAL_EXCELLENT = "annual", _("年度考核优秀")
        COMPETITION = "competition", _("竞赛奖励")
        OTHER = "other", _("其他奖励")

    worker = models.ForeignKey(Worker, verbose_name=_("人员"), on_delete=models.PROTECT, related_name="incentives")
    kind = models.CharField(_("类别"), max_length=20, choices=Kind.choices)
    amount = models.DecimalField(_("金额（元）"), max_digits=12, decimal_places=2)
    month = models.DateField(_("发放月份"))
    reason = models.CharField(_("事由"), max_length=300)
    certificate = models.ForeignKey(
        Certificate, verbose_name=_("相关证书"), null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("经办人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(_("录入时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("一次性奖励")
        verbose_name_plural = _("一次性奖励")
        ordering = ["-month", "worker__employee_no"]
        constraints = [models.CheckConstraint(condition=Q(amount__gt=0), name="incentive_amount_positive")]
