"""A target declaration as the lint sees it (DOMAIN.md §4.3), read from schemas/target.

A pure module: standard library and `jixiao.indicators.values` only. The service builds these
dataclasses from the database; `jixiao lint` builds them from JSON with `declaration_from_data`,
which checks the schema by hand and reports, in Chinese, every place an object does not fit.
Money and weights are `Decimal`, read from strings or numbers through `str()`, never float
arithmetic.
"""

import math
import re
import unicodedata
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from functools import lru_cache

from jixiao.indicators.values import (
    Kind,
    Placement,
    TargetValue,
    parse_target_value,
    place_indicator,
    target_value_from_data,
)

__all__ = [
    "Amounts",
    "Declaration",
    "IndicatorLine",
    "LintContext",
    "Signature",
    "declaration_from_data",
    "indicator_key",
    "normalise_text",
    "signature",
]

_SCHEMA_OPS = (">=", ">", "=", "<=", "<", "qualitative", "deadline")
_STRIP_RE = re.compile(r"[\s\u3000。，、；：,.;:!?！？'\"“”‘’()（）\[\]【】]+")


@dataclass(frozen=True)
class Amounts:
    """A declaration's money in 万元 by funding source (DOMAIN.md §2, §4.3); None = not given."""

    total: Decimal | None = None
    current: Decimal | None = None  # 当年财政拨款
    carryover: Decimal | None = None  # 上年结转资金
    other: Decimal | None = None  # 其他资金

    @property
    def sources(self) -> tuple[Decimal | None, Decimal | None, Decimal | None]:
        return (self.current, self.carryover, self.other)


@dataclass(frozen=True)
class IndicatorLine:
    """One indicator row (三级指标) as written, with its parsed target value (DOMAIN.md §4.3).

    `category`/`subcategory` are the names as written; `placement`, when given, is where they
    fall in the catalogue the lint runs with (`declaration_from_data` fills it in); when None the
    lint places them itself.
    """

    category: str
    subcategory: str
    name: str
    value: TargetValue
    weight: Decimal | None = None
    unit: str | None = None
    explanation: str | None = None
    basis: str | None = None  # 计划/行业/历史/其他标准
    source: str | None = None  # 数据来源
    parent_indicator: str | None = None  # the level-1 project's indicator it supports (T17)
    placement: Placement | None = None


@dataclass(frozen=True)
class Declaration:
    """A project's (or a whole unit's) performance target for one year (DOMAIN.md §4.3)."""

    goal: str | None
    medium_term_goal: str | None = None
    amounts: Amounts = Amounts()
    indicators: tuple[IndicatorLine, ...] = ()
    serves_public: bool | None = None
    year: int | None = None
    project_name: str | None = None
    is_unit_target: bool = False


@dataclass(frozen=True)
class Signature:
    """A declaration's indicator set for T15: (name, value) pairs, order and spacing ignored."""

    label: str
    items: tuple[tuple[str, str], ...]


@dataclass(frozen=True)
class LintContext:
    """What T13, T15 and T17 need beyond the declaration; None means "not given" (skipped).

    `previous_actuals`: `indicator_key(name)` → last year's actual of the same project, in the
    unit of this year's target (the service converts it with `parse_actual_value`).
    `siblings`: signatures of other projects' declarations of the year; `last_year`: this
    project's declaration of the previous year. `parent`: the level-1 project's declaration.
    """

    previous_actuals: Mapping[str, Decimal] | None = None
    siblings: Sequence[Signature] | None = None
    last_year: Declaration | None = None
    parent: Declaration | None = None


@lru_cache(maxsize=65_536)
def normalise_text(text: object) -> str:
    """Text compared as people read it: NFKC, no spaces or punctuation, case-folded."""
    if text is None:
        return ""
    return _STRIP_RE.sub("", unicodedata.normalize("NFKC", str(text))).casefold()


def indicator_key(name: object) -> str:
    """The key of an indicator across years (T13's `previous_actuals`): its normalised name."""
    return normalise_text(name)


def signature(declaration: Declaration, label: str | None = None) -> Signature:
    """The indicator set of a declaration for T15: (name, value) pairs, sorted."""
    items = sorted((normalise_text(line.name), _value_key(line)) for line in declaration.indicators)
    return Signature(label or declaration.project_name or "", tuple(items))


def _value_key(line: IndicatorLine) -> str:
    """Quantities as read ("≥ 50 个" = "≥50个"); other values as written, so "12月底前完成"
    copied into the next year stays the same value although its date moves with the year."""
    if line.value.kind == Kind.QUANTITATIVE:
        return normalise_text(line.value.display())
    return normalise_text(line.value.original)


