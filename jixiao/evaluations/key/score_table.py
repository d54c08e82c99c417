"""Checking an agency's score table (评分表) of a key evaluation: K01–K06 (CONTRACT.md,
`jixiao score --kind key`), and reading one from the rows of a worksheet.

A pure module (DESIGN.md, Pure rules): standard library and pure modules only. The rules are
the rulebook's "key_evaluation" section, the grades the "scoring" section's `grades`.

`check_score_table(data, rules, grades)` takes one JSON object

    {"subject": "...", "indicators": [{"level1": "决策", "level2": "...", "level3": "...",
     "weight": "5", "score": "4.5"}], "total": "88.50", "grade": "良"}

(`total` and `grade` as the agency stated them, both optional) and recomputes: each score held
within 0..its weight, rounded half up to two decimals; `total` their sum and `grade` its band.
`checks` has one entry per slip, in code order:

- K01 the weights do not sum to 100;
- K02 the weights of 产出 and 效益 together are below 60;
- K03 a score outside 0..its weight (one per indicator);
- K04 the stated total differs from the sum of the stated scores as written by more than 0.01
  (a stated total that is not a number differs too);
- K05 the stated grade is not the band of the stated total (without a readable stated total:
  of the sum of the stated scores as written, which is what the table states);
- K06 a level-1 name outside 决策, 过程, 产出, 效益 (one per indicator); its weight counts
  toward neither side of K02.

A score or weight that cannot be read is an error on its indicator, whose score is then null;
the total is of the rest and has no grade. An item that is not a score table gets
`{"errors": [...]}` only.

`score_table_from_rows(sheet, rows)` reads the table of a worksheet's rows (the header row found
by its names in the first 10 rows, merged level cells filled down, a 合计/总分 row read as the
stated total, an optional 等级 cell) and refuses, with the sheet, row and column, a row without
a level-1 name, a score that is text, above its weight or below 0, and a missing weight or score.
`jixiao.evaluations.key.score_file.read_score_table_xlsx` opens the workbook safely and calls it.
"""

import re
import unicodedata
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal

from jixiao.core.rule_messages import Join, Message
from jixiao.core.schema_read import read_decimal, type_name

from .figures import fixed, grade_for, plain, round_half_up
from .framework import Finding, indicator_label, weight_checks

__all__ = [
    "CellProblem",
    "ScoreTableResult",
    "check_score_table",
    "header_row",
    "score_table_from_rows",
]

TWO = Decimal("0.01")


# --------------------------------------------------------------------------- checking


@dataclass(frozen=True)
class TableLine:
    """One indicator of a checked table: its score held within 0..weight (None when it cannot
    be computed) and the errors that left it None."""

    score: Decimal | None
    errors: tuple[dict, ...] = ()

    def to_data(self) -> dict:
        return {"score": fixed(self.score), "errors": [dict(e) for e in self.errors]}


@dataclass(frozen=True)
class ScoreTableResult:
    """A checked score table: the recomputed total and grade, one line per indicator in input
    order, the slips (K01–K06) and how the total came about."""

    total: Decimal
    grade: str | None
    indicators: tuple[TableLine, ...]
    checks: tuple[Finding, ...]
    explanation: str = ""
    errors: tuple[dict, ...] = field(default_factory=tuple)

    def to_data(self) -> dict:
        """CONTRACT.md: `{"total", "grade", "indicators": [{"score", "errors"}], "checks"}`, or
        `{"errors": [...]}` for an item that is not a score table."""
        if self.errors:
            return {"errors": [dict(e) for e in self.errors]}
        return {
            "total": fixed(self.total),
            "grade": self.grade,
            "indicators": [line.to_data() for line in self.indicators],
            "checks": [c.to_data() for c in self.checks],
        }


def _error(code: str, message: str) -> dict:
    return {"code": code, "message": str(message)}


def _number(value) -> tuple[Decimal | None, bool]:
    """(the number, readable): None with True for a blank, None with False for text."""
    if isinstance(value, str):
        value = value.strip().removesuffix("分").strip()
    try:
        return read_decimal(value), True
    except ValueError:
        return None, False


def _shown(value) -> str:
    """A value as written in a message: text as it is, a number plainly, else its JSON type."""
    if isinstance(value, str):
        return value
    return plain(Decimal(str(value))) if _is_num(value) else type_name(value)


