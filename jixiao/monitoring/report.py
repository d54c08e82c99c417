"""A monitoring report as the alerts see it (DOMAIN.md §5), read from schemas/monitoring.

A pure module: standard library, `jixiao.indicators.values` and the decimal reader of the target
declaration (the stage before). The services will build these dataclasses from the database;
`jixiao alerts` builds them from JSON with `report_from_data`, which checks the schema by hand and
reports, in Chinese, every place an object does not fit. Money is `Decimal` in 万元, read from
strings or numbers through `str()`, never float arithmetic.
"""

import math
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from jixiao.indicators.values import (
    ActualValue,
    TargetValue,
    normalise_operator,
    parse_actual_value,
    target_value_from_data,
)
from jixiao.targets.declaration import read_decimal

__all__ = [
    "CAUSES",
    "LIKELIHOODS",
    "Amounts",
    "IndicatorReport",
    "MonitoringReport",
    "indicator_report",
    "report_from_data",
]

#: 完成目标可能性 (DOMAIN.md §5), as the official monitoring table spells them.
LIKELIHOODS = ("确定能", "有可能", "完全不可能")
#: 偏差原因 (DOMAIN.md §5).
CAUSES = ("经费保障", "制度保障", "人员保障", "硬件条件保障", "其他")


@dataclass(frozen=True)
class Amounts:
    """A project's money in 万元 at the period end (DOMAIN.md §2, §5); None = not given."""

    initial: Decimal | None = None  # 年初预算
    full_year: Decimal | None = None  # 全年预算（调整后）: the execution-rate denominator
    executed: Decimal | None = None  # 执行数, 1 January to the period end
    expected: Decimal | None = None  # 全年预计执行数
    contract: Decimal | None = None  # amount due by contract or progress so far (M06)


@dataclass(frozen=True)
class IndicatorReport:
    """One indicator of the report: its target and what the unit reported (DOMAIN.md §5).

    `progress` (完成进度, so far) and `expected` (全年预计完成值) are read against the target by
    `parse_actual_value`; None when not reported.
    """

    category: str
    subcategory: str
    name: str
    target: TargetValue
    progress: ActualValue | None = None
    expected: ActualValue | None = None
    likelihood: str | None = None  # one of LIKELIHOODS
    causes: tuple[str, ...] = ()  # of CAUSES
    explanation: str | None = None
    measures: str | None = None  # 纠偏措施


@dataclass(frozen=True)
class MonitoringReport:
    """One project's monitoring report at one period end (DOMAIN.md §5).

    `payments` maps a month (1–12) of the report's year to the amount paid in it (万元), or is
    None when no payment data is known (then M05 is not judged).
    """

    period_end: date
    amounts: Amounts = Amounts()
    deadline: date | None = None
    submitted_at: date | None = None
    payments: Mapping[int, Decimal] | None = None
    indicators: tuple[IndicatorReport, ...] = ()
    project: str | None = None
    project_code: str | None = None
    kinds: tuple[str, ...] = ()
    unit: str | None = None
    year: int | None = None
    region: str | None = None


def indicator_report(
    category: str,
    subcategory: str,
    name: str,
    target: object,
    *,
    progress: object = None,
    expected: object = None,
    year: int | None = None,
    **reported,
) -> IndicatorReport:
    """An IndicatorReport from values as written or as common.schema.json `value` carries them
    ("≥12个", 12, {"op": ">=", "number": "12", "unit": "个"}); `reported` holds likelihood,
    causes, explanation and measures."""
    parsed = target_value_from_data(target, category=category, subcategory=subcategory, year=year)
    return IndicatorReport(
        category, subcategory, name, parsed,
        progress=_actual(progress, parsed), expected=_actual(expected, parsed), **reported,
    )  # fmt: skip


def _actual(value: object, target: TargetValue) -> ActualValue | None:
    if value is None:
        return None
    return parse_actual_value(_actual_text(value), target)


def _actual_text(value: object) -> str:
    """A schema `value` as the text a person would have written for parse_actual_value."""
    if not isinstance(value, dict):
        return value if isinstance(value, str) else str(value)
    op = normalise_operator(value.get("op"))
    if op == "deadline" and value.get("date"):
        return str(value["date"])
    if op in ("qualitative", "deadline"):
        return str(value.get("text") or "")
    number = value.get("number")
    return "" if number is None else f"{number}{value.get('unit') or ''}"


# --------------------------------------------------------------------------- reading JSON


class _Errors(list):
    def add(self, where: str, message: str) -> None:
        self.append({"code": "schema", "message": f"{where}：{message}" if where else message})


