"""A score typed in the self-evaluation's Excel table is read as written."""

from decimal import Decimal

import pytest

from jixiao.evaluations.excel import read_score


def test_a_decimal_comma_is_refused_not_read_as_ten_times_the_score():
    with pytest.raises(ValueError, match="1,5"):
        read_score("1,5")


@pytest.mark.parametrize(
    ("typed", "read"),
    [("8.5分", "8.5"), ("８．５", "8.5"), (" 10 ", "10"), (7.25, "7.25")],
)
def test_scores_as_offices_type_them_are_read(typed, read):
    assert read_score(typed) == Decimal(read)


def test_words_and_a_bare_unit_are_refused():
    for typed in ("满分", "分"):
        with pytest.raises(ValueError):
            read_score(typed)
