"""The audit reads an object's row before a save by its key alone: a model's ordering (a
target's joins its unit and project) has nothing to order in one row."""

from django.db import connection
from django.test.utils import CaptureQueriesContext


def test_the_row_before_a_save_is_read_without_joins(world, declare):
    target = declare()
    target.goal = "完成改造，居民满意度不低于90%。"
    with CaptureQueriesContext(connection) as captured:
        target.save()
    reads = [
        q["sql"]
        for q in captured.captured_queries
        if q["sql"].startswith("SELECT") and 'FROM "targets_target"' in q["sql"]
    ]
    assert len(reads) == 1
    assert " JOIN " not in reads[0]
