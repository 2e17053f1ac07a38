from django.urls import reverse

from lms import roles
from lms.access import worker_of
from lms.selectors import unread_notification_count


def _tabs(request, codes: set[str], superuser: bool) -> list[dict]:
    """The main navigation: every page the user's roles open, the current one marked by URL prefix."""
    staff = superuser or bool(codes & {roles.TRAINER, roles.JUDGE})
    candidates = [
        ("我的学习", reverse("trainee_home"), ("/me/",), True),
        ("课程", reverse("courses:my_courses"), ("/courses/",), True),
        ("案例库", "/cases/", ("/cases/", "/drills/", "/faq/"), True),
        ("测验", reverse("assessments:quiz_list"), ("/quizzes/", "/attempts/"), True),
        ("证书", reverse("certificates:mine"), ("/certificates/mine/",), True),
        ("阅卷", reverse("assessments:marking_queue"), ("/marking/",), staff),
        ("演练评审", reverse("casebank:judge_queue"), ("/drills/review/",), staff),
        ("辖区概览", reverse("manager_home"), ("/overview/",), superuser or roles.MANAGER in codes),
        ("人事工作台", reverse("hr_home"), ("/hr/", "/certificates/hr/", "/workers/"), superuser or roles.HR in codes),
    ]
    path = request.path
    shown = [(label, url, prefixes) for label, url, prefixes, visible in candidates if visible]
    # The tab whose prefix matches the most of the path is the current one (/drills/review/ is
    # 演练评审, not 案例库).
    best = max(
        ((len(p), label) for label, _, prefixes in shown for p in prefixes if path.startswith(p)),
        default=(0, None),
    )[1]
    return [{"label": label, "url": url, "active": label == best} for label, url, _ in shown]


def navigation(request):
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    codes = roles.user_role_codes(user)
    return {
        "current_worker": worker_of(user),
        "role_codes": codes,
        "unread_notifications": unread_notification_count(user),
        "can_use_admin": user.is_superuser or bool(codes & roles.ADMIN_ROLES),
        "nav_tabs": _tabs(request, codes, user.is_superuser),
    }
