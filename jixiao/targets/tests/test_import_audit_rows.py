"""After a targets import, its one batch entry holds the summary and each target's change is
read per object (the target's history) and from the batch (`audit.expand`, the batch's page),
with before and after (issue 16 part 2: the batch entry without one giant document)."""

from __future__ import annotations

from decimal import Decimal

from jixiao.core import audit
from jixiao.core.imports import run_import
from jixiao.core.models import AuditLog
from jixiao.targets.models import Target
from jixiao.targets.tests.test_excel import GOOD_ROWS, book_bytes, form, importer
from jixiao.targets.tests.test_import_queries import _projects


def test_an_import_s_changes_are_read_per_target_and_from_its_batch(world, client_for):
    codes = _projects(world, "A", 3)
    run_import(importer(world, "budget"), book_bytes(*map(form, codes)), "a.xlsx")
    rows = [{**GOOD_ROWS[0], "value_text": "≥31个"}, *GOOD_ROWS[1:]]
    second = run_import(importer(world, "budget"), book_bytes(form(codes[1], rows)), "b.xlsx")
    entry = AuditLog.objects.get(batch=second.batch_id, object_type="targets.target")
    assert entry.changes == {"count": 1, "actions": {"update": 1}}
    assert (entry.actor, entry.message) == (world.users["budget"], "导入绩效目标：1 份")
    target = Target.objects.get(project__code=codes[1])
    [from_batch] = audit.expand(entry)
    history = audit.object_history("targets.target", target.pk)
    assert [e.action for e in history] == ["create", "update"]
    from_history = history[-1]
    for change in (from_batch, from_history):
        assert (change.object_id, change.actor_name) == (str(target.pk), "budget")
        assert change.before["indicators"][0]["value_text"] != "≥31个"
        assert change.after["indicators"][0]["value_text"] == "≥31个"
    page = client_for("auditor").get(f"/audit/?batch={second.batch_id}").content.decode()
    assert f"项目{codes[1]}" in page and "≥31个" in page


def test_a_new_target_s_change_holds_the_snapshot_of_the_target_stored(world):
    """The import writes new targets from rows of values, not instances: their changes' after
    must still be what `audit.snapshot` gives for each stored target."""
    codes = _projects(world, "N", 2)
    result = run_import(importer(world, "budget"), book_bytes(*map(form, codes)), "n.xlsx")
    entry = AuditLog.objects.get(batch=result.batch_id, object_type="targets.target")
    changes = audit.expand(entry)
    assert [c.action for c in changes] == ["create", "create"]
    for change in changes:
        stored = audit.snapshot(Target.objects.get(pk=change.object_id))
        after = dict(change.after)
        assert len(after.pop("indicators")) == len(GOOD_ROWS)
        assert set(after) == set(stored)  # PostgreSQL's jsonb keeps no order
        # money as the form gave it ("100"), the database as its column holds it ("100.000000")
        money = {k for k in stored if k.startswith("amount_")}
        assert {k: v for k, v in after.items() if k not in money} == {
            k: v for k, v in stored.items() if k not in money
        }
        assert all(_number(after[k]) == _number(stored[k]) for k in money)
        assert after["version"] == 1 and after["status"] == "draft"


def _number(text):
    return None if text is None else Decimal(text)
