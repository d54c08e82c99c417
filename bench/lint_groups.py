"""Leave one group out over the corpus's tune set: how the lint's vocabularies reach tables of a
searcher whose words they were not tuned on (issue 15, tests/corpus/README.md).

    .venv/bin/python bench/lint_groups.py [--by searcher|province|file] [--rules] [--rows]

No database. The tune set only: check-set files (`sha1(id) mod 5 == 0`) are dropped before
anything is read from them, so this never shows them. A group is, by `--by`, the searcher
prefix of the ids (c1 … c14, the default), the province of the table's source (the check set
differs from the tune set by its provinces and their wordings, so this is the harsher split),
or each file alone. For each group held out, every word of the rulebook's lint section that occurs
in that group's tables and in no other group's (its "own-only" words: a rule learnt from that
group alone) is removed, and the group's files are linted with what is left. Printed:

1. recall and precision per code on the tune set, with the national rules and with each group
   held out (its files linted without its own-only words), side by side;
2. with `--rules`, per code and per sub-rule (the message and word list that fired, read from
   the finding's message codes by `rule_key`), the true and false alarms with the national
   rules and with each group held out, the held-out precision, and how many tune files the
   false alarms come from (national / held out) and how many provinces its true alarms come
   from; a sub-rule under 90% held out, or whose
   national false alarms come from one or two files only, is marked (and `--rules --rows`
   lists its held-out false alarms);
3. with `--rows`, each false alarm that appears only when its group is held out (a word of
   another group's reached it, or a broad rule fired once the group's own word was gone), and
   each false alarm of the national rules on the tune set: the row, its value and the message,
   so a rule that fires on rows a reviewer accepts can be narrowed.
"""

from __future__ import annotations

import argparse
import copy
import os
import re
import sys
import unicodedata
from collections import Counter, defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
_GROUP_RE = re.compile(r"^(c\d+)-")


def _norm(text: object) -> str:
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", str(text or ""))).casefold()


def group_of(file_id: str) -> str:
    found = _GROUP_RE.match(file_id)
    return found.group(1) if found else file_id.split("-")[0]


def province_of(item) -> str:
    source = item.data.get("source")
    return str(source.get("province") or "?") if isinstance(source, dict) else "?"


GROUPINGS = {
    "searcher": lambda item: group_of(item.id),
    "province": province_of,
    "file": lambda item: item.id,
}


def table_text(item) -> str:
    """Everything of a table the lint's words are searched in: names, values, units, goal."""
    document = item.document if isinstance(item.document, dict) else {}
    parts = [document.get("goal"), (document.get("project") or {}).get("name")
             if isinstance(document.get("project"), dict) else document.get("project")]  # fmt: skip
    for row in document.get("indicators") or []:
        if isinstance(row, dict):
            parts += [row.get(k) for k in ("category", "subcategory", "name", "target", "unit")]
    return _norm(" ".join(str(p) for p in parts if p))


def _words(node, path=()):
    """(path, word) of every string inside lists of the lint section."""
    if isinstance(node, dict):
        for key, value in node.items():
            yield from _words(value, (*path, key))
    elif isinstance(node, list):
        for word in node:
            if isinstance(word, str):
                yield path, word
            else:
                yield from _words(word, path)


def own_only(lint: dict, texts: dict[str, str]) -> dict[str, set[tuple]]:
    """Group → the (path, word) entries found in that group's tables and no other's."""
    out: dict[str, set[tuple]] = defaultdict(set)
    for path, word in _words(lint):
        norm = _norm(word)
        if not norm:
            continue
        groups = {g for g, text in texts.items() if norm in text}
        if len(groups) == 1:
            out[groups.pop()].add((path, word))
    return out


def without(lint: dict, entries: set[tuple]) -> dict:
    """A deep copy of the lint section with these (path, word) entries removed."""
    out = copy.deepcopy(lint)

    def prune(node, path):
        if isinstance(node, dict):
            for key in node:
                node[key] = prune(node[key], (*path, key))
            return node
        if isinstance(node, list):
            return [prune(w, path) if not isinstance(w, str) else w for w in node
                    if not (isinstance(w, str) and (path, w) in entries)]  # fmt: skip
        return node

    return prune(out, ())


def _row(item, index):
    rows = (item.document or {}).get("indicators") or []
    if index is None or index >= len(rows):
        return "(declaration)"
    row = rows[index]
    return f"[{index}] {row.get('subcategory') or row.get('category')} | {row.get('name')} | {row.get('target')}"


def _message_codes(message) -> list[str]:
    """The codes of a message and of the messages inside its parameters, outermost first."""
    codes = [message.code] if hasattr(message, "code") else []
    for value in getattr(message, "params", {}).values():
        codes += _message_codes(value)
    return codes


