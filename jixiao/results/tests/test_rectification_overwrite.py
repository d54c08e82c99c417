"""Two people on one rectification's plan or report: a save over a colleague's newer save is
stopped, and what was typed comes back with the message to be saved again knowingly
(core/edit_stamp.py); before, the edit redirected on every refusal and lost the text."""

from __future__ import annotations

import pytest
from django.urls import reverse

from jixiao.core.edit_stamp import stamp
from jixiao.results import views_rectification
from jixiao.results.models import Rectification
from jixiao.results.rectifications import rectification_update
from jixiao.testing import colleague_first, loaded_of

from .rect_samples import alert_rectification, walk

pytestmark = pytest.mark.django_db

STAGES = [("receive", "plan"), ("confirm_plan", "report")]


@pytest.mark.parametrize(("step", "field"), STAGES)
def test_a_save_over_a_newer_save_is_stopped_and_keeps_what_was_typed(
    world, client_for, step, field
):
    row = walk(world, alert_rectification(world), step)
    filer = client_for("filer")
    detail, edit = (
        reverse(n, args=[row.pk]) for n in ("rectification-detail", "rectification-edit")
    )
    drawn = loaded_of(filer.get(detail).content.decode())
    # meanwhile a colleague saves the same text (another tab, the API)
    rectification_update(actor=world.filer, rectification=row, **{field: "同事先保存的内容。"})
    answer = filer.post(edit, {field: "我在表里写的内容。", "loaded": drawn})
    page = answer.content.decode()
    assert answer.status_code == 400
    assert "这张表在您打开之后已被修改" in page and "我在表里写的内容。</textarea>" in page
    assert getattr(Rectification.objects.get(pk=row.pk), field) == "同事先保存的内容。"
    # the page now carries the new stamp: saving again, knowingly, goes through
    again = filer.post(edit, {field: "我在表里写的内容。", "loaded": loaded_of(page)})
    assert again.status_code == 302
    assert getattr(Rectification.objects.get(pk=row.pk), field) == "我在表里写的内容。"


@pytest.mark.parametrize(("step", "field"), STAGES)
def test_saving_twice_in_a_row_from_the_page_is_not_a_conflict(world, client_for, step, field):
    row = walk(world, alert_rectification(world), step)
    filer = client_for("filer")
    detail, edit = (
        reverse(n, args=[row.pk]) for n in ("rectification-detail", "rectification-edit")
    )
    for text in ("第一次保存。", "第二次保存。"):
        drawn = loaded_of(filer.get(detail).content.decode())
        assert filer.post(edit, {field: text, "loaded": drawn}).status_code == 302
        assert getattr(Rectification.objects.get(pk=row.pk), field) == text


def test_an_empty_draft_refused_keeps_what_the_issuer_typed(world, client_for):
    row = alert_rectification(world)
    answer = client_for("business").post(
        reverse("rectification-edit", args=[row.pk]),
        {"problem": "改写后的问题描述", "required_action": ""},
    )
    page = answer.content.decode()
    assert answer.status_code == 400
    assert "此项不能为空。" in page and "改写后的问题描述</textarea>" in page
    assert Rectification.objects.get(pk=row.pk).problem == "监控发现执行进度严重滞后"


def test_a_colleague_saving_after_the_page_read_the_rectification_is_still_caught(
    world, client_for, monkeypatch
):
    # between the view's read and the service's locked read: only the service's check sees it
    row = walk(world, alert_rectification(world), "receive")
    filer = client_for("filer")
    detail, edit = (
        reverse(n, args=[row.pk]) for n in ("rectification-detail", "rectification-edit")
    )
    drawn = loaded_of(filer.get(detail).content.decode())
    colleague_first(
        monkeypatch,
        views_rectification,
        "rectification_update",
        lambda: rectification_update(
            actor=world.filer, rectification=row, plan="同事先保存的内容。"
        ),
    )
    answer = filer.post(edit, {"plan": "我在表里写的内容。", "loaded": drawn})
    page = answer.content.decode()
    assert answer.status_code == 400
    assert "这张表在您打开之后已被修改" in page and "我在表里写的内容。</textarea>" in page
    stored = Rectification.objects.get(pk=row.pk)
    assert stored.plan == "同事先保存的内容。" and loaded_of(page) == stamp(stored)
