"""Benchmark of the statistics stage: the figures of a work year, the
dashboard and the annual work summary at district and province scale, against one hand-written
SQL query for the same headline figures.

    .venv/bin/python bench/reports.py [--scale small|province] [--json] [--regions N]
                                      [--db sqlite|postgres] [--repeat 3] [--sqlite-file PATH]
                                      [--skip-setup] [--keep] [--figures-only]

`--scale` gives the districts (`small` 10, `province` 100, the default; `--regions` overrides).
`--json` prints the figures of issue 16 on stdout, one JSON object a line (CONTRACT.md,
Benchmarks), the readable lines going to stderr, and measures year_stats and the dashboards only
(as `--figures-only`, not the summary and the list exports):

- `year_stats`: seconds of `year_stats` for the province on its first read after a change (its
  cached figures replaced: the uncached figure), against the baseline, the one hand-written SQL
  query for the headline figures, in the same run: goal 2.
- `year_stats_cached`: the same read when nothing changed since (the figures cache), against the
  same baseline.
- `dashboard_province_ms` (goal 1000) and `dashboard_district_ms` (goal 150): the bureau's
  dashboard page, first read after a change; `dashboard_province_cached_ms` and
  `dashboard_district_cached_ms`: the page when nothing changed.

`--db sqlite` (the default unless DATABASE_URL names PostgreSQL) uses a fresh SQLite file in a
temporary folder (or `--sqlite-file`, kept; never DATABASE_URL's file); `--db postgres` uses
DATABASE_URL, which must name a PostgreSQL database the bench may fill (it migrates it and
replaces the synthetic province 990000 in it). `--skip-setup` measures the database as an
earlier run left it. The statistics stage's closing figures use `--regions 100` (on 2 cores about 6
minutes on SQLite, 10 on PostgreSQL when an earlier province is replaced). Steps and figures:

1. `jixiao generate --regions N --years 2`: N districts, each with 70 units (about 15% level 2)
   and 400 projects a year for Y−1 and Y (Y = 2022; about 60% 专项资金), a target of 15
   indicators per project — and nothing after the declaration stage.
2. What the work year also counts, built here with bulk_create (fast, not through services, and
   printed; then ANALYZE on PostgreSQL): whole-unit targets of Y, deadlines, submission dates and lint findings on Y's
   targets; one monitoring round of Y per district with a report for every 专项资金 project
   (statuses, executed amounts, some late, some missing) and alerts on a quarter of them; the
   self-evaluations of every project of Y−1 with scores and grades (some reviewed), their
   treasury payments (12 months, some December-heavy), whole-unit evaluations of Y−1 and
   policy documents.
3. For one district and for the province: `year_stats` (median of --repeat runs after one
   warm-up; queries; peak Python memory by tracemalloc; where the time goes, section by
   section), and one hand-written SQL query for the headline figures (first-level units and
   those covered, project targets declared and approved and their funds, projects and funds
   monitored, projects and funds self-evaluated, the grades, special-kind projects, whole-unit
   evaluations, alerts by code), whose figures must equal year_stats' (the bench exits non-zero
   when one differs); the ratio of the two times.
4. The dashboard page (Django's test client: the district's performance office, the province's
   performance user), the Word summary (`jixiao.reports.summary.summary_docx`), and one
   drill-down list (topic "selfevals"): its rows with `write_sheet` into an xlsx as the records
   view does, then the records page and its xlsx through the client. Pages and the summary are
   measured when they work; until then the bench says "not available yet".
"""

from __future__ import annotations

import argparse
import contextlib
import io
import json
import os
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import tracemalloc
from collections import Counter
from contextlib import contextmanager
from datetime import date, datetime, timedelta
from decimal import Decimal
from pathlib import Path

import prepared  # this folder is on sys.path when run as a script: one migrate a run

ROOT = Path(__file__).resolve().parent.parent
YEAR = 2022  # the work year Y: targets and monitoring of Y, evaluations of Y−1 done in Y
EVALUATED = YEAR - 1
PROVINCE = "990000"
PROVINCE_USER = f"gen-{PROVINCE}-budget"
CENT = Decimal("0.01")
BATCH = 5000
SLOW = 60.0  # seconds: a step slower than this once is timed once, not --repeat times
SCALES = {"small": 10, "province": 100}  # districts of 70 units and 400 projects a year
OUT = {"stream": None}  # with --json: where the JSON figures go (stdout)


def _env(url: str, workdir: Path) -> dict:
    return {
        **os.environ,
        "DATABASE_URL": url,
        "PWD": str(workdir),
        "ALLOWED_HOSTS": "testserver,localhost",
        "DJANGO_SETTINGS_MODULE": "jixiao.settings",
    }


def _revision() -> str:
    """The commit measured, and whether the working tree had changes."""

    def git(*args):
        return subprocess.run(["git", *args], cwd=ROOT, capture_output=True, text=True).stdout

    commit = git("rev-parse", "--short", "HEAD").strip() or "?"
    return commit + (" + changes" if git("status", "--porcelain", "--", "jixiao").strip() else "")


def _run(args: list[str], env: dict) -> float:
    started = time.perf_counter()
    subprocess.run(
        [sys.executable, "-m", "jixiao", *args],
        env=env,
        check=True,
        stdout=subprocess.DEVNULL,
        cwd=env["PWD"],
    )
    return time.perf_counter() - started


@contextmanager
def counted():
    """Count the queries run inside (lighter than CaptureQueriesContext for many)."""
    from django.db import connection

    box = {"n": 0}

    def wrapper(execute, sql, params, many, context):
        box["n"] += 1
        return execute(sql, params, many, context)

    with connection.execute_wrapper(wrapper):
        yield box


def measure(fn, repeat: int, *, trace: bool = True) -> dict:
    """One warm-up run, then the median of `repeat` runs (one only when the warm-up took
    longer than SLOW), the queries of the last run, and the peak traced by tracemalloc in a
    separate run (tracemalloc slows Python down)."""
    with counted() as box:
        started = time.perf_counter()
        result = fn()
        first = time.perf_counter() - started
    times, cpu, queries = [first], [None], box["n"]
    if first < SLOW:
        times, cpu = [], []
        for _ in range(repeat):
            with counted() as box:
                started, cpu_started = time.perf_counter(), time.process_time()
                result = fn()
                times.append(time.perf_counter() - started)
                cpu.append(time.process_time() - cpu_started)
            queries = box["n"]
    peak = None
    if trace and first < SLOW:
        tracemalloc.start()
        fn()
        peak = tracemalloc.get_traced_memory()[1] / 1048576
        tracemalloc.stop()
    return {
        "seconds": statistics.median(times),
        "cpu": None if cpu[0] is None else statistics.median(cpu),
        "runs": len(times),
        "queries": queries,
        "peak_mb": peak,
        "result": result,
    }


