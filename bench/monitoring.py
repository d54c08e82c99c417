"""Benchmark of in-year monitoring: alerts over a province-scale round, the
payment import of one province-year of monthly rows, and the round overview and alerts pages.

    .venv/bin/python bench/monitoring.py [--scale small|province] [--regions N] [--json]
                                         [--sample 300] [--profile] [--keep]

Scale: `province` (the default) is 100 generated districts, `small` 10 (`--regions` overrides).
With `--json` the figures are JSON lines on stdout ({"name","value","unit","baseline","ratio",
"goal"}) and everything else goes to stderr.

Uses a fresh SQLite file in a temporary folder unless DATABASE_URL is set. Steps and figures:

1. `jixiao generate --regions N`: N districts × 400 projects of 2022 (about 60% 专项资金), a
   target with 15 indicators each.
2. Alerts, pure: a MonitoringReport for every 专项资金 project of the province (its amounts,
   Jan–Jul payments or a typed execution, each indicator with a synthesised progress, expected
   value and likelihood), run through `jixiao.monitoring.alerts.alerts` → projects per second.
3. Alerts, database path: one round per district opened by that district's performance office
   (`services.round_open`; time and queries), against its bare baseline in the same run: the
   rows it wrote (reports, their indicator lines, the round's scope) read back and inserted
   again with `bulk_create` of the same field values into scratch rounds, then deleted (the
   audit entries, the application's bookkeeping, are left out of the baseline). Figures
   `round_open` (goal 3), `round_open_vs_reports_only` (against the reports' insert alone,
   for reading: the indicator lines are most of the rows) and
   `round_open_queries_per_district`. Then `services.refresh_alerts` for a sample of filled-in
   reports (time and queries per report).
4. Payments district by district: each district's year (its projects × 12 months) as CSV
   through the import framework, into that district; this also computes the alerts of every
   report in the open rounds.
5. Pages for the province user (`gen-990000-budget`): round list, round overview, report list,
   alerts list (time and queries); and a province-level payment file (`--region 990000`) of
   100 projects from several districts, refused without a 区划代码 column (a project code names
   a project in each district) and imported with one.
6. One province-year in one file: every project of the province × 12 months (480,000 rows at
   province scale, 48,000 small) with 区划代码, as xlsx and as CSV. Each is read alone with the
   fastest reader (python-calamine for xlsx, the csv module for CSV) and imported with
   `jixiao import payments FILE --region 990000` by the province's budget office (the
   command in a fresh process, timed inside it once Django is set up; ru_maxrss), after the
   province's payments and alerts are reset: figures `payments_import` (xlsx) and
   `payments_import_csv`, goal 5 × the read. Then the floor under the CSV's figure, in a
   fresh process too: the csv module's read and a bare insert of the same rows into the
   payments table (`bare_csv_insert`: no check, no Decimal, no execution, no alert, no audit),
   figure `payments_csv_floor` (read and insert ÷ the read alone; no goal: what any import that
   stores the rows pays before it checks anything). `--profile` adds a cProfile of the xlsx
   import (timed by CPU).
"""

from __future__ import annotations

import argparse
import contextlib
import csv
import io
import json
import os
import random
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import tracemalloc
from contextlib import contextmanager
from datetime import date
from decimal import Decimal
from pathlib import Path

import prepared  # this folder is on sys.path when run as a script: one migrate a run

# The helpers every bench shares (run as a script, this folder is on sys.path).
from key_evaluations import OUT
from key_evaluations import figure as shared_figure

ROOT = Path(__file__).resolve().parent.parent
YEAR = 2022
PROVINCE = "990000"
PROVINCE_USER = f"gen-{PROVINCE}-budget"
PERIOD_END, DEADLINE = date(YEAR, 7, 31), date(YEAR, 8, 15)
ROUND_CODE = f"{YEAR}-07"
SCALES = {"small": 10, "province": 100}  # districts of 400 projects
CENT = Decimal("0.01")
HEADER = ["项目编码", "年度", "月份", "支付金额（万元）"]


def _env(workdir: Path) -> dict:
    url = os.environ.get("DATABASE_URL") or f"sqlite:///{workdir / 'bench.sqlite3'}"
    return {
        **os.environ,
        "DATABASE_URL": url,
        "PWD": str(workdir),
        "ALLOWED_HOSTS": "testserver,localhost",
        "DJANGO_SETTINGS_MODULE": "jixiao.settings",
        # One province-year in one file is beyond a district's default upload limits
        # (20 MB, 200,000 rows): raised here, and reported.
        "JIXIAO_IMPORT_MAX_BYTES": str(256 * 1048576),
        "JIXIAO_IMPORT_MAX_UNZIPPED_BYTES": str(2048 * 1048576),
        "JIXIAO_IMPORT_MAX_ROWS": "1000000",
        # and past the cells the fast xlsx reader may lay out (1,000,000 by default, at about
        # 100 bytes a cell): the province's 2.4 million would go to openpyxl, 20 times slower
        # than python-calamine, the bare read's reader
        "JIXIAO_IMPORT_MAX_DENSE_CELLS": str(5_000_000),
    }


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


