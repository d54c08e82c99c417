"""A batch entry keeps only its summary; each change (object, before, after, message) is its own
index row (`AuditObject`), written a flush at a time, read per object, per batch and per page
in a fixed number of queries; the migration moves the changes of entries of the old shape (one
list in the entry) into their rows."""

import uuid

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils.functional import lazy

from jixiao.core import audit
from jixiao.core.models import AuditLog, AuditObject
from jixiao.core.tests.test_audit_batch import _changes
from jixiao.orgs.models import User


@pytest.fixture
def actor(db):
    return User.objects.create(username="importer")


def test_each_change_is_its_own_row_and_the_entry_keeps_only_its_summary(actor):
    created = audit.Change(action="create", object_type="tests.thing", object_id="9",
                           after={"name": "新九"}, message="新增")  # fmt: skip
    with audit.audit_context(actor=actor, source="import"):
        entry = audit.record_batch([*_changes(2), created], message="导入项目")
    stored = AuditLog.objects.get(pk=entry.pk)
    assert stored.changes == {"count": 3, "actions": {"update": 2, "create": 1}}
    assert (stored.actor, stored.message, stored.object_repr) == (actor, "导入项目", "导入项目")
    rows = AuditObject.objects.filter(entry=entry).order_by("position")
    assert [(r.position, r.object_id, r.before, r.after, r.message) for r in rows] == [
        (
            0,
            "1",
            {"name": "旧1", "code": "P1"},
            {"name": "新1", "code": "P1"},
            "导入（工作表“S1”）",
        ),
        (
            1,
            "2",
            {"name": "旧2", "code": "P2"},
            {"name": "新2", "code": "P2"},
            "导入（工作表“S2”）",
        ),
        (2, "9", None, {"name": "新九"}, "新增"),
    ]


def test_a_batch_past_one_flush_is_written_whole_with_the_message_read_at_its_end(
    actor, monkeypatch
):
    monkeypatch.setattr(audit, "FLUSH_CHARS", 200)  # a change of `_changes` is about 50
    read, flushes, index = [], [], audit._index
    monkeypatch.setattr(
        audit, "_index", lambda e, rows: (flushes.append(len(rows)), index(e, rows))
    )

    def changes():
        for change in _changes(10):
            read.append(change.object_id)
            yield change

    message = lazy(lambda: f"导入项目：{len(read)} 个", str)()
    with audit.audit_context(actor=actor, source="import"):
        entry = audit.record_batch(changes(), message=message)
    stored = AuditLog.objects.get(pk=entry.pk)
    assert (stored.message, stored.object_repr) == ("导入项目：10 个", "导入项目：10 个")
    assert stored.changes == {"count": 10, "actions": {"update": 10}}
    assert stored.object_type == "tests.thing"
    assert sum(flushes) == 10 and 3 <= len(flushes) < 10  # a statement a flush, not a row
    history = audit.object_history("tests.thing", "7")
    assert [(e.pk, e.before["name"], e.after["name"]) for e in history] == [
        (entry.pk, "旧7", "新7")
    ]
    assert [e.object_id for e in audit.expand(stored)] == [str(n) for n in range(1, 11)]


def test_a_batch_larger_than_the_flush_rows_keeps_every_change_in_order(actor, monkeypatch):
    monkeypatch.setattr(audit, "FLUSH_ROWS", 4)
    with audit.audit_context(actor=actor, source="import"):
        entry = audit.record_batch(_changes(9), message="导入项目")
    positions = AuditObject.objects.filter(entry=entry).order_by("position")
    assert list(positions.values_list("position", "object_id")) == [
        (n, str(n + 1)) for n in range(9)
    ]
    assert AuditLog.objects.get(pk=entry.pk).changes["count"] == 9


def _rows(entry) -> list[tuple]:
    found = AuditObject.objects.filter(entry=entry).order_by("position")
    return [(r.position, r.object_id, r.before, r.after, r.message) for r in found]


def _entry(entry) -> list:
    fields = ("action", "object_type", "object_repr", "message", "region_code", "changes")
    return [getattr(AuditLog.objects.get(pk=entry.pk), f) for f in fields]


def test_a_batch_given_in_parts_writes_its_first_parts_rows_before_its_last_part_comes(
    actor, monkeypatch
):
    """`BatchWriter`: the same entry and rows as `record_batch` given every change at once, the
    rows of a part flushed as soon as they fill a flush (an import writes its payments' rows
    while it waits for its alerts)."""
    monkeypatch.setattr(audit, "FLUSH_ROWS", 4)

    with audit.audit_context(actor=actor, source="import"):
        whole = audit.record_batch(_changes(7), message="导入项目", region_code="110101")
        writer = audit.BatchWriter(region_code="110101")
        writer.add(_changes(5))
        stored = _rows(writer.entry)  # one flush written, the fifth change held
        writer.add(_changes(2, start=6))
        parts = writer.finish("导入项目")
    assert [position for position, *_rest in stored] == [0, 1, 2, 3]
    assert _rows(parts) == _rows(whole) and len(_rows(parts)) == 7
    assert _entry(parts) == _entry(whole)


def test_a_writer_flushed_when_it_has_time_writes_the_rows_record_batch_writes(actor):
    """`BatchWriter.flush`: the rows held written now (when at least `least`), the same
    entry and rows in the end as `record_batch` (an import writes its alerts' rows while it
    waits for their next plan)."""

    with audit.audit_context(actor=actor, source="import"):
        whole = audit.record_batch(_changes(7), message="导入项目", region_code="110101")
        writer = audit.BatchWriter(region_code="110101")
        writer.add(_changes(3))
        writer.flush(least=4)  # too few held: nothing written yet
        assert writer.entry.pk is None
        writer.flush(least=3)
        stored = _rows(writer.entry)
        writer.add(_changes(4, start=4))
        writer.flush()
        writer.flush()  # nothing held: nothing more
        parts = writer.finish("导入项目")
    assert [position for position, *_rest in stored] == [0, 1, 2]
    assert _rows(parts) == _rows(whole) and len(_rows(parts)) == 7
    assert _entry(parts) == _entry(whole)


