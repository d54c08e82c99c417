"""A document's review history is read in one query of the columns it shows, with its SQL
compiled once a process (core/workflow.history_rows; issue 16 part 5)."""

import pytest
from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.test.utils import CaptureQueriesContext

from jixiao.core.models import TransitionLog
from jixiao.core.workflow import history_rows

pytestmark = pytest.mark.django_db


def _step(target, actor, transition, source, new, comment="", data=None):
    return TransitionLog.objects.create(
        content_type=ContentType.objects.get_for_model(type(target)),
        object_id=target.pk,
        transition=transition,
        source=source,
        target=new,
        actor=actor,
        comment=comment,
        data=data or {},
    )


def test_the_history_lists_each_step_in_order_with_who_and_what(world, declare):
    target = declare()
    other = declare("P1A")
    workflow = target.review_workflow()
    world.filer.full_name = "张填报"
    world.filer.save()
    _step(target, world.filer, "submit", "ready", "submitted")
    _step(other, world.filer, "submit", "ready", "submitted")  # another document's
    _step(
        target,
        world.business,
        "return_first",
        "submitted",
        "returned",
        "补充指标",
        {"grades": {"goal": "A"}},
    )
    _step(target, None, "submit", "returned", "submitted")
    rows = history_rows(target, workflow)
    assert [(r["actor"], r["source"], r["target"], r["comment"], r["grades"]) for r in rows] == [
        ("张填报", workflow.label("ready"), workflow.label("submitted"), "", {}),
        (
            "business",
            workflow.label("submitted"),
            workflow.label("returned"),
            "补充指标",
            {"goal": "A"},
        ),
        ("", workflow.label("returned"), workflow.label("submitted"), "", {}),
    ]
    labels = {t.name: t.label for t in workflow.transitions}
    assert rows[0]["action"] == labels["submit"]
    assert (
        rows[0]["at"] == TransitionLog.objects.filter(object_id=target.pk).earliest("id").created_at
    )


def test_the_history_is_one_query(world, declare):
    target = declare()
    for _ in range(3):
        _step(target, world.filer, "submit", "ready", "submitted")
    history_rows(target, target.review_workflow())
    with CaptureQueriesContext(connection) as queries:
        assert len(history_rows(target, target.review_workflow())) == 3
    assert len(queries) == 1