def _setup_django() -> None:
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()


@contextmanager
def counted():
    """Count the queries run inside (lighter than CaptureQueriesContext for 100,000s)."""
    from django.db import connection

    box = {"n": 0}

    def wrapper(execute, sql, params, many, context):
        box["n"] += 1
        return execute(sql, params, many, context)

    with connection.execute_wrapper(wrapper):
        yield box


# --- synthesised report contents --------------------------------------------------------------


def _share(rng: random.Random) -> Decimal:
    return Decimal(str(round(rng.uniform(0.2, 1.1), 2)))


def progress_of(number, unit: str, rng: random.Random) -> str:
    """A progress so far for an indicator: a share of its target number, or words."""
    if number is None:
        return "按计划推进"
    return f"{(Decimal(number) * _share(rng)).quantize(Decimal('0.1'))}{unit}"


def likelihood(rng: random.Random) -> tuple[str, str]:
    """(likelihood, cause): mostly 确定能, some 有可能 (half with a cause), a few 完全不可能."""
    draw = rng.random()
    if draw < 0.85:
        return "确定能", ""
    if draw < 0.97:
        return "有可能", rng.choice(["经费保障", "人员保障", ""])
    return "完全不可能", "其他"


def monthly(total: Decimal, months: int, rng: random.Random, rush: bool = False) -> list:
    """`total` spread over `months` months (2 decimals), December heavy when `rush`."""
    weights = [rng.uniform(0.5, 1.5) for _ in range(months)]
    if rush and months == 12:
        weights[11] = sum(weights[:11]) * rng.uniform(0.5, 1.0)
    scale = sum(weights)
    return [(total * Decimal(w / scale)).quantize(CENT) for w in weights]


# --- step 2: pure alerts ----------------------------------------------------------------------


def special_projects(prefix: str):
    from jixiao.budgets.models import SPECIAL_FUND, Project

    return (
        Project.objects.filter(region__path__startswith=prefix, year=YEAR, kinds__code=SPECIAL_FUND)
        .distinct()
        .order_by("id")
    )


def pure_alerts(prefix: str) -> None:
    from collections import defaultdict

    from jixiao.monitoring.alerts import alerts
    from jixiao.monitoring.report_data import Amounts, MonitoringReport, indicator_report
    from jixiao.monitoring.services import monitoring_rules
    from jixiao.orgs.models import Region
    from jixiao.targets.models import Indicator, Target

    rng = random.Random(11)
    rules = monitoring_rules(
        Region.objects.filter(path__startswith=prefix, level="district").first(), YEAR
    )
    ids = list(special_projects(prefix).values_list("id", flat=True))
    read = build = judge = 0.0
    count = indicators = found = 0
    levels: dict[str, int] = defaultdict(int)
    today = date(YEAR, 8, 10)
    for start in range(0, len(ids), 2000):
        started = time.perf_counter()
        chunk = list(special_projects(prefix).filter(id__in=ids[start : start + 2000]))
        targets = dict(Target.objects.filter(project__in=chunk).values_list("project_id", "id"))
        grid = defaultdict(list)
        for row in (
            Indicator.objects.filter(target_id__in=targets.values())
            .order_by("target_id", "position")
            .values_list(
                "target_id", "category", "subcategory", "name", "value_text", "unit", "number"
            )
        ):
            grid[row[0]].append(row[1:])
        read += time.perf_counter() - started
        started = time.perf_counter()
        reports = []
        for project in chunk:
            full = project.full_total
            executed = (full * Decimal(str(round(rng.uniform(0.15, 0.85), 2)))).quantize(CENT)
            typed = rng.random() < 0.5
            payments = None if typed else dict(enumerate(monthly(executed, 7, rng), start=1))
            contract = (executed * _share(rng)).quantize(CENT) if rng.random() < 0.1 else None
            lines = []
            for category, sub, name, value, unit, number in grid[targets.get(project.id)]:
                chance, cause = likelihood(rng)
                lines.append(
                    indicator_report(
                        category,
                        sub,
                        name,
                        value,
                        progress=progress_of(number, unit, rng),
                        expected=value.lstrip("≥≤<>=＝") if rng.random() < 0.8 else None,
                        year=YEAR,
                        likelihood=chance,
                        causes=(cause,) if cause else (),
                    )
                )
            reports.append(
                MonitoringReport(
                    period_end=PERIOD_END,
                    deadline=DEADLINE,
                    amounts=Amounts(
                        initial=project.initial_total,
                        full_year=full,
                        executed=executed if typed else None,
                        contract=contract,
                    ),
                    payments=payments,
                    indicators=tuple(lines),
                    project=project.name,
                    project_code=project.code,
                    year=YEAR,
                )
            )
            indicators += len(lines)
        build += time.perf_counter() - started
        started = time.perf_counter()
        for report in reports:
            result = alerts(report, rules=rules, today=today)
            found += len(result.alerts)
            for alert in result.alerts:
                levels[alert.code] += 1
        judge += time.perf_counter() - started
        count += len(reports)
    print(
        f"pure alerts: {count} 专项资金 projects ({indicators} indicators): alerts() "
        f"{judge:.2f} s = {count / judge:,.0f} projects/s; building the reports (value "
        f"parsing) {build:.2f} s; both {count / (judge + build):,.0f} projects/s; reading "
        f"the rows {read:.1f} s; {found} alerts ("
        + ", ".join(f"{c} {n}" for c, n in sorted(levels.items()))
        + ")"
    )


