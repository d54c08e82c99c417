"""A row found quiet (`lint._quiet`: none of the checks of one row can find anything in it under
these rules) is passed over by every check that walks `_View.loud_rows()` in later
declarations. `_quiet` therefore knows each such check's own reason to pass over a row: a new
check that walks the loud rows without a reason there would miss rows quiet for the others."""

import inspect
import re

from jixiao.targets import lint

#: The checks `lint._quiet` gives a reason for, by code.
KNOWN_TO_QUIET = {"T02", "T03", "T04", "T10", "T11", "T12", "T19", "T20", "T21"}


def _codes_walking_loud_rows() -> set[str]:
    codes = set()
    for check in lint._CHECKS:
        if "loud_rows()" in inspect.getsource(check):
            codes |= set(re.findall(r"\bT\d\d\b", (check.__doc__ or "").split(":")[0]))
    return codes


def test_every_check_walking_the_loud_rows_has_its_reason_in_quiet():
    assert _codes_walking_loud_rows() == KNOWN_TO_QUIET


def test_quiet_names_the_reason_of_each_such_check():
    source = inspect.getsource(lint._quiet)
    assert {code for code in KNOWN_TO_QUIET if f"# {code}" in source} == KNOWN_TO_QUIET
