"""Benchmark of the unit assessment (部门预算绩效管理工作考核): `assessments_compute` for a
province-year against a bare baseline in the same run.

    .venv/bin/python bench/unit_assessment.py [--scale small|province] [--json] [--keep]
    ./dev bench --json --scale small          (runs every bench script with the same options)

Scale: `province` (the default) is 100 generated districts of 70 units each (7,000 units, about
6,000 of them first-level); `small` is 10 districts. `--regions N` overrides it. Uses a fresh
SQLite file in a temporary folder unless DATABASE_URL is set; then it replaces the synthetic
province 990000 in that database. Options it does not know are ignored (`./dev bench` passes
every bench the same ones). Progress goes to stderr.

1. Setup (reported, not a figure): `jixiao migrate`, `jixiao generate --regions N --years 2
   --projects 200 --indicators 1` (the projects of 2021 and 2022, a target each), then the work
   year's records with bulk_create by `bench/reports.py`'s `Builder` (deadlines, submission dates
   and lint findings on the targets, a monitoring round with reports and alerts, the 2021
   self-evaluations with scores and reviewed grades, the whole-unit evaluations): the same
   records the statistics bench counts.
2. The assessment: `assessment_service.assessments_compute(region=province, year=2022)` — every
   first-level unit's facts in a fixed number of aggregate queries, the pure `assess` per unit,
   the rows written with bulk_create (first run) and bulk_update (second run), ranked within
   each district. Time, queries, peak Python memory (tracemalloc, in a third run: it slows
   Python down). Baseline: hand-written SQL reading the same rows (the unit structure, the
   targets, their returns, the reports with their round's deadline, the alerts, the
   self-evaluations, the whole-unit and key evaluations, the rectifications) with
   `cursor.fetchall()`, nothing computed and nothing written.

Figures (`--json`: one object a line, {"name","value","unit","baseline","ratio","goal"}; the
goal is the most the ratio may be, or the value when there is no baseline):

- `unit_assessment` s for the province (first run, writing new rows), ratio to reading the rows
  bare: goal 30. Each record becomes a Python fact with its page address, each unit six parts
  with explanations and a JSON row written back; reading the rows is the floor.
- `unit_assessment_recompute` s (second run: the rows updated by executemany), same baseline:
  goal 30.
- `unit_assessment_queries`: goal 100 for the province, whatever the number of units in a
  district: 13 reads, two a distinct rulebook lineage (a city's districts share theirs), one
  write a 500 rows.
- `unit_assessment_peak_mb`: goal 250 MB for the province (every unit's facts are held at once,
  to rank them).

Measured on 2 shared cores under a load average of 5 to 7 (other work running), SQLite, province
(100 districts, 6,000 first-level units, 76,901 records; baseline 0.75 s): 16.4 s (ratio 22),
recompute 9.6 s (ratio 13), 82 queries, 120 MB; small (600 units): ratios 21 and 27 (the
fixed costs weigh more), 24 queries, 15 MB.
"""

from __future__ import annotations

import argparse
import contextlib
import importlib.util
import os
import shutil
import sys
import tempfile
import time
import tracemalloc
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
YEAR = 2022  # the work year: targets and monitoring of 2022, evaluations of 2021
PROVINCE = "990000"
SCALES = {"small": 10, "province": 100}


