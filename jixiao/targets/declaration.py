"""A target declaration as the lint sees it (DOMAIN.md §4.3), read from schemas/target.

A pure module: standard library, `jixiao.indicators` (catalogue, values) and `jixiao.core.schema_read`. The service builds these
dataclasses from the database; `jixiao lint` builds them from JSON with `declaration_from_data`,
which checks the schema by hand and reports, in Chinese, every place an object does not fit.
Money and weights are `Decimal`, read from strings or numbers through `str()`, never float
arithmetic.
"""

import re
import unicodedata
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from functools import lru_cache

from jixiao.core.schema_read import (
    SchemaErrors,
    check_indicator,
    check_text,
    check_value,
    indicator_where,
    read_decimal,
    read_indicators,
    read_int,
    read_parties,
    read_points,
    type_name,
)
from jixiao.indicators.catalogue import Placement, place_indicator
from jixiao.indicators.units import is_known_unit
from jixiao.indicators.values import (
    Kind,
    TargetValue,
    parse_target_value,
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
    unit of this year's target (`jixiao.targets.history`: read from last year's self-evaluation,
    converted by `in_target_units`; an empty mapping when none was recorded).
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
    return signature_of_lines(declaration.indicators, label or declaration.project_name or "")


def signature_of_lines(lines, label: str) -> Signature:
    """`signature` of indicator rows alone (a stored target read as plain columns)."""
    items = sorted((normalise_text(line.name), _value_key(line)) for line in lines)
    return Signature(label, tuple(items))


def _value_key(line: IndicatorLine) -> str:
    """Quantities as read ("≥ 50 个" = "≥50个"); other values as written, so "12月底前完成"
    copied into the next year stays the same value although its date moves with the year."""
    if line.value.kind == Kind.QUANTITATIVE:
        return normalise_text(line.value.display())
    return normalise_text(line.value.original)


# --------------------------------------------------------------------------- reading JSON


def declaration_from_data(
    obj: object, *, catalogue: Mapping, incidents: Mapping | None = None
) -> tuple[Declaration | None, list]:
    """One schemas/target object as a Declaration, or None and the schema errors (Chinese).

    `catalogue` is the rulebook's "catalogue" section (or its "categories"); each row is placed
    in it leniently (`place_indicator`), and what cannot be placed stays in the placement's
    problems for the lint to report. Values are read by `target_value_from_data` with the year
    and the row's name; `incidents`: the rulebook's lint → T02 words ("无" on an indicator that
    counts incidents is "= 0"; None: the national words, jixiao.indicators.incidents).
    """
    errors = SchemaErrors()
    if not isinstance(obj, dict):
        errors.add("", f"申报表应为 JSON 对象，实际为{type_name(obj)}")
        return None, errors
    categories = catalogue.get("categories", catalogue)
    year = read_int(obj, "year", "预算年度", errors)
    amounts = _read_amounts(obj.get("amounts"), errors)
    check_text(obj.get("goal"), "goal", "年度总体目标", errors)
    check_text(obj.get("medium_term_goal"), "medium_term_goal", "中期目标", errors)
    serves = obj.get("serves_public")
    if serves is not None and not isinstance(serves, bool):
        errors.add("serves_public", "应为 true、false 或 null")
    parties = read_parties(obj, errors)
    lines = _read_indicators(obj, categories, year, errors, incidents)
    if errors:
        return None, list(errors)
    declaration = Declaration(
        goal=obj.get("goal"), indicators=tuple(lines), amounts=amounts,
        medium_term_goal=obj.get("medium_term_goal"), serves_public=serves, year=year,
        project_name=parties.project_name if parties.has_project else parties.unit_name,
        is_unit_target=not parties.has_project,
    )  # fmt: skip
    return declaration, []


def _read_amounts(data: object, errors: SchemaErrors) -> Amounts:
    if data is None:
        return Amounts()
    if not isinstance(data, dict):
        errors.add("amounts", f"金额应为对象，实际为{type_name(data)}")
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


