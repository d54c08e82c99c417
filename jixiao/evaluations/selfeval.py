"""A project self-evaluation as the scoring sees it (DOMAIN.md §6.1, §6.2), read from
schemas/selfeval.

A pure module: standard library, `jixiao.indicators.values` and the targets stage's JSON helpers,
nothing from Django. The service builds these dataclasses from the database; `jixiao score`
builds them with `selfeval_from_data`, which checks the schema by hand and reports, in Chinese,
every place an object does not fit (then the whole item is refused). A figure that fits the
schema but cannot be read ("十分" as a weight) is not a schema error: it stays on its indicator
as a problem, so the scoring reports it there and still scores the rest (CONTRACT.md). Money and
weights are `Decimal`, read through `str()`, never float arithmetic.
"""

import math
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal
from functools import lru_cache

from jixiao.indicators.values import (
    CLASSIC_CATALOGUE,
    ActualValue,
    Placement,
    TargetValue,
    parse_actual_value,
    parse_target_value,
    place_indicator,
    target_value_from_data,
)
from jixiao.targets.declaration import read_decimal

__all__ = [
    "BAND_LABELS",
    "GRADE_LABELS",
    "EvaluatedIndicator",
    "Issue",
    "Money",
    "MoneyRow",
    "SelfEvaluation",
    "selfeval_from_data",
]

#: The qualitative bands as schemas/selfeval spells them (DOMAIN.md §6.2), verbatim.
BAND_LABELS = ("达成年度指标", "部分达成年度指标并具有一定效果", "未达成年度指标且效果较差")
GRADE_LABELS = ("优", "良", "中", "差")
_SCHEMA_OPS = (">=", ">", "=", "<=", "<", "qualitative", "deadline")


@dataclass(frozen=True)
class Issue:
    """An error or a warning: a stable code, a Chinese message, the 0-based indicator or None."""

    code: str
    message: str
    indicator: int | None = None

    def to_data(self) -> dict:
        data = {"code": self.code, "message": self.message}
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
class SelfEvaluation:
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


class _Errors(list):
    def add(self, where: str, message: str) -> None:
        self.append({"code": "schema", "message": f"{where}：{message}" if where else message})


def _type_name(value: object) -> str:
    names = {dict: "对象", list: "列表", str: "文字", bool: "布尔值", type(None): "null"}
    if isinstance(value, int | float | Decimal) and not isinstance(value, bool):
        return "数字"
    return names.get(type(value), type(value).__name__)


def _is_number(value: object) -> bool:
    if isinstance(value, bool) or not isinstance(value, int | float | Decimal):
        return False
    return not isinstance(value, float) or math.isfinite(value)


def _check_figure(value: object, where: str, label: str, errors: _Errors) -> None:
    """Schema type of money, weights and scores: string, number or null."""
    if value is not None and not isinstance(value, str) and not _is_number(value):
        errors.add(where, f"{label}应为数字、文字或 null，实际为{_type_name(value)}")


def _check_text(value: object, where: str, label: str, errors: _Errors) -> None:
    if value is not None and not isinstance(value, str):
        errors.add(where, f"{label}应为文字或 null，实际为{_type_name(value)}")


def _figure(value: object, label: str, code: str, index: int | None = None):
    """A schema-valid figure as Decimal, or None and an Issue quoting what could not be read."""
    try:
        return read_decimal(value), None
    except ValueError:
        return None, Issue(code, f"{label}“{value}”不是数字", index)


