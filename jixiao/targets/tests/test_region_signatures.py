"""A region's T15 signatures read in one go (`adapters.signatures_by_unit`) are the ones the
lint reads of each stored target as a model (`signature(declaration_of(target))`), and a file's
lint reads them in as many queries for several units as for one."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from jixiao.targets.adapters import declaration_of, signatures_by_unit, unit_signatures
from jixiao.targets.declaration import signature
from jixiao.targets.models import Target
from jixiao.targets.region_contexts import RegionContexts
from jixiao.testing import GOOD_ROWS

ODD_ROWS = [
    *GOOD_ROWS,
    {"category": "产出指标", "subcategory": "时效指标", "name": "完工时间",
     "value_text": "12月底前完成"},
    {"category": "产出指标", "subcategory": "数量指标", "name": "培训人数 ",
     "value_text": "≥ 50 人"},
    {"category": "效益指标", "subcategory": "社会效益指标", "name": "居住环境",
     "value_text": "明显改善"},
]  # fmt: skip


def by_model(unit_id: int, year: int) -> list:
    """What the lint compared before: each current target of the unit read as a model."""
    targets = Target.objects.current().filter(unit_id=unit_id, year=year, project__isnull=False)
    return [(t.project_id, signature(declaration_of(t), label=t.project.name)) for t in targets]


@pytest.mark.django_db
def test_a_regions_signatures_equal_each_targets_read_as_a_model(world, declare):
    declare("P1", rows=ODD_ROWS)
    declare("P2", actor=world.users["other"])
    declare("P1A", rows=list(reversed(ODD_ROWS)))
    read = signatures_by_unit(2022, unit__region_id=world.region.pk)
    for code in ("U1", "U1A", "U2"):
        unit = world.units[code]
        expected = by_model(unit.pk, 2022)
        assert expected and read[unit.pk] == expected
        assert unit_signatures(unit.pk, 2022) == expected
    names = [name for name, _value in read[world.units["U1"].pk][0][1].items]
    assert "培训人数" in names and "≥50人" in {
        v for _n, v in read[world.units["U1"].pk][0][1].items
    }


@pytest.mark.django_db
def test_the_signatures_of_another_regions_unit_are_not_read(world, declare):
    declare("P1")
    read = signatures_by_unit(2022, unit__region_id=world.region_b.pk)
    assert world.units["U1"].pk not in read


@pytest.mark.django_db
def test_a_files_units_signatures_cost_no_query_a_unit(world, declare):
    """The first unit asked reads the whole region's; the next units read nothing."""
    declare("P1")
    declare("P1A")
    declare("P2", actor=world.users["other"])
    contexts = RegionContexts(world.region, 2022)
    with CaptureQueriesContext(connection) as first:
        contexts._signatures(world.units["U1"].pk)
    with CaptureQueriesContext(connection) as others:
        for code in ("U2", "U1A"):
            assert contexts._signatures(world.units[code].pk)
    with CaptureQueriesContext(connection) as elsewhere:
        assert contexts._signatures(world.units["UB"].pk) == []
    assert (len(first), len(others)) == (2, 0)
    # UB is of another region: read alone, its targets (none, so no rows to read after them)
    assert len(elsewhere) == 1


@pytest.mark.django_db
def test_a_units_signatures_are_read_without_compiling_once_warm(world, declare, monkeypatch):
    """A save's siblings (`unit_signatures`): the rows' query compiled once for each number of
    targets, with each target's rows as the model's read gives them."""
    from django.db.models.sql.compiler import SQLCompiler

    declare("P1", rows=ODD_ROWS)
    declare("P2", actor=world.users["other"])
    u1, u2 = world.units["U1"].pk, world.units["U2"].pk
    expected = {u1: by_model(u1, 2022), u2: by_model(u2, 2022)}
    assert len(expected[u1]) == len(expected[u2]) == 1
    unit_signatures(u2, 2022)  # the process's first for one target: compiles what it keeps
    made, compile_ = [], SQLCompiler.as_sql
    monkeypatch.setattr(
        SQLCompiler, "as_sql", lambda self, *a, **k: made.append(self) or compile_(self, *a, **k)
    )
    assert unit_signatures(u1, 2022) == expected[u1]
    assert unit_signatures(u2, 2022) == expected[u2]
    assert unit_signatures(u1, 2021) == []
    assert made == []
