"""Leave one group out over the corpus's tune set: how the lint's vocabularies reach tables of a
searcher whose words they were not tuned on (issue 15, tests/corpus/README.md).

    .venv/bin/python bench/lint_groups.py [--rows]

No database. The tune set only: check-set files (`sha1(id) mod 5 == 0`) are dropped before
anything is read from them, so this never shows them. A group is the searcher prefix of the
ids (c1 … c14). For each group held out, every word of the rulebook's lint section that occurs
in that group's tables and in no other group's (its "own-only" words: a rule learnt from that
group alone) is removed, and the group's files are linted with what is left. Printed:

1. recall and precision per code on the tune set, with the national rules and with each group
   held out (its files linted without its own-only words), side by side;
2. with `--rows`, each false alarm that appears only when its group is held out (a word of
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
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
_GROUP_RE = re.compile(r"^(c\d+)-")


def _norm(text: object) -> str:
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", str(text or ""))).casefold()


def group_of(file_id: str) -> str:
    found = _GROUP_RE.match(file_id)
    return found.group(1) if found else file_id.split("-")[0]


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
        groups[group_of(item.id)].append(item)
    texts = {g: " ".join(table_text(i) for i in items) for g, items in groups.items()}
    lint = dict(national.lint)
    owned = own_only(lint, texts)
    base = {r.item.id: r for r in q.evaluate(tune, national).results}
    held = {}
    for g, items in sorted(
        groups.items(), key=lambda kv: int(kv[0][1:]) if kv[0][1:].isdigit() else 0
    ):
        rules = q.Rules(without(lint, owned.get(g, set())), national.catalogue, national.scoring)
        for result in q.evaluate(items, rules).results:
            held[result.item.id] = result
    table_base, table_held = q.code_counts(base.values()), q.code_counts(held.values())
    print(f"tune set: {len(tune)} files in {len(groups)} groups; own-only words removed per group: "
          + ", ".join(f"{g} {len(owned.get(g, ()))}" for g in sorted(groups)))  # fmt: skip
    print(f"{'code':8} | {'national':^22} | {'group held out':^22}")
    for code in [*sorted(set(table_base) | set(table_held)), "overall"]:
        cells = []
        for table in (table_base, table_held):
            c = q.overall(table) if code == "overall" else table.get(code, q.CodeCounts())
            cells.append(f"{c.labels:4} {c.findings:4} {q._percent(c.recall):>6} "
                         f"{q._percent(c.precision):>6}")  # fmt: skip
        print(f"{code:8} | " + " | ".join(cells))
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