def _is_num(value) -> bool:
    return not isinstance(value, bool) and isinstance(value, int | float | Decimal)


def _table_errors(data) -> list[dict]:
    if not isinstance(data, Mapping):
        return [_error("schema", Message("key.table.not_object", type=type_name(data)))]
    indicators = data.get("indicators")
    if not isinstance(indicators, list) or not indicators:
        return [_error("schema", Message("key.table.no_indicators"))]
    return [_error("schema", Message("key.table.item_not_object", n=i + 1,
                                     type=type_name(item)))
            for i, item in enumerate(indicators) if not isinstance(item, Mapping)]  # fmt: skip


def _read_item(item: Mapping, label: str) -> tuple[Decimal | None, Decimal | None, list]:
    """An indicator's weight and score (None when missing or unreadable) and the errors."""
    problems = []
    values = {}
    for key in ("weight", "score"):
        value, readable = _number(item.get(key))
        if value is None:
            code = f"no_{key}" if readable else f"bad_{key}"
            shown = _shown(item.get(key))
            problems.append(_error(code, Message(f"key.table.{code}", label=label, value=shown)))
        values[key] = value
    weight = values["weight"]
    if weight is not None and weight < 0:
        message = Message("key.table.negative_weight", label=label, value=plain(weight))
        problems.append(_error("negative_weight", message))
        weight = None
    return weight, values["score"], problems


def check_score_table(data, rules: Mapping, grades) -> ScoreTableResult:
    """Recompute an agency's score table and list its slips (K01–K06); never raises."""
    errors = _table_errors(data)
    if errors:
        return ScoreTableResult(Decimal(0), None, (), (), "", tuple(errors))
    items = data["indicators"]
    lines, weights, written = [], [], []
    k03 = []
    for index, item in enumerate(items):
        label = indicator_label(index, _text(item.get("level3")))
        weight, score, problems = _read_item(item, label)
        weights.append(weight)
        if score is not None:
            written.append(score)
        if problems or weight is None or score is None:  # a missing one is among the problems
            lines.append(TableLine(None, tuple(problems)))
            continue
        held = min(max(score, Decimal(0)), weight)
        if held != score:
            message = Message("key.K03", label=label, score=plain(score), weight=plain(weight))
            k03.append(Finding("K03", message, index))
        lines.append(TableLine(round_half_up(held, TWO)))
    checks = weight_checks(zip((_text(i.get("level1")) for i in items), weights, strict=True),
                           rules, names=[_text(i.get("level3")) for i in items])  # fmt: skip
    parts = [line.score for line in lines if line.score is not None]
    total = sum(parts, Decimal("0.00"))
    complete = len(parts) == len(lines)
    grade = grade_for(total, grades) if complete else None
    checks += k03 + _stated(data, sum(written, Decimal(0)), rules, grades)
    order = ("K01", "K02", "K03", "K04", "K05", "K06")
    checks.sort(key=lambda c: order.index(c.code) if c.code in order else len(order))
    code = "key.table.total" if complete else "key.table.total_incomplete"
    explanation = Message(code, n=len(parts), total=f"{total:f}", grade=grade or "",
                          missing=len(lines) - len(parts))  # fmt: skip
    return ScoreTableResult(total, grade, tuple(lines), tuple(checks), explanation)


def _text(value) -> str:
    return value.strip() if isinstance(value, str) else "" if value is None else str(value)


def _stated(data: Mapping, written: Decimal, rules: Mapping, grades) -> list[Finding]:
    """K04 and K05: the agency's own total and grade against the scores it wrote."""
    found = []
    stated_total, total_ok = _number(data.get("total"))
    tolerance = Decimal(rules["framework"]["total_tolerance"])
    if not total_ok:
        message = Message("key.K04.unreadable", stated=_shown(data.get("total")),
                          written=plain(written))  # fmt: skip
        found.append(Finding("K04", message))
    elif stated_total is not None and abs(stated_total - written) > tolerance:
        message = Message("key.K04", stated=plain(stated_total), written=plain(written),
                          gap=plain(abs(stated_total - written)))  # fmt: skip
        found.append(Finding("K04", message))
    stated_grade = _text(data.get("grade"))
    if stated_grade:
        basis = stated_total if stated_total is not None else written
        band = grade_for(basis, grades)
        if band != stated_grade:
            code = "key.K05" if stated_total is not None else "key.K05.written"
            found.append(Finding("K05", Message(code, grade=stated_grade, total=plain(basis),
                                                band=band or "")))  # fmt: skip
    return found


