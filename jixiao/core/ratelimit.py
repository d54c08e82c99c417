"""A fixed-window rate limit kept in the database, for the pages anyone may reach (the public
survey) and for API tokens (`core.api.token_gate`): `hit(key, limit, window_seconds)` counts one request under `key` and says whether it is
still within `limit` for the current window.

The count is one row per key and window (`RateCounter`), raised with an `UPDATE … SET count =
count + 1` inside a transaction, so two workers never lose a hit (PostgreSQL locks the row until
the transaction ends; SQLite writes one transaction at a time). The first hit of a window inserts
the row (and clears a batch of ended windows' rows); when two insert at once, the unique
constraint refuses the second, which then counts on the row the first wrote.

Addresses are never stored: `address_hash` is a keyed hash (the salt comes from SECRET_KEY),
enough to count and to spot repeats.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.crypto import salted_hmac

from .addresses import client_ip
from .models import RateCounter

ADDRESS_SALT = "jixiao.core.ratelimit.address"


def client_address(request) -> str:
    """The client's address as the rest of the site reads it (`addresses.client_ip`):
    REMOTE_ADDR, or the proxy's X-Real-IP only when JIXIAO_TRUST_X_REAL_IP says to trust it."""
    return client_ip(request) or ""


def address_hash(address: str) -> str:
    """A salted hash of an address (64 hex characters); the empty address hashes to ""."""
    if not address:
        return ""
    return salted_hmac(ADDRESS_SALT, address, algorithm="sha256").hexdigest()


def window_of(now: datetime, window_seconds: int) -> datetime:
    """The start of the fixed window holding `now` (windows are aligned on the epoch)."""
    seconds = int(now.timestamp()) // window_seconds * window_seconds
    return datetime.fromtimestamp(seconds, tz=UTC)


PURGE_BATCH = 500


def _purge(now: datetime) -> None:
    """Remove up to PURGE_BATCH counters of ended windows, skipping any another worker holds
    (so two purges never wait on each other, let alone deadlock)."""
    ended = (
        RateCounter.objects.select_for_update(skip_locked=True)
        .filter(expires_at__lt=now)
        .values_list("pk", flat=True)[:PURGE_BATCH]
    )
    RateCounter.objects.filter(pk__in=list(ended)).delete()


def hit(key: str, limit: int, window_seconds: int, *, now: datetime | None = None) -> bool:
    """Count one hit under `key`; True while the window's hits, this one included, are at most
    `limit`. A refused hit still counts, so hammering does not reopen the window."""
    return count_hit(key, window_seconds, now=now)[0] <= limit


def count_hit(
    key: str, window_seconds: int, *, now: datetime | None = None
) -> tuple[int, datetime]:
    """Count one hit under `key` and answer the window's hits so far, this one included, and
    when the window ends (for the API's X-RateLimit headers)."""
    now = now or timezone.now()
    start = window_of(now, window_seconds)
    end = start + timedelta(seconds=window_seconds)
    counter = RateCounter.objects.filter(key=key, window_start=start)
    with transaction.atomic():
        if not counter.update(count=F("count") + 1):
            try:
                with transaction.atomic():
                    RateCounter.objects.create(key=key, window_start=start, expires_at=end, count=1)
            except IntegrityError:  # another worker wrote the window's row first
                counter.update(count=F("count") + 1)
            else:
                _purge(now)
        count = counter.values_list("count", flat=True).get()
    return count, end
