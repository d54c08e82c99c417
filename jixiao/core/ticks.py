"""Work the scheduled job (`jixiao tick`, CONTRACT.md) does for the stages.

The command lives with monitoring (its first user), but later stages have timed work too: a
survey whose closing time has passed is closed and its rate written to its subject. Imports run
towards earlier stages only (DESIGN.md), so a stage registers its work here when it starts and
the command runs every registered job, as the gate asks every registered check.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

# job(now) → a line saying what it did (in Chinese), or "" when there was nothing to do
TickJob = Callable[[dt.datetime], str]

_JOBS: list[TickJob] = []


def register_tick(job: TickJob) -> TickJob:
    """Add a job (usable as a decorator); registering the same function twice adds it once."""
    if job not in _JOBS:
        _JOBS.append(job)
    return job


def run_ticks(now: dt.datetime) -> list[str]:
    """Run every registered job at `now`, in registration order; what each one did."""
    return [line for job in _JOBS if (line := job(now))]