# --------------------------------------------------------------------------- worksheet rows

#: The columns of a score table, by what their header may say (normalised: no spaces, no notes
#: in brackets).
COLUMNS = {
    "level1": ("一级指标",),
    "level2": ("二级指标",),
    "level3": ("三级指标",),
    "weight": ("分值", "权重", "分值权重", "指标分值", "标准分值", "满分"),
    "score": ("得分", "评价得分", "评分", "实际得分", "专家评分"),
}
TITLES = {"level1": "一级指标", "level2": "二级指标", "level3": "三级指标", "weight": "分值",
          "score": "得分"}  # fmt: skip
TOTAL_LABELS = ("合计", "总分", "总计", "合计得分", "总得分", "综合得分")
GRADE_LABELS = ("等级", "评价等级", "绩效等级", "评级")
HEADER_ROWS = 10
_NOTE = re.compile(r"[（(【\[][^）)】\]]*[）)】\]]")


@dataclass(frozen=True)
class CellProblem:
    """A refusal located as a user finds it in Excel; as a string, the Chinese sentence."""

    message: str
    sheet: str = ""
    row: int | None = None
    column: str = ""
    field: str = ""

    def __str__(self) -> str:
        if self.row is None:
            return str(Message("key.xlsx.where_sheet", sheet=self.sheet, message=self.message))
        return str(Message("key.xlsx.where", sheet=self.sheet, row=self.row, column=self.column,
                           field=self.field, message=self.message))  # fmt: skip


def _letter(index: int) -> str:
    letters, index = "", index + 1
    while index:
        index, rem = divmod(index - 1, 26)
        letters = chr(65 + rem) + letters
    return letters


def _header(value) -> str:
    """'分值（权重）' → '分值'; full-width forms, spaces, stars and colons removed."""
    text = unicodedata.normalize("NFKC", "" if value is None else str(value))
    return re.sub(r"[\s*＊:：]", "", _NOTE.sub("", text))


def _label(value) -> str:
    """A label cell's words before any colon: '总分：88.5' → '总分'."""
    text = unicodedata.normalize("NFKC", str(value)).partition(":")[0]
    return re.sub(r"\s", "", text)


def header_row(rows: Sequence[Sequence]) -> tuple[int, dict[str, int]] | None:
    """The 0-based index of the header row among the first `HEADER_ROWS` rows and the column of
    each of its names (`COLUMNS`), or None."""
    for number, row in enumerate(rows[:HEADER_ROWS]):
        found: dict[str, int] = {}
        for col, value in enumerate(row):
            name = _header(value)
            for key, names in COLUMNS.items():
                if name in names and key not in found:
                    found[key] = col
        if len(found) == len(COLUMNS):
            return number, found
    return None


def _cell(row: Sequence, col: int):
    value = row[col] if col < len(row) else None
    if isinstance(value, str):
        value = value.strip() or None
    return value


def _blank(row: Sequence) -> bool:
    return all(v is None or (isinstance(v, str) and not v.strip()) for v in row)


def _label_in(row: Sequence, labels) -> int | None:
    for col, value in enumerate(row):
        if isinstance(value, str) and _label(value) in labels:
            return col
    return None


def _grade_in(row: Sequence) -> str | None:
    """An 等级 cell: '等级：良' in one cell, or '等级' followed by the grade to its right."""
    for col, value in enumerate(row):
        if not isinstance(value, str):
            continue
        if _label(value) not in GRADE_LABELS:
            continue
        rest = unicodedata.normalize("NFKC", value).partition(":")[2].strip()
        if rest:
            return rest
        after = [v for v in row[col + 1 :] if v is not None and str(v).strip()]
        return str(after[0]).strip() if after else None
    return None


def _fixed_number(value) -> str | None:
    """A cell's number as a JSON string (a float through its shortest repr)."""
    if isinstance(value, float):
        value = Decimal(repr(round(value, 10)))
    return plain(Decimal(value))


