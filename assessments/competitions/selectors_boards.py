"""Reads behind the leaderboards, the big screen and the knowledge-round waiting room.

The board is served from the precomputed `Board` row (one indexed read of etag and payload by
competition and audience). A per-process cache keeps each row for at most `BOARD_TTL` seconds, so a
viewer sees a rebuilt board no later than BOARD_TTL after it committed (well within the 5 s promise)
and a crowd polling every 2 s costs the database one read per process and second.
"""

from __future__ import annotations

import gzip
import threading
import time
from dataclasses import dataclass

from django.db.models import Q, QuerySet

from assessments.competitions.models import Board, Competition, Entry, Round, RoundKind
from assessments.competitions.selectors import is_staff_viewer
from lms.access import worker_of

MAX_ROW_ID = 2**63 - 1  # larger ids cannot reach the database (PostgreSQL bigint): not found
BOARD_TTL = 1.0  # seconds a process may serve a board row without reading it again
ACCESS_TTL = 30.0  # seconds a process may remember who may see which competition

_lock = threading.Lock()
_boards: dict[tuple[int, str], tuple[float, ServedBoard]] = {}
_access: dict[tuple[int, int], tuple[float, Access]] = {}
_tokens: dict[str, tuple[float, tuple[int, bool] | None]] = {}


@dataclass(frozen=True)
class ServedBoard:
    etag: str
    payload: str  # JSON text as stored
    body: bytes  # the payload encoded once per process and board version
    gzipped: bytes  # and compressed once: a browser polling every 2 s receives a few KB


@dataclass(frozen=True)
class Access:
    visible: bool
    staff: bool


def caches_clear() -> None:
    """Forget every cached board, access decision and token (tests; after a competition is deleted)."""
    with _lock:
        _boards.clear()
        _access.clear()
        _tokens.clear()


def _competitions_visible_q(user) -> Q | None:
    """None: every competition. Otherwise the competitions a non-staff user may see: those open to
    the whole city, those whose organising unit holds the user's unit, and those they entered."""
    if is_staff_viewer(user):
        return None
    worker = worker_of(user)
    if worker is None:
        return Q(pk__in=[])
    path = worker.org_unit.path
    ancestors = [path[: i + 1] for i, ch in enumerate(path) if ch == "/" and i > 0]
    return Q(organiser_unit__isnull=True) | Q(organiser_unit__path__in=ancestors) | Q(entries__worker=worker)


def competitions_visible(user) -> QuerySet[Competition]:
    """Competitions the user may see, newest first (the API's list, the board links)."""
    if user is None or not user.is_authenticated:
        return Competition.objects.none()
    where = _competitions_visible_q(user)
    competitions = Competition.objects.all()
    if where is not None:
        competitions = competitions.filter(where).distinct()
    return competitions.order_by("-created_at", "-id")


def board_access(user, competition_id: int) -> Access:
    """May `user` see competition `competition_id`'s board, and which one (staff sees every round)?
    Remembered per process for ACCESS_TTL seconds, so polling costs no query here."""
    if not 0 < competition_id <= MAX_ROW_ID:
        return Access(visible=False, staff=False)
    key = (user.pk, competition_id)
    now = time.monotonic()
    cached = _access.get(key)
    if cached is not None and cached[0] > now:
        return cached[1]
    visible = competitions_visible(user).filter(pk=competition_id).exists()
    access = Access(visible=visible, staff=visible and is_staff_viewer(user))
    with _lock:
        _access[key] = (now + ACCESS_TTL, access)
    return access


def screen_by_token(token: str) -> tuple[int, bool] | None:
    """The competition whose big-screen link carries `token`, and whether its screen shows live
    (unpublished) scores; None: unknown token."""
    if not token or len(token) > 64:
        return None
    now = time.monotonic()
    cached = _tokens.get(token)
    if cached is not None and cached[0] > now:
        return cached[1]
    row = Competition.objects.filter(board_token=token).values_list("pk", "screen_live").first()
    with _lock:
        _tokens[token] = (now + ACCESS_TTL, row)
    return row


def served_board(competition_id: int, *, staff: bool) -> ServedBoard | None:
    """The board as served to staff or to everyone else: one indexed read, kept for BOARD_TTL
    seconds per process. A board left behind by a burst of scores is refreshed here
    (services.board_refresh); built on first use; None if the competition is gone."""
    if not 0 < competition_id <= MAX_ROW_ID:
        return None
    audience = Board.Audience.STAFF if staff else Board.Audience.PUBLIC
    key = (competition_id, audience)
    now = time.monotonic()
    cached = _boards.get(key)
    if cached is not None and cached[0] > now:
        return cached[1]
    from assessments.competitions.services import board_refresh

    row = _board_row(competition_id, audience)
    if row is None or row[2] > row[3]:
        board_refresh(competition_id=competition_id)
        row = _board_row(competition_id, audience)
        if row is None:
            return None
    previous = cached[1] if cached is not None else None
    if previous is not None and previous.etag == row[0]:
        board = previous  # unchanged: keep the encoded and compressed bodies
    else:
        body = row[1].encode()
        board = ServedBoard(etag=row[0], payload=row[1], body=body, gzipped=gzip.compress(body, compresslevel=6))
    with _lock:
        _boards[key] = (now + BOARD_TTL, board)
    return board


def _board_row(competition_id: int, audience: str) -> tuple | None:
    return (
        Board.objects.filter(competition_id=competition_id, audience=audience)
        .values_list("etag", "payload", "requested", "built_for")
        .first()
    )


def etag_matches(header: str | None, etag: str) -> bool:
    """Whether an If-None-Match header names `etag` (quoted or weak forms, lists, `*`)."""
    if not header or not etag:
        return False
    for part in header.split(","):
        candidate = part.strip()
        if candidate == "*":
            return True
        if candidate.startswith("W/"):
            candidate = candidate[2:]
        if candidate.strip('"') == etag:
            return True
    return False


# --- the knowledge round's waiting room ---------------------------------------------------------


def knowledge_round_for(user, round_id: int) -> tuple[Round, Entry] | None:
    """A knowledge round with a paper and the user's own entry in its competition (None → 404)."""
    worker = worker_of(user)
    if worker is None or not 0 < round_id <= MAX_ROW_ID:
        return None
    round_ = (
        Round.objects.select_related("competition", "quiz")
        .filter(pk=round_id, kind=RoundKind.KNOWLEDGE, quiz__isnull=False)
        .first()
    )
    if round_ is None:
        return None
    entry = Entry.objects.filter(competition_id=round_.competition_id, worker=worker).select_related("worker").first()
    if entry is None:
        return None
    return round_, entry


def knowledge_rounds_entered(user) -> list[Round]:
    """Knowledge rounds with a paper in competitions the user entered (links to the waiting room)."""
    worker = worker_of(user)
    if worker is None:
        return []
    return list(
        Round.objects.filter(
            kind=RoundKind.KNOWLEDGE, quiz__isnull=False, competition__entries__worker=worker
        ).select_related("competition")
    )
