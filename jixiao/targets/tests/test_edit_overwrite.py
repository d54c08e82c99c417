"""Two people on one declaration: a save over a colleague's newer save is stopped, and what was
typed comes back to be saved again knowingly (core/edit_stamp.py)."""

import re

from jixiao.targets.models import Target
from jixiao.targets.services import target_save
from jixiao.testing import AMOUNTS, GOOD_ROWS

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
    target_save(
        actor=world.filer,
        target=Target.objects.get(pk=target.pk),
        goal="同事先保存的绩效目标。",
        amounts=AMOUNTS,
        serves_public=True,
        indicators=GOOD_ROWS,
    )
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