def _bench(name: str):
    """Another bench script as a module (`bench/reports.py`'s `Builder` makes the work year's
    records; `bench/key_evaluations.py` has the figure line, the environment, the query counter
    that every bench shares)."""
    spec = importlib.util.spec_from_file_location(f"bench_{name}", ROOT / "bench" / f"{name}.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


KIT = _bench("key_evaluations")
progress, say, measured = KIT.progress, KIT.say, KIT.measured


def figure(name, value, unit, baseline=None, goal=None) -> dict:
    item = KIT.figure(name, value, unit, baseline, goal)
    if not KIT.OUT["json"]:
        ratio = f", baseline {item['baseline']}, ratio {item['ratio']}" if baseline else ""
        say(f"{name}: {item['value']} {unit}{ratio} (goal {goal})")
    return item


def clear(prefix: str) -> None:
    """Remove what an earlier run left in the synthetic province: the assessments (they
    protect its units from `generate --replace`) and the statistics bench's records."""
    from django.db import connection

    from jixiao.orgs.models import Region
    from jixiao.results.models import AssessmentAdjustment, UnitAssessment

    regions = f"SELECT id FROM {Region._meta.db_table} WHERE path LIKE %s"
    assessments = f"SELECT id FROM {UnitAssessment._meta.db_table} WHERE region_id IN ({regions})"
    with connection.cursor() as cursor:
        cursor.execute(
            f"DELETE FROM {AssessmentAdjustment._meta.db_table} "
            f"WHERE assessment_id IN ({assessments})",
            [prefix + "%"],
        )
        cursor.execute(
            f"DELETE FROM {UnitAssessment._meta.db_table} WHERE region_id IN ({regions})",
            [prefix + "%"],
        )
    connection.close()


# --- the baseline -----------------------------------------------------------------------------


def baseline_statements() -> list[str]:
    """The rows the assessment reads, as plain SELECTs (one a kind of record)."""
    from django.contrib.contenttypes.models import ContentType

    from jixiao.core.models import TransitionLog
    from jixiao.evaluations.key.models import KeyEvaluation
    from jixiao.evaluations.models import SelfEvaluation, UnitEvaluation
    from jixiao.monitoring.models import Alert, Report, Round
    from jixiao.orgs.models import Region, Unit, UnitYear
    from jixiao.results.models import Rectification
    from jixiao.targets.models import Target

    t = {m: m._meta.db_table for m in (Region, Unit, UnitYear, Target, TransitionLog, Report)}
    t |= {m: m._meta.db_table for m in (Round, Alert, SelfEvaluation, UnitEvaluation)}
    t |= {KeyEvaluation: KeyEvaluation._meta.db_table, Rectification: Rectification._meta.db_table}
    target_type = ContentType.objects.get_for_model(Target).pk
    regions = f"SELECT id FROM {t[Region]} WHERE path LIKE %(prefix)s"
    return [
        f"SELECT uy.unit_id, uy.year, uy.level, uy.parent_id, u.region_id FROM {t[UnitYear]} uy "
        f"JOIN {t[Unit]} u ON u.id = uy.unit_id WHERE u.region_id IN ({regions}) "
        f"AND uy.year IN ({YEAR}, {YEAR - 1})",
        f"SELECT id, unit_id, project_id, version, status, blocking_count, warning_count, "
        f"grades, deadline, submitted_at FROM {t[Target]} WHERE region_id IN ({regions}) "
        f"AND year = {YEAR} ORDER BY id",
        f"SELECT object_id, COUNT(id) FROM {t[TransitionLog]} WHERE content_type_id = "
        f"{target_type} AND target = 'returned' AND object_id IN (SELECT id FROM {t[Target]} "
        f"WHERE region_id IN ({regions}) AND year = {YEAR}) GROUP BY object_id",
        f"SELECT r.id, r.unit_id, r.status, r.submitted_at, rd.deadline FROM {t[Report]} r "
        f"JOIN {t[Round]} rd ON rd.id = r.round_id WHERE r.region_id IN ({regions}) "
        f"AND r.year = {YEAR} ORDER BY r.id",
        f"SELECT id, unit_id, disposed_at, due_date FROM {t[Alert]} WHERE region_id IN "
        f"({regions}) AND year = {YEAR} AND status <> 'cleared' ORDER BY id",
        f"SELECT id, unit_id, self_total, total, reviewed_total, spot_check_total, grade, "
        f"reviewed_grade FROM {t[SelfEvaluation]} WHERE region_id IN ({regions}) AND year = "
        f"{YEAR - 1} AND status IN ('submitted', 'first_passed', 'confirmed') ORDER BY id",
        f"SELECT id, unit_id, grade FROM {t[UnitEvaluation]} WHERE region_id IN ({regions}) "
        f"AND year = {YEAR - 1} AND status IN ('submitted', 'first_passed', 'confirmed')",
        f"SELECT id, unit_id, grade FROM {t[KeyEvaluation]} WHERE region_id IN ({regions}) "
        f"AND year = {YEAR} AND commissioner_id IS NULL AND status = 'archived'",
        f"SELECT id, unit_id, plan_due, planned_on, due, reported_on, closed_on FROM "
        f"{t[Rectification]} WHERE region_id IN ({regions}) AND year = {YEAR} "
        f"AND issued_on IS NOT NULL",
    ]


def baseline(prefix: str) -> tuple[float, int]:
    """Seconds to read the same rows bare, and how many rows."""
    from django.db import connection

    statements = baseline_statements()
    rows = 0
    started = time.perf_counter()
    with connection.cursor() as cursor:
        for sql in statements:
            cursor.execute(sql, {"prefix": prefix + "%"})
            rows += len(cursor.fetchall())
    return time.perf_counter() - started, rows


# --- the run ----------------------------------------------------------------------------------


def assessment(prefix: str) -> None:
    from jixiao.orgs.models import Region
    from jixiao.results.assessment_service import assessments_compute, unit_facts
    from jixiao.results.models import UnitAssessment

    province = Region.objects.get(code=PROVINCE)

    def run():
        return assessments_compute(region=province, year=YEAR)

    baseline(prefix)  # warm the database's cache, as the first compute finds it warm too
    unit_facts(region=province, year=YEAR)  # and the process's: url patterns, content types
    bare, rows = baseline(prefix)
    first, queries, units = measured(run)
    again, queries_again, _n = measured(run)
    tracemalloc.start()
    try:
        run()
        peak = tracemalloc.get_traced_memory()[1] / 1048576
    finally:
        tracemalloc.stop()
    ranked = UnitAssessment.objects.filter(region__path__startswith=prefix, year=YEAR)
    say(
        f"assessed {units:,} first-level units from {rows:,} records ({ranked.count():,} rows "
        f"stored); baseline: the same rows read bare in {bare:.2f} s"
    )
    figure("unit_assessment", first, "s", bare, 30)
    figure("unit_assessment_recompute", again, "s", bare, 30)
    figure("unit_assessment_queries", max(queries, queries_again), "queries", goal=100)
    figure("unit_assessment_peak_mb", peak, "MB", goal=250)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--scale", choices=sorted(SCALES), default="province")
    parser.add_argument("--regions", type=int, help="districts (overrides --scale)")
    parser.add_argument("--json", action="store_true", help="one JSON figure a line on stdout")
    parser.add_argument("--keep", action="store_true", help="keep the temporary folder")
    args, _unknown = parser.parse_known_args()  # `./dev bench` passes every bench's options
    KIT.OUT["json"] = args.json
    districts = args.regions or SCALES[args.scale]
    workdir = Path(tempfile.mkdtemp(prefix="jixiao-bench-assessment-"))
    env = KIT._env(workdir)
    os.environ.update(env)
    sys.path.insert(0, str(ROOT))
    progress(
        f"bench/unit_assessment.py: {districts} districts of 70 units; database "
        f"{env['DATABASE_URL'].split('@')[-1]}; {os.cpu_count()} CPUs, load average "
        f"{os.getloadavg()[0]:.1f}"
    )
    import django

    django.setup()
    prefix = f"{PROVINCE}/"
    started = time.perf_counter()
    migrate = KIT._run(["migrate", "--noinput"], env)
    reports = _bench("reports")
    clear(prefix)
    reports.clear_built(prefix)
    generate = KIT._run(
        ["generate", "--regions", str(districts), "--units", "70", "--projects", "200",
         "--indicators", "1", "--years", "2", "--last-year", str(YEAR),
         "--province", PROVINCE, "--replace", "--quiet"],
        env,
    )  # fmt: skip
    built = time.perf_counter()
    with contextlib.redirect_stdout(sys.stderr):
        reports.Builder(prefix).run()
        reports.analyze()
    say(
        f"setup ({time.perf_counter() - started:.1f} s): migrate {migrate:.1f} s; jixiao "
        f"generate --regions {districts} {generate:.1f} s; the work year's records "
        f"{time.perf_counter() - built:.1f} s"
    )
    assessment(prefix)
    progress(f"load average at the end: {os.getloadavg()[0]:.1f}")
    if not args.keep:
        shutil.rmtree(workdir, ignore_errors=True)


if __name__ == "__main__":
    main()
