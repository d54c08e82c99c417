"""The office sorts the target list by amount: a click on the header sorts it biggest first, a
second click reverses it; the header says which (aria-sort, the arrow), at 1366×768."""

import pytest

pytestmark = pytest.mark.browser


def test_a_click_on_the_amount_header_sorts_biggest_first_and_a_second_reverses(
    session_as, world, artifacts
):
    from jixiao.targets.tests.test_list_sort import make_targets

    make_targets(world)
    office = session_as("budget")
    office.goto("/targets/")
    header = office.locator("th.sortable", has_text="资金总额")
    names = office.locator("table.grid tbody tr td:first-child a")

    header.get_by_role("link").click()
    office.wait_for_url("**/targets/?sort=-amount")
    assert header.get_attribute("aria-sort") == "descending"
    assert "▼" in header.inner_text()
    assert names.all_inner_texts() == ["项目S4", "项目S2", "项目S1", "项目S3", "项目S5"]

    header.get_by_role("link").click()
    office.wait_for_url("**/targets/?sort=amount")
    assert header.get_attribute("aria-sort") == "ascending"
    assert names.all_inner_texts() == ["项目S3", "项目S1", "项目S2", "项目S4", "项目S5"]
    box = header.bounding_box()
    assert box is not None and box["x"] + box["width"] <= 1366  # the header is on screen
    office.screenshot(path=artifacts / "target-list-sorted-1366x768.png")
