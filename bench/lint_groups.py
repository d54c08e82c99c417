"""Leave one group out over the corpus's tune set: how the lint's vocabularies reach tables of a
labeller whose words they were not tuned on (issue 15, tests/corpus/README.md).

    .venv/bin/python bench/lint_groups.py [--by labeller|province|file] [--rules] [--rows]
                                          [--agreement]

No database. The tune set only: check-set files (`sha1(id) mod 5 == 0`) are dropped before
anything is read from them, so this never shows them. A group is, by `--by`, the labeller
prefix of the ids (c1 … c14, the default; each table was found, transcribed and labelled by one
helper, so "searcher", the old name, is the same split), the province of the table's source, or
each file alone. For each group held out, every word of the rulebook's lint section that occurs
in that group's tables and in no other group's (its "own-only" words: a rule learnt from that
group alone) is removed, and the group's files are linted with what is left; the third column
also leaves out the findings of every sub-rule (`rule_key`) whose true alarms with the national
rules all come from that group (a sub-rule the other groups' files would not have taught: with
`--by labeller`, the leave-one-labeller-out estimate). Printed:

1. recall and precision per code on the tune set, with the national rules, with each group's
   own-only words held out, and with its words and its own sub-rules held out, side by side;
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
   so a rule that fires on rows a reviewer accepts can be narrowed;
4. with `--agreement`, per sub-rule and per vocabulary entry that fired (T10's word or phrase,
   T11's, T19's and T20's word, T21's rate), the labellers whose files it fires on and, in each,
   how many of its alarms that labeller labelled (true / alarms); then the same for the broad
   form of each sub-rule (`BROAD`: the narrowings of later passes emptied), which also fires on
   rows of the same kind a labeller left unlabelled. A sub-rule whose true alarms come from one
   or two labellers is marked "rests"; one whose broad form some labeller leaves unlabelled
   more often than not, "split": a convention of some labellers, not of reviewers in general.
   Before them, each labeller's labels per code (how freely it labels) and its recall and
   precision (T10 and overall, national and held out); after them, for T10,
   the kind of row each sub-rule judges (`t10_kinds`) and each labeller's rows of that kind
   and how many it labelled, whichever sub-rule reports them.
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
    "labeller": lambda item: group_of(item.id),
    "searcher": lambda item: group_of(item.id),  # the old name of the labeller split
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


def _params(message, params=None) -> dict:
    """The parameters of a message and of the messages inside them, outermost first."""
    params = {} if params is None else params
    for key, value in getattr(message, "params", {}).items():
        params.setdefault(key, value)
        _params(value, params)
    return params


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
    params = _params(finding.message)
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


def rule_entry(finding) -> str:
    """The vocabulary entry a finding fired on: the word of its message (T10's grading, vague
    or intention word, T11's, T19's and T20's word), T10's whole boilerplate value, T21's rate;
    "" for a rule of no word (T10's "100%" on no rate, a missing unit …)."""
    params = _params(finding.message)
    codes = _message_codes(finding.message)
    if "lint.T10.boilerplate" in codes:
        return str(params.get("text", ""))
    return str(params.get("word") or params.get("rate") or "")


def keyed_findings(q, items, rules) -> list[tuple]:
    """(file id, code, row, sub-rule, true alarm?, entry) of every finding on these files,
    matched with the labels as the corpus matches them (same code and row; a declaration-level
    code by code alone), codes a file cannot show and findings `rules.keep` drops left out."""
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
            if rules.keep is not None and not rules.keep(f):
                continue
            key = q._match_key(f.code, f.indicator)
            if f.code in ignored or (f.code in q.ONCE_PER_TABLE and key in seen):
                continue  # a code reported once per table counts once, as the corpus counts it
            seen.add(key)
            true = labels[key] > 0
            labels[key] -= true
            out.append((item.id, f.code, f.indicator, rule_key(f, rules.lint), true,
                        rule_entry(f)))  # fmt: skip
    return out


#: The narrowings of later passes, emptied for the broad form of each sub-rule (`--agreement`):
#: the rows a sub-rule was kept quiet on are of its kind, and whether each labeller labelled
#: them is the agreement on that kind.
BROAD = {
    "T10": {key: [] for key in (
        "vague_exempt_words", "checkable_words", "grade_endings", "not_applicable_words",
        "denial_words", "rate_roots", "name_comparison_words", "all_of_them_subcategories",
        "yes_answers", "outcome_words", "no_answers", "question_exempt")}
    | {"change_names": False},
    "T19": {"decisive_exempt": []},
    "T20": {key: [] for key in ("put_in_exempt", "made_words", "handed_on_words",
                                "money_output_words")},
    "T21": {"exempt_words": [], "floor_needs_written_operator": False},
}  # fmt: skip


def broad_rules(q, national):
    """The national rules with every narrowing of `BROAD` emptied."""
    lint = {code: {**section, **BROAD.get(code, {})} if isinstance(section, dict) else section
            for code, section in national.lint.items()}  # fmt: skip
    return q.Rules(lint, national.catalogue, national.scoring)


def by_labeller(rows) -> dict:
    """sub-rule (or (sub-rule, entry)) → labeller → [true alarms, alarms]."""
    out = defaultdict(lambda: defaultdict(lambda: [0, 0]))
    for fid, _code, _row, key, true, entry in rows:
        for what in (key, (key, entry)) if entry else (key,):
            out[what][group_of(fid)][0] += true
            out[what][group_of(fid)][1] += 1
    return out


def _cells(per: dict) -> str:
    return " ".join(f"{g}:{t}/{n}" for g, (t, n) in sorted(per.items(), key=lambda x: _order(x[0])))


def _order(group: str):
    return (int(group[1:]), group) if group[1:].isdigit() else (10**6, group)


def t10_kinds(t10: dict) -> dict:
    """T10 sub-rule → a test of a row (its line and category) for the kind of row the sub-rule
    judges, from the rulebook's words alone: neither the checks the lint makes before it (a row
    another sub-rule took) nor the narrowings after it. Labellers agree on a kind when each
    labels most of its rows of that kind, whichever sub-rule the lint reports them by. "100%"
    under 质量 (`all_of_them_subcategories`) is a kind of its own."""
    from decimal import Decimal

    from jixiao.indicators.values import Kind
    from jixiao.targets.lint_base import _contains
    from jixiao.targets.lint_base import normalise_text as norm

    def words(key):
        return tuple(norm(w) for w in t10[key])

    def qualitative(row):
        """The value's text when it has no number, else None."""
        text = norm(row.value.text or row.value.original or "")
        if row.value.kind != Kind.QUALITATIVE or any(c.isdigit() for c in text):
            return None
        return text

    def percent(row, full: bool) -> bool:
        value = row.value
        return (value.kind == Kind.QUANTITATIVE and value.unit == "%"
                and (value.number == Decimal(t10["full_percent"])) == full)  # fmt: skip

    def under(row, key) -> bool:
        return (row.subcategory or "").startswith(tuple(t10[key]))

    def no_rate(row) -> bool:
        return percent(row, True) and not _contains(f"{row.name}{row.value.original}",
                                                    t10["rate_words"])  # fmt: skip

    def restates(row, _category):
        text = qualitative(row)
        return bool(text) and len(text) >= int(t10["restated_chars"]) and text in norm(row.name)

    def few_words(row, category):
        text = qualitative(row)
        limit = int(t10["few_words_chars"])
        return bool(text) and category in t10["few_words_categories"] and len(text) <= limit

    def intention(row, _category):
        text = qualitative(row)
        return bool(text) and (bool(_contains(text, t10["intention_words"]))
                               or text.startswith(words("intention_starts")))  # fmt: skip

    return {
        "T10.boilerplate": lambda row, _c: qualitative(row) in set(words("boilerplate")),
        "T10.grading": lambda row, _c: (qualitative(row) or "|").endswith(words("grading_endings")),
        "T10.vague": lambda row, _c: bool(_contains(qualitative(row) or "", t10["vague_words"])),
        "T10.intention": intention,
        "T10.restates_name": restates,
        "T10.few_words": few_words,
        "T10.measure_name": lambda row, _c: (qualitative(row) or "|").endswith(
            tuple(t10["measure_endings"])),
        "T10.slogan_name": lambda row, _c: percent(row, True)
        and norm(row.name).endswith(words("change_words")),
        "T10.question_share": lambda row, _c: percent(row, False)
        and bool(_contains(row.name, t10["question_words"])),
        "T10.full_percent": lambda row, _c: no_rate(row)
        and not under(row, "all_of_them_subcategories"),
        "T10.full_percent (质量)": lambda row, _c: no_rate(row)
        and under(row, "all_of_them_subcategories"),
        "T10.cost_no_amount": lambda row, _c: bool(qualitative(row))
        and under(row, "money_cost_subcategories"),
    }  # fmt: skip


def kind_agreement(q, tune, national) -> dict:
    """T10 sub-rule → labeller → [rows of its kind labelled T10, rows of its kind]; a row
    labelled with another code and not T10 counts neither way (a reviewer names one problem a
    row: "资金使用合规性 100%" is a process measure, T11, not a vague one)."""
    kinds = t10_kinds(national.lint["T10"])
    out = defaultdict(lambda: defaultdict(lambda: [0, 0]))
    for item in tune:
        declaration, errors = q.read_declaration(item, national)
        if declaration is None or errors:
            continue
        findings = [f for f in item.labels.get("findings") or [] if isinstance(f, dict)]
        labelled = {f.get("indicator") for f in findings if f.get("code") == "T10"}
        other = {f.get("indicator") for f in findings if f.get("code") != "T10"} - labelled
        for i, line in enumerate(declaration.indicators):
            if i in other:
                continue
            category = line.placement.category if line.placement else line.category
            for key, holds in kinds.items():
                if holds(line, category):
                    out[key][group_of(item.id)][0] += i in labelled
                    out[key][group_of(item.id)][1] += 1
    return out


def label_rates(tune, codes=("T02", "T04", "T09", "T10", "T11", "T19", "T20", "T21")) -> None:
    """Print each labeller's files, rows and labels per code: how freely each one labels."""
    files, rows, labels = Counter(), Counter(), defaultdict(Counter)
    for item in tune:
        g = group_of(item.id)
        files[g] += 1
        rows[g] += len((item.document or {}).get("indicators") or [])
        labels[g].update(f.get("code") for f in item.labels.get("findings") or []
                         if isinstance(f, dict))  # fmt: skip
    print(f"\n{'labeller':8} files rows | " + " ".join(f"{c:>4}" for c in codes)
          + " | T10 per 100 rows")  # fmt: skip
    for g in sorted(files, key=_order):
        share = 100 * labels[g]["T10"] / rows[g] if rows[g] else 0
        print(f"{g:8} {files[g]:5} {rows[g]:4} | " + " ".join(f"{labels[g][c]:4}" for c in codes)
              + f" | {share:5.1f}")  # fmt: skip


def per_group(q, groups: dict, base: dict, held: dict, code: str = "T10") -> None:
    """Print each group's recall and precision, for `code` and overall, with the national rules
    and with its words and own sub-rules held out: whose tables the rules fit least."""
    print(
        f"\n{'group':8} | {code} national | {code} held out | overall national | overall held out"
    )
    for g, items in sorted(groups.items(), key=lambda x: _order(x[0])):
        cells = []
        for results in (base, held):
            table = q.code_counts(results[i.id] for i in items)
            for c in (table.get(code, q.CodeCounts()), q.overall(table)):
                cells.append(f"{c.labels:3} {c.findings:3} {q._percent(c.recall):>6} "
                             f"{q._percent(c.precision):>6}")  # fmt: skip
        print(f"{g:8} | " + " | ".join(cells[i] for i in (0, 2, 1, 3)))


def agreement_table(national_rows, broad_rows, kinds=None) -> dict:
    """Print, per sub-rule, the labellers it fires on and their agreement (true / alarms), with
    the national rules and in its broad form; then per vocabulary entry. Returns the marks."""
    national, broad = by_labeller(national_rows), by_labeller(broad_rows)
    marks = {}
    print(f"\n{'sub-rule':26} | labellers true/firing | national: labeller true/alarms"
          " || broad form: labeller labelled/alarms")  # fmt: skip
    for key in sorted(k for k in set(national) | set(broad) if isinstance(k, str)):
        nat, wide = national.get(key, {}), broad.get(key, {})
        agreeing = sum(1 for t, _n in nat.values() if t)
        mark = ["rests"] if 0 < agreeing <= 2 else []
        mark += ["split"] if any(2 * t < n for t, n in wide.values()) else []
        marks[key] = mark
        print(f"{key:26} | {agreeing:4} / {len(nat):2}  | {_cells(nat)} || {_cells(wide)} "
              f"{' '.join(mark)}")  # fmt: skip
    if kinds:
        print(
            f"\n{'kind of row':26} | labellers labelling most / with rows | labeller labelled T10/rows"
        )
        for key in sorted(kinds):
            per = kinds[key]
            agreeing = sum(1 for t, n in per.values() if 2 * t >= n)
            mark = "split" if agreeing < len(per) else ""
            marks.setdefault(key, []).append(f"kind {mark or 'agreed'}")
            print(f"{key:26} | {agreeing:4} / {len(per):2} | {_cells(per)} {mark}")
    print("\nper vocabulary entry (national rules): sub-rule, entry, labeller true/alarms")
    for key, entry in sorted(k for k in national if isinstance(k, tuple)):
        per = national[(key, entry)]
        agreeing = sum(1 for t, _n in per.values() if t)
        print(f"  {key:24} {entry:16} {agreeing:2} | {_cells(per)}")
    return marks


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
        for fid, _code, _row, key, true, _entry in rows:
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


def own_sub_rules(national_rows, group: dict[str, str]) -> dict[str, set[str]]:
    """Group → the sub-rules whose true alarms with the national rules all come from that
    group's files (`group`: file id → group); a sub-rule with no true alarm (a general rule
    written for tables in general) belongs to no group."""
    groups = defaultdict(set)
    for fid, _code, _row, key, true, _entry in national_rows:
        if true:
            groups[key].add(fid)
    out = defaultdict(set)
    for key, fids in groups.items():
        owners = {group[fid] for fid in fids}
        if len(owners) == 1:
            out[owners.pop()].add(key)
    return out


def _without_sub_rules(rules, dropped: set[str]):
    """`rules` keeping no finding of these sub-rules (`rule_key`)."""
    if not dropped:
        return rules
    lint = rules.lint
    return type(rules)(rules.lint, rules.catalogue, rules.scoring,
                       keep=lambda f: rule_key(f, lint) not in dropped)  # fmt: skip


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(prog="bench/lint_groups.py")
    parser.add_argument("--rows", action="store_true", help="print the false alarms' rows")
    parser.add_argument("--rules", action="store_true", help="true and false alarms per sub-rule")
    parser.add_argument("--agreement", action="store_true",
                        help="per sub-rule and entry, each labeller's agreement")  # fmt: skip
    parser.add_argument("--by", choices=sorted(GROUPINGS), default="labeller",
                        help="what a held-out group is (default: the labeller)")  # fmt: skip
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
    national_rows = keyed_findings(q, tune, national)
    sub_rules = own_sub_rules(national_rows, {i.id: GROUPINGS[args.by](i) for i in tune})
    base = {r.item.id: r for r in q.evaluate(tune, national).results}
    held, held_both, held_rows = {}, {}, []
    for g, items in sorted(groups.items()):
        rules = q.Rules(without(lint, owned.get(g, set())), national.catalogue, national.scoring)
        for result in q.evaluate(items, rules).results:
            held[result.item.id] = result
        both = _without_sub_rules(rules, sub_rules.get(g, set()))
        for result in q.evaluate(items, both).results:
            held_both[result.item.id] = result
        if args.rules:
            held_rows += keyed_findings(q, items, rules)
    tables = [q.code_counts(part.values()) for part in (base, held, held_both)]
    removed = Counter(len(owned.get(g, ())) for g in groups)
    print(f"tune set: {len(tune)} files in {len(groups)} groups by {args.by}; own-only words "
          "removed (words: groups): "
          + ", ".join(f"{n}: {k}" for n, k in sorted(removed.items())))  # fmt: skip
    print("own sub-rules held out: " + "; ".join(
        f"{g} {', '.join(sorted(keys))}" for g, keys in sorted(sub_rules.items())))  # fmt: skip
    print(
        f"{'code':8} | {'national':^22} | {'words held out':^22} | {'words, sub-rules held out':^22}"
    )
    for code in [*sorted(set().union(*tables)), "overall"]:
        cells = []
        for table in tables:
            c = q.overall(table) if code == "overall" else table.get(code, q.CodeCounts())
            cells.append(f"{c.labels:4} {c.findings:4} {q._percent(c.recall):>6} "
                         f"{q._percent(c.precision):>6}")  # fmt: skip
        print(f"{code:8} | " + " | ".join(cells))
    if args.agreement:
        label_rates(tune)
        per_group(q, groups, base, held_both)
        agreement_table(national_rows, keyed_findings(q, tune, broad_rules(q, national)),
                        kind_agreement(q, tune, national))  # fmt: skip
    if args.rules:
        items = {item.id: item for item in tune}
        provinces = {item.id: province_of(item) for item in tune}
        rules_table(national_rows, held_rows, provinces)
        if args.rows:
            print("\nheld-out false alarms by sub-rule:")
            for fid, _code, row, key, true, _entry in sorted(held_rows, key=lambda r: (r[3], r[0])):
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
