"""The rulebook page: performance office edits, others read, bad JSON is refused."""

import pytest

from jixiao.core import rulebook
from jixiao.core.edit_stamp import Overwritten, stamp
from jixiao.core.models import Rulebook
from jixiao.core.rulebook import rulebook_save
from jixiao.testing import colleague_first, loaded_of


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


# Two performance officers on the region's rules: the form's stamp is the region's newest
# version (core/edit_stamp.py), so a version saved since the form was drawn stops the save.


def _office(client_for):
    client = client_for("performance")
    client.post("/work-context/", {"year": "2022"})
    return client


def _colleague_saves(world, name: str) -> None:
    rulebook_save(
        region_code="100101",
        year=2022,
        values={"catalogue": {"name": name}},
        actor=world.performance,
        note="同事的修改",
    )


def _mine(loaded: str) -> dict:
    values = '{"catalogue": {"name": "mine"}}'
    return {"values": values, "base": "national", "note": "我的修改说明", "loaded": loaded}


def test_a_save_over_a_colleagues_newer_version_is_stopped_and_keeps_what_was_typed(
    world, client_for
):
    client = _office(client_for)
    _colleague_saves(world, "first")
    drawn = loaded_of(client.get("/rulebook/").content.decode())
    _colleague_saves(world, "second")  # meanwhile, on another computer
    answer = client.post("/rulebook/", _mine(drawn))
    page = answer.content.decode()
    assert answer.status_code == 400
    assert "这张表在您打开之后已被修改（" in page  # with the time of the colleague's version
    assert "&quot;mine&quot;}}</textarea>" in page and 'value="我的修改说明"' in page
    assert Rulebook.objects.count() == 2
    # the page now carries version 2's stamp: saving again, knowingly, goes through
    assert client.post("/rulebook/", _mine(loaded_of(page))).status_code == 302
    latest = Rulebook.objects.order_by("-version").first()
    assert (latest.version, latest.values, latest.note) == (
        3,
        {"catalogue": {"name": "mine"}},
        "我的修改说明",
    )


def test_a_first_version_saved_since_the_form_was_drawn_stops_the_save(world, client_for):
    client = _office(client_for)
    drawn = loaded_of(client.get("/rulebook/").content.decode())
    assert drawn == "new"
    _colleague_saves(world, "first")
    answer = client.post("/rulebook/", _mine(drawn))
    assert answer.status_code == 400 and "这张表在您打开之后已被修改" in answer.content.decode()
    assert list(Rulebook.objects.values_list("values", flat=True)) == [
        {"catalogue": {"name": "first"}}
    ]


def test_saving_the_rules_twice_in_a_row_from_the_page_is_not_a_conflict(world, client_for):
    client = _office(client_for)
    for version in (1, 2):
        drawn = loaded_of(client.get("/rulebook/").content.decode())
        assert client.post("/rulebook/", _mine(drawn)).status_code == 302
        assert Rulebook.objects.order_by("-version").first().version == version


def test_a_colleagues_version_saved_after_the_page_read_the_rules_is_still_caught(
    world, client_for, monkeypatch
):
    # between the view's read and the service's locked read: only the service's check sees it
    client = _office(client_for)
    _colleague_saves(world, "first")
    drawn = loaded_of(client.get("/rulebook/").content.decode())
    colleague_first(monkeypatch, rulebook, "rulebook_save", lambda: _colleague_saves(world, "2"))
    answer = client.post("/rulebook/", _mine(drawn))
    page = answer.content.decode()
    assert answer.status_code == 400 and "这张表在您打开之后已被修改（" in page
    assert Rulebook.objects.count() == 2
    assert loaded_of(page) == stamp(Rulebook.objects.get(version=2))


def test_the_service_refuses_a_version_drawn_before_the_last_and_writes_nothing(world):
    _colleague_saves(world, "first")
    drawn = stamp(Rulebook.objects.get())
    _colleague_saves(world, "second")
    with pytest.raises(Overwritten):
        rulebook_save(
            region_code="100101",
            year=2022,
            values={"catalogue": {"name": "mine"}},
            actor=world.performance,
            loaded=drawn,
        )
    assert Rulebook.objects.count() == 2


def test_a_first_version_saved_at_the_same_instant_refuses_this_save_as_overwritten(
    world, client_for, monkeypatch
):
    """Two saves of a region-year with no version yet, at the same instant: the lock finds no
    row to hold, so both read none, and the unique version number lets one in. Here the
    colleague's first version lands right after this save's read, on the same connection (in
    this save's transaction, so it goes when the refusal rolls that back; in production it is
    committed apart): this save is refused as one over a newer version, with the colleague's
    as the form's new stamp and what was typed kept, not a server error."""
    from jixiao.core import edit_stamp

    client = _office(client_for)
    drawn = loaded_of(client.get("/rulebook/").content.decode())
    assert drawn == "new"
    real_check, landed = edit_stamp.check, []

    def colleague_between(document, loaded, **kwargs):
        real_check(document, loaded, **kwargs)
        if not landed:  # this save read no version; the colleague's first lands now
            monkeypatch.setattr(edit_stamp, "check", real_check)
            landed.append(
                rulebook_save(
                    region_code="100101",
                    year=2022,
                    values={"catalogue": {"name": "first"}},
                    actor=world.performance,
                )
            )

    monkeypatch.setattr(edit_stamp, "check", colleague_between)
    answer = client.post("/rulebook/", _mine(drawn))
    page = answer.content.decode()
    assert answer.status_code == 400 and "这张表在您打开之后已被修改" in page
    assert loaded_of(page) == stamp(landed[0]) and landed[0].version == 1
    assert "我的修改说明" in page  # what was typed is still there
    assert not Rulebook.objects.filter(values={"catalogue": {"name": "mine"}}).exists()
