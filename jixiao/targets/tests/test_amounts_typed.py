"""The declaration's amounts are read as people type them (core.numbers), like every other form."""

from decimal import Decimal

from django.http import QueryDict
from django.utils import translation

from jixiao.targets.views import _amounts_from_post


def posted(**amounts) -> QueryDict:
    data = QueryDict(mutable=True)
    for key, value in amounts.items():
        data[f"amount_{key}"] = value
    return data


def test_grouped_thousands_and_full_width_digits_are_read():
    amounts, errors = _amounts_from_post(posted(total="1,234.5", current="１２３４．５", other=" "))
    assert errors == []
    assert amounts == {
        "total": Decimal("1234.5"),
        "current": Decimal("1234.5"),
        "carryover": None,
        "other": None,
    }


def test_a_decimal_comma_is_refused_naming_the_field_not_read_as_125():
    with translation.override("zh-hans"):
        amounts, errors = _amounts_from_post(posted(total="12,5", current="12.5"))
    assert errors == ["资金总额“12,5”不是数字。"]
    assert "total" not in amounts and amounts["current"] == Decimal("12.5")
