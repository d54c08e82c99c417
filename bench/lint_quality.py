"""Benchmark of the lint on the labelled corpus of real tables (issue 15): recall and precision
per code against the hand labels, the value readings, and the lint's throughput.

    .venv/bin/python bench/lint_quality.py [--json] [--repeat 5]
    ./dev bench --json          (runs every bench script with the same options)

No database. The corpus is tests/corpus/ (targets/ and selfevals/), read and compared by
tests/corpus/quality.py exactly as the table tests do (tests/corpus/README.md, "How the corpus
is checked"): the national rulebook; a self-evaluation linted as the declaration of its
targets; T13, T15 and T17 left out (they need history); the check set is the files whose
`sha1(id) mod 5 == 0`. Options it does not know are ignored (`./dev bench` passes every bench
the same ones). Progress goes to stderr.

1. Quality: per code, on the check set and on the whole corpus, the labels, the findings, how
   many matched, recall (matched ÷ labels) and precision (matched ÷ findings); overall the
   micro-average (all codes' counts together). Then the value readings: the labelled target
   values the parser reads exactly as labelled, and of those a person could read (labelled
   neither unreadable nor missing) the share the parser reads at all.
2. Throughput: the documents already in memory are read as declarations
   (`declaration_from_data`) and linted (`lint`, no history), `--repeat` times; the median
   pass. Baseline: `json.loads` of every corpus file, the same number of times, median pass.
   The parser memoises values, so passes after the first run warm, as on a server; the first
   pass is printed beside the median.

Figures (`--json`: one object a line, {"name","value","unit","baseline","ratio","goal"}; ratio is
value ÷ baseline; for a share the goal is the least it may be):

- `lint_recall_check`, `lint_precision_check`: overall on the check set, goals 0.80 and 0.90
  (issue 15); `lint_recall_all`, `lint_precision_all`: the whole corpus, no goal.
- `lint_recall_check_<code>`, `lint_precision_check_<code>`: each code with labels or findings
  on the check set; goals 0.80 and 0.90 where it has at least 3 labels there.
- `value_reading_rate`: values read as labelled, whole corpus; `values_read_rate`: values a
  person could read that the parser reads; goal 1.0 (issue 15: every real value read).
- `lint_tables_per_s` and `lint_indicators_per_s`: throughput, baseline the same figure for
  only reading the JSON, so the ratio is the share of reading speed the lint keeps.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
OUT = {"json": False}


def say(text: str, progress: bool = False) -> None:
    """A readable line on stdout; on stderr for progress, or when stdout carries the JSON."""
    print(text, file=sys.stderr if progress or OUT["json"] else sys.stdout, flush=True)


def figure(name: str, value, unit: str, baseline: float | None = None, goal=None) -> None:
    """One figure in the bench format of CONTRACT.md, on stdout with --json only (the readable
    output says the same in its table and lines)."""
    if not OUT["json"]:
        return
    value = float(value)
    ratio = None if not baseline else round(value / baseline, 4)
    shown = None if baseline is None else round(baseline, 4)
    line = dict(name=name, value=round(value, 4), unit=unit, baseline=shown, ratio=ratio, goal=goal)
    print(json.dumps(line, ensure_ascii=False), flush=True)


def quality_figures(q, report) -> None:
    """Overall and per-code recall and precision, and the value readings, as figures."""
    for name, check in (("check", True), ("all", None)):
        total = q.overall(report.codes(check))
        goals = q.GOALS if check else {}
        for metric in ("recall", "precision"):
            got = getattr(total, metric)
            if got is not None:
                goal = goals.get(metric)
                figure(f"lint_{metric}_{name}", got, "share", goal=goal and float(goal))
    for code, counts in report.codes(True).items():
        held = counts.labels >= q.MIN_LABELS
        for metric in ("recall", "precision"):
            got = getattr(counts, metric)
            if got is not None:
                goal = float(q.GOALS[metric]) if held else None
                figure(f"lint_{metric}_check_{code}", got, "share", goal=goal)
    v = report.value_counts(None)
    if v["labelled"]:
        figure("value_reading_rate", v["agreeing"] / v["labelled"], "share")
    if v["readable"]:
        figure("values_read_rate", v["read"] / v["readable"], "share", goal=1.0)


def _median_pass(work, repeat: int) -> tuple[float, float]:
    """(first pass, median pass) in seconds."""
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        work()
        times.append(time.perf_counter() - started)
    return times[0], statistics.median(times)


def throughput(q, files, repeat: int) -> None:
    from jixiao.targets.declaration import declaration_from_data
    from jixiao.targets.lint import lint

    rules = q.Rules.national()
    documents = [q.declaration_data(item) for item in files]
    texts = [item.path.read_text(encoding="utf-8") for item in files]
    tables = len(files)
    rows = sum(len(d.get("indicators") or []) for d in documents if isinstance(d, dict))

    def read() -> None:
        for text in texts:
            json.loads(text)

    def lint_all() -> None:
        for data in documents:
            declaration, _errors = declaration_from_data(
                data, catalogue=rules.catalogue, incidents=rules.lint["T02"]
            )
            if declaration is not None:
                lint(declaration, rules=rules.lint, catalogue=rules.catalogue)

    _first_read, read_s = _median_pass(read, repeat)
    first_lint, lint_s = _median_pass(lint_all, repeat)
    say(
        f"throughput: {tables} tables, {rows} indicators; lint {lint_s * 1000:.1f} ms a pass "
        f"(first pass {first_lint * 1000:.1f} ms), json.loads {read_s * 1000:.2f} ms a pass "
        f"(median of {repeat})"
    )
    if lint_s and read_s:
        figure("lint_tables_per_s", tables / lint_s, "tables/s", baseline=tables / read_s)
        figure("lint_indicators_per_s", rows / lint_s, "indicators/s", baseline=rows / read_s)
        say(
            f"  lint {tables / lint_s:,.0f} tables/s, {rows / lint_s:,.0f} indicators/s; "
            f"reading {tables / read_s:,.0f} tables/s: the lint keeps {read_s / lint_s:.2%} "
            f"of reading speed ({lint_s / read_s:,.0f} times as long)"
        )


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--json", action="store_true", help="one JSON figure a line on stdout")
    parser.add_argument("--repeat", type=int, default=5, help="passes for the throughput")
    args, _unknown = parser.parse_known_args()  # `./dev bench` passes every bench's options
    OUT["json"] = args.json
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "jixiao.settings")
    import django

    django.setup()
    from tests.corpus import quality as q

    files = q.load()
    say(f"bench/lint_quality.py: {len(files)} corpus files in {q.CORPUS}", progress=True)
    if not files:
        say("no corpus files: nothing to measure")
        return
    started = time.perf_counter()
    report = q.corpus_report()
    say(f"quality ({time.perf_counter() - started:.2f} s, national rulebook):")
    say(q.metrics_table(report))
    unread = [r for r in report.results if r.errors]
    for result in unread:
        say(f"  {result.item.id} not compared: {'; '.join(result.errors)}")
    quality_figures(q, report)
    throughput(q, files, max(args.repeat, 1))


if __name__ == "__main__":
    main()
