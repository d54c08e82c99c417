"""The labelled corpus of real tables (issue 15): the loader, the split, and the metrics.

Each file of `tests/corpus/targets/` and `tests/corpus/selfevals/` holds a published table in
the shape of schemas/target or schemas/selfeval and the labels a reader wrote by hand before
any run of the project's code (tests/corpus/README.md, the format). This module reads them and
compares the project with the labels, through the same functions `jixiao lint` and
`jixiao score` use, with the national rulebook:

- the split: a file is in the check set when `sha1(id) mod 5 == 0`, else in the tune set;
  fixed by the id alone, so it never changes when files are added or rules are tuned;
- findings: each document is linted (a self-evaluation as the declaration of its targets); a
  finding matches a label with the same code and indicator; a declaration-level code (T01,
  T06, T07, T08, T09, T14, T15, T16, T22) matches by code alone, with multiplicity (two T06
  labels match two T06 findings). T13, T15 and T17 need history and are left out on both sides;
- values: each `labels.values` entry against the indicator's target as the declaration reader
  parses it (operator, number equal as Decimal, unit by `same_unit`; or the kind);
- scores: each self-evaluation's `labels.scores` against the scorer (execution, each labelled
  indicator, total), equal to the cent or both null (the total is null when a part is).

Every disagreement is a `Difference` in the shape of `known-differences.json`; the table tests
(tests/test_corpus.py) expect exactly the listed ones. `python -m tests.corpus.quality` prints
the metrics; `--differences` prints the current differences with `"reason": "TODO"`.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal, InvalidOperation
from functools import lru_cache
from pathlib import Path

CORPUS = Path(__file__).resolve().parent
KNOWN_DIFFERENCES = CORPUS / "known-differences.json"
SECOND = CORPUS / "second"  # a second, blind reading of files: second/<folder>/<id>.json
FOLDERS = {"targets": "target", "selfevals": "selfeval"}
IGNORED_CODES = frozenset({"T13", "T15", "T17"})  # they need history the tables do not have
#: Codes about what a table lacks (rows, a subcategory, a category, weights adding up): a table
#: published cut ("complete": false) cannot show them, so they count on neither side there.
ABSENCE_CODES = frozenset({"T01", "T06", "T07", "T08", "T14", "T18"})  # T18: cost lines cut off


def unknowable_codes(item) -> frozenset:
    """Codes a file cannot show: absences in a cut table; T09 where the page around the table
    did not publish the goal at all (no "goal" in the document: not the same as an empty one),
    T16 where no amounts were published."""
    document = item.document if isinstance(item.document, dict) else {}
    codes = set(IGNORED_CODES)
    if not _is_complete(item):
        codes |= ABSENCE_CODES
    goal = document.get("goal")
    if goal is None or (isinstance(goal, dict) and goal.get("expected") is None):
        codes.add("T09")
    return frozenset(codes)


DECLARATION_CODES = frozenset({"T01", "T06", "T07", "T08", "T09", "T14", "T15", "T16", "T22"})
ALL_CODES = frozenset(f"T{n:02d}" for n in range(1, 23))
VALUE_WORDS = ("qualitative", "unreadable", "missing")
COMPARISONS = (">=", ">", "=", "<=", "<")
DIFFERENCE_KINDS = ("value", "missed", "false_alarm", "score")
CENT = Decimal("0.01")
MIN_LABELS = 3  # a code is held to the goals on the check set from this many labels
GOALS = {"recall": Decimal("0.80"), "precision": Decimal("0.90")}

_ID_RE = re.compile(r"^[a-z0-9]+(-[a-z0-9]+)+$")
_DATE_RE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_SOURCE_TEXTS = ("url", "retrieved", "title", "province", "transcription")
_SOURCE_CHOICES = {"level": ("province", "city", "county"),
                   "kind": ("project", "unit", "special_fund")}  # fmt: skip


# --------------------------------------------------------------------------- loading


@dataclass(frozen=True)
class CorpusFile:
    """One corpus file: its id, kind ("target" or "selfeval"), path and parsed JSON."""

    id: str
    kind: str
    path: Path
    data: dict

    @property
    def check(self) -> bool:
        return in_check_set(self.id)

    @property
    def labels(self) -> dict:
        labels = self.data.get("labels")
        return labels if isinstance(labels, dict) else {}

    @property
    def document(self) -> object:
        return self.data.get("document")


def in_check_set(file_id: str) -> bool:
    """The check set (never tuned on): a fifth of the ids, chosen by their SHA-1 alone."""
    return int(hashlib.sha1(file_id.encode()).hexdigest(), 16) % 5 == 0


def corpus_paths(root: Path = CORPUS) -> list[tuple[str, Path]]:
    """(kind, path) of every corpus file under `root`, targets first, each folder by name."""
    return [
        (kind, path)
        for folder, kind in FOLDERS.items()
        for path in sorted((root / folder).glob("*.json"))
    ]


def load(root: Path = CORPUS) -> list[CorpusFile]:
    """Every corpus file under `root`; a file that is not a JSON object loads as `{}`, so the
    format test reports it instead of the loader failing."""
    files = []
    for kind, path in corpus_paths(root):
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
        except (ValueError, UnicodeDecodeError):
            data = {}
        files.append(CorpusFile(path.stem, kind, path, data if isinstance(data, dict) else {}))
    return files


# --------------------------------------------------------------------------- the format


def format_problems(item: CorpusFile) -> list[str]:
    """What the file lacks of the corpus format (tests/corpus/README.md); [] when complete."""
    data = item.data
    if not data:
        return ["not a JSON object"]
    problems = [f"missing top-level '{key}'" for key in ("id", "source", "document", "labels")
                if key not in data]  # fmt: skip
    if data.get("id") != item.id:
        problems.append(f"id {data.get('id')!r} differs from the file name {item.id!r}")
    if not _ID_RE.match(item.id):
        problems.append(f"id {item.id!r} is not lower-case ASCII <tag>-<province>-<nn>")
    problems += _source_problems(data.get("source"))
    document = data.get("document")
    rows = document.get("indicators") if isinstance(document, dict) else None
    count = len(rows) if isinstance(rows, list) else 0
    problems += _label_problems(item, count)
    return problems


def _source_problems(source: object) -> list[str]:
    if not isinstance(source, dict):
        return ["source is not an object"]
    problems = [f"source.{key} is not a non-empty text" for key in _SOURCE_TEXTS
                if not isinstance(source.get(key), str) or not source[key].strip()]  # fmt: skip
    if not str(source.get("url", "")).startswith(("http://", "https://")):
        problems.append("source.url is not a web address")
    if not _DATE_RE.match(str(source.get("retrieved", ""))):
        problems.append("source.retrieved is not YYYY-MM-DD")
    if "publisher" not in source or not isinstance(source["publisher"], (str, type(None))):
        problems.append("source.publisher is not a text or null")
    for key, choices in _SOURCE_CHOICES.items():
        if source.get(key) not in choices:
            problems.append(f"source.{key} {source.get(key)!r} is not one of {choices}")
    year = source.get("year")  # null when the published excerpt does not give the year
    if year is not None and (not isinstance(year, int) or isinstance(year, bool)):
        problems.append("source.year is not an integer or null")
    if not isinstance(source.get("complete"), bool):
        problems.append("source.complete is not true or false")
    return problems


def _label_problems(item: CorpusFile, count: int) -> list[str]:
    labels = item.data.get("labels")
    if not isinstance(labels, dict):
        return ["labels is not an object"]
    problems = []
    if not isinstance(labels.get("by"), str) or not labels["by"].strip():
        problems.append("labels.by does not say who labelled")
    problems += _list_problems(labels.get("findings"), "labels.findings",
                               lambda label: _finding_problems(label, count))  # fmt: skip
    problems += _values_problems(labels.get("values"), count)
    if item.kind == "selfeval":
        problems += _scores_problems(labels.get("scores"), count)
    return problems


def _is_row(value: object, count: int) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and 0 <= value < count


def _finding_problems(label: object, count: int) -> list[str]:
    if not isinstance(label, dict):
        return ["not an object"]
    code, row = label.get("code"), label.get("indicator")
    problems = []
    if code not in ALL_CODES:
        problems.append(f"code {code!r} is not one of T01–T22")
    elif code in IGNORED_CODES:
        problems.append(f"{code} needs history: not labelled")
    if code in DECLARATION_CODES and row is not None:
        problems.append(f"{code} is declaration-level: indicator must be null")
    elif code not in DECLARATION_CODES and not _is_row(row, count):
        problems.append(f"indicator {row!r} is not a row of document.indicators")
    if not isinstance(label.get("why"), str) or not label["why"].strip():
        problems.append("no why")
    return problems


def _values_problems(values: object, count: int) -> list[str]:
    if not isinstance(values, list):
        return ["labels.values is not a list"]
    problems = []
    rows = Counter()
    for n, entry in enumerate(values):
        if not isinstance(entry, dict) or not _is_row(entry.get("indicator"), count):
            problems.append(f"labels.values[{n}]: indicator is not a row of document.indicators")
            continue
        rows[entry["indicator"]] += 1
        if not _target_label_ok(entry.get("target")):
            problems.append(f"labels.values[{n}]: target {entry.get('target')!r} is not a reading")
    missing = [row for row in range(count) if rows[row] == 0]
    twice = [row for row, times in rows.items() if times > 1]
    if missing:
        problems.append(f"labels.values has no entry for indicators {missing}")
    if twice:
        problems.append(f"labels.values has several entries for indicators {sorted(twice)}")
    return problems


def _target_label_ok(target: object) -> bool:
    if target in VALUE_WORDS:
        return True
    if not isinstance(target, dict):
        return False
    if target.get("op") == "deadline":
        return _iso_date(target.get("date")) is not None
    unit = target.get("unit")
    return (target.get("op") in COMPARISONS and _decimal(target.get("number")) is not None
            and (unit is None or isinstance(unit, str)))  # fmt: skip


def _scores_problems(scores: object, count: int) -> list[str]:
    if not isinstance(scores, dict):
        return ["labels.scores is missing (a self-evaluation's hand computation)"]
    problems = []
    execution = scores.get("execution")
    if not isinstance(execution, dict) or not _score_ok(execution.get("score")):
        problems.append("labels.scores.execution has no score (a figure or null)")
    problems += _list_problems(scores.get("indicators"), "labels.scores.indicators",
                               lambda entry: _row_score_problems(entry, count))  # fmt: skip
    if not _score_ok(scores.get("total")):
        problems.append("labels.scores.total is not a figure or null")
    return problems


def _row_score_problems(entry: object, count: int) -> list[str]:
    if not isinstance(entry, dict) or not _is_row(entry.get("indicator"), count):
        return ["indicator is not a row of document.indicators"]
    return [] if _score_ok(entry.get("score")) else ["score is not a figure or null"]


def _list_problems(entries: object, path: str, check) -> list[str]:
    """Each entry's problems by `check`, prefixed with its place; or that it is not a list."""
    if not isinstance(entries, list):
        return [f"{path} is not a list"]
    return [f"{path}[{n}]: {p}" for n, entry in enumerate(entries) for p in check(entry)]


