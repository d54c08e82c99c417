"""The deadline peak (issue 16, part 5): locust against `jixiao serve` on PostgreSQL, the last day
before a deadline, then every write counted in the database.

    .venv/bin/python bench/load.py [--scale small|province] [--json] [--users N] [--seconds S]
                                   [--rate R] [--workers W] [--threads T] [--keep] [--reuse]
    ./dev bench --json --scale small          (runs every bench script with the same options)

Scale: `province` (the default) is 200 concurrent users for 5 minutes (ramp 20 a second) on
`jixiao generate --regions 100` (70 units and 400 projects a district, 15 indicators a
target); `small` is 50 users for 60 seconds (ramp 10 a second) on 4 districts. The database is
PostgreSQL (what a bureau deploys; SQLite writes one transaction at a time): DATABASE_URL when
it names PostgreSQL, else JIXIAO_LOAD_DATABASE_URL, else postgres://jixiao:jixiao-ci@localhost;
the bench creates its own database on that server, one a scale (`jixiao_load` for the
province, `jixiao_load_small`), dropped at the end unless `--keep` or `--reuse`. With
`--reuse`, a database the bench built for the scale (its marker table `bench_load_built`) is
only migrated and reset to what the build left (`reset`: the targets and reports a run writes,
the round's deadline, the alerts and sessions of earlier runs) instead of built again, so a
province run costs its 5 minutes; without the marker it is built and kept. Options it does not
know are ignored (`./dev bench` passes every bench the same ones). Progress goes to stderr.

1. Setup (reported, not a figure): `jixiao migrate`, `jixiao generate`, then per district a
   performance office, a budget office and a reviewer per business office, and for every
   first-level unit with projects a filer (who is also the unit's leader, so that one person
   completes and submits); a third of each filer's targets are set back to draft, a
   monitoring round is opened (its deadline tomorrow) with a report for every special fund with
   an approved target. Every account signs in with the same password through the login page.
2. Load: `jixiao serve` (the server and its settings as deployed, `--workers`/`--threads`
   override its defaults) and `locust -f bench/locustfile.py --headless` with the users above
   (bench/locustfile.py says what each does): filers open, save and submit their targets and
   monitoring reports, reviewers pass, approve and return, the office opens the dashboard,
   its lists and an export, one user imports payments now and then.
3. Count: every save the server acknowledged carried a marker of its own (the target's goal,
   the report's execution note): the document must hold the last acknowledged marker. Every
   transition the server acknowledged must be in the transition log exactly once, and no logged
   transition may lack an acknowledgement. A missing or extra one is a lost or doubled write.

Figures (`--json`: one object a line, {"name","value","unit","baseline","ratio","goal"}):

- `load_p95_ms` (goal 1000), `load_p99_ms` (goal 2000): the pages' answer times once every user
  has signed in (the peak itself), every page request from then to the end.
- `load_all_p95_ms`, `load_all_p99_ms` (same goals): every request of the run, the ramp and the
  sign-ins included. Ramping up 20 users a second makes a rush of password checks (PBKDF2,
  about a third of a CPU-second each: 200 of them are more than a minute of CPU on 2 cores)
  that queues every page behind it; a deadline morning spreads its sign-ins over hours.
- `load_started_p95_ms`, `load_started_p99_ms` (same goals): the page requests *started* once
  every user had signed in. `load_p99_ms` counts a request by its end, so a save that queued
  behind the last sign-ins for 15 s and answered just after them counts in the peak: of the
  fifth province run's 302 steady requests over 2 s, 296 had started during the sign-ins.
  Printed beside them, each request's steady p95 and p99 (started after the sign-ins).
- `load_lock_waits`: the share of the database sessions, sampled every half second during the
  load, that were waiting on a lock (`pg_stat_activity.wait_event_type = 'Lock'`); the waits
  seen are printed by lock kind and statement. A session "idle in transaction" is waiting for
  Python, not for a lock.
- `load_signin_p95_ms`: the sign-ins' own (POST /login/).
- `load_errors` (goal 0): failed requests over the whole run (an unexpected status, a dropped
  connection, an error page, a refused save or transition).
- `load_rps`: requests per second over the run (throughput; no goal).
- `load_lost_writes` (goal 0): acknowledged writes missing from the database plus writes in the
  database nobody was told about or that happened twice.
"""

