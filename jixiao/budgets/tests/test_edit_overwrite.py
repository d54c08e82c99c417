"""Two people on one project: a save over a colleague's newer save is stopped, and what was typed
comes back to be saved again knowingly (core/edit_stamp.py)."""

from jixiao.budgets import services
from jixiao.budgets.models import Project, ProjectKind
from jixiao.budgets.services import project_save
from jixiao.core.edit_stamp import stamp
from jixiao.testing import colleague_first, loaded_of

from .test_projects import form_data


def _colleague_saves(world, project) -> None:
    project_save(
        actor=world.filer,
        project=Project.objects.get(pk=project.pk),
        region=world.region,
        year=2022,
        code="P1",
        name="同事改的名字",
        unit=world.units["U1"],
        kinds=ProjectKind.objects.all()[:1],
        amounts={},
    )


def test_a_save_over_a_newer_save_is_stopped_and_keeps_what_was_typed(world, client_for):
    project = world.projects["P1"]
    client, url = client_for("filer"), f"/projects/{project.id}/edit/"
    drawn = loaded_of(client.get(url).content.decode())
    _colleague_saves(world, project)  # meanwhile (another tab, the budget office)
    mine = form_data(world, code="P1", name="我改的名字", loaded=drawn)
    answer = client.post(url, mine)
    page = answer.content.decode()
    assert answer.status_code == 400
    assert "这张表在您打开之后已被修改" in page and 'value="我改的名字"' in page
    assert Project.objects.get(pk=project.pk).name == "同事改的名字"
    # the page now carries the new stamp: saving again, knowingly, goes through
    assert client.post(url, {**mine, "loaded": loaded_of(page)}).status_code == 302
    assert Project.objects.get(pk=project.pk).name == "我改的名字"


def test_saving_twice_in_a_row_from_the_page_is_not_a_conflict(world, client_for):
    project = world.projects["P1"]
    client, url = client_for("filer"), f"/projects/{project.id}/edit/"
    for name in ("第一次的名字", "第二次的名字"):
        drawn = loaded_of(client.get(url).content.decode())
        answer = client.post(url, form_data(world, code="P1", name=name, loaded=drawn))
        assert answer.status_code == 302
        assert Project.objects.get(pk=project.pk).name == name


def test_a_new_project_form_carries_no_stamp(world, client_for):
    page = client_for("filer").get("/projects/new/").content.decode()
    assert 'name="loaded"' not in page


def test_a_colleague_saving_after_the_page_read_the_project_is_still_caught(
    world, client_for, monkeypatch
):
    # between the view's read and the service's locked read: only the service's check sees it
    project = world.projects["P1"]
    client, url = client_for("filer"), f"/projects/{project.id}/edit/"
    drawn = loaded_of(client.get(url).content.decode())

    colleague_first(monkeypatch, services, "project_save", lambda: _colleague_saves(world, project))
    answer = client.post(url, form_data(world, code="P1", name="我改的名字", loaded=drawn))
    page = answer.content.decode()
    assert answer.status_code == 400
    assert "这张表在您打开之后已被修改" in page and 'value="我改的名字"' in page
    assert Project.objects.get(pk=project.pk).name == "同事改的名字"
    assert loaded_of(page) == stamp(Project.objects.get(pk=project.pk))
