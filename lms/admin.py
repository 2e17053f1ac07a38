from django.contrib import admin

from lms.models import AUDIT_TARGET_NAMES, AuditLog, Notification, OrgUnit, Worker
from lms.pii import mask_id_number, mask_phone


@admin.register(OrgUnit)
class OrgUnitAdmin(admin.ModelAdmin):
    list_display = ("full_name", "level")
    list_filter = ("level",)
    search_fields = ("name", "full_name")


@admin.register(Worker)
class WorkerAdmin(admin.ModelAdmin):
    list_display = ("employee_no", "name", "org_unit", "masked_id_number", "masked_phone", "hire_date")
    search_fields = ("employee_no", "name")
    list_select_related = ("org_unit",)
    exclude = ("id_number", "phone")
    raw_id_fields = ("user", "org_unit")

    @admin.display(description="身份证号")
    def masked_id_number(self, obj):
        return mask_id_number(obj.id_number)

    @admin.display(description="手机号")
    def masked_phone(self, obj):
        return mask_phone(obj.phone)


class AuditTargetFilter(admin.SimpleListFilter):
    title = "对象类型"
    parameter_name = "target_type"

    def lookups(self, request, model_admin):
        types = AuditLog.objects.order_by("target_type").values_list("target_type", flat=True).distinct()
        return [(code, AUDIT_TARGET_NAMES.get(code, code)) for code in types]

    def queryset(self, request, queryset):
        return queryset.filter(target_type=self.value()) if self.value() else queryset


@admin.register(AuditLog)
class AuditLogAdmin(admin.ModelAdmin):
    list_display = ("created_at", "actor", "action", "target_name", "target_id", "ip_address")
    list_filter = ("action", AuditTargetFilter)
    readonly_fields = [f.name for f in AuditLog._meta.fields]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    @admin.display(description="对象类型", ordering="target_type")
    def target_name(self, obj):
        return obj.target_label


@admin.register(Notification)
class NotificationAdmin(admin.ModelAdmin):
    list_display = ("title", "recipient", "created_at", "read_at")
