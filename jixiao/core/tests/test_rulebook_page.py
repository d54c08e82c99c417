"""The rulebook page: performance office edits, others read, bad JSON is refused."""

from jixiao.core.models import Rulebook


def test_performance_office_saves_a_new_version(world, client_for):
    client = client_for("performance")
    client.post("/work-context/", {"year": "2022"})
    response = client.post(
        "/rulebook/",
        {"values": '{"catalogue": {"name": "local"}}', "base": "national", "note": "试行"},
    )
    assert response.status_code == 302
    row = Rulebook.objects.get()
    assert row.region_code == "100101" and row.year == 2022 and row.version == 1
    assert "local" in client.get("/rulebook/").content.decode()


def test_bad_json_and_unknown_keys_are_refused_with_a_message(world, client_for):
    client = client_for("performance")
    bad = client.post("/rulebook/", {"values": "{not json", "base": "national"})
    assert bad.status_code == 400 and "JSON" in bad.content.decode()
    unknown = client.post("/rulebook/", {"values": '{"nonsense": 1}', "base": "national"})
    assert unknown.status_code == 400 and "未知的规则项" in unknown.content.decode()
    assert not Rulebook.objects.exists()


def test_budget_office_reads_but_cannot_save(world, client_for):
    client = client_for("budget")
    assert client.get("/rulebook/").status_code == 200
    client.post("/rulebook/", {"values": '{"catalogue": {"name": "x"}}', "base": "national"})
    assert not Rulebook.objects.exists()


def test_unit_staff_cannot_open_the_rulebook(world, client_for):
    assert client_for("filer").get("/rulebook/").status_code == 403