def _score_ok(value: object) -> bool:
    return value is None or _decimal(value) is not None


def _decimal(value: object) -> Decimal | None:
    if not isinstance(value, (str, int)) or isinstance(value, bool):
        return None
    try:
        number = Decimal(str(value).strip())
    except InvalidOperation:
        return None
    return number if number.is_finite() else None


def _iso_date(value: object) -> date | None:
    try:
        return date.fromisoformat(value) if isinstance(value, str) else None
    except ValueError:
        return None


# --------------------------------------------------------------------------- the project's view


@dataclass(frozen=True)
class Rules:
    """The national rulebook's sections the lint and the scorer run with. `keep`, when given,
    says which findings count (bench/lint_groups.py holds sub-rules out by it); None keeps all."""

    lint: dict
    catalogue: dict
    scoring: object
    keep: object = None

    @classmethod
    @lru_cache(maxsize=1)
    def national(cls) -> Rules:
        from jixiao.core import rulebook
        from jixiao.evaluations.scoring import scoring_params

        rules = rulebook.named(rulebook.NATIONAL)
        return cls(rules.section("lint"), rules.section("catalogue"),
                   scoring_params(rules.section("scoring")))  # fmt: skip


_TARGET_ROW_KEYS = ("category", "subcategory", "name", "target", "unit", "operator", "weight")


