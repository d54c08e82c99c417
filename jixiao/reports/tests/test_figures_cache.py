"""The figures cached by (region, year, data version) (reports.figures_cache).

These tests commit (transaction=True): the cache is read only outside a transaction, and a
write gives its region's year a new version when its transaction commits, as in production.
"""

from __future__ import annotations

import datetime

import pytest
from django.core.management import call_command
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext, override_settings

from jixiao.core import figures_cache as notice
from jixiao.core.models import Rulebook
from jixiao.core.scope import RegionReader
from jixiao.reports.figures_cache import version
from jixiao.reports.stats import compute_year_stats, year_stats
from jixiao.targets.models import Target

pytestmark = pytest.mark.django_db(transaction=True)

TODAY = datetime.date(2022, 9, 1)
AGGREGATES = ("COUNT(", "SUM(", "MAX(", "AVG(")


def figures(user, region):
    return year_stats(user=user, region=region, year=2022, today=TODAY)


def declare(world, code: str) -> Target:
    project = world.projects[code]
    return Target.objects.create(
        region=project.region, year=2022, unit=project.unit, project=project, status="submitted"
    )


def aggregate_queries(fn) -> list[str]:
    with CaptureQueriesContext(connection) as captured:
        fn()
    return [q["sql"] for q in captured.captured_queries if any(a in q["sql"] for a in AGGREGATES)]


def test_a_second_read_without_a_change_runs_no_aggregate_query(world):
    reader = RegionReader(world.region.path)
    first = figures(reader, world.region)
    assert aggregate_queries(lambda: figures(reader, world.region)) == []
    assert figures(reader, world.region) == first


def test_a_write_in_the_region_gives_a_new_version_and_the_next_read_sees_it(world):
    reader = RegionReader(world.region.path)
    before = version(world.region, 2022)
    assert figures(reader, world.region)["targets"]["projects_declared"] == 0
    declare(world, "P1")
    assert version(world.region, 2022) != before
    assert figures(reader, world.region)["targets"]["projects_declared"] == 1


def test_a_write_in_another_region_leaves_the_figures_cached(world):
    reader = RegionReader(world.region.path)
    figures(reader, world.region)
    before, city_before = version(world.region, 2022), version(world.city, 2022)
    declare(world, "PB")  # 乙区
    assert version(world.region, 2022) == before
    assert aggregate_queries(lambda: figures(reader, world.region)) == []
    # The city holds 乙区: its figures are recomputed and count the new declaration.
    assert version(world.city, 2022) != city_before
    city = figures(RegionReader(world.city.path), world.city)
    assert city["targets"]["projects_declared"] == 1


def test_a_write_of_another_year_leaves_the_work_years_figures_cached(world):
    reader = RegionReader(world.region.path)
    figures(reader, world.region)
    project = world.projects["P1"]
    Target.objects.create(
        region=world.region, year=2019, unit=project.unit, project=project, status="submitted"
    )
    assert aggregate_queries(lambda: figures(reader, world.region)) == []


def test_a_bulk_write_counts_once_its_writer_says_so(world):
    reader = RegionReader(world.region.path)
    figures(reader, world.region)
    project = world.projects["P1"]
    Target.objects.bulk_create(
        [
            Target(
                region=world.region,
                year=2022,
                unit=project.unit,
                project=project,
                status="approved",
            )
        ]
    )  # no signal: the cached figures stand until the writer reports the change
    assert figures(reader, world.region)["targets"]["projects_declared"] == 0
    notice.changed({(world.region.pk, 2022)})
    assert figures(reader, world.region)["targets"]["projects_declared"] == 1


def test_a_superior_regions_rulebook_gives_the_district_a_new_version(world):
    before = version(world.region, 2022)
    Rulebook.objects.create(region_code=world.province.code, year=2022, version=1, values={})
    assert version(world.region, 2022) != before


def test_a_rolled_back_write_leaves_the_version(world):
    before = version(world.region, 2022)
    with pytest.raises(RuntimeError), transaction.atomic():
        declare(world, "P1")
        raise RuntimeError
    assert version(world.region, 2022) == before


def test_a_rolled_back_write_leaves_the_cached_figure(world):
    reader = RegionReader(world.region.path)
    assert figures(reader, world.region)["targets"]["projects_declared"] == 0
    with pytest.raises(RuntimeError), transaction.atomic():
        declare(world, "P1")
        raise RuntimeError
    assert aggregate_queries(lambda: figures(reader, world.region)) == []
    assert figures(reader, world.region)["targets"]["projects_declared"] == 0


def test_inside_a_transaction_the_reader_sees_its_own_writes(world):
    reader = RegionReader(world.region.path)
    figures(reader, world.region)
    with transaction.atomic():
        declare(world, "P1")
        assert figures(reader, world.region)["targets"]["projects_declared"] == 1
        transaction.set_rollback(True)