def selfeval_from_data(
    obj: object, *, catalogue: Mapping | None = None
) -> tuple[SelfEvaluation | None, list[dict]]:
    """One schemas/selfeval object as a SelfEvaluation, or None and the schema errors (Chinese).

    `catalogue` is the rulebook's "catalogue" section (or its categories; classic by default):
    each row is placed in it leniently (`place_indicator`). Target values are read with the
    year (for "12月底前完成"), actual values against their target (`parse_actual_value`).
    """
    errors = _Errors()
    if not isinstance(obj, dict):
        errors.add("", f"自评表应为 JSON 对象，实际为{_type_name(obj)}")
        return None, list(errors)
    catalogue = catalogue if catalogue is not None else CLASSIC_CATALOGUE
    named = catalogue.get("categories", catalogue)
    categories = tuple((c, tuple(subs)) for c, subs in named.items())
    year = _read_year(obj, errors)
    unit_name, project_name = _read_parties(obj, errors)
    money = _read_money(obj.get("budget"), errors)
    expected, achieved = _read_goal(obj.get("goal"), errors)
    rows = _read_indicators(obj, categories, year, errors)
    self_total, totals_problems = _read_self_total(obj, errors)
    if errors:
        return None, list(errors)
    selfeval = SelfEvaluation(
        indicators=tuple(rows), money=money, year=year, region=obj.get("region"),
        unit_name=unit_name, project_name=project_name, goal_expected=expected,
        goal_achieved=achieved, self_total=self_total, self_grade=obj.get("self_grade"),
        problems=totals_problems,
    )  # fmt: skip
    return selfeval, []


def _read_year(obj: dict, errors: _Errors) -> int | None:
    year = obj.get("year")
    if year is not None and (isinstance(year, bool) or not isinstance(year, int)):
        errors.add("year", f"预算年度应为整数，实际为“{year}”")
        return None
    return year


def _read_parties(obj: dict, errors: _Errors) -> tuple[str | None, str | None]:
    """Check `region`, `unit` and `project` (common.schema.json); their names."""
    if obj.get("region") is not None and not isinstance(obj["region"], str):
        errors.add("region", "区划应为文字")
    unit, project = obj.get("unit"), obj.get("project")
    if unit is not None and not (
        isinstance(unit, dict) and any(isinstance(unit.get(k), str) for k in ("code", "name"))
    ):
        errors.add("unit", "预算单位应为含 code 或 name 的对象")
        unit = None
    if project is not None and not (
        isinstance(project, dict) and isinstance(project.get("name"), str)
    ):
        errors.add("project", "项目应为含 name（项目名称）的对象")
        project = None
    unit_name = unit.get("name") if isinstance(unit, dict) else None
    return (unit_name if isinstance(unit_name, str) else None,
            project.get("name") if project else None)  # fmt: skip


_MONEY_LABELS = {"initial": "年初预算数", "full_year": "全年预算数", "executed": "全年执行数",
                 "received": "资金到位数"}  # fmt: skip


def _read_money(data: object, errors: _Errors) -> Money:
    if data is None:
        return Money()
    if not isinstance(data, dict):
        errors.add("budget", f"预算执行情况应为对象，实际为{_type_name(data)}")
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


def _read_sources(data: object, errors: _Errors, problems: list) -> tuple[MoneyRow, ...]:
    if data is None:
        return ()
    if not isinstance(data, list):
        errors.add("budget.sources", f"资金来源应为列表，实际为{_type_name(data)}")
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


def _read_goal(data: object, errors: _Errors) -> tuple[str | None, str | None]:
    if data is None:
        return None, None
    if not isinstance(data, dict):
        errors.add("goal", f"年度总体目标应为对象，实际为{_type_name(data)}")
        return None, None
    _check_text(data.get("expected"), "goal.expected", "预期目标", errors)
    _check_text(data.get("achieved"), "goal.achieved", "实际完成情况", errors)
    return data.get("expected"), data.get("achieved")


def _read_self_total(obj: dict, errors: _Errors) -> tuple[Decimal | None, tuple[Issue, ...]]:
    _check_figure(obj.get("self_total"), "self_total", "自评总分", errors)
    grade = obj.get("self_grade")
    if grade is not None and grade not in GRADE_LABELS:
        errors.add("self_grade", f"自评等级应为{'、'.join(GRADE_LABELS)}或 null，实际为“{grade}”")
    total, problem = _figure(obj.get("self_total"), "自评总分", "self_score_unreadable")
    return total, (problem,) if problem else ()


