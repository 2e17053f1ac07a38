"""Masking of 身份证号 and 手机号, and who may see them unmasked."""

from __future__ import annotations

from lms import roles
from lms.access import scope_queryset, worker_of


def mask_id_number(value: str) -> str:
    """`110101199001011234` → `1101**********1234`."""
    if not value:
        return ""
    if len(value) <= 8:
        return "*" * len(value)
    return value[:4] + "*" * (len(value) - 8) + value[-4:]


def mask_phone(value: str) -> str:
    """`13812345678` → `138****5678`."""
    if not value:
        return ""
    if len(value) <= 7:
        return "*" * len(value)
    return value[:3] + "*" * (len(value) - 7) + value[-4:]


def mask_name(value: str) -> str:
    """`张三丰` → `张*丰`, `李四` → `李*`: enough for a holder to recognise, not to identify."""
    if not value:
        return ""
    if len(value) == 1:
        return value
    if len(value) == 2:
        return value[0] + "*"
    return value[0] + "*" * (len(value) - 2) + value[-1]


def may_view_unmasked(viewer, worker) -> bool:
    """HR users (for workers they can see at all) and the person themself."""
    if viewer is None or not viewer.is_authenticated:
        return False
    own = worker_of(viewer)
    if own is not None and own.pk == worker.pk:
        return True
    if viewer.is_superuser:
        return True
    if roles.user_role_codes(viewer) & roles.PII_ROLES:
        from lms.models import Worker

        return scope_queryset(viewer, Worker.objects.filter(pk=worker.pk), worker_path="").exists()
    return False
