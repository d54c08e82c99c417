"""A list's sorts (core/sorting.py): `?sort=` names a declared column or gives the default;
the primary key breaks ties in the column's direction; a term may run against it."""

import pytest
from django.db.models import F

from jixiao.core.sorting import Sort, Sorts

SORTS = Sorts("-when", when=("submitted_at", "unit__code"), amount="amount_total")


@pytest.mark.parametrize(
    "value, expected",
    [
        ("amount", Sort("amount", False, explicit=True)),
        ("-amount", Sort("amount", True, explicit=True)),
        ("when", Sort("when", False, explicit=True)),
        (None, Sort("when", True)),
        ("", Sort("when", True)),
        ("--amount", Sort("when", True)),
        ("amount_total", Sort("when", True)),  # a field, not a column: never taken
        ("unit__users__password", Sort("when", True)),
        (["amount"], Sort("when", True)),
    ],
)
def test_a_value_names_a_column_or_gives_the_default(value, expected):
    assert SORTS.chosen(value) == expected


def test_the_terms_follow_the_direction_and_end_with_the_primary_key():
    assert SORTS.order("amount") == [
        F("amount_total").asc(nulls_last=True),
        F("pk").asc(),
    ]
    assert SORTS.order("bogus") == [
        F("submitted_at").desc(nulls_last=True),
        F("unit__code").desc(nulls_last=True),
        F("pk").desc(),
    ]


def test_a_term_marked_with_a_minus_runs_against_the_column():
    sorts = Sorts("status", status=("status", "-level"))
    assert sorts.order("-status") == [
        F("status").desc(nulls_last=True),
        F("level").asc(nulls_last=True),
        F("pk").desc(),
    ]


def test_a_default_that_names_no_column_is_refused_when_declared():
    with pytest.raises(ValueError):
        Sorts("nothing", amount="amount_total")


def test_the_param_asks_for_the_same_order_again():
    for value in ("amount", "-amount", "when", "-when"):
        assert SORTS.chosen(SORTS.chosen(value).param).param == value


def test_ties_other_than_the_primary_key_follow_the_direction_or_run_against_it():
    sorts = Sorts("-time", ties=("entry", "-pos"), time=("at",))
    assert sorts.order("") == [
        F("at").desc(nulls_last=True),
        F("entry").desc(),
        F("pos").asc(),
    ]
    assert sorts.order("time") == [F("at").asc(nulls_last=True), F("entry").asc(), F("pos").desc()]
