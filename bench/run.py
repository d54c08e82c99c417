"""`./dev bench`: every bench script with the same options, and with `--json` one figure a line.

    .venv/bin/python bench/run.py [--json] [--scale small|province] [--only NAME,...]
                                  [--skip NAME,...] [--budget SECONDS] [--total SECONDS]
                                  [other options...]
    ./dev bench --json --scale small

Runs each script of bench/ (every `*.py` but this runner and the locust file; those with the
reserved figures first, FIRST, then the others in name order) in
its own process with the options given here, all of them, the unknown ones included: the
scripts ignore the options they do not know. `--only` and `--skip` pick scripts by name
(`load`, `reports`, …). `--budget` bounds each script's wall time and `--total` the whole run;
at `--scale small` they default to SMALL_BUDGET(S) and SMALL_TOTAL, so that the whole run stays
under ten minutes on two cores (0 turns a bound off); it leaves out the scripts of
SMALL_LEFT_OUT, saying why, unless `--only` names them. A script over its budget is stopped (its
process group) and named on stderr; a script whose turn comes after the total is spent is not
started, and named too. Each script's wall time, CPU time (with its children's) and the load
average go to stderr. The run's set-up is made once: the scripts find a folder of the run in
JIXIAO_BENCH_CACHE, where the first to migrate a SQLite database or build the demo keeps it for
the others to copy (prepared.py); the folder is removed at the end.

With `--json` (CONTRACT.md, Benchmarks) standard output holds only JSON lines, one object a
line: `{"name", "value", "unit", "baseline", "ratio", "goal"}`. Each line a script prints is
checked (see `check`): a well-formed figure is passed on with its ratio recomputed as
value ÷ baseline (or null without a baseline); anything else a script prints on stdout goes
to stderr, as does the scripts' own stderr (progress). A malformed figure, a reserved name used
for something other than what CONTRACT.md reserves it for, a name given twice, or a script that
fails or runs over its budget is reported on stderr and makes the exit status 1; the figures of
the other scripts are still printed.

Without `--json` the scripts' output passes through unchanged (the readable reports).
"""

from __future__ import annotations

import argparse
import json
import math
import os
import queue
import resource
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

BENCH = Path(__file__).resolve().parent
ROOT = BENCH.parent
#: Not bench scripts: modules of others (the locust users, their forms, the set-up kept for the
#: run) and page_costs, a
#: diagnostic of the load test's requests run by hand on its database (docs/performance.md).
NOT_SCRIPTS = {"run", "locustfile", "html_forms", "page_costs", "prepared"}
KEYS = ("name", "value", "unit", "baseline", "ratio", "goal")
#: At --scale small: seconds a script may take (SMALL_BUDGETS by name, else SMALL_BUDGET), and
#: the whole run (SMALL_TOTAL): the small scale finishes in under ten minutes on two cores, and a
#: script still running when the total is spent is stopped, those after it are not started.
SMALL_BUDGET = 90
SMALL_BUDGETS = {"load": 200, "pipeline": 150}
SMALL_TOTAL = 570
#: Scripts the small run leaves out unless `--only` names them, and why (said on stderr).
SMALL_LEFT_OUT = {
    "fuzz_api": "its small budget is below the fuzzing's floor of a valid and an invalid call "
    "for each operation and caller, so it would make the test suite's own run "
    "(jixiao/api/tests/test_api_fuzz.py); --only fuzz_api runs it",
}
#: The scripts of the reserved figures first, so that a bounded run always has them.
FIRST = ["targets_import", "monitoring", "reports", "evaluations", "load", "pipeline"]

#: The names CONTRACT.md reserves for the province-scale figures, and what each must be: a ratio
#: to a bare baseline measured in the same run (`baseline` required), or the load test's figures
#: with their units.
RATIO_NAMES = frozenset({"targets_import", "payments_import", "year_stats", "rescoring"})
LOAD_UNITS = {"load_p95_ms": {"ms"}, "load_errors": {"errors", "count", ""}}
RESERVED = RATIO_NAMES | set(LOAD_UNITS)


