"""core.numbers.typed_decimal: a number as typed into a form."""

from decimal import Decimal

import pytest

from jixiao.core.api_writes import number
from jixiao.core.numbers import typed_decimal


@pytest.mark.parametrize(
    "typed, number",
    [
        ("12.5", Decimal("12.5")),
        (" 1,234.56 ", Decimal("1234.56")),
        ("12,345,678", Decimal("12345678")),
        ("１２３．５", Decimal("123.5")),  # full-width digits and point
        ("１，２３４", Decimal("1234")),  # and a full-width comma between thousands
        ("-3", Decimal("-3")),
        (".5", Decimal("0.5")),
        ("", None),
        ("   ", None),
        (None, None),
    ],
)
def test_it_reads_what_people_type(typed, number):
    assert typed_decimal(typed) == number


@pytest.mark.parametrize(
    "typed",
    ["12,5", "1,23", "1,2345", ",5", "12,5%", "12.5%", "约100", "100万元", "1e3", "1_000",
     "Infinity", "NaN", "十", "1.2.3"],
)  # fmt: skip
def test_it_refuses_what_is_not_a_plain_number(typed):
    with pytest.raises(ValueError):
        typed_decimal(typed)


def test_the_write_api_reads_a_number_as_typed_and_names_the_path_it_refuses():
    errors = []
    assert number("1,234.5", "initial.current", errors) == Decimal("1234.5")
    assert number(12, "initial.current", errors) == Decimal(12)
    assert errors == []
    assert number("12,5", "initial.current", errors) is None
    assert [(e["path"], e["code"]) for e in errors] == [("initial.current", "not_a_number")]
