"""A page's scope is read afresh on every request, exactly (orgs.models `User._compute_scope`):
a unit moved to another parent leaves the old parent's scope on the next page, however it was
moved. Its reads run SQL compiled once a process (issue 16 part 5), so they stay one query
each."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from jixiao.budgets.models import Project
from jixiao.orgs.models import Role, Unit, UnitYear, User

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


def test_a_filers_page_reads_its_level2_units_once(world, client_for):
    client = client_for("filer")
    for _ in range(2):
        _response, sql = _page(client)
        reads = [s for s in sql if 'FROM "orgs_unityear"' in s and '"parent_id" =' in s]
        assert len(reads) == 1


def test_a_new_level2_unit_is_in_the_scope_on_the_next_page(world, client_for):
    client = client_for("filer")
    assert world.units["U1A"].pk in _scope_of_page(client).unit_ids
    unit = _new_level2_unit(world)
    assert unit.pk in _scope_of_page(client).unit_ids


def test_a_unit_moved_away_by_a_bulk_update_leaves_the_scope_on_the_next_page(world, client_for):
    client = client_for("filer")
    child = world.units["U1A"]
    assert child.pk in _scope_of_page(client).unit_ids
    # A bulk update sends no signal: the scope does not depend on one.
    UnitYear.objects.filter(unit=child).update(level=1, parent=None)
    assert child.pk not in _scope_of_page(client).unit_ids


def test_a_region_role_is_scoped_to_its_regions_path(world, client_for):
    client = client_for("budget")
    assert _scope_of_page(client).region_paths == (world.region.path,)


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
