"""Benchmark of the foundation: demo, generate, and the project list at scale.

Prints: `jixiao demo` time; `jixiao generate --regions N` time and database size; the project
list page (time, queries, peak Python memory) for the demo's `unit` persona and for a province
user over N districts, against a bare baseline (one hand-written SQL query for the same page and
count). Uses a fresh SQLite file in a temporary folder unless DATABASE_URL is set.

    .venv/bin/python bench/foundation.py [--regions 100] [--repeat 5] [--scale small|province] [--json]

`--scale small` is 10 districts. With `--json` (CONTRACT.md, Benchmarks) the figures go to stdout
one JSON object a line and the readable lines to stderr: `project_list_<who>_ms` (unit, district,
province) with the bare SQL as its baseline, and `project_list_<who>_queries`.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
import tracemalloc
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(Path(__file__).resolve().parent))

import prepared  # noqa: E402
from key_evaluations import OUT, figure, say  # noqa: E402

JIXIAO = [sys.executable, "-m", "jixiao"]


def run(args: list[str], env: dict) -> float:
    """`jixiao ARGS`; a run of ./dev bench builds the demo once, for bench/targets.py too."""
    return prepared.jixiao(args, env)


def db_size(url: str) -> str:
    if not url.startswith("sqlite:///"):
        return "n/a (PostgreSQL: see pg_database_size)"
    path = Path(url.removeprefix("sqlite:///"))
    total = sum(p.stat().st_size for p in path.parent.glob(path.name + "*"))
    return f"{total / 1048576:.1f} MB"


def measure(client, url: str, repeat: int) -> tuple[float, int, float]:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client.get(url)  # warm caches (templates, prepared statements)
    times, queries = [], 0
    for _ in range(repeat):
        with CaptureQueriesContext(connection) as ctx:
            started = time.perf_counter()
            response = client.get(url)
            times.append(time.perf_counter() - started)
        assert response.status_code == 200, response.status_code
        queries = len(ctx)
    tracemalloc.start()
    client.get(url)
    peak = tracemalloc.get_traced_memory()[1] / 1048576
    tracemalloc.stop()
    return statistics.median(times), queries, peak


def baseline(region_path: str, year: int, repeat: int) -> float:
    """One page of projects (with unit name) and the count, in raw SQL: the floor."""
    from django.db import connection

    sql_page = (
        "SELECT p.id, p.code, p.name, u.name, p.full_current + p.full_carryover + p.full_other "
        "FROM budgets_project p JOIN orgs_unit u ON u.id = p.unit_id "
        "JOIN orgs_region r ON r.id = p.region_id WHERE r.path LIKE %s AND p.year = %s "
        "ORDER BY p.year, p.code LIMIT 50"
    )
    sql_count = (
        "SELECT COUNT(*) FROM budgets_project p JOIN orgs_region r ON r.id = p.region_id "
        "WHERE r.path LIKE %s AND p.year = %s"
    )
    times = []
    for _ in range(repeat + 1):
        started = time.perf_counter()
        with connection.cursor() as cursor:
            cursor.execute(sql_count, [region_path + "%", year])
            cursor.fetchall()
            cursor.execute(sql_page, [region_path + "%", year])
            cursor.fetchall()
        times.append(time.perf_counter() - started)
    return statistics.median(times[1:])


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--regions", type=int, help="districts (default: 100, 10 at --scale small)")
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--scale", choices=("small", "province"), default="province")
    parser.add_argument("--json", action="store_true", help="one JSON figure a line on stdout")
    args, _unknown = parser.parse_known_args()  # `./dev bench` passes every bench the same options
    args.regions = args.regions or (10 if args.scale == "small" else 100)
    OUT["json"] = args.json
    workdir = Path(tempfile.mkdtemp(prefix="jixiao-bench-"))
    url = os.environ.get("DATABASE_URL") or f"sqlite:///{workdir / 'bench.sqlite3'}"
    env = {
        **os.environ,
        "DATABASE_URL": url,
        "PWD": str(workdir),
        "ALLOWED_HOSTS": "testserver,localhost",
    }
    say(f"database: {url.split('@')[-1]}")
    seconds = run(["demo", "--reset", "--quiet"], env)
    say(f"jixiao demo: {seconds:.1f} s{prepared.note('demo')}")
    elapsed = run(["generate", "--regions", str(args.regions), "--replace", "--quiet"], env)
    say(f"jixiao generate --regions {args.regions}: {elapsed:.1f} s, database {db_size(url)}")

    os.environ.update(env)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "jixiao.settings")
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from django.test import Client

    from jixiao.orgs.models import Region, User

    for slug, label, username, region_code in [
        ("unit", "district, unit persona", "unit", "360102"),
        ("district", "district, budget office", "budget", "360102"),
        ("province", f"province of {args.regions} districts", "gen-990000-budget", "990000"),
    ]:
        client = Client()
        client.force_login(User.objects.get(username=username))
        region = Region.objects.get(code=region_code)
        client.post("/work-context/", {"region": region.id, "year": "2022"})
        seconds, queries, peak = measure(client, "/projects/", args.repeat)
        shown = client.get("/projects/").content.decode()
        assert "共 0 条" not in shown, "the page listed no projects: wrong region or year"
        floor = baseline(region.path, 2022, args.repeat)
        say(
            f"project list ({label}): {seconds * 1000:.1f} ms, {queries} queries, "
            f"peak {peak:.1f} MB; bare SQL over the region {floor * 1000:.2f} ms; ratio {seconds / floor:.1f}x"
        )
        figure(f"project_list_{slug}_ms", seconds * 1000, "ms", baseline=floor * 1000)
        figure(f"project_list_{slug}_queries", queries, "queries")


if __name__ == "__main__":
    main()