# --- step 3: rounds and refresh_alerts ----------------------------------------------------------


def figure(name, value, unit, baseline=None, goal=None) -> None:
    """One figure as a JSON line on the real standard output with `--json` (every other line
    then goes to stderr), in the shape every bench prints."""
    with contextlib.redirect_stdout(sys.__stdout__):
        shared_figure(name, value, unit, baseline=baseline, goal=goal)


def performance_user(district):
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


def open_round(district):
    from jixiao.monitoring.services import round_open

    return round_open(
        actor=performance_user(district),
        region=district,
        year=YEAR,
        code=ROUND_CODE,
        name="1–7月绩效运行监控",
        period_end=PERIOD_END,
        deadline=DEADLINE,
    )


def open_rounds(prefix: str) -> None:
    """One round per district through `round_open`, then the bare baseline: a bulk insert of the
    same rows (`bare_insert`), in the same run."""
    from jixiao.monitoring.models import Report, ReportIndicator
    from jixiao.orgs.models import Region

    districts = list(Region.objects.filter(path__startswith=prefix, level="district"))
    times = []
    with counted() as queries:
        started = time.perf_counter()
        for district in districts:
            begun = time.perf_counter()
            open_round(district)
            times.append(time.perf_counter() - begun)
        elapsed = time.perf_counter() - started
    reports = Report.objects.filter(region__path__startswith=prefix).count()
    lines = ReportIndicator.objects.filter(report__region__path__startswith=prefix).count()
    print(
        f"round_open × {len(districts)} districts: {reports} reports ({lines} indicator lines) "
        f"in {elapsed:.1f} s ({elapsed / reports * 1000:.2f} ms a report; {queries['n']} "
        f"queries, {queries['n'] / len(districts):.1f} a district; median district "
        f"{statistics.median(times):.2f} s)"
    )
    reports_s, bare_s = bare_insert(prefix)
    print(
        f"  bare bulk insert of the same rows into scratch rounds: {bare_s:.2f} s (the reports "
        f"alone {reports_s:.2f} s; their lines and scope rows the rest); round_open / bare "
        f"{elapsed / bare_s:.1f}x, / the reports alone {elapsed / reports_s:.1f}x"
    )
    figure("round_open", elapsed, "s", baseline=bare_s, goal=3)
    figure("round_open_vs_reports_only", elapsed, "s", baseline=reports_s)
    figure("round_open_queries_per_district", queries["n"] / len(districts), "queries")


