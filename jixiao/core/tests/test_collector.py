"""The garbage collector's settings for web workers (core/collector.py): the preloaded app
frozen before gunicorn forks, the young generation larger, and the bulk-work pause leaving that
freeze as it is. Each check runs in a fresh interpreter, because the collector is the
process's own and the test process must not keep what a check sets."""

import subprocess
import sys
import textwrap


def run_python(code: str) -> str:
    result = subprocess.run(
        [sys.executable, "-c", textwrap.dedent(code)],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    return result.stdout.strip()


def test_loading_the_wsgi_app_freezes_what_it_loaded_and_raises_the_young_threshold():
    out = run_python(
        """
        import gc
        before = gc.get_freeze_count()
        import jixiao.wsgi
        print(before, gc.get_freeze_count() > 10_000, gc.get_threshold())
        """
    )
    assert out == "0 True (10000, 10, 10)"


def test_bulk_work_in_a_worker_leaves_the_preloaded_app_frozen():
    out = run_python(
        """
        import gc
        from jixiao.core.collector import collector_paused, settle_preloaded_app
        settle_preloaded_app()  # as jixiao.wsgi leaves gunicorn's master, so its workers
        frozen = gc.get_freeze_count()
        with collector_paused():
            made = [[i] for i in range(50_000)]
        print(frozen > 0, gc.get_freeze_count() == frozen, gc.isenabled())
        """
    )
    assert out == "True True True"


def test_bulk_work_in_a_worker_does_not_count_the_frozen_objects():
    """`gc.get_freeze_count` walks every frozen object (a preloaded app's 176,000: 5-15 ms): a
    worker's pause knows the app is frozen without asking it."""
    out = run_python(
        """
        import gc
        from jixiao.core.collector import collector_paused, settle_preloaded_app
        settle_preloaded_app()
        frozen, count = gc.get_freeze_count(), gc.get_freeze_count
        def counted():
            raise AssertionError("the frozen objects were counted")
        gc.get_freeze_count = counted
        with collector_paused():
            made = [[i] for i in range(50_000)]
        gc.get_freeze_count = count
        print(gc.get_freeze_count() == frozen, gc.isenabled())
        """
    )
    assert out == "True True"


def test_bulk_work_outside_a_web_worker_hands_what_it_made_to_the_oldest_generation():
    out = run_python(
        """
        import gc
        from jixiao.core.collector import collector_paused
        gc.collect()
        with collector_paused():
            made = [[i] for i in range(50_000)]
        # nothing left frozen, and the young generation does not hold the pause's objects
        print(gc.get_freeze_count(), gc.get_count()[0] < 1_000, gc.isenabled())
        """
    )
    assert out == "0 True True"
