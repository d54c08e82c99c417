"""The session engine (settings.SESSION_ENGINE): Django's database sessions, read with SQL
compiled once a process.

Each request loaded its session through the ORM (`Session.objects.get(...)`), whose building
cost more CPU than the query itself. The row is read the same way here, by key, from the same
table: every write, the expiry and a sign-out are Django's, so a session ended in one worker is
ended in all of them (a per-process cache in front of it would not be: another worker would
go on serving the session it kept).
"""

from __future__ import annotations

from django.contrib.sessions.backends import db
from django.contrib.sessions.models import Session
from django.db import router
from django.utils import timezone

from .compiled import KeyedQuery

_BY_KEY = KeyedQuery(
    lambda key: (
        Session.objects.filter(session_key=key)
        .order_by()
        .values_list("session_data", "expire_date")[:1]
    ),
    "session-key",
)


class SessionStore(db.SessionStore):
    def load(self):
        key = self.session_key
        row = None
        if key:
            row = _BY_KEY.first(key, using=router.db_for_read(Session))
        if row is None or row[1] <= timezone.now():
            self._session_key = None  # as Django's: an unknown or expired key gets a new one
            return {}
        return self.decode(row[0])
