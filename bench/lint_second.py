"""A second, blind labelling of the tune set against the first: how far two readers agree, and
how the lint's alarms look to each (issue 15, tests/corpus/README.md "A second labelling").

    .venv/bin/python bench/lint_second.py [--rules] [--rows] | [--check]

No database. The tune set by default: check-set files (`sha1(id) mod 5 == 0`) are dropped by
their name before anything is read from them. `--check` prints the same totals (parts 1 and 2,
never a row or a sub-rule) for the check set: the lead's measurement at the end of a pass, as
`bench/lint_quality.py` prints the check set's figures; nothing is tuned on it.
The second labels are in `tests/corpus/second/<targets|selfevals>/<id>.json` (read by
`quality.second_findings`), each
`{"id", "by", "findings": [{"code", "indicator", "why"}]}`, written by readers who saw DOMAIN.md
and the table only (not the first labels, not the lint). Matching is the corpus's own
(`quality.match_findings`, the codes a file cannot show left out). Printed:

1. per code, the labels of each reading, how many both gave, and their positive agreement
   (2 × both ÷ (first + second)); and the second reading scored against the first, as if it were
   the lint: the agreement a second reviewer reaches, beside the lint's;
2. the lint's recall and precision against the first labels (the corpus's measure), the second,
   the labels both gave, and those either gave;
3. with `--rules`, per sub-rule (`lint_groups.rule_key`): its alarms, how many each reading
   confirms, and how many both do; `--rows` lists the alarms one reading confirms and the other
   does not.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import sys
from collections import Counter, defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def human_counts(q, files) -> dict:
    """Per code: the first reading's labels, the second's, and those both gave."""
    table = defaultdict(Counter)
    for item, second in files:
        for name, pairs in q.two_readings(item, second).items():
            if name != "either":
                table_update(table, name, pairs)
    return dict(sorted(table.items()))


def table_update(table, name: str, pairs) -> None:
    for code, _row in pairs:
        table[code][name] += 1


def _pct(part: int, whole: int) -> str:
    return f"{100 * part / whole:5.1f}%" if whole else "    -"


def print_agreement(table: dict) -> None:
    print("\n1. the two readings, per code (second scored against first)")
    print(f"{'code':5} {'first':>6} {'second':>7} {'both':>5} {'agree':>7} "
          f"{'2nd recall':>11} {'2nd precision':>14}")  # fmt: skip
    total = Counter()
    for code, c in table.items():
        total.update(c)
        agree = _pct(2 * c["both"], c["first"] + c["second"])
        print(f"{code:5} {c['first']:6} {c['second']:7} {c['both']:5} {agree:>7} "
              f"{_pct(c['both'], c['first']):>11} {_pct(c['both'], c['second']):>14}")  # fmt: skip
    agree = _pct(2 * total["both"], total["first"] + total["second"])
    print(f"{'all':5} {total['first']:6} {total['second']:7} {total['both']:5} {agree:>7} "
          f"{_pct(total['both'], total['first']):>11} {_pct(total['both'], total['second']):>14}")  # fmt: skip


def print_lint(q, national, files) -> tuple[dict, dict]:
    """The lint against each label set; returns the label sets' files (for the sub-rules) and
    the lint's counts per code against each."""
    sets = {name: [] for name in ("first", "second", "both", "either")}
    for item, second in files:
        for name, pairs in q.two_readings(item, second).items():
            sets[name].append(q.relabelled(item, pairs))
    print("\n2. the lint against each label set (recall / precision, matched of labels / findings)")
    reports = {name: q.code_counts(q.evaluate(items, national).results)
               for name, items in sets.items()}  # fmt: skip
    codes = sorted({code for table in reports.values() for code in table})
    print(f"{'code':5} " + " ".join(f"{name:>22}" for name in sets))
    for code in [*codes, "all"]:
        cells = []
        for table in reports.values():
            c = (sum((v for v in table.values()), q.CodeCounts()) if code == "all"
                 else table.get(code, q.CodeCounts()))  # fmt: skip
            cells.append(f"{_pct(c.matched, c.labels)} / {_pct(c.matched, c.findings)}"
                         f" {c.matched:3}")  # fmt: skip
        print(f"{code:5} " + " ".join(f"{cell:>22}" for cell in cells))
    return sets, reports


