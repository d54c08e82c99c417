"""Python's cyclic garbage collector paused around bulk work.

Reading or writing a province's files makes millions of small objects (cells, rows, model
instances) and no garbage cycles worth chasing meanwhile; reference counting still frees what
is dropped. The collector's repeated passes over objects still in use cost more than the work
itself (measured: 2–5× on 10,000 forms; docs/performance.md)."""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager


@contextmanager
def gc_paused() -> Iterator[None]:
    """The collector off for the block, and back as it was after it."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


@contextmanager
def collector_paused() -> Iterator[None]:
    """`gc_paused`, and what was made meanwhile handed to the collector's oldest generation as
    it resumes (`gc.freeze` then `gc.unfreeze`, which count nothing as new): else its first
    collection walks every object the pause made and still alive (a province payment file's
    480,000 lines and their keys, a chunk of self-evaluations started), only to find them in
    use: 0.3 s of CPU for a payment file. They are walked at the next full collection, by when
    the bulk work's own are freed: measured, a process that imported a file leaves the same
    objects to that collection as with the collector merely paused, and builds the demo
    afterwards with no more collector time (docs/performance.md, the payment files' ninth
    pass)."""
    with gc_paused():
        try:
            yield
        finally:
            gc.freeze()
            gc.unfreeze()
