"""Declarations and self-evaluations in the national 一体化 data elements.

A province's 预算管理一体化 system keeps performance data in tables whose names and field names
come from the national data standard (`../shared/reference/data-elements.md`, docs/api.md
"数据交换"). This module turns our schema objects (schemas/target, schemas/selfeval: plain dicts)
into one exchange document of such tables, and back, so another system reads and writes them
without a mapping of its own. Where the standard has a field we use its name; every other field
keeps ours (amounts in 万元, weights, status, version …), on the same row.

A document is one JSON object of tables, each a list of rows:

- declarations of projects: `PM_PERF_GOAL_INFO` (one row a project: goal `kpi_target`, the
  medium-term goal `zqgoal`) and `PM_PERF_INDICATOR` (one row an indicator: the three levels
  denormalised in `lv1/lv2/lv3_perf_ind_name`, the target value as text `kpi_val` with its
  `computesign` and `meterunit`); a whole unit's declaration goes into `BGT_PERF_GOAL_INFO` and
  `BGT_PERF_INDICATOR` of the same shape, without `pro_code`;
- self-evaluations: `PM_PERF_SELF_EVAL` (the header: `total_eval_value` is the unit's own
  total), `PM_SELF_EVAL_GOAL` (`kpi_target` against `goal_comp`), `PM_SELF_EVAL_INDICATOR`
  (`kpi_val` against `ind_comp`, `ind_weight`, `eval_score`, `devi_analy`) and `PM_PERF_SELF_BGT`
  (one row a fund source: `reply_amt`, `cur_amt`, `year_exe_amt`, and `exe_score` on the 合计 row).

Rows are joined by the standard keys `fiscal_year`, `mof_div_code`, `agency_code` and `pro_code`.
A target value is split as the parser reads it: "≥50个" is `computesign` "≥", `kpi_val` "50",
`meterunit` "个"; a value without a number (a qualitative text, a deadline, an unreadable text)
keeps its whole text in `kpi_val` with `computesign` "定性" (qualitative) or empty. Read back,
the three give "≥50个" again: the same reading, though no longer the same letters where the
unit had its own column or the operator was implied ("50" under 度量单位 个 comes back as
"≥50个").

Pure: the standard library and the value parser only.
"""

from __future__ import annotations

from collections.abc import Callable

from jixiao.core.rule_messages import Message

from .values import Kind, parse_target_value

__all__ = [
    "DECLARATION_TABLES",
    "SELFEVAL_TABLES",
    "ExchangeError",
    "declarations_from_national",
    "declarations_to_national",
    "is_national",
    "join_value",
    "selfevals_from_national",
    "selfevals_to_national",
    "split_value",
]

PROJECT_GOALS, PROJECT_INDICATORS = "PM_PERF_GOAL_INFO", "PM_PERF_INDICATOR"
UNIT_GOALS, UNIT_INDICATORS = "BGT_PERF_GOAL_INFO", "BGT_PERF_INDICATOR"
DECLARATION_TABLES = (PROJECT_GOALS, PROJECT_INDICATORS, UNIT_GOALS, UNIT_INDICATORS)
SELF_HEADER, SELF_GOAL = "PM_PERF_SELF_EVAL", "PM_SELF_EVAL_GOAL"
SELF_INDICATORS, SELF_BUDGET = "PM_SELF_EVAL_INDICATOR", "PM_PERF_SELF_BGT"
SELFEVAL_TABLES = (SELF_HEADER, SELF_GOAL, SELF_INDICATORS, SELF_BUDGET)

#: The operators a `computesign` may hold, and the word for a qualitative value.
SIGNS = ("≥", ">", "=", "≤", "<")
QUALITATIVE_SIGN = "定性"
#: The row of `PM_PERF_SELF_BGT` that carries the totals and the execution score.
TOTAL_SOURCE = "合计"
KEYS = ("fiscal_year", "mof_div_code", "agency_code", "pro_code")


class ExchangeError(ValueError):
    """A document that cannot be read: `problems` is a list of (path, message), the path in the
    document's own terms ("PM_PERF_INDICATOR[3].pro_code")."""

    def __init__(self, problems: list[tuple[str, str]]):
        super().__init__("; ".join(f"{path}: {message}" for path, message in problems))
        self.problems = problems


