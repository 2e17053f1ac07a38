"""Django's database sessions, loaded with one plain SQL statement (see lms/sql.py for why)."""

from __future__ import annotations

from django.contrib.sessions.backends import db
from django.db import router
from django.utils import timezone

from lms import sql


class SessionStore(db.SessionStore):
    def _get_session_from_db(self):
        using = router.db_for_read(self.model)
        row = sql.fetch_one(
            f"SELECT session_data FROM {sql.table(self.model)} WHERE session_key = %s AND expire_date > %s",
            [self.session_key, sql.datetime_param(timezone.now(), using=using)],
            using=using,
        )
        if row is None:
            self._session_key = None
            return None
        return self.model(session_key=self.session_key, session_data=row[0])
