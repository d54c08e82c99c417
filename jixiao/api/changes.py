"""The change feed: storing what the services record (`core.changes`) and reading it in order.

**Order without loss.** A client reads `GET /api/v1/changes?since=<cursor>` again and again;
it must see every change once, in order, even while other requests are writing. Ids alone do
not give that on PostgreSQL: a transaction that took id 10 may commit after one that took id 11,
and a client that already read 11 would never see 10. So a writer takes one transaction-level
lock (`pg_advisory_xact_lock`) before it stores its changes and keeps it until it commits: ids
are then handed out in commit order, and a reader never sees a gap that fills later. The price
is that transactions recording changes commit one after the other from the moment they record
them; the services record a change at the end of their work, so that moment is short. SQLite
allows one writer at a time anyway.

**Scope.** A change is shown to whoever may see its object now: the kind's model's
`visible_to(user)` (the one scope filter), so a unit's token follows only its own unit.

**The cursor** is opaque to clients: "c1." and the id of the last change handed out.
"""

from __future__ import annotations

import base64
import binascii
from functools import reduce
from operator import or_

from django.db import connection, transaction
from django.db.models import Q

from jixiao.core.changes import FEED_MODELS, ChangeNote, register_sink

from .models import Change
from .webhooks import ACTIVE_WEBHOOKS_SQL, active_webhooks_exist, deliveries_queue

CURSOR_PREFIX = "c1."
#: a page of the feed; a client asks again with the cursor for more
DEFAULT_LIMIT, MAX_LIMIT = 500, 1000


class BadCursor(ValueError):
    pass


#: the advisory lock that orders the writers of changes (any constant of our own)
FEED_LOCK = 0x4A58_4348  # "JXCH"


def _lock_feed() -> bool:
    """Take the feed's lock (PostgreSQL) and say whether any webhook is active, in one round
    trip: every review step stores a change, and most deployments have no webhook, so the
    webhooks' own query is left for when there is one."""
    if connection.vendor != "postgresql":
        return active_webhooks_exist()
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT pg_advisory_xact_lock(%s), EXISTS ({ACTIVE_WEBHOOKS_SQL})", [FEED_LOCK]
        )
        return cursor.fetchone()[1]


def _context(obj) -> dict:
    """Where the object sits, for a client that keys on codes: region, year, unit, project."""
    found = {}
    for name in ("region", "unit", "project"):
        if getattr(obj, f"{name}_id", None):
            found[name] = getattr(obj, name).code
    if getattr(obj, "year", None) is not None:
        found["year"] = obj.year
    return found


def changes_store(notes: list[ChangeNote]) -> None:
    """The sink of `core.changes`: one row a change, written in the caller's transaction."""
    # The lock lasts until the caller's transaction commits. Inside the caller's transaction
    # (a step's), no savepoint of our own: a failure here fails the caller's work anyway, and
    # the savepoint cost two round trips a step.
    with transaction.atomic(savepoint=False):
        any_webhook = _lock_feed()
        stored = Change.objects.bulk_create(
            [
                Change(
                    kind=n.kind,
                    object_id=n.obj.pk,
                    external_id=getattr(n.obj, "external_id", "") or "",
                    state=n.state,
                    data=_context(n.obj) | n.data,
                )
                for n in notes
            ]
        )
        if any_webhook:
            deliveries_queue(stored)  # the webhooks that follow these kinds


register_sink(changes_store)


def cursor_encode(pk: int) -> str:
    raw = str(pk).encode()
    return CURSOR_PREFIX + base64.urlsafe_b64encode(raw).decode().rstrip("=")


def cursor_decode(cursor: str) -> int:
    if not cursor.startswith(CURSOR_PREFIX):
        raise BadCursor(cursor)
    body = cursor[len(CURSOR_PREFIX) :]
    try:
        return int(base64.urlsafe_b64decode(body + "=" * (-len(body) % 4)).decode())
    except (binascii.Error, UnicodeDecodeError, ValueError):
        raise BadCursor(cursor) from None


def _visible(user) -> Q:
    parts = [
        Q(kind=kind, object_id__in=model.objects.visible_to(user).values("pk"))
        for kind, model in sorted(FEED_MODELS.items())
    ]
    return reduce(or_, parts) if parts else Q(pk__in=[])


def change_feed(*, user, since: str | None, limit: int = DEFAULT_LIMIT) -> tuple[list, str]:
    """The changes after `since` that `user` may see, oldest first, and the cursor to ask with
    next time (the same cursor when nothing new). Raises BadCursor for a cursor we did not give."""
    after = cursor_decode(since) if since else 0
    rows = Change.objects.filter(pk__gt=after).filter(_visible(user)).order_by("pk")
    found = list(rows[: max(1, min(limit, MAX_LIMIT))])
    return found, cursor_encode(found[-1].pk if found else after)