def test_an_object_s_history_takes_two_queries_whatever_the_batches_that_changed_it(actor):
    def queries_of_history() -> int:
        with CaptureQueriesContext(connection) as captured:
            audit.object_history("tests.thing", "1")
        return len(captured)

    with audit.audit_context(actor=actor, source="import"):
        audit.record_batch(_changes(3), message="第一次")
    once = queries_of_history()
    for n in range(4):
        with audit.audit_context(actor=actor, source="import"):
            audit.record_batch(_changes(3), message=f"第{n}次")
    assert queries_of_history() == once == 2
    assert len(audit.object_history("tests.thing", "1")) == 5


def test_the_batch_page_reads_the_same_number_of_queries_whatever_the_batch_size(world, client_for):
    client = client_for("auditor")

    def page_queries(count: int, page: int) -> tuple[int, str]:
        with audit.audit_context(actor=world.users["budget"], source="import") as ctx:
            audit.record_batch(
                [
                    audit.Change(action="update", object_type="tests.thing", object_id=str(n),
                                 object_repr=f"导入对象{n}", region_code="100101",
                                 before={"name": f"旧{n}"}, after={"name": f"新{n}"})
                    for n in range(count)
                ],
                message="导入对象",
            )  # fmt: skip
        with CaptureQueriesContext(connection) as captured:
            response = client.get(f"/audit/?batch={ctx.batch}&page={page}")
        assert response.status_code == 200
        return len(captured), response.content.decode()

    # a session's first page reads its top bar's regions and budget years, which it then keeps
    # a while (shell/work.py): read here, so that both counts below are of the page itself (the
    # test failed when run alone, 9 queries against 7)
    page_queries(5, 1)
    few, _page = page_queries(80, 2)
    many, page = page_queries(800, 2)
    assert few == many
    # the batch's changes in their order, 50 a page: the second page is changes 50 to 99
    assert "旧50" in page and "新99" in page and "新100" not in page


def test_the_batch_page_shows_no_change_of_another_region_s_batch(world, client_for):
    with audit.audit_context(actor=world.users["budget"], source="import") as ctx:
        audit.record_batch(
            [audit.Change(action="update", object_type="tests.thing", object_id="1",
                          object_repr="乙区的导入对象", region_code="100102",
                          before={"name": "乙旧"}, after={"name": "乙新"})],
            message="导入对象",
        )  # fmt: skip
    page = client_for("auditor").get(f"/audit/?batch={ctx.batch}").content.decode()
    assert "乙区的导入对象" not in page and "乙新" not in page


# --- the migration of entries of the old shape ----------------------------------------------


def _migrate(target):
    from django.db.migrations.executor import MigrationExecutor

    executor = MigrationExecutor(connection)
    target = target or executor.loader.graph.leaf_nodes()
    executor.migrate(target)
    executor.loader.build_graph()
    return executor.loader.project_state(target).apps


OLD_CHANGES = [
    {"action": "update", "object_type": "tests.thing", "object_id": "1", "object_repr": "项目1",
     "region_code": "100101", "before": {"name": "旧1"}, "after": {"name": "新1"},
     "message": "导入（工作表“S1”）"},
    {"action": "create", "object_type": "tests.thing", "object_id": "2", "object_repr": "项目2",
     "region_code": "100101", "before": None, "after": {"name": "新2"}, "message": ""},
]  # fmt: skip


@pytest.mark.django_db(transaction=True)
def test_the_migration_moves_an_old_entry_s_changes_into_its_rows_and_back():
    old = _migrate([("core", "0009_apitoken_scope")])
    OldLog, OldObject = old.get_model("core", "AuditLog"), old.get_model("core", "AuditObject")
    entry = OldLog.objects.create(batch=uuid.uuid4(), action="import", object_type="tests.thing",
                                  message="导入项目", changes=OLD_CHANGES)  # fmt: skip
    single = OldLog.objects.create(batch=uuid.uuid4(), action="login", message="登录")
    for position, change in enumerate(OLD_CHANGES[:1]):  # an index row may be missing
        OldObject.objects.create(entry=entry, position=position, action=change["action"],
                                 object_type="tests.thing", object_id=change["object_id"])  # fmt: skip
    _migrate(None)
    moved = AuditLog.objects.get(pk=entry.pk)
    assert moved.changes == {"count": 2, "actions": {"update": 1, "create": 1}}
    assert AuditLog.objects.get(pk=single.pk).changes is None
    rows = AuditObject.objects.filter(entry_id=entry.pk).order_by("position")
    assert [(r.position, r.object_id, r.object_repr, r.region_code) for r in rows] == [
        (0, "1", "项目1", "100101"),
        (1, "2", "项目2", "100101"),
    ]
    assert [(r.before, r.after, r.message) for r in rows] == [
        ({"name": "旧1"}, {"name": "新1"}, "导入（工作表“S1”）"),
        (None, {"name": "新2"}, ""),
    ]
    [change] = audit.object_history("tests.thing", "1")
    assert (change.batch, change.after) == (moved.batch, {"name": "新1"})
    back = _migrate([("core", "0009_apitoken_scope")])
    assert back.get_model("core", "AuditLog").objects.get(pk=entry.pk).changes == OLD_CHANGES
    _migrate(None)
