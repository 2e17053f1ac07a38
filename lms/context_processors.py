import functools

from django.urls import get_script_prefix, get_urlconf, reverse

from lms import roles
from lms.access import worker_of
from lms.exports import may_export_any
from lms.selectors import unread_notification_count


@functools.lru_cache(maxsize=8)
def _tab_urls(urlconf, script_prefix: str) -> dict[str, str]:
    """The tabs' addresses, reversed once per URL configuration rather than on every page."""
    names = (
        "trainee_home",
        "courses:my_courses",
        "assessments:quiz_list",
        "certificates:mine",
        "competitions:list",
        "assessments:marking_queue",
        "casebank:judge_queue",
        "manager_home",
        "hr_home",
    )
    return {name: reverse(name, urlconf=urlconf) for name in names}


def _tabs(request, codes: set[str], superuser: bool) -> list[dict]:
    """The main navigation: every page the user's roles open, the current one marked by URL prefix."""
    staff = superuser or bool(codes & {roles.TRAINER, roles.JUDGE})
    url = _tab_urls(get_urlconf(), get_script_prefix())
    candidates = [
        ("我的学习", url["trainee_home"], ("/me/",), True),
        ("课程", url["courses:my_courses"], ("/courses/",), True),
        ("案例库", "/cases/", ("/cases/", "/drills/", "/faq/"), True),
        ("测验", url["assessments:quiz_list"], ("/quizzes/", "/attempts/"), True),
        ("证书", url["certificates:mine"], ("/certificates/mine/",), True),
        ("技能比武", url["competitions:list"], ("/competitions/",), True),
        ("阅卷", url["assessments:marking_queue"], ("/marking/",), staff),
        ("演练评审", url["casebank:judge_queue"], ("/drills/review/",), staff),
        ("辖区概览", url["manager_home"], ("/overview/",), superuser or roles.MANAGER in codes),
        ("人事工作台", url["hr_home"], ("/hr/", "/certificates/hr/", "/workers/"), superuser or roles.HR in codes),
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
        "can_export": may_export_any(user),
        "nav_tabs": _tabs(request, codes, user.is_superuser),
    }
