"""The declaration's edit page read back at 1366×768, the office screen we promise (ux37).

A unit's accountant, the night before the deadline, fills the indicator grid with what real
declarations hold: a 30-character indicator name, "≥6000平方米", "元/人·年", the catalogue's
longest 二级指标. Every cell must show its whole text without clicking into it (a text control
neither scrolls sideways nor downwards; a select is at least as wide as its chosen option needs),
the page must not scroll sideways, and the quality check stays on the first screen, near the
grid. In Chinese and in English (whose longer headings once squeezed the grid further), and on
paper.
"""

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.browser

NAME_30 = "农村义务教育薄弱学校改造计划新建（改扩建）校舍及附属设施面积"
EXPLANATION = "反映新建（改扩建）校舍及附属设施面积完成情况，以竣工验收报告和不动产登记为准。"

# Every clipped text control of the grid as [row, field, text]; nothing clipped → [].
# A select's need: a copy holding only its chosen option, at its natural width, in the same cell.
CLIPPED = """() => {
  const clipped = [];
  document.querySelectorAll("#grid tbody tr").forEach((row, i) => {
    row.querySelectorAll("input:not([type=hidden]), textarea").forEach((el) => {
      if (el.scrollWidth > el.clientWidth || el.scrollHeight > el.clientHeight)
        clipped.push([i + 1, el.name, el.value]);
    });
    row.querySelectorAll("select").forEach((el) => {
      const text = el.selectedOptions.length ? el.selectedOptions[0].text : "";
      const probe = document.createElement("select");
      probe.className = el.className;
      probe.add(new Option(text));
      probe.style.width = "auto";
      el.parentElement.appendChild(probe);
      const need = probe.offsetWidth;
      probe.remove();
      if (need > el.offsetWidth) clipped.push([i + 1, el.name, text]);
    });
  });
  return clipped;
}"""


@pytest.fixture
def long_rows():
    from jixiao.indicators.rules import CLASSIC

    category, subcategory = max(
        ((c, s) for c, subs in CLASSIC.items() for s in subs), key=lambda pair: len(pair[1])
    )
    assert subcategory == "服务对象满意度指标"  # the longest the page's catalogue offers
    return [
        {
            "category": "产出指标",
            "subcategory": "数量指标",
            "name": NAME_30,
            "value_text": "≥6000平方米",
            "unit": "平方米",
            "weight": "12.5",
            "basis": "计划标准",
            "explanation": EXPLANATION,
        },
        {
            "category": "产出指标",
            "subcategory": "成本指标",
            "name": "生均公用经费补助标准",
            "value_text": "≤1500",
            "unit": "元/人·年",
            "weight": "10",
            "basis": "行业标准",
        },
        {
            "category": "效益指标",
            "subcategory": "可持续影响指标",
            "name": "义务教育学校办学条件基本标准达标率",
            "value_text": "≥95%",
            "unit": "%",
        },
        {
            "category": category,
            "subcategory": subcategory,
            "name": "受资助学生及家长满意度",
            "value_text": "≥90%",
            "unit": "%",
        },
    ]


def assert_every_cell_reads_in_full(page, language):
    assert len(NAME_30) == 30
    page.wait_for_function("document.fonts.status === 'loaded'")
    assert page.evaluate(CLIPPED) == [], language
    assert page.evaluate("document.documentElement.scrollWidth") <= 1366, language
    # The live quality check is on the first screen, beside the project's table above the grid.
    findings = page.locator("#findings")
    expect(findings).to_be_in_viewport()
    assert findings.bounding_box()["y"] < page.locator("#grid").bounding_box()["y"]


def test_every_indicator_cell_reads_in_full_at_1366_in_chinese_and_english(
    session_as, declare, long_rows, artifacts
):
    from jixiao.testing import GOOD_ROWS

    target = declare(rows=GOOD_ROWS + long_rows)
    page = session_as("filer")  # 1366×768
    page.goto(f"/targets/{target.id}/edit/")
    expect(page.locator("#grid [name=ind-name]").nth(len(GOOD_ROWS))).to_have_value(NAME_30)
    assert_every_cell_reads_in_full(page, "zh")
    page.screenshot(path=str(artifacts / "target-form-1366-zh.png"), full_page=True)

    # On A4 paper (718 px between the margins) the grid is a table of whole texts within the page.
    page.emulate_media(media="print")
    page.set_viewport_size({"width": 718, "height": 1000})
    assert page.evaluate(CLIPPED) == []
    assert page.locator("#grid").bounding_box()["width"] <= 718
    page.emulate_media(media="screen")
    page.set_viewport_size({"width": 1366, "height": 768})

    page.locator("select[name=language]").select_option("en")
    page.wait_for_function("document.documentElement.lang === 'en'")
    page.goto(f"/targets/{target.id}/edit/")
    expect(page.locator("#grid th").nth(1)).to_contain_text("Level-1 indicator")
    assert_every_cell_reads_in_full(page, "en")
    page.screenshot(path=str(artifacts / "target-form-1366-en.png"), full_page=True)


def test_a_cell_grows_with_what_is_typed_and_enter_saves_without_a_line_break(
    session_as, declare, long_rows
):
    from jixiao.targets.models import Target
    from jixiao.testing import GOOD_ROWS

    target = declare(rows=GOOD_ROWS)
    page = session_as("filer")
    page.goto(f"/targets/{target.id}/edit/")
    cell = page.locator("#grid [name=ind-explanation]").first
    one_line = cell.bounding_box()["height"]
    cell.fill(EXPLANATION)
    assert cell.bounding_box()["height"] > one_line  # wrapped onto more lines, all in view
    assert page.evaluate(CLIPPED) == []

    name = page.locator("#grid [name=ind-name]").first
    name.fill("")
    name.press_sequentially("改造老旧小区数量")
    name.press("Enter")  # saves, as Enter did in the inputs these cells were
    expect(page.locator(".messages")).to_contain_text("已保存")
    stored = Target.objects.get(pk=target.pk).indicators.order_by("position").first()
    assert (stored.name, stored.explanation) == ("改造老旧小区数量", EXPLANATION)