def declaration_data(item: CorpusFile) -> object:
    """The document as schemas/target: a self-evaluation as the declaration of its targets
    (goal = goal.expected, its indicators with their targets, total = full-year or initial
    budget); a target declaration as it is."""
    document = item.document
    if item.kind == "target" or not isinstance(document, dict):
        return document
    budget = document.get("budget") if isinstance(document.get("budget"), dict) else {}
    goal = document.get("goal") if isinstance(document.get("goal"), dict) else {}
    total = (
        budget.get("full_year") if budget.get("full_year") is not None else budget.get("initial")
    )
    rows = document.get("indicators")
    data = {key: document[key] for key in ("region", "year", "unit", "project") if key in document}
    data.update(goal=goal.get("expected"), amounts={"total": total} if total is not None else {})
    data["indicators"] = (
        [{k: row[k] for k in _TARGET_ROW_KEYS if k in row} if isinstance(row, dict) else row
         for row in rows] if isinstance(rows, list) else rows
    )  # fmt: skip
    return data


def read_declaration(item: CorpusFile, rules: Rules):
    """(Declaration or None, schema errors) as `jixiao lint` reads the document."""
    from jixiao.targets.declaration import declaration_from_data

    return declaration_from_data(declaration_data(item), catalogue=rules.catalogue,
                                 incidents=rules.lint["T02"])  # fmt: skip