def _list_of(word: str, lists: dict, names) -> str | None:
    """The name of the first of these lists of a rules section that holds `word`."""
    for name in names:
        node = lists.get(name)
        words = ([w for ws in node.values() for w in ws] if isinstance(node, dict)
                 else [w for m in node for w in m["words"]] if name == "moves" else node)  # fmt: skip
        if word in (words or ()):
            return name
    return None


def rule_key(finding, rules: dict) -> str:
    """The sub-rule of a finding: for T10 the kind of vagueness (the explanation's message),
    for T11 the phrase list or the general rule (money…movement), for T12 what the operator
    contradicts (a negative rate, a rate, a quantity, a ceiling, a cost), for T19 the step and list
    that placed the row elsewhere, for T20 its message (money put in, a money value, a purchase,
    a consumable, a floor under 成本), for T21 over the limit or a written floor and whether
    the rate was listed; any other code alone."""
    code = finding.code
    codes = [c for c in _message_codes(finding.message) + _message_codes(finding.explanation)
             if c.startswith(f"lint.{code}")]  # fmt: skip
    params = {}

    def collect(message):
        for key, value in getattr(message, "params", {}).items():
            params.setdefault(key, value)
            collect(value)

    collect(finding.message)
    if code == "T10":
        why = next((c for c in codes if c.endswith(".why")), code)
        return why.removeprefix("lint.").removesuffix(".why")
    if code == "T11":
        word = str(params.get("word", ""))
        if "…" in word:
            return "T11.fund_movement"
        return "T11.institution_words" if _list_of(word, rules["T11"], ("institution_words",)) \
            else "T11.process_words"  # fmt: skip
    if code == "T19":
        if "lint.T19.rate" in codes:
            return "T19.rate_home"
        word = str(params.get("word", ""))
        listed = _list_of(word, rules["T19"], ("decisive", "moves", "signs", "measures"))
        return f"T19.{listed or 'unit_or_deadline'}"
    if code == "T20":
        head = next((c for c in codes if not c.endswith(".why")), "lint.T20")
        return head.removeprefix("lint.") if head != "lint.T20" else "T20.input_words"
    if code == "T12":
        what = next((c for c in codes if c.count(".") == 2 and not c.endswith(".why")), "")
        return what.removeprefix("lint.") or code
    if code == "T21":
        kind = "floor" if "lint.T21.floor" in codes else "over"
        listed = _list_of(str(params.get("rate", "")), rules["T21"], ("bounded_rates",))
        return f"T21.{kind}.{'bounded_rates' if listed else 'over_words'}"
    return code


def keyed_findings(q, items, rules) -> list[tuple]:
    """(file id, code, row, sub-rule, true alarm?) of every finding on these files, matched
    with the labels as the corpus matches them (same code and row; a declaration-level code by
    code alone), codes a file cannot show left out."""
    from jixiao.targets.lint import lint

    out = []
    for item in items:
        declaration, errors = q.read_declaration(item, rules)
        if declaration is None or errors:
            continue
        ignored = q.unknowable_codes(item)
        labels = q._once(Counter(q._match_key(f.get("code"), f.get("indicator"))
                                 for f in item.labels.get("findings") or [] if isinstance(f, dict)))  # fmt: skip
        result = lint(declaration, rules=rules.lint, catalogue=rules.catalogue, context=None)
        seen = set()
        for f in result.findings:
            key = q._match_key(f.code, f.indicator)
            if f.code in ignored or (f.code in q.ONCE_PER_TABLE and key in seen):
                continue  # a code reported once per table counts once, as the corpus counts it
            seen.add(key)
            true = labels[key] > 0
            labels[key] -= true
            out.append((item.id, f.code, f.indicator, rule_key(f, rules.lint), true))
    return out


def rules_table(national_rows, held_rows, provinces=None) -> dict:
    """Per sub-rule: true and false alarms, national and held out; held-out precision; the
    number of tune files the national true alarms and the false alarms (national, held out)
    come from, and the number of provinces the national true alarms come from (`provinces`:
    file id → province). Marked: "<90" under 90% held out, "rests" when its true alarms come
    from one or two files (a rule the tune set shows too little of to trust elsewhere), "few"
    when its false alarms come from one or two files."""
    counts = defaultdict(lambda: [0, 0, 0, 0])
    files = defaultdict(lambda: (set(), set(), set(), set()))
    for column, rows in ((0, national_rows), (2, held_rows)):
        for fid, _code, _row, key, true in rows:
            counts[key][column + (0 if true else 1)] += 1
            files[key][column + (0 if true else 1)].add(fid)
    provinces = provinces or {}
    print(f"\n{'sub-rule':34} | national true/false | held out true/false  precision"
          " | files: true, false nat/held | provinces: true")  # fmt: skip
    for key in sorted(counts):
        nt, nf, ht, hf = counts[key]
        share = ht / (ht + hf) if ht + hf else None
        true_files, false_files, _, held_false = (len(f) for f in files[key])
        true_provinces = len({provinces.get(fid, fid) for fid in files[key][0]})
        marks = ["<90"] if share is not None and share < 0.9 else []
        marks += ["rests"] if 0 < true_files <= 2 else []
        marks += ["few"] if 0 < false_files <= 2 else []
        shown = f"{share:6.1%}" if share is not None else "     -"
        print(f"{key:34} | {nt:8} {nf:5}        | {ht:8} {hf:5}  {shown} "
              f"| {true_files:4}, {false_files:3} {held_false:3} | {true_provinces:3} "
              f"{' '.join(marks)}")  # fmt: skip
    return counts