def bare_insert(prefix: str) -> tuple[float, float]:
    """The baseline of `round_open`: the rows it wrote (the reports, their indicator lines, the
    round's scope and the projects it left out), read back and bulk-inserted again with
    `bulk_create` of the same field values into a scratch round per district, timed (the reports
    alone, then everything), then deleted. The audit entries are the application's own
    bookkeeping and are left out of the baseline."""
    from django.db import connection, transaction

    from jixiao.monitoring.models import (
        Report,
        ReportIndicator,
        Round,
        RoundExclusion,
        RoundProject,
    )

    rounds = list(
        Round.objects.filter(region__path__startswith=prefix, code=ROUND_CODE).order_by("id")
    )
    reports = list(Report.objects.filter(round__in=rounds).order_by("id").values())
    lines = list(ReportIndicator.objects.filter(report__round__in=rounds).order_by("id").values())
    scope = list(RoundProject.objects.filter(round__in=rounds).order_by("id").values())
    left_out = list(RoundExclusion.objects.filter(round__in=rounds).order_by("id").values())
    copies = Round.objects.bulk_create(
        [
            Round(**{**_fields(r), "code": "bare"})
            for r in Round.objects.filter(id__in=[r.id for r in rounds]).order_by("id").values()
        ]
    )
    scratch = {r.pk: copy.pk for r, copy in zip(rounds, copies, strict=True)}
    with transaction.atomic():
        started = time.perf_counter()
        made = Report.objects.bulk_create(
            [Report(**{**_fields(r), "round_id": scratch[r["round_id"]]}) for r in reports]
        )
        reports_s = time.perf_counter() - started
        new_id = {r["id"]: m.pk for r, m in zip(reports, made, strict=True)}
        ReportIndicator.objects.bulk_create(
            [ReportIndicator(**{**_fields(i), "report_id": new_id[i["report_id"]]}) for i in lines]
        )
        RoundProject.objects.bulk_create(
            [RoundProject(**{**_fields(p), "round_id": scratch[p["round_id"]]}) for p in scope]
        )
        RoundExclusion.objects.bulk_create(
            [RoundExclusion(**{**_fields(x), "round_id": scratch[x["round_id"]]}) for x in left_out]
        )
        everything_s = time.perf_counter() - started
    bare = list(scratch.values())
    ReportIndicator.objects.filter(report__round_id__in=bare)._raw_delete(connection.alias)
    Report.objects.filter(round_id__in=bare)._raw_delete(connection.alias)
    RoundProject.objects.filter(round_id__in=bare)._raw_delete(connection.alias)
    RoundExclusion.objects.filter(round_id__in=bare)._raw_delete(connection.alias)
    Round.objects.filter(id__in=bare)._raw_delete(connection.alias)
    return reports_s, everything_s


def _fields(row: dict) -> dict:
    return {key: value for key, value in row.items() if key != "id"}


def refresh_sample(prefix: str, sample: int) -> None:
    """Fill a sample of reports as units would, then time refresh_alerts on each."""
    from jixiao.monitoring.models import Report, ReportIndicator
    from jixiao.monitoring.services import refresh_alerts

    rng = random.Random(5)
    ids = list(
        Report.objects.filter(region__path__startswith=prefix, target__isnull=False).values_list(
            "id", flat=True
        )
    )
    chosen = rng.sample(ids, min(sample, len(ids)))
    reports = list(
        Report.objects.filter(id__in=chosen).select_related("round", "project", "region", "unit")
    )
    rows = list(ReportIndicator.objects.filter(report__in=reports).select_related("indicator"))
    for report in reports:
        report.executed = (
            report.project.full_total * Decimal(str(rng.uniform(0.15, 0.85)))
        ).quantize(CENT)
        report.expected_full_year = report.project.full_total
        report.save(update_fields=["executed", "expected_full_year"])
    for row in rows:
        row.progress = progress_of(row.indicator.number if row.indicator else None, row.unit, rng)
        row.likelihood, row.cause = likelihood(rng)
    ReportIndicator.objects.bulk_update(rows, ["progress", "likelihood", "cause"], batch_size=2000)
    alerts = 0
    with counted() as queries:
        started = time.perf_counter()
        for report in reports:
            alerts += len(refresh_alerts(report, today=date(YEAR, 8, 10)))
        elapsed = time.perf_counter() - started
    print(
        f"refresh_alerts on {len(reports)} filled reports ({len(rows)} indicators): "
        f"{elapsed / len(reports) * 1000:.1f} ms and {queries['n'] / len(reports):.1f} queries "
        f"per report ({alerts} alerts)"
    )


# --- payment files ------------------------------------------------------------------------------


def payment_rows(projects, rng: random.Random):
    """12 monthly rows per project: 60–100% of the full-year budget, a fifth rushing in
    December."""
    for project in projects:
        paid = project.full_total * Decimal(str(round(rng.uniform(0.6, 1.0), 2)))
        for month, amount in enumerate(monthly(paid, 12, rng, rush=rng.random() < 0.2), 1):
            yield [project.code, YEAR, month, amount]


def csv_bytes(rows, header=HEADER) -> bytes:
    out = io.StringIO(newline="")
    writer = csv.writer(out)
    writer.writerow(header)
    writer.writerows(rows)
    return out.getvalue().encode("utf-8")


def write_xlsx(path: Path, rows, header=HEADER) -> None:
    import gc

    import openpyxl

    book = openpyxl.Workbook(write_only=True)
    sheet = book.create_sheet("支付数据")
    sheet.append(header)
    gc.disable()
    for row in rows:
        sheet.append(row[:-1] + [float(row[-1])])  # amounts as Excel numbers, as exports have
    gc.enable()
    book.save(path)