def read_selfeval(item: CorpusFile, rules: Rules):
    """(SelfEvalSheet or None, schema errors) as `jixiao score` reads the document."""
    from jixiao.evaluations.selfeval_data import selfeval_from_data

    return selfeval_from_data(item.document, catalogue=rules.catalogue,
                              incidents=rules.lint["T02"])  # fmt: skip


def lint_declaration(declaration, rules: Rules) -> list[tuple[str, int | None]]:
    """(code, indicator) of each lint finding, without the codes that need history."""
    from jixiao.targets.lint import lint

    result = lint(declaration, rules=rules.lint, catalogue=rules.catalogue, context=None)
    kept = result.findings if rules.keep is None else filter(rules.keep, result.findings)
    return [(f.code, f.indicator) for f in kept if f.code not in IGNORED_CODES]


# --------------------------------------------------------------------------- matching


@dataclass(frozen=True)
class Match:
    """Labels against findings for one document: what matched, what was missed, what was
    found without a label; each a list of (code, indicator)."""

    matched: tuple[tuple[str, int | None], ...]
    missed: tuple[tuple[str, int | None], ...]
    false_alarms: tuple[tuple[str, int | None], ...]


def _match_key(code: str, indicator: int | None) -> tuple[str, int | None]:
    return (code, None) if code in DECLARATION_CODES else (code, indicator)


def match_findings(labels, findings, ignored=IGNORED_CODES) -> Match:
    """Match (code, indicator) labels with findings as multisets: same code and indicator, or,
    for a declaration-level code, the same code whatever the indicator. The lists come back in
    (code, indicator) order; a declaration-level code's entries carry indicator None."""
    wanted = _once(Counter(_match_key(c, i) for c, i in labels if c not in ignored))
    found = _once(Counter(_match_key(c, i) for c, i in findings if c not in ignored))
    both = wanted & found
    return Match(_sorted(both), _sorted(wanted - both), _sorted(found - both))


