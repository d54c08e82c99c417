"""A session's scope is read once and kept a while (orgs.models `remembered_scope`, kept with
the session by shell/work.py; issue 16 part 5): a filer's level-2 units and a region role's
region path were a query on every page."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from jixiao.budgets.models import Project
from jixiao.orgs import models as orgs_models
from jixiao.orgs.models import Role, Unit, UnitYear, User
from jixiao.shell import work  # noqa: F401  (its sign-in receiver keeps the scope, as in a server)

pytestmark = pytest.mark.django_db


def _page(client, path="/projects/"):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(path)
    return response, [q["sql"] for q in queries]


def _scope_of_page(client):
    response, _sql = _page(client)
    assert response.status_code == 200
    return response.wsgi_request.user.get_scope()


def _new_level2_unit(world, code="U1B"):
    unit = Unit.objects.create(region=world.region, code=code, name="新二级单位")
    UnitYear.objects.create(unit=unit, year=2022, name=unit.name, level=2, parent=world.units["U1"])
    return unit


def test_a_filers_pages_do_not_read_its_level2_units_again(world, client_for):
    client = client_for("filer")
    for _ in range(2):
        _response, sql = _page(client)
        assert not any('FROM "orgs_unityear"' in s and '"parent_id" =' in s for s in sql)


def test_a_budget_offices_pages_do_not_read_its_region_for_the_scope(world, client_for):
    client = client_for("budget")
    _page(client)
    _response, sql = _page(client)
    by_pk = f'WHERE "orgs_region"."id" = {world.users["budget"].region_id}'
    assert not any(s.startswith('SELECT "orgs_region"') and by_pk in s for s in sql)


def test_a_new_level2_unit_is_in_the_scope_on_the_next_page(world, client_for):
    client = client_for("filer")
    assert world.units["U1A"].pk in _scope_of_page(client).unit_ids
    unit = _new_level2_unit(world)
    assert unit.pk in _scope_of_page(client).unit_ids


def test_a_unit_moved_away_by_a_bulk_update_leaves_the_scope_after_the_time_kept(
    world, client_for, monkeypatch
):
    client = client_for("filer")
    child = world.units["U1A"]
    assert child.pk in _scope_of_page(client).unit_ids
    # A bulk update sends no signal: this process learns it when what it kept runs out.
    UnitYear.objects.filter(unit=child).update(level=1, parent=None)
    now = orgs_models.time.monotonic()
    monkeypatch.setattr(orgs_models.time, "monotonic", lambda: now + orgs_models.SCOPE_SECONDS + 1)
    assert child.pk not in _scope_of_page(client).unit_ids


def test_a_change_to_the_account_is_read_at_once(world, client_for):
    client = client_for("filer")
    assert _scope_of_page(client).unit_ids == {world.units["U1"].pk, world.units["U1A"].pk}
    User.objects.filter(username="filer").update(unit=world.units["U2"])
    assert _scope_of_page(client).unit_ids == {world.units["U2"].pk}
    User.objects.filter(username="filer").update(roles=[Role.BUDGET])
    scope = _scope_of_page(client)
    assert scope.unit_ids == frozenset()
    assert scope.region_paths == (world.region.path,)


def test_another_units_project_is_still_404_for_a_filer(world, client_for):
    client = client_for("filer")
    other = Project.objects.get(code="P2")
    own = Project.objects.get(code="P1")
    for _ in range(2):  # the second page with the scope kept
        assert client.get(f"/projects/{own.pk}/").status_code == 200
        assert client.get(f"/projects/{other.pk}/").status_code == 404


def test_each_session_keeps_its_own_scope(world, client_for):
    first, second = client_for("filer"), client_for("child_filer")
    assert _scope_of_page(first).unit_ids == {world.units["U1"].pk, world.units["U1A"].pk}
    assert _scope_of_page(second).unit_ids == {world.units["U1A"].pk}


def test_a_level2_unit_moved_away_by_a_save_leaves_the_scope_on_the_next_page(world, client_for):
    client = client_for("filer")
    child = world.units["U1A"]
    assert child.pk in _scope_of_page(client).unit_ids
    for unit_year in UnitYear.objects.filter(unit=child):
        unit_year.level, unit_year.parent = 1, None
        unit_year.save()
    assert child.pk not in _scope_of_page(client).unit_ids


def test_a_new_level1_unit_does_not_make_the_next_page_read_the_scope(world, client_for):
    client = client_for("filer")
    _page(client)
    unit = Unit.objects.create(region=world.region, code="U9", name="新一级单位")
    UnitYear.objects.create(unit=unit, year=2022, name=unit.name, level=1)
    _response, sql = _page(client)
    assert not any('FROM "orgs_unityear"' in s and '"parent_id" =' in s for s in sql)