def _read_indicators(obj: dict, categories: tuple, year, errors: _Errors) -> list:
    if "indicators" not in obj:
        errors.add("indicators", "缺少绩效指标列表（indicators）")
        return []
    rows = obj["indicators"]
    if not isinstance(rows, list):
        errors.add("indicators", f"绩效指标应为列表，实际为{_type_name(rows)}")
        return []
    read = (_read_indicator(row, index, categories, year, errors) for index, row in enumerate(rows))
    return [line for line in read if line is not None]


_REQUIRED_TEXT = {"category": "一级指标", "subcategory": "二级指标", "name": "三级指标"}
_OPTIONAL_TEXT = {"deviation": "偏差原因分析及改进措施", "explanation": "超额完成说明",
                  "unit": "度量单位"}  # fmt: skip
_FIGURES = {"weight": "分值", "score": "评价得分", "self_score": "自评得分",
            "deduction": "复核扣分"}  # fmt: skip


def _read_indicator(row, index: int, categories: tuple, year, errors: _Errors):
    where = f"第{index + 1}条指标"
    if not isinstance(row, dict):
        errors.add(where, f"应为对象，实际为{_type_name(row)}")
        return None
    before = len(errors)
    for key, label in _REQUIRED_TEXT.items():
        if not isinstance(row.get(key), str):
            shown = f"缺少{label}（{key}）" if key not in row else (
                f"{label}（{key}）应为文字，实际为{_type_name(row[key])}")  # fmt: skip
            errors.add(where, shown)
    for key, label in _OPTIONAL_TEXT.items():
        _check_text(row.get(key), where, label, errors)
    for key, label in _FIGURES.items():
        _check_figure(row.get(key), where, label, errors)
    _check_value(row.get("target"), where, "指标值", errors)
    _check_value(row.get("actual"), where, "实际完成值", errors)
    band = row.get("band")
    if band is not None and band not in BAND_LABELS:
        errors.add(where, f"评价档次（band）应为{'、'.join(BAND_LABELS)}或 null，实际为“{band}”")
    if len(errors) > before:
        return None
    return _line(row, index, categories, year)


def _check_value(value: object, where: str, label: str, errors: _Errors) -> None:
    """common.schema.json `value`: string, number, null, or an object with a known `op`."""
    if value is None or isinstance(value, str) or _is_number(value):
        return
    if isinstance(value, dict):
        if value.get("op") not in _SCHEMA_OPS:
            errors.add(
                where, f"{label}的计算符号 op“{value.get('op')}”应为 {'、'.join(_SCHEMA_OPS)}"
            )
        for key in ("unit", "text", "date"):
            _check_text(value.get(key), where, f"{label}的 {key} ", errors)
        number = value.get("number")
        if number is not None and not isinstance(number, str) and not _is_number(number):
            errors.add(where, f"{label}的 number 应为数字、文字或 null")
        return
    errors.add(where, f"{label}应为文字、数字、对象或 null，实际为{_type_name(value)}")


def _line(row: dict, index: int, categories: tuple, year) -> EvaluatedIndicator:
    category, subcategory, name = row["category"], row["subcategory"], row["name"]
    target = _target(row, year)
    actual_data = row.get("actual")
    actual_text = _value_text(actual_data)
    problems, notices, figures = [], [], {}
    label = f"第{index + 1}条指标“{name}”的"
    for key, what in _FIGURES.items():
        code = "self_score_unreadable" if key == "self_score" else f"{key}_unreadable"
        figures[key], problem = _figure(row.get(key), label + what, code, index)
        if problem:
            (notices if key == "self_score" else problems).append(problem)
    return EvaluatedIndicator(
        category=category, subcategory=subcategory, name=name, target=target,
        actual=parse_actual_value(actual_text, target), actual_text=actual_text,
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


def _target(row: dict, year) -> TargetValue:
    """The target value; a separate `unit` column (as in lint) applies to text values."""
    data, unit = row.get("target"), row.get("unit")
    context = {"category": row["category"], "subcategory": row["subcategory"], "year": year}
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
    return _number_text(data) if _is_number(data) else str(data)


def _number_text(value: object) -> str:
    if isinstance(value, float):
        return format(Decimal(repr(value)), "f")
    if isinstance(value, Decimal):
        return format(value, "f")
    return str(value)