def load_tune(q) -> list:
    """The tune set's files; a check-set file is skipped by its name, never opened."""
    import json

    return [
        q.CorpusFile(path.stem, kind, path, json.loads(path.read_text(encoding="utf-8")))
        for kind, path in q.corpus_paths()
        if not q.in_check_set(path.stem)
    ]


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(prog="bench/lint_groups.py")
    parser.add_argument("--rows", action="store_true", help="print the false alarms' rows")
    parser.add_argument("--rules", action="store_true", help="true and false alarms per sub-rule")
    parser.add_argument("--by", choices=sorted(GROUPINGS), default="searcher",
                        help="what a held-out group is (default: the searcher)")  # fmt: skip
    args, _ = parser.parse_known_args(argv)
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "jixiao.settings")
    import django

    django.setup()
    from tests.corpus import quality as q

    tune = load_tune(q)
    national = q.Rules.national()
    groups = defaultdict(list)
    for item in tune:
        groups[GROUPINGS[args.by](item)].append(item)
    texts = {g: " ".join(table_text(i) for i in items) for g, items in groups.items()}
    lint = dict(national.lint)
    owned = own_only(lint, texts)
    base = {r.item.id: r for r in q.evaluate(tune, national).results}
    held, held_rows = {}, []
    for g, items in sorted(groups.items()):
        rules = q.Rules(without(lint, owned.get(g, set())), national.catalogue, national.scoring)
        for result in q.evaluate(items, rules).results:
            held[result.item.id] = result
        if args.rules:
            held_rows += keyed_findings(q, items, rules)
    table_base, table_held = q.code_counts(base.values()), q.code_counts(held.values())
    removed = Counter(len(owned.get(g, ())) for g in groups)
    print(f"tune set: {len(tune)} files in {len(groups)} groups by {args.by}; own-only words "
          "removed (words: groups): "
          + ", ".join(f"{n}: {k}" for n, k in sorted(removed.items())))  # fmt: skip
    print(f"{'code':8} | {'national':^22} | {'group held out':^22}")
    for code in [*sorted(set(table_base) | set(table_held)), "overall"]:
        cells = []
        for table in (table_base, table_held):
            c = q.overall(table) if code == "overall" else table.get(code, q.CodeCounts())
            cells.append(f"{c.labels:4} {c.findings:4} {q._percent(c.recall):>6} "
                         f"{q._percent(c.precision):>6}")  # fmt: skip
        print(f"{code:8} | " + " | ".join(cells))
    if args.rules:
        items = {item.id: item for item in tune}
        provinces = {item.id: province_of(item) for item in tune}
        rules_table(keyed_findings(q, tune, national), held_rows, provinces)
        if args.rows:
            print("\nheld-out false alarms by sub-rule:")
            for fid, _code, row, key, true in sorted(held_rows, key=lambda r: (r[3], r[0])):
                if not true:
                    print(f"  {key:30} {fid} {_row(items[fid], row)}")
    if not args.rows:
        return
    print("\nfalse alarms only when the group is held out:")
    for fid, result in sorted(held.items()):
        extra = set(result.match.false_alarms) - set(base[fid].match.false_alarms)
        for code, row in sorted(extra, key=str):
            print(f"  {fid} {code} {_row(result.item, row)}")
    print("\nmissed only when the group is held out:")
    for fid, result in sorted(held.items()):
        extra = set(result.match.missed) - set(base[fid].match.missed)
        for code, row in sorted(extra, key=str):
            print(f"  {fid} {code} {_row(result.item, row)}")
    print("\nfalse alarms of the national rules (tune set):")
    for fid, result in sorted(base.items()):
        for code, row in result.match.false_alarms:
            print(f"  {fid} {code} {_row(result.item, row)}")
    print("\nmissed by the national rules (tune set):")
    for fid, result in sorted(base.items()):
        for code, row in result.match.missed:
            print(f"  {fid} {code} {_row(result.item, row)}")


if __name__ == "__main__":
    main()
