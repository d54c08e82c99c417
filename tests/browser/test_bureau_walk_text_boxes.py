"""The bureau's half of the year walked at 1366×768 (ux38): the long texts people type and read.

- A unit's filer asks for an ex-ante assessment of a new policy for its level-2 unit, with an
  amount the page refuses: the page says why, and keeps what was typed, the unit chosen
  included (it fell back to the first unit of the list, so the request went in under the wrong
  unit once the amount was corrected). The necessity, plan and funding boxes are as wide as a
  line of the card, not the browser's default 20 characters.
- The filer writes a rectification's plan in a box of the same width.
- The performance office reads a key evaluation's framework: each scoring standard is shown
  whole in its box, on screen and on paper (it was cut after two lines, on paper too), and the
  empty rows for new indicators are left off the print.
"""

from decimal import Decimal

import pytest

pytestmark = pytest.mark.browser

WIDE = 600  # px: a box of a readable line in the 1366-wide card (the browser's default is ~180)
LONG_STANDARD = (
    "遵守相关法律法规和管理规定，项目调整及支出调整手续完备，合同书、验收报告、技术鉴定等资料"
    "齐全并及时归档，人员条件、场地设备、信息支撑等落实到位，得满分；每有一项不符合扣1.25分，"
    "扣完为止。"
)


def box_widths(page, *names: str) -> dict[str, float]:
    return {
        name: page.locator(f"main textarea[name={name}]").bounding_box()["width"] for name in names
    }


def cut_boxes(page) -> list[str]:
    """The names of the framework's standard boxes whose text does not fit (needs a scroll)."""
    return page.eval_on_selector_all(
        "textarea[name^=standard-]",
        "els => els.filter(e => e.value && e.scrollHeight > e.clientHeight + 1).map(e => e.name)",
    )


def test_an_ex_ante_request_refused_keeps_the_unit_and_the_texts(session_as, world):
    filer = session_as("filer")
    filer.goto("/ex-ante/new/")
    child = world.units["U1A"]
    filer.select_option("select[name=unit]", str(child.pk))
    filer.fill("input[name=subject]", "教师培训补助政策")
    filer.fill("input[name=amount]", "12,5万")
    filer.fill("textarea[name=necessity]", "新教师培训缺口大。")
    filer.get_by_role("button", name="创建申请").click()
    filer.wait_for_load_state()
    assert "申请金额“12,5万”不是数字" in filer.locator(".messages").inner_text()
    assert filer.input_value("select[name=unit]") == str(child.pk)
    assert filer.input_value("input[name=subject]") == "教师培训补助政策"
    assert filer.input_value("textarea[name=necessity]") == "新教师培训缺口大。"
    filer.fill("input[name=amount]", "12.5")
    filer.get_by_role("button", name="创建申请").click()
    filer.wait_for_load_state()
    from jixiao.evaluations.key.models import ExAnteAssessment

    (made,) = ExAnteAssessment.objects.filter(subject="教师培训补助政策")
    assert made.unit == child and made.amount == Decimal("12.5")


def test_the_ex_ante_texts_are_written_in_boxes_a_line_wide(session_as, world):
    filer = session_as("filer")
    filer.goto("/ex-ante/new/")
    widths = box_widths(filer, "necessity", "plan", "funding")
    assert min(widths.values()) >= WIDE, widths


def test_a_rectification_plan_is_written_in_a_box_a_line_wide(session_as, world):
    from jixiao.results.tests.rect_samples import alert_rectification, walk

    row = walk(world, alert_rectification(world), until="receive")
    filer = session_as("filer")
    filer.goto(f"/rectifications/{row.pk}/")
    assert box_widths(filer, "plan")["plan"] >= WIDE


def test_a_framework_shows_and_prints_each_scoring_standard_whole(session_as, world):
    from jixiao.evaluations.key.models import KeyStatus
    from jixiao.evaluations.tests.test_key_work import INDICATORS, make_evaluation

    evaluation = make_evaluation(world, status=KeyStatus.NOTIFIED)
    first = evaluation.panel.indicators.get(level3=INDICATORS[0]["level3"])
    first.standard = LONG_STANDARD
    first.save(update_fields=["standard"])
    office = session_as("performance")
    office.goto(f"/key-evaluations/{evaluation.pk}/framework/")
    assert office.input_value(f"textarea[name=standard-{first.pk}]") == LONG_STANDARD
    assert cut_boxes(office) == []
    blank_rows = office.locator("tr:has(textarea[name^=standard-add])")
    assert blank_rows.count() == 3 and blank_rows.first.is_visible()
    office.emulate_media(media="print")
    office.set_viewport_size({"width": 720, "height": 1000})  # an A4 page's printable width
    assert cut_boxes(office) == []
    assert not blank_rows.first.is_visible()


def test_the_agency_edits_its_report_in_boxes_that_show_the_whole_text(session_as, world):
    """The report editor showed the title cut in a 20-character field and every part in a
    small monospace box, the generated 绩效分析 scrolling after six lines."""
    from jixiao.evaluations.key import report
    from jixiao.evaluations.tests.test_key_report import build_evaluation

    evaluation = build_evaluation(world)
    report.report_generate(actor=world.agency, evaluation=evaluation)
    agency = session_as("agency")
    agency.goto(f"/key-evaluations/{evaluation.pk}/report/edit/")
    title = agency.locator("input[name=title]")
    assert title.evaluate("e => e.scrollWidth <= e.clientWidth"), title.input_value()
    analysis = agency.locator("textarea[name=analysis]")
    analysis.fill("\n".join(f"（{n}）第{n}段分析。" for n in range(1, 13)))
    assert analysis.evaluate("e => e.scrollHeight <= e.clientHeight + 1")
    widths = box_widths(agency, "basics", "analysis", "recommendations")
    assert min(widths.values()) >= WIDE, widths