def district_imports(prefix: str) -> None:
    from jixiao.budgets.models import Project
    from jixiao.core.imports import run_import
    from jixiao.monitoring.importers import PaymentImporter
    from jixiao.monitoring.models import Alert
    from jixiao.orgs.models import Region, User

    rng = random.Random(17)
    actor = User.objects.get(username=PROVINCE_USER)
    districts = list(Region.objects.filter(path__startswith=prefix, level="district"))
    rows = total = 0.0
    times = []
    with counted() as queries:
        for district in districts:
            projects = Project.objects.filter(region=district, year=YEAR).order_by("code")
            data = csv_bytes(payment_rows(projects, rng))
            started = time.perf_counter()
            result = run_import(PaymentImporter(actor=actor, region=district), data, "payments.csv")
            times.append(time.perf_counter() - started)
            rows += result.rows
    total = sum(times)
    alerts = Alert.objects.filter(region__path__startswith=prefix).count()
    print(
        f"payments district by district: {len(districts)} CSV files, {rows:,.0f} rows in "
        f"{total:.1f} s ({rows / total:,.0f} rows/s; median district "
        f"{statistics.median(times):.2f} s; {queries['n'] / rows:.2f} queries per row); "
        f"{alerts} alerts in the province afterwards"
    )


# --- step 5: pages ------------------------------------------------------------------------------


def page(username: str, region_code: str, url: str, repeat: int = 3) -> tuple[float, int]:
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from jixiao.orgs.models import Region, User

    client = Client()
    client.force_login(User.objects.get(username=username))
    client.post(
        "/work-context/", {"region": Region.objects.get(code=region_code).id, "year": str(YEAR)}
    )
    assert client.get(url).status_code == 200
    times, queries = [], 0
    for _ in range(repeat):
        with CaptureQueriesContext(connection) as ctx:
            started = time.perf_counter()
            assert client.get(url).status_code == 200
            times.append(time.perf_counter() - started)
        queries = len(ctx)
    return statistics.median(times), queries


def pages(prefix: str, district_code: str) -> None:
    from jixiao.monitoring.models import Alert, Report, Round

    one = Round.objects.get(region__code=district_code, year=YEAR)
    reports = Report.objects.filter(region__path__startswith=prefix).count()
    alerts = Alert.objects.filter(region__path__startswith=prefix).count()
    rounds = Round.objects.filter(region__path__startswith=prefix).count()
    for label, user, region, url in [
        (f"round list ({rounds} rounds)", PROVINCE_USER, PROVINCE, "/monitoring/"),
        (
            f"round overview ({one.reports.count()} reports)",
            PROVINCE_USER,
            PROVINCE,
            f"/monitoring/{one.id}/",
        ),
        (
            f"round overview ({one.reports.count()} reports), district performance office",
            f"gen-{district_code}-jx",
            district_code,
            f"/monitoring/{one.id}/",
        ),
        (f"report list ({reports} reports)", PROVINCE_USER, PROVINCE, "/monitoring/reports/"),
        (f"alerts list ({alerts} alerts)", PROVINCE_USER, PROVINCE, "/alerts/"),
        ("alerts list, M01 red", PROVINCE_USER, PROVINCE, "/alerts/?code=M01&level=red"),
    ]:
        seconds, queries = page(user, region, url)
        print(f"page {label}: {seconds * 1000:.0f} ms, {queries} queries")


def province_rows(projects, rng: random.Random):
    """`payment_rows` with each row's region first (the 区划代码 column)."""
    for project in projects:
        for row in payment_rows([project], rng):
            yield [project.region.code, *row]


def province_file(workdir: Path, env: dict) -> None:
    """A province-level payment file of 100 projects (1,200 rows) from several districts: the
    same project code names a project in each district, so without a 区划代码 column the file is
    refused; with it, each row goes to its own district's project."""
    from jixiao.budgets.models import Project

    projects = (
        Project.objects.filter(region__path__startswith=f"{PROVINCE}/", year=YEAR)
        .select_related("region")
        .order_by("code", "region__code")[:100]
    )
    bare, named = workdir / "province-no-region.csv", workdir / "province-sample.csv"
    bare.write_bytes(csv_bytes(payment_rows(projects, random.Random(1))))
    named.write_bytes(
        csv_bytes(province_rows(projects, random.Random(1)), header=["区划代码", *HEADER])
    )
    for label, path in (("without 区划代码", bare), ("with 区划代码", named)):
        out = subprocess.run(
            [sys.executable, "-m", "jixiao", "import", "payments", str(path)]
            + ["--region", PROVINCE, "--user", PROVINCE_USER],
            env=env,
            capture_output=True,
            text=True,
            cwd=env["PWD"],
        )
        said = (out.stdout.strip() or out.stderr.strip()).splitlines() or [""]
        print(
            f"province-level file {label} (--region {PROVINCE}, 1,200 rows, "
            f"{len({p.region_id for p in projects})} districts): exit {out.returncode}; "
            f"{said[0]}{' … ' + said[-1] if len(said) > 1 else ''}"
        )


