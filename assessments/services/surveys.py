"""The resident survey (群众评价): a public link per worker, one answer per device per month, bursts
from one address held for review (docs/rules.md, "群众评价与观察评价").

Nothing stored names a resident. `device_key` is a keyed hash of the random id in the resident's
signed cookie. `address_key` is two keyed hashes (salted with SECRET_KEY) side by side: 32 hex
characters of the address alone, then 32 of the address with the user agent. The whole key is
"this address and this browser" (once a month); its first half is "this address" (the burst rule,
a prefix match on the indexed column). The raw IP is never stored.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.conf import settings
from django.core import signing
from django.db import transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.crypto import salted_hmac

from assessments.models import EvidenceSource, SurveyResponse, SurveyStatus
from assessments.services.competency import evidence_record_many
from assessments.survey import NO, SURVEY_ITEMS, YES, item_score
from lms import roles
from lms.access import org_scope_q, sees_everything, worker_of
from lms.models import Worker

TOKEN_SALT = "assessments.survey.link"
DEVICE_SALT = "assessments.survey.device"
ADDRESS_SALT = "assessments.survey.address"
COMMENT_MAX = 200
BURST_LIMIT = 10  # counted from one address for one worker within BURST_WINDOW; later ones are held
BURST_WINDOW = dt.timedelta(hours=1)


class SurveyInvalid(ValueError):
    """An answer that cannot be saved; `errors` maps a field to its Chinese message."""

    def __init__(self, errors: dict[str, str]):
        self.errors = errors
        super().__init__("；".join(errors.values()))


class SurveyLinkInvalid(Exception):
    """A forged or unknown survey link (链接无效)."""


class SurveyLinkExpired(Exception):
    """A genuine link older than SURVEY_LINK_MAX_AGE_DAYS (链接已过期)."""


# --- links ----------------------------------------------------------------------------------------


def survey_token(worker: Worker) -> str:
    """The signed, timestamped token of `worker`'s public link /s/<token>/ (valid for
    SURVEY_LINK_MAX_AGE_DAYS from now)."""
    return signing.dumps(worker.pk, salt=TOKEN_SALT, compress=False)


def survey_url(worker: Worker) -> str:
    return reverse("assessments:survey_form", args=[survey_token(worker)])


def survey_worker(token: str) -> Worker:
    """The worker a link names; SurveyLinkInvalid for a forged token or a worker that is gone,
    SurveyLinkExpired for one older than SURVEY_LINK_MAX_AGE_DAYS."""
    max_age = dt.timedelta(days=settings.SURVEY_LINK_MAX_AGE_DAYS)
    try:
        pk = signing.loads(token, salt=TOKEN_SALT, max_age=max_age)
    except signing.SignatureExpired:
        raise SurveyLinkExpired() from None
    except (signing.BadSignature, ValueError, TypeError):
        raise SurveyLinkInvalid() from None
    if not isinstance(pk, int) or isinstance(pk, bool):
        raise SurveyLinkInvalid()
    worker = Worker.objects.select_related("org_unit").filter(pk=pk).first()
    if worker is None:
        raise SurveyLinkInvalid()
    return worker


# --- keys -----------------------------------------------------------------------------------------


def device_key(device_id: str) -> str:
    return salted_hmac(DEVICE_SALT, device_id, algorithm="sha256").hexdigest()


def _address_part(address: str | None) -> str:
    return salted_hmac(ADDRESS_SALT, f"addr\n{address or ''}", algorithm="sha256").hexdigest()[:32]


def address_key(address: str | None, user_agent: str) -> str:
    both = salted_hmac(ADDRESS_SALT, f"addr+ua\n{address or ''}\n{user_agent or ''}", algorithm="sha256")
    return _address_part(address) + both.hexdigest()[:32]


def month_of(day: dt.date) -> dt.date:
    return day.replace(day=1)


# --- answering ------------------------------------------------------------------------------------


def clean_answers(answers: dict, comment: str = "") -> tuple[dict, str]:
    """Validated answers {item key: 1–5 or 是/否} and comment; SurveyInvalid naming every bad item."""
    errors: dict[str, str] = {}
    cleaned: dict = {}
    for item in SURVEY_ITEMS:
        raw = answers.get(item.key)
        raw = raw.strip() if isinstance(raw, str) else raw
        if raw in (None, ""):
            errors[item.key] = f"请回答“{item.text}”" if item.kind == "yesno" else f"请为“{item.text}”选择星级"
            continue
        if item.kind == "yesno":
            if raw not in (YES, NO):
                errors[item.key] = f"“{item.text}”请选择“是”或“否”"
            else:
                cleaned[item.key] = raw
            continue
        if isinstance(raw, int) and not isinstance(raw, bool):
            value = raw
        elif isinstance(raw, str) and raw.isascii() and raw.isdigit():
            value = int(raw)
        else:
            value = None
        if value is None or not 1 <= value <= 5:
            errors[item.key] = f"“{item.text}”的评分应为 1–5 星"
        else:
            cleaned[item.key] = value
    comment = (comment or "").strip()
    if len(comment) > COMMENT_MAX:
        errors["comment"] = f"意见建议不能超过 {COMMENT_MAX} 字（现有 {len(comment)} 字）"
    if errors:
        raise SurveyInvalid(errors)
    return cleaned, comment


def already_answered(*, worker: Worker, device: str, address: str, today: dt.date | None = None) -> bool:
    """Whether this cookie (`device`, a device_key) or this address+browser (`address`, an
    address_key) has answered for `worker` in the current calendar month (any status)."""
    month = month_of(today or timezone.localdate())
    return (
        SurveyResponse.objects.filter(worker=worker, month=month)
        .filter(Q(device_key=device) | Q(address_key=address))
        .exists()
    )


@dataclass(frozen=True)
class SurveyOutcome:
    status: str  # "counted", "held" or "duplicate"
    response: SurveyResponse | None


def survey_submit(
    *,
    worker: Worker,
    answers: dict,
    comment: str = "",
    device_id: str,
    address: str | None,
    user_agent: str = "",
    now: dt.datetime | None = None,
) -> SurveyOutcome:
    """Save a resident's answers for `worker` (docs/rules.md, "群众评价与观察评价").

    - invalid answers → SurveyInvalid, nothing saved;
    - the same cookie or the same address+browser already answered this calendar month →
      "duplicate", nothing saved or counted;
    - an 11th or later response for this worker from one address within an hour → stored as 待审核,
      no evidence, staff of the worker's subtree notified (once per worker per day);
    - otherwise 已计入 with five `群众评价` evidence rows dated the submission day.
    """
    cleaned, comment = clean_answers(answers, comment)
    if not device_id:
        raise ValueError("device_id is required")
    now = now or timezone.now()
    today = timezone.localdate(now)
    device, address_hash = device_key(device_id), address_key(address, user_agent)
    with transaction.atomic():
        # One answer at a time per worker: two simultaneous submissions from the same phone
        # cannot both pass the once-a-month check.
        Worker.objects.select_for_update().filter(pk=worker.pk).first()
        if already_answered(worker=worker, device=device, address=address_hash, today=today):
            return SurveyOutcome("duplicate", None)
        recent = SurveyResponse.objects.filter(
            worker=worker,
            address_key__startswith=address_hash[:32],
            submitted_at__gt=now - BURST_WINDOW,
            submitted_at__lte=now,
        ).count()
        held = recent >= BURST_LIMIT
        response = SurveyResponse.objects.create(
            worker=worker,
            month=month_of(today),
            submitted_at=now,
            answers=cleaned,
            comment=comment,
            status=SurveyStatus.HELD if held else SurveyStatus.COUNTED,
            device_key=device,
            address_key=address_hash,
        )
        if held:
            _notify_held(worker, today)
        else:
            _record_evidence(response)
    return SurveyOutcome("held" if held else "counted", response)


def _record_evidence(response: SurveyResponse) -> None:
    day = timezone.localdate(response.submitted_at)
    evidence_record_many(
        worker=response.worker,
        source=EvidenceSource.SURVEY,
        items=[
            (item.indicator_code, item_score(item, response.answers[item.key]), day, response) for item in SURVEY_ITEMS
        ],
    )


# --- review of held responses ---------------------------------------------------------------------


def subtree_staff(worker: Worker) -> list:
    """Users holding a subtree role (培训管理员, 人事, 管理者) at the worker's unit or above it."""
    parts = [p for p in worker.org_unit.path.split("/") if p]
    prefixes = ["/" + "/".join(parts[: i + 1]) + "/" for i in range(len(parts))]
    labels = [roles.LABEL_BY_CODE[code] for code in roles.SUBTREE_ROLES]
    staff = (
        Worker.objects.filter(org_unit__path__in=prefixes, user__groups__name__in=labels, user__is_active=True)
        .exclude(pk=worker.pk)
        .select_related("user")
        .distinct()
    )
    return [w.user for w in staff]


