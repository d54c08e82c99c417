"""Re-scoring a region-year a chunk at a time (`rescoring.selfevals_rescore`, `jixiao rescore`)
gives, field by field, what `services.rescore` gives one table at a time, on the demo's
self-evaluations: the district 360102 keeps the national rules, a sibling district 360103 (which
takes some of its 2021 self-evaluations) has its own grade bands."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.core.management import CommandError, call_command
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext

from jixiao.core.models import AuditLog
from jixiao.evaluations.models import SelfEvalIndicator, SelfEvaluation
from jixiao.evaluations.rescoring import selfevals_rescore
from jixiao.evaluations.services import SCORED_FIELDS, SCORED_LINE_FIELDS, rescore

SIBLING = "360103"
#: The sibling's own bands: 优 from 95 instead of 90.
SIBLING_GRADES = [
    {"grade": "优", "min": "95"},
    {"grade": "良", "min": "80"},
    {"grade": "中", "min": "60"},
    {"grade": "差", "min": "0"},
]
MOVED = 20  # 2021 self-evaluations moved to the sibling district


@pytest.fixture(scope="module")
def built(django_db_setup, django_db_blocker):
    from jixiao.core.audit import audit_context
    from jixiao.core.rulebook import rulebook_save
    from jixiao.demo import build
    from jixiao.orgs.models import Region

    names = [label for label, _step in build.STEPS]
    steps = build.STEPS[: names.index("绩效评价") + 1]  # up to the self-evaluations
    with django_db_blocker.unblock():
        with transaction.atomic(), audit_context(source="cli"):
            demo = build.Demo(password="Demo#Pass2022")
            build.run_steps(demo, steps)
            district = Region.objects.get(code="360102")
            sibling = Region.objects.create(
                code=SIBLING, name="西湖区", level="district", parent=district.parent
            )
            moved = SelfEvaluation.objects.filter(region=district, year=2021).order_by("id")
            SelfEvaluation.objects.filter(
                id__in=list(moved.values_list("id", flat=True)[:MOVED])
            ).update(region=sibling)
            rulebook_save(
                region_code=SIBLING,
                year=2021,
                values={"scoring": {"grades": SIBLING_GRADES}},
                actor=None,
                note="优 自 95 分起",
            )
            yield demo
            transaction.set_rollback(True)


@pytest.fixture
def demo(built, db):
    from jixiao.orgs.models import Region

    return {code: Region.objects.get(code=code) for code in ("360100", "360102", SIBLING)}


def stored(selfevals) -> dict:
    """Every field scoring writes, per self-evaluation and per indicator line, as stored."""
    ids = list(selfevals.values_list("id", flat=True))
    rows = SelfEvaluation.objects.filter(id__in=ids).values("id", *SCORED_FIELDS)
    lines = SelfEvalIndicator.objects.filter(selfeval_id__in=ids).values(
        "selfeval_id", "position", *SCORED_LINE_FIELDS
    )
    return {
        "selfevals": {row.pop("id"): row for row in rows},
        "lines": {(line.pop("selfeval_id"), line.pop("position")): line for line in lines},
    }


def wipe(selfevals) -> None:
    """Forget every score, so that only a re-score can bring them back."""
    SelfEvalIndicator.objects.filter(selfeval__in=selfevals).update(
        score=None, score_explanation="", problems=[]
    )
    selfevals.update(
        result={}, total=None, grade="", complete=False, rulebook="", reviewed_total=None
    )


def test_batched_rescoring_writes_exactly_what_services_rescore_writes_per_table(demo):
    city = demo["360100"]
    for year in (2020, 2021):
        selfevals = SelfEvaluation.objects.filter(region__path__startswith=city.path, year=year)
        for selfeval in selfevals.select_related("project", "unit", "region", "target"):
            rescore(selfeval)
        per_table = stored(selfevals)
        wipe(selfevals)
        assert selfevals_rescore(actor=None, region=city, year=year, chunk=50) == len(
            per_table["selfevals"]
        )
        assert stored(selfevals) == per_table
    # what was compared holds every kind of result: grades, both rulebooks, reviewers' totals
    every = stored(SelfEvaluation.objects.filter(region__path__startswith=city.path))
    results = list(every["selfevals"].values())
    assert {r["grade"] for r in results} >= {"优", "良"}
    assert any(SIBLING in r["rulebook"] for r in results)
    assert any("360102" not in r["rulebook"] and SIBLING not in r["rulebook"] for r in results)
    assert any(r["reviewed_total"] is not None for r in results)
    assert len(every["lines"]) > 1000
    assert any(line["problems"] for line in every["lines"].values())


def band(total: Decimal, grades: list[dict]) -> str:
    return next(g["grade"] for g in grades if total >= Decimal(g["min"]))


def test_each_district_scores_by_its_own_rulebook(demo):
    selfevals_rescore(actor=None, region=demo["360100"], year=2021)
    national = [{**g, "min": "90"} if g["grade"] == "优" else g for g in SIBLING_GRADES]
    for code, grades in (("360102", national), (SIBLING, SIBLING_GRADES)):
        rows = SelfEvaluation.objects.filter(region__code=code, year=2021, total__isnull=False)
        assert rows.exists()
        for total, grade in rows.values_list("total", "grade"):
            assert grade == band(total, grades), (code, total)


def queries_of_rescore(region, year: int, chunk: int = 1000) -> int:
    with CaptureQueriesContext(connection) as queries:
        selfevals_rescore(actor=None, region=region, year=year, chunk=chunk)
    return len(queries)


def test_queries_do_not_grow_with_the_number_of_selfevaluations(demo):
    district = demo["360102"]
    few = SelfEvaluation.objects.filter(region=district, year=2021).count()
    many = SelfEvaluation.objects.filter(region=district, year=2020).count()
    assert many > 3 * few > 0
    assert queries_of_rescore(district, 2021) == queries_of_rescore(district, 2020) <= 12
    # a chunk at a time: each further chunk costs the same few queries, never one per table
    per_chunk = queries_of_rescore(district, 2020, chunk=50) - queries_of_rescore(district, 2020)
    assert per_chunk <= 3 * 8  # 4 chunks instead of 1


def test_other_regions_and_years_are_left_untouched(demo):
    everything = SelfEvaluation.objects.filter(region__path__startswith=demo["360100"].path)
    before = stored(everything)
    outside = everything.exclude(region__code="360102", year=2021)
    outside.update(total=Decimal("1.00"), grade="差", rulebook="之前的规则")
    count = selfevals_rescore(actor=None, region=demo["360102"], year=2021)
    assert count == SelfEvaluation.objects.filter(region__code="360102", year=2021).count()
    assert set(outside.values_list("total", "grade", "rulebook")) == {
        (Decimal("1.00"), "差", "之前的规则")
    }
    inside = stored(SelfEvaluation.objects.filter(region__code="360102", year=2021))
    assert inside["selfevals"] == {k: before["selfevals"][k] for k in inside["selfevals"]}


def test_one_audit_entry_says_who_where_which_year_and_how_many(demo, built):
    budget = built.users["budget"]
    last = AuditLog.objects.order_by("-id").values_list("id", flat=True).first() or 0
    count = selfevals_rescore(actor=budget, region=demo["360102"], year=2020)
    entries = list(AuditLog.objects.filter(id__gt=last))
    assert len(entries) == 1
    entry = entries[0]
    assert entry.actor == budget and entry.action == "action"
    assert entry.object_type == "evaluations.selfevaluation"
    assert entry.after == {"region": "360102", "year": 2020, "rescored": count, "grade_changed": 0}
    assert str(count) in entry.message


def test_progress_is_told_after_each_chunk(demo):
    calls = []
    count = selfevals_rescore(
        actor=None, region=demo["360102"], year=2020, progress=lambda *a: calls.append(a), chunk=50
    )
    assert count > 150
    assert calls == [(min(n, count), count) for n in range(50, count + 50, 50)]


def test_cli_prints_how_many_were_rescored_and_how_many_changed_grade(demo, capsys):
    from jixiao.core.rulebook import rulebook_save

    district = SelfEvaluation.objects.filter(region__code="360102", year=2021)
    count = district.count()
    between = district.filter(total__gte=90, total__lt=95, grade="优").count()
    assert between > 0
    rulebook_save(
        region_code="360102",
        year=2021,
        values={"scoring": {"grades": SIBLING_GRADES}},
        actor=None,
    )
    call_command("rescore", "--region", "360102", "--year", "2021", "--quiet")
    out = capsys.readouterr().out
    assert f"东湖区 2021 年度项目自评表 {count} 份，其中 {between} 份等级改变。" in out
    assert not district.filter(total__gte=90, total__lt=95, grade="优").exists()


def test_cli_refuses_an_unknown_region_and_a_year_without_selfevaluations(demo):
    with pytest.raises(CommandError, match="找不到区划“999999”"):
        call_command("rescore", "--region", "999999", "--year", "2021")
    with pytest.raises(CommandError, match="没有 2030 年度项目的自评表"):
        call_command("rescore", "--region", "360102", "--year", "2030")
    with pytest.raises(CommandError, match="年度应为四位数字"):
        call_command("rescore", "--region", "360102", "--year", "二〇二一")


def test_the_rescore_job_rescores_for_the_performance_office_and_refuses_a_unit(demo):
    from jixiao.core import jobs
    from jixiao.orgs.models import User

    selfevals = SelfEvaluation.objects.filter(region=demo["360102"], year=2021)
    wipe(selfevals)
    refused = jobs.start(
        user=User.objects.get(username="unit"),
        kind="rescore",
        params={"region": "360102", "year": 2021},
    )
    assert refused.status == "failed" and "绩效办" in refused.error
    assert not selfevals.filter(total__isnull=False).exists()
    job = jobs.start(
        user=User.objects.get(username="perf"),
        kind="rescore",
        params={"region": "360102", "year": 2021},
    )
    assert (job.status, job.result, job.done) == (
        "done",
        {"rescored": selfevals.count()},
        job.total,
    )
    assert selfevals.filter(total__isnull=False).count() == selfevals.count() > 0


def test_rescoring_tells_the_figures_cache_which_region_and_year_changed(demo):
    """Bulk updates send no signal: re-scoring tells the figures cache itself, so the work
    year's figures are not served stale after a rulebook change. (The new version is written
    when the transaction commits: the test looks at what is due then.)"""
    from django.db import connection

    from jixiao.core.figures_cache import _Batch

    def batches():
        return [f for _s, f, *_r in connection.run_on_commit if isinstance(f, _Batch)]

    for batch in batches():  # what the fixtures wrote before is not the re-scoring's
        batch.pairs.clear()
    district = demo["360102"]
    selfevals_rescore(actor=None, region=district, year=2021)
    due = set().union(
        *(f.pairs for _s, f, *_r in connection.run_on_commit if isinstance(f, _Batch))
    )
    assert (district.pk, 2021) in due


def rows_written(queries, model) -> int:
    """Rows UPDATEd in `model`'s table by the captured queries (an executemany is logged once,
    as "N times: UPDATE …")."""
    table = model._meta.db_table
    written = 0
    for query in queries.captured_queries:
        sql = query["sql"]
        times, _sep, statement = sql.partition(" times: ")
        if statement.lstrip().upper().startswith("UPDATE") and table in statement:
            written += int(times)
        elif sql.lstrip().upper().startswith("UPDATE") and table in sql:
            written += 1
    return written


def test_a_rescore_after_no_change_writes_nothing(demo):
    district = demo["360102"]
    selfevals = SelfEvaluation.objects.filter(region=district, year=2020)
    selfevals_rescore(actor=None, region=district, year=2020)
    before = stored(selfevals)
    with CaptureQueriesContext(connection) as queries:
        count = selfevals_rescore(actor=None, region=district, year=2020)
    assert count == len(before["selfevals"]) > 150
    assert rows_written(queries, SelfEvaluation) == 0
    assert rows_written(queries, SelfEvalIndicator) == 0
    assert stored(selfevals) == before


def test_a_rescore_writes_only_the_rows_that_changed_and_gives_what_per_table_gives(demo):
    """New grade bands change the self-evaluations' grades and rulebook, not their lines' scores:
    the lines are left unwritten, and every stored field is what `services.rescore` gives."""
    from jixiao.core.rulebook import rulebook_save

    district = demo["360102"]
    selfevals = SelfEvaluation.objects.filter(region=district, year=2021)
    selfevals_rescore(actor=None, region=district, year=2021)
    one_stale = selfevals.order_by("id").first()
    SelfEvalIndicator.objects.filter(selfeval=one_stale, position=0).update(
        score_explanation="旧的计算过程"
    )
    rulebook_save(
        region_code="360102", year=2021, values={"scoring": {"grades": SIBLING_GRADES}}, actor=None
    )
    with CaptureQueriesContext(connection) as queries:
        selfevals_rescore(actor=None, region=district, year=2021)
    assert rows_written(queries, SelfEvaluation) == selfevals.count() > 0
    assert rows_written(queries, SelfEvalIndicator) == 1  # the stale line alone
    batched = stored(selfevals)
    for selfeval in selfevals.select_related("project", "unit", "region", "target"):
        rescore(selfeval)
    assert batched == stored(selfevals)
    assert "旧的计算过程" not in {line["score_explanation"] for line in batched["lines"].values()}