def _shown(m: dict) -> str:
    peak = f", peak {m['peak_mb']:.1f} MB" if m["peak_mb"] is not None else ""
    runs = f" (median of {m['runs']})" if m["runs"] > 1 else " (one run)"
    cpu = f", CPU {_ms(m['cpu'])}" if m.get("cpu") is not None else ""
    return f"{_ms(m['seconds'])}{runs}{cpu}, {m['queries']} queries{peak}"


def _ms(seconds: float) -> str:
    return f"{seconds * 1000:.0f} ms" if seconds < 10 else f"{seconds:.1f} s"


# --- 0. the database ----------------------------------------------------------------------------


def clear_built(prefix: str) -> None:
    """Remove what an earlier run of this bench built in the synthetic province, so that
    `generate --replace` can delete the province (it knows only its own rows). Plain SQL: the
    ORM's deletes would run the audit's signal row by row."""
    from django.db import connection

    from jixiao.budgets.models import Payment, Project
    from jixiao.evaluations.models import SelfEvalIndicator, SelfEvaluation, UnitEvaluation
    from jixiao.monitoring.models import (
        Alert,
        Report,
        ReportIndicator,
        Round,
        RoundExclusion,
        RoundProject,
    )
    from jixiao.orgs.models import Region
    from jixiao.reports.models import PolicyDocument

    regions = f"SELECT id FROM {Region._meta.db_table} WHERE path LIKE %s"
    reports = f"SELECT id FROM {Report._meta.db_table} WHERE region_id IN ({regions})"
    rounds = f"SELECT id FROM {Round._meta.db_table} WHERE region_id IN ({regions})"
    selfevals = f"SELECT id FROM {SelfEvaluation._meta.db_table} WHERE region_id IN ({regions})"
    projects = f"SELECT id FROM {Project._meta.db_table} WHERE region_id IN ({regions})"
    statements = [
        f"DELETE FROM {Alert._meta.db_table} WHERE region_id IN ({regions})",
        f"DELETE FROM {ReportIndicator._meta.db_table} WHERE report_id IN ({reports})",
        f"DELETE FROM {Report._meta.db_table} WHERE region_id IN ({regions})",
        f"DELETE FROM {RoundProject._meta.db_table} WHERE round_id IN ({rounds})",
        f"DELETE FROM {RoundExclusion._meta.db_table} WHERE round_id IN ({rounds})",
        f"DELETE FROM {Round._meta.db_table} WHERE region_id IN ({regions})",
        f"DELETE FROM {SelfEvalIndicator._meta.db_table} WHERE selfeval_id IN ({selfevals})",
        f"DELETE FROM {SelfEvaluation._meta.db_table} WHERE region_id IN ({regions})",
        f"DELETE FROM {UnitEvaluation._meta.db_table} WHERE region_id IN ({regions})",
        f"DELETE FROM {Payment._meta.db_table} WHERE project_id IN ({projects})",
        f"DELETE FROM {PolicyDocument._meta.db_table} WHERE region_id IN ({regions})",
    ]
    with connection.cursor() as cursor:
        for sql in statements:
            cursor.execute(sql, [prefix + "%"])
    connection.close()  # nothing held open while `generate` writes


# --- 1. what generate leaves out ------------------------------------------------------------------


def _pick(rng: random.Random, weighted: dict):
    return rng.choices(list(weighted), weights=list(weighted.values()))[0]


def _at(day: date, hour: int = 10) -> datetime:
    from django.utils import timezone

    return timezone.make_aware(datetime(day.year, day.month, day.day, hour))


def _chunks(items: list, size: int = BATCH):
    for start in range(0, len(items), size):
        yield items[start : start + size]


TARGET_STATUSES = {
    "approved": 60,
    "first_passed": 10,
    "submitted": 12,
    "parent_review": 3,
    "draft": 8,
    "ready": 4,
    "returned": 3,
}
REPORT_STATUSES = {
    "approved": 60,
    "first_passed": 8,
    "submitted": 14,
    "returned": 4,
    "ready": 4,
    "draft": 10,
}
SELFEVAL_STATUSES = {
    "confirmed": 62,
    "first_passed": 10,
    "submitted": 14,
    "ready": 4,
    "draft": 6,
    "returned": 4,
}
UNIT_EVAL_STATUSES = {"confirmed": 75, "first_passed": 8, "submitted": 7, "draft": 10}
ALERT_CODES = {"M01": 40, "M02": 22, "M03": 4, "M04": 10, "M05": 3, "M06": 6, "M07": 15}
ALERT_STATUSES = {"disposed": 55, "open": 22, "suspended": 5, "cleared": 18}
DISPOSALS = {"continue": 70, "adjust": 25, "cancel": 5}
# (message, blocking) per lint code, in the shapes the lint stores (jixiao.targets.lint)
FINDINGS = [
    [("T04", False)],
    [("T08", True)],
    [("T05", True), ("T18", False)],
    [("T10", False)],
    [("T02", True), ("T06", True)],
    [("T12", True)],
    [("T18", False)],
    [("T09", True)],
]


def _grade(total: Decimal) -> str:
    return "优" if total >= 90 else "良" if total >= 80 else "中" if total >= 60 else "差"


def _score(rng: random.Random) -> Decimal:
    band = _pick(rng, {"优": 74, "良": 18, "中": 5, "差": 3})
    low, high = {"优": (90, 99.5), "良": (80, 89.9), "中": (60, 79.9), "差": (40, 59.9)}[band]
    return Decimal(str(round(rng.uniform(low, high), 2)))


