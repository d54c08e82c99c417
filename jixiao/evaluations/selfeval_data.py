"""A project self-evaluation as the scoring sees it (DOMAIN.md §6.1, §6.2), read from
schemas/selfeval.

A pure module: standard library, `jixiao.indicators` (catalogue, values) and the common-schema helpers of
`jixiao.core.schema_read`, nothing from Django. The service builds these dataclasses from the database; `jixiao score`
builds them with `selfeval_from_data`, which checks the schema by hand and reports, in Chinese,
every place an object does not fit (then the whole item is refused). A figure that fits the
schema but cannot be read ("十分" as a weight) is not a schema error: it stays on its indicator
as a problem, so the scoring reports it there and still scores the rest (CONTRACT.md). Money and
weights are `Decimal`, read through `str()`, never float arithmetic.
"""

from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal
from functools import lru_cache

from jixiao.core.schema_read import (
    SchemaErrors,
    check_indicator,
    check_text,
    check_value,
    indicator_where,
    is_number,
    read_decimal,
    read_indicators,
    read_int,
    read_parties,
    read_points,
    type_name,
)
from jixiao.indicators.catalogue import CLASSIC_CATALOGUE, Placement, place_indicator
from jixiao.indicators.values import (
    ActualValue,
    TargetValue,
    parse_actual_value,
    parse_target_value,
    target_value_from_data,
)

__all__ = [
    "BAND_LABELS",
    "GRADE_LABELS",
    "EvaluatedIndicator",
    "Issue",
    "Money",
    "MoneyRow",
    "SelfEvalSheet",
    "selfeval_from_data",
]

#: The qualitative bands as schemas/selfeval spells them (DOMAIN.md §6.2), verbatim.
BAND_LABELS = ("达成年度指标", "部分达成年度指标并具有一定效果", "未达成年度指标且效果较差")
GRADE_LABELS = ("优", "良", "中", "差")


@dataclass(frozen=True)
class Issue:
    """An error or a warning: a stable code, a Chinese message, the 0-based indicator or None."""

    code: str
    message: str
    indicator: int | None = None

    def to_data(self) -> dict:
        data: dict[str, object] = {"code": self.code, "message": self.message}
        if self.indicator is not None:
            data["indicator"] = self.indicator
        return data


@dataclass(frozen=True)
class MoneyRow:
    """One funding-source row of the money block (当年财政拨款 / 上年结转资金 / 其他资金), 万元."""

    source: str
    initial: Decimal | None = None
    full_year: Decimal | None = None
    executed: Decimal | None = None


@dataclass(frozen=True)
class Money:
    """The money block of the 自评表 (DOMAIN.md §6.2), 万元; None = not given.

    `received` (资金到位数) is only needed when the rulebook's execution denominator is the
    funds received (DOMAIN.md §10). `problems` are figures that could not be read (warnings).
    """

    initial: Decimal | None = None
    full_year: Decimal | None = None
    executed: Decimal | None = None
    received: Decimal | None = None
    sources: tuple[MoneyRow, ...] = ()
    self_score: Decimal | None = None
    problems: tuple[Issue, ...] = ()


@dataclass(frozen=True)
class EvaluatedIndicator:
    """One indicator row of the 自评表: the target, the actual value read against it, the weight
    and what people entered (DOMAIN.md §6.1, §6.2).

    `band` is one of `BAND_LABELS` or None; `entered_score` the evaluator's score (qualitative);
    `deduction` the reviewer's deduction, kept apart from the computed score; `self_score` the
    score the unit gave itself. `problems` are figures that could not be read (errors on this
    indicator), `notices` ones that only weaken a comparison (warnings).
    """

    category: str
    subcategory: str
    name: str
    target: TargetValue
    actual: ActualValue
    actual_text: str = ""
    weight: Decimal | None = None
    band: str | None = None
    entered_score: Decimal | None = None
    explanation: str | None = None
    deduction: Decimal | None = None
    self_score: Decimal | None = None
    deviation: str | None = None
    placement: Placement | None = None
    problems: tuple[Issue, ...] = ()
    notices: tuple[Issue, ...] = ()


@dataclass(frozen=True)
class SelfEvalSheet:
    """A project's 项目支出绩效自评表 (DOMAIN.md §6.1, §6.2)."""

    indicators: tuple[EvaluatedIndicator, ...]
    money: Money = Money()
    year: int | None = None
    region: str | None = None
    unit_name: str | None = None
    project_name: str | None = None
    goal_expected: str | None = None
    goal_achieved: str | None = None
    self_total: Decimal | None = None
    self_grade: str | None = None
    problems: tuple[Issue, ...] = ()


# --------------------------------------------------------------------------- reading JSON


def _check_figure(value: object, where: str, label: str, errors: SchemaErrors, field=None) -> None:
    """Schema type of money, weights and scores: string, number or null."""
    if value is not None and not isinstance(value, str) and not is_number(value):
        errors.add(where, f"{label}应为数字、文字或 null，实际为{type_name(value)}", field=field)