def score_table_from_rows(
    sheet: str, rows: Sequence[Sequence], first_row: int = 1
) -> tuple[dict | None, list[CellProblem]]:
    """The score table of a worksheet (rows of cell values, the first numbered `first_row`),
    as `check_score_table` takes it, or None with every refusal located."""
    header = header_row(rows)
    if header is None:
        wanted = Join(TITLES.values())
        return None, [CellProblem(Message("key.xlsx.no_header", n=HEADER_ROWS, names=wanted),
                                  sheet)]  # fmt: skip
    at, cols = header
    subject = next((str(v).strip() for row in rows[:at] for v in row
                    if isinstance(v, str) and v.strip()), sheet)  # fmt: skip
    table: dict = {"subject": subject, "indicators": []}
    problems: list[CellProblem] = []
    level1 = level2 = None
    total_seen = False
    for offset, row in enumerate(rows[at + 1 :], start=at + 1):
        number = first_row + offset
        if _blank(row):
            continue
        grade = _grade_in(row)
        if grade:
            table["grade"] = grade
        if total_seen:
            continue
        label_col = _label_in(row, TOTAL_LABELS)
        if label_col is not None:
            total_seen = True
            _read_total(sheet, number, row, cols, table, problems)
            continue
        if grade or _label_in(row, GRADE_LABELS) is not None:
            continue
        line = _read_line(sheet, number, row, cols, level1, level2, problems)
        if line is not None:
            table["indicators"].append(line)
        level1, level2 = _levels_below(row, cols, level1, level2)
    if not table["indicators"] and not problems:
        problems.append(CellProblem(Message("key.xlsx.no_rows"), sheet))
    return (None, problems) if problems else (table, [])


def _levels_below(row, cols, level1, level2) -> tuple[str | None, str | None]:
    """The level-1 and level-2 names a merged (blank) cell of the next row stands for, read
    from this row's own cells even when the row itself was refused."""
    own1, own2 = _cell(row, cols["level1"]), _cell(row, cols["level2"])
    if own1 is not None and str(own1) != level1:
        return str(own1), None if own2 is None else str(own2)
    return level1, level2 if own2 is None else str(own2)


def _where(sheet: str, number: int, cols: dict, key: str, message) -> CellProblem:
    return CellProblem(message, sheet, number, _letter(cols[key]), TITLES[key])


def _read_line(sheet, number, row, cols, level1, level2, problems) -> dict | None:
    """One indicator row; merged level-1 and level-2 cells (blank) take the name above, a
    blank level-3 (merged across with level 2) takes its level-2 name."""
    own1, own2, own3 = (_cell(row, cols[k]) for k in ("level1", "level2", "level3"))
    weight, score = _cell(row, cols["weight"]), _cell(row, cols["score"])
    found = []
    if own1 is None and level1 is None:
        found.append(_where(sheet, number, cols, "level1", Message("key.xlsx.no_level1")))
    new_block = own1 is not None and str(own1) != level1
    if own2 is None and (new_block or level2 is None):
        found.append(_where(sheet, number, cols, "level2", Message("key.xlsx.no_level2")))
    w, w_ok = _number(weight)
    s, s_ok = _number(score)
    if w is None:
        code = "key.xlsx.no_weight" if w_ok else "key.xlsx.bad_weight"
        found.append(_where(sheet, number, cols, "weight", Message(code, value=_shown(weight))))
    if s is None:
        code = "key.xlsx.no_score" if s_ok else "key.xlsx.bad_score"
        found.append(_where(sheet, number, cols, "score", Message(code, value=_shown(score))))
    elif w is not None and not 0 <= s <= w:
        found.append(_where(sheet, number, cols, "score",
                            Message("key.xlsx.score_range", score=plain(s), weight=plain(w))))  # fmt: skip
    if found:
        problems.extend(found)
        return None
    name2 = str(own2 if own2 is not None else level2)
    return {
        "level1": str(own1) if own1 is not None else level1,
        "level2": name2,
        "level3": str(own3) if own3 is not None else (str(own2) if own2 is not None else name2),
        "weight": _fixed_number(weight if _is_num(weight) else w),
        "score": _fixed_number(score if _is_num(score) else s),
        "row": number,
    }


def _read_total(sheet, number, row, cols, table, problems) -> None:
    value = _cell(row, cols["score"])
    if value is None:  # the total written elsewhere in the row: its last number
        numbers = [v for v in row if _is_num(v)]
        value = numbers[-1] if numbers else None
    if value is None:
        return
    total, ok = _number(value)
    if not ok:
        problems.append(_where(sheet, number, cols, "score",
                               Message("key.xlsx.bad_total", value=_shown(value))))  # fmt: skip
    elif total is not None:
        table["total"] = _fixed_number(value if _is_num(value) else total)