def is_national(data: object, tables: tuple[str, ...]) -> bool:
    """Is `data` (a decoded JSON file) an exchange document of these tables? Any one of them
    at the top level is enough; our own files are lists or objects with `indicators`."""
    return isinstance(data, dict) and any(name in data for name in tables)


# --------------------------------------------------------------------------- values


def split_value(text, *, category=None, subcategory=None, year=None, unit=None) -> dict:
    """A target value as `kpi_val`, `computesign` and `meterunit` (see the module's docstring)."""
    written = "" if text is None else str(text)
    value = parse_target_value(
        written, category=category, subcategory=subcategory, year=year, unit=unit
    )
    if value.kind == Kind.QUANTITATIVE and value.number is not None and value.symbol:
        return {
            "kpi_val": f"{value.number:f}",
            "computesign": value.symbol,
            "meterunit": value.unit or "",
        }
    sign = QUALITATIVE_SIGN if value.kind == Kind.QUALITATIVE else ""
    return {"kpi_val": written, "computesign": sign, "meterunit": _text(unit)}


def join_value(row: dict) -> str:
    """The text of a value from `kpi_val`, `computesign` and `meterunit`."""
    number = _text(row.get("kpi_val"))
    sign = _text(row.get("computesign"))
    if sign in SIGNS and number:
        return f"{sign}{number}{_text(row.get('meterunit'))}"
    return number


# --------------------------------------------------------------------------- declarations

_OWN_DECLARATION = ("amounts", "serves_public", "status", "version")
_OWN_INDICATOR = ("weight", "basis", "source", "unit")


def declarations_to_national(items: list[dict]) -> dict:
    """schemas/target objects as one exchange document."""
    document: dict[str, list] = {name: [] for name in DECLARATION_TABLES}
    for item in items:
        project = item.get("project") or None
        keys = _keys(item, project)
        goals, indicators = (
            (PROJECT_GOALS, PROJECT_INDICATORS) if project else (UNIT_GOALS, UNIT_INDICATORS)
        )
        goal = {
            **keys,
            "agency_name": (item.get("unit") or {}).get("name"),
            "kpi_target": item.get("goal"),
            "zqgoal": item.get("medium_term_goal"),
            "yearflag": 0,
        }
        if project:
            goal |= {
                "pro_name": project.get("name"),
                "kinds": project.get("kinds") or [],
                "parent_code": project.get("parent_code"),
            }
        document[goals].append(goal | {k: item[k] for k in _OWN_DECLARATION if k in item})
        for position, row in enumerate(item.get("indicators") or [], start=1):
            document[indicators].append(
                keys | _indicator_to_national(row, position, item.get("year"))
            )
    return {name: rows for name, rows in document.items() if rows}


def _keys(item: dict, project: dict | None) -> dict:
    keys = {
        "fiscal_year": item.get("year"),
        "mof_div_code": _region_code(item.get("region")),
        "agency_code": (item.get("unit") or {}).get("code"),
    }
    if project:
        keys["pro_code"] = project.get("code")
    return keys


def _region_code(region) -> str | None:
    """`region` may be "360102" or "360102 东湖区"; the standard key is the code."""
    return _text(region).split(" ")[0] or None if region is not None else None


def _indicator_to_national(row: dict, position: int, year) -> dict:
    target = row.get("target")
    if isinstance(target, dict):  # the parsed form of common.schema.json
        target = _parsed_text(target)
    national = {
        "kpi_id": position,
        "lv1_perf_ind_name": row.get("category"),
        "lv2_perf_ind_name": row.get("subcategory"),
        "lv3_perf_ind_name": row.get("name"),
        **split_value(
            target,
            category=row.get("category"),
            subcategory=row.get("subcategory"),
            year=year if isinstance(year, int) else None,
            unit=row.get("unit"),
        ),
        "kpi_content": row.get("explanation"),
    }
    return national | {k: row[k] for k in _OWN_INDICATOR if k in row and k != "unit"}


def _parsed_text(value: dict) -> str:
    signs: dict[object, str] = {">=": "≥", ">": ">", "=": "=", "<=": "≤", "<": "<"}
    sign = signs.get(value.get("op"))
    if sign and value.get("number") is not None:
        return f"{sign}{value['number']}{value.get('unit') or ''}"
    return _text(value.get("text") or value.get("date"))


