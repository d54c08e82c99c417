"""Benchmark of the targets stage: lint throughput over a province, and the queries
and time of the targets list and review queue pages.

    .venv/bin/python bench/targets.py [--regions 100] [--indicators 15] [--scale small|province]
                                      [--json]

`--scale small` is 10 districts. With `--json` (CONTRACT.md, Benchmarks) the figures go to stdout
one JSON object a line and the readable lines to stderr: `targets_lint` s (the pure lint of the
province, its baseline only reading the same rows), `targets_list_province_ms`,
`targets_queue_province_ms` and their `_queries`.

Uses a fresh SQLite file in a temporary folder unless DATABASE_URL is set. Prints: generate
time; pure lint throughput (targets per second) against only reading the same rows; the
service path (lint with history and sibling context, per target: time and queries); the list
and queue pages (time, queries) for a district budget office and a province user.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(Path(__file__).resolve().parent))

import prepared  # noqa: E402
from key_evaluations import OUT, figure, say  # noqa: E402


def setup(regions: int, indicators: int) -> None:
    workdir = Path(tempfile.mkdtemp(prefix="jixiao-bench-"))
    url = os.environ.get("DATABASE_URL") or f"sqlite:///{workdir / 'bench.sqlite3'}"
    os.environ.update(
        {
            "DATABASE_URL": url,
            "ALLOWED_HOSTS": "testserver,localhost",
            "DJANGO_SETTINGS_MODULE": "jixiao.settings",
        }
    )
    run = [sys.executable, "-m", "jixiao"]
    # built once a run of ./dev bench, by bench/foundation.py, and copied here (prepared.py)
    prepared.jixiao(["demo", "--reset", "--quiet"], {**os.environ, "PWD": str(workdir)})
    started = time.perf_counter()
    subprocess.run(
        run
        + [
            "generate",
            "--regions",
            str(regions),
            "--indicators",
            str(indicators),
            "--replace",
            "--quiet",
        ],
        check=True,
        cwd=workdir,
        stdout=subprocess.DEVNULL,
    )
    say(
        f"generate --regions {regions} --indicators {indicators}: "
        f"{time.perf_counter() - started:.1f} s"
    )
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()


def read_only(targets_qs) -> float:
    from jixiao.targets.models import Indicator

    started = time.perf_counter()
    for chunk in chunks(targets_qs):
        list(
            Indicator.objects.filter(target_id__in=[t.id for t in chunk]).values_list(
                "target_id", "category", "subcategory", "name", "value_text", "unit", "weight"
            )
        )
    return time.perf_counter() - started


def chunks(targets_qs, size: int = 2000):
    ids = list(targets_qs.values_list("id", flat=True))
    for start in range(0, len(ids), size):
        yield list(
            targets_qs.model.objects.filter(id__in=ids[start : start + size]).select_related(
                "project"
            )
        )


def pure_lint(targets_qs) -> tuple[float, int, int]:
    """Load rows, build declarations and lint them (no context): the batch path."""
    from collections import defaultdict

    from jixiao.core.rulebook import named
    from jixiao.targets.adapters import declaration_of
    from jixiao.targets.lint import lint
    from jixiao.targets.models import Indicator

    rules = named()
    lint_rules, catalogue = rules.section("lint"), rules.section("catalogue")
    count = findings = 0
    started = time.perf_counter()
    for chunk in chunks(targets_qs):
        grid = defaultdict(list)
        for row in Indicator.objects.filter(target_id__in=[t.id for t in chunk]).order_by(
            "target_id", "position"
        ):
            grid[row.target_id].append(row)
        for target in chunk:
            result = lint(
                declaration_of(target, grid[target.id]),
                rules=lint_rules,
                catalogue=catalogue,
            )
            findings += len(result.findings)
            count += 1
    return time.perf_counter() - started, count, findings


def service_lint(targets_qs, sample: int) -> tuple[float, float]:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from jixiao.targets.services import refresh_findings

    targets = list(targets_qs.select_related("project", "region")[:sample])
    with CaptureQueriesContext(connection) as ctx:
        started = time.perf_counter()
        for target in targets:
            refresh_findings(target)
        elapsed = time.perf_counter() - started
    return elapsed / len(targets), len(ctx) / len(targets)


def page(username: str, region_code: str, url: str, repeat: int = 5) -> tuple[float, int]:
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from jixiao.orgs.models import Region, User

    client = Client()
    client.force_login(User.objects.get(username=username))
    client.post(
        "/work-context/", {"region": Region.objects.get(code=region_code).id, "year": "2022"}
    )
    client.get(url)
    times, queries = [], 0
    for _ in range(repeat):
        with CaptureQueriesContext(connection) as ctx:
            started = time.perf_counter()
            assert client.get(url).status_code == 200
            times.append(time.perf_counter() - started)
        queries = len(ctx)
    return statistics.median(times), queries


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--regions", type=int, help="districts (default: 100, 10 at --scale small)")
    parser.add_argument("--indicators", type=int, default=15)
    parser.add_argument("--scale", choices=("small", "province"), default="province")
    parser.add_argument("--json", action="store_true", help="one JSON figure a line on stdout")
    args, _unknown = parser.parse_known_args()  # `./dev bench` passes every bench the same options
    args.regions = args.regions or (10 if args.scale == "small" else 100)
    OUT["json"] = args.json
    setup(args.regions, args.indicators)
    from jixiao.targets.models import Target

    province = Target.objects.filter(region__path__startswith="990000/")
    base = read_only(province)
    elapsed, count, findings = pure_lint(province)
    say(
        f"pure lint: {count} targets in {elapsed:.1f} s = {count / elapsed:,.0f} targets/s "
        f"({findings} findings); reading the same rows alone {base:.1f} s; "
        f"ratio {elapsed / base:.1f}x"
    )
    figure("targets_lint", elapsed, "s", baseline=base)
    per_target, queries = service_lint(province, 300)
    say(
        f"service lint with context: {per_target * 1000:.1f} ms and {queries:.0f} queries "
        f"per target"
    )
    for label, user, region in [
        ("district budget office", "budget", "360102"),
        (f"province ({args.regions} districts)", "gen-990000-budget", "990000"),
    ]:
        for name, url in [("targets list", "/targets/"), ("review queue", "/targets/queue/")]:
            seconds, queries = page(user, region, url)
            say(f"{name}, {label}: {seconds * 1000:.1f} ms, {queries} queries")
            if region == "990000":
                slug = "list" if url == "/targets/" else "queue"
                figure(f"targets_{slug}_province_ms", seconds * 1000, "ms")
                figure(f"targets_{slug}_province_queries", queries, "queries")


if __name__ == "__main__":
    main()