# --------------------------------------------------------------------------- reading JSON


class _Errors(list):
    def add(self, where: str, message: str) -> None:
        self.append({"code": "schema", "message": f"{where}：{message}" if where else message})


def declaration_from_data(obj: object, *, catalogue: Mapping) -> tuple[Declaration | None, list]:
    """One schemas/target object as a Declaration, or None and the schema errors (Chinese).

    `catalogue` is the rulebook's "catalogue" section (or its "categories"); each row is placed
    in it leniently (`place_indicator`), and what cannot be placed stays in the placement's
    problems for the lint to report. Values are read by `target_value_from_data` with the year.
    """
    errors = _Errors()
    if not isinstance(obj, dict):
        errors.add("", f"申报表应为 JSON 对象，实际为{_type_name(obj)}")
        return None, errors
    categories = catalogue.get("categories", catalogue)
    year = _read_year(obj, errors)
    amounts = _read_amounts(obj.get("amounts"), errors)
    goal = _optional_text(obj, "goal", "年度总体目标", errors)
    medium = _optional_text(obj, "medium_term_goal", "中期目标", errors)
    serves = obj.get("serves_public")
    if serves is not None and not isinstance(serves, bool):
        errors.add("serves_public", "应为 true、false 或 null")
        serves = None
    project_name = _read_parties(obj, errors)
    lines = _read_indicators(obj, categories, year, errors)
    if errors:
        return None, list(errors)
    declaration = Declaration(
        goal=goal, indicators=tuple(lines), amounts=amounts, medium_term_goal=medium,
        serves_public=serves, year=year, project_name=project_name,
        is_unit_target="project" not in obj or obj.get("project") is None,
    )  # fmt: skip
    return declaration, []


def _type_name(value: object) -> str:
    names = {dict: "对象", list: "列表", str: "文字", bool: "布尔值", type(None): "null"}
    if isinstance(value, int | float | Decimal) and not isinstance(value, bool):
        return "数字"
    return names.get(type(value), type(value).__name__)


def _read_year(obj: dict, errors: _Errors) -> int | None:
    year = obj.get("year")
    if year is None:
        return None
    if isinstance(year, bool) or not isinstance(year, int):
        errors.add("year", f"预算年度应为整数，实际为“{year}”")
        return None
    return year


def _optional_text(obj: dict, key: str, label: str, errors: _Errors) -> str | None:
    value = obj.get(key)
    if value is not None and not isinstance(value, str):
        errors.add(key, f"{label}应为文字或 null，实际为{_type_name(value)}")
        return None
    return value


def read_decimal(value: object) -> Decimal | None:
    """A JSON number or numeric string as Decimal (through str(), never float arithmetic).

    None for null and blank strings; raises ValueError for anything else that is not a number.
    """
    if value is None:
        return None
    if isinstance(value, bool):
        raise ValueError
    if isinstance(value, float) and not math.isfinite(value):
        raise ValueError
    if isinstance(value, int | float | Decimal):
        number = Decimal(str(value))
    elif isinstance(value, str):
        text = unicodedata.normalize("NFKC", value).strip().replace(",", "")
        if not text:
            return None
        try:
            number = Decimal(text)
        except InvalidOperation:
            raise ValueError from None
    else:
        raise ValueError
    if not number.is_finite():
        raise ValueError
    return number


def _read_amounts(data: object, errors: _Errors) -> Amounts:
    if data is None:
        return Amounts()
    if not isinstance(data, dict):
        errors.add("amounts", f"金额应为对象，实际为{_type_name(data)}")
        return Amounts()
    labels = {"total": "合计", "current": "当年财政拨款", "carryover": "上年结转资金",
              "other": "其他资金"}  # fmt: skip
    read = {}
    for key, label in labels.items():
        try:
            read[key] = read_decimal(data.get(key))
        except ValueError:
            errors.add(f"amounts.{key}", f"{label}“{data.get(key)}”不是数字（万元）")
            read[key] = None
    return Amounts(**read)