# --- step 6: one province-year in one file --------------------------------------------------------


def province_files(workdir: Path) -> tuple[Path, Path, int]:
    """Every project of the province × 12 months, with 区划代码, as CSV and as xlsx."""
    from jixiao.budgets.models import Project

    projects = (
        Project.objects.filter(region__path__startswith=f"{PROVINCE}/", year=YEAR)
        .select_related("region")
        .order_by("region__code", "code")
    )
    rows = list(province_rows(projects, random.Random(23)))
    csv_path, xlsx_path = workdir / "payments.csv", workdir / "payments.xlsx"
    started = time.perf_counter()
    header = ["区划代码", *HEADER]
    csv_path.write_bytes(csv_bytes(rows, header=header))
    write_xlsx(xlsx_path, rows, header=header)
    print(
        f"files: {len(rows):,} rows ({len(projects)} projects of "
        f"{len({p.region_id for p in projects})} districts × 12 months, with 区划代码); CSV "
        f"{csv_path.stat().st_size / 1048576:.1f} MB, xlsx {xlsx_path.stat().st_size / 1048576:.1f}"
        f" MB, written in {time.perf_counter() - started:.1f} s"
    )
    return csv_path, xlsx_path, len(rows)


def reset_payments() -> None:
    """Back to before any payment import: no payments or alerts in the province, and no
    execution in its reports. Plain SQL deletes: the ORM's would run the audit's delete signal
    for each of 500,000 rows."""
    from django.db import connection

    from jixiao.budgets.models import Payment, Project
    from jixiao.monitoring.models import Alert, Report
    from jixiao.orgs.models import Region

    regions = f"SELECT id FROM {Region._meta.db_table} WHERE path LIKE %s"
    inside = [f"{PROVINCE}/%"]
    with connection.cursor() as cursor:
        cursor.execute(f"DELETE FROM {Alert._meta.db_table} WHERE region_id IN ({regions})", inside)
        cursor.execute(
            f"DELETE FROM {Payment._meta.db_table} WHERE project_id IN (SELECT id "
            f"FROM {Project._meta.db_table} WHERE region_id IN ({regions}))",
            inside,
        )
    Report.objects.filter(region__path__startswith=f"{PROVINCE}/").update(
        executed=None, execution_from_payments=False
    )
    connection.close()  # nothing held open while a child process writes


def launch(cmd: list[str], env: dict) -> dict:
    """Run `cmd` from a small launcher process and return its time, ru_maxrss and output.

    Linux carries a parent's peak RSS into a forked child (exec keeps it in ru_maxrss), so a
    command started straight from this process, which holds a province's data by now, would
    report at least this process's size; the launcher is a fresh small interpreter."""
    out = subprocess.run(
        [sys.executable, __file__, "--launch", *cmd],
        env=env,
        check=True,
        capture_output=True,
        text=True,
        cwd=env["PWD"],
    )
    result = json.loads(out.stdout.strip().splitlines()[-1])
    if result["returncode"]:
        raise SystemExit(f"{' '.join(cmd[:4])} failed: {result['stderr'][-2000:]}")
    return result


def launcher(cmd: list[str]) -> None:
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        started = time.perf_counter()
        proc = subprocess.Popen(cmd, stdout=out, stderr=err)
        _pid, status, usage = os.wait4(proc.pid, 0)  # the command's own rusage
        seconds = time.perf_counter() - started
        proc.returncode = os.waitstatus_to_exitcode(status)
        out.seek(0)
        err.seek(0)
        print(
            json.dumps(
                {
                    "seconds": seconds,
                    "maxrss_mb": usage.ru_maxrss / 1024,
                    "returncode": proc.returncode,
                    "stdout": out.read().decode(errors="replace"),
                    "stderr": err.read().decode(errors="replace")[-4000:],
                }
            )
        )


def _child(mode: str, env: dict, *args: str) -> dict:
    """One measurement in a fresh interpreter: its own timing (and traced peak with
    `--trace`), and ru_maxrss."""
    result = launch([sys.executable, __file__, "--child", mode, *args], env)
    if mode == "profile":
        print(result["stdout"])
        return {}
    return {
        **json.loads(result["stdout"].strip().splitlines()[-1]),
        "maxrss_mb": result["maxrss_mb"],
    }


