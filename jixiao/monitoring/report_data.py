"""A monitoring report as the alerts see it (DOMAIN.md §5), read from schemas/monitoring.

A pure module: standard library, `jixiao.indicators.values` and the common-schema helpers of
`jixiao.core.schema_read`. The services will build these dataclasses from the database;
`jixiao alerts` builds them from JSON with `report_from_data`, which checks the schema by hand and
reports, in Chinese, every place an object does not fit. Money is `Decimal` in 万元, read from
strings or numbers through `str()`, never float arithmetic.
"""

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from jixiao.core.schema_read import (
    SchemaErrors,
    check_indicator,
    check_value,
    indicator_where,
    read_date,
    read_decimal,
    read_indicators,
    read_int,
    read_parties,
    type_name,
)
from jixiao.indicators.values import (
    ActualValue,
    TargetValue,
    normalise_operator,
    parse_actual_value,
    target_value_from_data,
)

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
    parsed = target_value_from_data(target, category=category, subcategory=subcategory, year=year,
                                    name=name)  # fmt: skip
    return IndicatorReport(
        category, subcategory, name, parsed, progress=_actual(progress, parsed, name),
        expected=_actual(expected, parsed, name), **reported,
    )  # fmt: skip


def _actual(value: object, target: TargetValue, name: str) -> ActualValue | None:
    """The actual read by the indicator's name, as every reader does ("无" on an incident
    count is 0: jixiao.indicators.values)."""
    if value is None:
        return None
    return parse_actual_value(_actual_text(value), target, name=name)


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


def report_from_data(obj: object) -> tuple[MonitoringReport | None, list]:
    """One schemas/monitoring object as a MonitoringReport, or None and the schema errors."""
    errors = SchemaErrors()
    if not isinstance(obj, dict):
        errors.add("", f"监控表应为 JSON 对象，实际为{type_name(obj)}")
        return None, errors
    period_end = read_date(obj, "as_of", "监控截止日期", errors, required=True)
    deadline = read_date(obj, "deadline", "报送截止日期", errors)
    submitted = read_date(obj, "submitted", "报送日期", errors)
    year = read_int(obj, "year", "预算年度", errors)
    amounts = _read_budget(obj, errors)
    payments = _read_payments(obj.get("payments"), errors)
    parties = read_parties(obj, errors, texts=(("round", "监控批次"),))
    year_for_values = year or (period_end.year if period_end else None)
    rows = read_indicators(obj, errors, required=False)
    read = (_read_indicator(row, index, year_for_values, errors) for index, row in enumerate(rows))
    indicators = [line for line in read if line is not None]
    if errors or period_end is None:  # a missing as_of is one of the errors (required)
        return None, list(errors)
    report = MonitoringReport(
        period_end=period_end, amounts=amounts, deadline=deadline, submitted_at=submitted,
        payments=payments, indicators=tuple(indicators), year=year,
        project=parties.project_name, project_code=parties.project_code, kinds=parties.kinds,
        unit=parties.unit_name, region=parties.region,
    )  # fmt: skip
    return report, []


_BUDGET = {"initial": "年初预算", "full_year": "全年预算（调整后）", "executed": "执行数",
           "expected_full_year": "全年预计执行数", "contract_amount": "合同或进度应付金额"}  # fmt: skip
_AMOUNT_FIELDS = {"initial": "initial", "full_year": "full_year", "executed": "executed",
                  "expected_full_year": "expected", "contract_amount": "contract"}  # fmt: skip


def _read_budget(obj: dict, errors: SchemaErrors) -> Amounts:
    if "budget" not in obj:
        errors.add("budget", "缺少预算金额（budget）")
        return Amounts()
    data = obj["budget"]
    if not isinstance(data, dict):
        errors.add("budget", f"预算金额应为对象，实际为{type_name(data)}")
        return Amounts()
    read = {}
    for key, label in _BUDGET.items():
        try:
            read[_AMOUNT_FIELDS[key]] = read_decimal(data.get(key))
        except ValueError:
            errors.add(f"budget.{key}", f"{label}“{data.get(key)}”不是数字（万元）")
    return Amounts(**read)


def _read_payments(rows: object, errors: SchemaErrors) -> dict[int, Decimal] | None:
    """Monthly payments; several rows of one month add up. None when there are none."""
    if rows is None:
        return None
    if not isinstance(rows, list):
        errors.add("payments", f"支付数据应为列表，实际为{type_name(rows)}")
        return None
    by_month: dict[int, Decimal] = {}
    for index, row in enumerate(rows):
        where = f"payments 第{index + 1}行"
        if not isinstance(row, dict):
            errors.add(where, f"应为对象，实际为{type_name(row)}")
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


_OPTIONAL_TEXT = {"explanation": "偏差原因说明", "measures": "纠偏措施"}
_VALUES = {"target": "指标值", "progress": "完成进度", "expected": "全年预计完成值"}


def _read_indicator(row: object, index: int, year: int | None, errors: SchemaErrors):
    before = len(errors)
    if not check_indicator(row, index, errors, _OPTIONAL_TEXT):
        return None
    where, path = indicator_where(index)
    for key, label in _VALUES.items():
        check_value(row.get(key), where, errors, label, field=f"{path}.{key}")
    likelihood = row.get("likelihood")
    if likelihood is not None and likelihood not in LIKELIHOODS:
        shown = "、".join(LIKELIHOODS)
        errors.add(
            where, f"完成目标可能性“{likelihood}”应为 {shown} 或 null", field=f"{path}.likelihood"
        )
    causes = _read_causes(row.get("cause"), where, errors, f"{path}.cause")
    if len(errors) > before:
        return None
    return indicator_report(
        row["category"], row["subcategory"], row["name"], row.get("target"),
        progress=row.get("progress"), expected=row.get("expected"), year=year,
        likelihood=likelihood, causes=causes, explanation=row.get("explanation"),
        measures=row.get("measures"),
    )  # fmt: skip


def _read_causes(value: object, where: str, errors: SchemaErrors, path: str) -> tuple[str, ...]:
    causes = value if isinstance(value, list) else [] if value is None else [value]
    wrong = [c for c in causes if c not in CAUSES]
    if wrong:
        errors.add(where, f"偏差原因“{wrong[0]}”应为 {'、'.join(CAUSES)} 之一", field=path)
        return ()
    return tuple(dict.fromkeys(causes))
