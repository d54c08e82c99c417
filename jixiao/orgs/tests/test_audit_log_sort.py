"""The audit log sorts by its columns (core/sorting.py, `audit.ENTRY_SORTS`): the time both
ways, a batch's changes kept together (first to last when newest first, the exact reverse when
oldest first), the actor; its export in the page's order."""

import datetime as dt
import io
from unittest import mock

import openpyxl
from django.utils import timezone

from jixiao.core import audit

from .test_audit_log_days_export import entry


def batch(world, day: dt.date):
    """Two changes of one import, on `day`, by the budget office."""
    at = timezone.make_aware(dt.datetime.combine(day, dt.time(12)))
    changes = [
        audit.Change(action="create", object_type="tests.thing", object_id=str(n),
                     object_repr=f"批量对象{n}", region_code=world.region.code, after={"n": n})
        for n in (1, 2)
    ]  # fmt: skip
    with mock.patch("django.utils.timezone.now", return_value=at):
        with audit.audit_context(actor=world.users["budget"], source="import"):
            audit.record_batch(changes, message="导入对象")


MARKS = ("一日业务股", "批量对象1", "批量对象2", "三日预算股")


def marks(text: str) -> list[str]:
    return sorted((m for m in MARKS if m in text), key=text.index)


def test_the_log_sorts_by_time_and_actor_and_the_export_follows(world, client_for):
    entry(world, "business", dt.date(2022, 3, 1), "一日业务股")
    batch(world, dt.date(2022, 3, 2))
    entry(world, "budget", dt.date(2022, 3, 3), "三日预算股")
    client = client_for("auditor")
    newest = ["三日预算股", "批量对象1", "批量对象2", "一日业务股"]
    assert marks(client.get("/audit/").text) == newest
    assert marks(client.get("/audit/?sort=-time").text) == newest
    assert marks(client.get("/audit/?sort=time").text) == newest[::-1]
    by_actor = ["三日预算股", "批量对象2", "批量对象1", "一日业务股"]  # budget before business
    assert marks(client.get("/audit/?sort=actor").text) == by_actor
    exported = client.get("/audit/?sort=time&export=xlsx")
    sheet = openpyxl.load_workbook(io.BytesIO(exported.content)).active
    cells = "\n".join(str(c or "") for row in sheet.iter_rows(values_only=True) for c in row)
    assert marks(cells) == newest[::-1]
    page = client.get("/audit/?sort=time&actor=budget").text
    assert 'aria-sort="ascending"' in page and 'name="sort" value="time"' in page