def read_xlsx(path: str) -> int:
    import python_calamine

    book = python_calamine.CalamineWorkbook.from_filelike(io.BytesIO(Path(path).read_bytes()))
    return sum(
        len(book.get_sheet_by_name(name).to_python(skip_empty_area=False))
        for name in book.sheet_names
    )


def read_csv(path: str) -> int:
    text = Path(path).read_bytes().decode("utf-8-sig")
    return len(list(csv.reader(io.StringIO(text, newline=""))))


#: (区划代码, 项目编码) → project id, loaded before `bare_csv_insert` is timed.
PROJECT_IDS: dict[tuple[str, str], int] = {}


def load_project_ids() -> None:
    from jixiao.budgets.models import Project

    PROJECT_IDS.update(
        ((region, code), pk)
        for region, code, pk in Project.objects.filter(
            region__path__startswith=f"{PROVINCE}/", year=YEAR
        ).values_list("region__code", "code", "pk")
    )


def bare_csv_insert(path: str) -> int:
    """The floor of a CSV payment import: the csv module's read (as `read_csv`) and the rows
    inserted into the payments table as the file writes them, with nothing between: each
    row's project id from a dict loaded beforehand (`PROJECT_IDS`), its month and amount text
    unchecked, one batch and time for all; one executemany on the DB-API cursor (SQLite), one
    COPY (PostgreSQL); one transaction. Returns the rows read (the header included)."""
    import uuid

    from django.db import connection, transaction
    from django.utils import timezone

    from jixiao.budgets.models import Payment

    rows = list(csv.reader(io.StringIO(Path(path).read_bytes().decode("utf-8-sig"), newline="")))
    batch, now = uuid.uuid4().hex, timezone.now().isoformat()
    values = [(PROJECT_IDS[r[0], r[1]], r[3], r[4], batch, now) for r in rows[1:]]
    table = Payment._meta.db_table
    columns = "project_id, month, amount, batch, updated_at"
    with transaction.atomic():
        raw = connection.cursor().cursor
        if connection.vendor == "postgresql":
            with raw.copy(f"COPY {table} ({columns}) FROM STDIN") as copy:
                for row in values:
                    copy.write_row(row)
        else:
            raw.executemany(f"INSERT INTO {table} ({columns}) VALUES (?, ?, ?, ?, ?)", values)
    return len(rows)


def import_in_process(path: str) -> int:
    """`jixiao import payments FILE --region <province>` as the province's budget office runs
    it, in this process (Django set up beforehand, outside the timing)."""
    from django.core.management import call_command

    out = io.StringIO()
    call_command(
        "import",
        "payments",
        path,
        "--region",
        PROVINCE,
        "--user",
        PROVINCE_USER,
        stdout=out,
    )
    print(out.getvalue().strip(), file=sys.stderr)
    return 0


def child(mode: str, args: list[str]) -> None:
    if mode in ("import", "profile", "bare-csv"):
        _setup_django()
    if mode == "bare-csv":
        load_project_ids()
    if mode == "profile":
        import cProfile
        import pstats

        # timed by CPU, not the wall clock, which other work on a shared machine stretches
        profile = cProfile.Profile(time.process_time)
        profile.runcall(import_in_process, args[0])
        stats = pstats.Stats(profile, stream=sys.stdout)
        stats.sort_stats("tottime").print_stats(25)
        stats.sort_stats("cumulative").print_stats(40)
        return
    fn = {
        "read-xlsx": read_xlsx,
        "read-csv": read_csv,
        "import": import_in_process,
        "bare-csv": bare_csv_insert,
    }[mode]
    trace = "--trace" in args
    if trace:
        tracemalloc.start()
    started, cpu = time.perf_counter(), time.process_time()
    kids = _children_cpu()
    rows = fn(args[0])
    seconds, cpu = time.perf_counter() - started, time.process_time() - cpu
    peak = tracemalloc.get_traced_memory()[1] / 1048576 if trace else None
    # the CPU of a process the import forked (its alerts planned beside it), once reaped
    kids = _children_cpu() - kids
    print(
        json.dumps(
            {
                "seconds": seconds,
                "cpu": cpu,
                "child_cpu": kids,
                "rows": rows,
                "traced_peak_mb": peak,
            }
        )
    )


def csv_floor(env: dict, path: Path, read: dict, done: dict) -> None:
    """How much of the CSV import's ratio any import pays: the read and a bare insert of the
    same rows (`bare_csv_insert`), in a fresh process of the same run, after the same reset."""
    reset_payments()
    bare = _child("bare-csv", env, str(path))
    reset_payments()
    print(
        f"CSV floor: read and bare insert of the same rows {bare['seconds']:.2f} s "
        f"(CPU {bare['cpu']:.2f} s) = {bare['seconds'] / read['seconds']:.1f}x the read alone; "
        f"the import is {done['seconds'] / bare['seconds']:.1f}x the floor"
    )
    figure("payments_csv_floor", bare["seconds"], "s", baseline=read["seconds"])


