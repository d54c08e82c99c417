"""One audit entry per batch (`audit.record_batch`): the row-level changes of an import in one
entry, still read per object through `audit.object_history` and `audit.expand`."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from jixiao.core import audit
from jixiao.core.models import AuditLog, AuditLogRefused, AuditObject
from jixiao.orgs.models import User


@pytest.fixture
def actor(db):
    return User.objects.create(username="importer")


def _changes(count: int, start: int = 1) -> list[audit.Change]:
    return [
        audit.Change(
            action="update",
            object_type="tests.thing",
            object_id=str(n),
            object_repr=f"项目{n}",
            region_code="100101",
            before={"name": f"旧{n}", "code": f"P{n}"},
            after={"name": f"新{n}", "code": f"P{n}"},
            message=f"导入（工作表“S{n}”）",
        )
        for n in range(start, start + count)
    ]


def _queries_of_a_batch(actor, count: int) -> int:
    with audit.audit_context(actor=actor, source="import"):
        with CaptureQueriesContext(connection) as captured:
            audit.record_batch(_changes(count), message="导入项目")
    return len(captured)


def test_a_batch_writes_one_entry_and_its_query_count_does_not_grow_with_the_rows(actor):
    entries = AuditLog.objects.count()
    few = _queries_of_a_batch(actor, 3)
    many = _queries_of_a_batch(actor, 3000)
    assert few == many
    assert AuditLog.objects.count() == entries + 2
    assert AuditObject.objects.count() == 3003


def test_the_history_of_an_object_lists_its_batched_change_with_who_when_before_after(actor):
    single = AuditLog.objects.create(
        batch="00000000-0000-0000-0000-000000000001",
        action="create",
        object_type="tests.thing",
        object_id="2",
        actor_name="budget",
        after={"name": "旧2", "code": "P2"},
    )
    with audit.audit_context(actor=actor, source="import") as ctx:
        entry = audit.record_batch(_changes(3), message="导入项目", region_code="100100")
    history = audit.object_history("tests.thing", 2)
    assert [e.action for e in history] == ["create", "update"]
    assert history[0].pk == single.pk
    change = history[1]
    assert change.batch == ctx.batch and change.created_at == entry.created_at
    assert (change.actor, change.actor_name, change.source) == (actor, "importer", "import")
    assert (change.object_id, change.object_repr, change.region_code) == ("2", "项目2", "100101")
    assert change.message == "导入（工作表“S2”）"
    assert change.changed_fields() == [("name", "旧2", "新2")]
    assert audit.object_history("tests.thing", 4) == []


def test_an_object_changed_by_two_batches_has_both_changes_in_order(actor):
    with audit.audit_context(actor=actor, source="import"):
        audit.record_batch(_changes(2), message="第一次")
    with audit.audit_context(actor=actor, source="import"):
        audit.record_batch(
            [audit.Change(action="update", object_type="tests.thing", object_id="1",
                          before={"name": "新1"}, after={"name": "再改1"})],
            message="第二次",
        )  # fmt: skip
    history = audit.object_history("tests.thing", "1")
    assert [e.after["name"] for e in history] == ["新1", "再改1"]


def test_expand_gives_every_change_of_a_batch_or_only_those_asked_for(actor):
    with audit.audit_context(actor=actor, source="import"):
        entry = audit.record_batch(_changes(4), message="导入项目")
    assert entry.object_type == "tests.thing" and entry.action == "import"
    assert [e.object_id for e in audit.expand(entry)] == ["1", "2", "3", "4"]
    assert [e.object_id for e in audit.expand(entry, [3, 1])] == ["2", "4"]
    plain = AuditLog.objects.create(batch=entry.batch, action="login")
    assert audit.expand(plain) == [plain]


def test_an_empty_batch_writes_nothing(actor):
    entries = AuditLog.objects.count()
    assert audit.record_batch([], message="空") is None
    assert AuditLog.objects.count() == entries


def test_the_per_object_index_is_append_only(actor):
    with audit.audit_context(actor=actor):
        audit.record_batch(_changes(1), message="导入项目")
    row = AuditObject.objects.get()
    with pytest.raises(AuditLogRefused):
        row.delete()
    with pytest.raises(AuditLogRefused):
        AuditObject.objects.all().update(object_id="9")
    row.object_id = "9"
    with pytest.raises(AuditLogRefused):
        row.save()


def test_the_auditor_list_shows_a_batched_change_per_object_within_its_regions(world, client_for):
    with audit.audit_context(actor=world.users["budget"], source="import"):
        audit.record_batch(
            [
                audit.Change(action="update", object_type="tests.thing", object_id="1",
                             object_repr="甲区的导入对象", region_code="100101",
                             before={"name": "旧名称"}, after={"name": "新名称"}),
                audit.Change(action="create", object_type="tests.thing", object_id="2",
                             object_repr="乙区的导入对象", region_code="100102",
                             after={"name": "乙"}),
            ],
            message="导入对象",
        )  # fmt: skip
    page = client_for("auditor").get("/audit/?type=tests.thing").content.decode()
    assert "甲区的导入对象" in page and "乙区的导入对象" not in page
    assert "旧名称" in page and "新名称" in page
    searched = client_for("auditor").get("/audit/?q=甲区的导入").content.decode()
    assert "甲区的导入对象" in searched
    created = client_for("auditor").get("/audit/?action=create").content.decode()
    assert "甲区的导入对象" not in created


def test_the_auditor_list_reads_the_same_number_of_queries_whatever_the_batch_size(
    world, client_for
):
    client = client_for("auditor")

    def page_queries(count: int) -> int:
        with audit.audit_context(actor=world.users["budget"], source="import"):
            audit.record_batch(
                [
                    audit.Change(action="create", object_type="tests.thing", object_id=str(n),
                                 region_code="100101", after={"n": n})
                    for n in range(count)
                ],
                message="导入对象",
            )  # fmt: skip
        with CaptureQueriesContext(connection) as captured:
            assert client.get("/audit/").status_code == 200
        return len(captured)

    assert page_queries(60) == page_queries(600)


def test_a_batch_entry_sends_post_save_with_each_change_s_object_and_region(actor):
    from django.db.models.signals import post_save

    seen = []

    def listener(sender, instance, created, **kwargs):
        seen.append((created, instance.action, instance.changes))

    post_save.connect(listener, sender=AuditLog, dispatch_uid="test_batch_listener")
    try:
        with audit.audit_context(actor=actor, source="import"):
            audit.record_batch(_changes(2), message="导入项目")
    finally:
        post_save.disconnect(dispatch_uid="test_batch_listener", sender=AuditLog)
    ((created, action, changes),) = seen
    assert created and action == "import"
    assert [(c["object_id"], c["region_code"]) for c in changes] == [
        ("1", "100101"),
        ("2", "100101"),
    ]