def print_rules(q, national, sets: dict, rows: bool) -> None:
    from lint_groups import keyed_findings

    keyed = {name: keyed_findings(q, items, national) for name, items in sets.items()}
    print("\n3. per sub-rule: alarms, confirmed by the first / second reading / both")
    table = defaultdict(Counter)
    split = []
    for a, b, c in zip(keyed["first"], keyed["second"], keyed["both"], strict=True):
        fid, code, row, key, first, entry = a
        table[key]["alarms"] += 1
        table[key]["first"] += first
        table[key]["second"] += b[4]
        table[key]["both"] += c[4]
        if first != b[4]:
            split.append((key, fid, row, "first" if first else "second", entry))
    print(f"{'sub-rule':48} {'alarms':>6} {'first':>6} {'second':>7} {'both':>5}")
    for key, c in sorted(table.items()):
        print(f"{key[:48]:48} {c['alarms']:6} {c['first']:6} {c['second']:7} {c['both']:5}")
    if rows:
        print("\nalarms one reading confirms and the other does not")
        for key, fid, row, who, entry in sorted(split):
            print(f"  {key[:40]:40} {fid:14} row {row}: only the {who} ({entry or ''})")


def figures(q, humans: dict, reports: dict, check: bool) -> list[dict]:
    """`./dev bench --json`'s figures: the two readers' agreement and the lint's precision and
    recall against the second reading, in percent."""
    both = sum(c["both"] for c in humans.values())
    labels = sum(c["first"] + c["second"] for c in humans.values())
    second = sum(reports["second"].values(), q.CodeCounts())
    part = "check" if check else "tune"

    def pct(a: int, b: int) -> float | None:
        return round(100 * a / b, 1) if b else None

    return [
        {"name": f"lint_readers_agreement_{part}", "value": pct(2 * both, labels)},
        {"name": f"lint_precision_second_reading_{part}",
         "value": pct(second.matched, second.findings)},
        {"name": f"lint_recall_second_reading_{part}", "value": pct(second.matched, second.labels)},
    ]  # fmt: skip


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(prog="bench/lint_second.py")
    parser.add_argument("--rules", action="store_true", help="alarms per sub-rule")
    parser.add_argument("--rows", action="store_true", help="with --rules, the split alarms")
    parser.add_argument("--check", action="store_true",
                        help="the check set's totals instead of the tune set's")  # fmt: skip
    parser.add_argument("--json", action="store_true", help="the figures as JSON lines")
    args, _unknown = parser.parse_known_args(argv)  # `./dev bench` passes every bench's options
    if args.check and (args.rules or args.rows):
        parser.error("the check set is printed as totals only: no --rules or --rows")
    sys.path.insert(0, str(ROOT))
    sys.path.insert(0, str(ROOT / "bench"))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "jixiao.settings")
    import django

    django.setup()
    from lint_groups import load_tune

    from tests.corpus import quality as q

    items = [item for item in q.load() if item.check] if args.check else load_tune(q)
    files = [(item, second) for item in items
             if (second := q.second_findings(item)) is not None]  # fmt: skip
    out = sys.stdout
    with contextlib.redirect_stdout(sys.stderr if args.json else out):
        print(
            f"{'check' if args.check else 'tune'}-set files read twice: {len(files)} "
            f"({sum(i.kind == 'target' for i, _ in files)} declarations, "
            f"{sum(i.kind == 'selfeval' for i, _ in files)} self-evaluations)"
        )
        humans = human_counts(q, files)
        print_agreement(humans)
        national = q.Rules.national()
        sets, reports = print_lint(q, national, files)
        if args.rules:
            print_rules(q, national, sets, args.rows)
    if args.json:
        for row in figures(q, humans, reports, args.check):
            row.update(unit="%", baseline=None, ratio=None, goal=None)
            print(json.dumps(row), file=out)


if __name__ == "__main__":
    main()