def _children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def one_file(workdir: Path, env: dict, profile: bool) -> None:
    """The province-year in one file, imported by the province's budget office into every
    district (`--region 990000`, rows matched by 区划代码), against the bare read of the same
    file with the fastest reader, each in a fresh process, in the same run: figures
    `payments_import` (xlsx, python-calamine) and `payments_import_csv` (the csv module), goal
    5. The import's time is the command's own in its process (Django set up before)."""
    csv_path, xlsx_path, rows = province_files(workdir)
    from jixiao.monitoring.models import Alert

    for label, path, reader, name in [
        ("xlsx", xlsx_path, "read-xlsx", "payments_import"),
        ("CSV", csv_path, "read-csv", "payments_import_csv"),
    ]:
        read = _child(reader, env, str(path))
        reset_payments()
        done = _child("import", env, str(path))
        alerts = Alert.objects.filter(region__path__startswith=f"{PROVINCE}/").count()
        print(
            f"{label}: read alone ({'python-calamine' if label == 'xlsx' else 'csv module'}, "
            f"{read['rows']:,} rows) {read['seconds']:.2f} s, {read['maxrss_mb']:.0f} MB "
            f"maxrss; jixiao import payments --region {PROVINCE} {done['seconds']:.2f} s "
            f"({rows / done['seconds']:,.0f} rows/s), {done['maxrss_mb']:.0f} MB maxrss "
            f"({alerts} alerts in the province afterwards); ratio import / read "
            f"{done['seconds'] / read['seconds']:.1f}x; CPU time {done['cpu']:.2f} s / "
            f"{read['cpu']:.2f} s = {done['cpu'] / read['cpu']:.1f}x (the wall clock stretches "
            "with other load on the machine, the CPU time less), and "
            f"{done['child_cpu']:.2f} s in the processes beside it (a large CSV's second part "
            "read, the alerts planned)"
        )
        figure(name, done["seconds"], "s", baseline=read["seconds"], goal=5)
    csv_floor(env, csv_path, read, done)
    if profile:
        reset_payments()
        _child("profile", env, str(xlsx_path))


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--scale", choices=sorted(SCALES), default="province")
    parser.add_argument("--regions", type=int, help="districts (overrides --scale)")
    parser.add_argument("--json", action="store_true", help="one JSON figure a line on stdout")
    parser.add_argument("--sample", type=int, default=300)
    parser.add_argument("--profile", action="store_true", help="cProfile the one-file import")
    parser.add_argument("--keep", action="store_true", help="keep the temporary folder")
    parser.add_argument(
        "--payments-only", action="store_true", help="only the rounds and the payment files"
    )
    args, _unknown = parser.parse_known_args()  # `./dev bench` passes every bench the same options
    args.regions = args.regions or SCALES[args.scale]
    OUT["json"] = args.json
    if args.json:
        sys.stdout = sys.stderr  # the readable lines; `figure` writes to the real stdout
    workdir = Path(tempfile.mkdtemp(prefix="jixiao-bench-monitoring-"))
    env = _env(workdir)
    os.environ.update(env)
    print(f"database: {env['DATABASE_URL'].split('@')[-1]}")
    migrated = prepared.jixiao(["migrate", "--noinput"], env)
    print(f"jixiao migrate: {migrated:.1f} s{prepared.note('migrate')}")
    seconds = _run(
        [
            "generate",
            "--regions",
            str(args.regions),
            "--province",
            PROVINCE,
            "--replace",
            "--quiet",
        ],
        env,
    )
    print(f"jixiao generate --regions {args.regions}: {seconds:.1f} s")
    _setup_django()
    from jixiao.orgs.models import Region

    prefix = f"{PROVINCE}/"
    first = Region.objects.filter(path__startswith=prefix, level="district").first().code
    if not args.payments_only:
        pure_alerts(prefix)
    open_rounds(prefix)
    if not args.payments_only:
        refresh_sample(prefix, args.sample)
        district_imports(prefix)
        pages(prefix, first)
    province_file(workdir, env)
    one_file(workdir, env, args.profile)
    if not args.keep:
        shutil.rmtree(workdir, ignore_errors=True)


if __name__ == "__main__":
    if len(sys.argv) > 2 and sys.argv[1] == "--child":
        child(sys.argv[2], sys.argv[3:])
    elif len(sys.argv) > 2 and sys.argv[1] == "--launch":
        launcher(sys.argv[2:])
    else:
        main()