from __future__ import annotations

import argparse
import contextlib
import csv
import datetime as dt
import json
import os
import resource
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

sys.path.insert(0, str(Path(__file__).resolve().parent))

from key_evaluations import OUT, _run, figure, progress, say  # noqa: E402
from surveys import answering, free_port, percentile, stop_server  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
YEAR = 2022
PROVINCE = "990000"
PASSWORD = "Load@2022-peak"
#: The bench's own database on the PostgreSQL server, one a scale, so that a small run never
#: drops the province data kept for a --reuse run.
DATABASES = {"province": "jixiao_load", "small": "jixiao_load_small"}
#: What a --reuse run finds in a database the bench built: the scale, the plan, when.
MARKER = "bench_load_built"
ROUND_CODE = "LOAD"
#: users, seconds, spawn rate; generate's districts, units and projects a district
SCALES = {
    "small": {"users": 50, "seconds": 60, "rate": 10, "regions": 4, "units": 30, "projects": 120},
    "province": {
        "users": 200,
        "seconds": 300,
        "rate": 20,
        "regions": 100,
        "units": 70,
        "projects": 400,
    },
}


def database_url(scale: str = "province") -> str:
    """The PostgreSQL server to use, with the bench's own database of the scale in the URL."""
    for url in (
        os.environ.get("DATABASE_URL", ""),
        os.environ.get("JIXIAO_LOAD_DATABASE_URL", ""),
        "postgres://jixiao:jixiao-ci@localhost/postgres",
    ):
        if url.startswith(("postgres://", "postgresql://")):
            parts = urlsplit(url)
            return urlunsplit(parts._replace(path=f"/{DATABASES[scale]}"))
    raise SystemExit("bench/load.py needs PostgreSQL")


def recreate(url: str, *, drop_only: bool = False) -> None:
    import psycopg

    parts = urlsplit(url)
    name = parts.path.strip("/")
    admin = urlunsplit(parts._replace(path="/postgres"))
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
        if not drop_only:
            conn.execute(f"CREATE DATABASE {name}")


def built(url: str, scale: str) -> dict | None:
    """The plan a previous build of this scale left in the database (its marker), or None when
    the database, the marker or the scale's data is missing."""
    import psycopg

    try:
        with psycopg.connect(url, autocommit=True) as conn:
            row = conn.execute(f"SELECT plan FROM {MARKER} WHERE scale = %s", [scale]).fetchone()
            if row is None:
                return None
            districts = conn.execute(
                "SELECT count(*) FROM orgs_region WHERE level = 'district' AND path LIKE %s",
                [f"{PROVINCE}/%"],
            ).fetchone()[0]
    except psycopg.Error:
        return None
    plan = row[0]
    return plan if districts == SCALES[scale]["regions"] else None


