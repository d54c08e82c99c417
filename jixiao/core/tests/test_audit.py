"""The audit log: before/after, grouped by request, readable by auditors only."""

from jixiao.core.models import AuditLog


def test_changes_in_one_request_share_one_batch_and_name_the_actor(world, client_for):
    client = client_for("budget")
    client.post("/work-context/", {"year": "2022"})
    client.post(
        f"/units/{world.units['U2'].id}/edit/",
        {"code": "U2", "name": "新名字", "level": "1", "office": world.offices["BIZ1"].id},
    )
    entries = AuditLog.objects.filter(object_type="orgs.unityear", action="update")
    entry = entries.get()
    assert entry.actor_name == "budget" and entry.source == "web"
    assert entry.before["name"] == "甲区城管局" and entry.after["name"] == "新名字"
    assert ("name", "甲区城管局", "新名字") in entry.changed_fields()
    same_batch = AuditLog.objects.filter(batch=entry.batch)
    assert {e.object_type for e in same_batch} >= {"orgs.unityear", "orgs.unit"}


def test_auditor_lists_the_log_and_can_filter_a_batch(world, client_for):
    client_for("budget").post("/work-context/", {"year": "2022"})
    client_for("filer").post("/login/")  # nothing: force_login writes no login entry
    AuditLog.objects.create(
        batch="00000000-0000-0000-0000-000000000001",
        action="update",
        object_type="budgets.project",
        object_repr="可见的记录",
        region_code="100101",
        actor_name="budget",
    )
    AuditLog.objects.create(
        batch="00000000-0000-0000-0000-000000000002",
        action="update",
        object_type="budgets.project",
        object_repr="乙区的记录",
        region_code="100102",
        actor_name="other_region",
    )
    page = client_for("auditor").get("/audit/").content.decode()
    assert "可见的记录" in page and "乙区的记录" not in page
    filtered = (
        client_for("auditor")
        .get("/audit/?batch=00000000-0000-0000-0000-000000000002")
        .content.decode()
    )
    assert "可见的记录" not in filtered


def test_audit_log_is_closed_to_everyone_but_auditors(world, client_for):
    for username in ("admin", "budget", "filer", "performance"):
        assert client_for(username).get("/audit/").status_code == 403


def test_malformed_batch_filter_shows_nothing_rather_than_crashing(world, client_for):
    response = client_for("auditor").get("/audit/?batch=not-a-uuid")
    assert response.status_code == 200 and "没有记录" in response.content.decode()
