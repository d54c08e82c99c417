"""What the deadline peak's target requests cost: a save of an unchanged grid keeps its rows
instead of writing them again, and the lists and queues read a fixed number of times however
many targets they hold (bench/page_costs.py measures the same requests)."""

from django.db import connection
from django.test.utils import CaptureQueriesContext

from jixiao.core.models import AuditLog
from jixiao.targets.models import Indicator, Target, TargetStatus
from jixiao.testing import GOOD_ROWS

from .test_pages import grid_post


def saved(client, target, rows, **extra):
    with CaptureQueriesContext(connection) as captured:
        response = client.post(f"/targets/{target.id}/edit/", grid_post(rows, **extra))
    assert response.status_code == 302, response.content.decode()[:300]
    return len(captured)


def test_a_save_of_the_goal_alone_keeps_the_indicator_rows(world, client_for, declare):
    target = declare()
    client = client_for("filer")
    saved(client, target, GOOD_ROWS)  # the form's grid as the page gives it
    ids = list(target.indicators.order_by("position").values_list("id", flat=True))
    audits = AuditLog.objects.filter(message="修改绩效指标").count()
    saved(client, target, GOOD_ROWS, goal="完成改造，居民满意。")
    assert list(target.indicators.order_by("position").values_list("id", flat=True)) == ids
    assert AuditLog.objects.filter(message="修改绩效指标").count() == audits
    assert Target.objects.get(pk=target.pk).goal == "完成改造，居民满意。"


def test_a_changed_value_replaces_the_rows_and_is_audited(world, client_for, declare):
    target = declare()
    client = client_for("filer")
    saved(client, target, GOOD_ROWS)
    audits = AuditLog.objects.filter(message="修改绩效指标").count()
    rows = [dict(GOOD_ROWS[0], value_text="≥13个"), *GOOD_ROWS[1:]]
    saved(client, target, rows)
    first = Indicator.objects.get(target=target, position=0)
    assert first.value_text == "≥13个" and first.number == 13
    assert AuditLog.objects.filter(message="修改绩效指标").count() == audits + 1


def test_an_unchanged_save_costs_fewer_queries_than_a_changed_one(world, client_for, declare):
    target = declare()
    client = client_for("filer")
    saved(client, target, GOOD_ROWS)
    unchanged = saved(client, target, GOOD_ROWS, goal="完成改造。居民满意。")
    changed = saved(client, target, [dict(GOOD_ROWS[0], value_text="≥14个"), *GOOD_ROWS[1:]])
    assert unchanged < changed


def test_a_row_another_indicator_supports_is_still_replaced(world, client_for, declare):
    target = declare()
    client = client_for("filer")
    saved(client, target, GOOD_ROWS)
    other = declare("P1A")
    supported = target.indicators.order_by("position").first()
    Indicator.objects.filter(target=other, position=0).update(supports=supported)
    saved(client, target, GOOD_ROWS)
    assert not Indicator.objects.filter(pk=supported.pk).exists()
    assert Indicator.objects.get(target=other, position=0).supports_id is None


def page_queries(client, url) -> int:
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured)


def test_the_target_list_and_queue_read_as_often_with_more_targets(world, client_for, declare):
    client = client_for("business")
    first = declare("P1")
    Target.objects.filter(pk=first.pk).update(status=TargetStatus.SUBMITTED)
    client.get("/targets/")  # the session's first request stores its time
    few = (page_queries(client, "/targets/"), page_queries(client, "/targets/queue/"))
    for code in ("P1A",):
        more = declare(code)
        Target.objects.filter(pk=more.pk).update(status=TargetStatus.SUBMITTED)
    assert Target.objects.filter(status=TargetStatus.SUBMITTED).count() >= 2
    assert (page_queries(client, "/targets/"), page_queries(client, "/targets/queue/")) == few


def test_a_save_reads_the_region_and_project_with_the_locked_row(world, client_for, declare):
    target = declare()
    client = client_for("filer")
    client.get("/")
    with CaptureQueriesContext(connection) as captured:
        response = client.post(f"/targets/{target.id}/edit/", grid_post(GOOD_ROWS))
    assert response.status_code == 302
    alone = [
        q["sql"]
        for q in captured.captured_queries
        if 'FROM "orgs_region" WHERE "orgs_region"."id" =' in q["sql"]
        or 'FROM "budgets_project" WHERE "budgets_project"."id" =' in q["sql"]
    ]
    assert alone == []
