from lms import roles
from lms.access import worker_of
from lms.selectors import unread_notification_count


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
    }
