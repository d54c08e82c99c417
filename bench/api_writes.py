"""Benchmark of the write API's payments push (issue 17): the same payment rows pushed through
`POST /api/v1/payments` in batches of 10,000 against imported with `jixiao import payments`.

    .venv/bin/python bench/api_writes.py [--scale small|province] [--json] [--keep]
    ./dev bench --json --scale small          (runs every bench script with the same options)

Scale: `small` is 2 districts, `province` 10, each of 834 projects with 12 months paid (10,000
rows a district, one batch). Uses a fresh SQLite file in a temporary folder unless DATABASE_URL
is set; then it replaces the synthetic province 990000 in that database. Options it does not
know are ignored (`./dev bench` passes every bench the same ones). Progress goes to stderr.

1. Setup (reported, not a figure): `jixiao migrate`, `jixiao generate --regions D --units 12
   --projects 834 --indicators 0 --years 1`.
2. Baseline: each district's rows as a CSV file imported by `jixiao import payments FILE
   --region D` (the management command, called in this process, so that neither side pays
   for starting Python and Django).
3. The province's payments and their alerts deleted, the app loaded as a server loads it
   (`jixiao.wsgi`, untimed), then each district's same rows pushed as one JSON body by the
   Django test client with the province user's API token, the request going through the whole
   stack (middleware, token, JSON parsing, the schema, the importer's checks, one transaction).
   Every push must answer 200 and write the same payments as the import (the bench exits
   non-zero otherwise).

Figures (`--json`: one object a line, {"name","value","unit","baseline","ratio","goal"}):

- `api_payments_push` s for all the pushes, ratio to the imports of the same rows: goal 2 (the
  API reads JSON and checks a schema on top of the same import).
- `api_payments_push_queries` per batch of 10,000 rows: goal 100 (the importer's bulk queries,
  whatever the number of rows).
"""

from __future__ import annotations

import argparse
import contextlib
import csv
import io
import json
import os
import random
import shutil
import sys
import tempfile
import time
from decimal import Decimal
from pathlib import Path

# The helpers every bench shares (run as a script, this folder is on sys.path).
from key_evaluations import OUT
from key_evaluations import figure as shared_figure
from monitoring import _env, _setup_django, counted
from prepared import jixiao as _run  # a run of ./dev bench migrates once

YEAR = 2022
PROVINCE = "990000"
PROVINCE_USER = f"gen-{PROVINCE}-budget"
SCALES = {"small": 2, "province": 10}
PROJECTS = 834  # 12 months each: 10,008 rows, cut to one batch of 10,000
BATCH = 10_000
HEADER = ["项目编码", "年度", "月份", "支付金额（万元）"]


def figure(name, value, unit, baseline=None, goal=None) -> None:
    with contextlib.redirect_stdout(sys.__stdout__):
        shared_figure(name, value, unit, baseline=baseline, goal=goal)


def district_rows(district, rng: random.Random) -> list[list]:
    from jixiao.budgets.models import Project

    rows = []
    projects = Project.objects.filter(region=district, year=YEAR).order_by("code")
    for code in projects.values_list("code", flat=True):
        for month in range(1, 13):
            rows.append([code, YEAR, month, Decimal(rng.randint(1, 500_000)) / 100])
    return rows[:BATCH]


def csv_file(path: Path, rows: list[list]) -> None:
    out = io.StringIO(newline="")
    writer = csv.writer(out)
    writer.writerow(HEADER)
    writer.writerows(rows)
    path.write_text(out.getvalue(), encoding="utf-8")


def body(district, rows: list[list]) -> str:
    items = [{"code": c, "year": y, "month": m, "amount": str(a)} for c, y, m, a in rows]
    return json.dumps({"region": district.code, "rows": items}, ensure_ascii=False)


def payments_written(prefix: str) -> list[tuple]:
    from jixiao.budgets.models import Payment

    return sorted(
        Payment.objects.filter(project__region__path__startswith=prefix).values_list(
            "project_id", "month", "amount"
        )
    )


def reset(prefix: str) -> None:
    from jixiao.budgets.models import Payment, PaymentTotal
    from jixiao.monitoring.models import Alert

    Alert.objects.filter(project__region__path__startswith=prefix).delete()
    Payment.objects.filter(project__region__path__startswith=prefix).delete()
    # The payments' kept totals go with them, as every writer of payments keeps them.
    PaymentTotal.objects.filter(project__region__path__startswith=prefix).delete()


