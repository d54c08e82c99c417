"""`queue_todos`: a stage's queue of documents as the home page's to-dos, the same way for every
stage ("<label>：<subject>", the document's page, its deadline, detail and urgency)."""

import datetime as dt
from types import SimpleNamespace

from django.urls import reverse

from jixiao.core.navigation import Todo, queue_todos

LABELS = {"draft": "填写", "returned": "修改被退回的"}


def _row(pk, status, *, reason="", project="项目甲", unit="单位甲"):
    return SimpleNamespace(
        pk=pk,
        status=status,
        return_reason=reason,
        project=SimpleNamespace(name=project),
        unit=SimpleNamespace(name=unit),
        get_status_display=lambda: f"状态{status}",
    )


def _url(pk):
    return reverse("attachment-download", args=[pk])


def test_the_common_parts_by_default_in_the_queues_order():
    rows = [_row(1, "draft"), _row(2, "returned", reason="缺少指标", project="项目乙")]
    todos = queue_todos(rows, labels=LABELS, url_name="attachment-download", stage="targets")
    assert todos == [
        Todo("填写：项目甲", _url(1), stage="targets", detail="单位甲"),
        Todo("修改被退回的：项目乙", _url(2), stage="targets", detail="缺少指标", urgent=True),
    ]


def test_a_status_without_a_label_reads_its_status_label():
    (todo,) = queue_todos(
        [_row(1, "ready")], labels=LABELS, url_name="attachment-download", stage="targets"
    )
    assert todo.title == "状态ready：项目甲"


def test_the_stage_says_what_differs_and_a_row_without_a_label_is_left_out():
    rows = [_row(pk, "draft", reason="旧理由") for pk in range(1, 6)]
    todos = queue_todos(
        rows,
        labels=lambda r: f"第{r.pk}步" if r.pk % 2 else None,
        url_name="attachment-download",
        stage="results",
        subject=lambda r: f"ZG-{r.pk}",
        deadline=lambda r: dt.date(2026, 12, r.pk),
        detail=lambda r: r.unit.name,
        urgent=lambda r: r.pk == 3,
        limit=4,  # the first four of the queue, of which the 2nd and 4th have no step
    )
    assert todos == [
        Todo("第1步：ZG-1", _url(1), "results", dt.date(2026, 12, 1), "单位甲", False),
        Todo("第3步：ZG-3", _url(3), "results", dt.date(2026, 12, 3), "单位甲", True),
    ]
