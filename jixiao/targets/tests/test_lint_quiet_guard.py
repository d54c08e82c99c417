"""Each check of one row at a time (it walks `_View.loud_rows()`) declares beside it its own
reason to pass over a row (`lint_base.row_check`). A row every such check passes over is
`QUIET`, and later declarations skip it in all of them: a check walking the loud rows without
a reason would miss rows quiet for the others, and a reason that called a row quiet where its
check finds something would hide that finding in every later declaration."""

import pytest

from jixiao.targets import lint, lint_base
from jixiao.targets.tests.test_lint import CLASSIC, TRIGGERS, declare

ROW_CHECKS = [check for check in lint._CHECKS if hasattr(check, "quiet")]
BY_CODE = {check.__doc__.split()[0]: check for check in ROW_CHECKS}


def _linted(monkeypatch, declaration):
    """The result of a fresh lint (nothing kept) and the view its checks read."""
    monkeypatch.setattr(lint_base, "_FACTS", {})
    views = []
    monkeypatch.setattr(lint, "_mark_quiet", views.append)
    result = lint.lint(
        declaration, rules=CLASSIC.section("lint"), catalogue=CLASSIC.section("catalogue")
    )
    return result, views[0]


def test_every_check_walking_the_loud_rows_declares_its_reason_to_pass_over_a_row(monkeypatch):
    _result, view = _linted(monkeypatch, declare())
    walked = []
    loud_rows = lint_base._View.loud_rows
    monkeypatch.setattr(lint_base._View, "loud_rows", lambda v: walked.append(1) or loud_rows(v))
    walking = []
    for check in lint._CHECKS:
        walked.clear()
        check(view)
        walking += [check] if walked else []
    assert walking == ROW_CHECKS
    assert set(BY_CODE) == {"T02", "T03", "T04", "T10", "T11", "T12", "T19", "T20", "T21"}


@pytest.mark.parametrize(
    ("code", "declaration"),
    [pytest.param(c, d, id=f"{c}_{name}") for c, name, d, x, _p in TRIGGERS
     if c in BY_CODE and x is None],
)  # fmt: skip
def test_a_row_a_check_finds_is_never_quiet_for_that_check(monkeypatch, code, declaration):
    result, view = _linted(monkeypatch, declaration)
    found = {f.indicator for f in result.findings if f.code == code}
    assert found
    assert [i for i in found if BY_CODE[code].quiet(view, i)] == []
