"""The unit's own year walked at 1366×768 (ux40): the whole-unit evaluation (部门整体评价).

- A word typed for a judged item's score was a server error; it is refused naming the item, and
  the figures and choices typed stay on the page.
- A decimal comma in a figure ("12,5" posts) is not read as 125: the item says it is not a
  number instead of scoring 120 staff against 125 posts.
- The score's explanation wraps in its cell: the entry column keeps room for what was typed, on
  screen and on paper (values printed cut to two characters).
"""

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.browser


def cut_inputs(page) -> list[str]:
    """The entry boxes whose value does not fit in them."""
    return page.eval_on_selector_all(
        "table.unit-eval-grid input[name^=value-]",
        "els => els.filter(e => e.value && e.scrollWidth > e.clientWidth + 1).map(e => e.name)",
    )


def test_the_filer_mistypes_the_whole_unit_evaluation_and_prints_it(session_as, world):
    from jixiao.evaluations.models import UnitEvaluation

    unit = world.units["U1"]
    filer = session_as("filer")
    filer.goto(f"/unit-evaluations/{unit.id}/2022/")
    filer.locator("input[name='value-在职人数']").fill("120")
    filer.locator("input[name='value-编制人数']").fill("12,5")
    filer.locator("input[name='value-预算数']").fill("6,012.5")
    filer.locator("select[name='band-目标设置']").select_option("达到要求")
    filer.locator("input[name='score-目标设置']").fill("四")
    filer.get_by_role("button", name="保存并评分").click()
    filer.wait_for_load_state()
    expect(filer.locator("main p.error")).to_have_text("“目标设置”的得分“四”不是数字。")
    assert filer.input_value("input[name='value-编制人数']") == "12,5"
    assert filer.input_value("input[name='value-预算数']") == "6,012.5"
    assert filer.input_value("select[name='band-目标设置']") == "达到要求"
    assert filer.input_value("input[name='score-目标设置']") == "四"
    assert not UnitEvaluation.objects.filter(unit=unit, year=2022).exists()

    filer.locator("input[name='score-目标设置']").fill("4.5")
    filer.get_by_role("button", name="保存并评分").click()
    filer.wait_for_load_state()
    expect(filer.locator(".messages")).to_contain_text("已保存并评分。")
    row = filer.locator("table.unit-eval-grid tbody tr").filter(has_text="在职人员控制率")
    expect(row.locator("td.score-cell")).to_contain_text("“12,5”，不是数字")
    assert cut_inputs(filer) == []
    assert filer.evaluate("document.documentElement.scrollWidth") <= 1366

    filer.emulate_media(media="print")
    filer.set_viewport_size({"width": 794, "height": 1123})  # A4 at 96 dpi
    assert cut_inputs(filer) == []
    table_right = filer.eval_on_selector(
        "table.unit-eval-grid", "t => t.getBoundingClientRect().right"
    )
    assert table_right <= 794