def report_from_data(obj: object) -> tuple[MonitoringReport | None, list]:
    """One schemas/monitoring object as a MonitoringReport, or None and the schema errors."""
    errors = _Errors()
    if not isinstance(obj, dict):
        errors.add("", f"监控表应为 JSON 对象，实际为{_type_name(obj)}")
        return None, errors
    period_end = _read_date(obj, "as_of", "监控截止日期", errors, required=True)
    deadline = _read_date(obj, "deadline", "报送截止日期", errors)
    submitted = _read_date(obj, "submitted", "报送日期", errors)
    year = _read_int(obj, "year", "预算年度", errors)
    amounts = _read_budget(obj, errors)
    payments = _read_payments(obj.get("payments"), errors)
    parties = _read_parties(obj, errors)
    year_for_values = year or (period_end.year if period_end else None)
    indicators = _read_indicators(obj.get("indicators"), year_for_values, errors)
    if errors:
        return None, list(errors)
    report = MonitoringReport(
        period_end=period_end, amounts=amounts, deadline=deadline, submitted_at=submitted,
        payments=payments, indicators=tuple(indicators), year=year, **parties,
    )  # fmt: skip
    return report, []


def _type_name(value: object) -> str:
    names = {dict: "对象", list: "列表", str: "文字", bool: "布尔值", type(None): "null"}
    if isinstance(value, int | float | Decimal) and not isinstance(value, bool):
        return "数字"
    return names.get(type(value), type(value).__name__)


def _read_date(obj: dict, key: str, label: str, errors: _Errors, required=False) -> date | None:
    if obj.get(key) is None:
        if required:
            errors.add(key, f"缺少{label}（{key}）")
        return None
    value = obj[key]
    try:
        if not isinstance(value, str):
            raise ValueError
        return date.fromisoformat(value.strip())
    except ValueError:
        errors.add(key, f"{label}“{value}”不是日期（应写作 YYYY-MM-DD）")
        return None


def _read_int(obj: dict, key: str, label: str, errors: _Errors) -> int | None:
    value = obj.get(key)
    if value is not None and (isinstance(value, bool) or not isinstance(value, int)):
        errors.add(key, f"{label}应为整数，实际为“{value}”")
        return None
    return value


_BUDGET = {"initial": "年初预算", "full_year": "全年预算（调整后）", "executed": "执行数",
           "expected_full_year": "全年预计执行数", "contract_amount": "合同或进度应付金额"}  # fmt: skip
_AMOUNT_FIELDS = {"initial": "initial", "full_year": "full_year", "executed": "executed",
                  "expected_full_year": "expected", "contract_amount": "contract"}  # fmt: skip


def _read_budget(obj: dict, errors: _Errors) -> Amounts:
    if "budget" not in obj:
        errors.add("budget", "缺少预算金额（budget）")
        return Amounts()
    data = obj["budget"]
    if not isinstance(data, dict):
        errors.add("budget", f"预算金额应为对象，实际为{_type_name(data)}")
        return Amounts()
    read = {}
    for key, label in _BUDGET.items():
        try:
            read[_AMOUNT_FIELDS[key]] = read_decimal(data.get(key))
        except ValueError:
            errors.add(f"budget.{key}", f"{label}“{data.get(key)}”不是数字（万元）")
    return Amounts(**read)


def _read_payments(rows: object, errors: _Errors) -> dict[int, Decimal] | None:
    """Monthly payments; several rows of one month add up. None when there are none."""
    if rows is None:
        return None
    if not isinstance(rows, list):
        errors.add("payments", f"支付数据应为列表，实际为{_type_name(rows)}")
        return None
    by_month: dict[int, Decimal] = {}
    for index, row in enumerate(rows):
        where = f"payments 第{index + 1}行"
        if not isinstance(row, dict):
            errors.add(where, f"应为对象，实际为{_type_name(row)}")
            continue
        month = row.get("month")
        if isinstance(month, bool) or not isinstance(month, int) or not 1 <= month <= 12:
            errors.add(where, f"月份（month）应为 1 到 12 的整数，实际为“{month}”")
            continue
        if "amount" not in row:
            errors.add(where, "缺少金额（amount）")
            continue
        try:
            amount = read_decimal(row["amount"])
        except ValueError:
            errors.add(where, f"金额“{row['amount']}”不是数字（万元）")
            continue
        if amount is not None:
            by_month[month] = by_month.get(month, Decimal(0)) + amount
    return dict(sorted(by_month.items())) or None