def mark(scale: str, plan: dict) -> None:
    """Keep the plan and a copy of every document the run writes (the targets of the year, the
    round's reports and the round), for `reset` before a --reuse run."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(f"DROP TABLE IF EXISTS {MARKER}, {MARKER}_targets, {MARKER}_reports")
        cursor.execute(f"DROP TABLE IF EXISTS {MARKER}_rounds")
        cursor.execute(
            f"CREATE TABLE {MARKER} (scale text PRIMARY KEY, plan jsonb, built_at timestamptz)"
        )
        cursor.execute(
            f"CREATE TABLE {MARKER}_targets AS SELECT t.* FROM targets_target t "
            "JOIN orgs_region r ON r.id = t.region_id WHERE t.year = %s AND r.path LIKE %s",
            [YEAR, f"{PROVINCE}/%"],
        )
        cursor.execute(
            f"CREATE TABLE {MARKER}_rounds AS SELECT * FROM monitoring_round WHERE code = %s",
            [ROUND_CODE],
        )
        cursor.execute(
            f"CREATE TABLE {MARKER}_reports AS SELECT * FROM monitoring_report "
            f"WHERE round_id IN (SELECT id FROM {MARKER}_rounds)"
        )
        cursor.execute(f"INSERT INTO {MARKER} VALUES (%s, %s, now())", [scale, json.dumps(plan)])


def reset() -> None:
    """Put back what a run writes, as the build left it: every target of the year and every
    report of the round from the copies `mark` kept (a run saves, completes, submits, passes,
    approves and returns them), the round's deadline tomorrow again, the alerts, review steps and
    sessions the run made gone. Payments a run imports are the same file each time (one row a project and
    month): they stay."""
    from django.db import connection

    def restore(cursor, table: str, copy: str) -> int:
        # The columns of both (a migration since the build may have added one: it keeps its
        # value).
        cursor.execute(
            "SELECT column_name FROM information_schema.columns WHERE table_name = %s "
            "AND column_name <> 'id' AND column_name IN (SELECT column_name FROM "
            "information_schema.columns WHERE table_name = %s) ORDER BY ordinal_position",
            [table, copy],
        )
        columns = [name for (name,) in cursor.fetchall()]
        assignments = ", ".join(f'"{c}" = s."{c}"' for c in columns)
        changed = " OR ".join(f't."{c}" IS DISTINCT FROM s."{c}"' for c in columns)
        cursor.execute(
            f"UPDATE {table} t SET {assignments} FROM {copy} s WHERE t.id = s.id AND ({changed})"
        )
        return cursor.rowcount

    with connection.cursor() as cursor:
        targets = restore(cursor, "targets_target", f"{MARKER}_targets")
        reports = restore(cursor, "monitoring_report", f"{MARKER}_reports")
        cursor.execute(
            f"DELETE FROM monitoring_alert WHERE round_id IN (SELECT id FROM {MARKER}_rounds) "
            f"AND raised_at > (SELECT min(built_at) FROM {MARKER})"
        )
        alerts = cursor.rowcount
        # The review history the run wrote: kept, a document passed and returned in every run
        # would carry hundreds of steps into the next, and its page would read them all.
        cursor.execute(
            "DELETE FROM core_transitionlog WHERE created_at > (SELECT min(built_at) FROM "
            f"{MARKER}) AND content_type_id IN (SELECT id FROM django_content_type WHERE "
            "(app_label, model) IN (('targets', 'target'), ('monitoring', 'report')))"
        )
        steps = cursor.rowcount
        cursor.execute(
            "UPDATE monitoring_round SET deadline = %s, status = 'open' "
            f"WHERE id IN (SELECT id FROM {MARKER}_rounds)",
            [max(dt.date.today() + dt.timedelta(days=1), dt.date(YEAR, 7, 31))],
        )
        cursor.execute("DELETE FROM django_session")
    progress(
        f"  reset: {targets} targets, {reports} reports put back, {alerts} alerts and {steps} "
        f"review steps removed, {rehash_accounts()} accounts' password hash made again"
    )


def rehash_accounts() -> int:
    """The accounts' shared password hash, made again with the server's hasher when it changed
    since the build (orgs/hashers.py): otherwise the first run's sign-ins would each check the
    old hash and write the new one, a cost that later runs and a real deployment do not pay."""
    from django.contrib.auth.hashers import check_password, get_hasher, make_password

    from jixiao.orgs.models import User

    hasher = get_hasher()
    stale = [
        encoded
        for encoded in User.objects.exclude(password__startswith="!")
        .order_by()  # no default ordering in the DISTINCT: one row a hash, not a user
        .values_list("password", flat=True)
        .distinct()
        if (not encoded.startswith(f"{hasher.algorithm}$") or hasher.must_update(encoded))
        and check_password(PASSWORD, encoded)
    ]
    if not stale:
        return 0
    return User.objects.filter(password__in=stale).update(password=make_password(PASSWORD))


def payments_file(plan: dict, workdir: Path) -> Path:
    """The file the importer uploads: one payment a month for 200 projects of its district."""
    from jixiao.budgets.models import Project
    from jixiao.orgs.models import User

    importer = User.objects.get(username=plan["importers"][0])
    codes = list(
        Project.objects.filter(region=importer.region, year=YEAR).values_list("code", flat=True)[
            :200
        ]
    )
    payments = workdir / "payments.csv"
    with payments.open("w", encoding="utf-8", newline="") as out:
        writer = csv.writer(out)
        writer.writerow(["项目编码", "年度", "月份", "支付金额（万元）"])
        for i, code in enumerate(codes):
            writer.writerow([code, YEAR, 1 + i % 6, f"{1 + i % 50}.25"])
    return payments


#: The databases this run created, the only ones it drops when it ends without --keep or
#: --reuse: the scale guessed from the command line dropped the province's database after a
#: `--help` or a run that failed before building anything.
BUILT: list[str] = []


def prepare(scale_name: str, workdir: Path, *, reuse: bool) -> tuple[str, dict, dict]:
    """The database ready for a run, Django set up on it: (url, the server's environment, the
    plan). With `reuse`, a database this bench built for the scale is only reset (`reset`);
    otherwise, or when it is missing, it is built from nothing."""
    scale = SCALES[scale_name]
    url = database_url(scale_name)
    env = env_for(url, workdir)
    os.environ.update(
        {k: env[k] for k in ("DATABASE_URL", "ALLOWED_HOSTS", "DJANGO_SETTINGS_MODULE")}
    )
    progress(f"setup: database {urlsplit(url).path.strip('/')} on {urlsplit(url).hostname}")
    plan = built(url, scale_name) if reuse else None
    if plan is None:
        if reuse:
            progress("  --reuse: no database of this scale built by the bench, building it")
        recreate(url)
        BUILT.append(url)
        progress(f"  migrate {_run(['migrate'], env):.0f} s")
        took = _run(
            [
                *("generate", "--regions", str(scale["regions"]), "--units", str(scale["units"])),
                *("--projects", str(scale["projects"]), "--indicators", "6", "--quiet"),
            ],
            env,
        )
        progress(f"  generate {took:.0f} s")
    sys.path.insert(0, str(ROOT))  # this tree's jixiao, as the server and the CLI run it
    import django

    django.setup()
    from django.db import connection

    started = time.perf_counter()
    if plan is None:
        plan = build(scale)
        mark(scale_name, plan)
    else:
        progress(f"  migrate {_run(['migrate'], env):.0f} s (new migrations of the tree, if any)")
        reset()
    plan["payments_file"] = str(payments_file(plan, workdir))
    with connection.cursor() as cursor:
        # VACUUM as well as ANALYZE: the reset rewrites thousands of rows and the previous run
        # inserted thousands more, and autovacuum would otherwise clean them up during this
        # run (seen: the audit log, the targets and the review steps vacuumed in its first
        # minutes), charging the last run's upkeep to this one. A server starts a deadline day
        # after its nightly maintenance; what this run writes is still vacuumed as it runs.
        cursor.execute("VACUUM ANALYZE")
    progress(f"  accounts, round and plan {time.perf_counter() - started:.0f} s")
    return url, env, plan


def env_for(url: str, workdir: Path) -> dict:
    return {
        **os.environ,
        "DATABASE_URL": url,
        "PWD": str(workdir),
        "ALLOWED_HOSTS": "testserver,localhost,127.0.0.1",
        "DJANGO_SETTINGS_MODULE": "jixiao.settings",
        "PYTHONPATH": str(ROOT),
    }


def build(scale: dict) -> dict:
    """The accounts, the documents each filer works on, the payments file: the plan the locust
    users read (bench/locustfile.py)."""
    from django.contrib.auth.hashers import make_password
    from django.db import transaction
    from django.utils import timezone

    from jixiao.monitoring.models import Report
    from jixiao.monitoring.services import round_open
    from jixiao.orgs.models import Office, Region, Role, UnitYear, User
    from jixiao.targets.models import Target, TargetStatus

    password = make_password(PASSWORD)
    now = timezone.now()
    plan = {"password": PASSWORD, "filers": [], "reviewers": [], "offices": [], "importers": []}

    def account(username: str, region: Region, roles: list[str], **extra) -> User:
        return User(
            username=username,
            full_name=username,
            region=region,
            roles=roles,
            password=password,
            password_changed_at=now,
            **extra,
        )

    districts = list(Region.objects.filter(path__startswith=f"{PROVINCE}/", level="district"))
    users = []
    for district in districts:
        code = district.code
        users.append(account(f"load-{code}-perf", district, [Role.PERFORMANCE]))
        users.append(account(f"load-{code}-budget", district, [Role.BUDGET]))
        for office in Office.objects.filter(region=district, kind=Office.Kind.BUSINESS):
            users.append(
                account(
                    f"load-{code}-{office.code.lower()}", district, [Role.BUSINESS], office=office
                )
            )
        level1 = UnitYear.objects.filter(unit__region=district, year=YEAR, level=1)
        for unit_id, unit_code in level1.values_list("unit_id", "unit__code"):
            users.append(
                account(
                    f"load-{code}-u{unit_code}",
                    district,
                    [Role.FILER, Role.LEADER],
                    unit_id=unit_id,
                )
            )
    User.objects.bulk_create(users, batch_size=1000)
    progress(f"  {len(users)} accounts")

    with transaction.atomic():
        for district in districts:
            perf = User.objects.get(username=f"load-{district.code}-perf")
            round_open(
                actor=perf,
                region=district,
                year=YEAR,
                code=ROUND_CODE,
                name="截止日前一天",
                period_end=dt.date(YEAR, 6, 30),
                deadline=max(dt.date.today() + dt.timedelta(days=1), dt.date(YEAR, 7, 31)),
            )
    filers = User.objects.filter(username__startswith="load-", unit__isnull=False)
    targets = Target.objects.filter(
        region__path__startswith=f"{PROVINCE}/", year=YEAR, project__isnull=False
    )
    # A third of the targets back to draft: the filers' work of the day.
    drafts = [
        pk for i, pk in enumerate(targets.order_by("pk").values_list("pk", flat=True)) if i % 3 == 0
    ]
    Target.objects.filter(pk__in=drafts).update(status=TargetStatus.DRAFT)
    by_unit: dict[int, dict] = {}
    for pk, unit_id, status in targets.values_list("pk", "unit_id", "status"):
        by_unit.setdefault(unit_id, {"targets": [], "reports": []})
        if status == TargetStatus.DRAFT:
            by_unit[unit_id]["targets"].append(pk)
    reports = Report.objects.filter(
        round__code=ROUND_CODE, round__region__path__startswith=f"{PROVINCE}/"
    )
    for pk, unit_id in reports.values_list("pk", "project__unit_id"):
        by_unit.setdefault(unit_id, {"targets": [], "reports": []})["reports"].append(pk)
    for username, unit_id in filers.values_list("username", "unit_id"):
        work = by_unit.get(unit_id)
        if work and (work["targets"] or work["reports"]):
            plan["filers"].append({"username": username, **work})
    names = sorted(
        User.objects.filter(username__startswith="load-").values_list("username", flat=True)
    )
    plan["reviewers"] = [n for n in names if n.rsplit("-", 1)[-1].startswith("yw")]
    plan["budget"] = sorted(
        User.objects.filter(username__startswith="load-", username__endswith="-budget").values_list(
            "username", flat=True
        )
    )
    plan["offices"] = sorted(
        User.objects.filter(username__startswith="load-", username__endswith="-perf").values_list(
            "username", flat=True
        )
    )
    plan["importers"] = plan["budget"][:1]
    progress(
        f"  {len(plan['filers'])} filers ({len(drafts)} draft targets, {reports.count()} reports), "
        f"{len(plan['reviewers'])} reviewers, {len(plan['offices'])} offices"
    )
    return plan


#: The servers started, for main's clean-up when the bench is stopped from outside.
SERVERS: list[subprocess.Popen] = []


def start_serve(env: dict, port: int, workers: int | None, threads: int | None) -> subprocess.Popen:
    command = [sys.executable, "-m", "jixiao", "serve", "--port", str(port), "--no-migrate"]
    if workers:
        command += ["--workers", str(workers)]
    if threads:
        command += ["--threads", str(threads)]
    server = subprocess.Popen(
        command,
        env=env,
        cwd=env["PWD"],
        start_new_session=True,
        stdout=subprocess.DEVNULL,
    )
    SERVERS.append(server)
    return answering(server, port, 90)


def children_cpu() -> float:
    """CPU seconds of this process's children that have ended (locust once it returns; the
    server, with its workers, once stopped)."""
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def machine_cpu() -> tuple[float, float]:
    """(busy, all) CPU seconds of the whole machine since boot, from /proc/stat (Linux)."""
    try:
        with open("/proc/stat", encoding="ascii") as f:
            ticks = [int(n) for n in f.readline().split()[1:]]
    except OSError:
        return 0.0, 0.0
    hz = os.sysconf("SC_CLK_TCK")
    idle = ticks[3] + (ticks[4] if len(ticks) > 4 else 0)  # idle and waiting on the disk
    return (sum(ticks[:8]) - idle) / hz, sum(ticks[:8]) / hz


def run_locust(env: dict, port: int, scale: dict, workdir: Path, plan_path: Path) -> Path:
    prefix = workdir / "locust"
    ledger = workdir / "ledger.json"
    command = [
        *(sys.executable, "-m", "locust", "-f", str(ROOT / "bench" / "locustfile.py")),
        *("--headless", "-u", str(scale["users"]), "-r", str(scale["rate"])),
        *("-t", f"{scale['seconds']}s", "--host", f"http://127.0.0.1:{port}"),
        *("--csv", str(prefix), "--only-summary", "--loglevel", "WARNING", "--stop-timeout", "30"),
    ]
    done = subprocess.run(
        command,
        env={**env, "LOAD_PLAN": str(plan_path), "LOAD_LEDGER": str(ledger)},
        cwd=env["PWD"],
        stdout=sys.stderr,
        stderr=sys.stderr,
    )
    progress(f"  locust ended with {done.returncode}")
    return prefix


def aggregate(prefix: Path) -> dict:
    with open(f"{prefix}_stats.csv", encoding="utf-8") as f:
        rows = list(csv.DictReader(f))
    total = next(r for r in rows if r["Name"] == "Aggregated")
    return {
        "requests": int(total["Request Count"]),
        "failures": int(total["Failure Count"]),
        "p50": float(total["50%"]),
        "p95": float(total["95%"]),
        "p99": float(total["99%"]),
        "rps": float(total["Requests/s"]),
        "rows": rows,
    }


def phases(ledger_path: Path) -> dict:
    """The pages' times once every user has signed in (the steady peak), the whole run's, and
    the sign-ins' own: ramping 200 people up in ten seconds makes a rush of password checks
    (PBKDF2, about a third of a CPU-second each) that a deadline morning spreads out."""
    ledger = json.loads(ledger_path.read_text(encoding="utf-8"))
    requests = ledger["requests"]
    settled = max(ledger["signed_in"], default=0)
    steady = [
        ms for at, name, ms, _f in requests if at > settled and not name.startswith("/login/")
    ]
    started = [
        (name, ms)
        for at, name, ms, _f in requests
        if at - ms / 1000 > settled and not name.startswith("/login/")
    ]
    by_name: dict[str, list[float]] = {}
    for name, ms in started:
        by_name.setdefault(name, []).append(ms)
    every = [ms for _at, _name, ms, _f in requests]
    signin = [ms for _at, name, ms, _f in requests if name == "/login/ (POST)"]
    return {
        "steady": len(steady),
        "steady_p50": percentile(steady, 0.50),
        "steady_p95": percentile(steady, 0.95),
        "steady_p99": percentile(steady, 0.99),
        "started": len(started),
        "started_p95": percentile([ms for _n, ms in started], 0.95),
        "started_p99": percentile([ms for _n, ms in started], 0.99),
        "started_by_name": {
            name: (len(v), percentile(v, 0.95), percentile(v, 0.99))
            for name, v in sorted(by_name.items())
        },
        "all_p95": percentile(every, 0.95),
        "all_p99": percentile(every, 0.99),
        "signin_p95": percentile(signin, 0.95),
        "failures": sum(1 for *_r, failed in requests if failed),
        "settled_after": settled - min((at for at, *_r in requests), default=settled),
    }


class LockSampler:
    """Samples the bench database's sessions every half second in a thread of its own (its own
    connection): how many there were, and which waited on a lock, on what, running what."""

    def __init__(self, url: str):
        self.url, self.sessions, self.waits = url, 0, Counter()
        self.stop = threading.Event()
        self.thread = threading.Thread(target=self._run, daemon=True)

    def _run(self) -> None:
        import psycopg

        name = urlsplit(self.url).path.strip("/")
        with psycopg.connect(self.url, autocommit=True) as conn:
            while not self.stop.wait(0.5):
                rows = conn.execute(
                    "SELECT wait_event_type, wait_event, left(query, 80) FROM pg_stat_activity "
                    "WHERE datname = %s AND pid <> pg_backend_pid() "
                    "AND backend_type = 'client backend'",
                    [name],
                ).fetchall()
                self.sessions += len(rows)
                self.waits.update((event, query) for kind, event, query in rows if kind == "Lock")

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *_exc):
        self.stop.set()
        self.thread.join(5)


def counted(ledger_path: Path, started) -> dict:
    """Lost or doubled writes: the acknowledged ones against what the database holds."""
    from django.contrib.contenttypes.models import ContentType

    from jixiao.core.models import TransitionLog
    from jixiao.monitoring.models import Report
    from jixiao.targets.models import Target

    ledger = json.loads(ledger_path.read_text(encoding="utf-8"))
    lost = 0
    last: dict[tuple[str, int], str] = {}
    for kind, pk, marker in ledger["saves"]:
        last[(kind, pk)] = marker
    goals = dict(
        Target.objects.filter(pk__in=[pk for k, pk in last if k == "target"]).values_list(
            "pk", "goal"
        )
    )
    notes = dict(
        Report.objects.filter(pk__in=[pk for k, pk in last if k == "report"]).values_list(
            "pk", "execution_note"
        )
    )
    for (kind, pk), marker in last.items():
        held = (goals if kind == "target" else notes).get(pk, "")
        lost += marker not in held
    types = {
        ContentType.objects.get_for_model(Target).pk: "target",
        ContentType.objects.get_for_model(Report).pk: "report",
    }
    logged = Counter(
        (types[ct], pk, name)
        for ct, pk, name, actor in TransitionLog.objects.filter(
            created_at__gte=started, content_type_id__in=types
        ).values_list("content_type_id", "object_id", "transition", "actor__username")
        if actor and actor.startswith("load-")
    )
    acknowledged = Counter((kind, pk, name) for kind, pk, name in ledger["transitions"])
    missing = acknowledged - logged
    extra = logged - acknowledged
    return {
        "saves": len(ledger["saves"]),
        "transitions": sum(acknowledged.values()),
        "lost_saves": lost,
        "lost_transitions": sum(missing.values()),
        "extra_transitions": sum(extra.values()),
        "total": lost + sum(missing.values()) + sum(extra.values()),
        "unsure": ledger.get("unsure", 0),
    }


def bench(workdir: Path) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--scale", choices=sorted(SCALES), default="province")
    parser.add_argument("--json", action="store_true", help="one JSON figure a line on stdout")
    parser.add_argument("--users", type=int)
    parser.add_argument("--seconds", type=int)
    parser.add_argument("--rate", type=float, help="users started a second (default: the scale's)")
    parser.add_argument("--workers", type=int, help="jixiao serve --workers (default: its own)")
    parser.add_argument("--threads", type=int, help="jixiao serve --threads (default: its own)")
    parser.add_argument("--keep", action="store_true", help="keep the database and the folder")
    parser.add_argument(
        "--reuse",
        action="store_true",
        help="reset the database a previous --keep run built for the scale instead of building "
        "it (built when missing); kept afterwards",
    )
    args, _rest = parser.parse_known_args()
    OUT["json"] = args.json
    scale = dict(SCALES[args.scale])
    scale["users"] = args.users or scale["users"]
    scale["seconds"] = args.seconds or scale["seconds"]
    scale["rate"] = args.rate or scale["rate"]
    url, env, plan = prepare(args.scale, workdir, reuse=args.reuse)
    from django.db import connection
    from django.utils import timezone

    plan_path = workdir / "plan.json"
    plan_path.write_text(json.dumps(plan), encoding="utf-8")
    connection.close()

    port = free_port()
    cpu_at_start = children_cpu()
    server = start_serve(env, port, args.workers, args.threads)
    began = timezone.now()
    before = os.getloadavg()[0]
    try:
        progress(f"load: {scale['users']} users, {scale['seconds']} s, ramp {scale['rate']}/s")
        with LockSampler(url) as locks:
            machine_before, client_before = machine_cpu(), children_cpu()
            prefix = run_locust(env, port, scale, workdir, plan_path)
            machine_after, client_after = machine_cpu(), children_cpu()
    finally:
        stop_server(server)
    stats = aggregate(prefix)
    say(
        f"the machine's load average: {before:.1f} before the run, {os.getloadavg()[1]:.1f} over "
        f"its last 5 minutes ({os.cpu_count()} cores; other work on the machine slows every page)"
    )
    client = client_after - client_before
    served = children_cpu() - cpu_at_start - client
    busy = machine_after[0] - machine_before[0]
    elapsed = machine_after[1] - machine_before[1]
    say(
        f"CPU over the run: the server (jixiao serve: its web workers, the job worker, their start) "
        f"{served:.0f} s, locust {client:.0f} s, the whole machine {busy:.0f} s of "
        f"{elapsed:.0f} s ({busy / max(elapsed, 1) * 100:.0f}% busy; the rest of it is "
        f"PostgreSQL's and other work's); a request: the server {served / stats['requests'] * 1000:.1f} "
        f"ms, locust {client / stats['requests'] * 1000:.1f} ms, the machine "
        f"{busy / stats['requests'] * 1000:.1f} ms"
    )
    writes = counted(workdir / "ledger.json", began)
    times = phases(workdir / "ledger.json")
    say(
        f"{stats['requests']} requests, {stats['failures']} failed; p50 {stats['p50']:.0f} ms, "
        f"p95 {stats['p95']:.0f} ms, p99 {stats['p99']:.0f} ms, {stats['rps']:.1f} requests/s"
    )
    for row in stats["rows"]:
        if row["Name"] != "Aggregated":
            say(
                f"  {row['Type']:5} {row['Name']:32} {row['Request Count']:>6} "
                f"fail {row['Failure Count']:>4}  p50 {row['50%']:>6}  p95 {row['95%']:>6}  "
                f"p99 {row['99%']:>6} ms"
            )
    say(
        f"writes: {writes['saves']} saves and {writes['transitions']} transitions acknowledged; "
        f"{writes['lost_saves']} saves lost, {writes['lost_transitions']} transitions lost, "
        f"{writes['extra_transitions']} unacknowledged or doubled "
        f"({writes['unsure']} requests without an answer)"
    )
    say(
        f"once every user had signed in ({times['settled_after']:.0f} s into the run): "
        f"{times['steady']} page requests, p50 {times['steady_p50']:.0f} ms, p95 "
        f"{times['steady_p95']:.0f} ms, p99 {times['steady_p99']:.0f} ms; the sign-ins' p95 "
        f"{times['signin_p95']:.0f} ms"
    )
    say(
        f"started once every user had signed in: {times['started']} page requests, p95 "
        f"{times['started_p95']:.0f} ms, p99 {times['started_p99']:.0f} ms; each request:"
    )
    for name, (count, p95, p99) in times["started_by_name"].items():
        say(f"  {name:44} {count:>6}  p95 {p95:>6.0f}  p99 {p99:>6.0f} ms")
    waiting = sum(locks.waits.values())
    say(
        f"database sessions sampled: {locks.sessions}, {waiting} of them waiting on a lock"
        + "".join(f"\n  {n} × {event}: {query}" for (event, query), n in locks.waits.most_common(5))
    )
    figure("load_p95_ms", times["steady_p95"], "ms", goal=1000)
    figure("load_p99_ms", times["steady_p99"], "ms", goal=2000)
    figure("load_started_p95_ms", times["started_p95"], "ms", goal=1000)
    figure("load_started_p99_ms", times["started_p99"], "ms", goal=2000)
    figure("load_lock_waits", waiting / max(1, locks.sessions), "share of sessions")
    figure("load_all_p95_ms", times["all_p95"], "ms", goal=1000)
    figure("load_all_p99_ms", times["all_p99"], "ms", goal=2000)
    figure("load_signin_p95_ms", times["signin_p95"], "ms")
    figure("load_errors", max(stats["failures"], times["failures"]), "errors", goal=0)
    figure("load_rps", stats["rps"], "requests/s")
    figure("load_lost_writes", writes["total"], "writes", goal=0)
    if args.keep or args.reuse:
        say(f"kept: database {DATABASES[args.scale]}, folder {workdir}")


def main() -> None:
    # Stopped from outside (the runner's budget): stop the server (it has a session of its own)
    # and leave no database or folder behind.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(1))
    workdir = Path(tempfile.mkdtemp(prefix="jixiao-load-"))
    try:
        bench(workdir)
    finally:
        for server in SERVERS:
            stop_server(server)
        if "--keep" not in sys.argv and "--reuse" not in sys.argv:
            shutil.rmtree(workdir, ignore_errors=True)
            with contextlib.suppress(Exception):  # Django not set up yet: nothing open
                from django.db import connections

                connections.close_all()
            for url in BUILT:
                with contextlib.suppress(Exception):  # no PostgreSQL: no database made
                    recreate(url, drop_only=True)


if __name__ == "__main__":
    main()
