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
    pass). In a web worker, whose preloaded app is frozen for good (`settle_preloaded_app`),
    the freeze stays and what the pause made is left to the young generation: a request's
    bulk work is small (larger files are background jobs, in their own process). Whether the
    app was frozen is remembered when it is, not asked of `gc.get_freeze_count`, which counts
    the frozen objects one by one: 5-15 ms for a preloaded app's 176,000, at every pause (four
    a payments push; docs/performance.md, "The write API's payments push")."""
    preloaded = _SETTLED["done"]
    with gc_paused():
        try:
            yield
        finally:
            if not preloaded:
                gc.freeze()
                gc.unfreeze()


#: Whether this process froze its preloaded app (`settle_preloaded_app`; its forked workers
#: inherit it).
_SETTLED = {"done": False}


#: A web worker's collector thresholds (Python's defaults: 700, 10, 10). A page makes tens of
#: thousands of short-lived objects; with a young generation of 700 many of them are still in
#: use when it is collected, so they are promoted and walked again by the older collections,
#: until a full collection walks the whole process. At 10,000, most are freed by reference
#: counting before any collection sees them: measured on the deadline peak's page mix, the
#: collector's time fell from 5-7% of a worker's CPU to under 2% (docs/performance.md).
WEB_THRESHOLDS = (10_000, 10, 10)


def settle_preloaded_app() -> None:
    """Called once the app is loaded, in the process that forks the web workers (gunicorn's
    master, `jixiao serve` preloads): what is alive now (Django, the URLs, the views, the
    settings) lives as long as the process, so it goes to the collector's permanent generation
    (`gc.freeze`, as Python's documentation advises before a fork). No collection walks those
    objects again: a full collection in a worker took 100-170 ms, one page made that much
    slower, and then about 45 ms. It also keeps the workers from writing to the pages they
    share with the master. `collector_paused` leaves that generation frozen."""
    gc.collect()
    gc.freeze()
    _SETTLED["done"] = True
    gc.set_threshold(*WEB_THRESHOLDS)
