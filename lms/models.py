"""Core models: the org tree, worker profiles, roles, audit log, notifications, login failures, export jobs."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from wagtail.models import Page

from lms import roles
from lms.private_media import private_storage


class OrgLevel(models.IntegerChoices):
    CITY = 1, _("市")
    DISTRICT = 2, _("区")
    STREET = 3, _("街道")
    COMMUNITY = 4, _("社区")
    GRID = 5, _("网格")


class OrgUnit(models.Model):
    """A node of the tree 市 → 区 → 街道 → 社区 → 网格.

    `path` holds the ids from the root down (`/1/4/9/`), so a whole subtree is one indexed
    prefix query, on SQLite and PostgreSQL alike.
    """

    name = models.CharField(_("名称"), max_length=100)
    level = models.PositiveSmallIntegerField(_("层级"), choices=OrgLevel.choices)
    parent = models.ForeignKey(
        "self", verbose_name=_("上级"), null=True, blank=True, on_delete=models.PROTECT, related_name="children"
    )
    path = models.CharField(max_length=255, db_index=True, editable=False)
    full_name = models.CharField(_("完整路径"), max_length=600, editable=False)

    class Meta:
        verbose_name = _("组织单元")
        verbose_name_plural = _("组织单元")
        ordering = ["path"]
        constraints = [
            models.UniqueConstraint(fields=["parent", "name"], name="orgunit_unique_name_under_parent"),
            models.UniqueConstraint(
                fields=["name"], condition=models.Q(parent__isnull=True), name="orgunit_unique_root_name"
            ),
        ]

    def __str__(self) -> str:
        return self.full_name or self.name

    def subtree_q(self, prefix: str = "") -> models.Q:
        """Q matching this unit and everything below it, for a model whose org unit is at `prefix`."""
        return models.Q(**{f"{prefix}path__startswith": self.path})


class Worker(models.Model):
    """A person on the platform: grid worker, or staff in any of the roles."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, verbose_name=_("登录账号"), on_delete=models.CASCADE, related_name="worker"
    )
    employee_no = models.CharField(_("工号"), max_length=32, unique=True)
    name = models.CharField(_("姓名"), max_length=50)
    id_number = models.CharField(_("身份证号"), max_length=18, blank=True)
    phone = models.CharField(_("手机号"), max_length=20, blank=True)
    org_unit = models.ForeignKey(OrgUnit, verbose_name=_("所属组织"), on_delete=models.PROTECT, related_name="workers")
    hire_date = models.DateField(_("入职日期"), null=True, blank=True)
    # Imported workers first log in with the last six characters of their ID number and must
    # then choose a password; hashing thousands of passwords during an import would take minutes.
    must_change_password = models.BooleanField(_("需修改初始密码"), default=False)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("人员")
        verbose_name_plural = _("人员")
        ordering = ["employee_no"]
        indexes = [models.Index(fields=["org_unit", "employee_no"])]

    def __str__(self) -> str:
        return f"{self.name}（{self.employee_no}）"

    @property
    def role_codes(self) -> set[str]:
        return roles.user_role_codes(self.user)

    @property
    def role_labels(self) -> list[str]:
        codes = self.role_codes
        return [label for code, label in roles.ROLE_CHOICES if code in codes]


# The Chinese name of every audit target type, shown wherever the audit log is listed or exported
# (AuditLog.target_label). tests/lms/test_audit_names.py checks that every target_type the code
# writes has a name here; types already written in Chinese show as they are.
AUDIT_TARGET_NAMES = {
    "allowance_adjustment": "津贴调整",
    "allowance_month": "月度持证津贴",
    "attendance": "面授签到",
    "certificate": "证书",
    "certificate_register": "证书登记台账",
    "competency_reports": "能力评估报告",
    "competency_scores": "能力得分",
    "hours_entry": "学时记录",
    "incentive": "一次性奖励",
    "mentorship.compliance": "导师制达标情况",
    "metric_record": "业务指标",
    "quiz": "测验",
    "quiz_results": "测验成绩",
    "training_compliance": "学时达标情况",
    "worker": "人员档案",
}


class AuditLog(models.Model):
    """Who saw or exported what. Written for every unmasked display or export of personal data."""

    class Action(models.TextChoices):
        VIEW_PII = "view_pii", _("查看完整个人信息")
        EXPORT = "export", _("导出数据")
        IMPORT = "import", _("导入数据")
        CHANGE = "change", _("修改数据")

    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("操作人"), null=True, blank=True, on_delete=models.SET_NULL
    )
    action = models.CharField(_("操作"), max_length=20, choices=Action.choices)
    target_type = models.CharField(_("对象类型"), max_length=50)
    target_id = models.CharField(_("对象"), max_length=64, blank=True)
    detail = models.JSONField(_("详情"), default=dict, blank=True)
    ip_address = models.GenericIPAddressField(_("IP 地址"), null=True, blank=True)
    created_at = models.DateTimeField(_("时间"), default=timezone.now, db_index=True)

    class Meta:
        verbose_name = _("审计日志")
        verbose_name_plural = _("审计日志")
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.created_at:%Y-%m-%d %H:%M} {self.get_action_display()} {self.target_label}:{self.target_id}"

    @property
    def target_label(self) -> str:
        return AUDIT_TARGET_NAMES.get(self.target_type, self.target_type)