def scripts(folder: Path, only: set[str], skip: set[str]) -> list[Path]:
    """The scripts to run: those of FIRST in that order, then the others by name."""
    found = sorted(
        (p for p in folder.glob("*.py") if p.stem not in NOT_SCRIPTS),
        key=lambda p: (FIRST.index(p.stem) if p.stem in FIRST else len(FIRST), p.stem),
    )
    return [p for p in found if (not only or p.stem in only) and p.stem not in skip]


def _number(value) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool) and math.isfinite(value)


def check(item) -> tuple[dict | None, str | None]:
    """A printed figure as the runner passes it on, or why it is refused.

    Well formed: an object with exactly the six keys; `name` and `unit` strings; `value` a
    finite number; `baseline` and `goal` a finite number or null; `ratio` is recomputed here
    as value ÷ baseline (null without a baseline or with a zero one), whatever the script
    said. Reserved names: `targets_import`, `payments_import`, `year_stats` and `rescoring`
    are ratios to a bare baseline, so they need one; `load_p95_ms` is in milliseconds and
    `load_errors` a count of errors, never negative.
    """
    if not isinstance(item, dict):
        return None, "not a JSON object"
    if set(item) != set(KEYS):
        return None, f"keys must be exactly {', '.join(KEYS)}"
    name, unit = item["name"], item["unit"]
    if not isinstance(name, str) or not name or not isinstance(unit, str):
        return None, "name and unit must be strings"
    if not _number(item["value"]):
        return None, f"{name}: value must be a finite number"
    for key in ("baseline", "goal"):
        if item[key] is not None and not _number(item[key]):
            return None, f"{name}: {key} must be a finite number or null"
    if name in RATIO_NAMES and not item["baseline"]:
        return None, f"{name} is reserved for a ratio to a bare baseline: the baseline is missing"
    if name in LOAD_UNITS:
        if unit not in LOAD_UNITS[name]:
            return None, f"{name} is reserved for the load test, in {sorted(LOAD_UNITS[name])}"
        if item["value"] < 0:
            return None, f"{name} cannot be negative"
    baseline = item["baseline"]
    ratio = round(item["value"] / baseline, 4) if baseline else None
    return {key: item[key] for key in KEYS} | {"ratio": ratio}, None


class Run:
    """One script's figures and complaints, collected while it runs."""

    def __init__(self, json_mode: bool, seen: dict[str, str]):
        self.json_mode, self.seen = json_mode, seen
        self.problems: list[str] = []

    def line(self, script: str, text: str) -> None:
        if not self.json_mode:
            sys.stdout.write(text)
            sys.stdout.flush()
            return
        stripped = text.strip()
        if not stripped.startswith("{"):
            if stripped:
                print(f"[{script}] {stripped}", file=sys.stderr, flush=True)
            return
        try:
            item = json.loads(stripped)
        except ValueError:
            self.problems.append(f"{script}: a line that is not JSON: {stripped[:120]}")
            return
        figure, why = check(item)
        if figure is None:
            self.problems.append(f"{script}: {why}")
            return
        if figure["name"] in self.seen:
            self.problems.append(
                f"{script}: {figure['name']} was already given by {self.seen[figure['name']]}"
            )
            return
        self.seen[figure["name"]] = script
        print(json.dumps(figure, ensure_ascii=False), flush=True)


def run_script(path: Path, options: list[str], budget: float, run: Run) -> float:
    """Run one script, its stdout through `run.line`, its stderr to ours; its wall time."""
    started = time.monotonic()
    child = subprocess.Popen(
        [sys.executable, str(path), *options],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=None,
        text=True,
        bufsize=1,
        start_new_session=True,  # its own process group: a stop takes its servers with it
    )
    lines: queue.Queue = queue.Queue()
    reader = threading.Thread(target=_read, args=(child.stdout, lines), daemon=True)
    reader.start()
    over = False
    while True:
        left = budget - (time.monotonic() - started) if budget else None
        if left is not None and left <= 0:
            over = True
            break
        try:
            text = lines.get(timeout=None if left is None else min(left, 5))
        except queue.Empty:
            continue
        if text is None:
            break
        run.line(path.stem, text)
    if over:
        _stop(child)
        run.problems.append(f"{path.stem}: stopped after its budget of {budget:.0f} s")
    code = child.wait()
    reader.join(timeout=10)
    child.stdout.close()
    if code and not over:
        run.problems.append(f"{path.stem}: exit status {code}")
    return time.monotonic() - started