def declarations_from_national(document: dict) -> list[dict]:
    """An exchange document as schemas/target objects, in the order of its goal rows. Raises
    `ExchangeError` naming every row that cannot be placed."""
    problems: list[tuple[str, str]] = []
    items: list[dict] = []
    for goals, indicators, project in (
        (PROJECT_GOALS, PROJECT_INDICATORS, True),
        (UNIT_GOALS, UNIT_INDICATORS, False),
    ):
        declared = _declarations(document, goals, project, problems)
        for path, row, key in _rows_with_keys(document, indicators, project, problems):
            if key not in declared:
                problems.append((path, Message("exchange.no_goal_row", table=goals)))
                continue
            declared[key]["indicators"].append(_indicator_from_national(row))
        items.extend(declared.values())
    if problems:
        raise ExchangeError(problems)
    return items


def _declarations(document: dict, table: str, project: bool, problems: list) -> dict:
    declared: dict[tuple, dict] = {}
    for path, row, key in _rows_with_keys(document, table, project, problems):
        if key in declared:
            problems.append((path, Message("exchange.duplicate_goal_row")))
            continue
        item = {
            "region": key[1],
            "year": key[0],
            "unit": {"code": key[2]},
            "goal": row.get("kpi_target"),
            "medium_term_goal": row.get("zqgoal"),
            "indicators": [],
        }
        if row.get("agency_name"):
            item["unit"]["name"] = row["agency_name"]
        if project:
            item["project"] = {"code": key[3], "name": _text(row.get("pro_name")) or key[3]}
            for ours in ("kinds", "parent_code"):
                if row.get(ours) is not None:
                    item["project"][ours] = row[ours]
        item |= {k: row[k] for k in _OWN_DECLARATION if k in row}
        declared[key] = item
    return declared


def _indicator_from_national(row: dict) -> dict:
    indicator = {
        "category": _text(row.get("lv1_perf_ind_name")),
        "subcategory": _text(row.get("lv2_perf_ind_name")),
        "name": _text(row.get("lv3_perf_ind_name")),
        "target": join_value(row),
    }
    if _text(row.get("meterunit")):
        indicator["unit"] = _text(row["meterunit"])
    if "kpi_content" in row:
        indicator["explanation"] = row["kpi_content"]
    return indicator | {k: row[k] for k in _OWN_INDICATOR if k in row}


def _rows_with_keys(document: dict, table: str, project: bool, problems: list):
    """(path, row, key) of each row of `table` whose standard keys are all there; a row
    without one is a problem naming the key."""
    rows = document.get(table) or []
    if not isinstance(rows, list):
        problems.append((table, Message("exchange.not_a_list")))
        return
    needed = KEYS if project else KEYS[:3]
    for index, row in enumerate(rows):
        path = f"{table}[{index}]"
        if not isinstance(row, dict):
            problems.append((path, Message("exchange.not_an_object")))
            continue
        missing = [k for k in needed if row.get(k) in (None, "")]
        if missing:
            problems.append((f"{path}.{missing[0]}", Message("exchange.key_missing")))
            continue
        if not _is_year(row["fiscal_year"]):
            problems.append((f"{path}.fiscal_year", Message("exchange.bad_year")))
            continue
        key = (int(row["fiscal_year"]), *(_text(row[k]) for k in needed[1:]))
        yield path, row, key


def _is_year(value) -> bool:
    try:
        return 2000 <= int(value) <= 2100 and str(int(value)) == _text(value)
    except (TypeError, ValueError):
        return False


# --------------------------------------------------------------------------- self-evaluations

_SOURCES = ("initial", "full_year", "executed")
_BUDGET_FIELDS = {"initial": "reply_amt", "full_year": "cur_amt", "executed": "year_exe_amt"}
_OWN_SELF_INDICATOR = ("band", "score", "explanation", "rule_score", "unit")