class Notification(models.Model):
    """An in-app message (站内消息). Reminders of every app arrive here."""

    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("接收人"), on_delete=models.CASCADE, related_name="notifications"
    )
    title = models.CharField(_("标题"), max_length=200)
    body = models.TextField(_("内容"), blank=True)
    url = models.CharField(_("链接"), max_length=500, blank=True)
    # Lets a scheduled reminder be sent once per subject however often its task runs.
    dedupe_key = models.CharField(max_length=200, blank=True)
    created_at = models.DateTimeField(_("发送时间"), default=timezone.now)
    read_at = models.DateTimeField(_("阅读时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("站内消息")
        verbose_name_plural = _("站内消息")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["recipient", "read_at"])]
        constraints = [
            models.UniqueConstraint(
                fields=["recipient", "dedupe_key"],
                condition=~models.Q(dedupe_key=""),
                name="notification_unique_dedupe_key",
            )
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def is_read(self) -> bool:
        return self.read_at is not None


class LoginFailure(models.Model):
    """One failed login, kept in the database so the limit holds across app servers."""

    username = models.CharField(max_length=150, db_index=True)
    ip_address = models.GenericIPAddressField(null=True, blank=True, db_index=True)
    created_at = models.DateTimeField(default=timezone.now, db_index=True)

    class Meta:
        verbose_name = _("登录失败记录")
        verbose_name_plural = _("登录失败记录")


def _export_upload_to(instance, filename: str) -> str:
    # Private storage has no URL; a random name still keeps one file's name from telling another's.
    import secrets
    from pathlib import PurePath

    return f"exports/{timezone.now():%Y/%m}/{secrets.token_hex(16)}{PurePath(filename).suffix.lower()[:6]}"


class ExportJob(models.Model):
    """An on-screen export (XLSX/CSV) written by a Celery task; its page polls done/total.

    Only the person who asked for it may see it or download its file.
    """

    class Status(models.TextChoices):
        PENDING = "pending", _("排队中")
        RUNNING = "running", _("进行中")
        DONE = "done", _("已完成")
        FAILED = "failed", _("失败")

    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("发起人"), on_delete=models.CASCADE, related_name="export_jobs"
    )
    kind = models.CharField(_("导出类型"), max_length=64)
    title = models.CharField(_("名称"), max_length=200)
    params = models.JSONField(_("参数"), default=dict, blank=True)
    status = models.CharField(_("状态"), max_length=10, choices=Status.choices, default=Status.PENDING)
    total = models.PositiveIntegerField(_("总数"), default=0)
    done = models.PositiveIntegerField(_("已完成"), default=0)
    file = models.FileField(_("文件"), upload_to=_export_upload_to, storage=private_storage, blank=True)
    file_name = models.CharField(_("文件名"), max_length=200, blank=True)
    content_type = models.CharField(max_length=100, blank=True)
    # The audit rows the writer would have logged; written on each download (see lms.exports).
    audit = models.JSONField(default=list, blank=True)
    error = models.TextField(_("错误信息"), blank=True)
    created_at = models.DateTimeField(_("创建时间"), default=timezone.now)
    started_at = models.DateTimeField(_("开始时间"), null=True, blank=True)
    finished_at = models.DateTimeField(_("完成时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("导出任务")
        verbose_name_plural = _("导出任务")
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return self.title

    @property
    def percent(self) -> int:
        if self.status == self.Status.DONE:
            return 100
        return min(100, int(self.done * 100 / self.total)) if self.total else 0

    @property
    def is_finished(self) -> bool:
        return self.status in {self.Status.DONE, self.Status.FAILED}


def _import_upload_to(instance, filename: str) -> str:
    import secrets
    from pathlib import PurePath

    return f"imports/{timezone.now():%Y/%m}/{secrets.token_hex(16)}{PurePath(filename).suffix.lower()[:6]}"


class ImportJob(models.Model):
    """One uploaded import file on its way through check → preview → confirm (lms.imports).

    The file is private and only its uploader may see the job; a finished job is pruned with its file.
    """

    class Status(models.TextChoices):
        CHECKING = "checking", _("检查中")
        REJECTED = "rejected", _("有错误")
        READY = "ready", _("待确认")
        APPLYING = "applying", _("导入中")
        DONE = "done", _("已导入")
        FAILED = "failed", _("失败")

    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("上传人"), on_delete=models.CASCADE, related_name="import_jobs"
    )
    kind = models.CharField(_("导入类型"), max_length=64)
    title = models.CharField(_("名称"), max_length=200)
    params = models.JSONField(_("参数"), default=dict, blank=True)
    file = models.FileField(_("文件"), upload_to=_import_upload_to, storage=private_storage)
    file_name = models.CharField(_("原文件名"), max_length=200)
    status = models.CharField(_("状态"), max_length=10, choices=Status.choices, default=Status.CHECKING)
    total = models.PositiveIntegerField(_("行数"), default=0)
    done = models.PositiveIntegerField(_("已处理"), default=0)
    errors = models.JSONField(_("错误行"), default=list, blank=True)
    preview = models.JSONField(_("预览"), default=dict, blank=True)
    result = models.TextField(_("结果"), blank=True)
    created_at = models.DateTimeField(_("创建时间"), default=timezone.now)
    finished_at = models.DateTimeField(_("完成时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("导入任务")
        verbose_name_plural = _("导入任务")
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return self.title

    @property
    def is_running(self) -> bool:
        return self.status in {self.Status.CHECKING, self.Status.APPLYING}

    @property
    def percent(self) -> int:
        if self.status in {self.Status.READY, self.Status.DONE, self.Status.REJECTED}:
            return 100
        return min(100, int(self.done * 100 / self.total)) if self.total else 0


class HomePage(Page):
    """Root of the site's page tree; course and case libraries live beneath it.

    The URL `/` itself is the role-aware home view (lms.views.home); this page only anchors the tree.
    """

    max_count = 1
    parent_page_types = ["wagtailcore.Page"]

    class Meta:
        verbose_name = _("站点首页")
