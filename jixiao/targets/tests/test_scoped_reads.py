"""A target read by its id within the user's scope by SQL compiled once a process for each shape
of scope (core/scope_read.py, issue 16, part 5): the pages, the saves, the review steps and the
step's locked read. Each must answer exactly as the ORM's `visible_to(user)` does, for every
kind of user, and another unit's user must get 404 on every path."""

import pytest
from django.http import Http404

from jixiao.core import compiled, scope_read, workflow
from jixiao.core.scope import RegionReader, Scope
from jixiao.targets import selectors, services
from jixiao.targets.models import Target, TargetStatus
from jixiao.targets.views import _target_to_move
from jixiao.targets.workflow import TARGET_WORKFLOW

from .test_pages import grid_post


@pytest.fixture
def targets(world, declare):
    """A target of each unit of the world's district, and one of another district."""
    made = [declare("P1"), declare("P1A"), declare("P2", actor=world.other)]
    made.append(
        Target.objects.create(region=world.region_b, year=2022, unit=_unit_of(world.region_b))
    )
    return made


def _unit_of(region):
    from jixiao.orgs.models import Unit

    return Unit.objects.filter(region=region).first() or Unit.objects.create(
        region=region, code="UB", name="乙区单位"
    )


def _orm_answer(user, pk):
    found = Target.objects.visible_to(user).filter(pk=pk).first()
    return found.pk if found else None


def test_every_persona_reads_exactly_the_targets_the_orm_scope_gives(world, targets):
    read = scope_read.ScopedRow(lambda: Target.objects.select_related("unit", "project", "region"))
    seen_somewhere = set()
    for user in world.users.values():
        for target in targets:
            found = read.get(user, target.pk)
            expected = _orm_answer(user, target.pk)
            assert (found.pk if found else None) == expected, (user.username, target.pk)
            if found:
                seen_somewhere.add(user.username)
    # the scopes of every kind were compared, and read through compiled SQL
    assert {
        "filer",
        "child_filer",
        "business",
        "budget",
        "performance",
        "auditor",
    } <= seen_somewhere
    kinds = {type(made) for made in read._compiled.values()}
    assert compiled.Compiled in kinds and kinds <= {compiled.Compiled, object}
    assert scope_read._ORM not in read._compiled.values()


def test_the_read_row_equals_the_orms_with_its_joins(world, targets, django_assert_num_queries):
    target = targets[0]
    with django_assert_num_queries(2):  # the row with its joins, then the indicators
        read = selectors.target_get(user=world.filer, pk=target.pk)
        names = [i.name for i in read.indicators.all()]
        joined = (read.unit.code, read.project.code, read.region.path)
    orm = Target.objects.select_related("unit", "project", "region").get(pk=target.pk)
    fields = [f.attname for f in Target._meta.concrete_fields]
    assert [getattr(read, f) for f in fields] == [getattr(orm, f) for f in fields]
    assert joined == (orm.unit.code, orm.project.code, orm.region.path)
    assert names == [i.name for i in orm.indicators.order_by("position")]
    assert read._state.adding is False and read._state.db == "default"


def test_a_region_path_is_matched_as_text_not_as_a_pattern(world, targets):
    """A region path's LIKE pattern is escaped as the ORM escapes it: "_" and "%" match
    themselves only."""
    read = scope_read.ScopedRow(lambda: Target.objects.all())
    path = world.region.path
    for pattern in (path[:2] + "%", path[:-2] + "_/", path):
        reader = RegionReader(pattern)
        found = read.get(reader, targets[0].pk)
        assert (found.pk if found else None) == _orm_answer(reader, targets[0].pk), pattern
    assert read.get(RegionReader(path), targets[0].pk).pk == targets[0].pk
    assert read.get(RegionReader(path[:2] + "%"), targets[0].pk) is None


def test_a_bad_id_or_an_empty_scope_is_none(world, targets):
    read = scope_read.ScopedRow(lambda: Target.objects.all())
    assert read.get(world.filer, "x") is None
    assert read.get(world.filer, None) is None
    assert read.get(world.public, targets[0].pk) is None
    assert read.get(world.admin, targets[0].pk) is None
    assert read.get(world.filer, str(targets[0].pk)).pk == targets[0].pk


def test_another_units_filer_gets_404_on_every_read_of_a_target(world, targets):
    target = targets[0]
    with pytest.raises(Http404):
        selectors.target_get(user=world.other, pk=target.pk)
    with pytest.raises(Http404):
        _target_to_move(user=world.other, pk=target.pk)
    with pytest.raises(Http404):  # the step's own locked read, whatever the caller read
        workflow.perform(obj=target, name="complete", actor=world.other, workflow=TARGET_WORKFLOW)
    assert Target.objects.get(pk=target.pk).status == TargetStatus.DRAFT
    assert selectors.target_get(user=world.filer, pk=target.pk).pk == target.pk


def test_another_units_filer_gets_404_on_every_target_page(world, targets, client_for):
    target = targets[0]
    client = client_for("other")
    for url in (f"/targets/{target.pk}/", f"/targets/{target.pk}/edit/"):
        assert client.get(url).status_code == 404, url
    for url, data in (
        (f"/targets/{target.pk}/edit/", grid_post([], then="save")),
        (f"/targets/{target.pk}/lint/", grid_post([])),
        (f"/targets/{target.pk}/transition/", {"transition": "complete"}),
        (f"/targets/{target.pk}/adjust/", {}),
    ):
        assert client.post(url, data).status_code == 404, url
    assert Target.objects.get(pk=target.pk).status == TargetStatus.DRAFT
    assert client_for("filer").get(f"/targets/{target.pk}/").status_code == 200