class Builder:
    """Bulk rows for the parts of a work year that `generate` leaves out."""

    def __init__(self, prefix: str):
        self.prefix = prefix
        self.rng = random.Random(6)
        self.built: Counter = Counter()

    def run(self) -> None:
        from django.db import transaction

        from jixiao.orgs.models import Region

        started = time.perf_counter()
        province = Region.objects.get(code=PROVINCE)
        districts = list(
            Region.objects.filter(path__startswith=self.prefix, level="district").order_by("code")
        )
        for district in districts:
            with transaction.atomic():
                self.district(district)
        with transaction.atomic():
            self.policies(province, province=True)
            self.target_dates_and_findings()
        elapsed = time.perf_counter() - started
        b = self.built
        print(
            f"built with bulk_create in {elapsed:.1f} s (not through services): "
            f"{b['unit_targets']:,} whole-unit targets of {YEAR}; deadlines and submission "
            f"dates on {b['dated']:,} targets of {YEAR} ({b['late_targets']:,} late), lint "
            f"findings on {b['findings']:,}; {b['rounds']} monitoring rounds of {YEAR} "
            f"(1–7月, deadline {YEAR}-08-15) with {b['reports']:,} reports for every 专项资金 "
            f"project ({b['reports_counted']:,} submitted or beyond, {b['reports_late']:,} of "
            f"them late), {b['alerts']:,} alerts ({b['alerts_cleared']:,} cleared); "
            f"{b['selfevals']:,} self-evaluations of {EVALUATED} ({b['selfevals_counted']:,} "
            f"submitted or beyond, {b['reviewed']:,} with a reviewed grade; no indicator "
            f"rows: the statistics do not read them), {b['payments']:,} payments of "
            f"{EVALUATED} ({b['rush']:,} projects December-heavy); {b['unit_evals']:,} "
            f"whole-unit evaluations of {EVALUATED}; {b['policies']:,} policy documents "
            f"({b['policies_out']:,} repealed or issued after {YEAR})"
        )

    def district(self, district) -> None:
        from jixiao.budgets.models import SPECIAL_FUND, Project
        from jixiao.evaluations.models import SelfEvaluation, UnitEvaluation
        from jixiao.monitoring.models import Report, Round, RoundProject
        from jixiao.orgs.models import UnitYear
        from jixiao.targets.models import Target

        rng = self.rng
        structure = list(
            UnitYear.objects.filter(unit__region=district, year__in=(EVALUATED, YEAR)).values_list(
                "unit_id", "year", "level"
            )
        )
        first_level = {
            y: [u for u, year, level in structure if year == y and level == 1]
            for y in (EVALUATED, YEAR)
        }
        # whole-unit targets (部门整体支出绩效目标) of Y for most first-level units
        unit_targets = [
            Target(
                region=district,
                year=YEAR,
                unit_id=u,
                status=_pick(rng, TARGET_STATUSES),
                goal="完成部门年度工作任务。",
            )
            for u in first_level[YEAR]
            if rng.random() < 0.85
        ]
        Target.objects.bulk_create(unit_targets, batch_size=BATCH)
        self.built["unit_targets"] += len(unit_targets)
        # one monitoring round of Y: every 专项资金 project, reported by early August
        round_ = Round.objects.create(
            region=district,
            year=YEAR,
            code=f"{YEAR}-07",
            name="1–7月绩效运行监控",
            period_end=date(YEAR, 7, 31),
            deadline=date(YEAR, 8, 15),
            status=Round.Status.CLOSED,
        )
        self.built["rounds"] += 1
        targets = dict(
            Target.objects.filter(region=district, project__isnull=False).values_list(
                "project_id", "id"
            )
        )
        special = list(
            Project.objects.filter(region=district, year=YEAR, kinds__code=SPECIAL_FUND).distinct()
        )
        RoundProject.objects.bulk_create(
            [RoundProject(round=round_, project=p) for p in special], batch_size=BATCH
        )
        reports = []
        for p in special:
            status = _pick(rng, REPORT_STATUSES)
            counted = status in ("submitted", "first_passed", "approved")
            late = counted and rng.random() < 0.15
            day = date(YEAR, 8, rng.randint(16, 31)) if late else date(YEAR, 8, rng.randint(1, 15))
            reports.append(
                Report(
                    round=round_,
                    project=p,
                    target_id=targets.get(p.id),
                    region=district,
                    unit_id=p.unit_id,
                    year=YEAR,
                    status=status,
                    executed=(
                        p.full_total * Decimal(str(round(rng.uniform(0.2, 0.8), 2)))
                    ).quantize(CENT)
                    if status != "draft"
                    else None,
                    submitted_at=_at(day) if counted else None,
                )
            )
            self.built["reports_counted"] += counted
            self.built["reports_late"] += late
        reports = Report.objects.bulk_create(reports, batch_size=BATCH)
        self.built["reports"] += len(reports)
        self.alerts(district, round_, [r for r in reports if r.executed is not None])
        # self-evaluations of Y−1 (done in Y), their payments, whole-unit evaluations
        projects = list(Project.objects.filter(region=district, year=EVALUATED))
        selfevals = []
        for p in projects:
            status = _pick(rng, SELFEVAL_STATUSES)
            total = _score(rng)
            reviewed = rng.random() < 0.08
            reviewed_total = (total - Decimal(rng.randint(3, 12))) if reviewed else None
            selfevals.append(
                SelfEvaluation(
                    region=district,
                    year=EVALUATED,
                    unit_id=p.unit_id,
                    project=p,
                    target_id=targets.get(p.id),
                    status=status,
                    executed_current=(
                        p.full_current * Decimal(str(round(rng.uniform(0.75, 1), 4)))
                    ).quantize(CENT),
                    executed_carryover=p.full_carryover,
                    goal_achieved="基本完成年度目标。",
                    self_total=min(total + Decimal(rng.randint(0, 5)), Decimal(100)),
                    total=total,
                    grade=_grade(total),
                    complete=True,
                    reviewed_total=reviewed_total,
                    reviewed_grade=_grade(reviewed_total) if reviewed else "",
                    submitted_at=_at(date(YEAR, rng.randint(3, 5), rng.randint(1, 28)))
                    if status not in ("draft", "ready")
                    else None,
                )
            )
            self.built["selfevals_counted"] += status in ("submitted", "first_passed", "confirmed")
            self.built["reviewed"] += reviewed
        SelfEvaluation.objects.bulk_create(selfevals, batch_size=BATCH)
        self.built["selfevals"] += len(selfevals)
        self.payments(projects)
        unit_evals = []
        for u in first_level[EVALUATED]:
            if rng.random() < 0.9:
                total = _score(rng)
                unit_evals.append(
                    UnitEvaluation(
                        region=district,
                        year=EVALUATED,
                        unit_id=u,
                        status=_pick(rng, UNIT_EVAL_STATUSES),
                        total=total,
                        grade=_grade(total),
                    )
                )
        UnitEvaluation.objects.bulk_create(unit_evals, batch_size=BATCH)
        self.built["unit_evals"] += len(unit_evals)
        self.policies(district)

    def alerts(self, district, round_, reports) -> None:
        from jixiao.monitoring.models import Alert

        rng = self.rng
        rows = []
        for report in reports:
            if rng.random() >= 0.25:
                continue
            for code in {_pick(rng, ALERT_CODES) for _ in range(rng.choice((1, 1, 1, 2)))}:
                status = _pick(rng, ALERT_STATUSES)
                disposed = status in ("disposed", "cleared")
                rows.append(
                    Alert(
                        region=district,
                        year=YEAR,
                        unit_id=report.unit_id,
                        project_id=report.project_id,
                        round=round_,
                        report=report,
                        code=code,
                        level="red" if rng.random() < 0.45 else "yellow",
                        message="执行进度低于时间进度。" if code in ("M01", "M02") else "预警。",
                        due_date=date(YEAR, 8, 31),
                        status=status,
                        disposal=_pick(rng, DISPOSALS) if disposed else "",
                        disposal_reason="已制定整改措施，加快执行。" if disposed else "",
                    )
                )
                self.built["alerts_cleared"] += status == "cleared"
        Alert.objects.bulk_create(rows, batch_size=BATCH)
        self.built["alerts"] += len(rows)

    def payments(self, projects) -> None:
        """Twelve monthly payments of each project of Y−1; about 10% December-heavy."""
        from jixiao.budgets.models import Payment
        from jixiao.budgets.services import refresh_payment_totals

        rng = self.rng
        rows = []
        for p in projects:
            paid = p.full_total * Decimal(str(round(rng.uniform(0.7, 1.0), 3)))
            weights = [rng.uniform(0.5, 1.5) for _ in range(12)]
            if rng.random() < 0.1:
                weights[11] = sum(weights[:11]) * rng.uniform(0.6, 1.2)
                self.built["rush"] += 1
            scale = sum(weights)
            rows += [
                Payment(project=p, month=m, amount=(paid * Decimal(w / scale)).quantize(CENT))
                for m, w in enumerate(weights, start=1)
            ]
        Payment.objects.bulk_create(rows, batch_size=BATCH)
        refresh_payment_totals(p.pk for p in projects)  # as every writer of payments does
        self.built["payments"] += len(rows)

    def policies(self, region, province: bool = False) -> None:
        from jixiao.reports.models import PolicyDocument

        short = "省财绩" if province else f"{region.name[:2]}财绩"
        issuer = f"{region.name}财政{'厅' if province else '局'}"
        titles = [
            "预算绩效管理暂行办法",
            "项目支出绩效目标管理办法",
            "绩效运行监控管理办法",
            "项目支出绩效自评工作规程",
            "绩效评价结果应用办法",
            "第三方机构参与绩效管理办法",
        ]
        rows = []
        # the second is repealed in 2021; the last is issued after Y (not in force at its end)
        issued_on = [
            date(2019, 3, 11),
            date(2019, 6, 12),
            date(2020, 4, 13),
            date(2021, 2, 14),
            date(2022, 5, 15),
            date(YEAR + 1, 3, 1),
        ]
        for i, (title, issued) in enumerate(zip(titles, issued_on, strict=True), start=1):
            repealed = date(2021, 6, 30) if i == 2 else None
            rows.append(
                PolicyDocument(
                    region=region,
                    number=f"{short}〔{issued.year}〕{i}号",
                    title=f"{region.name}{title}",
                    issued_on=issued,
                    issuer=issuer,
                    repealed_on=repealed,
                )
            )
            self.built["policies_out"] += repealed is not None or issued.year > YEAR
        PolicyDocument.objects.bulk_create(rows)
        self.built["policies"] += len(rows)

    def target_dates_and_findings(self) -> None:
        """Deadlines, submission dates (about 12% after the deadline) and stored lint findings
        on Y's targets, a few UPDATEs per group of targets."""
        from jixiao.targets.models import COUNTED, Target

        rng = self.rng
        deadline = date(YEAR - 1, 11, 30)
        rows = list(
            Target.objects.filter(region__path__startswith=self.prefix, year=YEAR).values_list(
                "id", "status"
            )
        )
        groups: dict[tuple, list[int]] = {}
        for pk, status in rows:
            late = status in COUNTED and rng.random() < 0.12
            day = (
                None
                if status not in COUNTED
                else deadline + timedelta(days=rng.randint(1, 20))
                if late
                else deadline - timedelta(days=rng.randint(0, 25) // 5 * 5)
            )
            finding = rng.randrange(len(FINDINGS)) if rng.random() < 0.35 else None
            groups.setdefault((day, finding), []).append(pk)
            self.built["late_targets"] += late
            self.built["findings"] += finding is not None
        for (day, finding), ids in groups.items():
            found = FINDINGS[finding] if finding is not None else []
            data = [
                {
                    "code": code,
                    "blocking": blocking,
                    "indicator": None,
                    "message": code,
                    "explanation": "",
                }
                for code, blocking in found
            ]
            for chunk in _chunks(ids):
                Target.objects.filter(id__in=chunk).update(
                    deadline=deadline,
                    submitted_at=_at(day) if day else None,
                    findings=data,
                    finding_codes=Target.codes_of(data),
                    blocking_count=sum(b for _c, b in found),
                    warning_count=sum(not b for _c, b in found),
                )
        self.built["dated"] += len(rows)


def analyze() -> None:
    """PostgreSQL: refresh the planner's statistics after the bulk load, as autovacuum would
    within minutes in use (measured right after, the district's queries were planned on stale
    statistics: 4.2 s instead of 80 ms). SQLite is left as deployments leave it (no ANALYZE)."""
    from django.db import connection

    if connection.vendor != "postgresql":
        return
    started = time.perf_counter()
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    print(f"PostgreSQL ANALYZE after the load: {time.perf_counter() - started:.1f} s")


def performance_user(district):
    """The district's performance office (绩效办), for its dashboard."""
    from django.utils import timezone

    from jixiao.orgs.models import Office, Role, User

    user, _created = User.objects.get_or_create(
        username=f"gen-{district.code}-jx",
        defaults={
            "full_name": f"{district.name}绩效办",
            "region": district,
            "roles": [Role.PERFORMANCE],
            "office": Office.objects.filter(region=district, kind="performance").first(),
            "password_changed_at": timezone.now(),
        },
    )
    return user


# --- 2. year_stats and the hand-written baseline ------------------------------------------------


def baseline_sql() -> str:
    """The headline figures in one statement (CTEs and one-row aggregates cross-joined), plain
    enough for SQLite and PostgreSQL alike. It follows DOMAIN.md §9, not stats.py."""
    from jixiao.budgets.models import Project, ProjectKind
    from jixiao.evaluations.models import SelfEvaluation, UnitEvaluation
    from jixiao.monitoring.models import Alert, Report
    from jixiao.orgs.models import Region, Unit, UnitYear
    from jixiao.targets.models import Target

    t = {
        name: model._meta.db_table
        for name, model in [
            ("region", Region),
            ("unit", Unit),
            ("unityear", UnitYear),
            ("target", Target),
            ("report", Report),
            ("alert", Alert),
            ("selfeval", SelfEvaluation),
            ("uniteval", UnitEvaluation),
            ("project", Project),
            ("kind", ProjectKind),
            ("project_kinds", Project.kinds.through),
        ]
    }
    full = "COALESCE(p.full_current, 0) + COALESCE(p.full_carryover, 0) + COALESCE(p.full_other, 0)"
    in_region = "region_id IN (SELECT id FROM regs)"
    alerts = ", ".join(
        f"SUM(CASE WHEN code = '{c}' THEN 1 ELSE 0 END) AS a_{c}" for c in ALERT_CODES
    )
    grades = ", ".join(
        f"SUM(CASE WHEN COALESCE(NULLIF(s.reviewed_grade, ''), s.grade) = '{g}' THEN 1 ELSE 0 "
        f"END) AS g{i}"
        for i, g in enumerate(("优", "良", "中", "差"))
    )
    return f"""
WITH regs AS (SELECT id FROM {t["region"]} WHERE path LIKE %(prefix)s),
structure AS (
  SELECT uy.unit_id, uy.year, uy.level, uy.parent_id FROM {t["unityear"]} uy
  WHERE uy.year IN (%(y)s, %(y1)s)
    AND uy.unit_id IN (SELECT id FROM {t["unit"]} WHERE {in_region})),
roots AS (
  SELECT s.unit_id, CASE WHEN s.level = 1 THEN s.unit_id ELSE s.parent_id END AS root
  FROM structure s LEFT JOIN structure now ON now.unit_id = s.unit_id AND now.year = %(y)s
  WHERE s.year = %(y)s OR now.unit_id IS NULL),
active AS (
  SELECT unit_id FROM {t["target"]}
   WHERE {in_region} AND year = %(y)s AND status IN %(targets_counted)s
  UNION SELECT unit_id FROM {t["report"]}
   WHERE {in_region} AND year = %(y)s AND status IN %(reports_counted)s
  UNION SELECT unit_id FROM {t["selfeval"]}
   WHERE {in_region} AND year = %(y1)s AND status IN %(evals_counted)s
  UNION SELECT unit_id FROM {t["uniteval"]}
   WHERE {in_region} AND year = %(y1)s AND status IN %(evals_counted)s),
covered AS (SELECT DISTINCT r.root FROM roots r JOIN active a ON a.unit_id = r.unit_id),
u AS (
  SELECT COUNT(*) AS first_level,
         SUM(CASE WHEN uy.unit_id IN (SELECT root FROM covered) THEN 1 ELSE 0 END) AS covered
  FROM structure uy WHERE uy.year = %(y)s AND uy.level = 1),
tg AS (
  SELECT COUNT(DISTINCT project_id) AS declared,
         COUNT(DISTINCT CASE WHEN status IN ('approved', 'superseded') THEN project_id END)
           AS approved
  FROM {t["target"]} WHERE {in_region} AND year = %(y)s AND status IN %(targets_counted)s
    AND project_id IS NOT NULL),
fa AS (
  SELECT SUM({full}) AS funds FROM {t["project"]} p WHERE p.id IN (
    SELECT project_id FROM {t["target"]} WHERE {in_region} AND year = %(y)s
      AND status IN ('approved', 'superseded') AND project_id IS NOT NULL)),
mon AS (
  SELECT COUNT(*) AS projects, SUM({full}) AS funds FROM {t["project"]} p
  WHERE p.id IN (SELECT project_id FROM {t["report"]} WHERE {in_region} AND year = %(y)s)),
se AS (
  SELECT COUNT(*) AS projects, SUM({full}) AS funds, {grades}
  FROM {t["selfeval"]} s JOIN {t["project"]} p ON p.id = s.project_id
  WHERE s.{in_region} AND s.year = %(y1)s AND s.status IN %(evals_counted)s),
sk AS (
  SELECT COUNT(*) AS projects FROM {t["selfeval"]} s
  WHERE s.{in_region} AND s.year = %(y1)s AND s.status IN %(evals_counted)s
    AND EXISTS (SELECT 1 FROM {t["project_kinds"]} pk JOIN {t["kind"]} k ON k.id = pk.projectkind_id
                WHERE pk.project_id = s.project_id AND k.code IN %(special_kinds)s)),
ue AS (
  SELECT COUNT(*) AS n FROM {t["uniteval"]}
  WHERE {in_region} AND year = %(y1)s AND status IN %(evals_counted)s),
al AS (
  SELECT {alerts} FROM {t["alert"]}
  WHERE {in_region} AND year = %(y)s AND status <> 'cleared')
SELECT u.first_level, u.covered, tg.declared, tg.approved, fa.funds, mon.projects, mon.funds,
       se.projects, se.funds, se.g0, se.g1, se.g2, se.g3, sk.projects, ue.n,
       {", ".join(f"al.a_{c}" for c in ALERT_CODES)}
FROM u, tg, fa, mon, se, sk, ue, al"""


FIGURES = [
    "first_level",
    "covered",
    "projects_declared",
    "projects_approved",
    "funds_approved",
    "monitored_projects",
    "monitored_funds",
    "selfeval_projects",
    "selfeval_funds",
    "grade_优",
    "grade_良",
    "grade_中",
    "grade_差",
    "special_kind_projects",
    "unit_evaluations",
    *(f"alerts_{c}" for c in ALERT_CODES),
]
MONEY_FIGURES = {"funds_approved", "monitored_funds", "selfeval_funds"}


def baseline(region) -> dict:
    """Run the one query; money as 万元 with two decimals (SQLite sums REALs: through str).
    The special kinds are the rulebook's (section "summary"), as the figures take them."""
    from django.db import connection

    from jixiao.core.rulebook import rules_for
    from jixiao.evaluations.models import COUNTED as EVALS
    from jixiao.monitoring.models import COUNTED as REPORTS
    from jixiao.targets.models import COUNTED as TARGETS

    kinds = rules_for(region.lineage_codes, YEAR).get("summary.special_kinds")
    params = {
        "prefix": region.path + "%",
        "y": YEAR,
        "y1": EVALUATED,
        "targets_counted": tuple(str(s) for s in TARGETS),
        "reports_counted": tuple(str(s) for s in REPORTS),
        "evals_counted": tuple(str(s) for s in EVALS),
        "special_kinds": tuple(kinds),
    }
    sql = baseline_sql()
    # `IN %(x)s` with a tuple is psycopg's; spell the lists out for both backends
    for key in ("targets_counted", "reports_counted", "evals_counted", "special_kinds"):
        values = params.pop(key)
        names = [f"{key}_{i}" for i in range(len(values))]
        sql = sql.replace(f"%({key})s", "(" + ", ".join(f"%({n})s" for n in names) + ")")
        params.update(zip(names, values, strict=True))
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        row = cursor.fetchone()
    out = {}
    for name, value in zip(FIGURES, row, strict=True):
        if name in MONEY_FIGURES:
            out[name] = Decimal(str(value or 0)).quantize(CENT)
        else:
            out[name] = int(value or 0)
    return out


def stats_figures(d: dict) -> dict:
    """The same headline figures, read from year_stats' result."""
    out = {
        "first_level": d["units"]["first_level"],
        "covered": d["units"]["covered"],
        "projects_declared": d["targets"]["projects_declared"],
        "projects_approved": d["targets"]["projects_approved"],
        "funds_approved": d["targets"]["funds_approved"],
        "monitored_projects": d["monitoring"]["projects"],
        "monitored_funds": d["monitoring"]["funds"],
        "selfeval_projects": d["selfeval"]["projects"],
        "selfeval_funds": d["selfeval"]["funds"],
        **{f"grade_{g}": n for g, n in d["selfeval"]["grades"].items()},
        "special_kind_projects": d["selfeval"]["special_kinds"]["count"],
        "unit_evaluations": d["unit_evaluations"],
        **{f"alerts_{c}": d["monitoring"]["alerts"].get(c, 0) for c in ALERT_CODES},
    }
    return {k: out[k] for k in FIGURES}


def _helpers(stats) -> list[str]:
    """The module functions that compute_year_stats calls with the work year, read from its source
    (so a helper added to stats.py is timed without editing the bench)."""
    import inspect
    import re

    source = inspect.getsource(stats.compute_year_stats)
    inner = getattr(stats, "_compute_year_stats", None)  # the body, around which it sends ahead
    if inner is not None:
        source += inspect.getsource(inner)
    names = dict.fromkeys(re.findall(r"\b([a-z_][a-z0-9_]*)\(work\b", source))
    names.pop("_compute_year_stats", None)
    return [n for n in names if inspect.isfunction(getattr(stats, n, None))]


def sections(call) -> list[tuple[str, float, int]]:
    """Time and queries of each helper of stats.year_stats, by wrapping the module's functions
    for one run (stats.py unchanged). A helper called from another is counted in the outer
    one only; what is left is year_stats' own work (policy documents, assembly)."""
    from jixiao.reports import stats

    found: dict[str, list] = {}
    originals = {name: getattr(stats, name) for name in _helpers(stats)}
    depth = [0]

    def wrap(name, fn):
        def timed(*args, **kwargs):
            depth[0] += 1
            with counted() as box:
                started = time.perf_counter()
                try:
                    return fn(*args, **kwargs)
                finally:
                    depth[0] -= 1
                    if not depth[0]:
                        entry = found.setdefault(name, [0.0, 0])
                        entry[0] += time.perf_counter() - started
                        entry[1] += box["n"]

        return timed

    for name, fn in originals.items():
        setattr(stats, name, wrap(name, fn))
    try:
        with counted() as box:
            started = time.perf_counter()
            call()
            total = time.perf_counter() - started
    finally:
        for name, fn in originals.items():
            setattr(stats, name, fn)
    rows = [(name.lstrip("_"), s, q) for name, (s, q) in found.items()]
    rest = total - sum(s for _n, s, _q in rows)
    rows.append(("rest (policy documents, assembly)", rest, box["n"] - sum(q for *_x, q in rows)))
    return sorted(rows, key=lambda r: -r[1])


def changed(region) -> None:
    """A change noticed in the region's work year (what a write does): its figures are
    recomputed on the next read. Outside a transaction the new version is written at once."""
    from jixiao.core.figures_cache import changed as notice

    notice({(region.pk, YEAR)})


def measure_fresh(fn, region, repeat: int) -> dict:
    """Like `measure`, but each run is the first read after a change in the region (the new
    version is written before the clock starts): the uncached figures."""

    def run():
        changed(region)
        started, cpu_started = time.perf_counter(), time.process_time()
        result = fn()
        seconds, cpu = time.perf_counter() - started, time.process_time() - cpu_started
        return seconds, result, cpu

    run()  # warm-up
    # Timed without counting: a query watched (an execute wrapper) runs through Django's
    # cursor, where the figures run theirs on the driver's own on SQLite (core.statements).
    runs = [run() for _ in range(repeat)]
    changed(region)
    with counted() as box:
        fn()
    changed(region)
    tracemalloc.start()
    fn()
    peak = tracemalloc.get_traced_memory()[1] / 1048576
    tracemalloc.stop()
    return {
        "seconds": statistics.median(r[0] for r in runs),
        "cpu": statistics.median(r[2] for r in runs),
        "runs": len(runs),
        "queries": box["n"],
        "peak_mb": peak,
        "result": runs[-1][1],
    }


def stats_vs_baseline(label: str, region, repeat: int) -> tuple[list[str], dict]:
    from django.utils import timezone

    from jixiao.core.scope import RegionReader
    from jixiao.reports.stats import compute_year_stats, year_stats

    reader = RegionReader(region.path)

    def call():
        return year_stats(user=reader, region=region, year=YEAR)

    m = measure_fresh(call, region, repeat)
    cached = measure(call, repeat, trace=False)
    b = measure(lambda: baseline(region), repeat, trace=False)
    ours, theirs = stats_figures(m["result"]), b["result"]
    print(f"year_stats, {label}, first read after a change: {_shown(m)}")
    print(f"year_stats, {label}, cached (no change since): {_shown(cached)}")
    print(
        f"  one hand-written SQL query, same headline figures: {_ms(b['seconds'])} (CPU "
        f"{_ms(b['cpu'])}); ratio year_stats / SQL {m['seconds'] / b['seconds']:.1f}x, CPU "
        f"{m['cpu'] / b['cpu']:.1f}x (this process's: on PostgreSQL the server's is not counted; "
        f"cached {cached['seconds'] / b['seconds']:.2f}x); load average {os.getloadavg()[0]:.1f}"
    )
    differ = [k for k in FIGURES if ours[k] != theirs[k]]
    shown = ", ".join(f"{k} {ours[k]}" for k in FIGURES if k not in differ)
    print(f"  figures that agree ({len(FIGURES) - len(differ)} of {len(FIGURES)}): {shown}")
    for k in differ:
        print(f"  !! DIFFERS {k}: year_stats {ours[k]}, SQL {theirs[k]}")
    d = m["result"]
    print(
        f"  also in year_stats: special-kind projects counted "
        f"{d['selfeval']['special_kinds']['count']:,}, policy documents "
        f"{len(d['policy_documents'])}, child regions {len(d['regions'])}, lint targets "
        f"{d['problems']['lint_targets']:,}, year-end rush projects "
        f"{d['problems']['year_end_rush']['projects']:,}, overdue alerts "
        f"{d['monitoring']['overdue_alerts']:,}"
    )

    def compute():
        return compute_year_stats(user=reader, region=region, year=YEAR, today=timezone.localdate())

    print(
        "  where the time goes (one run, uncached): "
        + "; ".join(f"{name} {_ms(s)}/{q}q" for name, s, q in sections(compute))
    )
    times = {"fresh": m["seconds"], "cached": cached["seconds"], "baseline": b["seconds"]}
    return [f"{k} ({label})" for k in differ], times


# --- 3. pages, summary, export --------------------------------------------------------------------


def page(
    label: str, username: str, region, url: str, repeat: int, *, fresh: bool = False
) -> float | None:
    """A page through Django's test client, signed in as `username` working in `region` and
    YEAR; "not available yet" while its view does not answer 200. `fresh`: each run is the
    first read after a change in the region (its cached figures recomputed). Its seconds."""
    from django.test import Client

    from jixiao.orgs.models import User

    client = Client(raise_request_exception=False)
    client.force_login(User.objects.get(username=username))
    client.post("/work-context/", {"region": region.id, "year": str(YEAR)})
    try:
        response = client.get(url)
    except Exception as exc:  # noqa: BLE001 - the view is being written: report, go on
        print(f"{url}, {label}: not available yet ({type(exc).__name__}: {exc})")
        return None
    if response.status_code != 200:
        print(f"{url}, {label}: not available yet (HTTP {response.status_code})")
        return None

    def get():
        r = client.get(url)
        assert r.status_code == 200, r.status_code
        return r

    m = measure_fresh(get, region, repeat) if fresh else measure(get, repeat)
    response = m["result"]
    kind = response.get("Content-Type", "").split(";")[0].split("/")[-1]
    kind = "xlsx" if "spreadsheet" in kind else kind.upper()
    how = "first read after a change" if fresh else "cached figures" if "dashboard" in url else ""
    print(
        f"page {url}, {label} ({username}){', ' + how if how else ''}: {_shown(m)}; "
        f"{_size(len(response.content))} of {kind}"
    )
    return m["seconds"]


def _size(n: int) -> str:
    return f"{n / 1024:.0f} KB" if n < 1048576 else f"{n / 1048576:.1f} MB"


def summary(label: str, region, repeat: int) -> None:
    try:
        from jixiao.reports.summary import summary_docx
    except ImportError as exc:
        print(f"summary, {label}: not available yet ({exc})")
        return
    from jixiao.core.scope import RegionReader

    reader = RegionReader(region.path)

    def call():
        return summary_docx(user=reader, region=region, year=YEAR)

    try:
        m = measure(call, repeat)
    except Exception as exc:  # noqa: BLE001 - being written: report, go on
        print(f"summary, {label}: not available yet ({type(exc).__name__}: {exc})")
        return
    data = m["result"]
    if hasattr(data, "save"):  # a python-docx Document rather than bytes
        buffer = io.BytesIO()
        data.save(buffer)
        data = buffer.getvalue()
    size = _size(len(data)) if isinstance(data, bytes | bytearray) else "?"
    print(f"summary_docx, {label}: {_shown(m)}; docx {size}")


def export(label: str, region, slug: str, repeat: int) -> None:
    """A drill-down list as xlsx, as the records view exports it: the topic's rows, then
    write_sheet and the workbook saved."""
    import openpyxl

    from jixiao.core.scope import RegionReader
    from jixiao.core.tabular import write_sheet
    from jixiao.reports.records import TOPICS
    from jixiao.reports.selectors import WorkYear

    topic = TOPICS[slug]
    work = WorkYear(user=RegionReader(region.path), region=region, year=YEAR)

    def rows():
        return [record.cells for record in topic.rows(work, "")]

    def xlsx():
        book = openpyxl.Workbook()
        write_sheet(
            book.active,
            [str(h) for h in topic.headers],
            rows(),
            title=str(topic.label),
            money_columns=topic.money_columns,
        )
        buffer = io.BytesIO()
        book.save(buffer)
        return buffer.getvalue()

    r = measure(rows, repeat, trace=False)
    x = measure(xlsx, repeat)
    print(
        f"records “{slug}” ({topic.label}) as xlsx, {label}: {len(r['result']):,} rows; "
        f"rows alone {_shown(r)}; rows + write_sheet + save {_shown(x)}; "
        f"{_size(len(x['result']))}"
    )


def figure(name: str, value, unit: str, baseline=None, goal=None) -> None:
    """One figure in the bench format of CONTRACT.md, on stdout with --json only."""
    if OUT["stream"] is None or value is None:
        return
    item = {
        "name": name,
        "value": round(value, 4),
        "unit": unit,
        "baseline": None if baseline is None else round(baseline, 4),
        "ratio": round(value / baseline, 2) if baseline else None,
        "goal": goal,
    }
    print(json.dumps(item, ensure_ascii=False), file=OUT["stream"], flush=True)


def figures(province: dict, dashboard: dict, district: str) -> None:
    """The figures of issue 16: year_stats of the province against the hand-written SQL (the
    first read after a change, and cached), and the dashboard's times."""
    figure("year_stats", province["fresh"], "s", province["baseline"], goal=2)
    figure("year_stats_cached", province["cached"], "s", province["baseline"])

    def ms(key):
        seconds = dashboard.get(key)
        return None if seconds is None else seconds * 1000

    figure("dashboard_province_ms", ms((PROVINCE, True)), "ms", goal=1000)
    figure("dashboard_district_ms", ms((district, True)), "ms", goal=150)
    figure("dashboard_province_cached_ms", ms((PROVINCE, False)), "ms")
    figure("dashboard_district_cached_ms", ms((district, False)), "ms")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--scale", choices=sorted(SCALES), default="province")
    parser.add_argument("--regions", type=int, help="districts (overrides --scale)")
    parser.add_argument("--json", action="store_true", help="one JSON figure a line on stdout")
    parser.add_argument(
        "--db",
        choices=["sqlite", "postgres"],
        default="postgres"
        if os.environ.get("DATABASE_URL", "").startswith("postgres")
        else "sqlite",
    )
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument(
        "--sqlite-file",
        type=Path,
        help="with --db sqlite: this file instead of a temporary one (kept)",
    )
    parser.add_argument(
        "--skip-setup",
        action="store_true",
        help="measure the database as it stands (built by an earlier run)",
    )
    parser.add_argument("--keep", action="store_true", help="keep the temporary folder")
    parser.add_argument(
        "--figures-only",
        action="store_true",
        help="year_stats and the dashboards only (not the summary and the list exports)",
    )
    args, _unknown = parser.parse_known_args()  # `./dev bench` passes every bench's options
    args.regions = args.regions or SCALES[args.scale]
    if args.json:  # stdout holds only the JSON figures; the readable lines go to stderr
        OUT["stream"] = sys.stdout
        with contextlib.redirect_stdout(sys.stderr):
            run(args)
    else:
        run(args)


def run(args) -> None:
    workdir = Path(tempfile.mkdtemp(prefix="jixiao-bench-reports-"))
    if args.db == "postgres":
        url = os.environ.get("DATABASE_URL", "")
        if not url.startswith("postgres"):
            raise SystemExit(
                "--db postgres: set DATABASE_URL to a PostgreSQL database the "
                "bench may fill (it replaces the synthetic province 990000)"
            )
    else:  # never DATABASE_URL: the bench must not fill the demo's database
        url = f"sqlite:///{(args.sqlite_file or workdir / 'bench.sqlite3').resolve()}"
    env = _env(url, workdir)
    os.environ.update(env)
    print(
        f"database: {url.split('@')[-1]}; work year {YEAR} (evaluations of {EVALUATED}); "
        f"code {_revision()}; {os.cpu_count()} CPUs, load average {os.getloadavg()[0]:.1f}"
    )
    if not args.skip_setup:
        migrated = prepared.jixiao(["migrate", "--noinput"], env)
        print(f"jixiao migrate: {migrated:.1f} s{prepared.note('migrate')}")
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from jixiao.orgs.models import Region

    prefix = f"{PROVINCE}/"
    if not args.skip_setup:
        replaced = Region.objects.filter(path__startswith=prefix, level="district").count()
        if replaced:
            clear_built(prefix)
        seconds = _run(
            [
                "generate",
                "--regions",
                str(args.regions),
                "--years",
                "2",
                "--last-year",
                str(YEAR),
                "--province",
                PROVINCE,
                "--replace",
                "--quiet",
            ],
            env,
        )
        print(
            f"jixiao generate --regions {args.regions} --years 2: {seconds:.1f} s"
            + (
                f" (deleting first the province of {replaced} districts of an earlier run)"
                if replaced
                else ""
            )
        )
        Builder(prefix).run()
        analyze()
    province = Region.objects.get(code=PROVINCE)
    count = Region.objects.filter(path__startswith=prefix, level="district").count()
    district = (
        Region.objects.filter(path__startswith=prefix, level="district").order_by("code").first()
    )
    performance_user(district)
    scopes = [
        (f"district {district.code}", district, f"gen-{district.code}-jx"),
        (f"province {PROVINCE} ({count} districts)", province, PROVINCE_USER),
    ]
    differ, times = [], {}
    for label, region, _user in scopes:
        found, times[region.code] = stats_vs_baseline(label, region, args.repeat)
        differ += found
    from django.urls import reverse

    dashboard = {}
    for label, region, user in scopes:
        for fresh in (True, False):
            dashboard[region.code, fresh] = page(
                label, user, region, reverse("dashboard"), args.repeat, fresh=fresh
            )
    figures(times[PROVINCE], dashboard, district.code)
    if not (args.figures_only or args.json):  # --json: the figures only (the runner's budget)
        rest(args, scopes)
    print(
        f"load average at the end: {os.getloadavg()[0]:.1f} (1 min), "
        f"{os.getloadavg()[1]:.1f} (5 min)"
    )
    if not args.keep:
        shutil.rmtree(workdir, ignore_errors=True)
    if differ:
        raise SystemExit(f"year_stats and the SQL baseline disagree: {', '.join(differ)}")


def rest(args, scopes) -> None:
    """The Word summary and one drill-down list with its xlsx, for the district and the
    province."""
    from django.urls import reverse

    for label, region, _user in scopes:
        summary(label, region, args.repeat)
    records = reverse("dashboard-records", args=["selfevals"])
    for label, region, user in scopes:
        export(label, region, "selfevals", args.repeat)
        for url in (records, f"{records}?format=xlsx"):
            page(label, user, region, url, args.repeat)


if __name__ == "__main__":
    main()