def _read_indicators(obj: dict, categories: Mapping, year, errors: SchemaErrors, incidents=None):
    rows = read_indicators(obj, errors)
    lines = (
        _read_indicator(row, index, categories, year, errors, incidents)
        for index, row in enumerate(rows)
    )
    return [line for line in lines if line is not None]


_OPTIONAL_TEXT = {"unit": "度量单位", "explanation": "指标解释", "basis": "指标值确定依据",
                  "source": "数据来源", "parent_indicator": "关联的上级项目指标"}  # fmt: skip


def _read_indicator(row, index: int, categories: Mapping, year, errors: SchemaErrors, incidents):
    before = len(errors)
    if not check_indicator(row, index, errors, _OPTIONAL_TEXT):
        return None
    where, path = indicator_where(index)
    check_value(row.get("target"), where, errors, field=f"{path}.target")
    try:
        weight = read_points(row.get("weight"))
    except ValueError:
        errors.add(where, f"分值“{row.get('weight')}”不是数字", field=f"{path}.weight")
        weight = None
    if len(errors) > before:
        return None
    return _line(row, weight, categories, year, incidents)


#: "(个)", "(≥**万元)", "（%）" at the end of an indicator's name: the unit (and operator) the
#: form asks for, which the value cell then leaves out ("投入资金(≥万元)" with "1500").
_NAME_HINT = re.compile(r"[（(]([^()（）]{1,12})[)）]\s*$")
_HINT_FILLER = re.compile(r"[*＊xX×\d.\s]")


def name_hint(name: object) -> tuple[str | None, str | None]:
    """(operator, unit) written in the brackets that end a name, each None when absent."""
    match = _NAME_HINT.search(str(name or ""))
    if not match:
        return None, None
    text = _HINT_FILLER.sub("", match.group(1))
    op = next((o for o in ("≥", "≤", ">=", "<=", ">", "<", "=") if text.startswith(o)), None)
    unit = text[len(op) :] if op else text
    return op, (unit if unit and (is_known_unit(unit) or unit == "%") else None)


def read_target(
    data, name, *, category, subcategory, year, unit=None, operator=None, incidents=None
):
    """An indicator's target value as a reviewer reads it: the cell with the table's 计量单位
    and 指标值符号 columns, else with the unit and operator the name's brackets give; by its
    name ("无" on an incident count is "= 0", with `incidents` or the national words)."""
    if isinstance(data, dict):
        return target_value_from_data(data, category=category, subcategory=subcategory,
                                      year=year)  # fmt: skip
    value = parse_target_value(data, category=category, subcategory=subcategory, year=year,
                               unit=unit or None, operator=operator or None, name=name,
                               incidents=incidents)  # fmt: skip
    if value.kind == Kind.QUANTITATIVE and not value.unit and not unit:
        hinted_op, hinted_unit = name_hint(name)
        if hinted_unit:
            hinted_op = hinted_op if value.operator_implied else None
            value = parse_target_value(data, category=category, subcategory=subcategory,
                                       year=year, unit=hinted_unit, name=name,
                                       operator=operator or hinted_op,
                                       incidents=incidents)  # fmt: skip
    return value


def _line(row: dict, weight: Decimal | None, categories: Mapping, year, incidents=None):
    category, subcategory = row["category"], row["subcategory"]
    data, unit, operator = row.get("target"), row.get("unit"), row.get("operator")
    value = read_target(data, row["name"], category=category, subcategory=subcategory,
                        year=year, unit=unit, operator=operator, incidents=incidents)  # fmt: skip
    return IndicatorLine(
        category=category, subcategory=subcategory, name=row["name"], value=value,
        weight=weight, unit=value.unit or unit, explanation=row.get("explanation"),
        basis=row.get("basis"), source=row.get("source"),
        parent_indicator=row.get("parent_indicator"),
        placement=place_indicator(category, subcategory, dict(categories)),
    )  # fmt: skip
