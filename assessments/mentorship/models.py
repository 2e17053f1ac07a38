"""Mentorship terms (导师帮带期) and the guidance sessions logged in them (docs/rules.md, 12. 导师制)."""

from __future__ import annotations

import datetime as dt
import secrets
from pathlib import PurePath

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from lms.models import Worker
from lms.private_media import private_storage


class TermStatus(models.TextChoices):
    ACTIVE = "进行中", _("进行中")
    GRADUATED = "已出师", _("已出师")
    ENDED = "已终止", _("已终止")


class MentorshipTerm(models.Model):
    """A mentor and a mentee joined from `start` to `planned_end` (or `actual_end` once ended)."""

    mentor = models.ForeignKey(Worker, verbose_name=_("导师"), on_delete=models.PROTECT, related_name="mentor_terms")
    mentee = models.ForeignKey(Worker, verbose_name=_("徒弟"), on_delete=models.PROTECT, related_name="mentee_terms")
    start = models.DateField(_("开始日期"))
    planned_end = models.DateField(_("计划结束日期"))
    actual_end = models.DateField(_("实际结束日期"), null=True, blank=True)
    status = models.CharField(_("状态"), max_length=4, choices=TermStatus.choices, default=TermStatus.ACTIVE)
    end_reason = models.CharField(_("结束原因"), max_length=200, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("登记人"), null=True, blank=True, on_delete=models.SET_NULL
    )
    created_at = models.DateTimeField(_("登记时间"), default=timezone.now)

    class Meta:
        verbose_name = _("导师帮带期")
        verbose_name_plural = _("导师帮带期")
        ordering = ["-start", "-id"]
        indexes = [
            models.Index(fields=["mentor", "start"]),
            models.Index(fields=["mentee", "start"]),
        ]
        constraints = [
            models.CheckConstraint(condition=models.Q(planned_end__gt=models.F("start")), name="term_end_after_start"),
            models.CheckConstraint(condition=~models.Q(mentor=models.F("mentee")), name="term_mentor_not_mentee"),
            models.CheckConstraint(
                condition=models.Q(actual_end__isnull=True) | models.Q(actual_end__gte=models.F("start")),
                name="term_actual_end_after_start",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.mentor.name} → {self.mentee.name}（{self.start}–{self.end}）"

    @property
    def end(self) -> dt.date:
        """The last day of the term: its actual end once ended, else its planned end."""
        return self.actual_end or self.planned_end

    def covers(self, day: dt.date) -> bool:
        return self.start <= day <= self.end


class SessionType(models.TextChoices):
    HOME_VISIT = "入户走访", _("入户走访")
    DEMONSTRATION = "现场示范", _("现场示范")
    QUESTIONS = "答疑辅导", _("答疑辅导")
    REVIEW = "复盘总结", _("复盘总结")


class SessionStatus(models.TextChoices):
    PENDING = "待确认", _("待确认")
    CONFIRMED = "已确认", _("已确认")
    DISPUTED = "有异议", _("有异议")


def _photo_upload_to(instance, filename: str) -> str:
    return f"mentorship/{timezone.now():%Y/%m}/{secrets.token_hex(16)}{PurePath(filename).suffix.lower()[:6]}"


class GuidanceSession(models.Model):
    """One guidance session a mentor logs; it counts once the mentee confirms it."""

    term = models.ForeignKey(
        MentorshipTerm, verbose_name=_("帮带期"), on_delete=models.CASCADE, related_name="sessions"
    )
    date = models.DateField(_("日期"))
    type = models.CharField(_("类型"), max_length=4, choices=SessionType.choices)
    minutes = models.PositiveSmallIntegerField(
        _("时长（分钟）"), validators=[MinValueValidator(1), MaxValueValidator(720)]
    )
    place = models.CharField(_("地点"), max_length=100)
    indicators = models.JSONField(_("练习的能力指标"), default=list, blank=True)
    notes = models.TextField(_("记录"), blank=True)
    photo = models.FileField(_("照片"), upload_to=_photo_upload_to, storage=private_storage, blank=True)
    status = models.CharField(_("状态"), max_length=4, choices=SessionStatus.choices, default=SessionStatus.PENDING)
    dispute_reason = models.CharField(_("异议原因"), max_length=200, blank=True)
    confirmed_at = models.DateTimeField(_("确认时间"), null=True, blank=True)
    rated_at = models.DateTimeField(_("评价时间"), null=True, blank=True)
    created_at = models.DateTimeField(_("记录时间"), default=timezone.now)

    class Meta:
        verbose_name = _("指导记录")
        verbose_name_plural = _("指导记录")
        ordering = ["-date", "-id"]
        indexes = [models.Index(fields=["term", "date"])]

    def __str__(self) -> str:
        return f"{self.date} {self.type}"


class SignOffStatus(models.TextChoices):
    PENDING = "待审核", _("待审核")
    APPROVED = "已通过", _("已通过")
    RETURNED = "已退回", _("已退回")


class SignOff(models.Model):
    """A mentor's proposal that the mentee works independently (独立上岗), decided by a trainer of
    the mentee's subtree; approval ends the term as 已出师 on the day it is given."""

    term = models.ForeignKey(
        MentorshipTerm, verbose_name=_("帮带期"), on_delete=models.CASCADE, related_name="signoffs"
    )
    assessment = models.TextField(_("导师评估"))
    proposed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("申请人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    proposed_at = models.DateTimeField(_("申请时间"), default=timezone.now)
    status = models.CharField(_("状态"), max_length=4, choices=SignOffStatus.choices, default=SignOffStatus.PENDING)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("审核人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    decided_at = models.DateTimeField(_("审核时间"), null=True, blank=True)
    signed_off_on = models.DateField(_("出师日期"), null=True, blank=True)
    return_reason = models.CharField(_("退回原因"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("出师申请")
        verbose_name_plural = _("出师申请")
        ordering = ["-proposed_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["term"], condition=models.Q(status="待审核"), name="signoff_one_pending_per_term"
            ),
            models.UniqueConstraint(
                fields=["term"], condition=models.Q(status="已通过"), name="signoff_one_approved_per_term"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.term} {self.status}"


class MentorFeedback(models.Model):
    """The mentee's rating of the mentor once the term has ended: 1–5 stars and a comment, once per term."""

    term = models.OneToOneField(
        MentorshipTerm, verbose_name=_("帮带期"), on_delete=models.CASCADE, related_name="feedback"
    )
    stars = models.PositiveSmallIntegerField(_("星级"), validators=[MinValueValidator(1), MaxValueValidator(5)])
    comment = models.TextField(_("意见"), blank=True)
    created_at = models.DateTimeField(_("提交时间"), default=timezone.now)

    class Meta:
        verbose_name = _("徒弟对导师的评价")
        verbose_name_plural = _("徒弟对导师的评价")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(condition=models.Q(stars__gte=1, stars__lte=5), name="feedback_stars_1_5"),
        ]

    def __str__(self) -> str:
        return f"{self.term} {self.stars}星"
