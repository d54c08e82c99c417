"""Two people on one declaration: a save over a colleague's newer save is stopped, and what was
typed comes back to be saved again knowingly (core/edit_stamp.py)."""

import re

import pytest

from jixiao.core.edit_stamp import Overwritten, stamp
from jixiao.targets import services
from jixiao.targets.models import Target
from jixiao.targets.services import target_save
from jixiao.testing import AMOUNTS, GOOD_ROWS, at_once, colleague_first, one_saved

from .test_pages import grid_post

LOADED = re.compile(r'name="loaded" value="([^"]+)"')


def loaded_of(page: str) -> str:
    (stamp,) = LOADED.findall(page)
    return stamp


def test_a_save_over_a_newer_save_is_stopped_and_keeps_what_was_typed(world, client_for, declare):
    target = declare()
    client = client_for("filer")
    drawn = loaded_of(client.get(f"/targets/{target.id}/edit/").content.decode())
    # meanwhile a colleague saves the same declaration (another tab, the API, another filer)
    _save(world, Target.objects.get(pk=target.pk), "同事先保存的绩效目标。")
    mine = grid_post(GOOD_ROWS, goal="我在表里写的绩效目标。", loaded=drawn)
    answer = client.post(f"/targets/{target.id}/edit/", mine)
    page = answer.content.decode()
    assert answer.status_code == 400
    assert "这张表在您打开之后已被修改" in page and "我在表里写的绩效目标。" in page
    assert Target.objects.get(pk=target.pk).goal == "同事先保存的绩效目标。"
    # the page now carries the new stamp: saving again, knowingly, goes through
    again = grid_post(GOOD_ROWS, goal="我在表里写的绩效目标。", loaded=loaded_of(page))
    assert client.post(f"/targets/{target.id}/edit/", again).status_code == 302
    assert Target.objects.get(pk=target.pk).goal == "我在表里写的绩效目标。"


def test_saving_twice_in_a_row_from_the_page_is_not_a_conflict(world, client_for, declare):
    target = declare()
    client = client_for("filer")
    for goal in ("第一次保存。", "第二次保存。"):
        drawn = loaded_of(client.get(f"/targets/{target.id}/edit/").content.decode())
        answer = client.post(
            f"/targets/{target.id}/edit/", grid_post(GOOD_ROWS, goal=goal, loaded=drawn)
        )
        assert answer.status_code == 302
        assert Target.objects.get(pk=target.pk).goal == goal


def _save(world, target, goal: str, loaded: str | None = None) -> Target:
    return target_save(
        actor=world.filer,
        target=target,
        goal=goal,
        amounts=AMOUNTS,
        serves_public=True,
        indicators=GOOD_ROWS,
        loaded=loaded,
    )


def test_the_service_refuses_a_save_drawn_before_the_last_and_writes_nothing(world, declare):
    target = declare()
    drawn = stamp(target)
    saved = _save(world, Target.objects.get(pk=target.pk), "同事先保存的绩效目标。", drawn)
    with pytest.raises(Overwritten) as refused:
        _save(world, target, "我在表里写的绩效目标。", drawn)
    assert refused.value.stamp == stamp(saved) != drawn
    assert Target.objects.get(pk=target.pk).goal == "同事先保存的绩效目标。"


def test_a_colleague_saving_after_the_page_read_the_declaration_is_still_caught(
    world, client_for, declare, monkeypatch
):
    # the colleague's save lands between the view's read (and any check it made there) and
    # the service's locked read: only a check on the locked row sees it
    target = declare()
    client = client_for("filer")
    drawn = loaded_of(client.get(f"/targets/{target.id}/edit/").content.decode())
    colleague_first(
        monkeypatch,
        services,
        "target_save",
        lambda: _save(world, Target.objects.get(pk=target.pk), "同事先保存的绩效目标。", drawn),
    )
    mine = grid_post(GOOD_ROWS, goal="我在表里写的绩效目标。", loaded=drawn)
    answer = client.post(f"/targets/{target.id}/edit/", mine)
    page = answer.content.decode()
    assert answer.status_code == 400
    assert "这张表在您打开之后已被修改" in page and "我在表里写的绩效目标。" in page
    assert Target.objects.get(pk=target.pk).goal == "同事先保存的绩效目标。"
    assert loaded_of(page) == stamp(Target.objects.get(pk=target.pk))  # to save knowingly


@pytest.mark.django_db(transaction=True)
def test_two_saves_posted_at_the_same_instant_one_wins_the_other_is_shown(
    world, client_for, declare, monkeypatch
):
    target = declare()
    url = f"/targets/{target.id}/edit/"
    clients = [client_for("filer"), client_for("filer")]
    drawn = loaded_of(clients[0].get(url).content.decode())
    goals = ["甲保存的绩效目标。", "乙保存的绩效目标。"]
    forms = [
        (c, url, grid_post(GOOD_ROWS, goal=g, loaded=drawn))
        for c, g in zip(clients, goals, strict=True)
    ]
    saved = one_saved(at_once(monkeypatch, services, "target_save", forms))
    assert Target.objects.get(pk=target.pk).goal == goals[saved]
