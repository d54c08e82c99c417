"""Benchmark: the API fuzzing run at length.

    .venv/bin/python bench/fuzz_api.py [--calls 10000]

Runs the CI test jixiao/api/tests/test_api_fuzz.py with a budget of `--calls` generated requests
(schemathesis over /api/v1/openapi.json, in-process through the WSGI handler, spread over every
operation × every persona's token and no token, two in three valid and one in three invalid on
purpose) on a fresh test database: SQLite in memory, or PostgreSQL when DATABASE_URL names one.
Prints the run's figures: calls made, the answers' status codes, the calls per endpoint and per
caller, the 5xx answers and the answers outside the document (status code, content type, body),
the time and calls per second. Exits non-zero when the test fails. With `--json` the report goes
to stderr and three figures to stdout: `api_fuzz_5xx` and `api_fuzz_violations` (counts, goal
0) and `api_fuzz_calls_per_s`.

Every operation × caller gets at least one valid and one invalid call, so a budget under that
floor (83 operations × 14 callers × 2 = 2,324 calls) makes the same run as the test suite's own
(`test_api_fuzz.py`, 2,000): the small run of `./dev bench` leaves this script out for that
reason (bench/run.py, SMALL_LEFT_OUT); `--only fuzz_api` runs it.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import prepared  # this folder is on sys.path when run as a script

ROOT = Path(__file__).resolve().parent.parent
MARK = "--- API fuzzing ---"  # test_api_fuzz.REPORT


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--calls", type=int, help="requests (default: 10,000, 500 at --scale small)"
    )
    parser.add_argument("--scale", choices=("small", "province"), default="province")
    parser.add_argument("--json", action="store_true", help="the figures as JSON lines on stdout")
    args, _rest = parser.parse_known_args()  # `./dev bench` passes every script the same options
    args.calls = args.calls or (500 if args.scale == "small" else 10_000)
    env = {**os.environ, "JIXIAO_FUZZ_CALLS": str(args.calls)}
    command = [
        *(sys.executable, "-m", "pytest", "-q", "-s", "-n", "0", "-p", "no:cacheprovider"),
        "jixiao/api/tests/test_api_fuzz.py",
    ]
    workdir = Path(tempfile.mkdtemp(prefix="jixiao-bench-fuzz-"))
    test_db = workdir / "test.sqlite3"
    if "DATABASE_URL" not in os.environ and prepared.copy_kept("migrated", test_db):
        # the test database as its creation would migrate it, copied from this run of
        # ./dev bench; --reuse-db keeps pytest-django from migrating it afresh
        env["JIXIAO_TEST_SQLITE"] = str(test_db)
        command.insert(-1, "--reuse-db")
    started = time.monotonic()
    done = subprocess.run(command, cwd=ROOT, env=env, capture_output=True, text=True)
    elapsed = time.monotonic() - started
    shutil.rmtree(workdir, ignore_errors=True)
    parts = done.stdout.split(MARK)
    database = os.environ.get("DATABASE_URL", "sqlite (in memory)").split("@")[-1]
    out = sys.stderr if args.json else sys.stdout
    report = parts[1].strip() if len(parts) > 2 else ""
    print(f"API fuzzing: budget {args.calls} calls, database {database}", file=out)
    print(report or done.stdout[-20000:] + done.stderr[-5000:], file=out)
    print(
        f"pytest: {elapsed:.1f} s in all (test database and fixtures included), "
        f"exit {done.returncode}",
        file=out,
    )
    if args.json and report:
        for name, value, unit, goal in figures(report):
            print(json.dumps({"name": name, "value": value, "unit": unit, "baseline": None,
                              "ratio": None, "goal": goal}))  # fmt: skip
    return done.returncode


def figures(report: str) -> list[tuple[str, float, str, float | None]]:
    """The run's figures read from the test's report (jixiao/api/tests/fuzzing.py, Run)."""

    def number(pattern: str) -> float:
        return float(re.search(pattern, report).group(1))

    return [
        ("api_fuzz_5xx", number(r"5xx answers: (\d+)"), "count", 0),
        ("api_fuzz_violations", number(r"schema violations: (\d+)"), "count", 0),
        ("api_fuzz_calls_per_s", number(r"time: [\d.]+ s, ([\d.]+) calls/s"), "calls/s", None),
    ]


if __name__ == "__main__":
    sys.exit(main())
