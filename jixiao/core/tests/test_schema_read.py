"""The common-schema helpers the three pure JSON readers share: one wording for one fault."""

import ast
from decimal import Decimal
from pathlib import Path

import pytest

from jixiao.core import schema_read
from jixiao.core.schema_read import (
    SchemaErrors,
    check_value,
    read_decimal,
    read_parties,
    read_points,
)
from jixiao.evaluations.selfeval_data import selfeval_from_data
from jixiao.indicators.catalogue import CLASSIC_CATALOGUE
from jixiao.monitoring.report_data import report_from_data
from jixiao.targets.declaration import declaration_from_data


def test_schema_read_imports_nothing_but_the_standard_library():
    tree = ast.parse(Path(schema_read.__file__).read_text(encoding="utf-8"))
    imported = {n.module for n in ast.walk(tree) if isinstance(n, ast.ImportFrom)}
    imported |= {a.name for n in ast.walk(tree) if isinstance(n, ast.Import) for a in n.names}
    # core.numbers, the reader of typed numbers it shares with the forms, is as pure (listed
    # in tests/test_architecture.py)
    allowed = {"math", "unicodedata", "dataclasses", "datetime", "decimal", "typing"}
    allowed |= {"jixiao.core.numbers"}
    assert imported <= allowed, imported


@pytest.mark.parametrize(
    ("value", "expected"),
    [(None, None), ("", None), (" 1,200.50 ", Decimal("1200.50")), (3, Decimal(3)),
     (0.1, Decimal("0.1")), ("１２，３４５．５", Decimal("12345.5"))],
)  # fmt: skip
def test_read_decimal_reads_numbers_and_numeric_text_through_str(value, expected):
    assert read_decimal(value) == expected


@pytest.mark.parametrize(
    "value", [True, "一千", float("nan"), [1], "Infinity", "12,5", "1,2345", "1e3", "12.5%"]
)
def test_read_decimal_refuses_what_is_not_a_number(value):
    with pytest.raises(ValueError):
        read_decimal(value)


def test_errors_are_contract_dicts_that_also_carry_their_json_path():
    errors = SchemaErrors()
    check_value({"op": "约"}, "第1条指标", errors, field="indicators[0].target")
    assert errors == [
        {"code": "schema", "message": "第1条指标：指标值的计算符号 op“约”应为 >=、>、=、<=、<、"
                                      "qualitative、deadline"}
    ]  # fmt: skip
    assert errors[0].field == "indicators[0].target"


def test_parties_are_read_once_for_every_document():
    errors = SchemaErrors()
    parties = read_parties(
        {"region": "100101", "unit": {"code": "U1"}, "project": {"name": "项目", "code": "P1"}},
        errors,
    )
    assert errors == []
    assert (parties.region, parties.unit_code, parties.project_code, parties.has_project) == (
        "100101", "U1", "P1", True,
    )  # fmt: skip


BAD_INDICATOR = {"category": "产出指标", "name": 5, "target": True}


@pytest.mark.parametrize(
    "read",
    [
        lambda o: declaration_from_data(o, catalogue=CLASSIC_CATALOGUE),
        lambda o: report_from_data({**o, "as_of": "2022-06-30", "budget": {}}),
        selfeval_from_data,
    ],
    ids=["target", "monitoring", "selfeval"],
)
def test_the_three_readers_word_the_same_faults_the_same_way(read):
    _none, errors = read({"year": "2022", "unit": 3, "indicators": [BAD_INDICATOR]})
    messages = {e["message"] for e in errors}
    assert {
        "year：预算年度应为整数，实际为“2022”",
        "unit：预算单位应为含 code 或 name 的对象",
        "第1条指标：缺少二级指标（subcategory）",
        "第1条指标：三级指标（name）应为文字，实际为数字",
        "第1条指标：指标值应为文字、数字、对象或 null，实际为布尔值",
    } <= messages, messages
    fields = {e.field for e in errors}
    assert {"year", "unit", "indicators[0].subcategory", "indicators[0].target"} <= fields


@pytest.mark.parametrize(
    "written, points", [("20%", "20"), ("12.5分", "12.5"), (" 10 ", "10"), (8, "8")]
)
def test_a_weight_printed_as_a_share_or_with_fen_is_its_points(written, points):
    assert read_points(written) == Decimal(points)


@pytest.mark.parametrize("written", ["%", "二十分", "20%%"])
def test_a_weight_that_is_no_number_is_refused(written):
    with pytest.raises(ValueError):
        read_points(written)