def _figure(value: object, label: str, code: str, index: int | None = None, read=read_decimal):
    """A schema-valid figure as Decimal, or None and an Issue quoting what could not be read."""
    try:
        return read(value), None
    except ValueError:
        return None, Issue(code, f"{label}“{value}”不是数字", index)


def selfeval_from_data(
    obj: object,
    *,
    catalogue: Mapping | None = None,
    incidents: Mapping | None = None,
    values: bool = True,
) -> tuple[SelfEvalSheet | None, list[dict]]:
    """One schemas/selfeval object as a SelfEvalSheet, or None and the schema errors (Chinese).

    `catalogue` is the rulebook's "catalogue" section (or its categories; classic by default):
    each row is placed in it leniently (`place_indicator`). Target values are read with the
    year (for "12月底前完成"), actual values against their target (`parse_actual_value`).
    `incidents`: the rulebook's lint → T02 words, which the value parser reads each row with,
    by its name: "无" on an indicator that counts incidents reads as "= 0" (target) and 0
    (actual); None: the national words (jixiao.indicators.incidents.NATIONAL_WORDS).
    `values=False` checks the schema only (the same errors) and reads no indicator's values:
    the sheet then has no `indicators`. An import checks a file's objects so before it stores
    them, and scores what it stored, which is read again (half of the reading time saved).
    """
    errors = SchemaErrors()
    if not isinstance(obj, dict):
        errors.add("", f"自评表应为 JSON 对象，实际为{type_name(obj)}")
        return None, list(errors)
    chosen: Mapping = catalogue if catalogue is not None else CLASSIC_CATALOGUE
    named = chosen.get("categories", chosen)
    categories = tuple((c, tuple(subs)) for c, subs in named.items())
    year = read_int(obj, "year", "预算年度", errors)
    parties = read_parties(obj, errors)
    money = _read_money(obj.get("budget"), errors)
    expected, achieved = _read_goal(obj.get("goal"), errors)
    rows = _read_indicators(obj, categories, year, errors, incidents, values)
    self_total, totals_problems = _read_self_total(obj, errors)
    if errors:
        return None, list(errors)
    selfeval = SelfEvalSheet(
        indicators=tuple(rows), money=money, year=year, region=parties.region,
        unit_name=parties.unit_name, project_name=parties.project_name, goal_expected=expected,
        goal_achieved=achieved, self_total=self_total, self_grade=obj.get("self_grade"),
        problems=totals_problems,
    )  # fmt: skip
    return selfeval, []


_MONEY_LABELS = {"initial": "年初预算数", "full_year": "全年预算数", "executed": "全年执行数",
                 "received": "资金到位数"}  # fmt: skip


def _read_money(data: object, errors: SchemaErrors) -> Money:
    if data is None:
        return Money()
    if not isinstance(data, dict):
        errors.add("budget", f"预算执行情况应为对象，实际为{type_name(data)}")
        return Money()
    problems, figures = [], {}
    for key, label in _MONEY_LABELS.items():
        _check_figure(data.get(key), f"budget.{key}", label, errors)
        figures[key], problem = _figure(data.get(key), label, "money_unreadable")
        problems += [problem] if problem else []
    _check_figure(data.get("self_score"), "budget.self_score", "自评得分", errors)
    self_score, problem = _figure(
        data.get("self_score"), "预算执行率自评得分", "self_score_unreadable"
    )
    problems += [problem] if problem else []
    rows = _read_sources(data.get("sources"), errors, problems)
    return Money(**figures, sources=rows, self_score=self_score, problems=tuple(problems))


def _read_sources(data: object, errors: SchemaErrors, problems: list) -> tuple[MoneyRow, ...]:
    if data is None:
        return ()
    if not isinstance(data, list):
        errors.add("budget.sources", f"资金来源应为列表，实际为{type_name(data)}")
        return ()
    rows = []
    for number, row in enumerate(data, start=1):
        where = f"budget.sources 第{number}行"
        if not isinstance(row, dict) or not isinstance(row.get("source"), str):
            errors.add(where, "应为含 source（资金来源）的对象")
            continue
        figures = {}
        for key in ("initial", "full_year", "executed"):
            label = f"{row['source']}{_MONEY_LABELS[key]}"
            _check_figure(row.get(key), where, label, errors)
            figures[key], problem = _figure(row.get(key), label, "money_unreadable")
            problems += [problem] if problem else []
        rows.append(MoneyRow(row["source"], **figures))
    return tuple(rows)


def _read_goal(data: object, errors: SchemaErrors) -> tuple[str | None, str | None]:
    if data is None:
        return None, None
    if not isinstance(data, dict):
        errors.add("goal", f"年度总体目标应为对象，实际为{type_name(data)}")
        return None, None
    check_text(data.get("expected"), "goal.expected", "预期目标", errors)
    check_text(data.get("achieved"), "goal.achieved", "实际完成情况", errors)
    return data.get("expected"), data.get("achieved")


