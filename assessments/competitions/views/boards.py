"""The knowledge round's waiting room and the leaderboards (phone board, venue big screen).

The board JSON endpoints are the hot path (a hall of phones polls every 2 s): they read the
precomputed board through `selectors_boards.served_board` (one indexed read, cached ≤ 1 s per
process), answer 304 to a matching If-None-Match, and never write the session.

The big screen is reached without login by the competition's secret link. It shows the public
board (published rounds only) unless the organiser ticked `Competition.screen_live`: a venue
usually shows the scores live on the wall as the judges enter them (docs/rules.md, 14.6); the
phones of workers and the API keep to published rounds either way.
"""

from __future__ import annotations

import json

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods

from assessments.competitions import selectors_boards
from assessments.competitions.models import Competition
from assessments.competitions.services import CompetitionError
from assessments.competitions.services_knowledge import knowledge_round_start
from assessments.models import AttemptState
from lms.access import worker_of

JSON_TYPE = "application/json; charset=utf-8"


def not_found(request, message: str):
    return render(request, "competitions/not_found.html", {"message": message}, status=404)


# --- the knowledge round's waiting room ---------------------------------------------------------


def _seconds_until(moment, now) -> int:
    return max(0, int((moment - now).total_seconds() + 0.999))


def _ms_until(moment, now) -> int:
    return max(0, int((moment - now).total_seconds() * 1000) + 1)


@login_required
@require_http_methods(["GET", "POST"])
def paper(request, round_id: int):
    """Before the start: a countdown by the server's clock, and no question text. At zero the page
    posts here, which starts the attempt and sends the contestant to the quiz screen."""
    found = selectors_boards.knowledge_round_for(request.user, round_id)
    if found is None:
        return not_found(request, "未找到该知识竞赛，或您不是本比赛的参赛选手")
    round_, entry = found
    if request.method == "POST":
        try:
            attempt = knowledge_round_start(round_=round_, worker=entry.worker)
        except CompetitionError as refused:
            messages.error(request, str(refused))
            return redirect("competitions:paper", round_id=round_.pk)
        return redirect("assessments:attempt", pk=attempt.pk)
    from assessments.models import Attempt

    now = timezone.now()
    attempt = Attempt.objects.filter(quiz_id=round_.quiz_id, worker=entry.worker).order_by("-number").first()
    if round_.starts_at is None:
        phase = "unscheduled"
    elif now < round_.starts_at:
        phase = "waiting"
    elif attempt is not None and attempt.state != AttemptState.IN_PROGRESS:
        phase = "submitted"
    elif now >= round_.ends_at:
        phase = "ended"
    else:
        phase = "open"
    return render(
        request,
        "competitions/paper.html",
        {
            "round": round_,
            "competition": round_.competition,
            "phase": phase,
            "attempt": attempt,
            "seconds_left": _seconds_until(round_.starts_at, now) if phase == "waiting" else 0,
            "ms_left": _ms_until(round_.starts_at, now) if phase == "waiting" else 0,
            "server_now": now.isoformat(),
        },
    )


@login_required
@require_GET
def paper_clock(request, round_id: int):
    """The server's clock for the waiting room: seconds to the start, to correct the page's drift."""
    found = selectors_boards.knowledge_round_for(request.user, round_id)
    if found is None:
        return JsonResponse({"detail": "未找到该知识竞赛"}, status=404, json_dumps_params={"ensure_ascii": False})
    round_, _ = found
    now = timezone.now()
    starts = round_.starts_at
    response = JsonResponse(
        {
            "now": now.isoformat(),
            "starts_at": starts.isoformat() if starts else None,
            "seconds_left": _seconds_until(starts, now) if starts and now < starts else 0,
            "ms_left": _ms_until(starts, now) if starts and now < starts else 0,
            "started": bool(starts and now >= starts),
        }
    )
    response["Cache-Control"] = "no-store"
    return response


# --- leaderboards -------------------------------------------------------------------------------


def _board_response(request, board: selectors_boards.ServedBoard, *, cache: str) -> HttpResponse:
    quoted = f'"{board.etag}"'
    if selectors_boards.etag_matches(request.headers.get("If-None-Match"), board.etag):
        response = HttpResponse(status=304)
    elif "gzip" in request.headers.get("Accept-Encoding", ""):
        response = HttpResponse(board.gzipped, content_type=JSON_TYPE)
        response["Content-Encoding"] = "gzip"
    else:
        response = HttpResponse(board.body, content_type=JSON_TYPE)
    response["Vary"] = "Accept-Encoding"
    response["ETag"] = quoted
    response["Cache-Control"] = cache
    return response


@login_required
@require_GET
def board(request, pk: int):
    access = selectors_boards.board_access(request.user, pk)
    if not access.visible:
        return not_found(request, "未找到该比赛")
    competition = Competition.objects.filter(pk=pk).first()
    served = selectors_boards.served_board(pk, staff=access.staff) if competition else None
    if served is None:
        return not_found(request, "未找到该比赛")
    worker = worker_of(request.user)
    rounds = [r for r in selectors_boards.knowledge_rounds_entered(request.user) if r.competition_id == pk]
    return render(
        request,
        "competitions/board.html",
        {
            "competition": competition,
            "payload": json.loads(served.payload),
            "etag": served.etag,
            "staff": access.staff,
            "me": worker.employee_no if worker else "",
            "papers": rounds,
        },
    )


@require_GET
def board_json(request, pk: int):
    if not request.user.is_authenticated:
        return JsonResponse({"detail": "请先登录"}, status=401, json_dumps_params={"ensure_ascii": False})
    access = selectors_boards.board_access(request.user, pk)
    if not access.visible:
        return JsonResponse({"detail": "未找到该比赛"}, status=404, json_dumps_params={"ensure_ascii": False})
    served = selectors_boards.served_board(pk, staff=access.staff)
    if served is None:
        return JsonResponse({"detail": "未找到该比赛"}, status=404, json_dumps_params={"ensure_ascii": False})
    return _board_response(request, served, cache="private, no-cache")


@require_GET
def big_screen(request, token: str):
    screen = selectors_boards.screen_by_token(token)
    competition = Competition.objects.filter(pk=screen[0]).first() if screen else None
    if competition is None:
        return not_found(request, "大屏链接无效或已失效，请向组织方索取新的链接")
    served = selectors_boards.served_board(competition.pk, staff=screen[1])
    if served is None:
        return not_found(request, "大屏链接无效或已失效，请向组织方索取新的链接")
    return render(
        request,
        "competitions/big_screen.html",
        {"competition": competition, "payload": json.loads(served.payload), "etag": served.etag, "token": token},
    )


@require_GET
def big_screen_json(request, token: str):
    screen = selectors_boards.screen_by_token(token)
    served = selectors_boards.served_board(screen[0], staff=screen[1]) if screen else None
    if served is None:
        return JsonResponse({"detail": "大屏链接无效"}, status=404, json_dumps_params={"ensure_ascii": False})
    return _board_response(request, served, cache="no-cache")