def _notify_held(worker: Worker, today: dt.date) -> None:
    from lms.services import notification_send

    url = reverse("assessments:survey_review") + f"?worker={worker.employee_no}"
    for user in subtree_staff(worker):
        notification_send(
            recipient=user,
            title=f"{worker.name}的群众评价有待审核的答卷",
            body="同一地址一小时内提交过多，超出部分暂不计入，请审核后放行或驳回。",
            url=url,
            dedupe_key=f"survey-held:{worker.pk}:{today.isoformat()}",
        )


def may_review(user, worker: Worker) -> bool:
    """Staff whose subtree holds the worker (not the worker themself)."""
    if user is None or not getattr(user, "is_authenticated", False):
        return False
    own = worker_of(user)
    if own is not None and own.pk == worker.pk:
        return False
    if sees_everything(user):
        return True
    return Worker.objects.filter(org_scope_q(user, "org_unit__"), pk=worker.pk).exists()


class SurveyReviewRefused(ValueError):
    """A release or rejection that cannot be done (Chinese message)."""


def _review(reviewer, response: SurveyResponse, status: str) -> SurveyResponse:
    if not may_review(reviewer, response.worker):
        raise PermissionError("无权审核该评价")
    with transaction.atomic():
        locked = SurveyResponse.objects.select_for_update().select_related("worker").get(pk=response.pk)
        if locked.status != SurveyStatus.HELD:
            raise SurveyReviewRefused(f"该评价已是“{locked.status}”，不能再审核")
        locked.status = status
        locked.reviewed_by = reviewer
        locked.reviewed_at = timezone.now()
        locked.save(update_fields=["status", "reviewed_by", "reviewed_at"])
        if status == SurveyStatus.RELEASED:
            _record_evidence(locked)
    return locked


def survey_response_release(*, reviewer, response: SurveyResponse) -> SurveyResponse:
    """Count a held response: 已放行, evidence written with the response's own date."""
    return _review(reviewer, response, SurveyStatus.RELEASED)


def survey_response_reject(*, reviewer, response: SurveyResponse) -> SurveyResponse:
    """Drop a held response for good: 已驳回, no evidence."""
    return _review(reviewer, response, SurveyStatus.REJECTED)
