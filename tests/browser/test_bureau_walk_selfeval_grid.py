"""The unit's self-evaluation form at 1366×768 (ux38): beside the score panel the grid of
indicators squeezed each weight to two characters (7.14 read "7.") and each explanation to one
line. The weights, the scores and the explanations now show whole, and the page stays within
the screen."""

import pytest

pytestmark = pytest.mark.browser

WEIGHTS = ["20", "10", "10", "10", "30", "10"]
DEVIATION = "受疫情影响部分工作延后，下年度加强调度，确保按期完成。"


@pytest.fixture
def selfeval(world, declare):
    from jixiao.evaluations.services import selfeval_create
    from jixiao.targets.services import target_transition
    from jixiao.testing import GOOD_ROWS

    good = {"overall": "优"}
    rows = [{**row, "weight": w} for row, w in zip(GOOD_ROWS, WEIGHTS, strict=True)]
    target = declare(rows=rows)
    target = target_transition(actor=world.filer, target=target, name="complete")
    target = target_transition(actor=world.leader, target=target, name="submit", attest=True)
    target = target_transition(actor=world.business, target=target, name="pass", grades=good)
    target_transition(actor=world.budget, target=target, name="approve", grades=good)
    return selfeval_create(actor=world.filer, project=world.projects["P1"])


def test_the_grid_shows_weights_and_explanations_whole(session_as, world, selfeval):
    filer = session_as("filer")
    filer.goto(f"/evaluations/{selfeval.pk}/edit/")
    filer.fill("textarea[name=deviation-0]", DEVIATION)
    cut = filer.eval_on_selector_all(
        "table.grid input[name^=weight-], textarea[name^=deviation-]",
        "els => els.filter(e => e.value && (e.scrollWidth > e.clientWidth + 1"
        " || e.scrollHeight > e.clientHeight + 1)).map(e => e.name + '=' + e.value)",
    )
    assert cut == []
    assert filer.input_value("input[name=weight-0]") == "20.00"
    assert filer.evaluate("document.documentElement.scrollWidth") <= 1366


def test_a_long_actual_value_reads_whole(session_as, world, selfeval):
    filer = session_as("filer")
    filer.goto(f"/evaluations/{selfeval.pk}/edit/")
    filer.fill("input[name=actual-0]", "2021年12月16日")
    filer.fill("input[name=actual-1]", "≥98.5%（抽检合格）")
    cut = filer.eval_on_selector_all(
        "table.grid input[name^=actual-]",
        "els => els.filter(e => e.value && e.scrollWidth > e.clientWidth + 1)"
        ".map(e => e.name + '=' + e.value)",
    )
    assert cut == []
    assert filer.evaluate("document.documentElement.scrollWidth") <= 1366