def test_a_step_moves_the_target_through_the_compiled_locked_read(world, targets):
    target = _target_to_move(user=world.filer, pk=targets[0].pk)
    moved = services.target_transition(actor=world.filer, target=target, name="complete")
    assert moved.status == TargetStatus.READY
    assert Target.objects.get(pk=target.pk).status == TargetStatus.READY
    # the locked read brought the region when the caller's row had none
    bare = Target.objects.get(pk=targets[1].pk)
    moved = workflow.perform(
        obj=bare, name="complete", actor=world.child_filer, workflow=TARGET_WORKFLOW
    )
    assert moved.status == TargetStatus.READY and Target.region.is_cached(moved)


def test_every_documents_locked_read_compiles_every_personas_scope_faithfully(world, targets):
    """The step's locked read serves every document with a workflow (targets, reports,
    self-evaluations, key evaluations, rectifications ...): for the scope of every kind of user
    its SQL is compiled (never left to the ORM for depending on more than its values' places)
    and finds what the ORM finds."""
    from django.db import transaction

    from jixiao.core.models import _REVIEW_WORKFLOWS

    assert len(_REVIEW_WORKFLOWS) >= 5
    for model in _REVIEW_WORKFLOWS:
        for with_region in (False, True):
            read = workflow._locked_read(model, with_region)
            ids = list(model.objects.values_list("pk", flat=True)[:5]) or [1]
            with transaction.atomic():
                for user in world.users.values():
                    for pk in ids:
                        found = read.get(user, pk)
                        orm = model.objects.visible_to(user).filter(pk=pk).first()
                        assert (found and found.pk) == (orm and orm.pk), (model, user.username)
            assert scope_read._ORM not in read._compiled.values(), model


def test_the_saves_locked_read_is_the_orms_row_and_refuses_a_missing_id(world, targets):
    from django.db import transaction

    from jixiao.targets.services import _SAVE_READ

    with transaction.atomic():
        read = _SAVE_READ.get(targets[0].pk)
        with pytest.raises(Target.DoesNotExist):
            _SAVE_READ.get(max(t.pk for t in targets) + 1000)
    orm = Target.objects.select_related("region", "project").get(pk=targets[0].pk)
    fields = [f.attname for f in Target._meta.concrete_fields]
    assert [getattr(read, f) for f in fields] == [getattr(orm, f) for f in fields]
    assert (read.region.path, read.project.code) == (orm.region.path, orm.project.code)
    assert scope_read._ORM not in _SAVE_READ._compiled.values()


class _ScopeReader:
    """A signed-in reader of a given scope."""

    is_authenticated = True

    def __init__(self, scope: Scope):
        self._scope = scope

    def get_scope(self) -> Scope:
        return self._scope


def test_the_compiled_shapes_are_bounded_and_an_evicted_shape_is_rebuilt(
    world, targets, monkeypatch
):
    monkeypatch.setattr(scope_read, "SHAPES_KEPT", 2)
    read = scope_read.ScopedRow(lambda: Target.objects.select_related("unit"))
    unit_id = targets[0].unit_id

    def reader(extra: int) -> _ScopeReader:
        """The first target's unit and `extra` ids of no unit: a shape of scope for each size."""
        ids = {unit_id, *range(960_000_001, 960_000_001 + extra)}
        return _ScopeReader(Scope(unit_ids=frozenset(ids)))

    def shape(extra: int):
        return ("default", (0, 1 + extra, 0, False))

    def answers(user) -> list:
        return [(found.pk if (found := read.get(user, t.pk)) else None) for t in targets]

    def orm_answers(user) -> list:
        rows = Target.objects.filter(Target.scope_q(user.get_scope()))
        return [t.pk if rows.filter(pk=t.pk).exists() else None for t in targets]

    for extra in (0, 1, 0, 2):  # the third read makes the first shape the latest used
        assert answers(reader(extra)) == orm_answers(reader(extra))
        assert len(read._compiled) <= 2
    assert list(read._compiled) == [shape(0), shape(2)]  # the least recently used went
    evicted_before = read._compiled[shape(0)]
    for extra in (1, 3):  # the second shape again, rebuilt; then a fourth: the first goes
        assert answers(reader(extra)) == orm_answers(reader(extra))
        assert len(read._compiled) == 2
    assert list(read._compiled) == [shape(1), shape(3)]
    assert answers(reader(0)) == orm_answers(reader(0)) == [targets[0].pk, None, None, None]
    rebuilt = read._compiled[shape(0)]
    assert isinstance(rebuilt, compiled.Compiled) and rebuilt is not evicted_before
    assert read.get(reader(0), targets[0].pk).unit.pk == unit_id  # with its join


def test_a_read_compiles_each_shape_of_the_test_world_once_and_keeps_them_all(world, targets):
    read = scope_read.ScopedRow(lambda: Target.objects.all())
    shapes = set()
    for user in world.users.values():
        read.get(user, targets[0].pk)
        if not user.get_scope().empty:
            shapes.add(scope_read.shape_of(user.get_scope()))
    assert len(read._compiled) == len(shapes) <= scope_read.SHAPES_KEPT
