"""The kit of queries compiled once a process and run again with other values
(core/compiled.py, issue 16 part 5): `Compiled` and its parameters, `KeyedQuery` (every
parameter a key) and `proved` (constants and `LIKE` patterns proved by a second compilation).
Its uses with the scope (core/scope_read.py) are tested with the documents they read, in
targets/tests/test_scoped_reads.py and monitoring/tests/test_scoped_reads.py."""

import pytest
from django.contrib.sessions.models import Session
from django.db import connection
from django.db.models import Value
from django.utils import timezone

from jixiao.budgets.models import FiscalYear
from jixiao.core import compiled
from jixiao.core.compiled import KeyedQuery, proved
from jixiao.orgs.models import Region, User

pytestmark = pytest.mark.django_db


def test_a_compiled_query_gives_the_rows_the_orm_gives(world):
    FiscalYear.objects.get_or_create(region=world.region, year=2023)
    query = KeyedQuery(
        lambda region_id, year: FiscalYear.objects.filter(region_id=region_id, year=year),
        30001,
        30002,
    )
    for year in (2022, 2023, 1999):
        expected = list(FiscalYear.objects.filter(region=world.region, year=year))
        rows = query.all(world.region.pk, year)
        assert [(r.pk, r.region_id, r.year, r.status) for r in rows] == [
            (r.pk, r.region_id, r.year, r.status) for r in expected
        ]


def test_a_compiled_values_query_converts_its_columns_as_the_orm_does(world, client_for):
    key = client_for("filer").cookies["sessionid"].value
    query = KeyedQuery(
        lambda k: Session.objects.filter(session_key=k).values_list("expire_date"), "stand-in"
    )
    (expire_date,) = query.first(key)
    assert expire_date == Session.objects.get(session_key=key).expire_date
    assert timezone.is_aware(expire_date)
    assert query.first("no-such-session") is None


def test_a_key_used_twice_is_passed_twice(world):
    query = KeyedQuery(
        lambda year: FiscalYear.objects.filter(year=year).exclude(year__gt=year), 30001
    )
    assert {r.year for r in query.all(2022)} == {2022}


def test_a_compiled_query_refuses_a_parameter_that_is_not_a_key(world):
    query = KeyedQuery(lambda year: FiscalYear.objects.filter(year=year, status="open"), 30001)
    with pytest.raises(ValueError):
        query.all(2022)


def test_a_query_with_a_constant_is_kept_when_a_second_compilation_proves_it(world):
    def make(year):
        return FiscalYear.objects.filter(year=year, status="open")

    query = KeyedQuery(make, 30001, proof=(30002,))
    for year in (2022, 1999):
        expected = list(FiscalYear.objects.filter(year=year, status="open"))
        assert [(r.pk, r.year) for r in query.all(year)] == [(r.pk, r.year) for r in expected]
    # One whose SQL follows its key's value is refused, as `proved` refuses it.
    depends = KeyedQuery(
        lambda year: FiscalYear.objects.filter(year=year) if year > 30001 else FiscalYear.objects,
        30001,
        proof=(30002,),
    )
    with pytest.raises(ValueError):
        depends.all(2022)


def test_a_boolean_parameter_is_a_constant_even_when_it_equals_a_key(world):
    # True == 1 and False == 0: a boolean parameter of the SQL is a constant, never a key.
    escape = connection.ops.prep_for_like_query
    for constant in (True, False):
        param = compiled._Param(constant, [1, 0], escape)
        assert param.key is None and not param.is_key and param.value([5, 6]) is constant
    param = compiled._Param(1, [1, 0], escape)
    assert (param.key, param.cast, param.is_key) == (0, None, True)
    assert param.value([5, 6]) == 5
    query = KeyedQuery(
        lambda pk: User.objects.filter(pk=pk).annotate(flag=Value(True)).values_list("pk", "flag"),
        1,
    )
    with pytest.raises(ValueError, match="none of its keys"):
        query.all(world.filer.pk)


def test_a_keyed_query_refuses_a_like_pattern_made_from_a_key(world):
    query = KeyedQuery(lambda path: Region.objects.filter(path__startswith=path), "x_stand_in")
    with pytest.raises(ValueError, match="none of its keys"):
        query.all(world.region.path)


def _path_query(path: str, level: str):
    return Region.objects.filter(path__startswith=path, level=level).order_by("pk")


def test_a_proved_query_keeps_its_constants_and_rebuilds_its_like_patterns(world):
    first, second = ["\x01stand_in_a\x01"], ["\x01stand_in_b\x01"]
    read = proved(
        "default",
        _path_query(first[0], "district"),
        first,
        _path_query(second[0], "district"),
        second,
    )
    assert isinstance(read, compiled.Compiled)
    kinds = {(p.key is not None, bool(p.before or p.after)) for p in read.params}
    assert kinds == {(False, False), (True, True)}  # the level kept, the path in its pattern
    path = world.region.path
    for prefix in (path, path[:2], path[:2] + "%", path[:-2] + "_/"):
        rows = read.rows([prefix])
        assert [r.pk for r in rows] == [r.pk for r in _path_query(prefix, "district")], prefix
    assert [r.pk for r in read.rows([path])] == [world.region.pk]
    assert read.rows([path[:2] + "%"]) == []


def test_a_query_whose_constants_depend_on_its_keys_is_not_proved(world):
    first, second = ["\x01stand_in_a\x01"], ["\x01stand_in_b\x01"]
    assert (
        proved(
            "default",
            _path_query(first[0], "district"),
            first,
            _path_query(second[0], "city"),
            second,
        )
        is None
    )


def test_a_compiled_row_keeps_its_joins_and_annotations_as_the_orm_does(world):
    def query(pk):
        return (
            User.objects.select_related("region", "unit").annotate(marker=Value("m")).filter(pk=pk)
        )

    read = proved("default", query(990_000_001), [990_000_001], query(991_000_001), [991_000_001])
    (user,) = read.rows([world.filer.pk])
    orm = query(world.filer.pk).get()
    fields = [f.attname for f in User._meta.concrete_fields]
    assert [getattr(user, f) for f in fields] == [getattr(orm, f) for f in fields]
    assert User.region.is_cached(user) and User.unit.is_cached(user)
    assert (user.region.path, user.unit.code, user.marker) == (orm.region.path, orm.unit.code, "m")
    assert user._state.adding is False and user._state.db == "default"