def _read_self_total(obj: dict, errors: SchemaErrors) -> tuple[Decimal | None, tuple[Issue, ...]]:
    _check_figure(obj.get("self_total"), "self_total", "自评总分", errors)
    grade = obj.get("self_grade")
    if grade is not None and grade not in GRADE_LABELS:
        errors.add("self_grade", f"自评等级应为{'、'.join(GRADE_LABELS)}或 null，实际为“{grade}”")
    total, problem = _figure(obj.get("self_total"), "自评总分", "self_score_unreadable")
    return total, (problem,) if problem else ()


def _read_indicators(
    obj: dict, categories: tuple, year, errors: SchemaErrors, incidents=None, values=True
):
    rows = enumerate(read_indicators(obj, errors))
    read = (
        _read_indicator(row, index, categories, year, errors, incidents, values)
        for index, row in rows
    )
    return [line for line in read if line is not None]


_OPTIONAL_TEXT = {"deviation": "偏差原因分析及改进措施", "explanation": "超额完成说明",
                  "unit": "度量单位"}  # fmt: skip
_FIGURES = {"weight": "分值", "score": "评价得分", "self_score": "自评得分",
            "deduction": "复核扣分"}  # fmt: skip


def _read_indicator(
    row, index: int, categories: tuple, year, errors: SchemaErrors, incidents, values=True
):
    """The row's line, or None: a row with schema errors (added to `errors`), or any row when
    only the schema is checked (`values` False: `_line` adds no error, only problems)."""
    before = len(errors)
    if not check_indicator(row, index, errors, _OPTIONAL_TEXT):
        return None
    where, path = indicator_where(index)
    for key, label in _FIGURES.items():
        _check_figure(row.get(key), where, label, errors, f"{path}.{key}")
    check_value(row.get("target"), where, errors, "指标值", field=f"{path}.target")
    check_value(row.get("actual"), where, errors, "实际完成值", field=f"{path}.actual")
    band = row.get("band")
    if band is not None and band not in BAND_LABELS:
        shown = "、".join(BAND_LABELS)
        errors.add(
            where, f"评价档次（band）应为{shown}或 null，实际为“{band}”", field=f"{path}.band"
        )
    if len(errors) > before or not values:
        return None
    return _line(row, index, categories, year, incidents)


def _line(row: dict, index: int, categories: tuple, year, incidents) -> EvaluatedIndicator:
    category, subcategory, name = row["category"], row["subcategory"], row["name"]
    target = _target(row, year, incidents)
    actual_data = row.get("actual")
    actual_text = _value_text(actual_data)
    actual = parse_actual_value(actual_text, target, name=name, incidents=incidents)
    problems: list[Issue] = []
    notices: list[Issue] = []
    figures: dict[str, Decimal | None] = {}
    label = f"第{index + 1}条指标“{name}”的"
    for key, what in _FIGURES.items():
        code = "self_score_unreadable" if key == "self_score" else f"{key}_unreadable"
        read = read_points if key == "weight" else read_decimal
        figures[key], problem = _figure(row.get(key), label + what, code, index, read)
        if problem:
            (notices if key == "self_score" else problems).append(problem)
    return EvaluatedIndicator(
        category=category, subcategory=subcategory, name=name, target=target,
        actual=actual, actual_text=actual_text,
        weight=figures["weight"], band=row.get("band"), entered_score=figures["score"],
        explanation=row.get("explanation"), deduction=figures["deduction"],
        self_score=figures["self_score"], deviation=row.get("deviation"),
        placement=_place(category, subcategory, categories),
        problems=tuple(problems), notices=tuple(notices),
    )  # fmt: skip


@lru_cache(maxsize=8192)
def _place(category: str, subcategory: str, categories: tuple) -> Placement:
    """Placement is pure and tables repeat the same few dozen names: memoised."""
    return place_indicator(category, subcategory, dict(categories))


def _target(row: dict, year, incidents=None) -> TargetValue:
    """The target value; a separate `unit` column (as in lint) applies to text values."""
    data, unit = row.get("target"), row.get("unit")
    context = {"category": row["category"], "subcategory": row["subcategory"], "year": year,
               "name": row["name"], "incidents": incidents}  # fmt: skip
    if unit and not isinstance(data, dict):
        return parse_target_value(data, unit=unit, **context)
    return target_value_from_data(data, **context)


def _value_text(data: object) -> str:
    """An actual value as text for `parse_actual_value`: the parsed form of common.schema.json
    written back as a person would ("87人次", "2021-12-20"), numbers without float noise."""
    if data is None:
        return ""
    if isinstance(data, dict):
        op = data.get("op")
        if op == "deadline" and data.get("date"):
            return str(data["date"])
        if op in ("qualitative", "deadline"):
            return data.get("text") or ""
        number = data.get("number")
        if number is None:
            return data.get("text") or ""
        return f"{_number_text(number)}{data.get('unit') or ''}"
    return _number_text(data) if is_number(data) else str(data)


def _number_text(value: object) -> str:
    if isinstance(value, float):
        return format(Decimal(repr(value)), "f")
    if isinstance(value, Decimal):
        return format(value, "f")
    return str(value)
