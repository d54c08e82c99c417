"""Reading the common schema (schemas/common.schema.json) by hand, for the pure JSON readers.

A pure module: the standard library and `core.numbers` (itself standard library only). The three stage readers (`targets.declaration`,
`monitoring.report_data`, `evaluations.selfeval_data`) check their objects with these helpers,
so the same fault gets the same Chinese message whichever document it is in. Every error is a
`{"code": "schema", "message": …}` dict (the CLI's JSON contract); it also carries, as an
attribute, the JSON path of what is wrong (`field`), so an import can locate it.
"""

import math
import unicodedata
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import TypeGuard

from jixiao.core.numbers import typed_decimal

__all__ = [
    "SCHEMA_OPS",
    "Parties",
    "SchemaError",
    "SchemaErrors",
    "check_indicator",
    "check_text",
    "check_value",
    "is_number",
    "read_date",
    "read_decimal",
    "read_indicators",
    "read_int",
    "read_parties",
    "type_name",
]

#: common.schema.json `value.op`.
SCHEMA_OPS = (">=", ">", "=", "<=", "<", "qualitative", "deadline")


class SchemaError(dict):
    """`{"code": "schema", "message": "where：what"}`; `field` is the JSON path ("" = whole)."""

    field = ""


class SchemaErrors(list):
    """The errors of one object, in the order found."""

    def add(self, where: str, message: str, *, field: str | None = None) -> None:
        error = SchemaError(code="schema", message=f"{where}：{message}" if where else message)
        error.field = where if field is None else field
        self.append(error)


def type_name(value: object) -> str:
    """The JSON type of a value, in Chinese ("对象", "数字" …)."""
    names = {dict: "对象", list: "列表", str: "文字", bool: "布尔值", type(None): "null"}
    if is_number(value) or isinstance(value, float):
        return "数字"
    return names.get(type(value), type(value).__name__)


def is_number(value: object) -> bool:
    """A finite JSON number (not a boolean)."""
    if isinstance(value, bool) or not isinstance(value, int | float | Decimal):
        return False
    return not isinstance(value, float) or math.isfinite(value)


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
        # As a person types it (core.numbers): "1,234.5" is 1234.5, "12,5" is refused.
        typed = typed_decimal(value)
        if typed is None:
            return None
        number = typed
    else:
        raise ValueError
    if not number.is_finite():
        raise ValueError
    return number


#: Suffixes of a weight as tables print it: "20%" of 100 points, or "20分".
_POINT_SUFFIXES = ("%", "分")


def read_points(value: object) -> Decimal | None:
    """A weight (分值) as Decimal: a number, or a numeric string that may end in "%" (a share of
    the 100 points, so "20%" is 20) or "分"; ValueError like `read_decimal` otherwise."""
    if isinstance(value, str):
        text = unicodedata.normalize("NFKC", value).strip()
        for suffix in _POINT_SUFFIXES:
            if text.endswith(suffix) and text[: -len(suffix)].strip():
                return read_decimal(text[: -len(suffix)])
    return read_decimal(value)


def check_text(
    value: object, where: str, label: str, errors: SchemaErrors, *, field: str | None = None
) -> None:
    """Optional text: a string or null."""
    if value is not None and not isinstance(value, str):
        errors.add(where, f"{label}应为文字或 null，实际为{type_name(value)}", field=field)


def check_value(
    value: object, where: str, errors: SchemaErrors, label: str = "指标值", *, field=None
) -> None:
    """common.schema.json `value`: string, number, null, or an object with a known `op`."""
    if value is None or isinstance(value, str) or is_number(value):
        return
    if isinstance(value, float):
        errors.add(where, f"{label}“{value}”不是有效数字", field=field)
    elif isinstance(value, dict):
        if value.get("op") not in SCHEMA_OPS:
            op = value.get("op")
            errors.add(
                where, f"{label}的计算符号 op“{op}”应为 {'、'.join(SCHEMA_OPS)}", field=field
            )
        for key in ("unit", "text", "date"):
            check_text(value.get(key), where, f"{label}的 {key} ", errors, field=field)
        number = value.get("number")
        if number is not None and not isinstance(number, str) and not is_number(number):
            errors.add(where, f"{label}的 number 应为数字、文字或 null", field=field)
    else:
        errors.add(
            where, f"{label}应为文字、数字、对象或 null，实际为{type_name(value)}", field=field
        )