#: Declaration-level codes a reviewer marks once per table however many parts they concern
#: (T14: the lint names each category whose weights are off; a reviewer says "weights wrong").
ONCE_PER_TABLE = frozenset({"T01", "T07", "T08", "T09", "T14", "T15", "T16", "T22"})


def _once(counter: Counter) -> Counter:
    return Counter({k: (1 if k[0] in ONCE_PER_TABLE else n) for k, n in counter.items()})


def _sorted(counter: Counter) -> tuple:
    return tuple(sorted(counter.elements(), key=lambda k: (k[0], -1 if k[1] is None else k[1])))


# --------------------------------------------------------------------------- a second reading


def second_findings(item: CorpusFile, root: Path = SECOND) -> list | None:
    """The second reader's findings of a corpus file (the same format as `labels.findings`), or
    None when the file was not read twice."""
    path = root / item.path.parent.name / f"{item.id}.json"
    if not path.exists():
        return None
    data = json.loads(path.read_text(encoding="utf-8"))
    return data.get("findings") or [] if isinstance(data, dict) else []


def _pairs(findings) -> list[tuple[str, int | None]]:
    return [(f.get("code"), f.get("indicator")) for f in findings or [] if isinstance(f, dict)]


def two_readings(item: CorpusFile, second: list) -> dict[str, tuple]:
    """The labels of a file read twice, as (code, indicator) pairs matched as the lint is
    matched (the codes the file cannot show left out): "first", "second", "both" (given by both
    readers) and "either" (by one or both, a label both gave counted once)."""
    match = match_findings(_pairs(item.labels.get("findings")), _pairs(second),
                           ignored=unknowable_codes(item))  # fmt: skip
    first = _sorted(Counter(match.matched + match.missed))
    other = _sorted(Counter(match.matched + match.false_alarms))
    either = _sorted(Counter(match.matched + match.missed + match.false_alarms))
    return {"first": first, "second": other, "both": match.matched, "either": either}


def relabelled(item: CorpusFile, pairs) -> CorpusFile:
    """The same file with these (code, indicator) labels as its findings, values and scores kept."""
    findings = [{"code": code, "indicator": row} for code, row in pairs]
    labels = {**item.labels, "findings": findings}
    return CorpusFile(item.id, item.kind, item.path, {**item.data, "labels": labels})


# --------------------------------------------------------------------------- values and scores


def value_reading(value) -> object:
    """A TargetValue in the labels' own form, to compare and to show."""
    kind = str(value.kind)
    if kind in VALUE_WORDS:
        return kind
    if kind == "deadline":
        return {"op": "deadline", "date": value.deadline.isoformat() if value.deadline else None}
    number = None if value.number is None else f"{value.number:f}"
    return {"op": str(value.operator), "number": number, "unit": value.unit}


def value_agrees(label: object, value) -> bool:
    """True when the parsed target reads as the label says."""
    from jixiao.indicators.values import same_unit

    read = value_reading(value)
    if isinstance(label, str) or isinstance(read, str):
        return label == read
    if label.get("op") == "deadline" or read["op"] == "deadline":
        return label.get("op") == read["op"] and label.get("date") == read["date"]
    return (label.get("op") == read["op"] and read["number"] is not None
            and _decimal(label.get("number")) == Decimal(read["number"])
            and same_unit(label.get("unit"), read["unit"]))  # fmt: skip


def _cents(value: object) -> Decimal | None:
    number = _decimal(value)
    return None if number is None else number.quantize(CENT)


def scores_agree(label: object, computed: object) -> bool:
    """Equal to the cent, or both null."""
    return _cents(label) == _cents(computed)


def project_scores(item: CorpusFile, rules: Rules) -> dict | None:
    """The scorer's execution, indicator scores and total (None when a part is), as strings."""
    from jixiao.evaluations.scoring import score

    selfeval, errors = read_selfeval(item, rules)
    if selfeval is None:
        return None
    result = score(selfeval, rules=rules.scoring, catalogue=rules.catalogue).to_data()
    return {
        "execution": result["execution"]["score"],
        "indicators": [row["score"] for row in result["indicators"]],
        "total": result["total"] if result["complete"] else None,
    }


