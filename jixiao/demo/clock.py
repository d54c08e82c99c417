"""The demo's clock: the live year's work done on the days it would have been done.

The demo drives its live documents through the real services, which stamp every step with
`timezone.now()` (a declaration's submission, the review history, the audit log, the change
feed). Built in one minute, every declaration of the district would read as submitted in the
same minute, and the queues and the "submitted" column would have nothing to sort. `on(at)`
runs a block as if the clock read `at`: each `timezone.now()` inside answers `at`, a
microsecond later at each call, so the order of the steps is kept. The moments are chosen
before the build day (`before`), so nothing is stamped in the future; the demo's deadlines
are set relative to the build day and are not moved.

Only the demo uses it, and only while it builds (one thread): the services are unchanged.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Iterator
from contextlib import contextmanager

from django.utils import timezone


@contextmanager
def on(at: dt.datetime) -> Iterator[None]:
    """Run the block as if it were `at` (an aware datetime)."""
    real = timezone.now
    ticks = iter(range(1, 10**9))

    def now() -> dt.datetime:
        return at + dt.timedelta(microseconds=next(ticks))

    timezone.now = now
    try:
        yield
    finally:
        timezone.now = real


def spread(key: str, low: int, high: int) -> int:
    """A whole number in [low, high] fixed by `key` (a hash, not the build's random draws: the
    demo's figures do not move when the clock does)."""
    digest = int.from_bytes(hashlib.sha1(key.encode()).digest()[:8], "big")
    return low + digest % (high - low + 1)


class Steps:
    """The moments of one document's steps, fixed by its `key`: the first `started` days
    before the build (a range), each later step the days of `step_days[step]` (a range)
    after the one before, in office hours, each after the last; the ranges are chosen so that
    the last step still falls before the build day."""

    def __init__(self, key: str, started: tuple[int, int], step_days: dict[str, tuple[int, int]]):
        self.key, self.step_days = key, step_days
        self.now, self.last = timezone.now(), None
        self.left = spread(key, *started)

    def at(self, step: str = "") -> dt.datetime:
        """The moment of `step` ("" for the first)."""
        if step:
            self.left -= spread(f"{self.key}/{step}", *self.step_days[step])
        at = before(self.now, days=self.left, hour=spread(f"{self.key}/{step}/hour", 9, 17))
        if self.last is not None and at <= self.last:  # the same day, an earlier hour drawn
            at = self.last + dt.timedelta(minutes=40)
        self.last = at
        return at


def before(now: dt.datetime, *, days: int, hour: int) -> dt.datetime:
    """`days` before `now`, at `hour` o'clock local time (office hours), never after `now`."""
    day = timezone.localtime(now).date() - dt.timedelta(days=days)
    at = timezone.make_aware(dt.datetime.combine(day, dt.time(hour)))
    return min(at, now - dt.timedelta(hours=1))