def _read(stream, lines: queue.Queue) -> None:
    for text in stream:
        lines.put(text)
    lines.put(None)


def _stop(child: subprocess.Popen) -> None:
    for sig, wait in ((signal.SIGTERM, 20), (signal.SIGKILL, 10)):
        try:
            os.killpg(child.pid, sig)
        except ProcessLookupError:
            return
        try:
            child.wait(timeout=wait)
            return
        except subprocess.TimeoutExpired:
            continue


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--json", action="store_true")
    parser.add_argument("--scale", choices=("small", "province"))
    parser.add_argument("--only", default="", help="scripts to run, by name, comma-separated")
    parser.add_argument("--skip", default="", help="scripts to leave out, comma-separated")
    parser.add_argument("--budget", type=float, help="seconds a script at most (0: no bound)")
    parser.add_argument("--total", type=float, help="seconds for all scripts (0: no bound)")
    parser.add_argument("--dir", type=Path, default=BENCH, help=argparse.SUPPRESS)  # tests
    args, rest = parser.parse_known_args(argv)
    options = [*(["--json"] if args.json else []), *rest]
    if args.scale:
        options += ["--scale", args.scale]
    small = args.scale == "small"
    total = args.total if args.total is not None else (SMALL_TOTAL if small else 0)
    names = {n for n in args.only.split(",") if n}, {n for n in args.skip.split(",") if n}
    chosen = scripts(args.dir, *names)
    if names[0] - {p.stem for p in chosen}:
        parser.error(
            f"no such bench script: {', '.join(sorted(names[0] - {p.stem for p in chosen}))}"
        )
    if small:
        for path in [p for p in chosen if p.stem in SMALL_LEFT_OUT and p.stem not in names[0]]:
            chosen.remove(path)
            print(f"== bench/{path.name}: left out at --scale small: {SMALL_LEFT_OUT[path.stem]}",
                  file=sys.stderr, flush=True)  # fmt: skip
    run = Run(args.json, {})
    # The migrated and demo databases the first script makes, copied by the next (prepared.py):
    # kept for this run only, as the next run may run other code.
    cache = tempfile.mkdtemp(prefix="jixiao-bench-cache-")
    os.environ["JIXIAO_BENCH_CACHE"] = cache
    try:
        total_time = run_all(chosen, args, options, small, total, run)
    finally:
        shutil.rmtree(cache, ignore_errors=True)
    print(f"== all benches: {total_time:.0f} s", file=sys.stderr, flush=True)
    for problem in run.problems:
        print(f"!! {problem}", file=sys.stderr, flush=True)
    return 1 if run.problems else 0


def run_all(chosen: list[Path], args, options: list[str], small: bool, total: float, run: Run):
    """Run the chosen scripts in turn within their budgets and the total; the wall time."""
    started = time.monotonic()
    for path in chosen:
        budget = args.budget
        if budget is None:
            budget = SMALL_BUDGETS.get(path.stem, SMALL_BUDGET) if small else 0
        if total:
            left = total - (time.monotonic() - started)
            if left < 1:
                run.problems.append(f"{path.stem}: not run, the total of {total:.0f} s is spent")
                continue
            budget = min(budget, left) if budget else left
        print(f"== bench/{path.name} {' '.join(options)}", file=sys.stderr, flush=True)
        cpu = children_cpu()
        took = run_script(path, options, budget, run)
        print(
            f"== bench/{path.name}: {took:.0f} s, {children_cpu() - cpu:.0f} s of CPU, "
            f"load average {os.getloadavg()[0]:.1f}",
            file=sys.stderr,
            flush=True,
        )
    return time.monotonic() - started


def children_cpu() -> float:
    """CPU seconds of the scripts run so far and the processes they waited for: a shared
    machine's load stretches a script's wall time, much less its CPU time."""
    used = resource.getrusage(resource.RUSAGE_CHILDREN)
    return used.ru_utime + used.ru_stime


if __name__ == "__main__":
    sys.exit(main())