def selfevals_to_national(items: list[dict]) -> dict:
    """schemas/selfeval objects as one exchange document."""
    document: dict[str, list] = {name: [] for name in SELFEVAL_TABLES}
    for item in items:
        project = item.get("project") or {}
        keys = _keys(item, project)
        goal = item.get("goal") or {}
        budget = item.get("budget") or {}
        header = {
            **keys,
            "agency_name": (item.get("unit") or {}).get("name"),
            "pro_name": project.get("name"),
            "total_eval_value": item.get("self_total"),
        }
        for ours in ("self_grade", "report", "status", "total", "grade"):
            if ours in item:
                header[ours] = item[ours]
        document[SELF_HEADER].append(header)
        document[SELF_GOAL].append(
            keys | {"kpi_target": goal.get("expected"), "goal_comp": goal.get("achieved")}
        )
        document[SELF_BUDGET].append(
            keys
            | {"source": TOTAL_SOURCE, "exe_score": budget.get("self_score")}
            | {field: budget.get(ours) for ours, field in _BUDGET_FIELDS.items()}
        )
        for source in budget.get("sources") or []:
            document[SELF_BUDGET].append(
                keys
                | {"source": source.get("source")}
                | {field: source.get(ours) for ours, field in _BUDGET_FIELDS.items()}
            )
        for position, row in enumerate(item.get("indicators") or [], start=1):
            national = _indicator_to_national(row, position, item.get("year"))
            # a self-evaluation's `explanation` is why a target was exceeded (ours), not the
            # indicator's 指标解释 that `kpi_content` holds
            del national["kpi_content"]
            national |= {
                "ind_comp": row.get("actual"),
                "ind_weight": national.pop("weight", row.get("weight")),
                "eval_score": row.get("self_score"),
                "devi_analy": row.get("deviation"),
            }
            national |= {k: row[k] for k in _OWN_SELF_INDICATOR if k in row and k != "unit"}
            document[SELF_INDICATORS].append(keys | national)
    return document


def selfevals_from_national(document: dict) -> list[dict]:
    """An exchange document as schemas/selfeval objects, in the order of its header rows."""
    problems: list[tuple[str, str]] = []
    items: dict[tuple, dict] = {}
    for path, row, key in _rows_with_keys(document, SELF_HEADER, True, problems):
        if key in items:
            problems.append((path, Message("exchange.duplicate_goal_row")))
            continue
        item = {
            "region": key[1],
            "year": key[0],
            "unit": {"code": key[2]},
            "project": {"code": key[3], "name": _text(row.get("pro_name")) or key[3]},
            "indicators": [],
        }
        if row.get("agency_name"):
            item["unit"]["name"] = row["agency_name"]
        if row.get("total_eval_value") is not None:
            item["self_total"] = row["total_eval_value"]
        items[key] = item
    parts: dict[str, Callable[[dict, dict], None]] = {
        SELF_GOAL: _goal_part,
        SELF_BUDGET: _budget_part,
        SELF_INDICATORS: _self_indicator_part,
    }
    for table, add in parts.items():
        for path, row, key in _rows_with_keys(document, table, True, problems):
            if key not in items:
                problems.append((path, Message("exchange.no_goal_row", table=SELF_HEADER)))
                continue
            add(items[key], row)
    if problems:
        raise ExchangeError(problems)
    return list(items.values())


def _goal_part(item: dict, row: dict) -> None:
    item["goal"] = {"expected": row.get("kpi_target"), "achieved": row.get("goal_comp")}


def _budget_part(item: dict, row: dict) -> None:
    budget = item.setdefault("budget", {})
    amounts = {ours: row.get(field) for ours, field in _BUDGET_FIELDS.items()}
    if _text(row.get("source")) == TOTAL_SOURCE:
        budget |= amounts
        if row.get("exe_score") is not None:
            budget["self_score"] = row["exe_score"]
    else:
        budget.setdefault("sources", []).append({"source": _text(row.get("source"))} | amounts)


def _self_indicator_part(item: dict, row: dict) -> None:
    indicator = _indicator_from_national(row)
    for ours, field in (("actual", "ind_comp"), ("weight", "ind_weight"),
                        ("self_score", "eval_score"), ("deviation", "devi_analy")):  # fmt: skip
        if field in row:  # present, even empty: the document says so (absent: untouched)
            indicator[ours] = row[field]
    indicator |= {k: row[k] for k in _OWN_SELF_INDICATOR if k in row}
    item["indicators"].append(indicator)


def _text(value) -> str:
    return "" if value is None else str(value).strip()
