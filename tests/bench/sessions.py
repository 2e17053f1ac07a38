"""Signed-in sessions for bench users, written in bulk (a login per user would hash passwords)."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
from django.contrib.sessions.backends.db import SessionStore
from django.contrib.sessions.models import Session
from django.utils import timezone


def bench_sessions_create(users) -> list[Session]:
    """One database session per user, valid for a day, signed as the configured first backend."""
    expires = timezone.now() + dt.timedelta(days=1)
    sessions = []
    for user in users:
        store = SessionStore()
        data = {
            SESSION_KEY: str(user.pk),
            BACKEND_SESSION_KEY: settings.AUTHENTICATION_BACKENDS[0],
            HASH_SESSION_KEY: user.get_session_auth_hash(),
        }
        sessions.append(
            Session(session_key=store._get_new_session_key(), session_data=store.encode(data), expire_date=expires)
        )
    return Session.objects.bulk_create(sessions)