def read_int(obj: dict, key: str, label: str, errors: SchemaErrors) -> int | None:
    """An optional integer such as `year`."""
    value = obj.get(key)
    if value is not None and (isinstance(value, bool) or not isinstance(value, int)):
        errors.add(key, f"{label}应为整数，实际为“{value}”")
        return None
    return value


def read_date(
    obj: dict, key: str, label: str, errors: SchemaErrors, *, required: bool = False
) -> date | None:
    """An ISO date (YYYY-MM-DD); a missing one is an error only when `required`."""
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


@dataclass(frozen=True)
class Parties:
    """Who a document is about, as common.schema.json writes it; None = not given."""

    region: str | None = None
    unit_name: str | None = None
    unit_code: str | None = None
    project_name: str | None = None
    project_code: str | None = None
    parent_code: str | None = None
    kinds: tuple[str, ...] = ()
    has_project: bool = False


_PROJECT_TEXTS = (("code", "项目编码"), ("parent_code", "上级项目编码"))


def read_parties(
    obj: dict, errors: SchemaErrors, *, texts: tuple[tuple[str, str], ...] = ()
) -> Parties:
    """Check `region` (and the other top-level `texts`), `unit` and `project`."""
    for key, label in (("region", "区划"), *texts):
        if obj.get(key) is not None and not isinstance(obj[key], str):
            errors.add(key, f"{label}应为文字")
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
    unit, project_data = unit or {}, project or {}
    kinds = project_data.get("kinds") or []
    if not (isinstance(kinds, list) and all(isinstance(k, str) for k in kinds)):
        errors.add("project.kinds", "项目类别应为文字列表")
        kinds = []
    for key, label in _PROJECT_TEXTS:
        check_text(project_data.get(key), f"project.{key}", label, errors)
    region = obj.get("region")
    return Parties(
        region=region if isinstance(region, str) else None,
        unit_name=_text(unit.get("name")),
        unit_code=_text(unit.get("code")),
        project_name=_text(project_data.get("name")),
        project_code=_text(project_data.get("code")),
        parent_code=_text(project_data.get("parent_code")),
        kinds=tuple(kinds),
        has_project=project is not None,
    )


def _text(value: object) -> str | None:
    return value if isinstance(value, str) else None


#: The names every indicator row has (common.schema.json `indicator`).
INDICATOR_NAMES = {"category": "一级指标", "subcategory": "二级指标", "name": "三级指标"}


def read_indicators(obj: dict, errors: SchemaErrors, *, required: bool = True) -> list:
    """The `indicators` list (empty when it is wrong); missing is an error when `required`."""
    if "indicators" not in obj or (obj["indicators"] is None and not required):
        if required:
            errors.add("indicators", "缺少绩效指标列表（indicators）")
        return []
    rows = obj["indicators"]
    if not isinstance(rows, list):
        errors.add("indicators", f"绩效指标应为列表，实际为{type_name(rows)}")
        return []
    return rows


def indicator_where(index: int, key: str = "") -> tuple[str, str]:
    """How a message names an indicator row ("第1条指标") and its JSON path."""
    return f"第{index + 1}条指标", f"indicators[{index}]" + (f".{key}" if key else "")


def check_indicator(
    row: object, index: int, errors: SchemaErrors, optional: dict
) -> TypeGuard[dict]:
    """An indicator row is an object with its three names as text and `optional` texts (key →
    label) as text or null; False when it is not an object at all."""
    where, path = indicator_where(index)
    if not isinstance(row, dict):
        errors.add(where, f"应为对象，实际为{type_name(row)}", field=path)
        return False
    for key, label in INDICATOR_NAMES.items():
        if key not in row:
            errors.add(where, f"缺少{label}（{key}）", field=f"{path}.{key}")
        elif not isinstance(row[key], str):
            shown = type_name(row[key])
            errors.add(where, f"{label}（{key}）应为文字，实际为{shown}", field=f"{path}.{key}")
    for key, label in optional.items():
        check_text(row.get(key), where, f"{label}（{key}）", errors, field=f"{path}.{key}")
    return True
