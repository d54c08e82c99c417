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


def test_a_review_step_reads_its_row_once_and_audits_the_state_it_left(world, declare):
    from jixiao.core.models import AuditLog
    from jixiao.targets.services import target_transition

    target = declare()
    with CaptureQueriesContext(connection) as captured:
        target_transition(actor=world.filer, target=target, name="complete")
    reads = [
        q["sql"]
        for q in captured.captured_queries
        if q["sql"].startswith("SELECT") and 'FROM "targets_target"' in q["sql"]
    ]
    assert len(reads) == 1  # the locked read, which also checks the scope; not the audit's
    entry = AuditLog.objects.filter(object_type="targets.target", action="update").latest("id")
    assert entry.before["status"] == "draft"
    assert entry.after["status"] == "ready"


def test_a_second_save_of_a_locked_row_reads_what_the_first_wrote(world, declare):
    from jixiao.core import audit
    from jixiao.core.models import AuditLog
    from jixiao.targets.models import Target

    target = declare()
    locked = Target.objects.select_for_update().get(pk=target.pk)
    audit.loaded_locked(locked)
    locked.goal = "第一次"
    locked.save()
    locked.goal = "第二次"
    locked.save()
    entry = AuditLog.objects.filter(object_type="targets.target", action="update").latest("id")
    assert entry.before["goal"] == "第一次"
    assert entry.after["goal"] == "第二次"


def test_a_review_step_reuses_the_rows_read_with_its_document(world, declare):
    from jixiao.core.models import AuditLog
    from jixiao.targets.models import Target
    from jixiao.targets.services import target_transition

    target = declare()
    target = Target.objects.select_related("region", "project", "unit").get(pk=target.pk)
    with CaptureQueriesContext(connection) as captured:
        target_transition(actor=world.filer, target=target, name="complete")
    read = [q["sql"] for q in captured.captured_queries if q["sql"].startswith("SELECT")]
    assert not [s for s in read if s.split(" WHERE ")[0].endswith('FROM "budgets_project"')]
    assert not [s for s in read if s.split(" WHERE ")[0].endswith('FROM "orgs_region"')]
    entry = AuditLog.objects.filter(object_type="targets.target", action="update").latest("id")
    assert target.project.name in entry.object_repr  # named by the project read before


def test_a_review_step_reads_the_region_when_its_caller_did_not(world, declare):
    from jixiao.targets.models import Target
    from jixiao.targets.services import target_transition

    target = Target.objects.get(pk=declare().pk)
    moved = target_transition(actor=world.filer, target=target, name="complete")
    assert moved.status == "ready"
    assert moved.region == world.region