def _read_parties(obj: dict, errors: _Errors) -> str | None:
    """Check `unit` and `project` (common.schema.json); the project's name."""
    region = obj.get("region")
    if region is not None and not isinstance(region, str):
        errors.add("region", "区划应为文字")
    unit = obj.get("unit")
    if unit is not None and not (
        isinstance(unit, dict) and any(isinstance(unit.get(k), str) for k in ("code", "name"))
    ):
        errors.add("unit", "预算单位应为含 code 或 name 的对象")
    project = obj.get("project")
    if project is None:
        return unit.get("name") if isinstance(unit, dict) else None
    if not isinstance(project, dict) or not isinstance(project.get("name"), str):
        errors.add("project", "项目应为含 name（项目名称）的对象")
        return None
    kinds = project.get("kinds")
    if kinds is not None and not (
        isinstance(kinds, list) and all(isinstance(k, str) for k in kinds)
    ):
        errors.add("project.kinds", "项目类别应为文字列表")
    parent = project.get("parent_code")
    if parent is not None and not isinstance(parent, str):
        errors.add("project.parent_code", "上级项目编码应为文字或 null")
    return project["name"]


def _read_indicators(obj: dict, categories: Mapping, year, errors: _Errors) -> list:
    if "indicators" not in obj:
        errors.add("indicators", "缺少绩效指标列表（indicators）")
        return []
    rows = obj["indicators"]
    if not isinstance(rows, list):
        errors.add("indicators", f"绩效指标应为列表，实际为{_type_name(rows)}")
        return []
    lines = []
    for index, row in enumerate(rows):
        line = _read_indicator(row, index, categories, year, errors)
        if line is not None:
            lines.append(line)
    return lines


_REQUIRED_TEXT = {"category": "一级指标", "subcategory": "二级指标", "name": "三级指标"}
_OPTIONAL_TEXT = {"unit": "度量单位", "explanation": "指标解释", "basis": "指标值确定依据",
                  "source": "数据来源", "parent_indicator": "关联的上级项目指标"}  # fmt: skip


def _read_indicator(row, index: int, categories: Mapping, year, errors: _Errors):
    where = f"第{index + 1}条指标"
    if not isinstance(row, dict):
        errors.add(where, f"应为对象，实际为{_type_name(row)}")
        return None
    before = len(errors)
    for key, label in _REQUIRED_TEXT.items():
        if key not in row:
            errors.add(where, f"缺少{label}（{key}）")
        elif not isinstance(row[key], str):
            errors.add(where, f"{label}（{key}）应为文字，实际为{_type_name(row[key])}")
    for key, label in _OPTIONAL_TEXT.items():
        if row.get(key) is not None and not isinstance(row[key], str):
            errors.add(where, f"{label}（{key}）应为文字或 null")
    _check_value(row.get("target"), where, errors)
    try:
        weight = read_decimal(row.get("weight"))
    except ValueError:
        errors.add(where, f"分值“{row.get('weight')}”不是数字")
        weight = None
    if len(errors) > before:
        return None
    return _line(row, weight, categories, year)


def _check_value(value: object, where: str, errors: _Errors) -> None:
    """common.schema.json `value`: string, number, null, or an object with a known `op`."""
    if value is None or isinstance(value, str):
        return
    if isinstance(value, bool):
        errors.add(where, "指标值不能是布尔值")
    elif isinstance(value, int | float | Decimal):
        if isinstance(value, float) and not math.isfinite(value):
            errors.add(where, f"指标值“{value}”不是有效数字")
    elif isinstance(value, dict):
        if value.get("op") not in _SCHEMA_OPS:
            errors.add(
                where, f"指标值的计算符号 op“{value.get('op')}”应为 {'、'.join(_SCHEMA_OPS)}"
            )
        for key in ("unit", "text", "date"):
            if value.get(key) is not None and not isinstance(value[key], str):
                errors.add(where, f"指标值的 {key} 应为文字或 null")
        number = value.get("number")
        if isinstance(number, bool) or not isinstance(number, str | int | float | Decimal | None):
            errors.add(where, "指标值的 number 应为数字、文字或 null")
    else:
        errors.add(where, f"指标值应为文字、数字、对象或 null，实际为{_type_name(value)}")


def _line(row: dict, weight: Decimal | None, categories: Mapping, year) -> IndicatorLine:
    category, subcategory = row["category"], row["subcategory"]
    data, unit = row.get("target"), row.get("unit")
    if unit and not isinstance(data, dict):
        value = parse_target_value(data, category=category, subcategory=subcategory, year=year,
                                   unit=unit)  # fmt: skip
    else:
        value = target_value_from_data(data, category=category, subcategory=subcategory,
                                       year=year)  # fmt: skip
    return IndicatorLine(
        category=category, subcategory=subcategory, name=row["name"], value=value,
        weight=weight, unit=value.unit or unit, explanation=row.get("explanation"),
        basis=row.get("basis"), source=row.get("source"),
        parent_indicator=row.get("parent_indicator"),
        placement=place_indicator(category, subcategory, dict(categories)),
    )  # fmt: skip