def _read_parties(obj: dict, errors: _Errors) -> dict:
    """`region`, `round`, `unit` and `project` (common.schema.json) as report fields."""
    for key, label in (("region", "区划"), ("round", "监控批次")):
        if obj.get(key) is not None and not isinstance(obj[key], str):
            errors.add(key, f"{label}应为文字")
    unit, project = obj.get("unit"), obj.get("project")
    if unit is not None and not (
        isinstance(unit, dict) and any(isinstance(unit.get(k), str) for k in ("code", "name"))
    ):
        errors.add("unit", "预算单位应为含 code 或 name 的对象")
        unit = None
    if project is not None and not (isinstance(project, dict) and isinstance(
            project.get("name"), str)):  # fmt: skip
        errors.add("project", "项目应为含 name（项目名称）的对象")
        project = None
    project = project or {}
    kinds = project.get("kinds") or []
    if not (isinstance(kinds, list) and all(isinstance(k, str) for k in kinds)):
        errors.add("project.kinds", "项目类别应为文字列表")
        kinds = []
    code = project.get("code")
    if code is not None and not isinstance(code, str):
        errors.add("project.code", "项目编码应为文字")
    return {
        "project": project.get("name"), "project_code": code, "kinds": tuple(kinds),
        "unit": unit.get("name") if isinstance(unit, dict) else None,
        "region": obj.get("region"),
    }  # fmt: skip


def _read_indicators(rows: object, year: int | None, errors: _Errors) -> list[IndicatorReport]:
    if rows is None:
        return []
    if not isinstance(rows, list):
        errors.add("indicators", f"绩效指标应为列表，实际为{_type_name(rows)}")
        return []
    read = [_read_indicator(row, index, year, errors) for index, row in enumerate(rows)]
    return [line for line in read if line is not None]


_REQUIRED_TEXT = {"category": "一级指标", "subcategory": "二级指标", "name": "三级指标"}
_OPTIONAL_TEXT = {"explanation": "偏差原因说明", "measures": "纠偏措施"}
_VALUES = {"target": "指标值", "progress": "完成进度", "expected": "全年预计完成值"}


def _read_indicator(row: object, index: int, year: int | None, errors: _Errors):
    where = f"第{index + 1}条指标"
    if not isinstance(row, dict):
        errors.add(where, f"应为对象，实际为{_type_name(row)}")
        return None
    before = len(errors)
    for key, label in _REQUIRED_TEXT.items():
        if not isinstance(row.get(key), str):
            found = "缺少" if key not in row else f"应为文字，实际为{_type_name(row[key])}："
            errors.add(where, f"{found}{label}（{key}）")
    for key, label in _OPTIONAL_TEXT.items():
        if row.get(key) is not None and not isinstance(row[key], str):
            errors.add(where, f"{label}（{key}）应为文字或 null")
    for key, label in _VALUES.items():
        _check_value(row.get(key), f"{where}的{label}", errors)
    likelihood = row.get("likelihood")
    if likelihood is not None and likelihood not in LIKELIHOODS:
        errors.add(where, f"完成目标可能性“{likelihood}”应为 {'、'.join(LIKELIHOODS)} 或 null")
    causes = _read_causes(row.get("cause"), where, errors)
    if len(errors) > before:
        return None
    return indicator_report(
        row["category"], row["subcategory"], row["name"], row.get("target"),
        progress=row.get("progress"), expected=row.get("expected"), year=year,
        likelihood=likelihood, causes=causes, explanation=row.get("explanation"),
        measures=row.get("measures"),
    )  # fmt: skip


def _read_causes(value: object, where: str, errors: _Errors) -> tuple[str, ...]:
    causes = value if isinstance(value, list) else [] if value is None else [value]
    wrong = [c for c in causes if c not in CAUSES]
    if wrong:
        errors.add(where, f"偏差原因“{wrong[0]}”应为 {'、'.join(CAUSES)} 之一")
        return ()
    return tuple(dict.fromkeys(causes))


_SCHEMA_OPS = (">=", ">", "=", "<=", "<", "qualitative", "deadline")


def _check_value(value: object, where: str, errors: _Errors) -> None:
    """common.schema.json `value`: string, number, null, or an object with a known `op`."""
    if value is None or isinstance(value, str):
        return
    if isinstance(value, bool):
        errors.add(where, "不能是布尔值")
    elif isinstance(value, int | float | Decimal):
        if isinstance(value, float) and not math.isfinite(value):
            errors.add(where, f"“{value}”不是有效数字")
    elif isinstance(value, dict):
        if value.get("op") not in _SCHEMA_OPS:
            errors.add(where, f"计算符号 op“{value.get('op')}”应为 {'、'.join(_SCHEMA_OPS)}")
        for key in ("unit", "text", "date"):
            if value.get(key) is not None and not isinstance(value[key], str):
                errors.add(where, f"{key} 应为文字或 null")
        number = value.get("number")
        if isinstance(number, bool) or not isinstance(number, str | int | float | Decimal | None):
            errors.add(where, "number 应为数字、文字或 null")
    else:
        errors.add(where, f"应为文字、数字、对象或 null，实际为{_type_name(value)}")
