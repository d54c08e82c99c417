"""The rectification pages walked by the personas: the list and its filters, the detail (the
unit's first view receives the notice; plan and report forms; the 办理 card), the edit and
transition posts, finding sources, sending a disposed red alert; and scope: another unit gets
404 on every page and post."""

from __future__ import annotations

import pytest
from django.urls import reverse

from jixiao.core.navigation import todos_for
from jixiao.monitoring.models import Alert
from jixiao.results.models import Rectification

from .rect_samples import alert_rectification, red_alert, walk

pytestmark = pytest.mark.django_db


def test_the_list_shows_items_with_deadlines_and_filters(world, client_for):
    row = walk(world, alert_rectification(world), "receive")
    page = client_for("business").get(reverse("rectification-list"))
    assert page.status_code == 200
    text = page.content.decode()
    assert row.number in text and row.plan_due.isoformat() in text
    assert "查找整改来源" in text
    filtered = client_for("business").get(reverse("rectification-list") + "?status=closed")
    assert row.number not in filtered.content.decode()
    late = client_for("business").get(reverse("rectification-list") + "?overdue=1")
    assert row.number not in late.content.decode()
    unit_page = client_for("filer").get(reverse("rectification-list")).content.decode()
    assert row.number in unit_page and "查找整改来源" not in unit_page


def test_the_units_first_view_receives_the_notice(world, client_for):
    row = walk(world, alert_rectification(world), "issue")
    client_for("business").get(reverse("rectification-detail", args=[row.pk]))
    assert Rectification.objects.get(pk=row.pk).status == "issued"
    page = client_for("filer").get(reverse("rectification-detail", args=[row.pk]))
    assert page.status_code == 200
    assert Rectification.objects.get(pk=row.pk).status == "received"
    assert 'name="plan"' in page.content.decode()  # the filer's plan form


def test_the_filer_writes_the_plan_and_the_leader_confirms_through_the_pages(world, client_for):
    row = walk(world, alert_rectification(world), "receive")
    filer = client_for("filer")
    filer.post(reverse("rectification-edit", args=[row.pk]), {"plan": "一、立即整改"})
    filer.post(reverse("rectification-transition", args=[row.pk]), {"transition": "submit_plan"})
    assert Rectification.objects.get(pk=row.pk).status == "plan_ready"
    client_for("leader").post(
        reverse("rectification-transition", args=[row.pk]),
        {"transition": "confirm_plan", "attest": "on"},
    )
    row.refresh_from_db()
    assert row.status == "in_progress" and row.plan == "一、立即整改"


def test_the_source_is_linked_back(world, client_for):
    row = alert_rectification(world)
    page = client_for("business").get(reverse("rectification-detail", args=[row.pk]))
    assert reverse("alert-detail", args=[row.alert_id]) in page.content.decode()


def test_find_sources_makes_drafts_for_the_office(world, client_for):
    red_alert(world, "P1")
    answer = client_for("business").post(reverse("rectification-find"))
    assert answer.status_code == 302
    assert Rectification.objects.filter(source="alert", status="draft").count() == 1
    assert client_for("filer").post(reverse("rectification-find")).status_code == 403


def test_the_office_sends_a_disposed_red_alert_to_rectification(world, client_for):
    alert = red_alert(world, "P1")
    Alert.objects.filter(pk=alert.pk).update(status=Alert.Status.DISPOSED)
    page = client_for("business").get(reverse("rectification-alerts"))
    assert page.status_code == 200 and alert.message in page.content.decode()
    answer = client_for("business").post(
        reverse("rectification-alerts"),
        {"alert": alert.pk, "problem": "处置理由不充分", "required_action": "重新论证"},
    )
    made = Rectification.objects.get(alert=alert)
    assert answer.url == reverse("rectification-detail", args=[made.pk])
    assert client_for("filer").get(reverse("rectification-alerts")).status_code == 403


def test_another_unit_gets_404_on_every_page_and_post(world, client_for):
    row = walk(world, alert_rectification(world), "receive")
    other = client_for("other")
    assert row.number not in other.get(reverse("rectification-list")).content.decode()
    assert other.get(reverse("rectification-detail", args=[row.pk])).status_code == 404
    edit = other.post(reverse("rectification-edit", args=[row.pk]), {"plan": "x"})
    assert edit.status_code == 404
    step = other.post(
        reverse("rectification-transition", args=[row.pk]), {"transition": "submit_plan"}
    )
    assert step.status_code == 404
    assert Rectification.objects.get(pk=row.pk).plan == ""


def test_the_to_dos_follow_the_flow(world):
    row = alert_rectification(world)
    titles = [t.title for t in todos_for(world.business, world.region, 2022)]
    assert any(row.number in t for t in titles)
    walk(world, row, "receive")
    assert any(row.number in t.title for t in todos_for(world.filer, world.region, 2022))
    assert not any(row.number in t.title for t in todos_for(world.other, world.region, 2022))


def test_the_unit_is_told_why_it_cannot_submit_its_plan_yet(world, client_for):
    row = walk(world, alert_rectification(world), "receive")
    filer = client_for("filer")
    page = filer.get(reverse("rectification-detail", args=[row.pk])).content.decode()
    assert "还不能“提交整改方案”：" in page and 'value="submit_plan"' not in page
    filer.post(reverse("rectification-edit", args=[row.pk]), {"plan": "一、立即整改"})
    page = filer.get(reverse("rectification-detail", args=[row.pk])).content.decode()
    assert "还不能" not in page and 'value="submit_plan"' in page