# --------------------------------------------------------------------------- one file's result


@dataclass(frozen=True)
class FileResult:
    """A corpus file against the project: its schema errors, matching, values and scores."""

    item: CorpusFile
    errors: tuple[str, ...] = ()
    match: Match = Match((), (), ())
    values: tuple[tuple[int, object, object], ...] = ()  # (indicator, label, reading) that differ
    values_labelled: int = 0
    values_agreeing: int = 0
    values_readable: int = 0  # labelled as readable (not unreadable, not missing)
    values_read: int = 0  # of those, the parser read as readable too
    scores: tuple[tuple[object, object, object], ...] = ()  # (part, label, computed) that differ
    indicators: int = 0
    differences: tuple[dict, ...] = field(default=())


def evaluate_file(item: CorpusFile, rules: Rules) -> FileResult:
    """One file against the project; the project raising (which it must never do) is reported
    as the file's error, so one crash does not hide the rest of the corpus."""
    try:
        return _evaluate_file(item, rules)
    except Exception as exc:  # noqa: BLE001 - reported on the file, the run goes on
        return FileResult(item, errors=(f"the project raised {type(exc).__name__}: {exc}",))


def _evaluate_file(item: CorpusFile, rules: Rules) -> FileResult:
    declaration, errors = read_declaration(item, rules)
    if item.kind == "selfeval" and isinstance(item.document, dict):
        errors = list(errors) + list(read_selfeval(item, rules)[1])
    if declaration is None or errors:
        messages = tuple(str(e.get("message", e)) if isinstance(e, dict) else str(e)
                         for e in errors)  # fmt: skip
        return FileResult(item, errors=messages or ("the document does not read",))
    labels = item.labels
    label_pairs = [(f.get("code"), f.get("indicator")) for f in labels.get("findings") or []
                   if isinstance(f, dict)]  # fmt: skip
    findings = lint_declaration(declaration, rules)
    matched = match_findings(label_pairs, findings, unknowable_codes(item))
    lines = declaration.indicators
    counts = Counter()
    differing = []
    for entry in labels.get("values") or []:
        if not isinstance(entry, dict) or not _is_row(entry.get("indicator"), len(lines)):
            continue
        label, value = entry.get("target"), lines[entry["indicator"]].value
        agrees = value_agrees(label, value)
        readable = label not in ("unreadable", "missing")
        counts.update(labelled=1, agreeing=agrees, readable=readable,
                      read=readable and value_reading(value) not in ("unreadable", "missing"))  # fmt: skip
        if not agrees:
            differing.append((entry["indicator"], label, value_reading(value)))
    scores = _score_differences(item, rules) if item.kind == "selfeval" else []
    result = FileResult(
        item, match=matched, values=tuple(differing), values_labelled=counts["labelled"],
        values_agreeing=counts["agreeing"], values_readable=counts["readable"],
        values_read=counts["read"], scores=tuple(scores), indicators=len(lines),
    )  # fmt: skip
    return _with_differences(result)


def _score_differences(item: CorpusFile, rules: Rules) -> list[tuple[object, object, object]]:
    labels = item.labels.get("scores")
    computed = project_scores(item, rules)
    if not isinstance(labels, dict) or computed is None:
        return []
    parts = [("execution", (labels.get("execution") or {}).get("score"), computed["execution"])]
    rows = computed["indicators"]
    for entry in labels.get("indicators") or []:
        if isinstance(entry, dict) and _is_row(entry.get("indicator"), len(rows)):
            row = entry["indicator"]
            parts.append((row, entry.get("score"), rows[row]))
    if _is_complete(item):  # a cut table's total is not the table's total
        parts.append(("total", labels.get("total"), computed["total"]))
    return [part for part in parts if not scores_agree(part[1], part[2])]


def _is_complete(item: CorpusFile) -> bool:
    source = item.data.get("source")
    return not (isinstance(source, dict) and source.get("complete") is False)


