"""One end-to-end figure (issue 16, part 6): a province-year through the whole pipeline, with its
total time and the share of each step.

    .venv/bin/python bench/pipeline.py [--scale small|province] [--json] [--keep]
    ./dev bench --json --scale small          (runs every bench script with the same options)

Scale: `province` (the default) is `jixiao generate --regions 100` (70 units and 400 projects a
district: 7,000 units, 40,000 projects); `small` is 2 districts of 30 units and 100 projects.
`--districts N` takes N districts of the scale's shape (`--scale province --districts 5`: a
twentieth of the province, whose goal is then not checked).
`--stop-before STEP` ends before that step and keeps the database (to profile the step on the
database as it finds it: `--stop-before open_selfevals` keeps it with the units' filers
created); `--skip STEP` leaves a step out (`--skip lint`, which changes nothing stored).
Uses a fresh SQLite file in a temporary folder unless DATABASE_URL is set (then it replaces
the synthetic province 990000 in that database). Options it does not know are ignored
(`./dev bench` passes every bench the same ones). Progress goes to stderr.

Steps, each timed, through the project's own commands (`jixiao …` in a process of its own, as
an operator runs them) or, where there is no command, the service the page calls:

1. `generate`: `jixiao generate` (the projects of the year, no targets).
2. `import_targets`: `jixiao import targets` of the official declarations (12 indicators each),
   one workbook a district in one process (call_command; the files are written beforehand by
   bench/targets_import.py's builder, not timed).
3. `lint`: `jixiao export targets --format json` and `jixiao lint --region --year --json` over
   the whole province-year (T13, T15 and T17 read the database).
4. `approve`: the declarations approved (a bulk update standing in for the review, which the
   load test measures: not a pipeline step of its own, but timed so that nothing is hidden).
5. `open_rounds`: `monitoring.services.round_open` for each district (what the page calls).
6. `import_payments`: `jixiao import payments` of twelve months of treasury payments for every
   project, one CSV a district, in one process (call_command).
7. `alerts`: the alerts of every report of the rounds and every project's year-end rush
   recomputed by the app's bulk path (`monitoring.payments.payments_changed`, what a payment
   import runs for its projects).
8. `tick`: `jixiao tick --today` the day after the rounds' deadline.
9. `open_selfevals`: `evaluations.services.selfevals_start` of each unit's projects by a
   filer account of the unit (created beforehand, not timed), as the filer's list page does
   ("为全部可自评项目开始自评");
   `import_selfevals`: `jixiao import selfevals` of every 自评表 filled in, one file a district
   in one process (call_command; the export of the started tables with each actual value and
   the unit's own score written in, not timed: a province's tables in one file would pass the
   import's 20 MB).
10. `score`: `jixiao rescore --region --year` (every self-evaluation of the province-year).
11. `figures`: `reports.stats.year_stats` for the province, work years Y and Y + 1.
12. `summary`: `jixiao summary --format docx` for the province.

Figures (`--json`: one object a line, {"name","value","unit","baseline","ratio","goal"}):
`pipeline_seconds` (goal 600 at province scale) and `pipeline_<step>_seconds` for each step,
whose ratio is its share of the total (the baseline is the total). The readable lines also give
each step's CPU time (this process's and that of the commands it ran) and the load average: on
a shared machine the wall times stretch with the load.
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import io
import json
import os
import random
import re
import shutil
import signal
import sys
import tempfile
import time
from decimal import Decimal
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import prepared  # noqa: E402
from key_evaluations import OUT, figure, progress, say  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
YEAR = 2022  # generate's last year, and bench/targets_import.py's
PROVINCE = "990000"
PROVINCE_USER = f"gen-{PROVINCE}-budget"
SCALES = {
    "small": {"regions": 2, "units": 30, "projects": 100},
    "province": {"regions": 100, "units": 70, "projects": 400},
}
DEADLINE = dt.date(YEAR, 8, 15)


class Stop(Exception):
    """`--stop-before` reached: the database is kept as it is before that step."""


class Steps:
    """The steps' wall times, in order; `skip` names steps left out (not timed), `stop` the
    step before which the run ends (to profile that step on the database as it finds it)."""

    def __init__(self, skip=(), stop: str | None = None):
        self.times: dict[str, float] = {}
        self.cpu: dict[str, float] = {}
        self.skip, self.stop = set(skip), stop

    def run(self, name: str, fn, *args):
        if name == self.stop:
            raise Stop(name)
        if name in self.skip:
            progress(f"{name}: skipped")
            return None
        progress(f"{name} …")
        started, cpu = time.perf_counter(), cpu_seconds()
        result = fn(*args)
        self.times[name] = time.perf_counter() - started
        self.cpu[name] = cpu_seconds() - cpu
        progress(f"{name}: {self.times[name]:.1f} s (CPU {self.cpu[name]:.1f} s, {load()})")
        return result


def cpu_seconds() -> float:
    """CPU time of this process and of the commands it ran and waited for: on a shared
    machine the wall time stretches with the load, the CPU time much less."""
    import resource

    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    return time.process_time() + children.ru_utime + children.ru_stime


def load() -> str:
    return "load " + " ".join(f"{x:.1f}" for x in os.getloadavg())


def jixiao(env: dict, *args: str) -> None:
    prepared.jixiao(list(args), env)


def districts():
    from jixiao.orgs.models import Region

    return list(Region.objects.filter(path__startswith=f"{PROVINCE}/", level="district"))


def approve() -> int:
    from jixiao.targets.models import Target, TargetStatus

    return Target.objects.filter(region__path__startswith=f"{PROVINCE}/", year=YEAR).update(
        status=TargetStatus.APPROVED
    )


def open_rounds() -> int:
    from django.utils import timezone

    from jixiao.monitoring.models import Report
    from jixiao.monitoring.services import round_open
    from jixiao.orgs.models import Role, User

    for district in districts():
        actor = User.objects.create(
            username=f"pipe-{district.code}-perf",
            region=district,
            roles=[Role.PERFORMANCE],
            password_changed_at=timezone.now(),
        )
        round_open(
            actor=actor,
            region=district,
            year=YEAR,
            code=f"{YEAR}-07",
            name="1–7月绩效运行监控",
            period_end=dt.date(YEAR, 7, 31),
            deadline=DEADLINE,
        )
    return Report.objects.filter(region__path__startswith=f"{PROVINCE}/").count()


def declaration_files(workdir: Path) -> list[tuple[str, Path]]:
    """One official declarations workbook a district, as each district's budget office imports
    its own (a province's 40,000 forms in one workbook would take gigabytes to write)."""
    from targets_import import build

    files, made, started = [], 0, time.perf_counter()
    for district in districts():
        path = workdir / f"targets-{district.code}.xlsx"
        made += build(path, region_code=district.code)["declarations"]
        files.append((district.code, path))
    progress(f"  (declarations files: {made} in {time.perf_counter() - started:.0f} s, not timed)")
    return files


def import_each(kind: str, files: list[tuple[str, Path]]) -> None:
    """`jixiao import <kind>` of each district's file by the province's budget office (代录),
    in one process (call_command)."""
    from django.core.management import call_command

    for code, path in files:
        call_command(
            *("import", kind, str(path), "--region", code, "--user", PROVINCE_USER),
            "--quiet",
            stdout=io.StringIO(),
        )


def payment_files(workdir: Path) -> list[tuple[str, Path]]:
    """Twelve months of payments a project, 60–100% of its budget, one CSV a district."""
    from jixiao.budgets.models import Project

    rng = random.Random(5)
    files = []
    for district in districts():
        out = io.StringIO(newline="")
        writer = csv.writer(out)
        writer.writerow(["项目编码", "年度", "月份", "支付金额（万元）"])
        for code, total in Project.objects.filter(region=district, year=YEAR).values_list(
            "code", "full_current"
        ):
            month = (total * Decimal(str(round(rng.uniform(0.6, 1.0), 2))) / 12).quantize(
                Decimal("0.0001")
            )
            writer.writerows([code, YEAR, m, month] for m in range(1, 13))
        path = workdir / f"payments-{district.code}.csv"
        path.write_text(out.getvalue(), encoding="utf-8")
        files.append((district.code, path))
    return files


def alerts() -> int:
    """Every report's alerts recomputed, by the app's bulk path for many projects (what a
    payment import runs for the projects of its file: `payments.payments_changed`)."""
    from jixiao.budgets.models import Project
    from jixiao.monitoring.models import Alert
    from jixiao.monitoring.payments import payments_changed

    ids = Project.objects.filter(region__path__startswith=f"{PROVINCE}/", year=YEAR)
    payments_changed(ids.values_list("pk", flat=True), today=DEADLINE, audit_message="预警重算")
    return Alert.objects.filter(region__path__startswith=f"{PROVINCE}/").count()


def filers() -> None:
    """A filer account for every unit: the command line enters a unit's tables for its filer
    (代录), and a self-evaluation is started by one (setup, not timed)."""
    from django.utils import timezone

    from jixiao.orgs.models import Role, Unit, User

    User.objects.bulk_create(
        User(
            username=f"pipe-{unit.region_id}-{unit.code}",
            region_id=unit.region_id,
            unit=unit,
            roles=[Role.FILER],
            password_changed_at=timezone.now(),
        )
        for unit in Unit.objects.filter(region__path__startswith=f"{PROVINCE}/")
    )


def open_selfevals() -> int:
    """`evaluations.services.selfevals_start` for each unit's projects, by the unit's filer
    (what "为全部可自评项目开始自评" on the filer's list page calls): the 自评表 with the
    approved target's indicators and the year's payments, a unit's tables at once."""
    from jixiao.budgets.models import Project
    from jixiao.evaluations.services import selfevals_start
    from jixiao.orgs.models import User

    filers = User.objects.filter(username__startswith="pipe-", unit__isnull=False)
    count = 0
    # The filers read whole first (a cursor left open across the units' transactions keeps
    # SQLite's write-ahead log from being checkpointed), and each unit's projects as the
    # button passes them, a queryset: holding the province's 40,000 projects in this process
    # made every garbage collection walk them, a cost no request pays.
    for filer in list(filers.select_related("region").order_by("unit_id")):
        projects = Project.objects.filter(unit_id=filer.unit_id, year=YEAR)
        count += len(selfevals_start(actor=filer, projects=projects).started)
    return count


def selfeval_files(workdir: Path) -> list[tuple[str, Path]]:
    """The started 自评表 of each district out (`jixiao export selfevals --format json`), each
    indicator's actual value filled in as what the target asked for, and the unit's own score:
    the files a district bureau collects back from its units, one a district (an import takes
    at most 20 MB; not timed)."""
    from django.core.management import call_command

    files = []
    for district in districts():
        path = workdir / f"selfevals-{district.code}.json"
        call_command(
            *("export", "selfevals", "--region", district.code, "--year", str(YEAR)),
            *("--format", "json", "-o", str(path), "--quiet"),
            stdout=io.StringIO(),
            stderr=io.StringIO(),
        )
        items = json.loads(path.read_text(encoding="utf-8"))
        for item in items:
            for row in item["indicators"]:
                row["actual"] = re.sub(r"^[≥≤＞＜<>=]+", "", row.get("target") or "") or "已完成"
                row["self_score"] = row.get("weight")
        path.write_text(json.dumps(items, ensure_ascii=False), encoding="utf-8")
        files.append((district.code, path))
    return files


def figures() -> None:
    from jixiao.orgs.models import Region, User
    from jixiao.reports.stats import year_stats

    province = Region.objects.get(code=PROVINCE)
    user = User.objects.get(username=PROVINCE_USER)
    for year in (YEAR, YEAR + 1):
        year_stats(user=user, region=province, year=year)


def pipeline(workdir: Path) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--scale", choices=sorted(SCALES), default="province")
    parser.add_argument("--json", action="store_true", help="one JSON figure a line on stdout")
    parser.add_argument("--keep", action="store_true", help="keep the temporary folder")
    parser.add_argument(
        "--districts", type=int, help="only this many of the scale's districts (a part of it)"
    )
    parser.add_argument(
        "--skip", action="append", default=[], metavar="STEP", help="leave out a step (lint)"
    )
    parser.add_argument(
        "--stop-before",
        metavar="STEP",
        help="end before this step and keep the database (implies --keep): to profile it",
    )
    args, _rest = parser.parse_known_args()
    OUT["json"] = args.json
    scale = SCALES[args.scale]
    if args.districts:
        scale = {**scale, "regions": args.districts}
    url = os.environ.get("DATABASE_URL") or f"sqlite:///{workdir / 'bench.sqlite3'}"
    env = {
        **os.environ,
        "DATABASE_URL": url,
        "PWD": str(workdir),
        "ALLOWED_HOSTS": "testserver,localhost",
        # the province's declarations workbook is larger than a district's upload (20 MB by
        # default), as in bench/targets_import.py
        "JIXIAO_IMPORT_MAX_BYTES": str(256 * 1048576),
        "JIXIAO_IMPORT_MAX_UNZIPPED_BYTES": str(2048 * 1048576),
        "DJANGO_SETTINGS_MODULE": "jixiao.settings",
        "PYTHONPATH": str(ROOT),
    }
    os.environ.update(
        {k: env[k] for k in ("DATABASE_URL", "ALLOWED_HOSTS", "DJANGO_SETTINGS_MODULE")}
    )
    sys.path.insert(0, str(ROOT))
    progress(f"setup: {url.split('@')[-1]}, migrate")
    jixiao(env, "migrate", "--noinput")  # a run of ./dev bench migrates once (prepared.py)
    import django

    django.setup()

    args.workdir = workdir
    steps = Steps(skip=args.skip, stop=args.stop_before)
    if args.stop_before:
        args.keep = True
    try:
        run_steps(steps, env, scale, workdir)
    except Stop as stop:
        say(f"stopped before {stop}: {url}")
        return
    report(steps, args, scale)


def run_steps(steps: Steps, env: dict, scale: dict, workdir: Path) -> None:
    from django.db import connection

    where = ("--region", PROVINCE, "--year", str(YEAR))
    steps.run(
        "generate",
        jixiao,
        env,
        *("generate", "--regions", str(scale["regions"]), "--units", str(scale["units"])),
        *("--projects", str(scale["projects"]), "--indicators", "0", "--replace", "--quiet"),
    )
    declarations = declaration_files(workdir)
    connection.close()
    steps.run("import_targets", import_each, "targets", declarations)
    exported = workdir / "targets.json"

    def lint():
        jixiao(env, "export", "targets", *where, "--format", "json", "-o", str(exported))
        jixiao(env, "lint", str(exported), *where, "--json")

    steps.run("lint", lint)
    steps.run("approve", approve)
    reports = steps.run("open_rounds", open_rounds)
    files = payment_files(workdir)
    connection.close()
    steps.run("import_payments", import_each, "payments", files)
    raised = steps.run("alerts", alerts)
    steps.run("tick", jixiao, env, "tick", "--today", str(DEADLINE + dt.timedelta(days=1)))
    filers()
    steps.run("open_selfevals", open_selfevals)
    connection.close()
    selfevals = selfeval_files(workdir)
    connection.close()
    steps.run("import_selfevals", import_each, "selfevals", selfevals)
    steps.run("score", jixiao, env, "rescore", *where, "--quiet")
    steps.run("figures", figures)
    docx = workdir / "summary.docx"
    steps.run("summary", jixiao, env, "summary", *where, "--format", "docx", "-o", str(docx))
    steps.counts = {"reports": reports, "alerts": raised}


def report(steps: Steps, args, scale: dict) -> None:
    reports, raised = steps.counts["reports"], steps.counts["alerts"]
    total = sum(steps.times.values())
    say(
        f"pipeline, {args.scale} ({scale['regions']} districts): {total:.1f} s; {reports} reports, {raised} alerts"
    )
    cpu = sum(steps.cpu.values())
    say(f"  CPU {cpu:.1f} s ({load()})")
    for name, seconds in steps.times.items():
        say(
            f"  {name:18} {seconds:8.1f} s  {seconds / total:6.1%}"
            f"  CPU {steps.cpu[name]:8.1f} s  {steps.cpu[name] / cpu:6.1%}"
        )
    whole = args.scale == "province" and scale["regions"] == SCALES["province"]["regions"]
    figure("pipeline_seconds", total, "s", goal=600 if whole else None)
    for name, seconds in steps.times.items():
        figure(f"pipeline_{name}_seconds", seconds, "s", baseline=total)
    if args.keep:
        say(f"kept: {args.workdir}")


def main() -> None:
    # Stopped from outside (the runner's budget): leave no temporary folder behind.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(1))
    keep = "--keep" in sys.argv or any(a.startswith("--stop-before") for a in sys.argv)
    workdir = Path(tempfile.mkdtemp(prefix="jixiao-pipeline-"))
    try:
        pipeline(workdir)
    finally:
        if not keep:
            shutil.rmtree(workdir, ignore_errors=True)


if __name__ == "__main__":
    main()
