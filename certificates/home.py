"""Home page cards: 我的证书 for every worker, 证书与津贴 for HR."""

from django.utils import timezone

from lms import roles
from lms.access import worker_of

from . import selectors
from .models import AllowanceMonth


def trainee_section(request):
    worker = worker_of(request.user)
    if worker is None:
        return None
    today = timezone.localdate()
    certificates = list(selectors.certificates_of(worker)[:50])
    valid = [c for c in certificates if c.status_on(today) == "valid"]
    return {
        "title": "我的证书",
        "template": "certificates/_home_trainee.html",
        "context": {"valid": valid[:3], "valid_count": len(valid), "total": len(certificates)},
        "order": 40,
    }


def hr_section(request):
    if not (request.user.is_superuser or roles.has_role(request.user, roles.HR)):
        return None
    latest = AllowanceMonth.objects.first()
    rates = selectors.certification_rates(request.user)
    total = sum(r["total"] for r in rates)
    holders = sum(r["holders"] for r in rates)
    return {
        "title": "证书与津贴",
        "template": "certificates/_home_hr.html",
        "context": {
            "latest": latest,
            "rate": round(holders * 100 / total, 1) if total else 0,
            "holders": holders,
            "total": total,
            "scope": selectors.scope_name(request.user),
        },
        "order": 20,
    }