def test_cached_figures_never_cross_from_one_scope_to_another(world):
    declare(world, "P1")  # U1, the filer's unit
    declare(world, "P2")  # U2, the `other` persona's unit
    region = world.region
    assert figures(world.users["performance"], region)["targets"]["projects_declared"] == 2
    for persona in ("filer", "other", "business"):
        user = world.users[persona]
        cached = figures(user, region)
        assert cached == compute_year_stats(user=user, region=region, year=2022, today=TODAY)
    assert figures(world.users["filer"], region)["targets"]["projects_declared"] == 1
    assert figures(world.users["other"], region)["targets"]["projects_declared"] == 1


DATABASE_CACHE = {
    "default": {
        "BACKEND": "django.core.cache.backends.db.DatabaseCache",
        "LOCATION": "jixiao_cache_test",
    }
}


@override_settings(CACHES=DATABASE_CACHE)
def test_the_database_cache_of_several_web_nodes_holds_the_figures(world):
    # JIXIAO_CACHE=database (docs/deploy.md): every node reads the figures one of them stored.
    call_command("createcachetable", verbosity=0)
    reader = RegionReader(world.region.path)
    first = figures(reader, world.region)
    with CaptureQueriesContext(connection) as captured:
        assert figures(reader, world.region) == first
    sql = [q["sql"] for q in captured.captured_queries]
    assert any("jixiao_cache_test" in q for q in sql)
    assert not [q for q in sql if "jixiao_cache_test" not in q and any(a in q for a in AGGREGATES)]
    declare(world, "P1")
    assert figures(reader, world.region)["targets"]["projects_declared"] == 1


def test_a_bulk_write_audited_as_one_batch_gives_its_regions_a_new_version(world):
    from jixiao.core.audit import Change, record_batch

    before, other = version(world.region, 2022), version(world.region_b, 2022)
    record_batch(
        [
            Change(
                action="create", object_type="targets.target", object_id="1", region_code="100101"
            )
        ],
        message="导入",
    )
    assert version(world.region, 2022) != before
    assert version(world.region_b, 2022) == other


def test_many_writes_in_one_transaction_bump_the_version_once_at_commit(world):
    before = version(world.region, 2022)
    with CaptureQueriesContext(connection) as captured:
        with transaction.atomic():
            for code in ("P1", "P1A", "P2"):
                declare(world, code)
            assert version(world.region, 2022) == before  # not before the commit
    bumps = [q["sql"] for q in captured.captured_queries if "figuresversion" in q["sql"].lower()]
    writes = [q for q in bumps if q.lstrip().upper().startswith(("UPDATE", "INSERT"))]
    assert len(writes) == 1
    assert version(world.region, 2022) != before


def test_a_pairs_first_version_and_the_next_are_one_statement_for_every_pair(world):
    """The versions are an upsert: a region-year's first version (before, an UPDATE that found
    nothing, then an INSERT in its own savepoint: four queries) costs one statement, as the
    next do, and so do several regions and years changed in one transaction."""
    from jixiao.reports.models import FiguresVersion

    pairs = {(world.region.pk, 2031), (world.region_b.pk, 2031), (world.region.pk, 2032)}
    assert not FiguresVersion.objects.filter(year__in=[2031, 2032]).exists()
    tokens = []
    for _time in ("first", "next"):
        with CaptureQueriesContext(connection) as captured:
            notice.changed(pairs)  # outside a transaction: stored at once
        assert len(captured.captured_queries) == 1, captured.captured_queries
        rows = FiguresVersion.objects.filter(year__in=[2031, 2032])
        tokens.append(dict(((r.region_id, r.year), r.token) for r in rows))
    assert set(tokens[0]) == set(tokens[1]) == pairs
    assert all(tokens[0][pair] != tokens[1][pair] for pair in pairs)


def test_more_pairs_than_one_statement_takes_go_in_several(world, monkeypatch):
    from jixiao.reports import figures_cache
    from jixiao.reports.models import FiguresVersion

    monkeypatch.setattr(figures_cache, "BUMP_ROWS", 2)
    pairs = {(world.region.pk, year) for year in range(2040, 2045)}
    with CaptureQueriesContext(connection) as captured:
        notice.changed(pairs)
    assert len(captured.captured_queries) == 3
    stored = FiguresVersion.objects.filter(year__gte=2040).values_list("region_id", "year")
    assert set(stored) == pairs


def test_deleting_a_project_with_its_payments_gives_its_year_a_new_version(world):
    from jixiao.budgets.models import Payment, Project

    project = Project.objects.create(
        region=world.region, year=2021, code="Q9", name="项目Q9", unit=world.units["U1"]
    )
    Payment.objects.bulk_create([Payment(project=project, month=m, amount=m) for m in range(1, 13)])
    before, other = version(world.region, 2022), version(world.region_b, 2022)
    with CaptureQueriesContext(connection) as captured:
        project.delete()  # its payments go with it: no query of theirs for a version
    assert version(world.region, 2022) != before  # 2021's payments count in 2022's figures
    assert version(world.region_b, 2022) == other
    # a payment reaches its region through its project: one look-up each, unless skipped
    lookup = 'SELECT "budgets_project"."region_id"'
    assert not [q for q in captured.captured_queries if q["sql"].startswith(lookup)]