def imports(workdir: Path, districts, batches) -> float:
    from django.core.management import call_command

    seconds = 0.0
    for district, rows in zip(districts, batches, strict=True):
        path = workdir / f"payments-{district.code}.csv"
        csv_file(path, rows)
        started = time.perf_counter()
        call_command(
            "import",
            "payments",
            str(path),
            region=district.code,
            user=PROVINCE_USER,
            stdout=io.StringIO(),
        )
        seconds += time.perf_counter() - started
    return seconds


def pushes(districts, batches) -> tuple[float, int]:
    from django.test import Client

    from jixiao.core.models import ApiToken
    from jixiao.orgs.models import User

    _token, key = ApiToken.objects.issue(User.objects.get(username=PROVINCE_USER), "bench")
    client = Client()
    # The app loaded before the timing as a server loads it when it starts (`jixiao serve`
    # preloads `jixiao.wsgi` in gunicorn's master): the URLs and the views they import, then
    # what is alive handed to the collector's permanent generation and the web workers'
    # collector thresholds (`core.collector.settle_preloaded_app`). A served push pays for
    # neither the URLs nor a full collection of what loading them made (about 90 ms, which
    # the first push paid here while only the URLs were loaded first); the import's side, a
    # command called in this process, pays for no URLs either.
    import jixiao.wsgi  # noqa: F401

    seconds, queries = 0.0, 0
    for district, rows in zip(districts, batches, strict=True):
        data = body(district, rows)
        with counted() as counter:
            started = time.perf_counter()
            response = client.post(
                "/api/v1/payments",
                data,
                content_type="application/json",
                HTTP_AUTHORIZATION=f"Bearer {key}",
            )
            seconds += time.perf_counter() - started
        if response.status_code != 200:
            sys.exit(f"push of {district.code} answered {response.status_code}: {response.content}")
        queries += counter["n"]
    return seconds, queries


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--scale", choices=sorted(SCALES), default="province")
    parser.add_argument("--json", action="store_true", help="one JSON figure a line on stdout")
    parser.add_argument("--keep", action="store_true", help="keep the temporary folder")
    args, _unknown = parser.parse_known_args()  # `./dev bench` passes every bench the same options
    OUT["json"] = args.json
    if args.json:
        sys.stdout = sys.stderr  # the readable lines; `figure` writes to the real stdout
    regions = SCALES[args.scale]
    workdir = Path(tempfile.mkdtemp(prefix="jixiao-bench-api-writes-"))
    env = _env(workdir)
    os.environ.update(env)
    print(f"database: {env['DATABASE_URL'].split('@')[-1]}")
    print(f"jixiao migrate: {_run(['migrate', '--noinput'], env):.1f} s")
    generate = ["generate", "--regions", str(regions), "--units", "12", "--projects"]
    generate += [str(PROJECTS), "--indicators", "0", "--years", "1", "--province", PROVINCE]
    seconds = _run([*generate, "--replace", "--quiet"], env)
    print(f"jixiao generate --regions {regions} --projects {PROJECTS}: {seconds:.1f} s")
    _setup_django()
    from jixiao.orgs.models import Region

    prefix = f"{PROVINCE}/"
    districts = list(Region.objects.filter(path__startswith=prefix, level="district"))
    rng = random.Random(17)
    batches = [district_rows(d, rng) for d in districts]
    rows = sum(len(b) for b in batches)

    imported = imports(workdir, districts, batches)
    expected = payments_written(prefix)
    print(f"jixiao import payments: {rows:,} rows in {len(batches)} files, {imported:.2f} s")
    reset(prefix)
    pushed, queries = pushes(districts, batches)
    if payments_written(prefix) != expected:
        sys.exit("the API wrote other payments than the import of the same rows")
    print(f"POST /api/v1/payments: {rows:,} rows in {len(batches)} batches, {pushed:.2f} s")
    figure("api_payments_push", pushed, "s", baseline=imported, goal=2)
    figure("api_payments_push_queries", queries / len(batches), "queries", goal=100)
    if not args.keep:
        shutil.rmtree(workdir, ignore_errors=True)


if __name__ == "__main__":
    main()