def _with_differences(result: FileResult) -> FileResult:
    file_id = result.item.id
    out = [{"file": file_id, "kind": "value", "indicator": row, "labelled": label, "read": read}
           for row, label, read in result.values]  # fmt: skip
    for kind, pairs in (("missed", result.match.missed),
                        ("false_alarm", result.match.false_alarms)):  # fmt: skip
        out += [{"file": file_id, "kind": kind, "code": code, "indicator": row}
                for code, row in pairs]  # fmt: skip
    out += [{"file": file_id, "kind": "score", "indicator": part, "labelled": label,
             "computed": computed} for part, label, computed in result.scores]  # fmt: skip
    return FileResult(**{**result.__dict__, "differences": tuple(out)})


def difference_key(entry: dict) -> tuple:
    """What identifies a difference: file, kind, code and indicator (the reason aside)."""
    return (entry.get("file"), entry.get("kind"), entry.get("code"), entry.get("indicator"))


def against_known(result: FileResult, known: list[dict], kinds) -> tuple[list, list]:
    """(new, gone): the file's differences of these kinds not listed in `known`, and those
    listed for it that no longer occur (each as many times as it is short)."""
    got = [d for d in result.differences if d["kind"] in kinds]
    listed = Counter(difference_key(d) for d in known
                     if d.get("file") == result.item.id and d.get("kind") in kinds)  # fmt: skip
    current = Counter(difference_key(d) for d in got)
    extra = current - listed
    new = []
    for d in got:
        if extra[difference_key(d)] > 0:
            extra[difference_key(d)] -= 1
            new.append(d)
    return new, sorted((listed - current).elements(), key=str)


def load_known(path: Path = KNOWN_DIFFERENCES) -> list[dict]:
    if not path.exists():
        return []
    return json.loads(path.read_text(encoding="utf-8"))


# --------------------------------------------------------------------------- the metrics


@dataclass(frozen=True)
class CodeCounts:
    labels: int = 0
    findings: int = 0
    matched: int = 0

    @property
    def recall(self) -> Decimal | None:
        return _share(self.matched, self.labels)

    @property
    def precision(self) -> Decimal | None:
        return _share(self.matched, self.findings)

    def __add__(self, other: CodeCounts) -> CodeCounts:
        return CodeCounts(self.labels + other.labels, self.findings + other.findings,
                          self.matched + other.matched)  # fmt: skip


def _share(part: int, whole: int) -> Decimal | None:
    return None if not whole else (Decimal(part) / Decimal(whole)).quantize(Decimal("0.0001"))


def code_counts(results) -> dict[str, CodeCounts]:
    """Per code: labels, findings and matched over the given file results."""
    table: dict[str, CodeCounts] = defaultdict(CodeCounts)
    for result in results:
        m = result.match
        for pairs, kind in ((m.matched, "matched"), (m.missed, "missed"),
                            (m.false_alarms, "false")):  # fmt: skip
            for code, _row in pairs:
                one = CodeCounts(labels=kind != "false", findings=kind != "missed",
                                 matched=kind == "matched")  # fmt: skip
                table[code] = table[code] + one
    return dict(sorted(table.items()))


def overall(table: dict[str, CodeCounts]) -> CodeCounts:
    """Micro-average: all codes' counts together."""
    return sum(table.values(), CodeCounts())


def shortfalls(table: dict[str, CodeCounts], min_labels: int = MIN_LABELS) -> list[str]:
    """The goals not met: each code with at least `min_labels` labels, and overall."""
    rows = [(code, c) for code, c in table.items() if c.labels >= min_labels]
    rows.append(("overall", overall(table)))
    out = []
    for name, counts in rows:
        for metric, goal in GOALS.items():
            got = getattr(counts, metric)
            if got is not None and got < goal:
                out.append(f"{name} {metric} {got} < {goal} ({_counts_text(counts)})")
    return out


def _counts_text(c: CodeCounts) -> str:
    return f"labels {c.labels}, findings {c.findings}, matched {c.matched}"


