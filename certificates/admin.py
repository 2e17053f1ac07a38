"""Django admin: certificate types and their dated allowance standards (editing a standard means
adding a row with its effective date, so past months keep theirs)."""

from django.contrib import admin

from .models import AllowanceRate, CertificateType


class AllowanceRateInline(admin.TabularInline):
    model = AllowanceRate
    extra = 1
    fields = ("effective_from", "monthly_amount", "note")


@admin.register(CertificateType)
class CertificateTypeAdmin(admin.ModelAdmin):
    list_display = ("code", "name", "family", "level", "validity_months", "platform_issued", "counts_for_rate")
    list_filter = ("platform_issued", "family")
    inlines = [AllowanceRateInline]