@dataclass(frozen=True)
class Report:
    results: tuple[FileResult, ...]

    def part(self, check: bool | None = None) -> tuple[FileResult, ...]:
        """All results (None), the check set (True) or the tune set (False)."""
        return tuple(r for r in self.results if check is None or r.item.check == check)

    def codes(self, check: bool | None = None) -> dict[str, CodeCounts]:
        return code_counts(self.part(check))

    def differences(self) -> list[dict]:
        return [d for r in self.results for d in r.differences]

    def value_counts(self, check: bool | None = None) -> dict[str, int]:
        part = self.part(check)
        return {key: sum(getattr(r, f"values_{key}") for r in part)
                for key in ("labelled", "agreeing", "readable", "read")}  # fmt: skip


def evaluate(files, rules: Rules | None = None) -> Report:
    rules = rules or Rules.national()
    return Report(tuple(evaluate_file(item, rules) for item in files))


@lru_cache(maxsize=4)
def corpus_report(root: Path = CORPUS) -> Report:
    """The corpus under `root`, evaluated once per process (the table tests share it)."""
    return evaluate(load(root))


# --------------------------------------------------------------------------- printing


def _percent(value: Decimal | None) -> str:
    return "—" if value is None else f"{value * 100:.1f}%"


def metrics_table(report: Report) -> str:
    """Per code, on the check set and the whole corpus: labels, findings, matched, recall,
    precision; then overall and the value readings."""
    parts = {"check": report.codes(True), "all": report.codes(None)}
    titles = (f"check set ({len(report.part(True))} files)",
              f"whole corpus ({len(report.part())} files)")  # fmt: skip
    columns = f" | {'labels':>6} {'found':>5} {'match':>5} {'recall':>7} {'prec.':>7}"
    width = len(columns) - 3
    lines = [f"{'':8}" + "".join(f" | {title:^{width}}" for title in titles),
             f"{'code':8}" + columns * len(parts)]  # fmt: skip
    lines.append("-" * len(lines[1]))
    for code in [*sorted(set(parts["all"])), "overall"]:
        cells = []
        for table in parts.values():
            c = overall(table) if code == "overall" else table.get(code, CodeCounts())
            cells.append(f" | {c.labels:6} {c.findings:5} {c.matched:5} "
                         f"{_percent(c.recall):>7} {_percent(c.precision):>7}")  # fmt: skip
        lines.append(f"{code:8}" + "".join(cells))
    for name, check in (("check", True), ("all", None)):
        v = report.value_counts(check)
        lines.append(
            f"values ({name}): {v['agreeing']}/{v['labelled']} read as labelled "
            f"({_percent(_share(v['agreeing'], v['labelled']))}); {v['read']}/{v['readable']} "
            f"labelled readable were read ({_percent(_share(v['read'], v['readable']))})"
        )
    files = report.part()
    check = report.part(True)
    lines.append(f"files: {len(files)} ({len(check)} in the check set); "
                 f"{sum(bool(r.errors) for r in files)} do not read")  # fmt: skip
    return "\n".join(lines)


def differences_for_review(report: Report) -> list[dict]:
    """The current differences in known-differences.json's shape, each `"reason": "TODO"`,
    with what was labelled and what the project read (to review; not needed in the file)."""
    return [{**d, "reason": "TODO"} for d in report.differences()]


def main(argv: list[str] | None = None) -> None:
    import argparse
    import os

    parser = argparse.ArgumentParser(prog="python -m tests.corpus.quality")
    parser.add_argument("--differences", action="store_true",
                        help="print the current differences as known-differences.json entries")  # fmt: skip
    parser.add_argument("--root", type=Path, default=CORPUS, help="the corpus folder")
    args = parser.parse_args(argv)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "jixiao.settings")
    import django

    django.setup()
    report = corpus_report(args.root)
    if args.differences:
        print(json.dumps(differences_for_review(report), ensure_ascii=False, indent=2))
    else:
        print(metrics_table(report))
        unread = [r for r in report.results if r.errors]
        for r in unread:
            print(f"{r.item.id}: {'; '.join(r.errors)}")


if __name__ == "__main__":
    main()
